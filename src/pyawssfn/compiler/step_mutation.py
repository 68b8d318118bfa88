"""A step that changes its argument in place, read again by the workflow after the call.

Under CPython the step receives the workflow's own list or dict, so ``add_item(xs, 5)`` whose body does
``xs.append(v)`` changes the workflow's ``xs`` too; a Lambda step receives a JSON copy (the plain-Python run makes the
same copy), so on the machine ``xs`` stays as it was. The runs agree with each other and both differ from the module
run directly: refused at the call, where the workflow reads the value again after it.
"""
from __future__ import annotations

import ast
from typing import Callable

from pyawssfn.compiler.astwalk import index, walk

# Methods that change a list, dict or set in place (support.MUTATORS, which this module may not import).
_MUTATORS = frozenset({"append", "extend", "update", "insert", "pop", "remove", "clear", "sort", "reverse",
                       "setdefault", "popitem", "add", "discard"})

Report = Callable[[ast.AST, str, str], None]


def check_step_mutations(fn: ast.FunctionDef, steps: dict, local_names: set[str], report: Report,
                         is_map: Callable[[ast.Call], bool] = lambda c: False) -> None:
    """Refuse each step call of ``fn`` (and each ``sfn.map`` of a step) that passes a workflow variable, a part of
    one or an item of one (a loop's or a comprehension's variable) to a parameter the step changes in place, where
    the workflow reads that variable after the call."""
    body = _Body(fn)
    for call in body.calls:
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
            roots = ({root} | body.items().get(root, set())) if root is not None else set()
            for r in sorted(roots):
                if param in changed and r in local_names and (id(call), r) not in body.rebound() \
                        and body.read_after(call, r):
                    report(arg, f"step {name} changes its argument {param!r} in place: under CPython the "
                                f"workflow's {r!r} changes too, on the machine the step gets a copy",
                           _instead(name, root, r, is_map(call)))
                    break


class _Body:
    """The parts of a workflow's body the check reads, from the frontend's walk of it (astwalk.index): its calls
    (in walk order), names, assignments, loops and comprehensions. What only a call to a step that changes its
    argument needs (the rebinding assignments, the items of each loop, the reads of each name) is derived on the
    first such call: most workflows have none, and a walk of a long workflow per question made the check
    quadratic."""

    def __init__(self, fn: ast.FunctionDef) -> None:
        found = index(fn)
        self.calls: list[ast.Call] = found.of(ast.Call)
        self.names: list[ast.Name] = found.of(ast.Name)
        self.assigns: list[ast.Assign] = found.of(ast.Assign)
        self.loops = found.of(ast.For, ast.While)
        self.iterations: list[tuple[ast.AST, ast.AST]] = \
            [(n.target, n.iter) for n in found.of(ast.For, ast.comprehension)]
        self._rebound: set[tuple[int, str]] | None = None
        self._items: dict[str, set[str]] | None = None
        self._loads: dict[str, list[ast.Name]] | None = None
        self._loop_nodes: dict[int, set[int]] = {}

    def rebound(self) -> set[tuple[int, str]]:
        """(call, name) of ``name = ...call...``: the workflow reads the step's result from then on (the object
        the step changed, under CPython; its copy, changed alike, on the machine)."""
        if self._rebound is None:
            self._rebound = {(id(c), t.id) for n in self.assigns for t in n.targets if isinstance(t, ast.Name)
                             for c in walk(n.value) if isinstance(c, ast.Call)}
        return self._rebound

    def items(self) -> dict[str, set[str]]:
        """The variables each loop or comprehension variable is an item of (``for r in rows``: r -> {rows})."""
        if self._items is None:
            self._items = {}
            for target, it in self.iterations:
                sources = {m.id for m in walk(it) if isinstance(m, ast.Name)}
                for m in walk(target):
                    if isinstance(m, ast.Name):
                        self._items.setdefault(m.id, set()).update(sources)
        return self._items

    def read_after(self, call: ast.Call, name: str) -> bool:
        """Whether ``name`` is read after ``call`` (later in the source, or anywhere in a loop holding the call)."""
        if self._loads is None:
            self._loads = {}
            for n in self.names:
                if isinstance(n.ctx, ast.Load):
                    self._loads.setdefault(n.id, []).append(n)
        at = (call.end_lineno or call.lineno, call.end_col_offset or 0)
        scopes = [ids for ids in (self._nodes_of(loop) for loop in self.loops) if id(call) in ids]
        own = {id(m) for m in walk(call)}
        for n in self._loads.get(name, ()):
            if id(n) not in own and ((n.lineno, n.col_offset) > at or any(id(n) in ids for ids in scopes)):
                return True
        return False

    def _nodes_of(self, loop: ast.AST) -> set[int]:
        ids = self._loop_nodes.get(id(loop))
        if ids is None:
            ids = self._loop_nodes[id(loop)] = {id(m) for m in walk(loop)}
        return ids


