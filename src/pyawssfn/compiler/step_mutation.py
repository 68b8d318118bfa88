"""A step that changes its argument in place, read again by the workflow after the call.

Under CPython the step receives the workflow's own list or dict, so ``add_item(xs, 5)`` whose body does
``xs.append(v)`` changes the workflow's ``xs`` too; a Lambda step receives a JSON copy (the plain-Python run makes the
same copy), so on the machine ``xs`` stays as it was. The runs agree with each other and both differ from the module
run directly: refused at the call, where the workflow reads the value again after it.
"""
from __future__ import annotations

import ast
import copy
from typing import Callable

from pyawssfn.compiler.astwalk import walk

# Methods that change a list, dict or set in place (support.MUTATORS, which this module may not import).
_MUTATORS = frozenset({"append", "extend", "update", "insert", "pop", "remove", "clear", "sort", "reverse",
                       "setdefault", "popitem", "add", "discard"})

Report = Callable[[ast.AST, str, str], None]


def check_step_mutations(fn: ast.FunctionDef, steps: dict, local_names: set[str], report: Report,
                         is_map: Callable[[ast.Call], bool] = lambda c: False) -> None:
    """Refuse each step call of ``fn`` (and each ``sfn.map`` of a step) that passes a workflow variable, a part of
    one or an item of one (a loop's or a comprehension's variable) to a parameter the step changes in place, where
    the workflow reads that variable after the call."""
    loops = _loop_bodies(fn)
    # name = step(name): the workflow reads the step's result from then on (the object the step changed, under
    # CPython; its copy, changed alike, on the machine)
    rebound = {(id(c), t.id) for n in walk(fn) if isinstance(n, ast.Assign) for t in n.targets
               if isinstance(t, ast.Name) for c in walk(n.value) if isinstance(c, ast.Call)}
    items = _items_of(fn)
    for call in walk(fn):
        if not isinstance(call, ast.Call):
            continue
        if is_map(call) and len(call.args) >= 2 and isinstance(call.args[0], ast.Name) \
                and call.args[0].id in steps:  # sfn.map(step, xs): each item of xs is the step's first argument
            name, step = call.args[0].id, steps[call.args[0].id].node
            a = step.args
            first = (a.posonlyargs + a.args)[:1]
            pairs = [(first[0].arg, call.args[1])] if first else []
        elif isinstance(call.func, ast.Name) and call.func.id in steps and call.func.id not in local_names:
            name, step = call.func.id, steps[call.func.id].node
            pairs = _bound(step, call)
        else:
            continue
        changed = mutated_parameters(step)
        for param, arg in pairs if changed else ():
            root = _root(arg)
            roots = ({root} | items.get(root, set())) if root is not None else set()
            for r in sorted(roots):
                if param in changed and r in local_names and (id(call), r) not in rebound \
                        and _read_after(fn, loops, call, r):
                    report(arg, f"step {name} changes its argument {param!r} in place: under CPython the "
                                f"workflow's {r!r} changes too, on the machine the step gets a copy",
                           _instead(name, root, r, is_map(call)))
                    break


def _instead(step: str, root: str, changed: str, mapped: bool) -> str:
    if mapped:
        return f"have {step} return the changed item and keep the results: {root} = sfn.map({step}, {root})"
    if changed != root:  # an item of a list the workflow reads again
        return (f"have {step} return the changed item and build the new list from the results "
                f"({changed} = [{step}(...) for ...])")
    return f"return the new value from the step and assign it ({root} = {step}(...)), or pass a copy ({root} + [])"


def _items_of(fn: ast.FunctionDef) -> dict[str, set[str]]:
    """The variables each loop or comprehension variable is an item of (``for r in rows``: r -> {rows})."""
    out: dict[str, set[str]] = {}
    for n in walk(fn):
        pairs = [(n.target, n.iter)] if isinstance(n, ast.For) else \
            [(g.target, g.iter) for g in n.generators] if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp,
                                                                          ast.GeneratorExp)) else []
        for target, it in pairs:
            sources = {m.id for m in walk(it) if isinstance(m, ast.Name)}
            for m in walk(target):
                if isinstance(m, ast.Name):
                    out.setdefault(m.id, set()).update(sources)
    return out


def mutated_parameters(step: ast.FunctionDef) -> frozenset[str]:
    """The parameters whose value the step's body changes in place (or through a plain alias of it)."""
    cached = getattr(step, "pyawssfn_mutated", None)
    if cached is not None:
        return cached
    a = step.args
    params = {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}
    aliases = {p: p for p in params}  # local name -> the parameter it names
    for n in walk(step):
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Name) and n.value.id in aliases:
            for t in n.targets:
                if isinstance(t, ast.Name):
                    aliases[t.id] = aliases[n.value.id]
    changed: set[str] = set()
    for n in walk(step):
        for target in _changed_roots(n):
            if target in aliases:
                changed.add(aliases[target])
    result = frozenset(changed)
    step.pyawssfn_mutated = result  # type: ignore[attr-defined]
    return result


