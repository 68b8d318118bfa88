"""Shapes of the state graph: merged Choices, and where a value that can fail is evaluated inside a try."""
from __future__ import annotations

import json
import pathlib

import pytest

from pyawssfn.testing import WorkflowTester

REPO = pathlib.Path(__file__).resolve().parents[2]


def _states(definition: dict):
    for name, st in definition["States"].items():
        yield name, st
        for b in st.get("Branches", []):
            yield from _states(b)
        if "ItemProcessor" in st:
            yield from _states(st["ItemProcessor"])


@pytest.mark.parametrize("rows, polls, entered", [(3000, 3, 13), (10, 0, 4), (10 ** 6, 5, 20)])
def test_polling_enters_one_choice_per_iteration(rows, polls, entered):
    # the hand-written machine (benchmarks/handwritten/polling.json) enters 13 states for 3 polls, 20 when timing out
    t = WorkflowTester(str(REPO / "examples" / "polling.py"))
    py, machine = t.run_both({"dataset": "d", "rows": rows})
    assert len(py.sleeps) == polls
    assert machine.stats["states_entered"] == entered
    choices = [n for n, st in _states(t.definition) if st["Type"] == "Choice"]
    assert len(choices) == 1


_ELIF = '''
import pyawssfn as sfn


def step(x):
    return x


@sfn.workflow
def wf(n):
    r = step(n)
    if r == 1:
        out = "one"
    elif r == 2:
        out = "two"
    elif r > 2 and r < 10:
        out = "few"
    else:
        out = "many"
    return step(out)
'''


@pytest.mark.parametrize("n, out", [(1, "one"), (2, "two"), (5, "few"), (50, "many")])
def test_elif_chain_is_one_choice(tmp_path, n, out):
    f = tmp_path / "elif.py"
    f.write_text(_ELIF)
    t = WorkflowTester(str(f))
    py, machine = t.run_both({"n": n})
    assert py.output == machine.output == out
    assert [st["Type"] for _, st in _states(t.definition)].count("Choice") == 1
    assert machine.stats["states_entered"] == 3


_NON_BOOLEAN = '''
import pyawssfn as sfn


def step(x):
    return x


@sfn.workflow
def wf(xs):
    r = step(xs)
    if r:
        if r[0]:
            return "first"
        return "rest"
    return "empty"
'''


@pytest.mark.parametrize("xs, out", [([1], "first"), ([0], "rest"), ([], "empty"), ([[]], "rest")])
def test_only_boolean_conditions_are_joined(tmp_path, xs, out):
    # `if r` and `if r[0]` are Python truthiness (a dispatch on the type that is not always true or false): a Choice
    # fails on a non-boolean condition where `and` would coerce it, so the two Choices stay apart
    f = tmp_path / "nb.py"
    f.write_text(_NON_BOOLEAN)
    t = WorkflowTester(str(f))
    py, machine = t.run_both({"xs": xs})
    assert py.output == machine.output == out
    assert [st["Type"] for _, st in _states(t.definition)].count("Choice") == 2


_COVERED = '''
import pyawssfn as sfn


def get():
    return {"k": "v"}


@sfn.workflow
def wf(key):
    r = get()
    try:
        s = r[key] + "!"
        get()
    except Exception:
        s = "caught"
    return s
'''


@pytest.mark.parametrize("key, out", [("k", "v!"), ("missing", "caught")])
def test_a_failing_value_in_a_try_is_evaluated_in_a_map_over_no_items(tmp_path, key, out):
    """In the Assign of a Map over no items, whose Catch both engines honour: not in a one-branch Parallel, whose
    own Assign LocalStack does not catch and whose branch's States.* error it refuses (issue #9,
    tests/engines RELIED)."""
    f = tmp_path / "covered.py"
    f.write_text(_COVERED)
    t = WorkflowTester(str(f))
    py, machine = t.run_both({"key": key})
    assert py.output == machine.output == out
    states = [st for _, st in _states(t.definition)]
    assert not [st for st in states if st["Type"] == "Parallel"]
    (holder,) = [st for st in states if st["Type"] == "Map"]
    assert holder["Items"] == [] and holder["Catch"] and "$error" in json.dumps(holder["Assign"])
    assert machine.stats["states_entered"] == 3  # get, the Map, then get or the handler's end


ORDER = {"order_id": "o1", "items": {"apple": 2}, "amount": 50, "country": "FR"}


@pytest.mark.parametrize("order, error, entered", [
    (ORDER, None, 4),
    ({**ORDER, "amount": 5000}, "PaymentFailed", 5),
    ({**ORDER, "country": "AQ"}, "ShippingFailed", 7),
])
def test_a_raise_in_a_handler_builds_its_error_in_the_state_before_it(order, error, entered):
    """`raise sfn.Fail(...)` in an except clause inside try/finally: the error object goes into the Assign of the
    compensation step before it (same Catch), not into a state of its own before the finally."""
    t = WorkflowTester(str(REPO / "examples" / "order_pipeline.py"))
    py, machine = t.run_both(order)
    assert py.error == machine.error == error
    assert machine.stats["states_entered"] == entered
    assert not [n for n, st in _states(t.definition) if n.startswith("evaluate")]
