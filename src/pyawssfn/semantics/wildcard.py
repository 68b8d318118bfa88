"""ASL's StringMatches wildcard, written once for the executor's JSONPath Choice, the JSONata the compiler emits and
the author API (``pyawssfn.StringMatches``).

AWS's rules (Choice state, "Choice Rules": "The wildcard character is escaped by using the standard \\\\ ... No
characters other than * have any special meaning during matching"): ``*`` matches any run of characters (newlines
too), ``\\*`` is a literal star, ``\\\\`` a literal backslash, and any other backslash is itself: the pattern ``a\\b``
matches the text ``a\\b``, not ``ab``.
"""
from __future__ import annotations

import functools
import re


def pattern_body(pattern: str, any_run: str = ".*") -> str:
    """A StringMatches pattern as the body of a regular expression, ``*`` written as ``any_run`` (the compiler
    writes ``[\\s\\S]*`` into JSONata, where ``.`` does not match a newline). The body reads the same as a Python
    and as a JavaScript regular expression."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*\\":
            out.append(_literal(pattern[i + 1]))
            i += 2
            continue
        out.append(any_run if c == "*" else _literal(c))
        i += 1
    return "".join(out)


def jsonata_regex(pattern: str) -> str:
    """A StringMatches pattern as a JSONata regex literal matching the whole string (``/^...$/``): ``*`` as
    ``[\\s\\S]*`` (JSONata's ``.`` does not match a newline), ``/`` escaped for the literal."""
    return "/^" + pattern_body(pattern, "[\\s\\S]*").replace("/", "\\/") + "$/"


def _literal(c: str) -> str:
    # A backslash as \x5c, not \\: JSONata's regex scanner (2.0.6, hence AWS) takes the "[" of a following
    # [\s\S]* for an escaped one after "\\" and never finds the closing "/" (S0302).
    return "\\x5c" if c == "\\" else re.escape(c)


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern_body(pattern), re.DOTALL)


def matches(value: str, pattern: str) -> bool:
    """True when the whole of ``value`` matches the StringMatches ``pattern``."""
    return _compiled(pattern).fullmatch(value) is not None
