"""Values in and out of jsonata-python, and JSON text as JSONata 2.0.6 on JavaScript writes it.

JSON null stays null: jsonata-python reads a Python ``None`` as *undefined*, so every value handed to it has its nulls
replaced by jsonata-python's null marker, and results are turned back into plain JSON values. Numbers are IEEE doubles
as in JSONata: integers beyond 2^53 lose precision as on AWS, an integral float comes back as an ``int``, and a
non-finite number in a result becomes ``null`` (as ``JSON.stringify`` writes it).
"""

from __future__ import annotations

import json
import math
from typing import Any, Mapping

from jsonata import parser as jparser
from jsonata.jsonata import Jsonata
from jsonata.utils import Utils

from pyawssfn.local.errors import QUERY_EVALUATION_ERROR, StatesError

from .jsstrings import js_quote


class _Undefined:
    """JSONata's undefined: no value at all (distinct from JSON null, which is ``None``)."""

    _instance: "_Undefined | None" = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):
        return (_Undefined, ())


UNDEFINED: Any = _Undefined()

_NULL = Utils.NULL_VALUE
_MAX_SAFE_INTEGER = 2**53
# Below 1e21 JavaScript prints an integral number in plain digits, so Python's int prints it the same way.
_PLAIN_INTEGER_LIMIT = 1e21


# --------------------------------------------------------------------------------------------------------------
# Values in and out of jsonata-python


# A container with fewer items than this is walked again each time; larger ones are remembered in the cache.
_CACHE_MIN_ITEMS = 8
_CACHE_MAX_ENTRIES = 20_000


def _to_jsonata(value: Any, cache: dict | None = None) -> Any:
    """A JSON value as jsonata-python must see it: nulls as its null marker, big integers as doubles.

    Containers are copied only when something inside them changes, so a large input without nulls is not copied.
    ``cache`` (id -> (container, converted)) remembers the conversion of large containers, so the execution input
    that every Map item's ``$states.context`` holds is walked once, not once per item. It is only valid while the
    containers are not modified in place, which the executor guarantees (it copies on write); it holds a reference
    to each container so that an id is never reused while remembered.
    """
    if value is None:
        return _NULL
    t = type(value)
    if t is str or t is bool or t is float:
        return value
    if t is int:
        return value if -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER else float(value)
    if t is dict or t is list:
        if cache is not None and len(value) >= _CACHE_MIN_ITEMS:
            hit = cache.get(id(value))
            if hit is not None and hit[0] is value:
                return hit[1]
            converted = _convert_container(value, t, cache)
            if len(cache) >= _CACHE_MAX_ENTRIES:
                cache.clear()
            cache[id(value)] = (value, converted)
            return converted
        return _convert_container(value, t, cache)
    if t is tuple:
        return _convert_container(list(value), list, cache)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return _to_jsonata(int(value))
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Mapping):
        return _to_jsonata(dict(value), cache)
    if isinstance(value, (list, tuple)):
        return _to_jsonata(list(value), cache)
    raise StatesError(QUERY_EVALUATION_ERROR, f"Value of type {type(value).__name__} is not JSON: {value!r}")


def _convert_container(value: Any, t: type, cache: dict | None) -> Any:
    if t is dict:
        value = js_ordered(value)
        out = None
        for k, v in value.items():
            tv = type(v)
            if tv is str or tv is bool or tv is float or (tv is int and -_MAX_SAFE_INTEGER <= v <= _MAX_SAFE_INTEGER):
                continue
            nv = _to_jsonata(v, cache)
            if nv is not v:
                if out is None:
                    out = dict(value)
                out[k] = nv
        return value if out is None else out
    out_list = None
    for i, v in enumerate(value):
        tv = type(v)
        if tv is str or tv is bool or tv is float or (tv is int and -_MAX_SAFE_INTEGER <= v <= _MAX_SAFE_INTEGER):
            continue
        nv = _to_jsonata(v, cache)
        if nv is not v:
            if out_list is None:
                out_list = list(value)
            out_list[i] = nv
    return value if out_list is None else out_list


class _UnsupportedResult(Exception):
    pass


def _from_jsonata(value: Any) -> Any:
    """A jsonata-python result as a plain JSON value (None for null). Raises _UnsupportedResult for functions.

    Containers are rebuilt only when something inside them changes; callers must treat results as read-only
    because an unchanged part may be shared with the input.
    """
    if value is _NULL:
        return None
    t = type(value)
    if t is str or t is bool:
        return value
    if t is int:
        # jsonata-python turns integral doubles into ints; past 1e21 JavaScript prints them in exponent form.
        return value if -_PLAIN_INTEGER_LIMIT < value < _PLAIN_INTEGER_LIMIT else float(value)
    if t is float:
        return _normalise_float(value)
    if t is dict:
        value = js_ordered(value)
        out = None
        for k, v in value.items():
            nv = _from_jsonata(v)
            if nv is not v:
                if out is None:
                    out = dict(value)
                out[k] = nv
        return value if out is None else out
    if t is list:
        out_list = None
        for i, v in enumerate(value):
            nv = _from_jsonata(v)
            if nv is not v:
                if out_list is None:
                    out_list = list(value)
                out_list[i] = nv
        return value if out_list is None else out_list
    if isinstance(value, Utils.RangeList):
        # RangeList stores nothing in the list itself; its items come from indexing.
        return [_from_jsonata(value[i]) for i in range(len(value))]
    if isinstance(value, list):
        # A JList carries sequence flags that would change how it is read if it came back as a variable.
        return [_from_jsonata(v) for v in value]
    if value is None:
        return None
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _normalise_float(float(value))
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {k: _from_jsonata(v) for k, v in value.items()}
    raise _UnsupportedResult(type(value).__name__)


