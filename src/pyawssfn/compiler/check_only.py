"""A value computed only to fail where it fails: the check a state's Assign evaluates so that its Catch sees the
error of the value its Output returns (lower/controlflow.py; LocalStack's Catch does not see an error of an Output,
tests/engines), under a throwaway variable (`pyawssfn_check_N`, lower/statements.py throwaway: nothing reads it).

The Output cannot read what its own Assign set (a state's fields all see the variables as they were), so it computes
the value again; the Assign need not compute it. Its check is the value without the parts that, given the types its
tests have narrowed, can neither fail nor be undefined (each becomes `null`): `$type(x) = "number" ? x * 2 :
$type(x) = "string" ? $pad("", $length(x) * 2, x) : $error(...)` is checked as `$type(x) = "number" or $type(x) =
"string" ? null : $error(...)`, and the Output, where that check succeeded, is the value without its guards
(state_simplify.py). The check fails exactly when the value would, with the same error, in the same order (what it
leaves out can do neither), and is undefined exactly when the value is (an Assign entry that is undefined fails)."""
from __future__ import annotations

from typing import Any

from pyawssfn.compiler.ir import Template
from pyawssfn.compiler.share import _free_vars, cannot_fail
from pyawssfn.jsonata.tree import Array, Binary, Bind, Block, Bool, Call, Cond, Expr, Lambda, Null, Num, Range, Str, Var

CHECK_PREFIX = "pyawssfn_check"
Types = dict[str, frozenset[str]]  # a variable -> the JSONata types it may have (absent: any, or undefined)
_ANY = frozenset(["number", "string", "boolean", "array", "object", "null", "function", "undefined"])
_UNSTABLE = frozenset(["random", "uuid", "now", "millis"])


def checks_apart(assign: dict[str, Any], output: Any) -> tuple[dict[str, Any], list[Expr]]:
    """The Assign with each throwaway check of a value the Output computes again made a check only, and the
    values so checked (the Output computes them without the guards the check passed)."""
    out: dict[str, Any] = dict(assign)
    checked: list[Expr] = []
    whole = output.expr if type(output) is Template else None
    for k, v in assign.items():
        if not (k.startswith(CHECK_PREFIX) and type(v) is Template and whole is not None and whole.contains(v.expr)):
            continue
        value = v.expr
        if any(type(n) is Call and type(n.func) is Var and n.func.name in _UNSTABLE  # type: ignore[attr-defined]
               for n in value.walk()) or _free_vars(value, frozenset()) is None:
            continue  # the Output's value may differ from the Assign's: both must compute it
        check = check_only(value)
        if check is not None and _size(check) < _size(value):
            out[k] = Template(check)
            checked.append(value)
    return out, checked


def check_only(t: Expr, types: Types | None = None) -> Expr | None:
    """An expression that fails where `t` fails and is undefined where `t` is, or None when `t` can do neither."""
    types = types or {}
    if _total(t, types):
        return None
    tt = type(t)
    if tt is Cond and _safe_test(t.test):  # type: ignore[attr-defined]
        yes, no = _narrowed(t.test, types)  # type: ignore[attr-defined]
        then = check_only(t.then, yes)  # type: ignore[attr-defined]
        if t.orelse is None:  # type: ignore[attr-defined]
            return Cond(t.test, Null() if then is None else then, None)  # type: ignore[attr-defined]
        orelse = check_only(t.orelse, no)  # type: ignore[attr-defined]
        if then is None and orelse is None:
            return None
        if then is None and type(orelse) is Cond and orelse.then == Null() and orelse.orelse is not None:  # type: ignore[attr-defined]
            # `a ? null : b ? null : e` reads better as `a or b ? null : e`
            return Cond(Binary("or", t.test, orelse.test), Null(), orelse.orelse)  # type: ignore[attr-defined]
        return Cond(t.test, Null() if then is None else then, Null() if orelse is None else orelse)  # type: ignore[attr-defined]
    if tt is Block and t.exprs:  # type: ignore[attr-defined]
        *first, last = t.exprs  # type: ignore[attr-defined]
        inner = dict(types)
        for x in first:  # each evaluated as it was, in order
            if type(x) is Bind:
                kind = _kind(x.value, inner)  # type: ignore[attr-defined]
                if kind is None:
                    inner.pop(x.name, None)  # type: ignore[attr-defined]
                else:
                    inner[x.name] = kind  # type: ignore[attr-defined]
        rest = check_only(last, inner)
        # (a binding of an undefined value, or a value computed and dropped, fails nothing)
        if rest is None and all(cannot_fail(x.value if type(x) is Bind else x) for x in first):  # type: ignore[attr-defined]
            return None
        return Block(tuple(first) + (Null() if rest is None else rest,))
    return t


def _safe_test(t: Expr) -> bool:
    """A test that cannot fail: and/or of such (each operand taken as a boolean), `x in [literals]` (never an
    error), anything share.cannot_fail says."""
    if type(t) is Binary and t.op in ("and", "or"):  # type: ignore[attr-defined]
        return _safe_test(t.lhs) and _safe_test(t.rhs)  # type: ignore[attr-defined]
    if type(t) is Binary and t.op == "in":  # type: ignore[attr-defined]
        rhs = t.rhs  # type: ignore[attr-defined]
        return cannot_fail(t.lhs) and type(rhs) is Array and all(type(x) in (Str, Num) for x in rhs.items)  # type: ignore[attr-defined]
    return cannot_fail(t)


