"""Definite assignment: which reads of a workflow's local variables may find them unbound.

Python raises UnboundLocalError there; a JSONata read of an unassigned variable is undefined, which would silently
drop a dict key or a list item. The lowering guards exactly these reads. The analysis is conservative (a loop body
may not run, any statement of a try body may fail): a needless guard costs only a few characters."""
from __future__ import annotations

import ast

from pyawssfn.compiler.astwalk import child_nodes, walk
from pyawssfn.compiler.statement_kinds import unhandled

# The names bound on every path so far; None: no path reaches here (after return, raise, break, continue).
Bound = "frozenset[str] | None"


def maybe_unbound_reads(fn: ast.FunctionDef, local_names: set[str], report=None) -> set[tuple[int, int]]:
    """(line, col) of every read of a local variable that may happen before the variable is assigned.

    Python deletes the name of an except clause at the clause's end; the machine's variable still holds the caught
    error there, so a guard cannot fail such a read as Python does: ``report(node, what, instead)`` refuses each
    read of an except clause's name that may come after its clause."""
    a = fn.args
    params = {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}
    analysis = _DefiniteAssignment(local_names)
    analysis.block(fn.body, frozenset(params))
    if report is not None:
        for node in analysis.after_except:
            report(node, f"{node.id!r} is unbound after its except clause (Python deletes the name at the clause's "
                         "end; the machine would still hold the caught error)",
                   f"keep what you need in another variable inside the clause (msg = str({node.id}))")
    return analysis.out


def _handler_names(stmts: list[ast.stmt]) -> set[str]:
    return {n.name for s in stmts for n in walk(s) if isinstance(n, ast.ExceptHandler) and n.name}


