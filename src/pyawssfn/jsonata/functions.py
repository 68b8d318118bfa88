"""The functions AWS Step Functions adds to JSONata 2.0.6, and jsonata-python's built-ins corrected to behave as
JSONata 2.0.6 on JavaScript does, with error messages worded as JSONata 2.0.6 words them.

AWS adds ``$partition``, ``$range``, ``$hash``, ``$random([seed])``, ``$uuid()`` and ``$parse``. ``$random()`` and
``$uuid()`` draw from the ``rng`` the executor hands to the evaluation (so a seeded execution is reproducible);
``$random(seed)`` is ``java.util.Random(seed)``'s first ``nextDouble()``, as on AWS. ``$eval`` is not available (AWS:
"Attempted to invoke a non-function").

Importing this module patches jsonata-python for every user of it in the process: ``Functions._string`` (``$string``,
``&``, ``$join``...) prints numbers as JavaScript does, ``Signature.get_symbol`` types null as null (so a null argument
fails the signature check, T0410, as in JSONata) and ``$lowercase`` is JavaScript's ``toLowerCase``.
"""

from __future__ import annotations

import json
import math
import random
import re
import threading
import uuid
from typing import Any, Callable

from jsonata import functions as jfunctions, jexception, parser as jparser, signature as jsignature
from jsonata.jsonata import Jsonata
from jsonata.utils import Utils

from . import builtins as _builtins, formatnumber as _formatnumber, jsstrings as _jsstrings, regexfns as _regexfns
from .jsregex import JsRegExp
from .values import _NULL, _js_json, _to_jsonata, _utf16_key, js_number_text


class _Context(threading.local):
    rng: random.Random | None = None


_context = _Context()
_default_rng = random.Random()


def _current_rng() -> random.Random:
    return _context.rng or _default_rng


def _string_like_jsonata(arg: Any, prettify: bool) -> str:
    if isinstance(arg, (Jsonata.JFunction, Jsonata.JLambda, jparser.Parser.Symbol, JsRegExp)):
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


def _throw_validation_error(self, bad_args, bad_sig, function_name):
    # JSONata tests each growing prefix of the signature against the start of the supplied one (String#match);
    # jsonata-python required the whole supplied signature to match, so it blamed the wrong argument
    # ($string(1, 2, 3): JSONata says argument 2).
    partial_pattern = "^"
    good_to = 0
    for param in self._params:
        partial_pattern += param.regex
        match_ = re.match(partial_pattern, bad_sig)
        if match_ is None:
            raise jexception.JException("T0410", -1, good_to + 1, function_name)
        good_to = match_.end()
    raise jexception.JException("T0410", -1, good_to + 1, function_name)


jsignature.Signature.throw_validation_error = _throw_validation_error


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
    values = list(range(a, b + (1 if s > 0 else -1), s))
    # AWS's $range returns a JSONata sequence, and a sequence of one value is that value (recorded on AWS).
    return values[0] if len(values) == 1 else values


# hashlib's constructors by name (hashlib is imported on the first $hash: it costs every command ~2.5 ms to load).
_HASHES: dict[str, str] = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}


def _fn_hash(data: Any = None, algorithm: Any = None) -> Any:
    if data is None:
        return None
    if not isinstance(data, str):
        raise _fail("T0410", 'Argument 1 of function "hash" does not match function signature')
    if algorithm is None:
        algorithm = "SHA-256"
    hasher_name = _HASHES.get(algorithm) if isinstance(algorithm, str) else None
    hasher = None
    if hasher_name is not None:
        import hashlib

        hasher = getattr(hashlib, hasher_name)
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
_TEMPLATE_FIXES = {"D1010": "Attempted to access the Javascript object prototype"}


def js_template(template: str) -> str:
    """jsonata-python's catalog text as JSONata 2.0.6's: "function" where it says "Object", single quotes where it
    has double ones (checked against jsonata.js's errorCodes in tests/jsonata/test_engine.py)."""
    for python_word, js_word in ((" Object ", " function "), ("Object signature", "function signature"),
                                 ("Object definition", "function definition"), ("a Object", "a function")):
        template = template.replace(python_word, js_word)
    return template.replace('"', "'")
_SIGNATURE_TYPES = {"a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings"}


def _render_jexception(exc: jexception.JException) -> str:
    """The message JSONata 2.0.6 writes for an error: its catalog template with ``{{x}}`` as JSON text and
    ``{{{x}}}`` as raw text (jsonata-python inserts every value raw and says "Object" for "function")."""
    template = _TEMPLATE_FIXES.get(exc.error) or jexception.JException.error_codes.get(exc.error)
    if template is None:
        return str(exc)
    template = js_template(template)
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
        if match.group(1):
            return str(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return js_number_text(value, None)  # JSON.stringify: the shortest text that reads back the same
        return _js_json(value, None)

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

_builtins.install()
_regexfns.install()
_jsstrings.install()
_formatnumber.install()
_BASE_FRAME = _base_frame()
