"""``$match``, ``$contains``, ``$replace``, ``$split`` and a regex applied as a function, as JSONata 2.0.6 computes
them (jsonata.js ``evaluateRegex``, ``match``, ``contains``, ``replace``, ``split``), over jsregex.py's JavaScript
regular expressions.

jsonata-python runs these on Python's ``re`` with Python's iteration (``finditer`` steps past an empty match; JSONata
fails with D1004 "Regular expression matches zero length string" as soon as a match after the first is empty, and
when the first one is, unless it is at the end), ``re.split`` (which puts the captured groups in the result; JSONata
does not) and Python's replacement templates. Indexes and substrings are in UTF-16 code units, as in JavaScript.
"""
from __future__ import annotations

import math
from typing import Any

from jsonata import jexception
from jsonata.jsonata import Jsonata
from jsonata.utils import Utils

from .jsregex import JsMatch, JsRegExp, from_units, to_units
from .jsstrings import contains_text


def _coded(code: str, message: str) -> jexception.JException:
    err = jexception.JException("D3137", -1, message)
    err.error = code
    err.pyawssfn_message = message
    return err


class _Matcher:
    """jsonata.js's regex closure over one subject: the first match from an index, then each ``next``."""

    def __init__(self, regex: JsRegExp, string: str):
        self.regex = regex
        self.units = to_units(string)

    def first(self, from_index: int = 0) -> JsMatch | None:
        return self.regex.exec(self.units, from_index)

    def next(self, previous: JsMatch) -> JsMatch | None:
        # re.lastIndex is the previous match's end (an empty match does not move it); JSONata stops at the end of the
        # string, and refuses a further empty match, which would never progress.
        if previous.end >= len(self.units):
            return None
        found = self.regex.exec(self.units, previous.end)
        if found is not None and found.match == "":
            raise _coded("D1004", "Regular expression matches zero length string")
        return found

    def all(self, limit: float | None = None):
        count = 0
        found = self.first()
        while found is not None and (limit is None or count < limit):
            yield found
            count += 1
            found = self.next(found)


def closure_object(matcher: _Matcher, found: JsMatch | None) -> dict | None:
    """What applying a regex to a string gives in JSONata: {match, start, end, groups, next}."""
    if found is None:
        return None
    return {"match": found.match, "start": found.start, "end": found.end, "groups": list(found.groups),
            "next": Jsonata.JLambda(lambda: closure_object(matcher, matcher.next(found)))}


def apply_regex(regex: JsRegExp, args: list) -> Any:
    """``/re/(str[, fromIndex])``."""
    string = args[0] if args else None
    if not isinstance(string, str):
        return None
    start = args[1] if len(args) > 1 and isinstance(args[1], (int, float)) else 0
    matcher = _Matcher(regex, string)
    return closure_object(matcher, matcher.first(int(start)))


def _fn_match(native):
    def match(string, regex, limit):
        if not isinstance(regex, JsRegExp) or not isinstance(string, str):
            return native(string, regex, limit)
        if limit is not None and limit < 0:
            raise _coded("D3040", "Third argument of match function must evaluate to a positive number")
        result = Utils.create_sequence()
        if limit is None or limit > 0:
            for found in _Matcher(regex, string).all(limit):
                result.append({"match": found.match, "index": found.start, "groups": list(found.groups)})
        return result

    return match


def _fn_contains(native):
    def contains(string, token):
        if isinstance(token, str) and isinstance(string, str):
            return contains_text(string, token)
        if not isinstance(token, JsRegExp) or not isinstance(string, str):
            return native(string, token)
        return _Matcher(regex=token, string=string).first() is not None

    return contains