def _names(t: ast.AST) -> set[str]:
    return {n.id for n in walk(t) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _meet(x, y):
    if x is None or x is y:
        return y
    if y is None:
        return x
    return x & y


def _with(bound: frozenset, names) -> frozenset:
    """``bound | names``, without copying ``bound`` when every name is bound already (a rebinding, the usual
    case): copying it for each assignment made a long workflow's analysis quadratic in its variables."""
    return bound if bound.issuperset(names) else bound.union(names)


class _DefiniteAssignment:
    def __init__(self, local_names: set[str]):
        self.local_names = local_names
        self.out: set[tuple[int, int]] = set()
        self.deleted: set[str] = set()   # the names of the except clauses seen so far
        self.after_except: list[ast.Name] = []

    def loads(self, node: ast.AST | None, bound: frozenset, shadow: frozenset = frozenset()) -> None:
        if node is None:
            return
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load) and node.id in self.local_names and node.id not in bound \
                    and node.id not in shadow:
                self.unbound(node)
            return
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            self.comprehension_loads(node, bound, shadow)
            return
        for c in child_nodes(node):
            self.loads(c, bound, shadow)

    def unbound(self, node: ast.Name) -> None:
        self.out.add((node.lineno, node.col_offset))
        if node.id in self.deleted:
            self.after_except.append(node)

    def comprehension_loads(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
                            bound: frozenset, shadow: frozenset) -> None:
        inner = set(shadow)
        for g in node.generators:
            self.loads(g.iter, bound, frozenset(inner))
            inner |= {n.id for n in walk(g.target) if isinstance(n, ast.Name)}
            for cond in g.ifs:
                self.loads(cond, bound, frozenset(inner))
        if isinstance(node, ast.DictComp):
            self.loads(node.key, bound, frozenset(inner))
            self.loads(node.value, bound, frozenset(inner))
        else:
            self.loads(node.elt, bound, frozenset(inner))

    def target_loads(self, t: ast.AST, bound: frozenset) -> None:
        # d[k] = v reads d and k; x = v reads nothing
        if isinstance(t, ast.Subscript):
            self.loads(t.value, bound)
            self.loads(t.slice, bound)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                self.target_loads(e, bound)
        elif isinstance(t, ast.Attribute):
            self.loads(t.value, bound)

    def block(self, stmts: list[ast.stmt], bound):
        for s in stmts:
            if bound is None:
                return None
            bound = self.stmt(s, bound)
        return bound

    def stmt(self, s: ast.stmt, bound: frozenset):
        method = getattr(self, "stmt_" + type(s).__name__, None)
        if method is None:
            unhandled("definite assignment", s)
            return bound   # refused by the lowerer
        return method(s, bound)

    def stmt_Pass(self, s: ast.Pass, bound: frozenset):
        return bound

    def stmt_Assign(self, s: ast.Assign, bound: frozenset):
        self.loads(s.value, bound)
        for t in s.targets:
            self.target_loads(t, bound)
        return _with(bound, {n for t in s.targets for n in _names(t)})

    def stmt_AnnAssign(self, s: ast.AnnAssign, bound: frozenset):
        if s.value is None:
            return bound
        self.loads(s.value, bound)
        self.target_loads(s.target, bound)
        return _with(bound, _names(s.target))

    def stmt_AugAssign(self, s: ast.AugAssign, bound: frozenset):
        self.loads(s.value, bound)
        if isinstance(s.target, ast.Name):
            if s.target.id in self.local_names and s.target.id not in bound:
                self.unbound(s.target)
            return _with(bound, (s.target.id,))
        self.target_loads(s.target, bound)
        return bound

    def stmt_Expr(self, s: ast.Expr, bound: frozenset):
        self.loads(s.value, bound)
        return bound

    def stmt_If(self, s: ast.If, bound: frozenset):
        self.loads(s.test, bound)
        return _meet(self.block(s.body, bound), self.block(s.orelse, bound))

    def stmt_While(self, s: ast.While, bound: frozenset):
        bound = self.loop_entry(s, bound)
        self.loads(s.test, bound)
        self.block(s.body, bound)
        self.block(s.orelse, bound)
        return bound

    def stmt_For(self, s: ast.For, bound: frozenset):
        self.loads(s.iter, bound)
        self.block(s.body, _with(self.loop_entry(s, bound), _names(s.target)))
        self.block(s.orelse, self.loop_entry(s, bound))
        return self.loop_entry(s, bound)

    def loop_entry(self, s: ast.While | ast.For, bound: frozenset) -> frozenset:
        """What is bound at the start of every iteration: an except clause of the body may have deleted its name
        in the one before."""
        names = _handler_names(s.body)
        if not names:
            return bound
        self.deleted |= names
        return bound - names

    def stmt_Try(self, s: ast.Try, bound: frozenset):
        body = self.block(s.body, bound)
        ends = [self.block(s.orelse, body) if body is not None else None]
        for h in s.handlers:
            end = self.block(h.body, _with(bound, (h.name,) if h.name else ()))
            if h.name:  # Python deletes the name at the clause's end
                self.deleted.add(h.name)
                end = end - {h.name} if end is not None else None
            ends.append(end)
        result = None
        for e in ends:
            result = _meet(result, e) if result is not None else e
        if s.finalbody:
            self.block(s.finalbody, bound)  # its reads, on the paths where the least is bound
            if result is not None:
                result = self.block(s.finalbody, result)
        return result

    def stmt_Return(self, s: ast.Return, bound: frozenset):
        self.loads(s.value, bound)
        return None

    def stmt_Raise(self, s: ast.Raise, bound: frozenset):
        self.loads(s.exc, bound)
        return None

    def stmt_Break(self, s: ast.Break, bound: frozenset):
        return None

    stmt_Continue = stmt_Break

    def stmt_FunctionDef(self, s: ast.FunctionDef, bound: frozenset):
        return _with(bound, (s.name,))

    def stmt_Assert(self, s: ast.Assert, bound: frozenset):
        self.loads(s.test, bound)
        self.loads(s.msg, bound)
        return bound
