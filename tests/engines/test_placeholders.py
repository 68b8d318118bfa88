"""F74 on both engines: a workflow text holding a placeholder of the definition (`${FunctionArn}`,
`${StateMachineArn_<name>}`) is written so that no substitution touches it (a JSONata literal spells `${` as
`$\\u007b`, a Fail's literal Error and Cause holding it are JSONata): our executor and LocalStack read the machine
WorkflowTester substituted and return Python's text.

Needs the second engine: `bash tests/engines/setup.sh` (see tests/engines/conftest.py)."""
from __future__ import annotations

import textwrap

from pyawssfn.testing import WorkflowTester

from . import server

server.require()

from .harness import case_from_tester  # noqa: E402

_HEAD = "import pyawssfn as sfn\n\n\ndef step(x: object) -> object:\n    return x\n\n\n"
BODIES = {
    "returned": "return ['${FunctionArn}', n, {'${StateMachineArn_wf}': 1}]\n",
    "step-argument": "return step('${FunctionArn}' + str(n))\n",
    "condition": "if str(n) + '${FunctionArn}' == '1${FunctionArn}':\n    return 'yes ${FunctionArn}'\nreturn n\n",
    "raised": "if n == 1:\n    raise ValueError('${FunctionArn}')\nraise sfn.Fail('${FunctionArn}', '${StateMachineArn_wf}')\n",
}


def test_a_placeholder_in_a_workflow_string_stays_text_on_both_engines(engine, tmp_path):
    cases = []
    for name, body in BODIES.items():
        path = tmp_path / f"f74_{name.replace('-', '_')}.py"
        path.write_text(_HEAD + "@sfn.workflow\ndef wf(n: int) -> object:\n" + textwrap.indent(body, "    "))
        tester = WorkflowTester(path, "wf")
        for n in (1, 2):
            py, ours = tester.run_both({"n": n})
            assert (py.status, py.output, py.error, py.cause) == (ours.status, ours.output, ours.error, ours.cause)
            assert "arn:" not in repr(py.output) + repr(py.cause) + repr(py.error)
            cases.append(case_from_tester(f"{name}-{n}", "f74", tester, {"n": n}))
    engine.run(cases)
    problems = [f"{c.label}: {c.differences()}" for c in cases if c.differences()]
    assert not problems, "\n".join(problems)
