"""Session 6 hunt of the size passes (compiler/alike_states.py, handover.py, edge_facts.py): programs at the edges
of their conditions, each run both ways and as the direct CPython call (conftest's ``agree``), and each checked to
take the shape the pass gives it (so the test stops covering the pass only when the pass stops firing)."""
from __future__ import annotations

import json
import textwrap

import pytest

from pyawssfn.testing import WorkflowTester

from .conftest import agree


_HEAD = """
    import pyawssfn as sfn


    class Bad(Exception):
        pass


    @sfn.task
    def release(x: object) -> object:
        return x
    """

# alike_states: four release(n) Tasks in a loop, reached from two catchers (each assigning msg) and from the two
# rules of a Choice (one reading the msg it reassigns); their Assigns move onto the transitions, one Task is left
LOOP = _HEAD + """

    @sfn.task
    def work(x: int) -> int:
        if x < 0:
            raise Bad("neg")
        return x + 1


    @sfn.task
    def other(x: int) -> int:
        if x == 5:
            raise Bad("five")
        return x * 2


    @sfn.workflow
    def wf(x: int) -> object:
        msg = "none"
        n = 0
        while n < 3:
            n = n + 1
            try:
                y = work(x - n)
            except Bad as e:
                msg = "a" + str(n)
                release(n)
                continue
            try:
                z = other(y)
            except Bad as e:
                msg = "b" + str(n)
                release(n)
                continue
            if z > 4:
                msg = msg + "!"
                release(n)
            else:
                msg = "c"
                release(n)
        return [msg, n]
    """

# alike_states: a swap (a, b = b, a) and a chain (b = a + 1; a = b) on the transitions into alike release(a) Tasks,
# a catcher reassigning a variable the state before it assigned
SWAP = _HEAD + """

    @sfn.task
    def work(x: int) -> int:
        if x % 3 == 0:
            raise Bad("three")
        return x + 1


    @sfn.workflow
    def wf(x: int, y: int) -> object:
        a = x
        b = y
        if x > 2:
            a, b = b, a
            release(a)
        else:
            b = a + 1
            a = b
            release(a)
        try:
            t = work(a)
        except Bad:
            a = b
            release(a)
            return [a, b]
        a = t
        release(a)
        return [a, b, t]
    """

# handover: a step result read only by the next Task's Arguments and its catcher's Assign travels as that Task's
# input; the Task is retried (its input on the retry is still the result) and its catcher reads $states.input
RETRIED = """
    import pyawssfn as sfn


    class Bad(Exception):
        pass


    @sfn.task(retry=sfn.Retry(errors=[Bad], interval=1, max_attempts=2))
    def a(x: int) -> dict:
        return {"v": x, "w": [x]}


    @sfn.task(retry=sfn.Retry(errors=[Bad], interval=1, max_attempts=2))
    def b(r: dict) -> int:
        if r["v"] > 2:
            raise Bad("big")
        return r["v"]


    @sfn.workflow
    def wf(x: int) -> object:
        r = a(x)
        try:
            z = b(r)
        except Bad:
            z = r
        return z
    """


def _tester(tmp_path, name: str, source: str) -> WorkflowTester:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source).lstrip("\n"))
    return WorkflowTester(path, "wf")


@pytest.mark.parametrize("x", [0, 1, 3, 6, 7, 10])
def test_assign_moved_onto_catchers_and_choice_rules_in_a_loop(tmp_path, x):
    t = _tester(tmp_path, "hunt2_loop", LOOP)
    releases = [n for n, s in t.definition["States"].items() if "release" in json.dumps(s.get("Arguments"))]
    assert releases == ["release"]  # the four merged, its Assign on each way in
    agree(t, {"x": x})


@pytest.mark.parametrize("x, y", [(1, 5), (3, 6), (4, 7), (2, 0)])
def test_assign_moved_onto_a_swap_and_a_catcher(tmp_path, x, y):
    t = _tester(tmp_path, "hunt2_swap", SWAP)
    states = t.definition["States"]
    assert sum('"step": "release"' in json.dumps(s) for s in states.values()) == 3
    agree(t, {"x": x, "y": y})


@pytest.mark.parametrize("x", [1, 3])
def test_handover_into_a_retried_task_and_its_catcher(tmp_path, x):
    t = _tester(tmp_path, "hunt2_retried", RETRIED)
    states = t.definition["States"]
    assert "Assign" not in states["a"]
    assert states["b"]["Catch"][0]["Assign"] == {"z": "{% $states.input.Payload %}"}
    t.fail_step("b", error="Bad", cause="once", times=1)  # the retry runs on the same input
    py, machine = agree(t, {"x": x}, check_direct=False)
    attempts = machine.step("b").calls[0].attempt_list
    assert len(attempts) == (2 if x == 1 else 3)
    assert all(at.arguments == {"r": {"v": x, "w": [x]}} for at in attempts)


