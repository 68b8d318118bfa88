"""Which workflow variables may hold a tuple, for the translations where a tuple and a list differ.

JSON has no tuples: on the machine a tuple is an array like any list, while in Python `(1, 2) == [1, 2]` is False,
`str((1,))` is "(1,)" and `isinstance(t, list)` is False. Values read from the input and from steps are JSON, never
tuples; a tuple only exists where the workflow builds one (a display, tuple(), the items of zip(), enumerate(),
d.items()). This pass finds, per variable, whether some assignment may give it a tuple ("top") or a value holding
tuples ("deep"), and marks each read of such a variable (core.MAY_TUPLE) so that the translator refuses the
comparisons it cannot decide. It over-approximates: a mark only makes the translator more careful.
"""
from __future__ import annotations

import ast
from typing import Callable

from pyawssfn.compiler.astwalk import NodeIndex
from pyawssfn.compiler.expressions.core import MAY_TUPLE

_Shape = tuple[bool, bool]  # (may be a tuple itself, may hold tuples)
_TUPLE_ITEMS = ("zip", "enumerate")
_LIST_CALLS = frozenset(["list", "sorted", "set", "frozenset", "dict"])
_SCALAR_CALLS = frozenset(["len", "str", "int", "float", "bool", "abs", "round", "sum", "isinstance", "any", "all"])
_MUTATORS = frozenset(["append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear"])


def mark_tuple_names(found: NodeIndex, report: Callable[[ast.AST, str, str], None],
                     constants: dict[str, bool | None] | None = None, steps: dict[str, _Shape] | None = None,
                     keyed: dict[str, dict[str, _Shape]] | None = None) -> None:
    """Set MAY_TUPLE ("top", "deep" or both) on every read of a variable that may hold a tuple, and refuse changing
    such a variable in place (Python raises: a tuple has no append, no item assignment). `found`: the NodeIndex of
    a workflow function; `constants`: the module-level names bound to a tuple, with what core.tuple_shape says of
    their items; `steps`: the steps that may return a tuple (step_tuple_shapes)."""
    constants = constants or {}
    steps = steps or {}
    if not _builds_tuples(found, constants, steps):
        return  # nothing in the function builds a tuple (the usual case: no analysis to run)
    nodes = found.nodes
    sources = _sources(nodes)
    fixed = {name: (True, items is not False) for name, items in constants.items() if name not in sources}
    fixed.update({name + "()": shape for name, shape in steps.items()})  # (no variable's name: the marks skip it)
    taint = _propagate(sources, fixed)
    if not any(top or deep for top, deep in taint.values()):
        return  # no tuple anywhere in the function's variables
    plain_items = _plain_items(nodes, sources, keyed or {})
    for node in nodes:
        if id(node) in plain_items:
            continue  # r["k"] of a child's dict whose "k" holds no tuple (F79): no mark
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in fixed:
            # a module-level tuple the function does not rebind: a tuple, its items as the constant says
            setattr(node, MAY_TUPLE, "tuple" + ("" if constants[node.id] is False else "deep"))
            continue
        if steps and isinstance(node, ast.Call) and _calls_step(node, steps):
            top, deep = _shape(node, fixed)  # read where the call is hoisted (lower/hoisting.py)
            setattr(node, MAY_TUPLE, ("top" if top else "") + ("deep" if deep else ""))
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and any(taint.get(node.id, ())):
            top, deep = taint[node.id]
            setattr(node, MAY_TUPLE, ("top" if top else "") + ("deep" if deep else ""))
        changed = _changed_in_place(node)
        if changed is not None and taint.get(changed.id, (False, False))[0]:
            report(node, f"{changed.id} may hold a tuple here, which cannot be changed in place (Python raises; the "
                         "machine, holding it as a list, would change it)", f"make it a list first: "
                         f"{changed.id} = list({changed.id})")