def _narrowed(test: Expr, types: Types) -> tuple[Types, Types]:
    """The types where `test` is true, and where it is false (a type test of a variable narrows it)."""
    tt = type(test)
    if tt is Binary and test.op == "and":  # type: ignore[attr-defined]
        yes, _ = _narrowed(test.lhs, types)  # type: ignore[attr-defined]
        return _narrowed(test.rhs, yes)[0], types  # type: ignore[attr-defined]
    if tt is Binary and test.op == "or":  # type: ignore[attr-defined]
        _, no = _narrowed(test.lhs, types)  # type: ignore[attr-defined]
        return types, _narrowed(test.rhs, no)[1]  # type: ignore[attr-defined]
    tested = _type_test(test)
    if tested is None:
        return types, types
    name, kinds = tested
    had = types.get(name, _ANY)
    return {**types, name: had & kinds}, {**types, name: had - kinds}


def _type_test(test: Expr) -> tuple[str, frozenset[str]] | None:
    """`$type($v) = "t"` or `$type($v) in ["t", ...]`: (v, the types it says)."""
    if type(test) is not Binary or test.op not in ("=", "in"):  # type: ignore[attr-defined]
        return None
    lhs, rhs = test.lhs, test.rhs  # type: ignore[attr-defined]
    if not (type(lhs) is Call and lhs.func == Var("type") and len(lhs.args) == 1  # type: ignore[attr-defined]
            and type(lhs.args[0]) is Var):  # type: ignore[attr-defined]
        return None
    if test.op == "=" and type(rhs) is Str:  # type: ignore[attr-defined]
        names = [rhs.value]  # type: ignore[attr-defined]
    elif test.op == "in" and type(rhs) is Array and all(type(x) is Str for x in rhs.items):  # type: ignore[attr-defined]
        names = [x.value for x in rhs.items]  # type: ignore[attr-defined]
    else:
        return None
    return lhs.args[0].name, frozenset(names)  # type: ignore[attr-defined]


def _kind(t: Expr, types: Types) -> frozenset[str] | None:
    """The types `t` has when it is total (`_total`), else None."""
    if not _total(t, types):
        return None
    tt = type(t)
    if tt is Var:
        return types[t.name]  # type: ignore[attr-defined]
    if tt is Num or (tt is Binary and t.op in ("+", "-", "*")) or (tt is Call and t.func == Var("length")):  # type: ignore[attr-defined]
        return frozenset(["number"])
    if tt is Str or (tt is Call and t.func == Var("pad")):  # type: ignore[attr-defined]
        return frozenset(["string"])
    if tt is Bool or (tt is Binary and t.op in ("=", "!=", "and", "or", "in")):  # type: ignore[attr-defined]
        return frozenset(["boolean"])
    if tt is Null:
        return frozenset(["null"])
    if tt is Array or (tt is Call and t.func == Var("append")):  # type: ignore[attr-defined]
        return frozenset(["array"])
    return None


def _is(t: Expr, types: Types, kind: str) -> bool:
    k = _kind(t, types)
    return k is not None and k == frozenset([kind])


def _total(t: Expr, types: Types) -> bool:
    """Evaluating `t` cannot fail and gives a value (not undefined), given the variables' types."""
    tt = type(t)
    if tt in (Num, Str, Bool, Null):
        return True
    if tt is Var:
        kinds = types.get(t.name)  # type: ignore[attr-defined]
        return kinds is not None and bool(kinds) and "undefined" not in kinds
    if tt is Array:
        return all(_total_item(x, types) for x in t.items)  # type: ignore[attr-defined]
    if tt is Binary:
        if t.op in ("=", "!=", "and", "or", "in"):  # type: ignore[attr-defined]
            return _safe_test(t)  # a boolean
        if t.op in ("+", "-", "*"):  # type: ignore[attr-defined]  # on finite numbers (JSON's): no error
            return _is(t.lhs, types, "number") and _is(t.rhs, types, "number")  # type: ignore[attr-defined]
        return False
    if tt is Call and type(t.func) is Var:  # type: ignore[attr-defined]
        return _total_call(t.func.name, t.args, types)  # type: ignore[attr-defined]
    return False


def _total_item(x: Expr, types: Types) -> bool:
    if type(x) is Range:  # whole numbers written as such
        return all(type(b) is Num and b.text.isdigit() for b in (x.lo, x.hi))  # type: ignore[attr-defined]
    return _total(x, types)


def _total_call(name: str, args: tuple[Expr, ...], types: Types) -> bool:
    if name == "length":
        return len(args) == 1 and _is(args[0], types, "string")
    if name == "pad":
        return len(args) == 3 and _is(args[0], types, "string") and _is(args[1], types, "number") \
            and _is(args[2], types, "string")
    if name == "append":  # takes any values; undefined only when both are
        return len(args) == 2 and all(cannot_fail(a) for a in args) and any(_total(a, types) for a in args)
    if name == "reduce" and len(args) == 3:
        # over an array constructor, from a value, with a function of two parameters that gives a value
        items, fn, init = args
        if not (type(items) is Array and _total(items, types) and type(fn) is Lambda and len(fn.params) == 2):
            return False
        inner = {k: v for k, v in types.items() if k not in fn.params}
        return _total(init, types) and _total(fn.body, inner)
    return False


def _size(t: Expr) -> int:
    return sum(1 for _ in t.walk())
