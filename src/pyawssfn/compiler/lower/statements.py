"""Simple statements and if: assignments (plain, annotated, augmented, to items and tuples), expression statements
(step calls, list/dict mutation), pass, assert, nested function definitions."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from pyawssfn.compiler.astwalk import child_nodes, walk
from pyawssfn.compiler.expressions import INPLACE, append, extend, setitem
from pyawssfn.compiler.expressions.core import _STATIC_TYPES, MAY_TUPLE
from pyawssfn.compiler.ir import Choice, DefaultOf, Exit, Rule, can_fail
from pyawssfn.compiler.lower import assigned_before, calls
from pyawssfn.compiler.expressions.build import T, err
from pyawssfn.compiler.lower.support import MUTATORS, as_load, paren
from pyawssfn.compiler.naming import describe_source
from pyawssfn.jsonata.tree import Block, Expr, lit

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer


def transform_pass(builder: FunctionLowerer, st: ast.Pass) -> None:
    pass


def transform_expression_stmt(builder: FunctionLowerer, st: ast.Expr) -> None:
    v = st.value
    if isinstance(v, ast.Constant):
        return  # docstring or bare constant
    if isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr in MUTATORS:
        base = v.func.value
        while isinstance(base, ast.Subscript):
            base = base.value
        if isinstance(base, ast.Name) and base.id in builder.outer and base.id not in builder.vars:
            raise builder.fail(v, f"mutation of outer variable {base.id!r} inside a parallel branch",
                               "return the value from the branch and combine the results after sfn.parallel")
        if isinstance(base, ast.Name) and base.id in builder.vars:
            if v.func.attr not in ("append", "extend", "update"):
                raise builder.fail(v, f"the list/dict method {v.func.attr}() is not supported in a workflow",
                                   "build the new value with an expression, e.g. xs = xs[:-1]")
            mutate_method(builder, v)
            return
    kind = builder.classify(v) if isinstance(v, ast.Call) else None
    if kind:
        calls.lower_call(builder, v, kind, want_result=False)
        return
    _refuse_nested_mutation(builder, v)
    value = builder.prepare(v)
    # Python evaluates the expression and drops its value: an error it raises (`d["k"]` as a check, `int(s)` to
    # validate) must still happen, so a value that can fail is kept under a throwaway variable, as a dead store is.
    for i, ex in enumerate(builder.frontier):
        rendered = builder.render(value, ex.env)
        if assigned_before.before(builder, i, (rendered,)):
            ex = builder.frontier[i]
            rendered = builder.render(value, ex.env)
        if can_fail(rendered):
            ex.env[throwaway(builder)] = rendered


def _refuse_nested_mutation(builder: FunctionLowerer, v: ast.expr) -> None:
    """`xs.append(4) if c else None`, `[xs.append(x) for x in ys]`, `a.append(1) or b.append(2)`: a method that
    changes a variable's list or dict inside a larger expression statement (only a statement of its own changes it
    on the machine; the translated expression would compute a value and drop the change)."""
    for n in walk(v):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in MUTATORS:
            base = n.func.value
            while isinstance(base, ast.Subscript):
                base = base.value
            if isinstance(base, ast.Name) and base.id in builder.vars:
                call = f"{builder.src(n.func.value)}.{n.func.attr}()"
                raise builder.fail(n, f"{call} inside a larger expression statement changes {base.id!r} in Python; "
                                      "the machine would drop the change",
                                   f"write it as a statement of its own: if c: {call[:-1]}...), or a for loop "
                                   "for a comprehension")


def mutate_method(builder: FunctionLowerer, call: ast.Call) -> None:
    """``x.append(v)``, ``d["k"].extend(v)``, ``x.update(e)``: the new value is stored back into the target."""
    meth = call.func.attr
    target = call.func.value
    if len(call.args) != 1 or call.keywords:
        raise builder.fail(call, f"{meth}() takes exactly one argument here", f"write x.{meth}(value)")
    check_target(builder, target)
    if meth == "update":
        _refuse_update_pairs(builder, call.args[0])
    arg = builder.prepare(call.args[0])
    types = (builder.tr.static_type(as_load(target)), _value_type(builder, call.args[0], arg)) \
        if meth == "append" else ()
    for i in range(len(builder.frontier)):
        _mutate_exit(builder, i, meth, target, arg, types)


def _mutate_exit(builder: FunctionLowerer, i: int, meth: str, target: ast.expr, arg: ast.expr, types: tuple) -> None:
    for _ in range(2):  # again after assigned_before changed the exit
        ex = builder.frontier[i]
        cur = builder.render(as_load(target), ex.env)
        val = builder.render(arg, ex.env)
        if meth == "append":
            new = append(cur, val, *types)
        elif meth == "extend":
            new = extend(cur, val)
        else:
            new = T('$type($0) = "object" and $type($1) = "object" ? $merge([$2, $3]) : '
                    '$error("TypeError: update() needs dicts")', paren(cur), paren(val), cur, val)
        updates: dict[str, Expr] = {}
        bind_target(builder, target, new, ex.env, updates)
        if _ == 0 and assigned_before.before(builder, i, updates.values()):
            continue
        for v in updates.values():
            builder.note_line(v)
        ex.env.update(updates)
        return


_PAIRS = (ast.List, ast.Tuple, ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.Set)


def _refuse_update_pairs(builder: FunctionLowerer, value: ast.expr) -> None:
    """``d.update(pairs)``: Python takes an iterable of key-value pairs too; the machine merges objects only (and
    would fail at run time where Python succeeds), so a value known to be a sequence is refused here."""
    if isinstance(value, _PAIRS) or builder.tr.static_type(value) in ("list", "tuple", "str"):
        raise builder.fail(value, "update() with key-value pairs is not supported (the machine merges dicts only)",
                           "write d.update(dict(pairs)), or assign each key: d[k] = v")


def _value_type(builder: FunctionLowerer, value: ast.expr, prepared: ast.expr) -> str | None:
    """The static type of `value`: a step call's is its annotated result (held to it at the step boundary)."""
    if isinstance(value, ast.Call) and builder.classify(value) == "step":
        return builder.step_types.get(value.func.id)  # type: ignore[attr-defined]
    if type(prepared) is ast.Name and prepared.id in builder.synthetic and not prepared.__dict__.get(MAY_TUPLE):
        # a synthetic value of a known type (str(e) of a caught error): the type the translation of the name gives
        # it (_tr_Name), without rendering the value only to throw it away
        t = builder.synthetic_types.get(prepared.id)
        if t is not None:
            return "tuple" if t == "tuple" else t if t in _STATIC_TYPES else None
    return builder.tr.static_type(prepared)


