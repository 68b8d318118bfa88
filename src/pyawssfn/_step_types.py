"""The step boundary's type check: a step's result must be what its return annotation says.

The compiler trusts a step's return annotation (compiler/types/annotations.py): `summary = get_summary(text)` with
`-> dict[str, object]` needs no `$type($summary) = "object"` test before `summary["head"]`. That is only the same
meaning both ways if a result that breaks the promise fails both runs in the same way, so the check runs where both
runs cross the boundary: in the plain-Python run (pyrun) and in the Lambda that serves the step to the machine (the
dispatcher, shipped in the zip; standard library only). A mismatch raises TypeError inside the step call, so
`except TypeError` (or `except Exception`) around the call catches it in both runs, and uncaught it fails both
with error "TypeError" and the same message.

What is checked is what the compiler relies on, on the value as the step returns it (JSON turns tuples into lists and
keys into strings, so those are not held against a result):
    int (not bool; at most 2**53, the integers JSON numbers hold exactly), float (int or float), str, bool, None,
    list[T] (a list or tuple), dict[K, V] (the values), a TypedDict (its required keys present, the values of its
    keys), a dataclass (a dict with every field, as dataclasses.asdict gives; an instance is left to JSON to refuse),
    Optional[T] and unions (one member). Any other annotation (Any, object, Literal, ...) is not checked.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import types
import typing

_MAX_EXACT_INT = 2 ** 53
_UNCHECKED = object()


class _Holder:
    pass


@functools.lru_cache(maxsize=1024)
def _return_hint(fn):
    """The evaluated return annotation of the function a step runs, or _UNCHECKED."""
    target = inspect.unwrap(fn)
    try:
        ann = inspect.signature(target).return_annotation
    except (TypeError, ValueError):
        return _UNCHECKED
    if ann is inspect.Signature.empty:
        return _UNCHECKED
    holder = _Holder()
    holder.__annotations__ = {"return": ann}
    try:
        return typing.get_type_hints(holder, globalns=getattr(target, "__globals__", None))["return"]
    except Exception:  # a forward reference that does not resolve: the compiler gives it no type either
        return _UNCHECKED


def _hint_of(fn):
    try:
        return _return_hint(fn)
    except TypeError:  # an unhashable callable
        return _return_hint.__wrapped__(fn)


def check_result(step: str, fn, value):
    """`value` when it matches the return annotation of `fn` (the step), else TypeError."""
    hint = _hint_of(fn)
    if hint is _UNCHECKED:
        return value
    problem = _mismatch(hint, value, "")
    if problem is not None:
        raise TypeError(f"step {step} returned {problem}, not what its return annotation {_show(hint)} says")
    return value


def _show(hint) -> str:
    if isinstance(hint, type) and not typing.get_args(hint):
        return hint.__name__
    return repr(hint).replace("typing.", "")


def _what(value, where: str) -> str:
    kind = "None" if value is None else type(value).__name__
    if type(value) is int and not _is_int(value):
        kind = "int beyond 2**53 (JSON numbers hold it inexactly)"
    if where:
        return f"{kind} at {where}"
    return kind if value is None else ("an " if kind[0] in "aeiou" else "a ") + kind


def _mismatch(hint, value, where: str) -> str | None:
    """None when `value` matches `hint`, else what is wrong (`where`: the path in the result, e.g. ["rows"][2])."""
    if hint is None or hint is type(None):
        return None if value is None else _what(value, where)
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        if any(_mismatch(h, value, where) is None for h in typing.get_args(hint)):
            return None
        return _what(value, where)
    if hint in _SCALAR_CHECKS:
        return None if _SCALAR_CHECKS[hint](value) else _what(value, where)
    if hint is list or origin is list:
        return _list(typing.get_args(hint), value, where)
    if hint is dict or origin is dict:
        return _dict(typing.get_args(hint), value, where)
    if isinstance(hint, type) and typing.is_typeddict(hint):
        return _typed_dict(hint, value, where)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass(hint, value, where)
    return None


def _is_int(v) -> bool:
    return type(v) is int and -_MAX_EXACT_INT <= v <= _MAX_EXACT_INT


_SCALAR_CHECKS = {
    int: _is_int,
    float: lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    str: lambda v: isinstance(v, str),
    bool: lambda v: isinstance(v, bool),
}


def _list(args, value, where):
    if not isinstance(value, (list, tuple)):
        return _what(value, where)
    if args:
        for i, item in enumerate(value):
            p = _mismatch(args[0], item, f"{where}[{i}]")
            if p is not None:
                return p
    return None


def _dict(args, value, where):
    if not isinstance(value, dict):
        return _what(value, where)
    if len(args) == 2:
        for k, v in value.items():
            p = _mismatch(args[1], v, f"{where}[{k!r}]")
            if p is not None:
                return p
    return None


def _typed_dict(hint, value, where):
    if not isinstance(value, dict):
        return _what(value, where)
    for key in sorted(hint.__required_keys__):
        if key not in value:
            return f"no key {key!r}" + (f" at {where}" if where else "")
    hints = typing.get_type_hints(hint)
    for key, h in hints.items():
        if key in value:
            p = _mismatch(h, value[key], f"{where}[{key!r}]")
            if p is not None:
                return p
    return None


def _dataclass(hint, value, where):
    if isinstance(value, hint):
        return None  # not JSON: the step boundary refuses it as any other object
    if not isinstance(value, dict):
        return _what(value, where)
    hints = typing.get_type_hints(hint)
    for f in dataclasses.fields(hint):
        if f.name not in value:
            return f"no key {f.name!r}" + (f" at {where}" if where else "")
        p = _mismatch(hints.get(f.name), value[f.name], f"{where}[{f.name!r}]") if f.name in hints else None
        if p is not None:
            return p
    return None
