"""Silent differences found by session 7's hunt, one class each: every program runs the same both ways AND as the
direct CPython call (tests/differential/conftest.py's ``agree``), or is refused at the construct's line and column.
"""
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


def _body(tmp_path, name: str, signature: str, body: str) -> WorkflowTester:
    source = ("import pyawssfn as sfn\n\n\ndef step(x: object) -> object:\n    return x\n\n\n"
              f"@sfn.workflow\ndef wf({signature}) -> object:\n" + textwrap.indent(textwrap.dedent(body), "    "))
    return _tester(tmp_path, name, source)


# A list display of lists, subscripted (`r = [[1], [2]]` folded into its later reads as a literal): jsonata-js
# tells an item of an array constructor written `[...]` by its syntax, and an index does not change the node's
# kind, so `[[[1], [2]][1]]` is `[[2]]` where `[$xs[1]]` is `[2]`. The compiler wraps a list item as `[[x]]` to keep
# it one item, so a row read from such a display gained a level of nesting on the machine (`r[0] = [n]` returned
# `[[n], [[2]]]`). The printer now parenthesises such an item, which makes it an ordinary (spread) value.
LITERAL_ROWS = [
    ("item-assigned", "r = [[1], [2]]\nr[0] = [n]\nreturn r\n"),
    ("augmented-item", "r = [[1], [2]]\nr[0] += [n]\nreturn r\n"),
    ("slices", "r = [[1], [2]]\nreturn [r[0:1], r[n:]]\n"),
    ("deeper", "r = [[[1]], [[2]]]\nr[1] = [[n]]\nreturn r\n"),
]


@pytest.mark.parametrize("name, body", LITERAL_ROWS, ids=[c[0] for c in LITERAL_ROWS])
@pytest.mark.parametrize("n", [0, 1])
def test_a_row_of_a_list_display_stays_one_item(tmp_path, name, body, n):
    agree(_body(tmp_path, "hunt_literal_rows", "n: int", body), {"n": n})


# A variable holding a list display (`b = [n, 2]`), read as an item of another display (`[b]`, `[b, 1]`, `[[b]]`,
# `(b, 1)`, `[x for x in [b]]`): the translator reads the variable's value in parentheses and writes it as one item,
# `[([$n, 2])]`; the simplifier dropped the parentheses, and `[[$n, 2]]` inside an array constructor is kept whole by
# jsonata-js, so the item gained a level of nesting (`[[[n, 2]]]` for `[b]`). The parentheses now stay around an
# array constructor that is an item (simplify._array_item_simplified).
LIST_VARIABLE_ITEMS = [
    ("one-item", "b = [n, 2]\nc = [b]\nreturn c\n"),
    ("with-a-scalar", "b = [n]\nc = [b, 1]\nreturn c\n"),
    ("twice", "b = [n]\nreturn [b, b]\n"),
    ("after-a-concatenation", "b = [n]\na = b + [1]\nreturn [a, b]\n"),
    ("tuple", "b = [n]\nc = (b, 1)\nreturn [list(c), c[0]]\n"),
    ("in-a-dict", "b = [n]\nreturn {'k': [b]}\n"),
    ("two-levels", "b = [n]\nc = [[b]]\nreturn c\n"),
    ("comprehension", "b = [n]\nreturn [x for x in [b]]\n"),
    ("concatenated-displays", "b = [n]\nreturn [b] + [b]\n"),
    ("chained-assignment", "a = b = [n]\na = a + [1]\nreturn [a, b]\n"),
]


@pytest.mark.parametrize("name, body", LIST_VARIABLE_ITEMS, ids=[c[0] for c in LIST_VARIABLE_ITEMS])
def test_a_list_variable_is_one_item_of_a_display(tmp_path, name, body):
    agree(_body(tmp_path, "hunt_list_items", "n: int", body), {"n": 7})


# A chained assignment binds ONE object to every target (`a = b = []`); the aliasing check bound each target to the
# value as if it were evaluated once per target, so `a.append(1); return b` returned `[n]` on the machine where
# Python returns `[n, 1]`. Refused now at the change in place, as after `b = a`.
CHAINED = [
    ("list", "a = b = [n]\na.append(1)\nreturn b\n", "11:5", "'a'"),
    ("dict", "a = b = {}\na['k'] = n\nreturn b\n", "11:5", "'a'"),
    ("step-result", "a = b = step([n])\na.append(1)\nreturn b\n", "11:5", "'a'"),
    ("into-a-dict", "d = {}\na = d['k'] = []\na.append(n)\nreturn d\n", "12:5", "'a'"),
    ("unpacked-too", "x, y = z = [[n], 1]\nx.append(2)\nreturn z\n", "11:5", "'x'"),
]


@pytest.mark.parametrize("name, body, where, what", CHAINED, ids=[c[0] for c in CHAINED])
def test_a_change_in_place_through_a_chained_assignment_is_refused(tmp_path, name, body, where, what):
    source = ("import pyawssfn as sfn\n\n\ndef step(x: object) -> object:\n    return x\n\n\n"
              "@sfn.workflow\ndef wf(n: int) -> object:\n" + textwrap.indent(body, "    "))
    with pytest.raises(CompileError) as info:
        compile_source(source, "hunt.py", workflow="wf")
    assert f"hunt.py:{where}: error: in-place change of {what}" in str(info.value), str(info.value)


def test_a_chained_assignment_of_numbers_compiles_and_agrees(tmp_path):
    body = "total = count = 0\ntotal += n\nxs = ys = [n]\nxs = xs + [1]\nreturn [total, count, xs, ys]\n"
    py, machine = agree(_body(tmp_path, "hunt_chained_ok", "n: int", body), {"n": 3})
    assert machine.output == [3, 0, [3, 1], [3]]
