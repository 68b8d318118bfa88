"""Where a workflow may use a set: through the operations whose result does not depend on the set's order.

A Python set iterates in hash order, which the machine cannot reproduce (its set is an array in first-seen order), so
a set (set(...), frozenset(...), {a, b}, {x for x in xs}, or a variable assigned one) is translated only where its
order cannot show: len(), sorted(), min(), max(), any(), all(), set(), and the right of `in` / `not in`. Any other
use (iteration, list(), a subscript, a method, returning it, passing it to a step) is refused at its location.
"""
from __future__ import annotations

import ast
from typing import Callable

from pyawssfn.compiler.astwalk import child_nodes
from pyawssfn.compiler.expressions.core import IS_SET

_ORDER_FREE_CALLS = frozenset(["len", "sorted", "min", "max", "any", "all", "set", "frozenset"])
_SET_CALLS = frozenset(["set", "frozenset"])


def check_set_uses(nodes: list[ast.AST], report: Callable[[ast.AST, str, str], None]) -> None:
    """`nodes`: every node of a workflow function (ast.walk)."""
    if not _any_set(nodes):
        return  # no set anywhere: nothing to check
    parents: dict[int, ast.AST] = {}
    for node in nodes:
        for child in child_nodes(node):
            parents[id(child)] = node
    names: set[str] = set()
    for node in nodes:
        if _makes_set(node) and isinstance(parents.get(id(node)), (ast.Assign, ast.AnnAssign)):
            parent = parents[id(node)]
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    only_sets = names - _bound_otherwise(nodes, parents)
    for node in nodes:
        is_read = isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names
        if is_read and node.id in only_sets:
            setattr(node, IS_SET, True)
        if not (is_read or _makes_set(node)) or _order_free(node, parents.get(id(node))):
            continue
        if _makes_set(node) and _assigned_to_name(node, parents.get(id(node))):
            continue
        what = ast.unparse(node)
        report(node, f"{what} is a set here, and a set's order (Python's hash order) is not one the machine can "
                     "reproduce", "use it through len(...), sorted(...), min/max/any/all(...) or `x in ...`; write "
                     f"sorted({what}) for a list")


def _bound_otherwise(nodes: list[ast.AST], parents: dict[int, ast.AST]) -> set[str]:
    """The names some binding gives something else than a set (or binds in another way than `name = value`)."""
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            parent = parents.get(id(node))
            value = parent.value if isinstance(parent, (ast.Assign, ast.AnnAssign)) else None
            if value is None or not _makes_set(value):
                out.add(node.id)
    return out


def _any_set(nodes: list[ast.AST]) -> bool:
    """`any(_makes_set(n) for n in nodes)` without a call per node (every node of a workflow is asked)."""
    for node in nodes:
        cls = type(node)
        if cls is ast.Set or cls is ast.SetComp or (cls is ast.Call and _makes_set(node)):
            return True
    return False


def _makes_set(node: ast.AST) -> bool:
    if isinstance(node, (ast.Set, ast.SetComp)):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _SET_CALLS


def _assigned_to_name(node: ast.AST, parent: ast.AST | None) -> bool:
    if isinstance(parent, ast.Assign):
        return all(isinstance(t, ast.Name) for t in parent.targets)
    return isinstance(parent, ast.AnnAssign) and isinstance(parent.target, ast.Name)


def _order_free(node: ast.AST, parent: ast.AST | None) -> bool:
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id in _ORDER_FREE_CALLS:
        return len(parent.args) == 1 and parent.args[0] is node
    if isinstance(parent, ast.Compare):
        return any(c is node and isinstance(op, (ast.In, ast.NotIn)) for op, c in zip(parent.ops, parent.comparators))
    return False
