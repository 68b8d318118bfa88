"""Silent differences found by session 9's second hunt (helpers and error paths), one class each: every program runs
the same both ways AND as the direct CPython call (tests/differential/conftest.py's ``agree``), or is refused at the
construct's line and column."""
from __future__ import annotations

import textwrap

import pytest

from pyawssfn.compiler import CompileError, compile_source
from pyawssfn.testing import WorkflowTester

from .conftest import agree


def _tester(tmp_path, name: str, source: str, workflow: str = "wf") -> WorkflowTester:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source).lstrip("\n"))
    return WorkflowTester(path, workflow)


def _refused(source: str, where: str, what: str) -> None:
    with pytest.raises(CompileError) as info:
        compile_source(textwrap.dedent(source).lstrip("\n"), "hunt.py", workflow="wf")
    assert f"hunt.py:{where}: error: {what}" in str(info.value), str(info.value)


# F75. `except KeyError` (LookupError, ZeroDivisionError, ...) around a call of a child workflow whose own
# expression fails (`d["x"]` in the child) compiled: the child ends with States.QueryEvaluationError, which no
# handler of a class sees, so the parent failed where CPython runs the handler (pyrun agreed with the machine, so
# run_both saw nothing). Refused now at the call, as the same expression in the workflow itself is.
CHILD = """
import pyawssfn as sfn


def step(n: object) -> object:
    return n


@sfn.workflow
def kid(d: dict) -> object:
    step(1)
    {child}


@sfn.workflow
def wf(d: dict) -> object:
    try:
        return ["ok", kid(d)]
    except {caught} as e:
        return ["caught", str(e)]
"""


@pytest.mark.parametrize("child, caught, where", [
    ('return d["x"]', "KeyError", "17:23"),
    ('return d["x"]', "LookupError", "17:23"),
    ('return 10 // d["n"]', "ZeroDivisionError", "17:23"),
    ('if d:\n        return int(d["s"])\n    return 0', "(ValueError, TypeError)", "19:23"),
    ('return kid2(d)\n\n\n@sfn.workflow\ndef kid2(d: dict) -> object:\n    return [d["x"]]', "KeyError", "22:23"),
])
def test_an_expression_error_of_a_child_is_refused_under_a_class_handler(child, caught, where):
    _refused(CHILD.format(child=child, caught=caught), where,
             f"except {caught} cannot catch an error of an expression of child workflow kid")


@pytest.mark.parametrize("child", [
    'if not d:\n        raise KeyError("x")\n    return step(d)',  # the child raises the class itself
    'return step(d)',
    'try:\n        step(0)\n        return d["x"]\n    except Exception:\n        return None',  # it handles it
])
def test_a_child_raising_the_class_itself_is_caught_alike(tmp_path, child):
    t = _tester(tmp_path, "hunt2_child_raise", CHILD.format(child=child, caught="KeyError"))
    for d in ({}, {"x": 2}):
        agree(t, {"d": d})


# F76. sfn.map over a tuple (a display `(a, b)`, `tuple(xs)`, a variable or a step's `-> tuple` result that may hold
# one) raises under CPython ("sfn.map needs a list of items, got tuple"); the machine, holding the tuple as an
# array, mapped it. Refused at the items now; a list, list(t) and list(zip(...)) still map alike.
MAP_ITEMS = """
import pyawssfn as sfn


def step(v: object) -> object:
    return [v]


def pair(n: int) -> tuple[int, int]:
    return n, n


@sfn.workflow
def wf(n: int, xs: list) -> object:
    {pre}return sfn.map(step, {items})
"""


@pytest.mark.parametrize("pre, items, where", [
    ("", "(n, n)", "14:26"),
    ("", "tuple(xs)", "14:26"),
    ("t = (n, 2)\n    ", "t", "15:26"),
    ("t = [n] if n else (n,)\n    ", "t", "15:26"),
    ("", "pair(n)", "14:26"),
])
def test_sfn_map_over_a_tuple_is_refused(pre, items, where):
    _refused(MAP_ITEMS.format(pre=pre, items=items), where, "sfn.map needs a list of items, and this may be a tuple")