def transform_assign(builder: FunctionLowerer, st: ast.Assign) -> None:
    value = builder.prepare(st.value)
    for t in st.targets:
        check_target(builder, t)
    t0 = st.targets[0]
    if len(st.targets) == 1 and isinstance(t0, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) \
            and len(t0.elts) == len(value.elts) and not any(isinstance(e, ast.Starred) for e in value.elts):
        # a, b = b, a: every value is computed before any is assigned, as in Python
        for i in range(len(builder.frontier)):
            _assign_exit(builder, i, lambda env: _bind_pairs(builder, t0, value, env), value)
        return
    if len(st.targets) == 1 and type(t0) is ast.Name:  # x = v (most assignments): bind_target's first case
        var = builder.vars[t0.id]
        for i in range(len(builder.frontier)):  # (_assign_exit, in place)
            new = builder.render(value, builder.frontier[i].env)
            if assigned_before.before(builder, i, (new,)):
                new = builder.render(value, builder.frontier[i].env)
            overwrite(builder, builder.frontier[i].env, {var: new}, value)
        return
    for i in range(len(builder.frontier)):
        _assign_exit(builder, i, lambda env: _bind_all(builder, st.targets, builder.render(value, env), env), value)


def _bind_pairs(builder: FunctionLowerer, t0, value, env: dict[str, Expr]) -> dict[str, Expr]:
    updates: dict[str, Expr] = {}
    for sub_t, sub_v in zip(t0.elts, value.elts):
        bind_target(builder, sub_t, builder.render(sub_v, env), env, updates)
    return updates


def _bind_all(builder: FunctionLowerer, targets, rendered: Expr, env: dict[str, Expr]) -> dict[str, Expr]:
    updates: dict[str, Expr] = {}
    for t in targets:
        bind_target(builder, t, rendered, env, updates)
    return updates


def _assign_exit(builder: FunctionLowerer, i: int, bind, value: ast.expr) -> None:
    """The new values of the statement on frontier[i], bound there (rendered again on the exit assigned_before
    gives, where the values pending before them must be assigned first)."""
    updates = bind(builder.frontier[i].env)
    if assigned_before.before(builder, i, updates.values()):
        updates = bind(builder.frontier[i].env)
    overwrite(builder, builder.frontier[i].env, updates, value)


def transform_ann_assign(builder: FunctionLowerer, st: ast.AnnAssign) -> None:
    if st.value is None:
        return
    transform_assign(builder, ast.copy_location(ast.Assign(targets=[st.target], value=st.value), st))