def _plain_items(nodes: list[ast.AST], sources: dict[str, list[tuple[str, ast.expr]]],
                 keyed: dict[str, dict[str, _Shape]]) -> set[int]:
    """The reads `r` of `r["k"]` where r is only ever a child workflow's result, every `return` of that child a dict
    display with literal keys, and what it gives "k" holds no tuple (F79: a child's `{"half": a / 2, "pair": (a, a)}`
    read by `str(r["half"])` is no tuple, `str(r["pair"])` may be one)."""
    out: set[int] = set()
    if not keyed:
        return out
    for node in nodes:
        v = node.value if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) else None
        if not (isinstance(v, ast.Name) and isinstance(node.slice, ast.Constant)):  # type: ignore[attr-defined]
            continue
        calls = [e for kind, e in sources.get(v.id, ()) if kind == "value"]
        if not calls or len(calls) != len(sources[v.id]) or not all(
                isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id in keyed for c in calls):
            continue
        key = node.slice.value  # type: ignore[attr-defined]
        if all(keyed[c.func.id].get(key) == (False, False) for c in calls):  # type: ignore[attr-defined]
            out.add(id(v))
    return out


def _builds_tuples(found: NodeIndex, constants: dict[str, bool | None], steps: dict[str, _Shape]) -> bool:
    """Whether a node of the function may build a tuple (_makes_tuples of one of its Tuple, Name and Call nodes,
    read from the index's lists of those classes: most of a function's nodes are none of them)."""
    if not constants and not steps:
        nodes = found.of(ast.Tuple, ast.Call)
    else:
        nodes = found.of(ast.Tuple, ast.Name, ast.Call)
    return any(_makes_tuples(node, constants, steps) for node in nodes)


def workflow_tuple_shapes(workflows: dict[str, ast.FunctionDef], constants: dict[str, bool | None],
                          steps: dict[str, _Shape], indexes: dict[str, NodeIndex]
                          ) -> tuple[dict[str, _Shape], dict[str, dict[str, _Shape]]]:
    """The child workflows that may return a tuple or values holding tuples (F79: the parent's CPython call gets
    the tuple, the machine and pyrun the JSON list), as step_tuple_shapes says of steps; with, for a workflow whose
    every `return` is a dict display of literal keys, the shape of each key's value. A child's returned variable is
    shaped by its own assignments, a grandchild's result as found before (a few rounds settle a call chain).
    `indexes`: each workflow's NodeIndex (its nodes in walk order but the context and operator nodes, which no
    rule here reads)."""
    shapes: dict[str, _Shape] = {}
    keyed: dict[str, dict[str, _Shape]] = {}
    for _ in range(4):
        before = dict(shapes)
        callees = {**steps, **shapes}
        for name, fn in workflows.items():
            found = indexes[name]
            if fn.returns is None and not _builds_tuples(found, constants, callees):
                continue  # nothing in it builds a tuple (the usual case)
            nodes = found.nodes
            sources = _sources(nodes)
            fixed = {n: (True, items is not False) for n, items in constants.items() if n not in sources}
            fixed.update({n + "()": sh for n, sh in callees.items()})
            taint = _propagate(sources, fixed)
            returns = [n.value for n in nodes if isinstance(n, ast.Return) and n.value is not None]
            shape = _join([_annotation_shape(fn.returns)] + [_shape(v, taint) for v in returns])
            if shape != (False, False):
                shapes[name] = shape
            # the returns that may hold a tuple (the others give no tuple whatever key is read)
            holding = [v for v in returns if _shape(v, taint) != (False, False)]
            if holding and all(isinstance(v, ast.Dict) and all(isinstance(k, ast.Constant) for k in v.keys)
                               for v in holding):
                keys: dict[str, list[_Shape]] = {}
                for v in holding:
                    for k, item in zip(v.keys, v.values):  # type: ignore[attr-defined]
                        keys.setdefault(k.value, []).append(_shape(item, taint))  # type: ignore[union-attr]
                keyed[name] = {k: _join(sh) for k, sh in keys.items()}
        if shapes == before:
            break
    return shapes, {n: k for n, k in keyed.items() if n in shapes}