@pytest.mark.parametrize("pre, items", [("t = [n, 2]\n    ", "t"), ("t = (n, 2)\n    ", "list(t)"),
                                        ("", "list(zip(xs, xs))"), ("", "xs")])
def test_sfn_map_over_a_list_maps_alike(tmp_path, pre, items):
    agree(_tester(tmp_path, "hunt2_map_items", MAP_ITEMS.format(pre=pre, items=items)), {"n": 1, "xs": [3, 4]})


# F77. A step raising `sfn.Fail("ValueError", ...)` (or `sfn.named_error("KeyError")`): under Python it is an
# sfn.Fail, which `except sfn.Fail` catches and `except ValueError` / `except LookupError` do not; the machine knows
# errors by name only, so its handlers took it for the class. Refused at the raise where a workflow's handler names
# sfn.Fail or the class (or a base of it); under `except Exception` alone both runs agree and it still compiles.
FAIL_NAMED = """
import pyawssfn as sfn


def step(n: int) -> int:
    if n:
        raise {raised}
    return n


@sfn.workflow
def wf(n: int) -> object:
    try:
        return step(n)
    except {caught} as e:
        return ["caught", type(e).__name__]
"""


@pytest.mark.parametrize("raised, caught", [
    ('sfn.Fail("ValueError", "v")', "sfn.Fail"),
    ('sfn.Fail("ValueError", "v")', "ValueError"),
    ('sfn.named_error("KeyError", "k")', "LookupError"),
    ('sfn.Fail("KeyError")', "(IndexError, KeyError)"),
])
def test_a_step_fail_named_as_a_class_is_refused_under_a_telling_handler(raised, caught):
    _refused(FAIL_NAMED.format(raised=raised, caught=caught), "6:15", "an sfn.Fail named")


@pytest.mark.parametrize("raised, caught", [('sfn.Fail("ValueError", "v")', "Exception"),
                                            ('sfn.Fail("Custom.Error", "v")', "sfn.Fail")])
def test_a_step_fail_named_as_a_class_under_except_exception_agrees(tmp_path, raised, caught):
    t = _tester(tmp_path, "hunt2_fail_named", FAIL_NAMED.format(raised=raised, caught=caught))
    for n in (0, 1):
        agree(t, {"n": n})


# F78. `sfn.wait_for_callback(step, ...)` of a step with `@sfn.task(retry=...)`: the machine's Task carries the
# step's retriers, which retry the whole wait, so a callback that fails (SendTaskFailure with a retried name) or
# times out calls the step again with a new token; under Python the decorator retries the step's own call only, and
# the callback's failure reaches the handler. Refused at the wait (a retry with max_attempts=0 changes nothing).
CALLBACK_RETRY = """
import pyawssfn as sfn


class Flaky(Exception):
    pass


@sfn.task(retry=sfn.Retry([{errors}], interval=1, max_attempts={attempts}))
def ask(token: str, who: str) -> None:
    return None


@sfn.workflow
def wf(who: str) -> object:
    try:
        return ["ok", sfn.wait_for_callback(ask, who, timeout=60)]
    except Exception as e:
        return ["failed", type(e).__name__]
"""


@pytest.mark.parametrize("errors", ['"Flaky"', '"States.Timeout"', '"States.ALL"'])
def test_a_callback_of_a_retried_step_is_refused(errors):
    _refused(CALLBACK_RETRY.format(errors=errors, attempts=2), "16:23", "step ask has @sfn.task(retry=...)")


def test_a_callback_of_a_step_retried_no_time_agrees(tmp_path):
    t = _tester(tmp_path, "hunt2_callback_retry", CALLBACK_RETRY.format(errors='"Flaky"', attempts=0))
    t.callback("ask", error="Flaky", cause="again")
    py, machine = t.run_both({"who": "me"})
    assert py.output == machine.output == ["failed", "Flaky"]


