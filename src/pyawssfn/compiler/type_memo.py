"""``remembered(static_type)``: the static-type inference's typing of an expression, computed again only when a
variable it read has changed type.

``static_types.infer_name_types`` types every assignment of every variable in each round of its fixed point, and
typing an expression translates it; in a long workflow most rounds find the same types as the round before. The
wrapper records which names the typing looked up (``name_type(node)``, which reads ``node.id`` only) and what it
got; asked the same expression again, it returns the same result when every one of those names has the same type
as then, down to its class, item type and field order (``_fingerprint``): the typing is a function of the types it
reads, so the result is the one a new translation would give. The inference's fixed point, its rounds and its
output are unchanged.
"""
from __future__ import annotations

import ast
from typing import Any, Callable

from pyawssfn.compiler.types.model import Maybe, Type

StaticType = Callable[[ast.expr, Callable[[ast.Name], Any]], Any]


def remembered(static_type: StaticType) -> StaticType:
    memo: dict[int, tuple[ast.expr, tuple[tuple[str, Any], ...], Any]] = {}

    def typed(expr: ast.expr, name_type: Callable[[ast.Name], Any]) -> Any:
        got = memo.get(id(expr))
        if got is not None and got[0] is expr and all(
                _fingerprint(name_type(ast.Name(id=name))) == seen for name, seen in got[1]):
            return got[2]
        reads: dict[str, Any] = {}

        def recording(node: ast.Name) -> Any:
            t = name_type(node)
            reads.setdefault(node.id, _fingerprint(t))
            return t

        result = static_type(expr, recording)
        memo[id(expr)] = (expr, tuple(reads.items()), result)  # holds expr: its id is not reused meanwhile
        return result

    return typed


def _fingerprint(t: Any) -> Any:
    """Everything of a type that code reading it can tell apart: its class, kind, item type and fields in order."""
    if t is None:
        return None
    if isinstance(t, Maybe):
        return ("Maybe", _fingerprint(t.inner))
    if isinstance(t, Type):
        fields = None if t.fields is None else tuple(
            (k, _fingerprint(v), required) for k, (v, required) in t.fields.items())
        return ("Type", str.__str__(t), _fingerprint(t.item), fields)
    return (type(t).__name__, t)