def step_tuple_shapes(steps: dict[str, ast.FunctionDef]) -> dict[str, _Shape]:
    """The steps whose return annotation says tuple (`-> tuple[int, int]`) or whose `return` builds one (`return a,
    b`): called by plain CPython, such a step hands the workflow its tuple (`r == (1, 2)` is True, `str(r)` is
    "(1, 2)"), the machine the JSON list it becomes; their results are read as values that may be tuples."""
    out: dict[str, _Shape] = {}
    for name, fn in steps.items():
        shapes = [_annotation_shape(fn.returns)] + [_shape(n.value, {}) for n in ast.walk(fn)
                                                    if isinstance(n, ast.Return) and n.value is not None]
        shape = _join(shapes)
        if shape != (False, False):
            out[name] = shape
    return out


def _annotation_shape(a: ast.expr | None) -> _Shape:
    """(the annotation is a tuple or an Optional/union holding one, a tuple is named inside it)"""
    if isinstance(a, ast.Constant) and isinstance(a.value, str):  # a quoted annotation
        try:
            a = ast.parse(a.value, mode="eval").body
        except SyntaxError:
            return False, False
    if a is None:
        return False, False
    named = [n for n in ast.walk(a) if isinstance(n, ast.Name) and n.id in ("tuple", "Tuple")
             or isinstance(n, ast.Attribute) and n.attr == "Tuple"]
    top = _tuple_at_top(a)
    return top, len(named) > (1 if top else 0)


def _tuple_at_top(a: ast.expr) -> bool:
    if isinstance(a, ast.BinOp):  # tuple[int, int] | None
        return _tuple_at_top(a.left) or _tuple_at_top(a.right)
    base = a.value if isinstance(a, ast.Subscript) else a
    name = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else ""
    if name in ("Optional", "Union") and isinstance(a, ast.Subscript):
        parts = a.slice.elts if isinstance(a.slice, ast.Tuple) else [a.slice]
        return any(_tuple_at_top(p) for p in parts)
    return name in ("tuple", "Tuple")


def _calls_step(node: ast.Call, steps: dict[str, _Shape]) -> bool:
    """`step(x)`, `sfn.map(step, xs)`, `sfn.with_retry_spec(step, ...)`, `sfn.parallel(lambda: step(x), ...)`."""
    f = node.func
    return isinstance(f, ast.Name) and f.id in steps or any(
        isinstance(a, ast.Name) and a.id in steps or isinstance(a, ast.Lambda) and isinstance(a.body, ast.Call)
        and _calls_step(a.body, steps) for a in node.args)


def _makes_tuples(node: ast.AST, constants: dict[str, bool | None], steps: dict[str, _Shape]) -> bool:
    if isinstance(node, ast.Tuple):
        return isinstance(node.ctx, ast.Load)
    if isinstance(node, ast.Name):
        return node.id in constants or node.id in steps
    if isinstance(node, ast.Call):
        f = node.func
        return (isinstance(f, ast.Name) and f.id in ("tuple", "zip", "enumerate")) or (
            isinstance(f, ast.Attribute) and f.attr == "items")
    return False


