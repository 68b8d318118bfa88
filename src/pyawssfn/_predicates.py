"""The proof of concept's Choice predicates (``sfn.StringEquals`` ... ``sfn.IsTimestamp``), re-exported by
``pyawssfn``. Standard library only: this file ships in the Lambda zip with ``__init__.py``."""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any

# ASL's comparison operators: each is False when an operand has the wrong type (NumericEquals("1", 1) is False).

def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _strings(a, b) -> bool:
    return isinstance(a, str) and isinstance(b, str)


def _numbers(a, b) -> bool:
    return _is_number(a) and _is_number(b)


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def _parse_timestamp(s):
    if not isinstance(s, str) or not _RFC3339.fullmatch(s):
        return None
    try:
        return _dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None


def _timestamps(a, b):
    ta, tb = _parse_timestamp(a), _parse_timestamp(b)
    return (ta, tb) if ta is not None and tb is not None else None


def StringEquals(a, b) -> bool:
    return _strings(a, b) and a == b


def StringLessThan(a, b) -> bool:
    return _strings(a, b) and a < b


def StringGreaterThan(a, b) -> bool:
    return _strings(a, b) and a > b


def StringLessThanEquals(a, b) -> bool:
    return _strings(a, b) and a <= b


def StringGreaterThanEquals(a, b) -> bool:
    return _strings(a, b) and a >= b


# One StringMatches implementation (pyawssfn.semantics.wildcard, shipped in the zip too); the compiler imports this name.
from pyawssfn.semantics.wildcard import pattern_body as _wildcard_pattern  # noqa: E402


def StringMatches(s, pattern) -> bool:
    """ASL wildcard matching: ``*`` matches any run of characters, ``\\*`` a literal star, ``\\\\`` a backslash."""
    if not _strings(s, pattern):
        return False
    from pyawssfn.semantics import wildcard

    return wildcard.matches(s, pattern)


def NumericEquals(a, b) -> bool:
    return _numbers(a, b) and a == b


def NumericLessThan(a, b) -> bool:
    return _numbers(a, b) and a < b


def NumericGreaterThan(a, b) -> bool:
    return _numbers(a, b) and a > b


def NumericLessThanEquals(a, b) -> bool:
    return _numbers(a, b) and a <= b


def NumericGreaterThanEquals(a, b) -> bool:
    return _numbers(a, b) and a >= b


def BooleanEquals(a, b) -> bool:
    return isinstance(a, bool) and isinstance(b, bool) and a == b


def TimestampEquals(a, b) -> bool:
    t = _timestamps(a, b)
    return t is not None and t[0] == t[1]


def TimestampLessThan(a, b) -> bool:
    t = _timestamps(a, b)
    return t is not None and t[0] < t[1]


def TimestampGreaterThan(a, b) -> bool:
    t = _timestamps(a, b)
    return t is not None and t[0] > t[1]


def TimestampLessThanEquals(a, b) -> bool:
    t = _timestamps(a, b)
    return t is not None and t[0] <= t[1]


def TimestampGreaterThanEquals(a, b) -> bool:
    t = _timestamps(a, b)
    return t is not None and t[0] >= t[1]


def IsNull(x) -> bool:
    return x is None


def IsPresent(x) -> bool:
    # A Python expression always has a value: a missing field has already raised KeyError by the time we get here.
    return True


def IsNumeric(x) -> bool:
    return _is_number(x)


def IsString(x) -> bool:
    return isinstance(x, str)


def IsBoolean(x) -> bool:
    return isinstance(x, bool)


def IsTimestamp(x) -> bool:
    return _parse_timestamp(x) is not None
