"""The simplifier on JSONata trees: folds what is decided at compile time without changing what the expression
evaluates to or whether it fails.

- `$type(literal)` is the literal's type, so a type test on a literal or a constructor is a constant;
- comparisons of two literals (order: of two numbers), `[2, 3][1]`, `$not(true)`, `false and x`, `true or x`, `c ? a : b` with a constant `c`;
- a one-expression block around an operand that needs no block (the printer adds the parentheses precedence needs);
- `t ? $error(a) : $error(b)` is `$error(t ? a : b)`;
- `$type(x) = "string" and x = "a"` is `x = "a"` (an equality with a literal holds only for its type; x pure);
- a variable a block binds to a literal is read as the literal (when nothing else in the block binds it), and
  `$count` of an array literal is its length, so that the tests on it fold.

Nothing that can fail is dropped: a folded-away operand is always a literal, a variable or a path (JSONata paths
give undefined on a missing field, they do not fail). Bindings (`:=`) keep their blocks, which are their scopes.
"""
from __future__ import annotations

from typing import Callable

from pyawssfn.jsonata.tree import (
    FALSE, TRUE, Array, Binary, Bind, Block, Bool, Call, Cond, Dot, Expr, Filter, Lambda, Name, Null, Num, Object,
    Range, Regex, Str, Unary, Var, written_as_array,
)

_LITERALS = (Str, Num, Bool, Null)
_LEAVES = frozenset([Str, Num, Bool, Null, Var, Name, Regex])
_TYPE_NAMES = {Str: "string", Num: "number", Bool: "boolean", Null: "null", Array: "array", Object: "object",
               Lambda: "function"}
_BOOLEAN_CALLS = frozenset(["not", "exists", "contains", "boolean"])
_ORDER = {"<": lambda x, y: x < y, "<=": lambda x, y: x <= y, ">": lambda x, y: x > y, ">=": lambda x, y: x >= y}
_COMPARISONS = frozenset(["=", "!=", "<", "<=", ">", ">=", "in", "and", "or"])


def simplify(t: Expr) -> Expr:
    return _su(t)


# The simplified form of the nodes met lately, by identity (each kept with its node, so that an id is not reused
# meanwhile): the translator's trees share their sub-trees (a variable's value read twice, a template's constant
# parts, an expression inside the next one), so the same node is met many times (about six on average in a large
# workflow), and the simplified form of a node depends on the node alone.
_MEMO: dict[int, tuple[Expr, Expr]] = {}
_MEMO_SIZE = 100_000


def _simp(t: Expr) -> Expr:
    tt = type(t)
    return t if tt in _LEAVES else _remembered(t, tt)


def _remembered(t: Expr, tt: type) -> Expr:
    """The simplified form of the node `t` (not a leaf), from _MEMO or made and kept there."""
    hit = _MEMO.get(id(t))
    if hit is not None and hit[0] is t:
        return hit[1]
    out = _simp_node(t, tt)
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.clear()
    _MEMO[id(t)] = (t, out)
    return out


def _su(t: Expr) -> Expr:
    """`_unblock(_simp(t))` (the simplifier asks it of nearly every child)."""
    tt = type(t)
    if tt in _LEAVES:
        return t
    out = _remembered(t, tt)
    if type(out) is Block and len(out.exprs) == 1 and not _binds_here(out.exprs[0]):  # type: ignore[attr-defined]
        return out.exprs[0]  # type: ignore[attr-defined]
    return out


