"""A workflow parameter's annotation is a promise both runs check when the execution starts (compiler/types/
parameters.py): the compiler trusts it (no type guard), and a value that breaks it fails the plain-Python run and the
machine alike, with States.QueryEvaluationError, before any step and before any handler could see it."""
from __future__ import annotations

import json

import pytest

from pyawssfn.compiler import compile_source
from pyawssfn.testing import WorkflowTester

SOURCE = '''import pyawssfn as sfn
from typing import Optional


def step(x):
    return x


@sfn.workflow
def wf(day: str, n: int, tags: list[str], extra: Optional[int] = None, loose: int = None):
    try:
        r = step("scores/" + day)
    except Exception:
        return "caught"
    return [r, str(n), n / 2, len(tags), extra, loose]
'''


@pytest.fixture()
def tester(tmp_path):
    path = tmp_path / "flow.py"
    path.write_text(SOURCE)
    return WorkflowTester(path)


def test_an_annotated_parameter_needs_no_type_guard():
    machine = compile_source(SOURCE, "flow.py").definition
    text = json.dumps(machine)
    assert '\\"scores/\\" & $__in.day' in text
    assert "can only concatenate" not in text   # `"scores/" + day`: day is a str


@pytest.mark.parametrize("inp, out", [
    ({"day": "d", "n": 3, "tags": ["a"]}, ["scores/d", "3", 1.5, 1, None, None]),
    ({"day": "d", "n": 4.0, "tags": [], "extra": 2, "loose": "x"}, ["scores/d", "4", 2, 0, 2, "x"]),
])
def test_values_that_keep_the_promise_run_alike(tester, inp, out):
    py, machine = tester.run_both(inp)
    assert py.output == machine.output == out


@pytest.mark.parametrize("inp", [
    {"day": 1, "n": 3, "tags": []},          # not a str
    {"day": "d", "n": 1.5, "tags": []},      # not a whole number
    {"day": "d", "n": True, "tags": []},     # a bool is no int here
    {"day": "d", "n": 2 ** 60, "tags": []},  # beyond what a JSON number holds exactly
    {"day": "d", "n": 1e300, "tags": []},
    {"day": "d", "n": 3, "tags": {}},        # not a list
    {"day": "d", "n": 3, "tags": [], "extra": "x"},   # Optional[int]: an int or None
    {"day": "d", "tags": []},                # missing
])
def test_a_broken_promise_fails_both_runs_before_any_step_or_handler(tester, inp):
    py, machine = tester.run_both(inp)
    assert py.error == machine.error == "States.QueryEvaluationError"
    assert py.stats["lambda_invocations"] == machine.stats["lambda_invocations"] == 0


def test_a_default_that_breaks_the_annotation_leaves_the_parameter_untrusted():
    machine = json.dumps(compile_source(SOURCE, "flow.py").definition)
    assert "loose" not in machine.split("The execution input needs")[1].split('"')[0]


KINDS = '''import pyawssfn as sfn
from typing import Optional, TypedDict


class Row(TypedDict):
    k: int


def step(x):
    return x


@sfn.workflow
def wf(i: int, s: str, b: bool, xs: list, d: dict, r: Row, o: Optional[str] = None, f: float = 1.5):
    return step([i, s, b, xs, d, r, o, f])
'''
_GOOD = {"i": 1, "s": "s", "b": True, "xs": [1], "d": {"a": 1}, "r": {"k": 1}}
_VALUES = [0, -3, 2.0, 2.5, 2 ** 53, 2 ** 53 + 2, "", "x", True, False, None, [], [1], {}, {"k": 1}]


@pytest.mark.parametrize("name", list(_GOOD) + ["o", "f"])
def test_every_kind_is_checked_alike_both_ways(tmp_path, name):
    """Each parameter given each kind of JSON value: both runs accept or refuse it alike, and agree on the result."""
    path = tmp_path / "kinds.py"
    path.write_text(KINDS)
    t = WorkflowTester(path)
    for value in _VALUES:
        py, machine = t.run_both({**_GOOD, name: value})
        assert (py.error, py.output) == (machine.error, machine.output), value
