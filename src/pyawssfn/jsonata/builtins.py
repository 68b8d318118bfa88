"""jsonata-python's built-in functions corrected where they differ from JSONata 2.0.6 on JavaScript (AWS's engine).

Each correction was found by the shadow (shadow.py) or the cross-checks in tests/jsonata against npm jsonata 2.0.6:

* ``$replace`` with a string pattern inserts the replacement as it is (``$0`` is only special with a regex);
* ``$sum`` adds left to right as JavaScript does (Python 3.12's ``sum`` compensates: 0.6 against
  0.6000000000000001, which flips a comparison);
* ``$base64encode``/``$base64decode`` are Node's ``Buffer`` with the 'binary' encoding: one byte per UTF-16 code
  unit (``"é"`` is ``"6Q=="``), and decoded bytes read as Latin-1;
* ``$decodeUrlComponent``/``$decodeUrl`` fail (D3140) on a malformed escape as ``decodeURIComponent`` does, and
  ``$encodeUrl*`` on a lone surrogate;
* ``$toMillis`` without a picture is jsonata.js's ISO 8601 test and then V8's ``Date.parse`` (a day past the end
  of the month rolls over, an hour of 25 gives NaN, which JSON writes as null);
* ``$fromMillis`` of a time outside JavaScript's Date range is ``Invalid Date`` written through the picture, as the
  reference writes it;
* ``$distinct`` of an array (not a sequence) stays an array when one item is left (``$distinct([1, 1])`` is ``[1]``), and ``true`` is not ``1`` there;
* ``$round(x, 2.0)``: a whole double precision is an integer, as in JavaScript (Python's Decimal refuses a float);
* ``$power`` is V8's ``Math.pow`` bit for bit (semantics/jspow.py; CPython's ``**`` differs in the last bit for
  some arguments: ``$power(10, -5)`` is 9.999999999999999e-06 on AWS), and a result that is not a finite number
  fails with D3061 (Python's ``**`` raised OverflowError or gave a complex number);
* object keys are ordered as JavaScript orders them: integer-like keys first, ascending, then the others in insertion
  order (``$keys({"b":1,"a":2,"1":3})`` is ``["1","b","a"]``); see :func:`pyawssfn.jsonata.values.js_ordered`.
"""
from __future__ import annotations

import base64
import datetime
import math
import re

from jsonata import datetimeutils as jdatetime, jexception
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


def _whole_precision(native):
    def round_(arg, precision):
        # a whole double (2.0, as a JSON input may hold it) is an integer precision in JavaScript
        whole = type(precision) is float and precision.is_integer()
        return native(arg, int(precision) if whole else precision)

    return round_


def _distinct(arr):
    # jsonata.js makes a sequence of the result only when the argument is one (isSequence); jsonata-python did for
    # any JList, so `$distinct([1, 1])` collapsed to 1 where AWS gives [1]
    if not isinstance(arr, list) or len(arr) <= 1:
        return arr
    results = Utils.create_sequence() if Utils.is_sequence(arr) else []
    for el in arr:
        if not any(_deep_equals(el, r) for r in results):  # jsonata.js's deepEquals: true is not 1
            results.append(el)
    return results


def _deep_equals(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and \
            all(_deep_equals(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and \
            all(_deep_equals(a[k], b[k]) for k in a)
    return a == b


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
        if isinstance(millis, (int, float)) and abs(millis) > _DATE_LIMIT_MS:
            if picture is None and timezone is None:
                return _INVALID_DATE
            if isinstance(picture, str):
                return _invalid_date_text(native, picture, timezone)
        if isinstance(millis, (int, float)) and not isinstance(millis, bool) and picture is None and timezone is None:
            return _iso_text(millis)  # exact: jsonata-python's float arithmetic loses a millisecond for many times
        return native(millis, picture, timezone)

    return from_millis


def _civil(days: int) -> tuple[int, int, int]:
    """(year, month, day) of a day count from 1970-01-01, proleptic Gregorian (year 0 and negative years too)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def _iso_text(millis: float) -> str:
    """$fromMillis's default picture, [Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t], in integer arithmetic
    (any year JavaScript's Date holds, written in at most four digits as jsonata.js's picture does: 10000 is 0000)."""
    ms = math.trunc(millis)  # TimeClip: a fractional millisecond is dropped towards zero
    days, rest = divmod(ms, 86_400_000)
    year, month, day = _civil(days)
    digits = str(abs(year))[-4:].rjust(4, "0")
    return (f"{'-' if year < 0 else ''}{digits}-{month:02d}-{day:02d}T{rest // 3_600_000:02d}:"
            f"{rest // 60_000 % 60:02d}:{rest // 1000 % 60:02d}.{rest % 1000:03d}Z")


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _format_datetime(millis, picture, timezone):
    """jsonata-python's DateTimeUtils.format_datetime with the instant computed exactly: it divided by 1000.0,
    and the float lost the millisecond for many times ($fromMillis(247612565437961, "[f001]") was 960, not 961).
    JavaScript's Date truncates a fractional millisecond."""
    utils = jdatetime.DateTimeUtils
    offset_hours = offset_minutes = 0
    if timezone is not None:
        offset = int(timezone)
        offset_hours = math.trunc(offset / 100.0)
        offset_minutes = int(math.fmod(offset, 100))
    if picture is None:
        if utils._iso8601_spec is None:
            utils._iso8601_spec = utils._analyse_datetime_picture("[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]")
        spec = utils._iso8601_spec
    else:
        spec = utils._analyse_datetime_picture(picture)
    offset_millis = (60 * offset_hours + offset_minutes) * 60 * 1000
    moment = _EPOCH + datetime.timedelta(milliseconds=math.trunc(millis) + offset_millis)
    return "".join(part.value if part.type == "literal" else
                   utils._format_component(moment, part, offset_hours, offset_minutes) for part in spec.parts)


_MARKER = re.compile(r"\[\[|\]\]|\[([^\]]*)\]")


def _invalid_date_text(native, picture: str, timezone) -> str:
    """An invalid Date written through a picture, as jsonata.js writes it: each date or time field is NaN (padded
    with zeros to the picture's width), a name is "undefined", a roman numeral is empty; the zone, the am/pm marker
    and the calendar do not depend on the date."""
    def marker(m: re.Match) -> str:
        if m.group(1) is None:
            return m.group(0)[0]
        spec = "".join(m.group(1).split())
        component, presentation = spec[:1], spec[1:].split(",", 1)[0]
        if component in "ZzPCE":
            return native(0, f"[{m.group(1)}]", timezone)
        if "N" in presentation or "n" in presentation:
            return "undefined"
        if presentation[:1] in ("I", "i"):
            return ""
        width = sum(ch.isdigit() for ch in presentation) or 1
        return "NaN".rjust(width, "0") + ("th" if presentation.endswith("o") else "")

    return _MARKER.sub(marker, picture)


# jsonata.js's test before Date.parse (JavaScript's \\d is ASCII and its $ is the end of the string).
_ISO8601 = re.compile(r"[0-9]{4}(-[01][0-9])*(-[0-3][0-9])*(T[0-2][0-9]:[0-5][0-9]:[0-5][0-9])*(\.[0-9]+)?"
                      r"([+-][0-2][0-9]:?[0-5][0-9]|Z)?\Z")
# The forms of those that V8's Date.parse reads (others give NaN): a date of 1 to 3 parts, a time with seconds.
_DATE_PARSE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})"
                         r"(?:\.([0-9]+))?)?(Z|[+-][0-9]{2}:?[0-9]{2})?\Z")


