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