# AWS holds the variables one Assign field assigns to 256 KiB together (semantics/quotas.py, the executor checks it:
# States.DataLimitExceeded); the plain-Python run does not model variables' sizes. Folding `q = a` into the Assign of
# the Task before it (lowering, FOLDED) or moving release's Assign onto the transition into it (alike_states.py,
# MOVED) puts two 150 KB values in one Assign: the machine fails where plain Python succeeds. Open: nothing in the
# compiler bounds what one Assign holds (the fix belongs to lowering and the passes together, or to the Python run).
_BIG = """
    import pyawssfn as sfn


    @sfn.task
    def big(n: int) -> str:
        return "x" * n


    @sfn.task
    def release(x: int) -> int:
        return x
    """

FOLDED = _BIG + """

    @sfn.workflow
    def wf(n: int, m: int) -> object:
        a = big(n)
        c = big(n + 1)
        q = a
        release(0)
        return [len(q), len(a), len(c)]
    """

MOVED = _BIG + """

    @sfn.workflow
    def wf(n: int, m: int) -> object:
        i = 0
        a = big(n)
        c = big(n + 1)
        release(0)
        q = a
        while i < m:
            i = i + 1
            release(0)
            q = c
        return [len(q), len(a), len(c)]
    """


@pytest.mark.xfail(strict=True, reason="one Assign field's 256 KiB: not modelled by the Python run, not bounded by "
                                       "the compiler (lowering folds, alike_states moves)")
@pytest.mark.parametrize("name, source", [("folded", FOLDED), ("moved", MOVED)])
def test_two_large_values_in_one_assign(tmp_path, name, source):
    t = _tester(tmp_path, f"hunt2_{name}", source)
    if name == "moved":  # release's Assign went onto the Task before it
        assert t.definition["States"]["big @18"]["Assign"] == {
            "c": "{% $states.result.Payload %}", "q": "{% $a %}"}
    agree(t, {"n": 10, "m": 1})  # small values: the same
    agree(t, {"n": 150_000, "m": 1})


# edge_facts: the loop's Choice checks d's type, the Task after it does not again (the fact holds on its one way in);
# the Task after g(d) (d reassigned by the Task before it) and the return after an if/elif/else whose one branch
# checked d and whose others reassigned it keep their checks
_NOTE = """
    import pyawssfn as sfn


    @sfn.task
    def note(x: object) -> object:
        return x
    """

LOOP_FACT = _NOTE + """

    @sfn.task
    def g(d: object) -> object:
        return d["next"]


    @sfn.workflow
    def wf(d: dict, k: int) -> object:
        out = []
        while d["ok"]:
            out.append(note(d["v"]))
            d = g(d)
            if k > 0:
                out.append(note(d["v"]))
        return [out, d["v"]]
    """

ONE_PATH_FACT = _NOTE + """

    @sfn.workflow
    def wf(d: dict, c: int) -> object:
        if d["c"] > c:
            d = d["inner"]
        elif c > 1:
            note(d["a"])
        else:
            d = note(d["a"])
        return note(d["b"])
    """

_TYPE_TEST = '$type($d) != \\"object\\"'


def _checks_type(state: dict) -> bool:
    return _TYPE_TEST in json.dumps(state["Arguments"])


@pytest.mark.parametrize("d, k", [
    ({"ok": True, "v": 1, "next": {"ok": False, "v": 2}}, 1), ({"ok": True, "v": 1, "next": [1]}, 1),
    ({"ok": True, "v": 1, "next": [1]}, 0), ({"ok": True, "v": 1, "next": {"ok": True, "v": 3, "next": "s"}}, 0),
    ({"ok": False}, 0)])
def test_guard_fact_not_carried_over_a_reassignment(tmp_path, d, k):
    t = _tester(tmp_path, "hunt2_loop_fact", LOOP_FACT)
    states = t.definition["States"]
    assert not _checks_type(states["note @18"]) and _checks_type(states["note @21"])
    agree(t, {"d": d, "k": k})


@pytest.mark.parametrize("d, c", [
    ({"c": 2, "inner": [1], "b": 1}, 0), ({"c": 2, "inner": {"b": 5}, "b": 1}, 0), ({"c": 0, "a": 3, "b": 4}, 2),
    ({"c": 0, "a": [3], "b": 4}, 1), ({"c": 0, "a": {"b": 7}, "b": 4}, 1)])
def test_guard_fact_on_one_path_only(tmp_path, d, c):
    t = _tester(tmp_path, "hunt2_one_path_fact", ONE_PATH_FACT)
    assert _checks_type(t.definition["States"]["note @17"])
    agree(t, {"d": d, "c": c})


# Both runs end at the 25,000 history events with the same 3572 calls, but the last call is cut by the limit on the
# machine after its TaskStarted (no result in its history) while the plain-Python run records the result it got.
# The comparison used to report "call 3572 (step release): result: python 0, machine null", a false alarm; a call
# whose Task never ended is compared by its arguments only (comparison.Call.ended).
ENDLESS = _BIG + """

    @sfn.workflow
    def wf(n: int, m: int) -> object:
        a = big(n)
        release(0)
        q = a
        while len(q) < m:
            b = a
            release(0)
            q = b + "y"
        return len(q)
    """


def test_history_limit_in_the_middle_of_a_task(tmp_path):
    t = _tester(tmp_path, "hunt2_endless", ENDLESS)
    py, machine = t.run_both({"n": 10, "m": 12})
    assert py.error == machine.error == "States.Runtime"
    assert machine.history[-1]["type"] == "ExecutionFailed"
