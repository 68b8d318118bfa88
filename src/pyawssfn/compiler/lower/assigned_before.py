"""F70: Python assigns one statement at a time, a JSONata Assign all of its entries or none. In a try, a value that
can fail and the values assigned before it in the same state would be lost together: the handler (or the code
after the try, or a finally) found them unassigned or as they were before the try. So, where such an earlier
variable can be read on a path out of the try, the values pending before the failing one are assigned first:
- re-assigned by the Catch of the state that evaluates the failing value, when they cannot fail and that state is
  a new one doing nothing else (the values pending at the start, or before the try: no extra state);
- else assigned by the state they are pending on (a Task's result is only there), and the failing value is
  evaluated by a state of its own after it (a Map over no items under the try's Catch, errors.py)."""
from __future__ import annotations

import ast
from collections import Counter
from typing import TYPE_CHECKING, Any, Iterable

from pyawssfn.compiler.astwalk import index, walk, walk_statements
from pyawssfn.compiler.compile_memos import per_compile
from pyawssfn.compiler.ir import Exit, Node, StartHolder, can_fail
from pyawssfn.compiler.lower import errors
from pyawssfn.jsonata.tree import Array, Expr

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer


def observed(builder: FunctionLowerer, st: ast.Try) -> frozenset[str]:
    """The variables (machine names) no path out of the try's body can read: those read in the body only (not by
    the handlers, the finally, the code after), none when the try is in a loop (the next round reads them in the
    body too). A conservative test: a read never reached only costs a state."""
    everything, looped = _function_facts(builder.fn)
    if id(st) in looped:
        return frozenset()
    inside = _reads(st.body)
    return frozenset(builder.vars[n] for n, count in inside.items() if count >= everything.get(n, 0)
                     and n in builder.vars)


# fn -> (itself, its reads, the ids of the try statements inside a loop): walked once per function, not per try
_FACTS: dict[int, tuple[ast.AST, dict[str, int], set[int]]] = per_compile({})


def _function_facts(fn: ast.AST) -> tuple[dict[str, int], set[int]]:
    hit = _FACTS.get(id(fn))
    if hit is not None and hit[0] is fn:
        return hit[1], hit[2]
    # the reads from the function's NodeIndex (its names and augmented assignments: no walk of the ~100,000 nodes
    # of a 10,000-statement workflow), the tries in a loop from the statements of its outermost loops
    found = index(fn)
    counts = Counter([n.id for n in found.of(ast.Name) if isinstance(n.ctx, ast.Load)])
    counts.update([n.target.id for n in found.of(ast.AugAssign) if isinstance(n.target, ast.Name)])  # x += 1 reads x
    looped: set[int] = set()
    inner: set[int] = set()  # the loops inside a loop already walked (the index lists the outer ones first)
    for loop in found.of(*_LOOPS):
        if id(loop) in inner:
            continue
        for n in walk_statements(loop):
            cls = type(n)
            if cls is ast.Try:
                looped.add(id(n))
            elif cls in _LOOPS:
                inner.add(id(n))
    if len(_FACTS) >= 256:
        _FACTS.clear()
    _FACTS[id(fn)] = (fn, counts, looped)
    return counts, looped


_LOOPS = (ast.For, ast.AsyncFor, ast.While)


_USERS: dict[int, tuple[Any, int, frozenset[str]]] = per_compile({})


def _users(builder: FunctionLowerer) -> frozenset[str]:
    """The machine names of the workflow's own variables (found again only when one is added)."""
    hit = _USERS.get(id(builder))
    if hit is None or hit[0] is not builder or hit[1] != len(builder.vars):
        if len(_USERS) >= 256:
            _USERS.clear()
        hit = _USERS[id(builder)] = (builder, len(builder.vars), frozenset(builder.vars.values()))
    return hit[2]