def transform_aug_assign(builder: FunctionLowerer, st: ast.AugAssign) -> None:
    check_target(builder, st.target)
    # x op= v has the value of x op v (lists too: += extends in place, which is the same value). Python reads the
    # target before it evaluates v: the hoisting evaluates a read that can fail (d["k"] += step(x)) before a step.
    combined = ast.BinOp(left=as_load(st.target), op=st.op, right=st.value)
    ast.copy_location(combined, st)
    setattr(combined, INPLACE, True)
    combined = builder.prepare(combined)
    for i in range(len(builder.frontier)):
        _assign_exit(builder, i, lambda env: _bind_all(builder, [st.target], builder.render(combined, env), env),
                     combined)


def check_target(builder: FunctionLowerer, t: ast.expr) -> None:
    if isinstance(t, ast.Name):
        if t.id not in builder.vars:
            raise builder.fail(t, f"cannot assign {t.id!r} here", "assign local variables only")
        return
    if isinstance(t, (ast.Tuple, ast.List)):
        for e in t.elts:
            if isinstance(e, ast.Starred):
                raise builder.fail(e, "starred assignment targets are not supported",
                                   "unpack with explicit indexes")
            check_target(builder, e)
        return
    if isinstance(t, ast.Subscript):
        base = t
        while isinstance(base, ast.Subscript):
            if isinstance(base.slice, ast.Slice):
                raise builder.fail(base, "slice assignment is not supported", "build a new list instead")
            base = base.value
        if isinstance(base, ast.Name) and base.id in builder.vars:
            return
        if isinstance(base, ast.Name) and base.id in builder.outer:
            raise builder.fail(t, f"mutation of outer variable {base.id!r} inside a parallel branch",
                               "return the value from the branch and combine the results after sfn.parallel")
        raise builder.fail(t, "item assignment needs a local variable on the left", "write d[key] = value")
    if isinstance(t, ast.Attribute):
        raise builder.fail(t, "attribute assignment is not supported in a workflow",
                           "use a dict: d['field'] = value")
    raise builder.fail(t, "unsupported assignment target", "assign to a name")


def bind_target(builder: FunctionLowerer, t: ast.expr, value: Expr, env: dict[str, Expr],
                out: dict[str, Expr]) -> None:
    """Record in ``out`` the new values of the variables that ``t = <value>`` assigns (all in env's context)."""
    if isinstance(t, ast.Name):
        out[builder.vars[t.id]] = value
        return
    if isinstance(t, (ast.Tuple, ast.List)):
        n = len(t.elts)
        holder = builder.syn(lambda v=value: T(
            '($pyawssfn_t := $0; $type($pyawssfn_t) = "array" and $count($pyawssfn_t) = $1 ? $pyawssfn_t : $2)',
            v, lit(n), err(f"ValueError: expected {n} values to unpack")))
        for i, e in enumerate(t.elts):
            idx = ast.Subscript(value=holder, slice=ast.Constant(value=i), ctx=ast.Load())
            bind_target(builder, e, builder.render(idx, env), env, out)
        return
    if isinstance(t, ast.Subscript):
        base = t.value
        key = t.slice
        # earlier targets of the same statement (d["a"], d["b"] = 1, 2) are already in `out`; Python assigns
        # the targets left to right, so the key sees them too (`i, xs[i] = 1, 9` sets xs[1])
        current = {**env, **out}
        container = builder.render(as_load(base), current)
        k = builder.render(key, current)
        new = setitem(container, k, value)
        bind_target(builder, base, new, env, out)
        return
    raise builder.fail(t, "unsupported assignment target", "assign to a name")


def surely_read(builder: FunctionLowerer, node: ast.expr) -> set[str]:
    """The variables an expression always reads (not under and/or, if-else or a comprehension)."""
    out: set[str] = set()
    _surely_walk(builder.vars, node, out)
    return out


_NOT_SURELY = (ast.BoolOp, ast.IfExp, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)


def _surely_walk(names: dict[str, str], n: ast.AST, out: set[str]) -> None:
    """(a module-level function, not a recursive closure: that is a reference cycle the cyclic GC has to free)"""
    if isinstance(n, _NOT_SURELY):
        return
    if isinstance(n, ast.Name):
        if n.id.startswith("\x00var:"):
            out.add(n.id[5:])
        elif n.id in names:
            out.add(names[n.id])
    for c in child_nodes(n):
        _surely_walk(names, c, out)