def _simp_node(t: Expr, tt: type) -> Expr:
    """Children first (each one once, no generic traversal: trees of the translator are large), then the rules. A
    leaf child is its own simplified form: it is taken as it is, without the call (most children are leaves)."""
    if tt is Binary:
        lhs, rhs = t.lhs, t.rhs  # type: ignore[attr-defined]
        a = lhs if type(lhs) in _LEAVES else _su(lhs)
        b = rhs if type(rhs) in _LEAVES else _su(rhs)
        if a is not lhs or b is not rhs:
            t = Binary(t.op, a, b)  # type: ignore[attr-defined]
        return _binary(t)  # type: ignore[arg-type]
    if tt is Call:
        args = _all(t.args)  # type: ignore[attr-defined]
        f = t.func  # type: ignore[attr-defined]
        func = f if type(f) in _LEAVES else _su(f)
        if args is not t.args or func is not f:  # type: ignore[attr-defined]
            t = Call(func, args)
        return _call(t)  # type: ignore[arg-type]
    if tt is Array:
        return _array(t)  # type: ignore[arg-type]
    if tt is Cond:
        return _cond(t)  # type: ignore[arg-type]
    if tt is Block:
        return _block(t)  # type: ignore[arg-type]
    if tt is Bind:
        v = _su(t.value)  # type: ignore[attr-defined]
        return t if v is t.value else Bind(t.name, v)  # type: ignore[attr-defined]
    if tt is Dot:
        # not the step: `$x.("a")` is the string per item, `$x."a"` the field a
        lhs, rhs = _su(t.lhs), _simp(t.rhs)  # type: ignore[attr-defined]
        return t if lhs is t.lhs and rhs is t.rhs else Dot(lhs, rhs)  # type: ignore[attr-defined]
    if tt is Filter:
        lhs, pred = _su(t.lhs), _su(t.pred)  # type: ignore[attr-defined]
        if type(lhs) is Array and type(pred) is Num and pred.text.isdigit() and int(pred.text) < len(lhs.items) \
                and type(lhs.items[int(pred.text)]) in _LITERALS:  # type: ignore[attr-defined]
            return lhs.items[int(pred.text)]  # type: ignore[attr-defined]  # [2, 3][1] is 3
        return t if lhs is t.lhs and pred is t.pred else Filter(lhs, pred)  # type: ignore[attr-defined]
    if tt is Lambda:
        body = _su(t.body)  # type: ignore[attr-defined]
        return t if body is t.body else Lambda(t.params, body)  # type: ignore[attr-defined]
    if tt is Object:
        pairs = t.pairs  # type: ignore[attr-defined]
        new = [(_su(k), _su(v)) for k, v in pairs]
        for (a, b), (c, d) in zip(new, pairs):
            if a is not c or b is not d:
                return Object(tuple(new))
        return t
    if tt is Unary:
        v = _su(t.operand)  # type: ignore[attr-defined]
        return t if v is t.operand else Unary(v)  # type: ignore[attr-defined]
    if tt is Range:
        lo, hi = _su(t.lo), _su(t.hi)  # type: ignore[attr-defined]
        return t if lo is t.lo and hi is t.hi else Range(lo, hi)  # type: ignore[attr-defined]
    return t


def _array(t: Array) -> Expr:
    """The constructor of its items simplified (a leaf item is its own: no call for it)."""
    items = _each(t.items, _array_item_simplified)
    return t if items is t.items else Array(items)


def _array_item_simplified(x: Expr) -> Expr:
    """An item of an array constructor, simplified, with the same meaning: jsonata-js keeps an item written `[...]`
    as one item and spreads any other array-valued item (tree.written_as_array), so `[([$n])]` is `[n]` where
    `[[$n]]` is `[[n]]`. An item that becomes an array constructor by simplifying (parentheses dropped, a condition
    decided) stays in parentheses."""
    s = _simp(x)
    u = _unblock(s)
    if written_as_array(u) and not written_as_array(x):
        return s if type(s) is Block else Block((u,))
    return u


def _cond(t: Cond) -> Expr:
    test, then = _su(t.test), _su(t.then)
    orelse = None if t.orelse is None else _su(t.orelse)
    if type(test) is Bool and orelse is not None:
        return then if test.value else orelse  # type: ignore[attr-defined]
    if _is_error(then) and _is_error(orelse):  # t ? $error(a) : $error(b) is $error(t ? a : b)
        return Call(then.func, (Cond(test, then.args[0], orelse.args[0]),))  # type: ignore[attr-defined,union-attr]
    if test is t.test and then is t.then and orelse is t.orelse:
        return t
    return Cond(test, then, orelse)


