"""A small JSONata expression tree.

The nodes mirror JSONata's own grammar (jsonata-js parser.js), not a simplified one, because a rewrite must keep
JSONata's meaning: `$x.a[0]` (a predicate on the step `a`) and `($x.a)[0]` (a filter on the whole path) are different
trees, and a `( ...; ... )` block is a scope for `:=`, so blocks are kept as nodes.

Nodes are immutable and compare by value (frozen dataclasses), so a sub-expression can be looked up, counted and
replaced by equality. Build them with the classes or the helpers at the end (`var`, `call`, `cond`, ...); turn them
into text with `pyawssfn.jsonata.printer.to_text`; read text with `pyawssfn.jsonata.parse.parse`.

    e = call("count", var("xs"))          # $count($xs)
    e.transform(lambda n: var("ys") if n == var("xs") else n)
    [n.name for n in e.walk() if isinstance(n, Var)]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Union

__all__ = [
    "Expr", "Var", "Name", "Str", "Num", "Bool", "Null", "Regex", "Array", "Range", "Object", "Dot", "Filter",
    "Call", "Unary", "Binary", "Cond", "Block", "Bind", "Lambda", "var", "name", "lit", "call", "path", "cond",
    "block", "binop", "and_", "or_", "not_", "error", "BINARY_OPS", "states_field", "states_fields",
]

BINARY_OPS = ("or", "and", "=", "!=", "<", "<=", ">", ">=", "in", "+", "-", "&", "*", "/", "%")

_Child = Union["Expr", tuple]


class Expr:
    """Base of every node. `_kids` names the fields holding child nodes (a node, a tuple of nodes, or for Object a
    tuple of (key, value) pairs)."""

    __slots__ = ()
    _kids: tuple[str, ...] = ()

    def children(self) -> Iterator["Expr"]:
        return iter(self._child_list())

    def _child_list(self) -> list["Expr"]:
        """The child nodes in order, as a list (children() and walk() without a generator per node); each node
        class with children says it directly (this generic reading of `_kids` is the reference)."""
        out: list[Expr] = []
        for f in self._kids:
            v = getattr(self, f)
            if isinstance(v, Expr):
                out.append(v)
            elif isinstance(v, tuple):
                for x in v:
                    if isinstance(x, Expr):
                        out.append(x)
                    elif isinstance(x, tuple):
                        out.extend(y for y in x if isinstance(y, Expr))
        return out

    def walk(self) -> Iterator["Expr"]:
        """Every node of the tree, this one first (pre-order)."""
        stack: list[Expr] = [self]
        pop, extend = stack.pop, stack.extend
        while stack:
            n = pop()
            yield n
            if n._kids:
                kids = n._child_list()
                kids.reverse()
                extend(kids)

    def transform(self, fn: Callable[["Expr"], "Expr"]) -> "Expr":
        """A new tree: each node's children are transformed first, then `fn` is applied to the rebuilt node (post-order,
        as sqlglot's Expression.transform with copy). `fn` returns its argument to keep a node."""
        if not self._kids:  # a leaf
            return fn(self)
        changes = {}
        for f in self._kids:
            v = getattr(self, f)
            nv = _transform_child(v, fn)
            if nv is not v:
                changes[f] = nv
        node = self._replace(**changes) if changes else self
        return fn(node)

    def replace(self, old: "Expr", new: "Expr") -> "Expr":
        """Every sub-tree equal to `old` replaced by `new`."""
        return self.transform(lambda n: new if n == old else n)

    def contains(self, sub: "Expr") -> bool:
        return any(n == sub for n in self.walk())

    def _replace(self, **changes) -> "Expr":
        get = changes.get
        return type(self)(*[get(f, getattr(self, f)) for f in self.__dataclass_fields__])  # type: ignore

    def __str__(self) -> str:
        from pyawssfn.jsonata.printer import to_text
        return to_text(self)


def _transform_child(v, fn):
    if isinstance(v, Expr):
        return v.transform(fn)
    if isinstance(v, tuple):
        out = []
        same = True
        for x in v:
            nx = _transform_child(x, fn)
            same = same and nx is x
            out.append(nx)
        return v if same else tuple(out)
    return v


@dataclass(frozen=True, slots=True)
class Var(Expr):
    """`$name`; `$` alone (name "") is the context value."""
    name: str


@dataclass(frozen=True, slots=True)
class Name(Expr):
    """A field name as a path step: `a`, or `` `a b` `` when it is not a plain name."""
    name: str


@dataclass(frozen=True, slots=True)
class Str(Expr):
    value: str


@dataclass(frozen=True, slots=True)
class Num(Expr):
    """A number literal; `text` is how it is written (JSONata numbers are doubles: 1 and 1.0 are the same value)."""
    text: str

    @property
    def value(self) -> int | float:
        t = self.text
        return int(t) if t.lstrip("-").isdigit() else float(t)


@dataclass(frozen=True, slots=True)
class Bool(Expr):
    value: bool


@dataclass(frozen=True, slots=True)
class Null(Expr):
    pass


@dataclass(frozen=True, slots=True)
class Regex(Expr):
    pattern: str     # as written between the slashes
    flags: str = ""


@dataclass(frozen=True, slots=True)
class Array(Expr):
    """`[a, b, 1..n]`."""
    items: tuple[Expr, ...]
    _kids = ("items",)

    def _child_list(self) -> list[Expr]:
        return list(self.items)


@dataclass(frozen=True, slots=True)
class Range(Expr):
    """`lo..hi`, only as an item of an Array."""
    lo: Expr
    hi: Expr
    _kids = ("lo", "hi")

    def _child_list(self) -> list[Expr]:
        return [self.lo, self.hi]


