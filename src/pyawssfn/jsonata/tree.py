"""A small JSONata expression tree.

The nodes mirror JSONata's own grammar (jsonata-js parser.js), not a simplified one, because a rewrite must keep
JSONata's meaning: `$x.a[0]` (a predicate on the step `a`) and `($x.a)[0]` (a filter on the whole path) are different
trees, and a `( ...; ... )` block is a scope for `:=`, so blocks are kept as nodes.

Nodes are immutable and compare by value (as frozen dataclasses would: same class, equal fields), so a sub-expression
can be looked up, counted and replaced by equality. They are plain classes with `__slots__` rather than dataclasses
(building nineteen dataclasses cost ~15 ms of every CLI start), and a node's hash is computed by its constructor
from its children's (kept) hashes. Nothing assigns to a node's fields after `__init__`; a changed node is a new one
(`node._replace(field=...)`). Build them with the classes or the helpers at the end (`var`, `call`, `cond`, ...);
turn them into text with `pyawssfn.jsonata.printer.to_text`; read text with `pyawssfn.jsonata.parse.parse`.

    e = call("count", var("xs"))          # $count($xs)
    e.transform(lambda n: var("ys") if n == var("xs") else n)
    [n.name for n in e.walk() if isinstance(n, Var)]
"""
from __future__ import annotations

from operator import attrgetter
from typing import Callable, Iterator, Union

__all__ = [
    "Expr", "Var", "Name", "Str", "Num", "Bool", "Null", "Regex", "Array", "Range", "Object", "Dot", "Filter",
    "Call", "Unary", "Binary", "Cond", "Block", "Bind", "Lambda", "var", "name", "lit", "call", "path", "cond",
    "block", "binop", "and_", "or_", "not_", "error", "BINARY_OPS", "states_field", "states_fields",
]

BINARY_OPS = ("or", "and", "=", "!=", "<", "<=", ">", ">=", "in", "+", "-", "&", "*", "/", "%")

_Child = Union["Expr", tuple]

# A node's hash is computed once, by its __init__, from its own fields and its children's hashes (each child's
# kept `_hash`, read without a call): trees are hashed as dict keys everywhere (the translator's and the passes'
# memos), and a lazy hash cost a Python call of __hash__ per node of every new tree, twice the calls of building
# it. Each class mixes in a constant of its own, so that `$x` and the field `x` hash apart.
_H = attrgetter("_hash")


class Expr:
    """Base of every node. `_kids` names the fields holding child nodes (a node, a tuple of nodes, or for Object a
    tuple of (key, value) pairs)."""

    __slots__ = ("_hash",)
    _fields: tuple[str, ...] = ()   # every field, in the order __init__ takes them
    _kids: tuple[str, ...] = ()
    _values: Callable[["Expr"], tuple] = staticmethod(lambda self: ())  # type: ignore[assignment]  # the fields' values

    def __init_subclass__(cls, **kw) -> None:
        super().__init_subclass__(**kw)
        f = cls.__dict__.get("_fields", cls._fields)
        cls.__match_args__ = f  # type: ignore[attr-defined]
        get = attrgetter(*f) if f else None
        values = (lambda self: ()) if get is None else (lambda self: (get(self),)) if len(f) == 1 else get
        cls._values = staticmethod(values)  # type: ignore[assignment]
        if len(f) == 1:  # most nodes (a name, a literal, a block): compared and hashed without a tuple built for it
            cls.__eq__, cls.__hash__ = _one_field(get)  # type: ignore[assignment,method-assign]

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if other.__class__ is not self.__class__:
            return NotImplemented
        if self._hash != other._hash:  # type: ignore[attr-defined]
            return False  # (equal trees hash alike: two that differ are told apart without a walk)
        return self._values(self) == other._values(other)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return self._hash  # computed by __init__ from the children's (see _H)

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({', '.join(f'{f}={getattr(self, f)!r}' for f in self._fields)})"

    def __reduce__(self):
        return type(self), self._values(self)

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
        return fn(self._transform_kids(fn))

    def _transform_kids(self, fn: Callable[["Expr"], "Expr"]) -> "Expr":
        """The node with its children transformed (itself when none changed); each node class with children says
        it directly (this generic reading of `_kids` is the reference, as for _child_list)."""
        kids = self._kids
        changes = None
        for f in kids:
            v = getattr(self, f)
            if isinstance(v, Expr):
                nv = v.transform(fn)
            elif isinstance(v, tuple):
                nv = _transform_child(v, fn)
            else:
                continue
            if nv is not v:
                if changes is None:
                    changes = {f: nv}
                else:
                    changes[f] = nv
        return self._replace(**changes) if changes else self

    def replace(self, old: "Expr", new: "Expr") -> "Expr":
        """Every sub-tree equal to `old` replaced by `new`."""
        return self.transform(lambda n: new if n == old else n)

    def contains(self, sub: "Expr") -> bool:
        return any(n == sub for n in self.walk())

    def _replace(self, **changes) -> "Expr":
        get = changes.get
        return type(self)(*[get(f, getattr(self, f)) for f in self._fields])

    def __str__(self) -> str:
        from pyawssfn.jsonata.printer import to_text
        return to_text(self)


