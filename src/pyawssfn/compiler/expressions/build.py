"""Building JSONata trees in the translator: templates with holes, and the small shapes every module uses.

A template is a CONSTANT JSONata text whose holes are the variables `$0`, `$1`, ... (no Python name starts with a
digit, so no workflow variable or helper name is one). It is parsed once and filled by substituting trees: a hole read
as a value takes the tree given for it; a hole in a binding (`$0 := ...`) or a lambda parameter
(`function($0) {...}`) takes the name of the variable given for it. User data (a string literal, a key, an error
message built from one) is passed as a hole holding a `Str` leaf, never spliced into the text.

    T('$type($0) = "array" ? $count($0) : $1', v, err("TypeError: ..."))

The printer (jsonata/printer.py) adds exactly the parentheses a filled-in tree needs.
"""
from __future__ import annotations

from pyawssfn.jsonata.parse import parse, parse_cached
from pyawssfn.jsonata.tree import (
    Array, Bind, Block, Bool, Call, Expr, Lambda, Null, Num, Str, Unary, Var,
)

__all__ = ["T", "err", "q", "num", "fn", "block", "atom", "read_input", "TEMPLATES", "is_int", "single", "chars",
           "ATOMS", "int_value", "number_value", "NULL", "TRUE", "FALSE", "EMPTY", "tree_of"]

NULL = Null()
TRUE = Bool(True)
FALSE = Bool(False)
EMPTY = Array(())

ATOMS = frozenset([Var, Num, Str, Bool, Null])

# template text -> (tree, the ids of its nodes that hold a hole)
TEMPLATES: dict[str, tuple[Expr, frozenset[int]]] = {}


def _holed(t: Expr, out: set[int]) -> bool:
    """Record in `out` the ids of the nodes of `t` that hold a hole (themselves or below)."""
    tt = type(t)
    here = (tt is Var and t.name.isdigit()) or (tt is Bind and t.name.isdigit()) or (  # type: ignore[attr-defined]
        tt is Lambda and any(p.isdigit() for p in t.params))  # type: ignore[attr-defined]
    for c in t._child_list():
        here = _holed(c, out) or here
    if here:
        out.add(id(t))
    return here


def _template(text: str) -> tuple[Expr, frozenset[int]]:
    hit = TEMPLATES.get(text)
    if hit is None:
        tree = parse(text)
        holes: set[int] = set()
        _holed(tree, holes)
        hit = TEMPLATES[text] = (tree, frozenset(holes))
    return hit


def T(template: str, *holes: Expr) -> Expr:
    """The template's tree with hole `$i` replaced by `holes[i]`."""
    tree, holed = _template(template)
    return _fill(tree, holed, holes)


def _name(x: Expr) -> str:
    if type(x) is not Var:
        raise TypeError(f"a binding or parameter hole needs a variable, not {x!r}")
    return x.name  # type: ignore[attr-defined]


def _fill(t: Expr, holed: frozenset[int], holes: tuple) -> Expr:
    if id(t) not in holed:
        return t
    tt = type(t)
    if tt is Var:
        return holes[int(t.name)]  # type: ignore[attr-defined]
    if tt is Bind:
        n = t.name  # type: ignore[attr-defined]
        return Bind(_name(holes[int(n)]) if n.isdigit() else n, _fill(t.value, holed, holes))  # type: ignore
    if tt is Lambda:
        params = tuple(_name(holes[int(p)]) if p.isdigit() else p for p in t.params)  # type: ignore[attr-defined]
        return Lambda(params, _fill(t.body, holed, holes))  # type: ignore[attr-defined]
    if tt is Unary:
        v = _fill(t.operand, holed, holes)  # type: ignore[attr-defined]
        if type(v) is Num and not v.text.startswith("-"):  # type: ignore[attr-defined]
            return Num("-" + v.text)  # type: ignore[attr-defined]  # as the parser reads -3
        return Unary(v)
    values = {}
    for f in t._kids:
        v = getattr(t, f)
        if isinstance(v, Expr):
            values[f] = _fill(v, holed, holes)
        elif f == "pairs":
            values[f] = tuple((_fill(k, holed, holes), _fill(x, holed, holes)) for k, x in v)
        elif v is not None:
            values[f] = tuple(_fill(x, holed, holes) for x in v)
    return t._replace(**values)


def q(text: str) -> Str:
    """A string literal (user data is a leaf)."""
    return Str(text)


def err(message: str) -> Call:
    """`$error("message")`."""
    return Call(Var("error"), (Str(message),))


def num(value: int | float) -> Num:
    return Num(str(value) if isinstance(value, int) else repr(value))


def fn(name: str, *args: Expr) -> Call:
    """`$name(args)`."""
    return Call(Var(name), args)


def block(binds: list[tuple[Expr, Expr]] | tuple, body: Expr) -> Expr:
    """`( $a := x; $b := y; body )`, or just body without bindings; names are Vars."""
    if not binds:
        return body
    return Block(tuple(Bind(_name(n), v) for n, v in binds) + (body,))


def atom(e: Expr) -> bool:
    """A variable or a literal: one token, read as often as wanted without evaluating anything twice."""
    return type(e) in ATOMS


def int_value(e: Expr) -> int | None:
    """The value of an integer literal (`3`, `-1`), else None."""
    if type(e) is Num:
        t = e.text  # type: ignore[attr-defined]
        d = t[1:] if t[:1] == "-" else t
        if d.isascii() and d.isdigit():
            return int(t)
    return None


def number_value(e: Expr) -> float | None:
    """The value of a non-zero number literal, else None."""
    if type(e) is Num:
        return float(e.text) or None  # type: ignore[attr-defined]
    return None


def is_int(v: Expr) -> Expr:
    return T('$type($0) = "number" and $floor($0) = $0', v)


def chars(v: Expr) -> Expr:
    """The characters (code points) of the string `v`, as Python iterates it (see core.chars)."""
    return T(r"[$match($0, /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/).match]", v)


def single(v: Expr) -> Expr:
    """A one-element array holding the value of atom `v`, even when that value is itself an array (see core.single)."""
    return T('$type($0) = "array" ? [[$0]] : [$0]', v)


def read_input(text: str) -> Expr:
    """The tree of JSONata text the translator is GIVEN (a variable's value from the lowerer, the operands of the
    statement helpers): the one place the translator reads text (tests/compiler/test_expression_trees.py)."""
    return parse_cached(text)


def tree_of(x: Expr | str) -> Expr:
    """A tree, from a tree or from text given to the translator."""
    return x if isinstance(x, Expr) else read_input(x)