# F79. A child workflow returning a tuple (`-> tuple[int, int]`, `return m, m + 1`): the parent's CPython call gets
# the tuple (`str(r)` is "(1, 2)", `r == (n, n + 1)` and `isinstance(r, tuple)` are True), pyrun and the machine the
# JSON list, so run_both saw nothing. The child's result is read as a value that may be a tuple now, as a step's is
# (F67): those uses are refused; unpacking, indexing and list(r) compile and agree.
CHILD_TUPLE = """
import pyawssfn as sfn


def step(n: int) -> int:
    return n


@sfn.workflow
def kid(n: int) -> tuple[int, int]:
    m = step(n)
    return m, m + 1


@sfn.workflow
def wf(n: int) -> object:
    r = kid(n)
    return {use}
"""


@pytest.mark.parametrize("use, where", [("str(r)", "17:12"), ("r == (n, n + 1)", "17:12"),
                                        ("isinstance(r, tuple)", "17:12")])
def test_a_tuple_from_a_child_is_refused_where_it_differs(use, where):
    with pytest.raises(CompileError) as info:
        compile_source(textwrap.dedent(CHILD_TUPLE.format(use=use)).lstrip("\n"), "hunt.py", workflow="wf")
    assert f"hunt.py:{where}: error: " in str(info.value) and "tuple" in str(info.value), str(info.value)


@pytest.mark.parametrize("use", ["[r[0], r[1]]", "list(r)", "[x + 1 for x in r]"])
def test_a_tuple_from_a_child_read_as_items_agrees(tmp_path, use):
    agree(_tester(tmp_path, "hunt2_child_tuple", CHILD_TUPLE.format(use=use)), {"n": 1})


CHILD_DICT_WITH_TUPLE = """
import pyawssfn as sfn


@sfn.workflow
def kid(a: int) -> dict:
    if a < 0:
        return {}
    t = (a, a)
    return {"half": a / 2, "pair": t, "name": str(a)}


@sfn.workflow
def wf(a: int) -> object:
    r = kid(a)
    return {use}
"""


# A child's dict whose items are read by key: only the keys whose values may hold a tuple are read as such (the
# child's `return` displays give each key its shape; a returned variable, `t`, is shaped by its assignments).
@pytest.mark.parametrize("use", ["[str(r['half']), r['name'] == '2', isinstance(r['half'], float)]",
                                 "[r['pair'][0], list(r['pair'])]"])
def test_a_childs_dict_holding_a_tuple_read_by_its_other_keys_agrees(tmp_path, use):
    t = _tester(tmp_path, "hunt2_child_dict", CHILD_DICT_WITH_TUPLE.replace("{use}", use))
    for a in (3, 5):  # (odd: a whole float out of a child prints as an int, F65)
        agree(t, {"a": a})


@pytest.mark.parametrize("use", ["str(r['pair'])", "r['pair'] == (a, a)", "str(r)"])
def test_a_childs_dict_holding_a_tuple_is_refused_where_the_tuple_differs(use):
    with pytest.raises(CompileError) as info:
        compile_source(textwrap.dedent(CHILD_DICT_WITH_TUPLE.replace("{use}", use)).lstrip("\n"), "hunt.py", workflow="wf")
    assert "hunt.py:15:12: error: " in str(info.value) and "tuple" in str(info.value), str(info.value)


CHILD_FAIL_NAMED = """
import pyawssfn as sfn


def step(n: int) -> int:
    return n


@sfn.workflow
def kid(n: int) -> object:
    if step(n):
        raise sfn.Fail("ValueError", "from kid")
    return n


@sfn.workflow
def wf(n: int) -> object:
    try:
        return kid(n)
    except {caught} as e:
        return ["caught", type(e).__name__]
"""


def test_a_child_fail_named_as_a_class_is_refused_under_a_telling_handler():
    _refused(CHILD_FAIL_NAMED.format(caught="ValueError"), "11:15", "an sfn.Fail named 'ValueError'")


def test_a_child_fail_named_as_a_class_under_except_exception_agrees(tmp_path):
    t = _tester(tmp_path, "hunt2_child_fail_named", CHILD_FAIL_NAMED.format(caught="Exception"))
    for n in (0, 1):
        agree(t, {"n": n})
