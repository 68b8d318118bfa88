"""Definite assignment: which reads of a workflow's local variables may find them unbound.

Python raises UnboundLocalError there; a JSONata read of an unassigned variable is undefined, which would silently
drop a dict key or a list item. The lowering guards exactly these reads. The analysis is conservative (a loop body
may not run, any statement of a try body may fail): a needless guard costs only a few characters."""
from __future__ import annotations

import ast

from pyawssfn.compiler.astwalk import _reversed_fields, block_fields, reversed_value_fields, walk
from pyawssfn.compiler.definite_finally import EXISTS_NAME, Lineages, Pending, enter_finally, leave_finally
from pyawssfn.compiler.statement_kinds import unhandled

# The names bound on every path so far, as a set of bits (_Numbering); None: no path reaches here (after return,
# raise, break, continue). A frozenset of names was copied for every new variable and intersected at every if: with
# thousands of variables, a long workflow's analysis was quadratic in them; an int's copy is a few machine words.
Bound = "int | None"


def maybe_unbound_reads(fn: ast.FunctionDef, local_names: set[str], report=None) -> set[tuple[int, int]]:
    """(line, col) of every read of a local variable that may happen before the variable is assigned.

    Python deletes the name of an except clause at the clause's end; the machine's variable still holds the caught
    error there, so a guard cannot fail such a read as Python does: ``report(node, what, instead)`` refuses each
    read of an except clause's name that may come after its clause."""
    a = fn.args
    params = {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}
    analysis = _DefiniteAssignment(local_names)
    analysis.block(fn.body, analysis.bits(params))
    if report is not None:
        for node in analysis.after_except:
            report(node, f"{node.id!r} is unbound after its except clause (Python deletes the name at the clause's "
                         "end; the machine would still hold the caught error)",
                   f"keep what you need in another variable inside the clause (msg = str({node.id}))")
    return analysis.out


_NO_NAMES: frozenset[str] = frozenset()


def _clause_names(node: ast.AST, loops: dict[int, set[str]]) -> "set[str] | frozenset[str]":
    """The names of the except clauses under ``node``'s blocks; and into ``loops``, those of each loop's body under
    it (one walk of a loop for it and the loops in it: a walk of each loop's body cost as much as the loop's depth
    times the statements). An except clause stands in a statement's block, never in an expression: the statements
    are all to look at."""
    fields = block_fields(type(node))
    if not fields:
        return _NO_NAMES
    found: set[str] = set()
    for field in fields:
        got: set[str] = set()
        for child in getattr(node, field, ()):
            if isinstance(child, ast.ExceptHandler) and child.name:
                got.add(child.name)
            got |= _clause_names(child, loops)
        if field == "body" and isinstance(node, (ast.For, ast.While)):
            loops[id(node)] = got
        found |= got
    return found