def _one_field(get: Callable) -> tuple[Callable, Callable]:
    """Expr's __eq__ and __hash__ for a class of one field, read by `get`: the same answers (compared as a tuple
    compares its items: the same object, or equal)."""
    def __eq__(self, other):
        if self is other:
            return True
        if other.__class__ is not self.__class__:
            return NotImplemented
        if self._hash != other._hash:
            return False
        a, b = get(self), get(other)
        return a is b or a == b

    return __eq__, Expr.__hash__


def _transform_all(xs: tuple, fn) -> tuple:
    """A tuple of nodes transformed: the same tuple when no node changed."""
    out = [x.transform(fn) for x in xs]
    for a, b in zip(out, xs):
        if a is not b:
            return tuple(out)
    return xs


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


class Var(Expr):
    """`$name`; `$` alone (name "") is the context value."""
    __slots__ = ('name',)
    _fields = ('name',)

    def __init__(self, name: str) -> None:
        self._hash = hash(name) ^ 0x1001
        self.name = name


class Name(Expr):
    """A field name as a path step: `a`, or `` `a b` `` when it is not a plain name."""
    __slots__ = ('name',)
    _fields = ('name',)

    def __init__(self, name: str) -> None:
        self._hash = hash(name) ^ 0x1002
        self.name = name


class Str(Expr):
    __slots__ = ('value',)
    _fields = ('value',)

    def __init__(self, value: str) -> None:
        self._hash = hash(value) ^ 0x1003
        self.value = value


class Num(Expr):
    """A number literal; `text` is how it is written (JSONata numbers are doubles: 1 and 1.0 are the same value)."""
    __slots__ = ('text',)
    _fields = ('text',)

    def __init__(self, text: str) -> None:
        self._hash = hash(text) ^ 0x1004
        self.text = text

    @property
    def value(self) -> int | float:
        t = self.text
        return int(t) if t.lstrip("-").isdigit() else float(t)


class Bool(Expr):
    __slots__ = ('value',)
    _fields = ('value',)

    def __init__(self, value: bool) -> None:
        self._hash = hash(value) ^ 0x1005
        self.value = value


class Null(Expr):
    __slots__ = ()
    _fields = ()

    def __init__(self) -> None:
        self._hash = 0x1006
        pass


class Regex(Expr):
    __slots__ = ('pattern', 'flags')
    _fields = ('pattern', 'flags')
    # pattern: as written between the slashes

    def __init__(self, pattern: str, flags: str = "") -> None:
        self._hash = hash((pattern, flags, 0x1007))
        self.pattern = pattern
        self.flags = flags


class Array(Expr):
    """`[a, b, 1..n]`."""
    __slots__ = ('items',)
    _fields = ('items',)
    _kids = ("items",)

    def __init__(self, items: tuple[Expr, ...]) -> None:
        self._hash = hash((0x1008, *map(_H, items)))
        self.items = items

    def _child_list(self) -> list[Expr]:
        return list(self.items)

    def _transform_kids(self, fn) -> Expr:
        items = _transform_all(self.items, fn)
        return self if items is self.items else Array(items)


