"""Definite assignment: which reads of a workflow's local variables may find them unbound.

Python raises UnboundLocalError there; a JSONata read of an unassigned variable is undefined, which would silently
drop a dict key or a list item. The lowering guards exactly these reads. The analysis is conservative (a loop body
may not run, any statement of a try body may fail): a needless guard costs only a few characters."""
from __future__ import annotations

import ast



def maybe_unbound_reads(fn: ast.FunctionDef, local_names: set[str]) -> set[tuple[int, int]]:
    """(line, col) of every read of a local variable that may happen before the variable is assigned."""
    out: set[tuple[int, int]] = set()
    a = fn.args
    params = {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}

    def loads(node: ast.AST | None, bound: frozenset, shadow: frozenset = frozenset()) -> None:
        if node is None:
            return
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load) and node.id in local_names and node.id not in bound \
                    and node.id not in shadow:
                out.add((node.lineno, node.col_offset))
            return
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            inner = set(shadow)
            for g in node.generators:
                loads(g.iter, bound, frozenset(inner))
                inner |= {n.id for n in ast.walk(g.target) if isinstance(n, ast.Name)}
                for cond in g.ifs:
                    loads(cond, bound, frozenset(inner))
            if isinstance(node, ast.DictComp):
                loads(node.key, bound, frozenset(inner))
                loads(node.value, bound, frozenset(inner))
            else:
                loads(node.elt, bound, frozenset(inner))
            return
        for c in ast.iter_child_nodes(node):
            loads(c, bound, shadow)

    def names(t: ast.AST) -> set[str]:
        return {n.id for n in ast.walk(t) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}

    def meet(x, y):
        if x is None:
            return y
        if y is None:
            return x
        return x & y

    def target_loads(t: ast.AST, bound: frozenset) -> None:
        # d[k] = v reads d and k; x = v reads nothing
        if isinstance(t, ast.Subscript):
            loads(t.value, bound)
            loads(t.slice, bound)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                target_loads(e, bound)
        elif isinstance(t, ast.Attribute):
            loads(t.value, bound)

    def block(stmts: list[ast.stmt], bound):
        for s in stmts:
            if bound is None:
                return None
            bound = stmt(s, bound)
        return bound

    def stmt(s: ast.stmt, bound: frozenset):
        if isinstance(s, ast.Assign):
            loads(s.value, bound)
            for t in s.targets:
                target_loads(t, bound)
            return bound | {n for t in s.targets for n in names(t)}
        if isinstance(s, ast.AnnAssign):
            if s.value is None:
                return bound
            loads(s.value, bound)
            target_loads(s.target, bound)
            return bound | names(s.target)
        if isinstance(s, ast.AugAssign):
            loads(s.value, bound)
            if isinstance(s.target, ast.Name):
                if s.target.id in local_names and s.target.id not in bound:
                    out.add((s.target.lineno, s.target.col_offset))
                return bound | {s.target.id}
            target_loads(s.target, bound)
            return bound
        if isinstance(s, ast.Expr):
            loads(s.value, bound)
            return bound
        if isinstance(s, ast.If):
            loads(s.test, bound)
            return meet(block(s.body, bound), block(s.orelse, bound))
        if isinstance(s, ast.While):
            loads(s.test, bound)
            block(s.body, bound)
            block(s.orelse, bound)
            return bound
        if isinstance(s, ast.For):
            loads(s.iter, bound)
            block(s.body, bound | names(s.target))
            block(s.orelse, bound)
            return bound
        if isinstance(s, ast.Try):
            body = block(s.body, bound)
            ends = [block(s.orelse, body) if body is not None else None]
            for h in s.handlers:
                ends.append(block(h.body, bound | ({h.name} if h.name else set())))
            result = None
            for e in ends:
                result = meet(result, e) if result is not None else e
            if s.finalbody:
                block(s.finalbody, bound)  # its reads, on the paths where the least is bound
                if result is not None:
                    result = block(s.finalbody, result)
            return result
        if isinstance(s, (ast.Return, ast.Raise)):
            loads(getattr(s, "value", None) or getattr(s, "exc", None), bound)
            return None
        if isinstance(s, (ast.Break, ast.Continue)):
            return None
        if isinstance(s, ast.FunctionDef):
            return bound | {s.name}
        if isinstance(s, ast.Assert):
            loads(s.test, bound)
            loads(s.msg, bound)
            return bound
        return bound

    block(fn.body, frozenset(params))
    return out