def _normalise_float(value: float) -> Any:
    if not math.isfinite(value):
        return None
    if value.is_integer() and abs(value) < _PLAIN_INTEGER_LIMIT:
        return int(value)
    return value


def _utf16_key(value: Any) -> Any:
    # JavaScript compares strings by UTF-16 code units: "\uff00" > "\U0001F600" there, not in Python.
    return value.encode("utf-16-be", "surrogatepass") if isinstance(value, str) else value


class _JsString(str):
    """A string that orders as in JavaScript (UTF-16 code units); equal to, and hashed as, the plain string."""

    __slots__ = ()

    def __lt__(self, other):
        return _utf16_key(str(self)) < _utf16_key(str(other))

    def __gt__(self, other):
        return _utf16_key(str(self)) > _utf16_key(str(other))

    def __le__(self, other):
        return not self > other

    def __ge__(self, other):
        return not self < other

    __hash__ = str.__hash__


def js_ordered(value: dict) -> dict:
    """The object with its keys in JavaScript's order: integer-like keys ("0", "17", below 2^32 - 1, no leading
    zero) first, ascending, then the others in insertion order. The same dict when already in that order."""
    indexes = [k for k in value if k[:1].isdigit() and _is_index(k)]
    if not indexes:
        return value
    ordered = sorted(indexes, key=int)
    if list(value)[: len(ordered)] == ordered:
        return value
    out = {k: value[k] for k in ordered}
    for k, v in value.items():
        if k not in out:
            out[k] = v
    return out


def _is_index(key: str) -> bool:
    return key.isdigit() and key.isascii() and (key == "0" or key[0] != "0") and int(key) < 4294967295


def js_number_text(value: float | int, digits: int | None = 15) -> str:
    """A number as JSONata's ``$string`` writes it: 15 significant digits, then JavaScript's Number#toString.
    ``digits=None``: JavaScript's shortest round-trip text, as JSON.stringify writes it (in error messages)."""
    number = float(f"{value:.15g}") if digits else float(value)
    if not math.isfinite(number):  # 15 digits of the largest doubles round past them: JSON.stringify writes null
        return "null" if math.isfinite(value) else "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    exponent_form = repr(abs(number))
    mantissa, _, exp_text = exponent_form.partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    digits = (int_part + frac_part).lstrip("0")
    # Position of the decimal point relative to the first significant digit.
    point = len(int_part.lstrip("0")) if int_part.strip("0") else -(len(frac_part) - len(frac_part.lstrip("0")))
    point += int(exp_text) if exp_text else 0
    digits = digits.rstrip("0") or "0"
    if -6 < point <= 21:
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        if point >= len(digits):
            return f"{sign}{digits}{'0' * (point - len(digits))}"
        return f"{sign}{digits[:point]}.{digits[point:]}"
    exp = point - 1
    body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{body}e{'+' if exp > 0 else '-'}{abs(exp)}"


def _js_json(value: Any, indent: str | None, level: int = 0) -> str:
    """JSON.stringify as JSONata's ``$string`` calls it (numbers to 15 digits, functions as "")."""
    if value is None or value is _NULL:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return js_number_text(value) if math.isfinite(value) else "null"
    if isinstance(value, str):
        return js_quote(value)  # lone surrogates escaped as JSON.stringify does (executor's jsstrings.py)
    if isinstance(value, (Jsonata.JFunction, Jsonata.JLambda, jparser.Parser.Symbol)):
        return '""'
    if isinstance(value, dict):
        items = [(k, v) for k, v in value.items() if v is not None]
        if not items:
            return "{}"
        if indent is None:
            return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_js_json(v, None)}" for k, v in items) + "}"
        pad = indent * (level + 1)
        inner = ",\n".join(f"{pad}{json.dumps(k, ensure_ascii=False)}: {_js_json(v, indent, level + 1)}" for k, v in items)
        return "{\n" + inner + "\n" + indent * level + "}"
    if isinstance(value, list):
        if isinstance(value, Utils.RangeList):
            value = [value[i] for i in range(len(value))]
        if not value:
            return "[]"
        if indent is None:
            return "[" + ",".join(_js_json(v, None) for v in value) + "]"
        pad = indent * (level + 1)
        inner = ",\n".join(f"{pad}{_js_json(v, indent, level + 1)}" for v in value)
        return "[\n" + inner + "\n" + indent * level + "]"
    return json.dumps(str(value), ensure_ascii=False)