class Range(Expr):
    """`lo..hi`, only as an item of an Array."""
    __slots__ = ('lo', 'hi')
    _fields = ('lo', 'hi')
    _kids = ("lo", "hi")

    def __init__(self, lo: Expr, hi: Expr) -> None:
        self._hash = hash((0x1009, lo._hash, hi._hash))
        self.lo = lo
        self.hi = hi

    def _child_list(self) -> list[Expr]:
        return [self.lo, self.hi]

    def _transform_kids(self, fn) -> Expr:
        lo, hi = self.lo.transform(fn), self.hi.transform(fn)
        return self if lo is self.lo and hi is self.hi else Range(lo, hi)


class Object(Expr):
    """`{k: v, ...}`; keys are expressions (usually Str)."""
    __slots__ = ('pairs',)
    _fields = ('pairs',)
    _kids = ("pairs",)

    def __init__(self, pairs: tuple[tuple[Expr, Expr], ...]) -> None:
        self._hash = hash((0x100a, *[(k._hash, v._hash) for k, v in pairs]))
        self.pairs = pairs

    def _child_list(self) -> list[Expr]:
        return [x for pair in self.pairs for x in pair]


class Dot(Expr):
    """The path operator `lhs.rhs` (JSONata maps rhs over lhs's items)."""
    __slots__ = ('lhs', 'rhs')
    _fields = ('lhs', 'rhs')
    _kids = ("lhs", "rhs")

    def __init__(self, lhs: Expr, rhs: Expr) -> None:
        self._hash = hash((0x100b, lhs._hash, rhs._hash))
        self.lhs = lhs
        self.rhs = rhs

    def _child_list(self) -> list[Expr]:
        return [self.lhs, self.rhs]

    def _transform_kids(self, fn) -> Expr:
        lhs, rhs = self.lhs.transform(fn), self.rhs.transform(fn)
        return self if lhs is self.lhs and rhs is self.rhs else Dot(lhs, rhs)


class Filter(Expr):
    """`lhs[pred]`: an index or a predicate."""
    __slots__ = ('lhs', 'pred')
    _fields = ('lhs', 'pred')
    _kids = ("lhs", "pred")

    def __init__(self, lhs: Expr, pred: Expr) -> None:
        self._hash = hash((0x100c, lhs._hash, pred._hash))
        self.lhs = lhs
        self.pred = pred

    def _child_list(self) -> list[Expr]:
        return [self.lhs, self.pred]

    def _transform_kids(self, fn) -> Expr:
        lhs, pred = self.lhs.transform(fn), self.pred.transform(fn)
        return self if lhs is self.lhs and pred is self.pred else Filter(lhs, pred)


class Call(Expr):
    """`func(args)`; func is a Var for a named function (`$count`) or any expression of a function."""
    __slots__ = ('func', 'args')
    _fields = ('func', 'args')
    _kids = ("func", "args")

    def __init__(self, func: Expr, args: tuple[Expr, ...]) -> None:
        self._hash = hash((func._hash, *map(_H, args)))
        self.func = func
        self.args = args

    def _child_list(self) -> list[Expr]:
        return [self.func, *self.args]

    def _transform_kids(self, fn) -> Expr:
        func, args = self.func.transform(fn), _transform_all(self.args, fn)
        return self if func is self.func and args is self.args else Call(func, args)


class Unary(Expr):
    """Negation `-e` (JSONata's only unary operator)."""
    __slots__ = ('operand',)
    _fields = ('operand',)
    _kids = ("operand",)

    def __init__(self, operand: Expr) -> None:
        self._hash = operand._hash ^ 0x100d
        self.operand = operand

    def _child_list(self) -> list[Expr]:
        return [self.operand]

    def _transform_kids(self, fn) -> Expr:
        operand = self.operand.transform(fn)
        return self if operand is self.operand else Unary(operand)


