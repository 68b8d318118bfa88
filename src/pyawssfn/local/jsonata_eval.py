"""JSONata evaluation for the local executor, made to behave as AWS Step Functions' JSONata 2.0.6.

jsonata-python does the parsing and evaluating; this module adapts it to what AWS does:

* The expression has no context item: on AWS a bare ``$`` or field name at the top level is refused when the
  definition is created, so here ``$`` is undefined. The state input is ``$states.input``.
* JSON null stays null. jsonata-python reads a Python ``None`` as *undefined* (``$x = null`` is false when ``$x`` is
  bound to ``None``), so every value handed to it has its nulls replaced by jsonata-python's null marker, and results
  are turned back into plain JSON values.
* Numbers behave as the IEEE doubles of JSONata: integers beyond 2^53 lose precision as they do on AWS, an integral
  float comes back as an ``int`` (``2.0`` prints ``2``), division by zero gives a non-finite number rather than a
  Python exception, and a non-finite number in a result becomes ``null`` (as ``JSON.stringify`` writes it).
* ``$eval`` is not available (AWS: "Attempted to invoke a non-function"); the ``?:`` and ``??`` operators, which
  JSONata 2.0.6 does not have, are syntax errors.
* The functions AWS adds are bound: ``$partition``, ``$range``, ``$hash``, ``$random([seed])``, ``$uuid()`` and
  ``$parse``. ``$random()`` and ``$uuid()`` draw from the ``rng`` argument of :func:`evaluate` (a ``random.Random``
  owned by the executor, so a seeded execution is reproducible); ``$random(seed)`` is ``java.util.Random(seed)``'s
  first ``nextDouble()``, as on AWS. ``$now()`` and ``$millis()`` read the ``now_ms`` argument (the virtual clock).
* ``$sort`` with a comparator is JSONata 2.0.6's stable merge sort (jsonata-python's reorders equal items), and
  strings compare by UTF-16 code units as in JavaScript (``<``, ``$sort``, ``^(...)``).

Failures raise :class:`~pyawssfn.local.errors.StatesError` ``States.QueryEvaluationError`` with AWS's cause text
(without the "An error occurred while executing the state ..." prefix, which the engine adds); the JSONata part of a
cause is worded as JSONata 2.0.6 words it.

Importing this module patches two jsonata-python functions for every user of it in the process, so that it behaves
as JSONata 2.0.6: ``Functions._string`` (``$string``, ``&``, ``$join``...) prints numbers as JavaScript does
(``$string(0.1 + 0.2)`` is ``"0.3"``, ``1e21`` is ``"1e+21"``), and ``Signature.get_symbol`` types null as null, so a
null argument fails the signature check (T0410) as in JSONata instead of crashing inside the function.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import random
import re
import threading
import time
import uuid
from typing import Any, Callable, Mapping

from jsonata import functions as jfunctions, jexception, parser as jparser, signature as jsignature
from jsonata.jsonata import Jsonata
from jsonata.utils import Utils

from .errors import QUERY_EVALUATION_ERROR, StatesError

__all__ = [
    "UNDEFINED",
    "Expr",
    "JsonataSyntaxError",
    "compile_expression",
    "evaluate",
    "evaluate_template",
    "is_expression",
    "expression_text",
    "top_level_references",
]


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


class JsonataSyntaxError(Exception):
    """The expression is not valid JSONata 2.0.6. ``message`` is AWS-style: ``"S0201: Syntax error: ..."``."""

    def __init__(self, message: str, *, code: str = "", position: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.position = position


# --------------------------------------------------------------------------------------------------------------
# Values in and out of jsonata-python


def _to_jsonata(value: Any) -> Any:
    """A JSON value as jsonata-python must see it: nulls as its null marker, big integers as doubles.

    Containers are copied only when something inside them changes, so a large input without nulls is not copied.
    """
    if value is None:
        return _NULL
    t = type(value)
    if t is str or t is bool or t is float:
        return value
    if t is int:
        return value if -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER else float(value)
    if t is dict:
        out = None
        for k, v in value.items():
            tv = type(v)
            if tv is str or tv is bool or tv is float or (tv is int and -_MAX_SAFE_INTEGER <= v <= _MAX_SAFE_INTEGER):
                continue
            nv = _to_jsonata(v)
            if nv is not v:
                if out is None:
                    out = dict(value)
                out[k] = nv
        return value if out is None else out
    if t is list or t is tuple:
        out_list = None
        for i, v in enumerate(value):
            tv = type(v)
            if tv is str or tv is bool or tv is float or (tv is int and -_MAX_SAFE_INTEGER <= v <= _MAX_SAFE_INTEGER):
                continue
            nv = _to_jsonata(v)
            if nv is not v:
                if out_list is None:
                    out_list = list(value)
                out_list[i] = nv
        if out_list is not None:
            return out_list
        return value if t is list else list(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return _to_jsonata(int(value))
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Mapping):
        return _to_jsonata(dict(value))
    if isinstance(value, (list, tuple)):
        return _to_jsonata(list(value))
    raise StatesError(QUERY_EVALUATION_ERROR, f"Value of type {type(value).__name__} is not JSON: {value!r}")


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


# --------------------------------------------------------------------------------------------------------------
# The evaluator


class _Context(threading.local):
    rng: random.Random | None = None


_context = _Context()
_default_rng = random.Random()


def _current_rng() -> random.Random:
    return _context.rng or _default_rng


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


class _JsStringTerms:
    """The evaluator as seen by jsonata-python's order-by comparator: sort terms that are strings become
    _JsString, so the comparator's `<` is JavaScript's."""

    def __init__(self, engine: Jsonata):
        self._engine = engine

    def eval(self, expr, input, environment):
        value = self._engine.eval(expr, input, environment)
        return _JsString(value) if isinstance(value, str) else value

    def __getattr__(self, name):
        return getattr(self._engine, name)


class _AwsJsonata(Jsonata):
    """jsonata-python with JavaScript's arithmetic: overflow and division by zero give Infinity/NaN rather than an
    error, and `%` keeps fractions (jsonata-python truncates `5.5 % 2` to 1)."""

    def evaluate_numeric_expression(self, lhs, rhs, op):
        if lhs is not None and not Utils.is_numeric(lhs):
            raise jexception.JException("T2001", -1, op, lhs)
        if rhs is not None and not Utils.is_numeric(rhs):
            raise jexception.JException("T2002", -1, op, rhs)
        if lhs is None or rhs is None:
            return None
        lhs = float(lhs)
        rhs = float(rhs)
        if op == "+":
            result = lhs + rhs
        elif op == "-":
            result = lhs - rhs
        elif op == "*":
            result = lhs * rhs
        elif op == "/":
            if rhs == 0.0:
                if lhs == 0.0 or math.isnan(lhs):
                    return math.nan
                return math.copysign(math.inf, lhs) * math.copysign(1.0, rhs)
            result = lhs / rhs
        elif op == "%":
            if rhs == 0.0 or math.isinf(lhs):
                return math.nan
            result = math.fmod(lhs, rhs)
        else:  # pragma: no cover - the parser only produces the five operators
            raise jexception.JException("S0204", -1, op)
        # JavaScript keeps an overflowing result (Infinity); only using it later is an error.
        return Utils.convert_number(result) if math.isfinite(result) else result

    def evaluate_comparison_expression(self, lhs, rhs, op):
        # JavaScript orders strings by UTF-16 code units, Python by code points: they disagree when a character
        # beyond U+FFFF meets one in U+E000..U+FFFF.
        if isinstance(lhs, str) and isinstance(rhs, str):
            lhs, rhs = _utf16_key(lhs), _utf16_key(rhs)
            return {"<": lhs < rhs, "<=": lhs <= rhs, ">": lhs > rhs, ">=": lhs >= rhs}[op]
        return super().evaluate_comparison_expression(lhs, rhs, op)

    def evaluate_sort_expression(self, expr, input, environment):
        # The order-by operator ^(...) must order strings as JavaScript does too; jsonata-python's comparator
        # compares the terms' values with Python's `<`, so hand it strings that compare by UTF-16 code units.
        is_tuple_sort = isinstance(input, Utils.JList) and input.tuple_stream
        compare = Jsonata.ComparatorWrapper(_JsStringTerms(self), expr, environment, is_tuple_sort).compare
        return jfunctions.Functions.sort(input, compare)

    def apply_inner(self, proc, args, input, environment):
        # jsonata-python prints "Proc not found" to stdout before raising T1006; refuse quietly instead.
        if not (
            jfunctions.Functions.is_lambda(proc)
            or isinstance(proc, (Jsonata.JFunction, Jsonata.JLambda))
            or jfunctions.Functions.is_regex(proc)
        ):
            raise jexception.JException("T1006", 0)
        return super().apply_inner(proc, args, input, environment)


def js_number_text(value: float | int) -> str:
    """A number as JSONata's ``$string`` writes it: 15 significant digits, then JavaScript's Number#toString."""
    number = float(f"{value:.15g}")
    if not math.isfinite(number):
        return "Infinity" if number > 0 else "-Infinity"
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
        return json.dumps(value, ensure_ascii=False)
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


