"""A parameter missing from the execution input fails Python's call before the body runs: the machine checks it
before its first step is called (in that call's Arguments), and reads it unchecked afterwards."""
from __future__ import annotations

from pyawssfn.compiler import compile_source
from pyawssfn.testing import WorkflowTester

SOURCE = '''import pyawssfn as sfn


def step(a):
    return a


@sfn.workflow
def wf(a, b):
    r = step(a)
    return [r, b]
'''


def test_a_missing_parameter_fails_before_the_first_step_is_called(tmp_path):
    path = tmp_path / "flow.py"
    path.write_text(SOURCE)
    tester = WorkflowTester(path)
    machine = tester.run_machine({"a": 1})
    assert machine.status == "FAILED" and "needs a, b" in machine.cause
    assert machine.stats["lambda_invocations"] == 0 == tester.run_python({"a": 1}).stats["lambda_invocations"]
    assert tester.run_machine({"a": 1, "b": 2}).output == [1, 2]


def test_after_the_call_the_parameter_is_read_unchecked():
    state = compile_source(SOURCE, "flow.py").definition["States"]["step"]
    assert "needs a, b" in state["Arguments"]["Payload"]["kwargs"]["a"]
    assert "$error" not in str(state.get("Assign", {})) + str(state.get("Output", ""))