@dataclass(frozen=True, slots=True)
class Object(Expr):
    """`{k: v, ...}`; keys are expressions (usually Str)."""
    pairs: tuple[tuple[Expr, Expr], ...]
    _kids = ("pairs",)

    def _child_list(self) -> list[Expr]:
        return [x for pair in self.pairs for x in pair]


@dataclass(frozen=True, slots=True)
class Dot(Expr):
    """The path operator `lhs.rhs` (JSONata maps rhs over lhs's items)."""
    lhs: Expr
    rhs: Expr
    _kids = ("lhs", "rhs")

    def _child_list(self) -> list[Expr]:
        return [self.lhs, self.rhs]


@dataclass(frozen=True, slots=True)
class Filter(Expr):
    """`lhs[pred]`: an index or a predicate."""
    lhs: Expr
    pred: Expr
    _kids = ("lhs", "pred")

    def _child_list(self) -> list[Expr]:
        return [self.lhs, self.pred]


@dataclass(frozen=True, slots=True)
class Call(Expr):
    """`func(args)`; func is a Var for a named function (`$count`) or any expression of a function."""
    func: Expr
    args: tuple[Expr, ...]
    _kids = ("func", "args")

    def _child_list(self) -> list[Expr]:
        return [self.func, *self.args]


@dataclass(frozen=True, slots=True)
class Unary(Expr):
    """Negation `-e` (JSONata's only unary operator)."""
    operand: Expr
    _kids = ("operand",)

    def _child_list(self) -> list[Expr]:
        return [self.operand]


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    op: str          # one of BINARY_OPS
    lhs: Expr
    rhs: Expr
    _kids = ("lhs", "rhs")

    def _child_list(self) -> list[Expr]:
        return [self.lhs, self.rhs]


@dataclass(frozen=True, slots=True)
class Cond(Expr):
    """`test ? then : orelse` (orelse None: `test ? then`)."""
    test: Expr
    then: Expr
    orelse: Expr | None = None
    _kids = ("test", "then", "orelse")

    def _child_list(self) -> list[Expr]:
        return [self.test, self.then] if self.orelse is None else [self.test, self.then, self.orelse]


@dataclass(frozen=True, slots=True)
class Block(Expr):
    """`( e1; e2; ... )`: evaluates to the last expression; a scope for the bindings made in it."""
    exprs: tuple[Expr, ...]
    _kids = ("exprs",)

    def _child_list(self) -> list[Expr]:
        return list(self.exprs)


@dataclass(frozen=True, slots=True)
class Bind(Expr):
    """`$name := value`."""
    name: str
    value: Expr
    _kids = ("value",)

    def _child_list(self) -> list[Expr]:
        return [self.value]


@dataclass(frozen=True, slots=True)
class Lambda(Expr):
    """`function($a, $b) { body }`."""
    params: tuple[str, ...]
    body: Expr
    _kids = ("body",)

    def _child_list(self) -> list[Expr]:
        return [self.body]


def states_field(n: Expr) -> str | None:
    """X when `n` is the step `$states.X` (with or without a predicate on X), else None."""
    if type(n) is Dot and n.lhs == Var("states"):  # type: ignore[attr-defined]
        step = n.rhs  # type: ignore[attr-defined]
        while type(step) is Filter:
            step = step.lhs  # type: ignore[attr-defined]
        if type(step) is Name:
            return step.name  # type: ignore[attr-defined]
    return None


def states_fields(e: Expr) -> set[str]:
    """The fields of $states an expression reads ($states.result, .input, ...); a string literal reads none."""
    return {f for f in (states_field(n) for n in e.walk()) if f is not None}


# ---------------------------------------------------------------------------------------------------- helpers
NULL = Null()
TRUE = Bool(True)
FALSE = Bool(False)


def var(n: str) -> Var:
    return Var(n[1:] if n.startswith("$") else n)


def name(n: str) -> Name:
    return Name(n)


def lit(value) -> Expr:
    """A JSON value as a literal tree."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return Bool(value)
    if isinstance(value, int):
        return Num(str(value))
    if isinstance(value, float):
        return Num(repr(value))
    if isinstance(value, str):
        return Str(value)
    if isinstance(value, (list, tuple)):
        return Array(tuple(lit(v) for v in value))
    if isinstance(value, dict):
        return Object(tuple((Str(k), lit(v)) for k, v in value.items()))
    raise TypeError(f"not a JSON value: {value!r}")


def call(fn: str | Expr, *args: Expr) -> Call:
    return Call(var(fn) if isinstance(fn, str) else fn, tuple(args))


def path(base: Expr | str, *steps: str) -> Expr:
    """`base.s1.s2`: field steps."""
    e = var(base) if isinstance(base, str) else base
    for s in steps:
        e = Dot(e, Name(s))
    return e


def cond(test: Expr, then: Expr, orelse: Expr | None = None) -> Cond:
    return Cond(test, then, orelse)


def block(binds: list[tuple[str, Expr]] | tuple, body: Expr) -> Expr:
    """`( $a := x; $b := y; body )`, or just body without bindings."""
    if not binds:
        return body
    return Block(tuple(Bind(n[1:] if n.startswith("$") else n, v) for n, v in binds) + (body,))


def binop(op: str, lhs: Expr, rhs: Expr) -> Binary:
    assert op in BINARY_OPS, op
    return Binary(op, lhs, rhs)


def and_(*xs: Expr) -> Expr:
    out = xs[0]
    for x in xs[1:]:
        out = Binary("and", out, x)
    return out


def or_(*xs: Expr) -> Expr:
    out = xs[0]
    for x in xs[1:]:
        out = Binary("or", out, x)
    return out


def not_(x: Expr) -> Call:
    return call("not", x)


def error(message: str) -> Call:
    return call("error", Str(message))
