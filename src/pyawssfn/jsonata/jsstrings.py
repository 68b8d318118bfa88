"""Strings as JavaScript has them: sequences of UTF-16 code units, where an astral character (an emoji) is two units
and a lone surrogate is a string of its own (``$split("😀", "")`` gives two of them, as on AWS).

Python strings are code points, so the two agree except where a lone surrogate meets its other half: a Python string
may then hold the pair as two surrogate characters, which compares unequal to the emoji and has length 2. Every string
an operation can build from pieces (``&``, ``$join``, ``$pad``, ``$replace``) is therefore normalised here (pairs
joined, :func:`normalize`), and searching for a needle that holds a lone surrogate (``$contains``,
``$substringBefore``/``After``, ``$replace``) is done over code units, as ``indexOf`` does it.
"""
from __future__ import annotations

import json

from jsonata.jsonata import Jsonata

from .jsregex import from_units, to_units


def has_surrogate(text: str) -> bool:
    return not text.isascii() and any("\ud800" <= c <= "\udfff" for c in text)


def normalize(text: str) -> str:
    """The one Python spelling of a JavaScript string: surrogate pairs joined into their character."""
    return from_units(text) if has_surrogate(text) else text


def js_quote(text: str) -> str:
    """JSON.stringify of a string: a lone surrogate is written as its \\u escape (well-formed JSON.stringify)."""
    quoted = json.dumps(text, ensure_ascii=False)
    if not has_surrogate(text):
        return quoted
    return "".join(f"\\u{ord(c):04x}" if "\ud800" <= c <= "\udfff" else c for c in quoted)


def _index_of(string: str, chars: str) -> tuple[str, str, int]:
    """(units of string, units of chars, String.prototype.indexOf) over code units."""
    units, needle = to_units(string), to_units(chars)
    return units, needle, units.find(needle)


def _substring_before(native):
    def substring_before(string, chars):
        if not (isinstance(string, str) and isinstance(chars, str) and has_surrogate(chars)):
            return native(string, chars)
        units, _, pos = _index_of(string, chars)
        return from_units(units[:pos]) if pos > -1 else string

    return substring_before


def _substring_after(native):
    def substring_after(string, chars):
        if not (isinstance(string, str) and isinstance(chars, str) and has_surrogate(chars)):
            return native(string, chars)
        units, needle, pos = _index_of(string, chars)
        return from_units(units[pos + len(needle):]) if pos > -1 else string

    return substring_after


def contains_text(string: str, token: str) -> bool:
    return to_units(token) in to_units(string) if has_surrogate(token) else token in string


def replace_text(string: str, pattern: str, replacement: str, limit) -> str:
    """$replace with a string pattern: the replacement inserted as it is, at most ``limit`` times, over code units."""
    units, needle, inserted = to_units(string), to_units(pattern), to_units(replacement)
    parts, position, count = [], 0, 0
    index = units.find(needle)
    while index != -1 and (limit is None or count < limit):
        parts.append(units[position:index])
        parts.append(inserted)
        position = index + len(needle)
        count += 1
        index = units.find(needle, position)
    parts.append(units[position:])
    return from_units("".join(parts))


def _normalized(native):
    def normalized(*args):
        result = native(*args)
        return normalize(result) if isinstance(result, str) else result

    return normalized


def install() -> None:
    """Replace jsonata-python's implementations in its static frame (every evaluator in the process sees them)."""
    for name, wrap in (("substringBefore", _substring_before), ("substringAfter", _substring_after),
                       ("join", _normalized), ("pad", _normalized)):
        fn = Jsonata.static_frame.lookup(name)
        fn.method = wrap(fn.method)
