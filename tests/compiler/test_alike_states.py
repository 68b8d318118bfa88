"""States alike but for their Assign share one (compiler/alike_states.py): the Assign moves onto the transitions into
them only where that evaluates the same values with the same outcome; both ways still agree on every path."""
from __future__ import annotations

import copy
import json

import pytest

from pyawssfn.compiler.alike_states import merge_alike as _merge_alike
from pyawssfn.testing import WorkflowTester

from .conftest import on_templates

merge_alike = on_templates(_merge_alike)  # the pass as codegen runs it: on Templates

_SAGA = '''import pyawssfn as sfn


class Declined(Exception):
    pass


class Unavailable(Exception):
    pass


def reserve(n):
    return {"r": n}


def release(reservation):
    return reservation


def charge(n):
    if n > 10:
        raise Declined(f"{n} is too much")
    return n


def refund(p):
    return p


def ship(n):
    if n > 5:
        raise Unavailable(f"nobody ships {n}")
    return n


def record(n):
    return n


@sfn.workflow
def wf(n: int):
    reservation = reserve(n)
    try:
        try:
            payment = charge(n)
        except Declined as e:
            release(reservation)
            raise sfn.Fail("PaymentFailed", str(e))
        try:
            ship(n)
        except Unavailable as e:
            refund(payment)
            release(reservation)
            raise sfn.Fail("ShippingFailed", {HOW})
    finally:
        record(n)
    return payment
'''


def _tester(tmp_path, source) -> WorkflowTester:
    path = tmp_path / "flow.py"
    path.write_text(source)
    return WorkflowTester(path)


def _release_tasks(definition: dict) -> list[str]:
    return [n for n, s in definition["States"].items()
            if s.get("Arguments", {}).get("Payload", {}).get("step") == "release"]


@pytest.mark.parametrize("n, error", [(3, None), (20, "PaymentFailed"), (7, "ShippingFailed")])
def test_two_handlers_ending_alike_share_one_task(tmp_path, n, error):
    t = _tester(tmp_path, _SAGA.replace("{HOW}", "str(e)"))
    # the one left of the name is named without a line
    assert _release_tasks(t.definition) == ["release"]
    py, machine = t.run_both({"n": n})
    assert py.error == machine.error == error
    assert py.output == machine.output
    if error:
        assert machine.cause == ("20 is too much" if n == 20 else "nobody ships 7")


def test_a_failing_shared_step_still_fails_as_python(tmp_path):
    t = _tester(tmp_path, _SAGA.replace("{HOW}", "str(e)"))
    t.fail_step("release", error="Boom", cause="release failed")
    py, machine = t.run_both({"n": 7})
    assert py.error == machine.error == "Boom"


def test_an_error_object_that_could_fail_stays_after_the_step(tmp_path):
    # e.error is refused on a class that is not sfn.Fail; a value that can fail (a subscript) stays where Python
    # evaluates it, after release: two release Tasks
    t = _tester(tmp_path, _SAGA.replace("{HOW}", '{"a": 1}["a" if n > 6 else "b"]'))
    assert len(_release_tasks(t.definition)) == 2
    py, machine = t.run_both({"n": 7})
    assert py.error == machine.error == "ShippingFailed"


def _machine(assign_s: dict, *, s_extra: dict | None = None, into: dict | None = None) -> dict:
    """P -> S -> End, Q -> T -> End with S and T alike but for their Assign."""
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "f", "Payload": {"step": "s", "kwargs": {}}}, "Next": "End"}
    s = {**copy.deepcopy(task), **(s_extra or {}), "Assign": assign_s}
    t = {**copy.deepcopy(task), **(s_extra or {}), "Assign": {"x": 2}}
    states = {
        "Start": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.a %}", "Next": "P"}],
                  "Default": "Q"},
        "P": {"Type": "Pass", "Assign": {"y": 1}, "Next": "S", **(into or {})},
        "Q": {"Type": "Pass", "Next": "T"},
        "S": s, "T": t,
        "End": {"Type": "Pass", "Output": "{% $x %}", "End": True},
    }
    return {"StartAt": "Start", "States": states}