def _reads(nodes: Iterable[ast.AST]) -> dict[str, int]:
    counts: dict[str, int] = {}
    get = counts.get
    Name, AugAssign, Load = ast.Name, ast.AugAssign, ast.Load
    for root in nodes:
        for n in walk(root):
            cls = type(n)
            if cls is Name:
                if isinstance(n.ctx, Load):  # type: ignore[attr-defined]
                    counts[n.id] = get(n.id, 0) + 1  # type: ignore[attr-defined]
            elif cls is AugAssign and isinstance(n.target, Name):  # type: ignore[attr-defined]  # x += 1 reads x
                counts[n.target.id] = get(n.target.id, 0) + 1  # type: ignore[attr-defined]
    return counts


def before(builder: FunctionLowerer, index: int, values: Iterable[Expr]) -> bool:
    """Before the values a statement computed (rendered in the pending env of frontier[index]) are bound: when one
    of them can fail and a variable pending there may be read after the failure, frontier[index] becomes an exit
    whose earlier values are assigned when it fails. True when it changed (the statement renders them again)."""
    ex = builder.frontier[index]
    if not ex.env or builder.cover() is None:
        return False
    if not any(can_fail(v) and not builder.is_param_read(v) for v in values):
        return False
    users = _users(builder)
    is_param_read = builder.is_param_read
    watched = [k for k, v in ex.env.items() if k in users and not is_param_read(v)]
    if not watched:
        return False
    hidden = builder.observed[-1] if builder.observed else None
    if type(hidden) is ast.Try:  # (found when first needed: most values that can fail have no variable watched)
        hidden = builder.observed[-1] = observed(builder, hidden)
    if hidden is not None:
        watched = [k for k in watched if k not in hidden]
        if not watched:
            return False
    builder.frontier[index] = _assigned(builder, ex, watched)
    return True


def ahead(builder: FunctionLowerer, exprs: list[ast.expr]) -> None:
    """`before`, for a statement whose values (`exprs`, prepared) are rendered later: a return, an if's test."""
    if builder.cover() is None:
        return
    for i in range(len(builder.frontier)):
        env = builder.frontier[i].env
        if env:
            before(builder, i, [builder.render(e, env) for e in exprs])


def _assigned(builder: FunctionLowerer, ex: Exit, watched: list[str]) -> Exit:
    cov = builder.cover()
    h = ex.holder
    if isinstance(h, Node) and h.cover == cov and not errors.uncaught_assign(h):
        pass  # the holder evaluates them under the same Catch: it assigns them, a new state follows
    elif _quiet(builder, ex):
        # nothing pending can fail but the parameters' reads: a new state under the cover evaluates them, and its
        # Catch assigns the watched ones again (they cannot fail; a value of the holder's context is handed over)
        return errors.move(builder, ex, cov, isinstance(h, StartHolder), again=watched)
    else:
        ex = errors.move(builder, ex, cov, isinstance(h, StartHolder))
    node, _ = errors.evaluate_where_caught(builder, {}, builder.cur_line)
    builder.flush(ex, node)
    builder.add(node)
    errors.catchers(builder, node, {})
    return Exit(node, {})


def _quiet(builder: FunctionLowerer, ex: Exit) -> bool:
    """No value pending on `ex` can fail where it is to be evaluated but a parameter's read (which fails the
    execution, before any handler) or one its holder evaluates under its own cover (errors._keep_settled)."""
    held = not isinstance(ex.holder, StartHolder)  # errors._move keeps them in a holder that is a state
    return all(_cannot_fail(v) or builder.is_param_read(v) or held and builder.is_settled(ex.holder, v)
               for v in ex.env.values())


def _cannot_fail(v: Expr) -> bool:
    """ir.can_fail, and a list of values that cannot fail (`[n, 2]`) cannot either."""
    if type(v) is Array:
        return all(_cannot_fail(x) for x in v.items)  # type: ignore[attr-defined]
    return not can_fail(v)