def _changed_roots(n: ast.AST) -> list[str]:
    """The names whose value the statement or call ``n`` changes in place."""
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _MUTATORS:
        root = _root(n.func.value)
        return [root] if root else []
    targets: list[ast.expr] = []
    if isinstance(n, (ast.Assign, ast.AnnAssign)):
        targets = list(n.targets) if isinstance(n, ast.Assign) else [n.target]
        targets = [t for t in targets if isinstance(t, (ast.Subscript, ast.Attribute))]
    elif isinstance(n, ast.AugAssign):
        targets = [n.target]  # xs += [...] extends a list in place
    elif isinstance(n, ast.Delete):
        targets = [t for t in n.targets if isinstance(t, (ast.Subscript, ast.Attribute))]
    return [r for r in (_root(t) for t in targets) if r]


def _root(e: ast.AST) -> str | None:
    """The name a value is read from: ``xs``, ``d["k"]``, ``rows[0].items``, or None for any other expression."""
    while isinstance(e, (ast.Subscript, ast.Attribute)):
        e = e.value
    return e.id if isinstance(e, ast.Name) else None


def _bound(step: ast.FunctionDef, call: ast.Call) -> list[tuple[str, ast.expr]]:
    a = step.args
    positional = [p.arg for p in a.posonlyargs + a.args]
    pairs = [(positional[i], arg) for i, arg in enumerate(call.args) if i < len(positional)
             and not isinstance(arg, ast.Starred)]
    pairs += [(k.arg, k.value) for k in call.keywords if k.arg is not None]
    return pairs


def _loop_bodies(fn: ast.FunctionDef) -> list[ast.AST]:
    return [n for n in walk(fn) if isinstance(n, (ast.For, ast.While))]


def _read_after(fn: ast.FunctionDef, loops: list[ast.AST], call: ast.Call, name: str) -> bool:
    """Whether ``name`` is read after ``call`` (later in the source, or anywhere in a loop holding the call)."""
    at = (call.end_lineno or call.lineno, call.end_col_offset or 0)
    scopes = [ids for ids in ({id(m) for m in walk(loop)} for loop in loops) if id(call) in ids]
    own = {id(m) for m in walk(call)}
    for n in walk(fn):
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load) and id(n) not in own:
            if (n.lineno, n.col_offset) > at or any(id(n) in ids for ids in scopes):
                return True
    return False


def result_proxy(step: ast.FunctionDef, call: ast.Call) -> ast.expr | None:
    """What the step's result may share with the call's arguments under CPython, as an expression over them: each
    ``return`` value with the parameters replaced by the arguments (a local assigned once by its value; any other
    name by None), joined by ``or``. None when no return value reads a parameter. The aliasing check reads it as it
    reads the workflow's own expressions (``ys = ident(xs)`` then ``ys.append(1)`` changes xs under CPython)."""
    args = dict(_bound(step, call))
    a = step.args
    params = {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}
    once: dict[str, ast.expr] = {}
    counts: dict[str, int] = {}
    for n in _own_nodes(step):
        if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For)):
            for t in ([n.target] if not isinstance(n, ast.Assign) else n.targets):
                for name in (m.id for m in walk(t) if isinstance(m, ast.Name)):
                    counts[name] = counts.get(name, 0) + 1
                    if isinstance(n, ast.Assign) and isinstance(t, ast.Name):
                        once[name] = n.value
    values = [n.value for n in _own_nodes(step) if isinstance(n, ast.Return) and n.value is not None]
    proxies = [_substitute(_top(v), params, args, {k: _top(v) for k, v in once.items() if counts.get(k) == 1}, 3)
               for v in values]
    proxies = [p for p in proxies if any(isinstance(m, ast.Name) for m in walk(p))]
    if not proxies:
        return None
    return proxies[0] if len(proxies) == 1 else ast.BoolOp(op=ast.Or(), values=proxies)


def _top(e: ast.expr) -> ast.expr:
    """The part of a returned value that may be an argument's object itself or one of its elements (``x``,
    ``x["k"]``, ``a if c else b``): a container built around an argument (``{"n": n}``) is left out, as the
    workflow's own displays would make a whole dict literal deep for every name inside it."""
    if isinstance(e, (ast.Name, ast.Subscript)):
        return e
    if isinstance(e, ast.IfExp):
        return ast.IfExp(test=ast.Constant(value=None), body=_top(e.body), orelse=_top(e.orelse))
    if isinstance(e, ast.BoolOp):
        return ast.BoolOp(op=e.op, values=[_top(v) for v in e.values])
    if isinstance(e, ast.Call) and isinstance(e.func, ast.Attribute) and e.func.attr in ("get", "setdefault"):
        return e
    return ast.Constant(value=None)


def _own_nodes(step: ast.FunctionDef):
    """The step's nodes, without those of functions (and lambdas) defined inside it."""
    todo = list(step.body)
    while todo:
        n = todo.pop()
        yield n
        todo.extend(c for c in ast.iter_child_nodes(n)
                    if not isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)))


class _Substitute(ast.NodeTransformer):
    def __init__(self, params, args, locals_, depth):
        self.params, self.args, self.locals_, self.depth = params, args, locals_, depth

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.params:
            arg = self.args.get(node.id)
            return arg if arg is not None else ast.Constant(value=None)
        if node.id in self.locals_ and self.depth > 0:
            return _substitute(self.locals_[node.id], self.params, self.args, self.locals_, self.depth - 1)
        return ast.Constant(value=None)


def _substitute(e: ast.expr, params, args, locals_, depth: int) -> ast.expr:
    return _Substitute(params, args, locals_, depth).visit(copy.deepcopy(e))
