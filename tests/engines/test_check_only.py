"""A returned value's check on both engines (compiler/check_only.py): the Assign, whose error both engines' Catch
sees, tests only what can fail in the value the Output computes (`... ? null : $error(...)`), and the Output
computes it without those guards; a value that breaks them is caught in the Assign, one that passes is returned."""
from __future__ import annotations

import pytest

from pyawssfn.compiler import compile_source
from pyawssfn.jsonata.parse import parse
from pyawssfn.jsonata.printer import to_text
from pyawssfn.jsonata.tree import Dot, Name, Var

from . import server

if server.missing():  # test_engines says why (and fails in CI); without the engine its helpers do not exist
    pytest.skip(f"second engine not installed ({server.missing()}); enable with `{server.ENABLE}`",
                allow_module_level=True)

from .known import explain  # noqa: E402
from .test_engines import _CAUGHT, _run_minimal, _task  # noqa: E402

SOURCE = '''import pyawssfn as sfn


def step(x):
    return x


@sfn.workflow
def wf(x):
    try:
        r = step(x)
        return r * 2
    except Exception:
        return "bad"
'''
_PAYLOAD = Dot(Dot(Var("states"), Name("result")), Name("Payload"))
_RESULT = Dot(Var("states"), Name("result"))


def _shape(read_whole_result: bool) -> dict:
    """The compiled step's Assign and Output on the minimal step "works" (its Payload is the string "works"); reading
    the whole result (an object) instead breaks the value's type tests."""
    (state,) = [st for st in compile_source(SOURCE, "flow.py").definition["States"].values() if st["Type"] == "Task"]

    def field(text: str) -> str:
        tree = parse(text.strip()[2:-2])
        return "{% " + to_text(tree.replace(_PAYLOAD, _RESULT) if read_whole_result else tree) + " %}"

    assign = {k: field(v) for k, v in state["Assign"].items()}
    assert all("? null :" in v for v in assign.values())
    return {"StartAt": "T", "States": {
        "T": {**_task("works"), "Assign": assign, "Output": field(state["Output"]),
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "caught"}]}, "caught": _CAUGHT}}


def test_a_value_the_check_passes_is_returned_and_one_it_fails_is_caught(engine):
    passes, fails = _run_minimal({"check-only-passes": _shape(False), "check-only-fails": _shape(True)}, engine)
    assert (passes.ours.status, passes.ours.output) == ("SUCCEEDED", "worksworks")
    assert (fails.ours.status, fails.ours.output) == ("SUCCEEDED", "caught")
    for case in (passes, fails):
        assert not case.differences(), (explain(case), case.differences())
