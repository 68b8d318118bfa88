"""Static types of a workflow's variables, for the expression translator's `name_type`.

JSONata has one number type, so `h = a / 2; str(h)` can only print Python's "2.0" when the compiler knows `h` holds
a float. A variable gets a type when every assignment to it in the function gives that type (`static_type()` of the
assigned expression, with the other variables' types as known so far); anything bound otherwise (parameters, step
results, unpacking, exception handlers, loop variables other than range()'s) is unknown. The types are a fixed
point of those rules, so they hold on every path: a value stored in the variable has the type the rules assumed for
the names it was computed from.
"""
from __future__ import annotations

import ast
from typing import Callable

from pyawssfn.compiler.expressions import INPLACE
from pyawssfn.compiler.statement_kinds import unhandled

_UNKNOWN = None
_MAX_ROUNDS = 20
# The statement kinds _binding_sites has a rule for: the binding ones below, and those that bind nothing themselves
# (their parts are walked).
_STATEMENT_RULES = frozenset({
    ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.Import,
    ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Global, ast.Nonlocal,
    ast.Pass, ast.Expr, ast.If, ast.While, ast.Try, ast.Return, ast.Raise, ast.Break, ast.Continue, ast.Assert,
})


def _binding_sites(fn: ast.FunctionDef) -> tuple[dict[str, list[ast.expr]], set[str]]:
    """For each name the function binds: the expressions assigned to it, and the names bound in untyped ways."""
    sites: dict[str, list[ast.expr]] = {}
    untyped: set[str] = set()

    def untyped_targets(t: ast.AST) -> None:
        for n in ast.walk(t):
            if isinstance(n, ast.Name):
                untyped.add(n.id)

    def bind(target: ast.AST, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            sites.setdefault(target.id, []).append(value)
        elif isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
            untyped_targets(target)
        # d[k] = v and d.a = v mutate, they do not rebind: a list stays a list, a dict a dict.

    def walk(node: ast.AST) -> None:
        if isinstance(node, ast.stmt) and type(node) not in _STATEMENT_RULES:
            unhandled("static types", node)
        if isinstance(node, ast.Assign):
            for t in node.targets:
                bind(t, node.value)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                bind(node.target, node.value)
            else:
                untyped_targets(node.target)
        elif isinstance(node, ast.AugAssign):
            if isinstance(node.target, ast.Name):
                value = ast.BinOp(left=ast.Name(id=node.target.id, ctx=ast.Load()), op=node.op, right=node.value)
                ast.copy_location(value, node)
                setattr(value, INPLACE, True)
                bind(node.target, value)
        elif isinstance(node, ast.NamedExpr):
            bind(node.target, node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            it = node.iter
            if (isinstance(node.target, ast.Name) and isinstance(it, ast.Call) and isinstance(it.func, ast.Name)
                    and it.func.id == "range" and not it.keywords):
                sites.setdefault(node.target.id, []).append(ast.copy_location(ast.Constant(0), node))
            else:
                untyped_targets(node.target)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            untyped.add(node.name)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    untyped_targets(item.optional_vars)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                untyped.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            untyped.add(node.name)
            return
        elif isinstance(node, ast.Lambda):
            return
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            untyped.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            untyped.add(node.rest)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            untyped.update(node.names)
        elif isinstance(node, ast.comprehension):
            # The comprehension's own variable is scoped to it; only a walrus inside can bind here.
            for child in [node.iter, *node.ifs]:
                walk(child)
            return
        for child in ast.iter_child_nodes(node):
            walk(child)

    for stmt in fn.body:
        walk(stmt)
    return sites, untyped


def infer_name_types(fn: ast.FunctionDef | ast.Lambda, static_type: Callable[[ast.expr, Callable], str | None],
                     fixed: dict[str, str | None] | None = None) -> dict[str, str]:
    """{name: static type} for the function's variables whose type is the same after every assignment.

    `static_type(expr, name_type)` types an expression given a name -> type function; `fixed` gives the types of
    names the function reads but does not bind (module constants, an enclosing workflow's variables)."""
    if not isinstance(fn, ast.FunctionDef):
        return {}
    sites, untyped = _binding_sites(fn)
    a = fn.args
    for p in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]:
        untyped.add(p.arg)
    fixed = dict(fixed or {})
    bound = set(sites) | untyped

    def lookup(types: dict[str, str | None]) -> Callable[[ast.Name], str | None]:
        def name_type(node: ast.Name) -> str | None:
            if node.id in bound:
                return types.get(node.id)
            return fixed.get(node.id)
        return name_type

    def join(name: str, types: dict[str, str | None], optimistic: bool) -> str | None:
        if name in untyped:
            return _UNKNOWN
        found: set[str | None] = set()
        for value in sites[name]:
            t = static_type(value, lookup(types))
            if t is None and optimistic:
                continue  # may depend on names not typed yet; the later rounds decide
            found.add(t)
        return found.pop() if len(found) == 1 else _UNKNOWN

    # Start optimistic (each name typed by its assignments that type without help), then recompute from all
    # assignments until nothing changes; accept only a true fixed point.
    types: dict[str, str | None] = {n: join(n, {}, True) for n in bound}
    for _ in range(_MAX_ROUNDS):
        new = {n: join(n, types, False) for n in bound}
        if new == types:
            return {n: t for n, t in types.items() if t is not None}
        types = new
    return {}
