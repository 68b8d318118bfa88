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


def checked_by_own_parser(expression: str) -> tuple[str, ...] | None:
    """For a definition the compiler wrote: the expression's top-level references when pyawssfn's own parser reads it
    (the subset of JSONata the compiler prints), None when it cannot and jsonata-python must judge it. The syntax
    check is the same then, and `pyawssfn compile` does not import the JSONata engine (a quarter of its start-up)."""
    from pyawssfn.jsonata.parse import ParseError, parse_cached

    try:
        tree = parse_cached(expression)
    except (ParseError, RecursionError):
        return None
    found: list[str] = []
    if not _top_level(tree, True, found):
        return None
    return tuple(found)


def _top_level(node: object, root: bool, found: list[str]) -> bool:
    """As jsonata_eval.top_level_references on jsonata-python's tree: a bare field name, ``$`` or ``$$`` read where
    no path step, filter or function body gives it an inner context. False where the tree holds what this parser
    reads more loosely than JSONata (a range outside an array constructor: jsonata refuses ``1..n``)."""
    from pyawssfn.jsonata import tree as t

    if isinstance(node, t.Lambda):
        return True
    if isinstance(node, t.Range):
        return False
    if root and isinstance(node, (t.Name, t.Var)):
        name = node.name if isinstance(node, t.Name) else {"": "$", "$": "$$"}.get(node.name)
        if name is not None and name not in found:
            found.append(name)
        return True
    if isinstance(node, (t.Dot, t.Filter)):
        inner = node.rhs if isinstance(node, t.Dot) else node.pred
        return _top_level(node.lhs, root, found) and _top_level(inner, False, found)
    if isinstance(node, t.Array):
        return all(_top_level(i.lo, root, found) and _top_level(i.hi, root, found) if isinstance(i, t.Range)
                   else _top_level(i, root, found) for i in node.items)
    if isinstance(node, t.Expr):
        return all(_top_level(child, root, found) for child in node.children())
    return True
