"""The one JSONata printer: a tree -> text with the fewest parentheses that keep the tree (binding powers from
jsonata-js's parser), through one dispatch table.

A child is parenthesised when its precedence is below what its position needs; `parse(to_text(t)) == t` up to those
parentheses, which come back as one-expression Blocks (tests/compiler/test_jsonata_tree.py checks the round trip).
"""
from __future__ import annotations

import json
from typing import Callable

from pyawssfn.jsonata.tree import (
    Array, Binary, Bind, Block, Bool, Call, Cond, Dot, Expr, Filter, Lambda, Name, Null, Num, Object, Range, Regex,
    Str, Unary, Var, written_as_array,
)

__all__ = ["to_text", "precedence", "string_literal", "KEYWORDS"]

# jsonata-js binding powers
_BINARY_PREC = {"or": 25, "and": 30, "=": 40, "!=": 40, "<": 40, "<=": 40, ">": 40, ">=": 40, "in": 40,
                "+": 50, "-": 50, "&": 50, "*": 60, "/": 60, "%": 60}
ATOM = 100
KEYWORDS = frozenset(["and", "or", "in", "true", "false", "null", "function"])


def precedence(e: Expr) -> int:
    t = type(e)
    if t is Binary:
        return _BINARY_PREC[e.op]  # type: ignore[attr-defined]
    if t is Bind:
        return 10
    if t is Cond or t is Range:
        return 20
    if t is Unary or (t is Num and e.text.startswith("-")):  # type: ignore[attr-defined]
        return 70
    if t is Dot:
        return 75
    if t is Filter or t is Call:
        return 80
    return ATOM


def string_literal(s: str) -> str:
    return _encode_string(s)


# what json.dumps(s, ensure_ascii=False) returns for a string (its encoder calls this), without building an encoder
# per call
_encode_string = json.encoder.encode_basestring


def plain_name(s: str) -> bool:
    return s.isascii() and s.isidentifier() and s not in KEYWORDS


# The text of the trees printed lately, by id (each kept alive with its text, so an id is not reused meanwhile). A
# tree's text depends on the tree alone (a parent adds parentheses around it, never changes it), trees are
# immutable, and the compiler prints trees built from trees it printed before: their text is copied, not redone.
_TEXTS: dict[int, tuple[Expr, str]] = {}
_TEXTS_LIMIT = 50_000


def to_text(e: Expr) -> str:
    hit = _TEXTS.get(id(e))
    if hit is not None and hit[0] is e:
        return hit[1]
    out: list[str] = []
    _emit(e, out)
    text = "".join(out)
    if len(_TEXTS) >= _TEXTS_LIMIT:
        _TEXTS.clear()
    _TEXTS[id(e)] = (e, text)
    return text


# precedence() of the node kinds whose precedence is their kind's alone (ATOM for the kinds not named here)
_KIND_PREC: dict[type, int] = {Bind: 10, Cond: 20, Range: 20, Unary: 70, Dot: 75, Filter: 80, Call: 80}


def _sub(e: Expr, need: int, out: list[str]) -> None:
    """Print child `e` where the grammar needs precedence `need` or more."""
    t = type(e)
    if t is Var:  # (an atom: never in parentheses)
        out.append("$" + e.name)  # type: ignore[attr-defined]
        return
    if t is Binary:
        p = _BINARY_PREC[e.op]  # type: ignore[attr-defined]
    else:
        p = precedence(e) if t is Num else _KIND_PREC.get(t, ATOM)
    if p < need:
        out.append("(")
        _emit(e, out)
        out.append(")")
    elif e._kids:  # (_emit, without a call more per child)
        hit = _TEXTS.get(id(e))
        if hit is not None and hit[0] is e:
            out.append(hit[1])
        else:
            _PRINT[t](e, out)
    else:
        _PRINT[t](e, out)


def _emit(e: Expr, out: list[str]) -> None:
    t = type(e)
    if t is Var:  # (the commonest node, printed here without a call more)
        out.append("$" + e.name)  # type: ignore[attr-defined]
        return
    if e._kids:  # a leaf prints faster than it is looked up
        hit = _TEXTS.get(id(e))
        if hit is not None and hit[0] is e:
            out.append(hit[1])
            return
    _PRINT[t](e, out)


def _var(e: Var, out: list[str]) -> None:
    out.append("$" + e.name)


def _name(e: Name, out: list[str]) -> None:
    text = _NAMES.get(e.name)
    if text is None:
        text = e.name if plain_name(e.name) else "`" + e.name + "`"
        if len(_NAMES) < 4096:
            _NAMES[e.name] = text  # (a field name is a program's: the same few, printed in every path)
    out.append(text)


_NAMES: dict[str, str] = {}  # a field name -> how it is written as a path step


def _str(e: Str, out: list[str]) -> None:
    text = string_literal(e.value)
    if "${" in text:
        text = placeholder_safe(text)
    out.append(text)


