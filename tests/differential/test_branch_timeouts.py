"""A timeout leaving a Parallel branch or a Map iteration (issue #9): LocalStack refuses a States.* name out of a
branch, so the compiled branch catches its Task's timeout and fails with the name without its prefix; the
plain-Python run names it so too. Inside the branch a handler still sees States.Timeout."""
from __future__ import annotations

import pytest

from pyawssfn.testing import WorkflowTester

SOURCE = '''
import pyawssfn as sfn


@sfn.task(timeout=5)
def slow(x):
    sfn.sleep(x)
    return x


def quick(x):
    return x + 1


@sfn.workflow
def caught(x):
    def left():
        return slow(x)

    def right():
        return quick(x)
    try:
        return sfn.parallel(left, right)
    except sfn.Fail as e:
        return [type(e).__name__, e.error, e.cause]


@sfn.workflow
def uncaught(x):
    def left():
        return slow(x)
    return sfn.parallel(left, lambda: quick(x))


@sfn.workflow
def inside(x):
    def left():
        try:
            return slow(x)
        except sfn.Fail as e:
            return e.error
    return sfn.parallel(left)


@sfn.workflow
def mapped(xs):
    try:
        return sfn.map(slow, xs)
    except sfn.Fail as e:
        return ["map", e.error, e.cause]


@sfn.workflow
def comprehension(xs):
    try:
        return [slow(x) for x in xs]
    except sfn.Fail as e:
        return ["comprehension", e.error]


@sfn.workflow
def map_uncaught(xs):
    return sfn.map(slow, xs)
'''


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    p = tmp_path_factory.mktemp("branch_timeouts") / "branch_timeouts_wf.py"
    p.write_text(SOURCE)
    return p


@pytest.mark.parametrize("workflow, value, expected", [
    ("caught", {"x": 1}, ("SUCCEEDED", [1, 2], None)),
    ("caught", {"x": 9}, ("SUCCEEDED", ["Timeout", "Timeout", ""], None)),
    ("uncaught", {"x": 9}, ("FAILED", None, "Timeout")),
    ("inside", {"x": 9}, ("SUCCEEDED", ["States.Timeout"], None)),
    ("mapped", {"xs": [1, 2]}, ("SUCCEEDED", [1, 2], None)),
    ("mapped", {"xs": [1, 9]}, ("SUCCEEDED", ["map", "Timeout", ""], None)),
    ("comprehension", {"xs": [9]}, ("SUCCEEDED", ["comprehension", "Timeout"], None)),
    ("map_uncaught", {"xs": [9]}, ("FAILED", None, "Timeout")),
])
def test_a_timeout_leaves_a_branch_without_its_prefix_in_both_runs(path, workflow, value, expected):
    py, machine = WorkflowTester(path, workflow).run_both(value)
    assert (py.status, py.output, py.error) == (machine.status, machine.output, machine.error) == expected


def test_the_branch_catches_only_what_can_time_out(path):
    """Where nothing around the Parallel sees the error, a branch catches only its steps' timeouts; where a handler
    does, every step also catches its result over the size quota, in the same Catch (compiler/lower/branch_errors.py),
    and the branch fails through one Fail state."""
    from pyawssfn.compiler import compile_file

    for workflow, left_names, right_names in (
            ("uncaught", [["States.Timeout"]], None),
            ("caught", [["States.DataLimitExceeded", "States.Timeout"]], [["States.DataLimitExceeded"]])):
        definition = compile_file(str(path), workflow).definition
        (par,) = [s for s in definition["States"].values() if s["Type"] == "Parallel"]
        left, right = (b["States"] for b in par["Branches"])
        (task,) = [s for s in left.values() if s["Type"] == "Task"]
        assert [c["ErrorEquals"] for c in task["Catch"]] == left_names
        assert left[task["Catch"][0]["Next"]]["Type"] == "Fail"
        assert [s for s in left.values() if s["Type"] == "Fail"] == [left[task["Catch"][0]["Next"]]]
        if right_names is None:
            assert all("Catch" not in s for s in right.values())  # quick cannot time out: no Catch, no Fail
        else:
            (quick,) = [s for s in right.values() if s["Type"] == "Task"]
            assert [c["ErrorEquals"] for c in quick["Catch"]] == right_names