def _string_like_jsonata(arg: Any, prettify: bool) -> str:
    if isinstance(arg, (Jsonata.JFunction, Jsonata.JLambda, jparser.Parser.Symbol)):
        return ""
    return _js_json(arg, "  " if prettify else None)


# jsonata-python formats numbers inside $string (and `&`) with Python's rules; JSONata uses JavaScript's.
jfunctions.Functions._string = staticmethod(_string_like_jsonata)


def _lowercase_like_jsonata(string):
    # JSONata 2.0.6 is JavaScript's toLowerCase: 'ß' stays 'ß', 'ΑΣ' gives 'ας' (final sigma), as str.lower() does;
    # jsonata-python case-folds instead ('ß' -> 'ss').
    if string is None:
        return None
    if string is Utils.NULL_VALUE:
        raise jexception.JException("T0410", -1)
    return string.lower()


# The built-in is bound when jsonata-python is imported, so the bound function object is the one to change.
Jsonata.static_frame.lookup("lowercase").method = _lowercase_like_jsonata

_native_get_symbol = jsignature.Signature.get_symbol


def _get_symbol(self, value):
    # JSONata's signatures type null as "l"; jsonata-python reads its null marker as "m" (missing), so a null
    # argument slipped past the signature check and failed inside the function ($abs(null), $min(null)).
    if value is _NULL:
        return "l"
    return _native_get_symbol(self, value)


