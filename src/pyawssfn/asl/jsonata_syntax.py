"""Syntax check of the JSONata expressions inside ``"{% ... %}"`` strings."""
from __future__ import annotations

import functools
import re

_JSONATA_STRING = re.compile(r"^\{%(.*)%\}$", re.DOTALL)


def jsonata_body(value: object) -> str | None:
    """The expression inside a ``{% %}`` string, or None when the value is not a JSONata string."""
    if not isinstance(value, str):
        return None
    m = _JSONATA_STRING.match(value)
    return m.group(1) if m else None


def _compiler():
    # The executor's wrapper is the authority (it makes jsonata-python behave as JSONata 2.0.6); it may not exist
    # yet in a partial checkout, in which case jsonata-python's parser is the next best judge.
    try:
        from pyawssfn.local.jsonata_eval import JsonataSyntaxError, compile_expression
        return compile_expression, JsonataSyntaxError
    except ImportError:
        import jsonata
        return jsonata.Jsonata, jsonata.JException


@functools.lru_cache(maxsize=4096)
def syntax_error(expression: str) -> str | None:
    """The parser's complaint about ``expression``, or None when it parses."""
    if not expression.strip():
        return "empty JSONata expression"
    compile_expression, error_type = _compiler()
    try:
        compile_expression(expression)
    except error_type as exc:
        return str(exc) or type(exc).__name__
    return None