class Binary(Expr):
    __slots__ = ('op', 'lhs', 'rhs')
    _fields = ('op', 'lhs', 'rhs')
    _kids = ("lhs", "rhs")
    # op: one of BINARY_OPS

    def __init__(self, op: str, lhs: Expr, rhs: Expr) -> None:
        self._hash = hash((op, lhs._hash, rhs._hash))
        self.op = op
        self.lhs = lhs
        self.rhs = rhs

    def _child_list(self) -> list[Expr]:
        return [self.lhs, self.rhs]

    def _transform_kids(self, fn) -> Expr:
        lhs, rhs = self.lhs.transform(fn), self.rhs.transform(fn)
        return self if lhs is self.lhs and rhs is self.rhs else Binary(self.op, lhs, rhs)


class Cond(Expr):
    """`test ? then : orelse` (orelse None: `test ? then`)."""
    __slots__ = ('test', 'then', 'orelse')
    _fields = ('test', 'then', 'orelse')
    _kids = ("test", "then", "orelse")

    def __init__(self, test: Expr, then: Expr, orelse: Expr | None = None) -> None:
        self._hash = hash((0x100e, test._hash, then._hash, 0 if orelse is None else orelse._hash))
        self.test = test
        self.then = then
        self.orelse = orelse

    def _child_list(self) -> list[Expr]:
        return [self.test, self.then] if self.orelse is None else [self.test, self.then, self.orelse]

    def _transform_kids(self, fn) -> Expr:
        test, then = self.test.transform(fn), self.then.transform(fn)
        orelse = self.orelse if self.orelse is None else self.orelse.transform(fn)
        if test is self.test and then is self.then and orelse is self.orelse:
            return self
        return Cond(test, then, orelse)


class Block(Expr):
    """`( e1; e2; ... )`: evaluates to the last expression; a scope for the bindings made in it."""
    __slots__ = ('exprs',)
    _fields = ('exprs',)
    _kids = ("exprs",)

    def __init__(self, exprs: tuple[Expr, ...]) -> None:
        self._hash = hash((0x100f, *map(_H, exprs)))
        self.exprs = exprs

    def _child_list(self) -> list[Expr]:
        return list(self.exprs)

    def _transform_kids(self, fn) -> Expr:
        exprs = _transform_all(self.exprs, fn)
        return self if exprs is self.exprs else Block(exprs)


class Bind(Expr):
    """`$name := value`."""
    __slots__ = ('name', 'value')
    _fields = ('name', 'value')
    _kids = ("value",)

    def __init__(self, name: str, value: Expr) -> None:
        self._hash = hash((name, value._hash, 0x1010))
        self.name = name
        self.value = value

    def _child_list(self) -> list[Expr]:
        return [self.value]

    def _transform_kids(self, fn) -> Expr:
        value = self.value.transform(fn)
        return self if value is self.value else Bind(self.name, value)


class Lambda(Expr):
    """`function($a, $b) { body }`."""
    __slots__ = ('params', 'body')
    _fields = ('params', 'body')
    _kids = ("body",)

    def __init__(self, params: tuple[str, ...], body: Expr) -> None:
        self._hash = hash((params, body._hash, 0x1011))
        self.params = params
        self.body = body

    def _child_list(self) -> list[Expr]:
        return [self.body]

    def _transform_kids(self, fn) -> Expr:
        body = self.body.transform(fn)
        return self if body is self.body else Lambda(self.params, body)


def states_field(n: Expr) -> str | None:
    """X when `n` is the step `$states.X` (with or without a predicate on X), else None."""
    if type(n) is Dot and type(n.lhs) is Var and n.lhs.name == "states":  # type: ignore[attr-defined]
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


def written_as_array(e: Expr) -> bool:
    """`e` is written as an array constructor, indexed or not (`[a, b]`, `[[1], [2]][$i]`): as an item of an array
    constructor, jsonata-js keeps its value as one item (by the syntax, the index does not change the node's kind),
    where any other array-valued item is spread."""
    while type(e) is Filter:
        e = e.lhs  # type: ignore[attr-defined]
    return type(e) is Array


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