jsignature.Signature.get_symbol = _get_symbol


class _Runner(threading.local):
    """One evaluator instance per thread: jsonata-python keeps per-evaluation state on the instance."""

    def __init__(self):
        self.instance = _AwsJsonata("0")


_runner = _Runner()


class _LazyFrame(Jsonata.Frame):
    """A frame whose bindings come from a mapping of JSON values, converted only when an expression reads them."""

    def __init__(self, parent, source: Mapping[str, Any]):
        super().__init__(parent)
        self._source = source

    def lookup(self, name):
        bindings = self.bindings
        if name in bindings:
            return bindings[name]
        source = self._source
        if name in source:
            value = _to_jsonata(source[name])
            bindings[name] = value
            return value
        return self.parent.lookup(name)


def _fail(code: str, message: str) -> jexception.JException:
    """A JSONata error with a message of our own (jsonata-python's catalog has no entry for AWS's functions)."""
    return _coded(code, message)


def _integer_arg(value: Any, fn: str, index: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail("T0410", f'Argument {index} of function "{fn}" does not match function signature')
    # AWS truncates a fractional argument towards zero.
    return int(value)


def _fn_partition(array: Any = None, size: Any = None) -> Any:
    if array is None:
        return None
    items = list(array) if isinstance(array, list) else [array]
    n = _integer_arg(size, "partition", 2)
    if n <= 0:
        raise _fail("D3001", f"The second argument of $partition must be a positive integer, got {size}")
    return [items[i:i + n] for i in range(0, len(items), n)]


def _fn_range(start: Any = None, end: Any = None, step: Any = None) -> Any:
    if start is None or end is None or step is None:
        return None
    a = _integer_arg(start, "range", 1)
    b = _integer_arg(end, "range", 2)
    s = _integer_arg(step, "range", 3)
    if s == 0:
        raise _fail("D3001", "The step of $range must not be zero")
    if (s > 0 and a > b) or (s < 0 and a < b):
        return []
    count = (b - a) // s + 1
    if count > 1_000_000:
        raise _fail("D2014", f"The size of the sequence allocated by $range must not exceed 1e6. Attempted to allocate {count}.")
    return list(range(a, b + (1 if s > 0 else -1), s))


_HASHES: dict[str, Callable[[bytes], Any]] = {
    "MD5": hashlib.md5,
    "SHA-1": hashlib.sha1,
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}


def _fn_hash(data: Any = None, algorithm: Any = None) -> Any:
    if data is None:
        return None
    if not isinstance(data, str):
        raise _fail("T0410", 'Argument 1 of function "hash" does not match function signature')
    if algorithm is None:
        algorithm = "SHA-256"
    hasher = _HASHES.get(algorithm) if isinstance(algorithm, str) else None
    if hasher is None:
        raise _fail(
            "D3001",
            f"The hash algorithm {algorithm!r} is not supported; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512",
        )
    return hasher(data.encode("utf-8")).hexdigest()


class JavaRandom:
    """java.util.Random's linear congruential generator (AWS computes ``$random(seed)`` with it)."""

    _MULTIPLIER = 0x5DEECE66D
    _MASK = (1 << 48) - 1

    def __init__(self, seed: int):
        self._seed = (seed ^ self._MULTIPLIER) & self._MASK

    def _next(self, bits: int) -> int:
        self._seed = (self._seed * self._MULTIPLIER + 0xB) & self._MASK
        value = self._seed >> (48 - bits)
        # Java narrows the result to a signed 32-bit int.
        if value >= 1 << 31:
            value -= 1 << 32
        return value

    def next_double(self) -> float:
        return ((self._next(26) << 27) + self._next(27)) * (1.0 / (1 << 53))

    def next_int(self, bound: int) -> int:
        if bound <= 0:
            raise ValueError("bound must be positive")
        if bound & -bound == bound:
            return (bound * self._next(31)) >> 31
        while True:
            bits = self._next(31)
            val = bits % bound
            if bits - val + (bound - 1) < 1 << 31:
                return val


def _fn_random(seed: Any = None) -> Any:
    if seed is None:
        return _current_rng().random()
    n = _integer_arg(seed, "random", 1)
    return JavaRandom(n).next_double()


def _fn_uuid() -> str:
    return str(uuid.UUID(int=_current_rng().getrandbits(128), version=4))


def _fn_parse(text: Any = None) -> Any:
    if text is None:
        return None
    if not isinstance(text, str):
        raise _fail("T0410", 'Argument 1 of function "parse" does not match function signature')
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise _fail("D3001", f"Unable to parse the JSON string: {exc}") from None
    return _to_jsonata(value)


_NO_ARGUMENT = object()


def _fn_count(array: Any = _NO_ARGUMENT, *extra: Any) -> Any:
    # jsonata-python counts a null argument as nothing; JSONata counts it as one value.
    if array is _NO_ARGUMENT or extra:
        raise jexception.JException("T0410", -1, 2 if extra else 1, "count")
    if array is None:
        return 0
    if isinstance(array, Utils.RangeList) or isinstance(array, list):
        return len(array)
    return 1


def _fn_eval(*_args: Any) -> Any:
    raise jexception.JException("T1006", 0)


def _js_truthy(value: Any) -> bool:
    # jsonata-js's $sort tests the comparator's result with JavaScript truthiness, not JSONata's $boolean: an
    # empty array or object is true, undefined/null/0/NaN/"" are false.
    if value is None or value is Utils.NULL_VALUE or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == value and value != 0
    if isinstance(value, str):
        return value != ""
    return True


def _merge_sort(items: list, swap: Callable[[Any, Any], bool]) -> list:
    """jsonata-js 2.0.6's merge sort: split at floor(n/2), and while merging take the right item only when
    ``swap(left, right)`` is true. Equal items keep their order (it is stable), and because the same pairs are
    compared in the same order, even an inconsistent comparator gives the reference's result."""
    if len(items) <= 1:
        return list(items)
    middle = len(items) // 2
    left = _merge_sort(items[:middle], swap)
    right = _merge_sort(items[middle:], swap)
    merged: list = []
    i = j = 0
    while i < len(left) and j < len(right):
        if swap(left[i], right[j]):
            merged.append(right[j])
            j += 1
        else:
            merged.append(left[i])
            i += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    return merged


class _CheckedSort(Jsonata.JFunction):
    """$sort as JSONata 2.0.6 does it: a one-argument sort takes only numbers or only strings (D3070; jsonata-python
    lets Python's comparison fail instead) and orders strings by UTF-16 code units; with a comparator it is 2.0.6's
    stable merge sort (jsonata-python's sorted(cmp_to_key(...)) reorders equal items and needs a number back)."""

    def __init__(self, native: Jsonata.JFunction):
        super().__init__(None, None)
        self.signature = native.signature
        self.function_name = "sort"
        self._native = native

    def call(self, input, args):
        if not args or not isinstance(args[0], list) or len(args[0]) <= 1:
            return self._native.call(input, args)
        items = list(args[0])
        comparator = args[1] if len(args) > 1 else None
        if comparator is None:
            if not (Utils.is_array_of_numbers(items) or Utils.is_array_of_strings(items)):
                raise jexception.JException("D3070", -1)
            return sorted(items, key=_utf16_key)
        engine = Jsonata.CURRENT.jsonata
        environment = engine.environment

        def swap(left: Any, right: Any) -> bool:
            return _js_truthy(engine.apply(comparator, [left, right], None, environment))

        return _merge_sort(items, swap)

    def get_number_of_args(self) -> int:
        return self._native.get_number_of_args()


def _lambda(fn: Callable[..., Any]) -> Jsonata.JLambda:
    return Jsonata.JLambda(fn)


def _base_frame() -> Jsonata.Frame:
    frame = Jsonata.Frame(Jsonata.static_frame)
    frame.bind("partition", _lambda(_fn_partition))
    frame.bind("range", _lambda(_fn_range))
    frame.bind("hash", _lambda(_fn_hash))
    frame.bind("random", _lambda(_fn_random))
    frame.bind("uuid", _lambda(_fn_uuid))
    frame.bind("parse", _lambda(_fn_parse))
    frame.bind("eval", Jsonata.JLambda(_fn_eval))
    frame.bind("count", _lambda(_fn_count))
    frame.bind("sort", _CheckedSort(Jsonata.static_frame.lookup("sort")))
    for name, on_error in _GUARDED.items():
        frame.bind(name, (_Number if name == "number" else _Guarded)(name, on_error))
    return frame




_PLACEHOLDER = re.compile(r"\{\{(\{?)(\w+)\}?\}\}")
_CODE = re.compile(r"[STD]\d{4}\Z")
_TEMPLATE_FIXES = {"S0217": "The object representing the 'parent' cannot be derived from this expression"}
_SIGNATURE_TYPES = {"a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings"}


def _render_jexception(exc: jexception.JException) -> str:
    """The message JSONata 2.0.6 writes for an error: its catalog template with ``{{x}}`` as JSON text and
    ``{{{x}}}`` as raw text (jsonata-python inserts every value raw and says "Object" for "function")."""
    template = _TEMPLATE_FIXES.get(exc.error) or jexception.JException.error_codes.get(exc.error)
    if template is None:
        return str(exc)
    template = template.replace(" Object ", " function ").replace("Object signature", "function signature")
    args = [exc.current, exc.expected, exc.extra]
    if exc.error == "D1002":  # jsonata-python passes the operator first, then the value
        args = [exc.expected]
    elif exc.error == "D3100":  # and the radix as the error location
        args = [exc.location]
    elif exc.error == "T0412":
        args = [exc.current, exc.expected, _SIGNATURE_TYPES.get(str(exc.extra), exc.extra)]
    values = iter(args)

    def fill(match: re.Match) -> str:
        value = next(values, None)
        return str(value) if match.group(1) else _js_json(value, None)

    return _PLACEHOLDER.sub(fill, template)


def _jsonata_message(exc: BaseException) -> str:
    """``CODE: message`` for a JSONata error, worded as JSONata 2.0.6 words it (AWS quotes it in causes)."""
    if isinstance(exc, jexception.JException):
        finished = getattr(exc, "pyawssfn_message", None)
        if finished is not None:
            return f"{exc.error}: {finished}"
        if exc.error and _CODE.match(exc.error):
            return f"{exc.error}: {_render_jexception(exc)}"
        return str(exc.error or exc)
    if isinstance(exc, RecursionError):
        return "D1011: Stack overflow. Check for non-terminating recursive function.  Consider rewriting as tail-recursive"
    return str(exc) or type(exc).__name__


class _Guarded(Jsonata.JFunction):
    """A built-in whose Python failures (ValueError, OverflowError, ...) become the JSONata error JSONata raises."""

    def __init__(self, name: str, on_error: Callable[[list], jexception.JException]):
        native = Jsonata.static_frame.lookup(name)
        super().__init__(None, None)
        self.signature = native.signature
        self.function_name = name
        self._native = native
        self._on_error = on_error

    def call(self, input, args):
        try:
            return self._native.call(input, args)
        except jexception.JException as exc:
            if exc.error and _CODE.match(exc.error):
                raise
            raise self._on_error(list(args or [])) from None
        except (ValueError, OverflowError, TypeError, ArithmeticError):
            raise self._on_error(list(args or [])) from None

    def get_number_of_args(self) -> int:
        return self._native.get_number_of_args()


_NUMBER_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?\Z")
_PREFIXED_NUMBER_TEXT = re.compile(r"0([xX][0-9a-fA-F]+|[bB][01]+|[oO][0-7]+)\Z")


class _Number(_Guarded):
    """$number reads strings as JSONata does: JSON-like decimals (leading zeros allowed) and 0x/0b/0o integers,
    nothing else (no spaces, no "+", no ".5")."""

    def call(self, input, args):
        text = args[0] if args else None
        if isinstance(text, str):
            if _NUMBER_TEXT.match(text):
                value = float(text)
                if math.isfinite(value):
                    return Utils.convert_number(value)
            elif _PREFIXED_NUMBER_TEXT.match(text):
                return int(text, 0)
            raise self._on_error(list(args))
        return super().call(input, args)


def _coded(code: str, message: str) -> jexception.JException:
    """A JSONata error with a code and a finished message (rendered as it is, not through the catalog)."""
    err = jexception.JException("D3137", -1, message)
    err.error = code
    err.pyawssfn_message = message
    return err


def _arg(args: list, i: int) -> Any:
    return args[i] if i < len(args) else None


_GUARDED = {
    "number": lambda a: _coded("D3030", f"Unable to cast value to a number: {_js_json(_arg(a, 0), None)}"),
    "toMillis": lambda a: _coded(
        "D3110", f"The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {_js_json(_arg(a, 0), None)}"
    ),
    "power": lambda a: _coded(
        "D3061",
        "The power function has resulted in a value that cannot be represented as a JSON number: "
        f"base={_js_json(_arg(a, 0), None)}, exponent={_js_json(_arg(a, 1), None)}",
    ),
    "replace": lambda a: _coded("D3010", "Second argument of replace function cannot be an empty string"),
}

_BASE_FRAME = _base_frame()


_STATES_KEYS = ("input", "result", "errorOutput", "context")
_STATES_MENTION = re.compile(r"\$states\b(\.(\w+)\b)?")


def _states_keys_read(text: str) -> frozenset[str] | None:
    """The $states keys an expression can read, or None when it may read all of $states (``$states``,
    ``$states.*``, ``$lookup($states, ...)``). Only those keys are converted for jsonata-python."""
    keys = set()
    for m in _STATES_MENTION.finditer(text):
        key = m.group(2)
        if key is None or key not in _STATES_KEYS:
            return None
        keys.add(key)
    return frozenset(keys)


_SIMPLE_PATH = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\Z")
_FALL_BACK = object()


class Expr:
    """A parsed JSONata expression; evaluate it any number of times."""

    __slots__ = ("text", "ast", "states_keys", "simple_path")

    def __init__(self, text: str, ast: Any):
        self.text = text
        self.ast = ast
        self.states_keys = _states_keys_read(text)
        # `$name.a.b`, the commonest expression in compiled workflows, is read directly when every step is an
        # object (JSONata then returns the value as it is); anything else goes through jsonata-python.
        m = _SIMPLE_PATH.match(text.strip())
        self.simple_path = (m.group(1), tuple(m.group(2).split(".")[1:])) if m else None

    def _read_simple_path(self, states, variables) -> Any:
        name, keys = self.simple_path
        if name == "states":
            if states is None:
                return UNDEFINED
            current: Any = states
        elif variables is not None and name in variables:
            current = variables[name]
        else:
            return _FALL_BACK  # perhaps a function ($now), or a binding of the evaluator's own
        for key in keys:
            if type(current) is not dict:
                return _FALL_BACK if isinstance(current, (list, tuple, Mapping)) else UNDEFINED
            if key not in current:
                return UNDEFINED
            current = current[key]
        try:
            return _from_jsonata(_to_jsonata(current))
        except _UnsupportedResult:
            return _FALL_BACK

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"

    def evaluate(
        self,
        *,
        states: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
        field: str | None = None,
        rng: random.Random | None = None,
        now_ms: int | None = None,
    ) -> Any:
        """The value of the expression, or UNDEFINED. Raises StatesError(States.QueryEvaluationError)."""
        if self.simple_path is not None:
            value = self._read_simple_path(states, variables)
            if value is not _FALL_BACK:
                return value
        runner = _runner.instance
        frame = _LazyFrame(_BASE_FRAME, variables if variables is not None else {})
        if states is not None:
            keys = self.states_keys
            if keys is not None:
                states = {k: states[k] for k in keys if k in states}
            frame = _LazyFrame(frame, {"states": states})
        # Bindings made by the expression itself (`$x := ...`) land here, never in the caller's mappings.
        exec_frame = Jsonata.Frame(frame)
        # jsonata-python looks these hooks up for every node it evaluates; finding them here saves walking up
        # the whole frame chain each time.
        exec_frame.bindings["__evaluate_entry"] = None
        exec_frame.bindings["__evaluate_exit"] = None
        # jsonata-python finds "the current evaluator" through a thread-local, which any Jsonata() sets.
        Jsonata.CURRENT.jsonata = runner
        runner.timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
        previous_rng = _context.rng
        _context.rng = rng
        try:
            result = runner.eval(self.ast, None, exec_frame)
            return UNDEFINED if result is None else _from_jsonata(result)
        except _UnsupportedResult:
            raise StatesError(
                QUERY_EVALUATION_ERROR, f"The JSONata expression '{self.text}'{_field_part(field)} returned an unsupported result type."
            ) from None
        except StatesError:
            raise
        except Exception as exc:  # jsonata-python raises plain Python errors for some bad inputs too
            raise StatesError(
                QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{self.text}'{_field_part(field)} threw an error during evaluation. "
                f"{_jsonata_message(exc)}",
            ) from None
        finally:
            _context.rng = previous_rng


def _field_part(field: str | None) -> str:
    return f" specified for the field '{field}'" if field else ""


class _RefusedOperator(jparser.Parser.Infix):
    """``?:`` and ``??`` come from JSONata 2.1; AWS's JSONata 2.0.6 cannot parse them."""

    def led(self, left):
        # What JSONata 2.0.6 reports: it reads "?:" as "?" then ":", and "??" as "?" then "?".
        raise jexception.JException("S0211", self.position, ":" if self.value == "?:" else "?")


class _Parser(jparser.Parser):
    def __init__(self):
        super().__init__()
        for op in ("?:", "??"):
            refused = _RefusedOperator(self, op).create()
            refused.value = refused.id = op
            refused.lbp = self.symbol_table[op].lbp
            self.symbol_table[op] = refused


class _Parsers(threading.local):
    def __init__(self):
        self.parser = _Parser()


_parsers = _Parsers()


@functools.lru_cache(maxsize=4096)
def compile_expression(text: str) -> Expr:
    """Parse a JSONata expression (with or without its ``{% %}``) once; cached by text.

    Raises JsonataSyntaxError for text that AWS's JSONata 2.0.6 would not parse.
    """
    source = expression_text(text) if is_expression(text) else text
    try:
        ast = _parsers.parser.parse(source)
    except jexception.JException as exc:
        raise JsonataSyntaxError(_jsonata_message(exc), code=exc.error, position=exc.location) from None
    except Exception:  # the tokenizer indexes past the end of some truncated input
        if "/*" in source and "*/" not in source[source.index("/*") + 2:]:
            raise JsonataSyntaxError("S0106: Comment has no closing tag", code="S0106") from None
        raise JsonataSyntaxError("S0207: Unexpected end of expression", code="S0207") from None
    if getattr(ast, "errors", None):
        first = ast.errors[0]
        raise JsonataSyntaxError(_jsonata_message(first), code=getattr(first, "error", ""))
    return Expr(source, ast)


_NESTED_ATTRIBUTES = frozenset({"stages", "predicate", "group", "body", "pattern", "update", "delete", "terms"})


def top_level_references(text: str) -> list[str]:
    """The names an expression reads from the context item at its top level: ``$``, ``$$``, ``*`` or a bare field.

    AWS refuses such an expression when the definition is created (UNSUPPORTED_JSONATA_EXPRESSION: "Reference to
    'x' at the top level is not supported."): a JSONata state's expression has no context item. References nested
    inside a path step, a filter or a function body read an inner context and are allowed. Raises
    JsonataSyntaxError when the text does not parse.
    """
    found: list[str] = []

    def note(name: str) -> None:
        if name not in found:
            found.append(name)

    def walk(node: Any, root: bool) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, root)
            return
        if not isinstance(node, jparser.Parser.Symbol):
            return
        kind = node.type
        if kind == "path":
            steps = node.steps or []
            for i, step in enumerate(steps):
                walk(step, root and i == 0)
            walk(getattr(node, "group", None), False)
            return
        if kind == "lambda":
            return
        if root:
            if kind == "name":
                note(str(node.value))
            elif kind == "variable" and node.value in ("", "$"):
                note("$" if node.value == "" else "$$")
            elif kind == "wildcard":
                note("*")
            elif kind == "descendant":
                note("**")
            elif kind == "parent":
                note("%")
        for attr, value in vars(node).items():
            if attr.startswith("_outer") or attr in ("steps", "tuple", "slot", "seeking_parent", "ancestor"):
                continue
            if attr == "procedure":
                continue
            if isinstance(value, (jparser.Parser.Symbol, list)):
                walk(value, root and attr not in _NESTED_ATTRIBUTES)

    walk(compile_expression(text).ast, True)
    return found


