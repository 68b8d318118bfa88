"""F70 on both engines: a value assigned in a try before a failing one reaches the handler. The compiled machines
rely on a Map over no items whose Catch assigns values again, and on a Task's Assign before such a Map
(compiler/lower/assigned_before.py): our executor and LocalStack must agree on each, on every input.

Needs the second engine: `bash tests/engines/setup.sh` (see tests/engines/conftest.py)."""
from __future__ import annotations

import textwrap

import pytest

from pyawssfn.testing import WorkflowTester

from . import server

server.require()

from .harness import case_from_tester  # noqa: E402

_HEAD = "import pyawssfn as sfn\n\n\ndef step(x: object) -> object:\n    return x\n\n\n"
BODIES = {
    "again-by-the-catch": "try:\n    a = [n, 2]\n    z = 10 // n\n    w = step(z)\nexcept Exception:\n"
                          "    return ['caught', a]\nreturn [a, w]\n",
    "value": "try:\n    a = n + 1\n    z = 10 // n\n    w = step(z)\nexcept Exception:\n    return ['caught', a]\nreturn w\n",
    "step-result-replaced": "r = None\ntry:\n    r = step([n])\n    r = r[1]['v']\nexcept Exception:\n    pass\nreturn r\n",
    "in-a-row": "b = c = None\ntry:\n    a = step(n)\n    b = 10 // a\n    c = 10 // (a - 1)\nexcept Exception:\n"
                "    return ['caught', a, b, c]\nreturn [a, b, c]\n",
    "loop": "r = []\nfor i in range(3):\n    try:\n        v = step(i - n)\n        r.append(v)\n        w = 10 // v\n"
            "        r.append(w)\n    except Exception:\n        r.append('caught')\nreturn r\n",
    "finally": "c = None\ntry:\n    try:\n        a = step(n)\n        b = 10 // a\n    finally:\n        c = ['fin', a]\n"
               "except Exception:\n    return ['caught', c]\nreturn [a, b, c]\n",
    "return": "try:\n    a = step(n)\n    return 10 // a\nexcept Exception:\n    return ['caught', a]\n",
}


def test_values_assigned_before_a_failing_one_agree_on_both_engines(engine, tmp_path):
    cases = []
    for name, body in BODIES.items():
        path = tmp_path / f"f70_{name.replace('-', '_')}.py"
        path.write_text(_HEAD + "@sfn.workflow\ndef wf(n: int) -> object:\n" + textwrap.indent(body, "    "))
        tester = WorkflowTester(path, "wf")
        for n in (0, 1, 2):
            cases.append(case_from_tester(f"{name}-{n}", "f70", tester, {"n": n}))
    engine.run(cases)
    problems = [f"{c.label}: {c.differences()}" for c in cases if c.differences()]
    assert not problems, "\n".join(problems)
