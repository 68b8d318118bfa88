"""How an error of a Parallel branch's own expressions leaves the branch (compiler/lower/branch_errors.py), on our
executor against plain Python, and in the compiled shape: where a handler or finally around the Parallel can see
the error, no state of the branch without a Catch evaluates a value that can fail, each state that does catches the
expression errors, and the branch fails with QueryEvaluationError (not a reserved States.* name, which LocalStack
refuses out of a branch: docs/executor.md, branch-states-error-refused). tests/engines/test_engines.py runs the same
programs on LocalStack. Needs no second engine."""
from __future__ import annotations

import json

import pytest

from pyawssfn.compiler.error_names import (
    BRANCH_EXPRESSION_ERROR, DATA_LIMIT, EXPRESSION_ERRORS, branch_fail_error, left_branch,
)
from pyawssfn.compiler.lower.branch_errors import BRANCH_FAIL, RERAISE_FAIL
from pyawssfn.jsonata.parse import parse
from pyawssfn.jsonata.printer import to_text
from pyawssfn.testing import WorkflowTester

from . import branch_programs

_CATCHING = ("Task", "Map", "Parallel")


def _parallels(machine: dict):
    for state in machine.get("States", {}).values():
        if state["Type"] == "Parallel":
            yield state
        for sub in state.get("Branches", []) + [state[k] for k in ("ItemProcessor",) if k in state]:
            yield from _parallels(sub)


def _throws(state: dict) -> bool:
    fields = {k: v for k, v in state.items() if k not in ("Catch", "Retry", "Branches", "ItemProcessor", "Comment")}
    return "$error(" in json.dumps(fields)


def _has_template(state: dict) -> bool:
    fields = {k: v for k, v in state.items() if k not in ("Catch", "Retry", "Branches", "ItemProcessor", "Comment")}
    return "{%" in json.dumps(fields)


def _catches_expression_errors(state: dict) -> bool:
    return any(set(EXPRESSION_ERRORS) <= set(c["ErrorEquals"]) or "States.ALL" in c["ErrorEquals"]
               for c in state.get("Catch", []))


@pytest.fixture(scope="module")
def programs():
    with branch_programs.written() as paths:
        yield paths


@pytest.mark.parametrize("name", sorted(branch_programs.PROGRAMS))
def test_branch_errors_agree_with_plain_python(programs, name):
    for inp in branch_programs.INPUTS:
        WorkflowTester(programs[name], "w").run_both(inp)  # raises DisagreementError on any difference


@pytest.mark.parametrize("name", sorted(branch_programs.PROGRAMS))
def test_covered_branches_evaluate_failing_values_where_caught(programs, name):
    machine = WorkflowTester(programs[name], "w").definition
    for parallel in _parallels(machine):
        # a handler that catches everything (except Exception, except sfn.Fail) or a finally around it
        covered = any("States.ALL" in c["ErrorEquals"] for c in parallel.get("Catch", []))
        assert covered == (name not in ("step-error-keeps-its-name",) and "uncovered" not in name), name
        for branch in parallel["Branches"]:
            states = branch["States"]
            leaving = {n for n in states if n in (BRANCH_FAIL, RERAISE_FAIL)}
            if not covered:
                assert not leaving, f"{name}: nothing around the Parallel sees the error, yet {leaving}"
                continue
            for state_name, state in states.items():
                if state_name in leaving:
                    continue
                if state["Type"] not in _CATCHING:
                    assert not _throws(state), f"{name}: {state_name} has no Catch and can fail"
                else:
                    assert _throws(state) <= _catches_expression_errors(state), \
                        f"{name}: {state_name} can fail and does not catch it"
                    # no Catch for what cannot fail: a state whose fields hold no expression, or whose earlier
                    # Catch takes the expression errors already
                    mine = [i for i, c in enumerate(state.get("Catch", [])) if c.get("Next") == BRANCH_FAIL
                            and set(EXPRESSION_ERRORS) <= set(c["ErrorEquals"])]
                    assert not mine or _has_template(state), f"{name}: {state_name} catches what cannot fail"
                    # a step's result over the size quota leaves the branch renamed too
                    if state["Type"] == "Task":
                        assert any(DATA_LIMIT in c["ErrorEquals"] or "States.ALL" in c["ErrorEquals"]
                                   for c in state.get("Catch", [])), f"{name}: {state_name}"
                    assert not mine or not _catches_expression_errors({"Catch": state["Catch"][:mine[0]]}), \
                        f"{name}: {state_name} catches the expression errors twice"
            if BRANCH_FAIL in states:  # the one name it catches, or computed
                caught = {n for s in states.values() for c in s.get("Catch", []) if c["Next"] == BRANCH_FAIL
                          for n in c["ErrorEquals"]}
                leaving = {left_branch(EXPRESSION_ERRORS[0] if n in EXPRESSION_ERRORS else n) for n in caught}
                assert not any(n.startswith("States.") for n in leaving)
                assert states[BRANCH_FAIL]["Error"] == (next(iter(leaving)) if len(leaving) == 1 else
                                                       "{% " + to_text(branch_fail_error(parse("$states.input.Error"))) + " %}")


