"""A shortcut past jsonata-python for the expressions compiled workflows evaluate most: ``$i + 1``, ``$i < 5000``,
``$states.input.value.n * 2``, ``$name.a.b``, literals.

``compile_fast(ast)`` returns a function ``(states, variables, cache) -> value`` for an expression made only of
literals, ``$variable.field.field`` paths through objects, arithmetic, comparison and ``=``/``!=``; it returns
``FALL_BACK`` whenever a value is not the simple case (a missing field, an array, null, mixed types, a non-finite
result...), and the caller then evaluates the expression with jsonata-python, which gives JSONata's answer or error
for it. On the values it accepts, each operator is computed as JSONata 2.0.6 computes it on JavaScript (IEEE doubles;
strings ordered by UTF-16 code units), so the shortcut never changes a result; the shadow mode checks that too.
"""
from __future__ import annotations

import math
from typing import Any, Callable

from .values import UNDEFINED, _from_jsonata, _normalise_float, _to_jsonata, _utf16_key

FALL_BACK: Any = object()

_ARITHMETIC = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b if b != 0.0 else math.nan,  # non-finite: falls back, jsonata-python handles it
    "%": lambda a, b: math.fmod(a, b) if b != 0.0 else math.nan,
}
_EXACT_ON_INTEGERS = frozenset({"+", "-", "*"})
_SAFE = 2**53
_ORDER = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
# Attributes that make a path step more than a plain field name (filters, sorts, focus/index bindings...).
_STEP_EXTRAS = ("stages", "predicate", "group", "focus", "index", "tuple", "ancestor", "seeking_parent")

Fast = Callable[[Any, Any, Any], Any]


def _is_number(v: Any) -> bool:
    t = type(v)
    return t is int or t is float


def _plain(node: Any) -> bool:
    return not any(getattr(node, attr, None) for attr in _STEP_EXTRAS) and not getattr(node, "keep_array", False)


def _walk_fields(current: Any, rest: tuple[str, ...]) -> Any:
    for key in rest:
        if current is UNDEFINED:
            return UNDEFINED
        if type(current) is not dict:
            return FALL_BACK if isinstance(current, (list, tuple, dict)) else UNDEFINED
        current = current.get(key, UNDEFINED)
    return current


def _path(root: str, keys: tuple[str, ...]) -> Fast:
    if root == "states":
        if not keys:
            return lambda states, variables, cache: FALL_BACK if states is not None else UNDEFINED
        first, rest = keys[0], keys[1:]

        def read_states(states, variables, cache):
            if states is None:
                return UNDEFINED
            # `in` then `[]`: $states may build a key on first read (dataflow.LazyStates)
            current = states[first] if first in states else UNDEFINED
            return _walk_fields(current, rest) if rest else current

        return read_states

    def read_variable(states, variables, cache):
        if variables is None or root not in variables:
            return FALL_BACK  # perhaps a function ($now), or a binding of the evaluator's own
        return _walk_fields(variables[root], keys) if keys else variables[root]

    return read_variable


def _leaf(node: Any) -> Fast | None:
    kind = node.type
    if kind in ("number", "string") and _plain(node):
        value = node.value
        if kind == "number" and not (_is_number(value) and math.isfinite(value)):
            return None
        return lambda states, variables, cache: value
    if kind == "variable" and node.value not in ("", "$") and _plain(node):
        return _path(node.value, ())
    if kind == "path" and _plain(node) and node.steps and node.steps[0].type == "variable":
        first = node.steps[0]
        if first.value in ("", "$") or not all(_plain(s) for s in node.steps):
            return None
        if not all(s.type == "name" for s in node.steps[1:]):
            return None
        return _path(first.value, tuple(s.value for s in node.steps[1:]))
    return None


def _operand(node: Any) -> Fast | None:
    return _binary(node) if node.type == "binary" else _leaf(node)


def _binary(node: Any) -> Fast | None:
    if not _plain(node):
        return None
    op = node.value
    lhs = _operand(node.lhs)
    rhs = _operand(node.rhs)
    if lhs is None or rhs is None:
        return None
    if op in _ARITHMETIC:
        compute = _ARITHMETIC[op]

        exact = op in _EXACT_ON_INTEGERS

        def arithmetic(states, variables, cache):
            a = lhs(states, variables, cache)
            b = rhs(states, variables, cache)
            if exact and type(a) is int and type(b) is int and -_SAFE <= a <= _SAFE and -_SAFE <= b <= _SAFE:
                # Both exact as doubles; a result within 2^53 is then exact too, so this is JavaScript's answer.
                result = compute(a, b)
                if -_SAFE <= result <= _SAFE:
                    return result
            if not (_is_number(a) and _is_number(b)):
                return FALL_BACK
            result = compute(float(a), float(b))
            return _normalise_float(result) if math.isfinite(result) else FALL_BACK

        return arithmetic
    if op in _ORDER:
        order = _ORDER[op]

        def compare(states, variables, cache):
            a = lhs(states, variables, cache)
            b = rhs(states, variables, cache)
            if _is_number(a) and _is_number(b):
                return order(float(a), float(b))
            if type(a) is str and type(b) is str:
                return order(_utf16_key(a), _utf16_key(b))
            return FALL_BACK

        return compare
    if op in ("=", "!="):
        negate = op == "!="

        def equal(states, variables, cache):
            a = lhs(states, variables, cache)
            b = rhs(states, variables, cache)
            if _is_number(a) and _is_number(b):
                same = float(a) == float(b)
            elif (type(a) is str and type(b) is str) or (type(a) is bool and type(b) is bool):
                same = a == b
            else:
                return FALL_BACK
            return same != negate

        return equal
    return None


def compile_fast(ast: Any) -> Fast | None:
    """The shortcut for an expression, or None when it is not one of the simple forms."""
    kind = getattr(ast, "type", None)
    if kind == "binary":
        return _binary(ast)
    leaf = _leaf(ast) if kind is not None else None
    if leaf is None:
        return None

    def top(states, variables, cache):
        value = leaf(states, variables, cache)
        if value is FALL_BACK or value is UNDEFINED:
            return value
        t = type(value)
        if t is str or t is bool or (t is int and -_SAFE <= value <= _SAFE):
            return value  # what the round trip below gives for these
        try:
            return _from_jsonata(_to_jsonata(value, cache))
        except Exception:  # not JSON (the caller's mistake): jsonata-python words the error
            return FALL_BACK

    return top