def _substitute(replacement: str, found: JsMatch) -> str:
    """jsonata.js's replacer for a string replacement: ``$$`` is ``$``, ``$0`` the match, ``$N`` a group (as many
    digits as the group count has, fewer when that names no group), a ``$`` before anything else is kept."""
    groups = found.groups
    out, position = [], 0
    index = replacement.find("$", position)
    while index != -1 and position < len(replacement):
        out.append(replacement[position:index])
        position = index + 1
        dollar = replacement[position:position + 1]
        if dollar == "$":
            out.append("$")
            position += 1
        elif dollar == "0":
            out.append(found.match)
            position += 1
        else:
            max_digits = 1 if not groups else math.floor(math.log(len(groups)) * math.log10(math.e)) + 1
            number = _parse_int(replacement[position:position + max_digits])
            if max_digits > 1 and number is not None and number > len(groups):
                number = _parse_int(replacement[position:position + max_digits - 1])
            if number is not None:
                if groups and 0 <= number - 1 < len(groups) and groups[number - 1] is not None:
                    out.append(groups[number - 1])
                position += len(str(number))
            else:
                out.append("$")
        index = replacement.find("$", position)
    out.append(replacement[position:])
    return "".join(out)


def _parse_int(text: str) -> int | None:
    """JavaScript's parseInt(text, 10) for what follows a ``$``: the leading digits, or None (NaN)."""
    digits = ""
    for ch in text:
        if not ("0" <= ch <= "9"):
            break
        digits += ch
    return int(digits) if digits else None


def _fn_replace(native):
    def replace(string, pattern, replacement, limit):
        if not isinstance(pattern, JsRegExp) or not isinstance(string, str):
            return native(string, pattern, replacement, limit)
        if limit is not None and limit < 0:
            raise _coded("D3011", "Fourth argument of replace function must evaluate to a positive number")
        if limit is not None and limit == 0:
            return string
        matcher = _Matcher(pattern, string)
        units = matcher.units
        out, position, any_found = [], 0, False
        for found in matcher.all(limit):
            any_found = True
            out.append(units[position:found.start])
            value = _replaced_with(replacement, matcher, found)
            if not isinstance(value, str):
                raise _coded("D3012", "Attempted to replace a matched string with a non-string value")
            out.append(to_units(value))
            position = found.end
        if not any_found:
            return string
        out.append(units[position:])
        return from_units("".join(out))

    return replace


def _replaced_with(replacement: Any, matcher: _Matcher, found: JsMatch) -> Any:
    if isinstance(replacement, str):
        return _substitute(replacement, found)
    engine = Jsonata.CURRENT.jsonata
    return engine.apply(replacement, [closure_object(matcher, found)], None, engine.environment)


def _fn_split(native):
    def split(string, separator, limit):
        if not isinstance(string, str):
            return native(string, separator, limit)
        if limit is not None and limit < 0:
            raise _coded("D3020", "Third argument of split function must evaluate to a positive number")
        if isinstance(separator, str):
            return _split_string(string, separator, limit)
        if not isinstance(separator, JsRegExp):
            return native(string, separator, limit)
        if limit is not None and limit == 0:
            return []
        matcher = _Matcher(separator, string)
        units = matcher.units
        result, start, count, any_found = [], 0, 0, False
        for found in matcher.all(limit):
            any_found = True
            result.append(from_units(units[start:found.start]))
            start = found.end
            count += 1
        if not any_found:
            return [string]
        if limit is None or count < limit:
            result.append(from_units(units[start:]))
        return result

    return split


def _split_string(string: str, separator: str, limit: float | None) -> list:
    """JavaScript's String.prototype.split(separator, limit) on UTF-16 code units: "" splits between code units, so
    an astral character becomes its two (lone) surrogates, as on AWS."""
    if limit is not None and limit == 0:
        return []
    units, sep = to_units(string), to_units(separator)
    parts = list(units) if sep == "" else units.split(sep)
    if limit is not None:
        parts = parts[:_to_uint32(limit)]
    return [from_units(p) for p in parts]


def _to_uint32(value: float) -> int:
    return int(value) % (1 << 32) if math.isfinite(value) else 0


def _fn_type(native):
    def type_(value):
        return "function" if isinstance(value, JsRegExp) else native(value)  # a regex is a function in JSONata

    return type_


def install() -> None:
    """Replace jsonata-python's implementations in its static frame (every evaluator in the process sees them)."""
    for name, wrap in (("match", _fn_match), ("contains", _fn_contains), ("replace", _fn_replace),
                       ("split", _fn_split), ("type", _fn_type)):
        fn = Jsonata.static_frame.lookup(name)
        fn.method = wrap(fn.method)