def _merged(graph: dict) -> bool:
    g = copy.deepcopy(graph)
    merge_alike(g, {}, None)
    return not ({"S", "T"} <= set(g["States"]))


def test_a_plain_assign_moves_and_the_states_merge():
    g = _machine({"x": "{% $y %}"})
    merge_alike(g, {}, None)
    assert set(g["States"]) == {"Start", "P", "Q", "S", "End"}
    # read as the value P assigns (P's Assign reads the variables as they were); y, read by nothing else, is no
    # longer assigned; T's value moved into Q
    assert g["States"]["P"]["Assign"] == {"x": 1}
    assert g["States"]["Q"]["Assign"] == {"x": 2}
    assert g["States"]["Q"]["Next"] == "S"


def test_a_variable_read_later_stays_assigned():
    g = _machine({"x": "{% $y %}"})
    g["States"]["End"]["Output"] = "{% [$x, $y] %}"
    merge_alike(g, {}, None)
    assert g["States"]["P"]["Assign"] == {"y": 1, "x": 1}


@pytest.mark.parametrize("why, assign, extra", [
    ("reads the state's own result", {"x": "{% $states.result.Payload %}"}, None),
    ("reads the state's input", {"x": "{% $states.input %}"}, None),
    ("can fail", {"x": "{% $y + 1 %}"}, None),
    ("a decode of a cause not known to be Lambda's JSON", {"x": "{% $parse($y.Cause).errorMessage %}"}, None),
    ("the state's arguments read it",
     {"x": 1}, {"Arguments": {"FunctionName": "f", "Payload": {"step": "s", "kwargs": {"v": "{% $x %}"}}}}),
    ("a catcher does not assign it again",
     {"x": 1}, {"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "End"}]}),
])
def test_an_assign_that_would_not_mean_the_same_stays(why, assign, extra):
    assert not _merged(_machine(assign, s_extra=extra)), why


def test_a_catcher_that_assigns_it_again_lets_it_move():
    extra = {"Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"x": 0}, "Next": "End"}]}
    assert _merged(_machine({"x": 1}, s_extra=extra))


def test_a_default_transition_cannot_hold_an_assign():
    g = _machine({"x": 1})
    g["States"]["Start"]["Default"] = "S"
    g["States"]["Q"]["Next"] = "End"
    del g["States"]["P"]
    g["States"]["Start"]["Choices"][0]["Next"] = "T"
    assert not _merged(g)


def test_a_value_of_the_transition_read_twice_must_be_plain():
    # P assigns y from an expression that could fail or differ when evaluated again: x (reading y) cannot move
    g = _machine({"x": "{% $y %}"}, into={"Assign": {"y": "{% $random() %}"}})
    assert not _merged(g)
    assert json.dumps(g)  # unchanged input


def test_a_copy_left_alone_of_its_name_drops_the_line_from_it_and_says_it_in_its_comment():
    # two copies of a finally body's state from the same line merge: the one left is named without the line, which
    # its Comment gives instead
    end = {"Type": "Succeed"}
    copy_ = {"Type": "Pass", "Next": "end"}
    g = {"StartAt": "c", "States": {
        "c": {"Type": "Choice", "Choices": [{"Condition": "{% $a %}", "Next": "a @3"}], "Default": "a @3.2"},
        "a @3": dict(copy_), "a @3.2": dict(copy_), "end": end}}
    source_map = {"c": 1, "a @3": 3, "a @3.2": 3, "end": 4}
    merge_alike(g, source_map, {1: 1, 3: 3, 4: 4})
    assert set(g["States"]) == {"c", "a", "end"}
    assert g["States"]["a"]["Comment"] == "@3"
    assert g["States"]["c"]["Default"] == g["States"]["c"]["Choices"][0]["Next"] == "a"
    assert source_map["a"] == 3 and "a @3" not in source_map
