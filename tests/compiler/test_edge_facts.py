"""A guard the state before checked is not checked again (compiler/edge_facts.py), only where every way in checked
it with the same variables; both ways still agree."""
from __future__ import annotations

import copy
import json

import pytest

from pyawssfn.compiler.edge_facts import apply_edge_facts as _apply_edge_facts
from pyawssfn.testing import WorkflowTester

from .conftest import on_templates

apply_edge_facts = on_templates(_apply_edge_facts)  # the pass as codegen runs it: on Templates

_TYPE = '$type($d) != "object" ? $error("TypeError: indices must be integers") : '
_A = _TYPE + '$exists($d.a) ? $d.a : $error("KeyError: \'a\'")'
_B = _TYPE + '$exists($d.b) ? $d.b : $error("KeyError: \'b\'")'


def _machine(**changes) -> dict:
    states = {
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% " + _A + " %}", "Next": "T"}], "Default": "U"},
        "T": {"Type": "Pass", "Output": "{% " + _B + " %}", "End": True},
        "U": {"Type": "Pass", "Output": "{% " + _B + " %}", "End": True},
    }
    for name, fields in changes.items():
        states.setdefault(name, {}).update(fields)
    return {"StartAt": "C", "States": states}


def test_the_type_a_choice_checked_is_not_checked_again_after_it():
    g = _machine()
    apply_edge_facts(g)
    for name in ("T", "U"):
        assert g["States"][name]["Output"] == '{% $exists($d.b) ? $d.b : $error("KeyError: \'b\'") %}'


@pytest.mark.parametrize("why, changes", [
    ("another way in did not check it", {"S": {"Type": "Pass", "Next": "U"}}),
    ("the rule's Assign writes the variable",
     {"C": {"Choices": [{"Condition": "{% " + _A + " %}", "Assign": {"d": 1}, "Next": "U"}], "Default": "U"}}),
    ("a catcher's way in", {"S": {"Type": "Task", "Resource": "r", "Arguments": {"x": "{% " + _A + " %}"},
                                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "U"}], "End": True}}),
])
def test_a_guard_stays_where_it_may_not_hold(why, changes):
    g = _machine(**changes)
    if why == "the rule's Assign writes the variable":
        del g["States"]["C"]["Default"]
        g["States"]["C"]["Default"] = "T"
    apply_edge_facts(g)
    assert g["States"]["U"]["Output"] == "{% " + _B + " %}", why


def test_a_test_of_the_input_is_no_fact_for_the_next_state():
    g = _machine()
    for name in ("C",):
        g["States"][name]["Choices"][0]["Condition"] = "{% " + _A.replace("$d", "$states.input") + " %}"
    for name in ("T", "U"):
        g["States"][name]["Output"] = "{% " + _B.replace("$d", "$states.input") + " %}"
    before = copy.deepcopy(g)
    apply_edge_facts(g)
    assert json.dumps(g) == json.dumps(before)


SOURCE = '''import pyawssfn as sfn


def ask(token, n):
    return None


def yes(n):
    return "yes"


def no(n, why):
    return why


@sfn.workflow
def wf(n: int):
    d = sfn.wait_for_callback(ask, n, timeout=60)
    if d["ok"]:
        return yes(n)
    return no(n, d["why"])
'''


@pytest.mark.parametrize("result", [{"ok": True}, {"ok": False, "why": "w"}, {"ok": False}, ["ok"], "ok"])
def test_both_ways_agree_on_every_shape_of_a_callback_result(tmp_path, result):
    path = tmp_path / "flow.py"
    path.write_text(SOURCE)
    t = WorkflowTester(path)
    no_state = next(s for s in t.definition["States"].values()
                    if s.get("Arguments", {}).get("Payload", {}).get("step") == "no")
    assert '$type($d) != \\"object\\"' not in json.dumps(no_state)  # the Choice before it tested the type
    t.callback("ask", result=result)
    py, machine = t.run_both({"n": 1})
    assert (py.error, py.output) == (machine.error, machine.output)


def test_what_a_task_s_arguments_checked_holds_on_its_next_not_on_its_catch():
    task = {"Type": "Task", "Resource": "r", "Arguments": {"x": "{% " + _A + " %}"},
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "U"}], "Next": "T"}
    g = _machine(C=task)
    for key in ("Choices", "Default"):
        del g["States"]["C"][key]
    apply_edge_facts(g)
    assert g["States"]["T"]["Output"] == '{% $exists($d.b) ? $d.b : $error("KeyError: \'b\'") %}'
    assert g["States"]["U"]["Output"] == "{% " + _B + " %}"  # the Arguments may have failed there


def test_a_test_of_a_name_the_expression_binds_again_is_another_test():
    g = _machine()
    inner = "{% ($d := $other; " + _B + ") %}"
    g["States"]["T"]["Output"] = inner
    apply_edge_facts(g)
    assert g["States"]["T"]["Output"] == inner