def is_expression(value: Any) -> bool:
    """True for a string AWS evaluates as JSONata: it starts with ``{%`` and ends with ``%}`` (no trimming)."""
    return isinstance(value, str) and len(value) >= 4 and value.startswith("{%") and value.endswith("%}")


def expression_text(value: str) -> str:
    """The JSONata text between ``{%`` and ``%}``, trimmed (as AWS quotes it in error causes)."""
    return value[2:-2].strip()


def _states_with_input(states: Mapping[str, Any] | None, input: Any) -> Mapping[str, Any] | None:
    if input is UNDEFINED:
        return states
    merged = dict(states) if states is not None else {}
    merged.setdefault("input", input)
    return merged


def evaluate(
    text: str,
    *,
    input: Any = UNDEFINED,
    variables: Mapping[str, Any] | None = None,
    states: Mapping[str, Any] | None = None,
    field: str | None = None,
    rng: random.Random | None = None,
    now_ms: int | None = None,
) -> Any:
    """Evaluate one JSONata expression as AWS does; returns UNDEFINED when the result is undefined.

    ``text`` is the expression, with or without its ``{% %}``. ``$states`` is ``states`` (keys ``input``,
    ``result``, ``errorOutput``, ``context`` as applicable); ``input``, when given, is ``$states.input`` if
    ``states`` has none. The context item ``$`` is undefined, as on AWS. ``variables`` are the workflow variables
    in scope (``$name``). ``field`` names the ASL field in error causes (``"Output"``, ``"Assign/x"``). ``rng``
    feeds ``$random()`` and ``$uuid()``; ``now_ms`` is what ``$now()``/``$millis()`` read (epoch milliseconds).
    A syntax error is reported as States.QueryEvaluationError too (the validator reports it before a run).
    """
    try:
        expr = compile_expression(text)
    except JsonataSyntaxError as exc:
        shown = expression_text(text) if is_expression(text) else text
        raise StatesError(
            QUERY_EVALUATION_ERROR,
            f"The JSONata expression '{shown}'{_field_part(field)} threw an error during evaluation. {exc.message}",
        ) from None
    return expr.evaluate(
        states=_states_with_input(states, input), variables=variables, field=field, rng=rng, now_ms=now_ms
    )