def _block(t: Block) -> Expr:
    propagated = _propagate_literals(t)
    if propagated is not t:
        return _simp(propagated)
    exprs = _all(t.exprs)
    if any(pure(x) for x in exprs[:-1]):  # a value computed and not used, that cannot fail
        exprs = tuple(x for x in exprs[:-1] if not pure(x)) + exprs[-1:]
    if len(exprs) == 1 and type(exprs[0]) is Block:
        return exprs[0]
    return t if exprs is t.exprs else Block(exprs)


def _literal(t: Expr) -> bool:
    """A JSON literal: a scalar, or an array or object of literals (its value is the same wherever it is written)."""
    tt = type(t)
    if tt in _LITERALS:
        return True
    if tt is Array:
        return all(_literal(x) for x in t.items)  # type: ignore[attr-defined]
    if tt is Object:
        return all(type(k) is Str and _literal(v) for k, v in t.pairs)  # type: ignore[attr-defined]
    return False


def _propagate_literals(b: Block) -> Block:
    """`($v := [2, 3]; ... $v ...)` is `(... [2, 3] ...)` when nothing else in the block binds $v: the reads of a
    variable bound to a literal read the literal, so that the tests on it fold (`$type($v) = "array"`). Not an array
    read as an item of an array constructor, where JSONata flattens a variable's array but not a literal one."""
    exprs = list(b.exprs)
    for i, x in enumerate(exprs):
        if type(x) is not Bind or not _literal(x.value):  # type: ignore[attr-defined]
            continue
        name, rest = x.name, exprs[i + 1:]  # type: ignore[attr-defined]
        if not rest or any(_rebinds(r, name) for r in rest):
            continue
        if type(x.value) is Array and any(_array_item(r, Var(name)) for r in rest):  # type: ignore[attr-defined]
            continue  # `[$v]` flattens the array $v holds, `[[2, 3]]` keeps it: not the same item
        v = Var(name)
        value = x.value  # type: ignore[attr-defined]
        out = exprs[:i] + [r.replace(v, value) for r in rest]
        return Block(tuple(out))
    return b


def _array_item(t: Expr, v: Var) -> bool:
    """`v` is an item of an array constructor in `t`."""
    return any(type(n) is Array and v in n.items for n in t.walk())  # type: ignore[attr-defined]


def _rebinds(t: Expr, name: str) -> bool:
    return any((type(n) is Bind and n.name == name) or (type(n) is Lambda and name in n.params)  # type: ignore
               for n in t.walk())


def _is_error(t: Expr | None) -> bool:
    return type(t) is Call and type(t.func) is Var and t.func.name == "error" and len(t.args) == 1  # type: ignore


def _all(xs: tuple) -> tuple:
    """The nodes simplified: the same tuple when none changed (a leaf is its own, without the call)."""
    return _each(xs, _su)


def _each(xs: tuple, f: Callable[[Expr], Expr]) -> tuple:
    """`f` of each node but the leaves (kept as they are, without the call): the same tuple when none changed."""
    out = None
    for i, x in enumerate(xs):
        y = x if type(x) in _LEAVES else f(x)
        if out is None:
            if y is x:
                continue
            out = list(xs[:i])
        out.append(y)
    return xs if out is None else tuple(out)


def pure(t: Expr) -> bool:
    """Evaluating it cannot fail and has no effect: literals, variables, field paths, constructors of those."""
    tt = type(t)
    if tt in _LITERALS or tt is Var or tt is Lambda:
        return True
    if tt is Dot:
        return type(t.rhs) is Name and pure(t.lhs)  # type: ignore[attr-defined]
    if tt is Array:
        return all(pure(x) for x in t.items)  # type: ignore[attr-defined]
    if tt is Object:
        return all(pure(k) and pure(v) for k, v in t.pairs)  # type: ignore[attr-defined]
    return False