def overwrite(builder: FunctionLowerer, env: dict[str, Expr], updates: dict[str, Expr],
              value: ast.expr | None) -> None:
    """env.update(updates), except that a pending value that can fail and that the new value does not surely
    evaluate is kept under a throwaway variable: Python evaluated it, so its error must still happen."""
    surely: set[str] | None = None  # read only when a pending value that can fail is overwritten
    for k, new in updates.items():
        old = env.get(k)
        if old is None or old == new or not can_fail(old):
            continue
        if surely is None:
            surely = surely_read(builder, value) if value is not None else set()
        if k in surely:
            continue
        env[throwaway(builder)] = old
    for v in updates.values():
        builder.note_line(v)  # the statement's value, a wrapper of what it rendered (setitem, append, ...)
    env.update(updates)


def throwaway(builder: FunctionLowerer) -> str:
    """pyawssfn_check_1, _2, ...: the first free one (a search from 1 on every call was quadratic in their number)."""
    return builder.s.names.first_free("pyawssfn_check")


def transform_if(builder: FunctionLowerer, st: ast.If) -> None:
    chain = [(st.test, st.body)]
    orelse = st.orelse
    covered = builder.cover() is not None
    while len(orelse) == 1 and isinstance(orelse[0], ast.If) and not needs_states(builder, orelse[0].test) \
            and not covered:
        chain.append((orelse[0].test, orelse[0].body))
        orelse = orelse[0].orelse
    tests = [builder.prepare(chain[0][0])] + [builder.prepare(t) for t, _ in chain[1:]]
    assigned_before.ahead(builder, tests[:1])
    if covered and any(can_fail(builder.condition(tests[0], ex.env)) for ex in builder.frontier):
        # a Choice has no Catch: a test that can fail inside a try is evaluated by a state that has one
        tmp = builder.fresh("test")
        for ex in builder.frontier:
            ex.env[tmp] = builder.condition(tests[0], ex.env)
        tests[0] = builder.var_name(tmp)
    choice = Choice("if " + describe_source(builder.src(st.test), 77), st.lineno)
    # Assignments still pending at the very start go on every path (a Choice's own Assign is not applied
    # when a rule with its own Assign matches).
    env = builder.connect(choice)
    exits: list[Exit] = []
    for i, (test, (source_test, body)) in enumerate(zip(tests, chain)):
        r = Rule(builder.condition(test, env))
        if i == 0 and not covered:
            r.condition = _pending_first(builder, test, env, r.condition)
        choice.rules.append(r)
        builder.frontier = [Exit(r, dict(env))]
        builder.lower_narrowed(body, [t for t, _ in chain[:i]], source_test)  # types: x is not None, isinstance
        exits += builder.frontier
    builder.frontier = [Exit(DefaultOf(choice), dict(env))]
    builder.lower_narrowed(orelse, [t for t, _ in chain], None)
    builder.frontier = exits + builder.frontier


def _pending_first(builder: FunctionLowerer, test: ast.expr, env: dict[str, Expr], condition: Expr) -> Expr:
    """The first condition evaluates the pending assignments that can fail before the test, as Python did (each
    rule's Assign and the Default's still write them, and, since the condition succeeded, without their guards:
    state_simplify.py), instead of every Assign checking them again."""
    read = surely_read(builder, test)
    pending = [v for k, v in env.items() if k not in read and can_fail(v)]
    if not pending:
        return condition
    return Block(tuple(pending) + (condition,))


def needs_states(builder: FunctionLowerer, node: ast.expr) -> bool:
    for n in walk(node):
        if isinstance(n, ast.Call) and builder.classify(n):
            return True
    return False


def transform_function_def(builder: FunctionLowerer, st: ast.FunctionDef) -> None:
    if st.decorator_list:
        raise builder.fail(st, "nested functions cannot be decorated", "remove the decorator")
    builder.nested_defs[st.name] = st
    for n in walk(st):
        if isinstance(n, (ast.Nonlocal, ast.Global)):
            raise builder.fail(n, f"{type(n).__name__.lower()} is not supported in a workflow",
                               "return the value from the branch instead")


def transform_assert(builder: FunctionLowerer, st: ast.Assert) -> None:
    exc = ast.Call(func=ast.Name(id="AssertionError", ctx=ast.Load()), args=[st.msg] if st.msg else [],
                   keywords=[])
    stmt = ast.If(test=ast.UnaryOp(op=ast.Not(), operand=st.test),
                  body=[ast.Raise(exc=exc, cause=None)], orelse=[])
    ast.copy_location(stmt, st)
    for n in walk(stmt):
        if not hasattr(n, "lineno"):
            ast.copy_location(n, st)
    transform_if(builder, stmt)
