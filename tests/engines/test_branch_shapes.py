"""How an error of a Parallel branch's own expressions leaves the branch (compiler/lower/branch_errors.py), on our
executor against plain Python, and in the compiled shape: where a handler or finally around the Parallel can see
the error, no state of the branch without a Catch evaluates a value that can fail, each state that does catches the
expression errors, and the branch fails with QueryEvaluationError (not a reserved States.* name, which LocalStack
refuses out of a branch: docs/executor.md, branch-states-error-refused). tests/engines/test_engines.py runs the same
programs on LocalStack. Needs no second engine."""
from __future__ import annotations

import json

import pytest

from pyawssfn.compiler.error_names import BRANCH_EXPRESSION_ERROR, EXPRESSION_ERRORS
from pyawssfn.compiler.lower.branch_errors import EXPRESSION_FAIL, RERAISE_FAIL
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
    covered = "uncovered" not in name
    for parallel in _parallels(machine):
        for branch in parallel["Branches"]:
            states = branch["States"]
            leaving = {n for n in states if n in (EXPRESSION_FAIL, RERAISE_FAIL)}
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
                    mine = [i for i, c in enumerate(state.get("Catch", [])) if c.get("Next") == EXPRESSION_FAIL]
                    assert not mine or _has_template(state), f"{name}: {state_name} catches what cannot fail"
                    assert not mine or not _catches_expression_errors({"Catch": state["Catch"][:mine[0]]}), \
                        f"{name}: {state_name} catches the expression errors twice"
            if EXPRESSION_FAIL in states:
                assert states[EXPRESSION_FAIL]["Error"] == BRANCH_EXPRESSION_ERROR


def test_every_program_has_a_branch_that_can_fail(programs):
    """The corpus tests something: each program's branches (covered or not) evaluate a value that throws, except the
    one whose step's own error leaves the branch as it is, and the one whose tests fail only as JSONata comparisons
    of a string with a number (n > 1 on a string n)."""
    for name, path in programs.items():
        machine = WorkflowTester(path, "w").definition
        throws = any(_throws(s) for p in _parallels(machine) for b in p["Branches"] for s in b["States"].values())
        assert throws == (name not in ("step-error-keeps-its-name", "elif-tests")), name


def test_a_failing_branch_is_caught_as_query_evaluation_error(programs):
    t = WorkflowTester(programs["step-arguments"], "w")
    py, machine = t.run_both({"d": {}, "n": 1})
    assert machine.output == py.output == f"caught {BRANCH_EXPRESSION_ERROR}"
