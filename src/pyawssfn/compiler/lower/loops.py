"""while and for loops: a Choice at the loop head, the body looping back to it, break and continue through the
loop's control."""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from pyawssfn.compiler.expressions import NotConstant
from pyawssfn.compiler.expressions.build import T, chars
from pyawssfn.compiler.ir import Choice, DefaultOf, Exit, Node, Rule
from pyawssfn.compiler.lower import assigned_before, errors, statements
from pyawssfn.compiler.lower.nonlocalcontrol import LoopNonlocalControl
from pyawssfn.compiler.lower.support import paren
from pyawssfn.compiler.naming import describe_source
from pyawssfn.jsonata.tree import FALSE, Binary, Expr, Filter, Num, Var, and_, lit

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer


def transform_while(builder: FunctionLowerer, st: ast.While) -> None:
    builder.materialize_start()
    errors.settle(builder)   # a state it adds must come before the loop head, not be the head
    mark = len(builder.graph.nodes)
    builder.loop_test_mark = mark  # what the test evaluates first is the loop's head (hoisting, evaluated first)
    try:
        test = builder.prepare(st.test)
    finally:
        builder.loop_test_mark = None
    choice = Choice("while " + describe_source(builder.src(st.test), 74), st.lineno)
    builder.connect(choice)
    head = builder.graph.nodes[mark]
    r = Rule(builder.condition(test, {}))
    choice.rules.append(r)
    loop_body(builder, st, head, [Exit(r, {})], DefaultOf(choice))


def loop_body(builder: FunctionLowerer, st: ast.While | ast.For, head: Node, body_entry: list[Exit],
              default: DefaultOf) -> None:
    loop = LoopNonlocalControl()
    builder.push_control(loop)
    builder.frontier = body_entry
    try:
        builder.lower_block(st.body)
    finally:
        builder.pop_control()
    errors.settle(builder)
    for ex in builder.frontier + loop.continues:
        builder.flush(ex, head)
    builder.frontier = [Exit(default, {})]
    builder.lower_block(st.orelse)
    builder.frontier += loop.breaks


Render = Callable[[dict[str, Expr]], Expr]   # env -> JSONata


@dataclass
class _Iteration:
    """How a for loop walks its iterable: the variables assigned once before the loop (Python evaluates the
    iterable once), the loop head's test, the counter's next value, and (target, JSONata) for each iteration."""
    init: list[tuple[str, Render]] = field(default_factory=list)
    cond: Expr = FALSE
    advance: Expr = FALSE
    values: list[tuple[ast.expr, Expr]] = field(default_factory=list)


def transform_for(builder: FunctionLowerer, st: ast.For) -> None:
    it = st.iter
    statements.check_target(builder, st.target)
    i = builder.fresh("i")
    fname = it.func.id if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and \
        it.func.id not in builder.vars else None
    if fname == "range" and 1 <= len(it.args) <= 3 and not it.keywords:
        plan = _range_iteration(builder, it, i, st.target)
    else:
        plan = _sequence_iteration(builder, it, i, st.target, fname)
    for k in range(len(builder.frontier)):
        upd = {var: fn(builder.frontier[k].env) for var, fn in plan.init}
        if assigned_before.before(builder, k, upd.values()):  # the iterable can fail: F70
            upd = {var: fn(builder.frontier[k].env) for var, fn in plan.init}
        builder.frontier[k].env.update(upd)
    builder.materialize_start()
    choice = Choice("for " + describe_source(builder.src(st.target) + " in " + builder.src(it), 76),
                  st.lineno)
    builder.connect(choice)
    r = Rule(plan.cond)
    choice.rules.append(r)
    env: dict[str, Expr] = {}
    for t, code in plan.values:
        statements.bind_target(builder, t, code, {}, env)
    env[i] = plan.advance
    loop_body(builder, st, choice, [Exit(r, env)], DefaultOf(choice))


def _rendered(builder: FunctionLowerer, node: ast.expr) -> Render:
    return lambda env: builder.render(node, env)


def _iterated(builder: FunctionLowerer, node: ast.expr) -> Render:
    marker = IterMarker(node)  # one for every exit: its static type is found once
    return lambda env: marker.resolve(builder, env)


def _range_iteration(builder: FunctionLowerer, it: ast.Call, i: str, target: ast.expr) -> _Iteration:
    args = [builder.prepare(a) for a in it.args]
    start, stop = (ast.Constant(value=0), args[0]) if len(args) == 1 else (args[0], args[1])
    step = args[2] if len(args) == 3 else ast.Constant(value=1)
    try:
        step_const = builder.tr.literal_value(step)
    except NotConstant:
        step_const = None
    if step_const == 0 or not isinstance(step_const, (int, type(None))):
        raise builder.fail(it, "range() step must be a non-zero integer", "use a non-zero step")
    stop_v, step_v = builder.fresh("stop"), builder.fresh("step")
    plan = _Iteration([(i, _rendered(builder, start)), (stop_v, _rendered(builder, stop))])
    if step_const is None:
        plan.init.append((step_v, lambda env: T(
            '($pyawssfn_s := $0; $pyawssfn_s = 0 ? $error("ValueError: range() arg 3 must not be zero") : '
            '$pyawssfn_s)', builder.render(step, env))))
        plan.cond = T("($0 > 0 and $1 < $2) or ($0 < 0 and $1 > $2)", Var(step_v), Var(i), Var(stop_v))
        plan.advance = Binary("+", Var(i), Var(step_v))
    else:
        plan.cond = Binary("<" if step_const > 0 else ">", Var(i), Var(stop_v))
        plan.advance = Binary("+", Var(i), lit(step_const))
    plan.values = [(target, Var(i))]
    return plan