def _instead(step: str, root: str, changed: str, mapped: bool) -> str:
    if mapped:
        return f"have {step} return the changed item and keep the results: {root} = sfn.map({step}, {root})"
    if changed != root:  # an item of a list the workflow reads again
        return (f"have {step} return the changed item and build the new list from the results "
                f"({changed} = [{step}(...) for ...])")
    return f"return the new value from the step and assign it ({root} = {step}(...)), or pass a copy ({root} + [])"


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


def result_proxy(step: ast.FunctionDef, call: ast.Call) -> ast.expr | None:
    """What the step's result may share with the call's arguments under CPython, as an expression over them: each
    ``return`` value with the parameters replaced by the arguments (a local assigned once by its value; any other
    name by None), joined by ``or``. None when no return value reads a parameter. The aliasing check reads it as it
    reads the workflow's own expressions (``ys = ident(xs)`` then ``ys.append(1)`` changes xs under CPython)."""
    params, locals_, tops = _returned(step)
    if not tops:
        return None
    args = dict(_bound(step, call))
    proxies = [_substitute(v, params, args, locals_, 3) for v in tops]
    proxies = [p for p in proxies if any(isinstance(m, ast.Name) for m in walk(p))]
    if not proxies:
        return None
    return proxies[0] if len(proxies) == 1 else ast.BoolOp(op=ast.Or(), values=proxies)


def _returned(step: ast.FunctionDef) -> tuple[set[str], dict[str, ast.expr], list[ast.expr]]:
    """(the step's parameters, its locals assigned once with the part of their value a result may share, the
    parts of its return values a result may share): what result_proxy substitutes a call's arguments into, read
    from the step's body once (a workflow calls a step many times)."""
    cached = getattr(step, "pyawssfn_returned", None)
    if cached is not None:
        return cached
    a = step.args
    params = {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}
    once: dict[str, ast.expr] = {}
    counts: dict[str, int] = {}
    values: list[ast.expr] = []
    for n in _own_nodes(step):
        if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For)):
            for t in ([n.target] if not isinstance(n, ast.Assign) else n.targets):
                for name in (m.id for m in walk(t) if isinstance(m, ast.Name)):
                    counts[name] = counts.get(name, 0) + 1
                    if isinstance(n, ast.Assign) and isinstance(t, ast.Name):
                        once[name] = n.value
        elif isinstance(n, ast.Return) and n.value is not None:
            values.append(n.value)
    result = (params, {k: _top(v) for k, v in once.items() if counts.get(k) == 1}, [_top(v) for v in values])
    step.pyawssfn_returned = result  # type: ignore[attr-defined]
    return result


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


def _substitute(e: ast.expr, params, args, locals_, depth: int) -> ast.expr:
    """A copy of ``e`` with each parameter replaced by its argument (the argument's own node, not a copy), each
    local of ``locals_`` by its value substituted alike (``depth`` levels deep) and any other name by None: built
    directly, as copy.deepcopy of ``e`` and a NodeTransformer over the copy would build it, at a fraction of their
    cost (result_proxy runs for every step call of a workflow)."""
    if isinstance(e, ast.Name):
        if e.id in params:
            arg = args.get(e.id)
            return arg if arg is not None else ast.Constant(value=None)
        if e.id in locals_ and depth > 0:
            return _substitute(locals_[e.id], params, args, locals_, depth - 1)
        return ast.Constant(value=None)
    cls = type(e)
    new = cls.__new__(cls)
    fields = new.__dict__
    fields.update(e.__dict__)
    for name in cls._fields:
        value = fields.get(name)
        if isinstance(value, ast.AST):
            fields[name] = _substitute(value, params, args, locals_, depth)  # type: ignore[arg-type]
        elif isinstance(value, list):
            fields[name] = [_substitute(v, params, args, locals_, depth) if isinstance(v, ast.AST) else v
                            for v in value]
    return new
