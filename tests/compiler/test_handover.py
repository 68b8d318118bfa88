"""A step's result read only by the states straight after it travels as their input (compiler/handover.py): only
where their input is always that result and every read passes the value on whole; both ways still agree."""
from __future__ import annotations

import copy

import pytest

from pyawssfn.compiler.handover import hand_over as _hand_over
from pyawssfn.testing import WorkflowTester

from .conftest import on_templates

hand_over = on_templates(_hand_over)  # the pass as codegen runs it: on Templates


def _task(step: str, kwargs: dict, **rest) -> dict:
    return {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": "f", "Payload": {"step": step, "kwargs": kwargs}}, **rest}


def _machine(**changes) -> dict:
    states = {
        "A": _task("a", {}, Assign={"r": "{% $states.result.Payload %}"}, Next="B"),
        "B": _task("b", {"x": "{% $r %}"}, End=True),
    }
    for name, fields in changes.items():
        states.setdefault(name, {}).update(fields)
    return {"StartAt": "A", "States": states}


def test_a_result_only_the_next_state_passes_on_is_its_input():
    g = _machine()
    assert hand_over(g)
    assert "Assign" not in g["States"]["A"]
    assert g["States"]["B"]["Arguments"]["Payload"]["kwargs"] == {"x": "{% $states.input.Payload %}"}


def test_through_a_choice_to_the_states_it_leads_to():
    g = _machine(B={"Type": "Choice", "Choices": [{"Condition": "{% $states.input.ok %}", "Next": "C"}],
                    "Default": "D"},
                 C=_task("c", {"x": "{% $r %}"}, End=True), D={"Type": "Pass", "Output": "{% $r %}", "End": True})
    del g["States"]["B"]["Arguments"], g["States"]["B"]["Resource"], g["States"]["B"]["End"]
    assert hand_over(g)
    assert g["States"]["C"]["Arguments"]["Payload"]["kwargs"] == {"x": "{% $states.input.Payload %}"}
    assert g["States"]["D"]["Output"] == "{% $states.input.Payload %}"


def test_a_parameter_a_choice_rule_keeps_is_the_next_state_s_input_too():
    g = {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [
            {"Condition": "{% $states.input.n < 1 %}", "Next": "D"},
            {"Condition": "{% true %}", "Assign": {"n": "{% $states.input.n %}"}, "Next": "B"}]},
        "B": _task("b", {"x": "{% $n %}"}, End=True),
        "D": {"Type": "Succeed"}}}
    assert hand_over(g)
    assert "Assign" not in g["States"]["C"]["Choices"][1]
    assert g["States"]["B"]["Arguments"]["Payload"]["kwargs"] == {"x": "{% $states.input.n %}"}
    g["States"]["C"]["Choices"][0]["Next"] = "B"  # two ways into B: one of them did not assign n
    g["States"]["C"]["Choices"][1]["Assign"] = {"n": "{% $states.input.n %}"}
    g["States"]["B"]["Arguments"]["Payload"]["kwargs"] = {"x": "{% $n %}"}
    assert not hand_over(g)


@pytest.mark.parametrize("why, changes", [
    ("read inside an expression, where its name says more", {"B": _task("b", {"x": "{% $r.id %}"}, End=True)}),
    ("another way into the reader", {"S": {"Type": "Pass", "Next": "B"}}),
    ("a catcher of the state leads to the reader",
     {"A": {"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B"}]}}),
    ("the state has an Output", {"A": {"Output": "{% 1 %}"}}),
    ("read further on", {"B": _task("b", {"x": "{% $r %}"}, Next="C"), "C": {"Type": "Pass", "Output": "{% $r %}",
                                                                              "End": True}}),
    ("read inside a branch", {"B": {"Type": "Parallel", "Branches": [
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "{% $r %}", "End": True}}}], "End": True}}),
    ("read in a branch of a branch", {"B": {"Type": "Parallel", "Branches": [
        {"StartAt": "Q", "States": {"Q": {"Type": "Parallel", "Branches": [
            {"StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "{% $r %}", "End": True}}}], "End": True}}}],
        "End": True}}),
    ("assigned again elsewhere", {"B": _task("b", {"x": "{% $r %}"}, Assign={"r": 1}, End=True)}),
])
def test_it_stays_a_variable_where_the_input_could_differ(why, changes):
    g = _machine(**changes)
    before = copy.deepcopy(g)
    assert not hand_over(g), why
    assert g == before


FINALLY = '''import pyawssfn as sfn


def work(x):
    if x > 5:
        raise ValueError("too big")
    return x * 2


def cleanup(x):
    return None


@sfn.workflow
def wf(x: int):
    try:
        if x > 1:
            return work(x)
        y = work(x + 1)
    finally:
        cleanup(x)
    return y
'''


@pytest.mark.parametrize("x", [0, 3, 9])
def test_a_returned_result_handed_over_runs_as_python(tmp_path, x):
    path = tmp_path / "flow.py"
    path.write_text(FINALLY)
    t = WorkflowTester(path)
    names = [n for n, s in t.definition["States"].items() if s.get("End")]
    assert len(names) == 1  # the two finally copies that returned a result are one state now
    py, machine = t.run_both({"x": x})
    assert py.output == machine.output
