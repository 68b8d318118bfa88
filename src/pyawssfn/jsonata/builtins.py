"""jsonata-python's built-in functions corrected where they differ from JSONata 2.0.6 on JavaScript (AWS's engine).

Each correction was found by the shadow (shadow.py) or the cross-checks in tests/jsonata against npm jsonata 2.0.6:

* ``$replace`` with a string pattern inserts the replacement as it is (``$0`` is only special with a regex);
* ``$sum`` adds left to right as JavaScript does (Python 3.12's ``sum`` compensates: 0.6 against
  0.6000000000000001, which flips a comparison);
* ``$base64encode``/``$base64decode`` are Node's ``Buffer`` with the 'binary' encoding: one byte per UTF-16 code
  unit (``"é"`` is ``"6Q=="``), and decoded bytes read as Latin-1;
* ``$decodeUrlComponent``/``$decodeUrl`` fail (D3140) on a malformed escape as ``decodeURIComponent`` does, and
  ``$encodeUrl*`` on a lone surrogate;
* ``$fromMillis`` of a time outside JavaScript's Date range is ``Invalid Date`` written through the picture, as the
  reference writes it;
* ``$power`` is V8's ``Math.pow`` bit for bit (semantics/jspow.py; CPython's ``**`` differs in the last bit for
  some arguments: ``$power(10, -5)`` is 9.999999999999999e-06 on AWS), and a result that is not a finite number
  fails with D3061 (Python's ``**`` raised OverflowError or gave a complex number);
* object keys are ordered as JavaScript orders them: integer-like keys first, ascending, then the others in insertion
  order (``$keys({"b":1,"a":2,"1":3})`` is ``["1","b","a"]``); see :func:`pyawssfn.jsonata.values.js_ordered`.
"""
from __future__ import annotations

import base64
import math
import re
from jsonata import jexception
from jsonata.jsonata import Jsonata
from jsonata.utils import Utils

from pyawssfn.semantics.jspow import js_pow

from .jsstrings import replace_text
from .values import _NULL, _js_json, js_ordered

# JavaScript's Date holds +-8.64e15 ms; past it jsonata formats the invalid date's NaN fields.
_DATE_LIMIT_MS = 8.64e15
_INVALID_DATE = "0NaN-NaN-NaNTNaN:NaN:NaN.NaNZ"
_URI_RESERVED = frozenset(";/?:@&=+$,#")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}\Z")


def _native(name: str):
    return Jsonata.static_frame.lookup(name)


def _coded(code: str, message: str) -> jexception.JException:
    err = jexception.JException("D3137", -1, message)
    err.error = code
    err.pyawssfn_message = message
    return err


def _replace(native):
    def replace(string, pattern, replacement, limit):
        if (isinstance(string, str) and isinstance(pattern, str) and pattern and isinstance(replacement, str)
                and (limit is None or limit >= 0)):
            return replace_text(string, pattern, replacement, limit)
        return native(string, pattern, replacement, limit)

    return replace


def _sum(args):
    if args is None:
        return None
    total = 0.0
    for value in args:
        total += float(value)  # doubles, left to right, uncompensated, as JavaScript's loop
    return Utils.convert_number(total) if math.isfinite(total) else total


def _power(arg, exp):
    if arg is None:
        return None
    result = js_pow(arg, exp)
    if not math.isfinite(result):
        raise jexception.JException("D3061", 1, arg, exp)
    return Utils.convert_number(result)


def _utf16_units(text: str) -> list[int]:
    raw = text.encode("utf-16-le", "surrogatepass")
    return [raw[i] | (raw[i + 1] << 8) for i in range(0, len(raw), 2)]


def _base64encode(string):
    if string is None:
        return None
    if string is _NULL:
        raise jexception.JException("T0410", -1)
    return base64.b64encode(bytes(unit & 0xFF for unit in _utf16_units(string))).decode("ascii")


def _base64decode(string):
    if string is None:
        return None
    if string is _NULL:
        raise jexception.JException("T0410", -1)
    # Node's decoder skips characters outside the alphabet and does not insist on padding.
    cleaned = re.sub(r"[^A-Za-z0-9+/]", "", string.replace("-", "+").replace("_", "/"))
    if len(cleaned) % 4 == 1:  # a lone last character carries no whole byte
        cleaned = cleaned[:-1]
    cleaned += "=" * (-len(cleaned) % 4)
    return base64.b64decode(cleaned).decode("latin-1")


def _malformed(function: str, string: str) -> jexception.JException:
    return _coded("D3140", f"Malformed URL passed to ${function}(): {_js_json(string, None)}")


def _decode_uri(string: str, function: str, reserved: frozenset) -> str:
    """JavaScript's decodeURIComponent (reserved empty) or decodeURI (reserved kept escaped)."""
    out, i, n = [], 0, len(string)
    while i < n:
        c = string[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        first = _escape_byte(string, i, function)
        if first < 0x80:
            out.append(string[i:i + 3] if chr(first) in reserved else chr(first))
            i += 3
            continue
        size = 2 if first >> 5 == 0b110 else 3 if first >> 4 == 0b1110 else 4 if first >> 3 == 0b11110 else 0
        if size == 0:
            raise _malformed(function, string)
        data = bytes([first] + [_escape_byte(string, i + 3 * k, function) for k in range(1, size)])
        try:
            out.append(data.decode("utf-8"))
        except UnicodeDecodeError:
            raise _malformed(function, string) from None
        i += 3 * size
    return "".join(out)


def _escape_byte(string: str, i: int, function: str) -> int:
    if string[i:i + 1] != "%" or not _HEX2.match(string[i + 1:i + 3]):
        raise _malformed(function, string)
    return int(string[i + 1:i + 3], 16)


def _decoder(function: str, reserved: frozenset):
    def decode(string):
        if string is None:
            return None
        if string is _NULL:
            raise jexception.JException("T0410", -1)
        return _decode_uri(string, function, reserved)

    return decode


def _encoder(native, function: str):
    def encode(string):
        if isinstance(string, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in string):
            raise _malformed(function, string)  # a lone surrogate: encodeURIComponent throws URIError
        return native(string)

    return encode


def _from_millis(native):
    def from_millis(millis, picture, timezone):
        if isinstance(millis, (int, float)) and abs(millis) > _DATE_LIMIT_MS and picture is None and timezone is None:
            return _INVALID_DATE
        return native(millis, picture, timezone)

    return from_millis


def _ordered_result(native):
    def ordered(*args):
        result = native(*args)
        return js_ordered(result) if type(result) is dict else result

    return ordered


def install() -> None:
    """Replace the implementations in jsonata-python's static frame (every evaluator in the process sees them)."""
    methods = {
        "sum": _sum,
        "power": _power,
        "base64encode": _base64encode,
        "base64decode": _base64decode,
        "decodeUrlComponent": _decoder("decodeUrlComponent", frozenset()),
        "decodeUrl": _decoder("decodeUrl", _URI_RESERVED),
    }
    for name, method in methods.items():
        _native(name).method = method
    for name, wrap in (("replace", _replace), ("fromMillis", _from_millis), ("merge", _ordered_result),
                       ("spread", _ordered_result)):
        fn = _native(name)
        fn.method = wrap(fn.method)
    for name in ("encodeUrlComponent", "encodeUrl"):
        fn = _native(name)
        fn.method = _encoder(fn.method, name)
