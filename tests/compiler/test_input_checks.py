"""A parameter missing from the execution input fails Python's call before the body runs: the machine checks it
before its first step is called (in that call's Arguments), and reads it unchecked afterwards."""
from __future__ import annotations

import pytest

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
    assert machine.status == "FAILED" and "no field 'b'" in machine.cause
    assert machine.stats["lambda_invocations"] == 0 == tester.run_python({"a": 1}).stats["lambda_invocations"]
    assert tester.run_machine({"a": 1, "b": 2}).output == [1, 2]


def test_after_the_call_the_parameter_is_read_unchecked():
    state = compile_source(SOURCE, "flow.py").definition["States"]["step"]
    assert "no field 'b'" in state["Arguments"]["Payload"]["kwargs"]["a"]
    assert "$error" not in str(state.get("Assign", {})) + str(state.get("Output", ""))


WHOLE = '''import pyawssfn as sfn


def step(a, b=None):
    return a


@sfn.workflow
def wf(a, b):
    return [step(a), step(b, b=b)]
'''


def test_a_field_that_is_a_parameter_s_plain_read_checks_it_by_itself(tmp_path):
    """A field cannot be undefined: a step argument that is exactly `$states.input.a` fails the state with
    States.QueryEvaluationError when the input lacks `a`, before the step runs, so the check leaves it out."""
    definition = compile_source(WHOLE, "flow.py").definition
    first = definition["States"][definition["StartAt"]]
    kwargs = first["Arguments"]["Payload"]["kwargs"]
    assert kwargs == {"a": "{% $exists($states.input.b) ? $states.input.a : "
                           "$error(\"The execution input has no field 'b'\") %}"}  # b only
    path = tmp_path / "flow.py"
    path.write_text(WHOLE)
    tester = WorkflowTester(path)
    for inp in ({"b": 1}, {"a": 1}, {}):
        py, machine = tester.run_python(inp), tester.run_machine(inp)
        assert py.error == machine.error == "States.QueryEvaluationError"
        assert machine.stats["lambda_invocations"] == 0 == py.stats["lambda_invocations"]
    assert tester.run_machine({"a": 1, "b": 2}).output == [1, 2]


FINALLY = '''import pyawssfn as sfn


def work(x):
    return x


def cleanup(x):
    return None


@sfn.workflow
def wf(x):
    try:
        if x > 1:
            return work(x)
        y = work(x + 1)
    finally:
        cleanup(x)
    return y
'''


@pytest.mark.parametrize("inp", [{"x": 0}, {"x": 2}, {"x": [1, 2]}, {}])
def test_a_catcher_that_checks_the_input_again_still_assigns_the_parameters(tmp_path, inp):
    """`x > 1` failing at the start of a try/finally: the Map that evaluates it catches the error, checks the input
    again and still gives the finally the parameter it reads (cleanup(x) runs, as in Python)."""
    path = tmp_path / "flow.py"
    path.write_text(FINALLY)
    py, machine = WorkflowTester(path).run_both(inp)
    assert (py.error, py.output) == (machine.error, machine.output)


TRY_FIRST = '''import pyawssfn as sfn


def work(a):
    return a


def cleanup(a):
    return None


@sfn.workflow
def wf(a, b):
    try:
        r = work(a)
    finally:
        cleanup(a)
    return [r, b]
'''


@pytest.mark.parametrize("inp", [{"a": 1}, {"b": 1}, {}, {"a": 1, "b": 2}])
def test_a_catcher_checking_again_leaves_out_the_parameter_its_own_read_checks(tmp_path, inp):
    """The first step under a try: its catcher assigns `a` for the finally and checks the input again, so that a
    missing parameter fails before the finally as Python's call does; `$states.input.a` fails by itself when `a`
    is missing (an Assign entry cannot be undefined), so only `b` is tested. The check fails there only when it
    failed in the state first of all: the catcher raises the error it caught again."""
    definition = compile_source(TRY_FIRST, "flow.py").definition
    catcher = definition["States"][definition["StartAt"]]["Catch"][0]
    assert catcher["Assign"]["a"] == "{% $exists($states.input.b) ? $states.input.a : $error($states.errorOutput.Cause) %}"
    path = tmp_path / "flow.py"
    path.write_text(TRY_FIRST)
    py, machine = WorkflowTester(path).run_both(inp)
    assert (py.error, py.output) == (machine.error, machine.output)
    if inp != {"a": 1, "b": 2}:
        assert py.error == "States.QueryEvaluationError"
        assert machine.stats["lambda_invocations"] == 0 == py.stats["lambda_invocations"]