def placeholder_safe(text: str) -> str:
    """A string literal's text with ``${`` written ``$\\u007b`` (F74): a deployment's DefinitionSubstitutions
    (and WorkflowTester) replace ``${FunctionArn}`` and ``${StateMachineArn_<name>}`` anywhere in the definition,
    inside JSONata text too; JSONata reads the escape back as ``{``, so the value stays the workflow's text."""
    return text.replace("${", "$\\u007b")


def _num(e: Num, out: list[str]) -> None:
    out.append(e.text)


def _bool(e: Bool, out: list[str]) -> None:
    out.append("true" if e.value else "false")


def _null(e: Null, out: list[str]) -> None:
    out.append("null")


def _regex(e: Regex, out: list[str]) -> None:
    out.append("/" + e.pattern + "/" + e.flags)


def _items(xs, out: list[str], sep: str = ", ") -> None:
    for i, x in enumerate(xs):
        if i:
            out.append(sep)
        _emit(x, out)


def _array(e: Array, out: list[str]) -> None:
    out.append("[")
    for i, x in enumerate(e.items):
        if i:
            out.append(", ")
        if _keeps_its_nesting(x):
            out.append("(")
            _emit(x, out)
            out.append(")")
        else:
            _emit(x, out)
    out.append("]")


def _keeps_its_nesting(e: Expr) -> bool:
    """Whether item `e` of an array constructor is an index or filter of an array constructor that may give an
    array (`[[1], [2]][$i]`, `[1, 2, 3][[0..1]]`): jsonata-js keeps such an item whole by its syntax
    (tree.written_as_array), so `[[[1], [2]][1]]` is `[[2]]` where `[$xs[1]]` is `[2]`. The tree means the spread
    value of an item that is no Array, so such an item is parenthesised (one number index of scalars gives a scalar,
    the same either way)."""
    if type(e) is not Filter or not written_as_array(e):
        return False
    if type(e.pred) is not Num:  # type: ignore[attr-defined]
        return True
    while type(e) is Filter:
        e = e.lhs  # type: ignore[attr-defined]
    return not all(type(x) in (Num, Str, Bool, Null) for x in e.items)  # type: ignore[attr-defined]


def _range(e: Range, out: list[str]) -> None:
    _sub(e.lo, 21, out)
    out.append("..")
    _sub(e.hi, 21, out)


def _object(e: Object, out: list[str]) -> None:
    out.append("{")
    for i, (k, v) in enumerate(e.pairs):
        if i:
            out.append(", ")
        _emit(k, out)
        out.append(": ")
        _emit(v, out)
    out.append("}")


def _dot(e: Dot, out: list[str]) -> None:
    _sub(e.lhs, 75, out)
    out.append(".")
    _sub(e.rhs, 76, out)


def _filter(e: Filter, out: list[str]) -> None:
    _sub(e.lhs, 80, out)
    out.append("[")
    _emit(e.pred, out)
    out.append("]")


def _call(e: Call, out: list[str]) -> None:
    _sub(e.func, 80, out)
    out.append("(")
    _items(e.args, out)
    out.append(")")


def _unary(e: Unary, out: list[str]) -> None:
    out.append("-")
    _sub(e.operand, 70, out)


def _binary(e: Binary, out: list[str]) -> None:
    p = _BINARY_PREC[e.op]
    if e.op == "or":  # `a or b and c` is right, but readers should not need the table: (b and c)
        _sub(e.lhs, 31 if _is_and(e.lhs) else p, out)
        out.append(" or ")
        _sub(e.rhs, 31 if _is_and(e.rhs) else p + 1, out)
        return
    _sub(e.lhs, p, out)
    out.append(" " + e.op + " ")
    _sub(e.rhs, p + 1, out)


def _is_and(e: Expr) -> bool:
    return type(e) is Binary and e.op == "and"  # type: ignore[attr-defined]


def _cond(e: Cond, out: list[str]) -> None:
    _sub(e.test, 21, out)
    out.append(" ? ")
    if type(e.then) is Cond:
        out.append("(")  # needed without an inner else (`: orelse` would be its); clearer with one
        _emit(e.then, out)
        out.append(")")
    else:
        _emit(e.then, out)
    if e.orelse is not None:
        out.append(" : ")
        _emit(e.orelse, out)


def _block(e: Block, out: list[str]) -> None:
    if len(e.exprs) == 1:
        out.append("(")
        _emit(e.exprs[0], out)
        out.append(")")
        return
    out.append("(")
    _items(e.exprs, out, "; ")
    out.append(")")


def _bind(e: Bind, out: list[str]) -> None:
    out.append("$" + e.name + " := ")
    _sub(e.value, 10, out)


def _lambda(e: Lambda, out: list[str]) -> None:
    out.append("function(" + ", ".join("$" + p for p in e.params) + ") { ")
    _emit(e.body, out)
    out.append(" }")


_PRINT: dict[type, Callable] = {
    Var: _var, Name: _name, Str: _str, Num: _num, Bool: _bool, Null: _null, Regex: _regex, Array: _array,
    Range: _range, Object: _object, Dot: _dot, Filter: _filter, Call: _call, Unary: _unary, Binary: _binary,
    Cond: _cond, Block: _block, Bind: _bind, Lambda: _lambda,
}