# the programs whose branch leaves with a reserved name other than an expression's (what they test), whether or not
# an expression of theirs can fail too (that depends on how much the compiler knows of the types)
_OTHER_ERRORS = ("result-over-the-quota", "result-over-the-quota-uncovered", "map-item-over-the-quota",
                 "distributed-map-beyond-its-tolerance", "step-timeout")


def test_every_program_has_a_branch_that_can_fail(programs):
    """The corpus tests something: each program's branches (covered or not) evaluate a value that throws, except the
    one whose step's own error leaves the branch as it is and the one whose tests fail only as JSONata comparisons
    of a string with a number (n > 1 on a string n); those of _OTHER_ERRORS test another error."""
    assert set(_OTHER_ERRORS) <= set(programs)
    for name, path in programs.items():
        if name in _OTHER_ERRORS:
            continue
        machine = WorkflowTester(path, "w").definition
        throws = any(_throws(s) for p in _parallels(machine) for b in p["Branches"] for s in b["States"].values())
        assert throws == (name not in ("step-error-keeps-its-name", "elif-tests")), name


def test_a_failing_branch_is_caught_as_query_evaluation_error(programs):
    t = WorkflowTester(programs["step-arguments"], "w")
    py, machine = t.run_both({"d": {}, "n": 1})
    assert machine.output == py.output == f"caught {BRANCH_EXPRESSION_ERROR}"


def test_a_wait_in_a_covered_branch_checks_its_seconds_where_caught(programs):
    """sfn.sleep(wait) with wait = -1: the expression cannot fail, the Wait would (a Wait state has no Catch, and its
    States.QueryEvaluationError would leave the branch with the prefix): checked first where caught."""
    t = WorkflowTester(programs["sleep-seconds-invalid"], "w")
    py, machine = t.run_both({"d": {}, "n": 1})
    assert machine.output == py.output == f"caught {BRANCH_EXPRESSION_ERROR}"
    py, machine = t.run_both({"d": {}, "n": 1, "wait": 3})
    assert machine.output == py.output == 2 and py.sleeps == [3]


def test_a_covered_map_item_leaves_over_the_quota_renamed(programs):
    from pyawssfn.compiler.lower.branch_errors import ITEM_FAIL

    machine = WorkflowTester(programs["map-item-over-the-quota"], "w").definition
    (m,) = [s for s in machine["States"].values() if s["Type"] == "Map" and s.get("Items") != []]
    processor = m["ItemProcessor"]["States"]
    (task,) = [s for s in processor.values() if s["Type"] == "Task"]
    assert {"ErrorEquals": [DATA_LIMIT], "Output": "{% $states.errorOutput %}", "Next": ITEM_FAIL} in task["Catch"]
    assert processor[ITEM_FAIL]["Error"] == "DataLimitExceeded"