def evaluate_template(
    value: Any,
    *,
    variables: Mapping[str, Any] | None = None,
    states: Mapping[str, Any] | None = None,
    input: Any = UNDEFINED,
    field: str = "",
    rng: random.Random | None = None,
    now_ms: int | None = None,
) -> Any:
    """Evaluate a JSON template (Arguments, Output, an Assign value, ItemSelector, ...) as AWS does.

    A string that is exactly ``{% expr %}`` (it must start with ``{%`` and end with ``%}``; surrounding spaces make
    it a plain string) is replaced by the expression's value; objects and arrays are walked; everything else is
    kept. An expression that returns nothing fails with States.QueryEvaluationError naming the field as AWS does
    (``Output/v``, ``Output/values[0]``, ``Assign/x``), because JSON cannot hold undefined.
    """
    states = _states_with_input(states, input)
    return _walk(value, field, variables, states, rng, now_ms)


def _walk(value, field, variables, states, rng, now_ms):
    if isinstance(value, str):
        if not is_expression(value):
            return value
        text = expression_text(value)
        result = evaluate(text, variables=variables, states=states, field=field or None, rng=rng, now_ms=now_ms)
        if result is UNDEFINED:
            raise StatesError(
                QUERY_EVALUATION_ERROR,
                f"The JSONata expression '{text}'{_field_part(field or None)} returned nothing (undefined).",
            )
        return result
    if isinstance(value, dict):
        prefix = f"{field}/" if field else ""
        return {k: _walk(v, f"{prefix}{k}", variables, states, rng, now_ms) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, f"{field}[{i}]", variables, states, rng, now_ms) for i, v in enumerate(value)]
    return value
