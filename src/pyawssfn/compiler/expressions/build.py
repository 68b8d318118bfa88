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

from typing import Callable

from pyawssfn.jsonata.parse import parse, parse_cached
from pyawssfn.jsonata.tree import (
    Array, Binary, Bind, Block, Bool, Call, Cond, Dot, Expr, Filter, Lambda, Null, Num, Object, Range, Str, Unary, Var,
)

__all__ = ["T", "err", "fn", "block", "read_input", "TEMPLATES", "is_int", "single", "chars", "ATOMS", "int_value",
           "number_value", "NULL", "TRUE", "FALSE", "EMPTY"]

NULL = Null()
TRUE = Bool(True)
FALSE = Bool(False)
EMPTY = Array(())

ATOMS = frozenset([Var, Num, Str, Bool, Null])

# template text -> the function of the holes that builds its tree
TEMPLATES: dict[str, Callable[[tuple], Expr]] = {}


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


def T(template: str, *holes: Expr) -> Expr:
    """The template's tree with hole `$i` replaced by `holes[i]`."""
    build = TEMPLATES.get(template)
    if build is None:
        build = TEMPLATES[template] = _compile(parse(template))
    return build(holes)


def _name(x: Expr) -> str:
    if type(x) is not Var:
        raise TypeError(f"a binding or parameter hole needs a variable, not {x!r}")
    return x.name  # type: ignore[attr-defined]


def _neg(v: Expr) -> Expr:
    """`-v`, a negative number literal when v is a number (as the parser reads `-3`)."""
    if type(v) is Num and not v.text.startswith("-"):  # type: ignore[attr-defined]
        return Num("-" + v.text)  # type: ignore[attr-defined]
    return Unary(v)


def _compile(tree: Expr) -> Callable[[tuple], Expr]:
    """A function of the holes that builds the filled tree: the template compiled once into constructor calls
    (the parts without a hole are shared, not rebuilt), so that filling costs one call per node that holds a hole.

    As dataclasses and namedtuple build their methods, the function is Python source compiled once: it is made of
    the template's own shape (constructor names, operators and names from the parsed constant template, hole
    indexes), never of user data; filling it is ~2x faster than a builder closure per node, and the translator
    fills a template for nearly every sub-expression it translates."""
    holed: set[int] = set()
    _holed(tree, holed)
    consts: list[Expr] = []

    def const(t: Expr) -> str:
        consts.append(t)
        return f"_c[{len(consts) - 1}]"

    def tup(xs) -> str:
        return "(" + "".join(gen(x) + ", " for x in xs) + ")"

    def name(n: str) -> str:
        return f"_name(h[{int(n)}])" if n.isdigit() else repr(n)

    def gen(t: Expr) -> str:
        if id(t) not in holed:
            return const(t)
        tt = type(t)
        if tt is Var:
            return f"h[{int(t.name)}]"  # type: ignore[attr-defined]
        if tt is Bind:
            return f"_Bind({name(t.name)}, {gen(t.value)})"  # type: ignore[attr-defined]
        if tt is Lambda:
            return f"_Lambda(({''.join(name(p) + ', ' for p in t.params)}), {gen(t.body)})"  # type: ignore
        if tt is Unary:
            return f"_neg({gen(t.operand)})"  # type: ignore[attr-defined]
        if tt is Binary:
            return f"_Binary({t.op!r}, {gen(t.lhs)}, {gen(t.rhs)})"  # type: ignore[attr-defined]
        if tt is Call:
            return f"_Call({gen(t.func)}, {tup(t.args)})"  # type: ignore[attr-defined]
        if tt is Cond:
            orelse = "None" if t.orelse is None else gen(t.orelse)  # type: ignore[attr-defined]
            return f"_Cond({gen(t.test)}, {gen(t.then)}, {orelse})"  # type: ignore[attr-defined]
        if tt is Block or tt is Array:
            return f"_{tt.__name__}({tup(t.exprs if tt is Block else t.items)})"  # type: ignore[attr-defined]
        if tt is Object:
            pairs = "".join(f"({gen(k)}, {gen(v)}), " for k, v in t.pairs)  # type: ignore[attr-defined]
            return f"_Object(({pairs}))"
        if tt in (Dot, Filter, Range):
            a, b = (getattr(t, f) for f in tt._kids)
            return f"_{tt.__name__}({gen(a)}, {gen(b)})"
        raise TypeError(f"no hole allowed in a {tt.__name__}")  # pragma: no cover (no other node has children)

    body = gen(tree)
    scope = {"_c": consts, "_name": _name, "_neg": _neg, **{"_" + c.__name__: c for c in (
        Bind, Lambda, Binary, Call, Cond, Block, Array, Object, Dot, Filter, Range)}}
    return eval("lambda h: " + body, scope)  # noqa: S307 (source built above from the parsed template's shape)


def err(message: str) -> Call:
    """`$error("message")`."""
    return Call(Var("error"), (Str(message),))


def fn(name: str, *args: Expr) -> Call:
    """`$name(args)`."""
    return Call(Var(name), args)


def block(binds: list[tuple[Expr, Expr]] | tuple, body: Expr) -> Expr:
    """`( $a := x; $b := y; body )`, or just body without bindings; names are Vars."""
    if not binds:
        return body
    return Block(tuple(Bind(_name(n), v) for n, v in binds) + (body,))


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
    """The characters (code points) of the string `v`, as Python iterates it. `$split(v, "")` would give UTF-16 code
    units on AWS's engine (JavaScript's split), cutting a character above U+FFFF (an emoji) in two halves; the regex
    takes a surrogate pair as one match, and `[...]` keeps a one-character result a list."""
    return T(r"[$match($0, /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/).match]", v)


def single(v: Expr) -> Expr:
    """A one-element array holding the value of atom `v`, even when that value is itself an array.

    `$append` spreads array arguments and `[ $v ]` flattens an array-valued `$v`, so an array has to be wrapped in a
    syntactic array constructor inside another one: `[[ $v ]]` is `[v]` for an array v."""
    return T('$type($0) = "array" ? [[$0]] : [$0]', v)


def read_input(text: str) -> Expr:
    """The tree of JSONata text the translator is GIVEN (a variable's value from the lowerer, the operands of the
    statement helpers): the one place the translator reads text (tests/compiler/test_expression_trees.py)."""
    return parse_cached(text)
