"""The printer remembers the text of the trees it printed (printer._TEXTS) and copies it when such a tree is printed
again, alone or inside a larger tree: the text must be the one a printer without that memory writes, parentheses
included (a child's text never depends on its parent; the parent adds the parentheses)."""
from __future__ import annotations

from pyawssfn.jsonata import printer
from pyawssfn.jsonata.parse import parse
from pyawssfn.jsonata.tree import Binary, Call, Cond, Dot, Filter, Unary, Var

_PARTS = ["$a + 1", "$a or $b and $c", "$x ? 1 : 2", "-$n", "$f($a, [1, 2])", "$a.b[0]", "( $v := 1; $v * 2 )",
          '{"k": $a & "s"}', "$a = 1 and $b", "function($x) { $x + 1 }", "1..3"]


def _fresh(tree) -> str:
    saved = dict(printer._TEXTS)
    printer._TEXTS.clear()
    try:
        return printer.to_text(tree)
    finally:
        printer._TEXTS.clear()
        printer._TEXTS.update(saved)


def test_a_remembered_subtree_prints_as_a_fresh_printer_prints_it():
    parts = [parse(p) for p in _PARTS]
    for p in parts:
        printer.to_text(p)  # remembered
    checked = 0
    for a in parts:
        for b in parts:
            for tree in (Binary("*", a, b), Binary("or", a, b), Binary("and", a, b), Dot(a, b), Filter(a, b),
                         Call(Var("f"), (a, b)), Cond(a, b, a), Cond(a, Cond(b, a, None), None), Unary(a)):
                assert printer.to_text(tree) == _fresh(tree)
                checked += 1
    assert checked == len(parts) ** 2 * 9
