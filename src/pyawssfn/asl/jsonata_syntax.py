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


@functools.lru_cache(maxsize=4096)
def syntax_error(expression: str) -> str | None:
    """The parser's complaint about ``expression``, or None when it parses."""
    if not expression.strip():
        return "empty JSONata expression"
    # Imported here: the executor's wrapper (which makes jsonata-python parse as JSONata 2.0.6 does) is heavier than
    # the validator and most callers never meet a JSONata string.
    from pyawssfn.local.jsonata_eval import JsonataSyntaxError, compile_expression

    try:
        compile_expression(expression)
    except JsonataSyntaxError as exc:
        return str(exc) or type(exc).__name__
    return None


@functools.lru_cache(maxsize=4096)
def top_level_references(expression: str) -> tuple[str, ...]:
    """What a parsing expression reads from the context item at its top level (``$``, ``$$``, ``*`` or a bare field
    name): AWS refuses those when the machine is created, as a JSONata state has no context item."""
    from pyawssfn.local.jsonata_eval import JsonataSyntaxError
    from pyawssfn.local.jsonata_eval import top_level_references as references

    try:
        return tuple(references(expression))
    except JsonataSyntaxError:
        return ()