def _days_from_civil(year: int, month: int) -> int:
    """Days from 1970-01-01 to the first of the month (proleptic Gregorian; year 0 included, as in JavaScript)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _date_parse(text: str) -> float:
    """V8's Date.parse for the strings jsonata.js lets through, in UTC: a day past the month's end rolls into the
    next month ("2020-02-30" is March 1st), 24:00:00 is the next midnight, out-of-range fields give NaN."""
    m = _DATE_PARSE.match(text)
    if m is None:
        return math.nan
    year, month, day, hour, minute, second, fraction, zone = m.groups()
    month, day = int(month or 1), int(day or 1)
    hour, minute, second = int(hour or 0), int(minute or 0), int(second or 0)
    ms = int((fraction or "0")[:3].ljust(3, "0"))
    if not (1 <= month <= 12 and 1 <= day <= 31 and minute <= 59 and second <= 59 and hour <= 24):
        return math.nan
    if hour == 24 and (minute or second or ms):
        return math.nan
    offset = 0
    if zone and zone != "Z":
        digits = zone[1:].replace(":", "")
        zone_hours, zone_minutes = int(digits[:2]), int(digits[2:])
        if zone_hours > 23 or zone_minutes > 59:
            return math.nan
        offset = (1 if zone[0] == "+" else -1) * (zone_hours * 60 + zone_minutes)
    days = _days_from_civil(int(year), month) + day - 1
    return float(((days * 24 + hour) * 60 + minute - offset) * 60_000 + second * 1000 + ms)


def _to_millis(native):
    def to_millis(timestamp, picture=None):
        if isinstance(timestamp, str) and picture is None:
            if not _ISO8601.match(timestamp):
                raise _coded("D3110", "The argument of the toMillis function must be an ISO 8601 formatted "
                             f"timestamp. Given {_js_json(timestamp, None)}")
            return Utils.convert_number(_date_parse(timestamp)) if math.isfinite(_date_parse(timestamp)) else math.nan
        return native(timestamp, picture)

    return to_millis


def _ordered_result(native):
    def ordered(*args):
        result = native(*args)
        return js_ordered(result) if type(result) is dict else result

    return ordered


def install() -> None:
    """Replace the implementations in jsonata-python's static frame (every evaluator in the process sees them)."""
    methods = {
        "sum": _sum,
        "distinct": _distinct,
        "power": _power,
        "base64encode": _base64encode,
        "base64decode": _base64decode,
        "decodeUrlComponent": _decoder("decodeUrlComponent", frozenset()),
        "decodeUrl": _decoder("decodeUrl", _URI_RESERVED),
    }
    for name, method in methods.items():
        _native(name).method = method
    for name, wrap in (("replace", _replace), ("fromMillis", _from_millis), ("toMillis", _to_millis),
                       ("merge", _ordered_result), ("round", _whole_precision),
                       ("spread", _ordered_result)):
        fn = _native(name)
        fn.method = wrap(fn.method)
    jdatetime.DateTimeUtils.format_datetime = staticmethod(_format_datetime)
    for name in ("encodeUrlComponent", "encodeUrl"):
        fn = _native(name)
        fn.method = _encoder(fn.method, name)