def _changed_in_place(node: ast.AST) -> ast.Name | None:
    """The variable `xs` of xs.append(...) (and the other list methods that change it) or of xs[i] = v."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _MUTATORS \
            and isinstance(node.func.value, ast.Name):
        return node.func.value
    targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target] if isinstance(
        node, ast.AugAssign) else []
    for t in targets:
        if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
            return t.value
    return None


def _propagate(sources: dict[str, list[tuple[str, ast.expr]]], fixed: dict[str, _Shape]) -> dict[str, _Shape]:
    """The least fixed point of the shapes, updated in place in the order the names are bound (a value mostly reads
    names bound before it, so a pass or two settles it; marks only grow, so it ends)."""
    taint = dict(fixed)
    changed = True
    while changed:
        changed = False
        for name, exprs in sources.items():
            shape = _join([_bound_shape(kind, e, taint) for kind, e in exprs])
            if shape != taint.get(name, (False, False)):
                taint[name] = shape
                changed = True
    return taint


def _sources(nodes: list[ast.AST]) -> dict[str, list[tuple[str, ast.expr]]]:
    """name -> (how, expression): "value" the name is bound to the expression, "item" to one of its items."""
    out: dict[str, list[tuple[str, ast.expr]]] = {}
    for node in nodes:
        if isinstance(node, ast.Assign):
            for t in node.targets:
                _bind(out, t, "value", node.value)
        elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
            _bind(out, node.target, "value", node.value)
        elif isinstance(node, ast.AugAssign):
            _bind(out, node.target, "value", node.value)
        elif isinstance(node, (ast.For, ast.comprehension)):
            _bind(out, node.target, "item", node.iter)
    return out


def _bind(out: dict[str, list[tuple[str, ast.expr]]], target: ast.AST, kind: str, value: ast.expr) -> None:
    if isinstance(target, ast.Name):
        out.setdefault(target.id, []).append((kind, value))
    elif isinstance(target, (ast.Tuple, ast.List)):
        # a, b = value: the parts are value's items; for a, b in value: the items of value's items
        for e in target.elts:
            _bind(out, e.value if isinstance(e, ast.Starred) else e, "item" if kind == "value" else "part", value)


def _kind_shape(kind: str, shape: _Shape) -> _Shape:
    return shape if kind == "value" else (shape[1], shape[1])


def _bound_shape(kind: str, e: ast.expr, taint: dict[str, _Shape]) -> _Shape:
    """The shape of what `kind` binds out of `e`: e itself, one of its items, or a part of one of its items."""
    if kind == "part" and isinstance(e, ast.Call):
        f = e.func
        if isinstance(f, ast.Name) and f.id in _TUPLE_ITEMS:
            # the parts of zip()'s and enumerate()'s tuples are the items of their arguments (and ints)
            args = e.args if f.id == "zip" else e.args[:1]
            return _join([_kind_shape("item", _shape(a, taint)) for a in args])
        if isinstance(f, ast.Attribute) and f.attr == "items":
            return _kind_shape("item", _shape(f.value, taint))  # a key (a str) and a value of the dict
    return _kind_shape(kind, _shape(e, taint))


def _join(shapes: list[_Shape]) -> _Shape:
    return any(s[0] for s in shapes), any(s[1] for s in shapes)


def _shape(e: ast.AST, taint: dict[str, _Shape]) -> _Shape:
    if isinstance(e, ast.Name):
        return taint.get(e.id, (False, False))
    if isinstance(e, (ast.Constant, ast.Compare, ast.UnaryOp, ast.JoinedStr, ast.Lambda)):
        return False, False
    if isinstance(e, ast.BinOp):  # t + t2 and t * n are tuples; arithmetic is not
        if isinstance(e.op, (ast.Add, ast.Mult)):
            return _join([_shape(e.left, taint), _shape(e.right, taint)])
        return False, False
    if isinstance(e, (ast.IfExp, ast.BoolOp)):
        return _join([_shape(v, taint) for v in ((e.body, e.orelse) if isinstance(e, ast.IfExp) else e.values)])
    if isinstance(e, ast.Call):
        f = e.func
        if isinstance(f, ast.Name) and f.id + "()" in taint:
            return taint[f.id + "()"]  # a step that may return a tuple
        if any(isinstance(a, ast.Name) and a.id + "()" in taint or isinstance(a, ast.Lambda) and isinstance(
                a.body, ast.Call) and isinstance(a.body.func, ast.Name) and a.body.func.id + "()" in taint
                for a in e.args):
            return True, True  # sfn.map(step, xs), sfn.parallel(lambda: step(x)), sfn.with_retry_spec(step, ...)
        if isinstance(f, ast.Name) and f.id in _TUPLE_ITEMS or isinstance(f, ast.Attribute) and f.attr == "items":
            return False, True
        if isinstance(f, ast.Name) and f.id in _SCALAR_CALLS:
            return False, False
        if isinstance(f, ast.Name) and f.id in _LIST_CALLS:  # a new list (set, dict) of the argument's items
            return False, _join([_shape(a, taint) for a in e.args[:1]])[1]
    inner = _join([_shape(c, taint) for c in ast.iter_child_nodes(e) if isinstance(c, ast.expr)])
    holds = inner[0] or inner[1]
    if isinstance(e, ast.Tuple) or isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id == "tuple":
        return True, holds
    if isinstance(e, (ast.List, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return False, holds
    # Anything else built from values holding tuples (a subscript, min(), sorted(), a slice) may be one.
    return holds, holds