def boolean(t: Expr) -> bool:
    """Its value is always true or false (never undefined, a number, ...)."""
    tt = type(t)
    if tt is Bool:
        return True
    if tt is Binary:
        return t.op in _COMPARISONS  # type: ignore[attr-defined]
    if tt is Call:
        return type(t.func) is Var and t.func.name in _BOOLEAN_CALLS  # type: ignore[attr-defined]
    if tt is Block:
        return boolean(t.exprs[-1]) and not _binds_here(t.exprs[-1])  # type: ignore[attr-defined]
    return False


def _unblock(t: Expr) -> Expr:
    """A one-expression block that binds nothing in its own scope is only parentheses (the printer puts back those
    that precedence needs)."""
    if type(t) is Block and len(t.exprs) == 1 and not _binds_here(t.exprs[0]):  # type: ignore[attr-defined]
        return t.exprs[0]  # type: ignore[attr-defined]
    return t


def _binds_here(t: Expr) -> bool:
    """A `:=` in `t` that is not inside a block or function of its own (so it binds in the enclosing scope)."""
    todo = [t]
    while todo:
        n = todo.pop()
        if type(n) is Bind:
            return True
        if type(n) is not Block and type(n) is not Lambda:
            todo.extend(n._child_list())
    return False


def _call(t: Call) -> Expr:
    if type(t.func) is not Var or len(t.args) != 1:
        return t
    fn, arg = t.func.name, t.args[0]  # type: ignore[attr-defined]
    if fn == "type" and type(arg) in _TYPE_NAMES and pure(arg):
        return Str(_TYPE_NAMES[type(arg)])
    if fn == "not" and type(arg) is Bool:
        return Bool(not arg.value)  # type: ignore[attr-defined]
    if fn == "count" and type(arg) is Array and all(type(x) in _LITERALS or type(x) is Object and pure(x)
                                                    for x in arg.items):  # type: ignore[attr-defined]
        # no nested array or range to count, and no value that can fail (`[{"k": $d.x ? ... : $error()}]`)
        return Num(str(len(arg.items)))  # type: ignore[attr-defined]
    return t


def _type_test_implied(a: Expr, b: Expr) -> bool:
    """`$type(x) = "string" and x = "a"`: the equality with a literal holds only for a value of the literal's type,
    so the type test adds nothing (x pure: reading it once instead of twice changes nothing)."""
    if type(a) is not Binary or a.op != "=" or type(b) is not Binary or b.op != "=":  # type: ignore[attr-defined]
        return False
    test, name = a.lhs, a.rhs  # type: ignore[attr-defined]
    if not (type(test) is Call and test.func == Var("type") and len(test.args) == 1 and type(name) is Str):  # type: ignore
        return False
    x, value = b.lhs, b.rhs  # type: ignore[attr-defined]
    return x == test.args[0] and type(value) in (Str, Num, Bool) and _TYPE_NAMES[type(value)] == name.value \
        and pure(x)  # type: ignore[attr-defined]


def _binary(t: Binary) -> Expr:
    op, a, b = t.op, t.lhs, t.rhs
    if op in ("=", "!=") and type(a) in (Str, Bool, Num) and type(a) is type(b):
        same = a.value == b.value  # type: ignore[attr-defined]
        return Bool(same if op == "=" else not same)
    if op in _ORDER and type(a) is Num and type(b) is Num:
        return Bool(_ORDER[op](a.value, b.value))  # type: ignore[attr-defined]
    if op == "and":
        if a == FALSE:
            return FALSE
        if _type_test_implied(a, b):
            return b
        if a == TRUE and boolean(b):
            return b
        if b == TRUE and boolean(a):
            return a
        if b == FALSE and pure(a):
            return FALSE
    if op == "or":
        if a == TRUE:
            return TRUE
        if a == FALSE and boolean(b):
            return b
        if b == FALSE and boolean(a):
            return a
        if b == TRUE and pure(a):
            return TRUE
    return t


__all__ = ["simplify", "pure", "boolean", "Bind"]
