"""sfn.parallel: each branch function lowered by a builder of its own into a branch of a Parallel state, and the
checks that a branch does not change the workflow's variables."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from pyawssfn.compiler.astwalk import walk
from pyawssfn.compiler.ir import Graph, Parallel
from pyawssfn.compiler.lower import calls
from pyawssfn.compiler.lower.branch_errors import BranchNonlocalControl
from pyawssfn.compiler.lower.support import assigned_names
from pyawssfn.compiler.naming import describe_source
from pyawssfn.jsonata.tree import path

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer


def parallel(builder: FunctionLowerer, call: ast.Call, var: str | None) -> None:
    from pyawssfn.compiler.lower.builder import FunctionLowerer  # a branch is lowered by a builder of its own
    if call.keywords or not call.args:
        raise builder.fail(call, "sfn.parallel takes the branch functions only", "write sfn.parallel(f, g)")
    visible = dict(builder.outer)
    visible.update(builder.vars)
    graphs = []
    labels = []
    covered = builder.cover() is not None
    for a in call.args:
        if isinstance(a, ast.Name) and a.id in builder.nested_defs:
            fn: Any = builder.nested_defs[a.id]
            labels.append(a.id)
        elif isinstance(a, ast.Lambda):
            fn = a
            labels.append("lambda")
        else:
            raise builder.fail(a, "sfn.parallel branches must be nested functions or lambdas of the workflow",
                               "define def branch(): ... in the workflow and pass branch")
        check_branch(builder, fn, visible)
        check_branch_assignments(builder, fn, a, visible, call.lineno)
        g = Graph()
        sub = FunctionLowerer(builder.s, fn, g, top=False, outer=visible, outer_types=builder.types)
        sub.enclosing_defs = builder.enclosing_defs | frozenset(builder.nested_defs)
        if covered:  # a handler or finally around it sees the branch's error: the same on every engine
            control = BranchNonlocalControl(sub.fresh("branch_error"))
            sub.push_control(control)
        sub.lower_function()
        if covered:
            control.finish(sub)
        sub.release()  # (the branch's states are built: the lowerer's cycle with its translator goes)
        graphs.append(g)
    n = Parallel(describe_source("parallel " + ", ".join(labels)), call.lineno, branches=graphs)
    env = builder.connect(n, start_ok=False)
    calls.result_into(builder, n, env, var, path("states", "result"))


def check_branch_assignments(builder: FunctionLowerer, fn: Any, ref: ast.AST, visible: dict[str, str],
                             line: int) -> None:
    """A branch assigning a workflow variable that the workflow reads afterwards (before assigning it again):
    the author most likely expects the branch's value there, which neither Python nor the machine gives."""
    if not isinstance(fn, ast.FunctionDef) or any(isinstance(n, (ast.Nonlocal, ast.Global)) for n in walk(fn)):
        return  # nonlocal/global are refused on their own
    own: list[str] = []
    for st in fn.body:
        own += [n for n in assigned_names(st) if n not in own]
    for name in own:
        if name in visible and read_after(builder, name, line, fn):
            builder.report(ref, f"parallel branch {fn.name}() assigns {name!r}, which the workflow reads after "
                                "sfn.parallel: a branch cannot change the workflow's variables",
                           f"return the value from the branch and use the result of sfn.parallel, or rename "
                           f"the branch's variable")


def read_after(builder: FunctionLowerer, name: str, line: int, skip: ast.AST) -> bool:
    """Whether the workflow reads ``name`` after ``line`` before a top-level statement assigns it anew."""
    # The blocks that contain the call, innermost last: an assignment after the call in any of them is on
    # every path from the call onwards.
    kills: list[int] = []

    def scan(stmts: list[ast.stmt]) -> None:
        for st in stmts:
            if st.lineno > line and isinstance(st, ast.Assign) and \
                    any(isinstance(t, ast.Name) and t.id == name for t in st.targets) and \
                    not any(isinstance(n, ast.Name) and n.id == name for n in walk(st.value)):
                kills.append(st.lineno)
            if st.lineno <= line <= (st.end_lineno or st.lineno):
                for field_name in ("body", "orelse", "finalbody"):
                    inner = getattr(st, field_name, None)
                    if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                        scan(inner)
                for h in getattr(st, "handlers", []) or []:
                    scan(h.body)

    scan(builder.fn.body if isinstance(builder.fn, ast.FunctionDef) else [])
    first_kill = min(kills) if kills else None
    skipped = {id(n) for n in walk(skip)}
    # An except clause binding `name` reads its own exception there, not the branch's value.
    for h in walk(builder.fn):
        if isinstance(h, ast.ExceptHandler) and h.name == name:
            skipped.update(id(n) for st in h.body for n in walk(st))
    for n in walk(builder.fn):
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) and n.lineno > line \
                and id(n) not in skipped and (first_kill is None or n.lineno < first_kill):
            return True
        if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) and n.target.id == name and \
                n.lineno > line and (first_kill is None or n.lineno < first_kill):
            return True
    return False


def check_branch(builder: FunctionLowerer, fn: Any, visible: dict[str, str]) -> None:
    own = set()
    if isinstance(fn, ast.FunctionDef):
        for st in fn.body:
            own.update(assigned_names(st))
    body = fn.body if isinstance(fn, ast.FunctionDef) else [fn.body]
    for st in body:
        for n in walk(st):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and \
                    isinstance(n.func.value, ast.Name) and n.func.value.id in visible and \
                    n.func.value.id not in own and n.func.attr in ("append", "extend", "update", "insert", "pop",
                                                                   "remove", "clear", "sort", "reverse",
                                                                   "setdefault", "popitem"):
                builder.report(n, f"mutation of outer variable {n.func.value.id!r} inside a parallel branch",
                               "return the value from the branch and combine the results after sfn.parallel")