def _sequence_iteration(builder: FunctionLowerer, it: ast.expr, i: str, target: ast.expr,
                        fname: str | None) -> _Iteration:
    """A loop over a list (or what Python iterates as one: a dict's keys, a string's characters): enumerate, zip
    and dict.items()/keys()/values() index the sequences with the same counter."""
    meth = it.func.attr if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and not it.args \
        else None
    seq = builder.fresh("seq")
    plan = _Iteration(cond=T("$0 < $count($1)", Var(i), Var(seq)), advance=Binary("+", Var(i), _ONE))
    if fname == "enumerate" and 1 <= len(it.args) <= 2 and not it.keywords:
        plan.init += [(i, _zero), (seq, _iterated(builder, builder.prepare(it.args[0])))]
        start = 0
        if len(it.args) == 2:
            try:
                start = builder.tr.literal_value(it.args[1])
            except NotConstant:
                raise builder.fail(it.args[1], "enumerate start must be a constant", "write enumerate(xs, 1)")
        idx = Var(i) if not start else Binary("+", Var(i), lit(start))
        plan.values = pair_values(builder, target, [idx, Filter(Var(seq), Var(i))])
    elif fname == "zip" and len(it.args) >= 2 and not it.keywords:
        seqs = [builder.fresh("seq") for _ in it.args]
        plan.init.append((i, _zero))
        for sv, a in zip(seqs, it.args):
            plan.init.append((sv, _iterated(builder, builder.prepare(a))))
        plan.cond = and_(*[T("$0 < $count($1)", Var(i), Var(sv)) for sv in seqs])
        plan.values = pair_values(builder, target, [Filter(Var(sv), Var(i)) for sv in seqs])
    elif meth in ("items", "keys", "values"):
        _dict_iteration(builder, plan, it.func.value, meth, i, seq, target)
    else:
        plan.init += [(i, _zero), (seq, _iterated(builder, builder.prepare(it)))]
        plan.values = [(target, Filter(Var(seq), Var(i)))]
    return plan


def _dict_iteration(builder: FunctionLowerer, plan: _Iteration, dict_node: ast.expr, meth: str, i: str, seq: str,
                    target: ast.expr) -> None:
    d = builder.fresh("dict")
    dict_ast = builder.prepare(dict_node)
    plan.init += [(i, _zero), (d, _rendered(builder, dict_ast)),
                  (seq, lambda env: keys_code(builder.render(dict_ast, env)))]
    key = Filter(Var(seq), Var(i))
    val = T("$lookup($0, $1)", Var(d), key)
    if meth == "items":
        plan.values = pair_values(builder, target, [key, val])
    else:
        plan.values = [(target, key if meth == "keys" else val)]


def pair_values(builder: FunctionLowerer, target: ast.expr, codes: list[Expr]) -> list[tuple[ast.expr, Expr]]:
    if isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == len(codes):
        return list(zip(target.elts, codes))
    items = [builder.syn(lambda c=c: c) for c in codes]
    whole = builder.render(ast.List(elts=items, ctx=ast.Load()), {})
    return [(target, whole)]


class IterMarker:
    """An iterable expression whose JSONata is rendered late, in the env of each exit."""

    def __init__(self, node: ast.expr):
        self.node = node
        self._type: str | None = _UNKNOWN  # type: ignore[assignment]  # the node's static type, once asked

    def static_type(self, builder: FunctionLowerer) -> str | None:
        """The node's static type: the same on every exit (it depends on the types of the names it reads, not on
        the values pending there)."""
        if self._type is _UNKNOWN:
            self._type = builder.tr.static_type(self.node)
        return self._type

    def resolve(self, builder: FunctionLowerer, env: dict[str, Expr]) -> Expr:
        node = self.node
        if getattr(node, "direct", False):
            return builder.render(node, env)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" and \
                1 <= len(node.args) <= 2 and not node.keywords and node.func.id not in builder.vars:
            a = [builder.render(x, env) for x in node.args]
            lo, hi = (_ZERO, a[0]) if len(a) == 1 else (a[0], a[1])
            return T("($0 < $1 ? [$2..$1 - 1] : [])", paren(lo), paren(hi), lo)
        if isinstance(node, (ast.List, ast.Tuple)):
            return builder.render(node, env)
        code = builder.render(node, env)
        if self.static_type(builder) == "list":  # types: a list already (an annotated step's, sfn.map's result)
            return code
        return T('($pyawssfn_it := $0; $type($pyawssfn_it) = "array" ? $pyawssfn_it : $type($pyawssfn_it) = "object" '
                 '? [$keys($pyawssfn_it)] : $type($pyawssfn_it) = "string" ? $1 : '
                 '$error("TypeError: object is not iterable"))', code, chars(Var("pyawssfn_it")))


def keys_code(d: Expr) -> Expr:
    return T('($pyawssfn_d := $0; $type($pyawssfn_d) = "object" ? [$keys($pyawssfn_d)] : '
             '$error("TypeError: items() needs a dict"))', d)


_ZERO, _ONE = Num("0"), Num("1")
_UNKNOWN: Any = object()


def _zero(env: dict[str, Expr]) -> Expr:
    return _ZERO