def _names(t: ast.AST) -> set[str]:
    if isinstance(t, ast.Name):  # the usual target
        return {t.id} if isinstance(t.ctx, ast.Store) else set()
    return {n.id for n in walk(t) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


_COMPREHENSIONS = frozenset([ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp])


def _meet(x, y):
    if x is None or x is y:
        return y
    if y is None:
        return x
    return x & y


# _DefiniteAssignment's statement method of each statement class (found once per class)
_STATEMENT_METHODS: dict = {}


class _DefiniteAssignment:
    def __init__(self, local_names: set[str]):
        self.local_names = local_names
        self.bit: dict[str, int] = {EXISTS_NAME: 0}   # name -> its bit in a Bound, numbered as they come
        self.out: set[tuple[int, int]] = set()
        self.deleted: set[str] = set()   # the names of the except clauses seen so far
        self.after_except: list[ast.Name] = []
        self.loop_handlers: dict[int, set[str]] = {}   # loop -> the names of the except clauses in its body
        self.pending = Pending()   # reads to check at the end of a finally block (definite_finally.py)

    def bits(self, names) -> int:
        """The Bound of exactly ``names``."""
        out = 0
        for name in names:
            i = self.bit.get(name)
            if i is None:
                i = self.bit[name] = len(self.bit)
            out |= 1 << i
        return out

    def has(self, bound: int, name: str) -> bool:
        i = self.bit.get(name)
        if type(bound) is Lineages:
            return i is not None and (bound.unbound >> i) & 1 == 0  # type: ignore[attr-defined]
        return i is not None and (bound >> i) & 1 == 1

    def loads(self, node: ast.AST | None, bound: int, shadow: frozenset = frozenset()) -> None:
        """Note each read under ``node`` of a local variable not in ``bound`` (nor ``shadow``, the variables of
        the comprehensions around it), in the order a recursive visit meets them; a lambda's body is not read
        here (a parallel branch is lowered, and checked, on its own)."""
        cls = type(node)
        if cls is ast.Constant or node is None:  # the usual leaves first, without the walk's setup
            return
        local, bit = self.local_names, self.bit
        view = bound if type(bound) is int else ~bound.unbound  # type: ignore[attr-defined]  # bound everywhere
        if cls is ast.Name:
            name = node.id  # type: ignore[attr-defined]
            if type(node.ctx) is ast.Load and name in local and name not in shadow:  # type: ignore[attr-defined]
                i = bit.get(name)
                if i is None or not (view >> i) & 1:
                    self.unbound(node, bound)  # type: ignore[arg-type]
            return
        # A bound name (or a name that is no local read) does nothing when met: a child that is one is passed over
        # where it is found, not pushed; only the reads to note are pushed, and so met in the visit's order.
        load, Name, Constant = ast.Load, ast.Name, ast.Constant
        todo = [node]
        push, AST, reversed_fields = todo.append, ast.AST, _reversed_fields
        while todo:
            n = todo.pop()
            cls = type(n)
            if cls is Name:
                name = n.id  # type: ignore[attr-defined]
                if type(n.ctx) is load and name in local and name not in shadow:  # type: ignore[attr-defined]
                    i = bit.get(name)
                    if i is None or not (view >> i) & 1:
                        self.unbound(n, bound)  # type: ignore[arg-type]
            elif cls in _COMPREHENSIONS:
                self.comprehension_loads(n, bound, shadow)  # type: ignore[arg-type]
            elif cls is not ast.Lambda and cls is not Constant:
                # value_children(n) pushed last first (popped first to last), without a list of them
                fields = reversed_fields.get(cls)
                for field in reversed_value_fields(cls) if fields is None else fields:
                    value = getattr(n, field, None)
                    kind = type(value)
                    if kind is Name:
                        name = value.id  # type: ignore[union-attr]
                        if type(value.ctx) is load and name in local and name not in shadow:  # type: ignore
                            i = bit.get(name)
                            if i is None or not (view >> i) & 1:
                                push(value)
                    elif kind is list:
                        for item in reversed(value):  # type: ignore[call-overload]
                            if type(item) is Name:
                                name = item.id
                                if type(item.ctx) is load and name in local and name not in shadow:
                                    i = bit.get(name)
                                    if i is None or not (view >> i) & 1:
                                        push(item)
                            elif isinstance(item, AST) and type(item) is not Constant:
                                push(item)
                    elif kind is not Constant and isinstance(value, AST):
                        push(value)

    def unbound(self, node: ast.Name, bound) -> None:
        self.out.add((node.lineno, node.col_offset))
        if type(bound) is Lineages:  # in a finally block: when the walk would have read it (definite_finally.py)
            c = bound.first_b(self.bit.get(node.id, 0))
            if c:
                self.pending.add(c, node)
                return
        if node.id in self.deleted:
            self.after_except.append(node)

    def comprehension_loads(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
                            bound: int, shadow: frozenset) -> None:
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

    def target_loads(self, t: ast.AST, bound: int) -> None:
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

    def stmt(self, s: ast.stmt, bound: int):
        cls = type(s)
        method = _STATEMENT_METHODS.get(cls)
        if method is None:
            method = getattr(_DefiniteAssignment, "stmt_" + cls.__name__, None)
            if method is None:
                unhandled("definite assignment", s)
                return bound   # refused by the lowerer
            _STATEMENT_METHODS[cls] = method
        return method(self, s, bound)

    def stmt_Pass(self, s: ast.Pass, bound: int):
        return bound

    def stmt_Assign(self, s: ast.Assign, bound: int):
        self.loads(s.value, bound)
        targets = s.targets
        if len(targets) == 1 and type(targets[0]) is ast.Name:  # x = v (the usual one): reads nothing, binds x
            name = targets[0].id
            i = self.bit.get(name)
            if i is None:
                i = self.bit[name] = len(self.bit)
            return bound | 1 << i
        for t in targets:
            self.target_loads(t, bound)
        return bound | self.bits({n for t in s.targets for n in _names(t)})

    def stmt_AnnAssign(self, s: ast.AnnAssign, bound: int):
        if s.value is None:
            return bound
        self.loads(s.value, bound)
        self.target_loads(s.target, bound)
        return bound | self.bits(_names(s.target))

    def stmt_AugAssign(self, s: ast.AugAssign, bound: int):
        self.loads(s.value, bound)
        if isinstance(s.target, ast.Name):
            if s.target.id in self.local_names and not self.has(bound, s.target.id):
                self.unbound(s.target, bound)
            return bound | self.bits((s.target.id,))
        self.target_loads(s.target, bound)
        return bound

    def stmt_Expr(self, s: ast.Expr, bound: int):
        self.loads(s.value, bound)
        return bound

    def stmt_If(self, s: ast.If, bound: int):
        self.loads(s.test, bound)
        return _meet(self.block(s.body, bound), self.block(s.orelse, bound))

    def stmt_While(self, s: ast.While, bound: int):
        bound = self.loop_entry(s, bound)
        self.loads(s.test, bound)
        self.block(s.body, bound)
        self.block(s.orelse, bound)
        return bound

    def stmt_For(self, s: ast.For, bound: int):
        self.loads(s.iter, bound)
        self.block(s.body, self.loop_entry(s, bound) | self.bits(_names(s.target)))
        self.block(s.orelse, self.loop_entry(s, bound))
        return self.loop_entry(s, bound)

    def loop_entry(self, s: ast.While | ast.For, bound: int) -> int:
        """What is bound at the start of every iteration: an except clause of the body may have deleted its name
        in the one before."""
        names = self.loop_handlers.get(id(s))
        if names is None:  # this loop's and those in it, in one walk (_clause_names)
            _clause_names(s, self.loop_handlers)
            names = self.loop_handlers[id(s)]
        if not names:
            return bound
        self.deleted |= names
        return bound & ~self.bits(names)

    def stmt_Try(self, s: ast.Try, bound: int):
        body = self.block(s.body, bound)
        ends = [self.block(s.orelse, body) if body is not None else None]
        for h in s.handlers:
            end = self.block(h.body, bound | self.bits((h.name,) if h.name else ()))
            if h.name:  # Python deletes the name at the clause's end
                self.deleted.add(h.name)
                end = end & ~self.bits((h.name,)) if end is not None else None
            ends.append(end)
        result = None
        for e in ends:
            result = _meet(result, e) if result is not None else e
        if s.finalbody:
            # run from bound (its reads on the paths where the least is bound) and from result (what is bound
            # after the statement), both in one walk (definite_finally.py)
            self.pending.open()
            end = self.block(s.finalbody, enter_finally(bound, result))
            self.pending.close(self.deleted, self.after_except)
            if result is not None:
                result = leave_finally(end) if end is not None else None
        return result

    def stmt_Return(self, s: ast.Return, bound: int):
        self.loads(s.value, bound)
        return None

    def stmt_Raise(self, s: ast.Raise, bound: int):
        self.loads(s.exc, bound)
        return None

    def stmt_Break(self, s: ast.Break, bound: int):
        return None

    stmt_Continue = stmt_Break

    def stmt_FunctionDef(self, s: ast.FunctionDef, bound: int):
        return bound | self.bits((s.name,))

    def stmt_Assert(self, s: ast.Assert, bound: int):
        self.loads(s.test, bound)
        self.loads(s.msg, bound)
        return bound
