"""sfn.map(step, items, ...) and [step(...) for x in xs if ...] as a Map state whose item processor is the step."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from pyawssfn.compiler.astwalk import walk
from pyawssfn.compiler.expressions import NotConstant
from pyawssfn.compiler.frontend import StepInfo, max_concurrency
from pyawssfn.compiler.ir import Graph, Map, Template
from pyawssfn.compiler import distributed_map
from pyawssfn.compiler.lower import binding, calls, errors
from pyawssfn.compiler.lower.branch_errors import leave_item
from pyawssfn.compiler.lower.loops import IterMarker
from pyawssfn.compiler.expressions.build import T, single
from pyawssfn.compiler.expressions.containers import KNOWN_NOT_LIST
from pyawssfn.compiler.expressions.core import MAY_TUPLE
from pyawssfn.compiler.lower.support import call_arg, has_template, weak
from pyawssfn.compiler.naming import describe_source
from pyawssfn.jsonata.tree import Block, Expr, Var, and_, path

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer

_ITEM = path("states", "context", "Map", "Item", "Value")
_INPUT = path("states", "input")
_SHORT_NAME = 40


def map_api(builder: FunctionLowerer, call: ast.Call, var: str | None) -> None:
    _refuse_tuple_items(builder, call_arg(call, 1, "items"))
    if distributed_map.applies(builder, call):  # ItemReader/ItemBatcher/ResultWriter, tolerance expressions (#10)
        return distributed_map.lower(builder, call, var)
    step_arg = call_arg(call, 0, "step")
    items = call_arg(call, 1, "items")
    if not isinstance(step_arg, ast.Name) or step_arg.id not in builder.info.steps or items is None:
        raise builder.fail(call, "sfn.map needs a step of this module and a list of items",
                           "write sfn.map(step, items, max_concurrency=10)")
    step = builder.info.steps[step_arg.id]
    opts = {kw.arg: kw.value for kw in call.keywords if kw.arg not in ("step", "items")}
    for i, extra in enumerate(call.args[2:]):
        opts[["max_concurrency", "tolerated_failures", "tolerated_failure_percentage", "distributed"][i]] = extra
    consts: dict[str, Any] = {}
    for k, v in opts.items():
        if k not in ("max_concurrency", "tolerated_failures", "tolerated_failure_percentage", "distributed"):
            raise builder.fail(v, f"unknown sfn.map option {k!r}",
                               "use max_concurrency=, tolerated_failures=, tolerated_failure_percentage=, distributed=")
        try:
            consts[k] = builder.info.static_value(v, builder.tr.literal_value)
        except NotConstant:
            if k != "max_concurrency":
                raise builder.fail(v, f"sfn.map {k}= must be a literal or a module-level constant", f"write {k}=10")
            consts[k] = builder.prepare(v)  # MaxConcurrency takes a JSONata expression (_emit_map)
    if not consts.get("distributed") and (consts.get("tolerated_failures") is not None or
                                          consts.get("tolerated_failure_percentage") is not None):
        raise builder.fail(call, "tolerated failures need a distributed Map (an inline Map fails with its first "
                                 "failed item)", "pass distributed=True, or catch the error inside the step")
    params = step.node.args.posonlyargs + step.node.args.args
    if not params:
        raise builder.fail(call, f"step {step.name!r} takes no parameter to receive the item",
                           "give the step one parameter")
    items_ast = builder.prepare(items)
    item = builder.syn(lambda: _ITEM)
    raw = items_ast
    known = builder.tr.static_type(raw) == "list"  # a list already (an annotated parameter, a step's result)
    b = weak(builder)
    items_ast = builder.syn(lambda: b.render(raw, b.cur_env) if known else T(
        '($pyawssfn_it := $0; $type($pyawssfn_it) = "array" ? $pyawssfn_it : $error("sfn.map needs a list of items"))',
        b.render(raw, b.cur_env)))
    items_ast.direct = True  # already the list: no Python-iteration conversion
    fake = ast.Call(func=step_arg, args=[item], keywords=[])
    ast.copy_location(fake, call)
    emit_map(builder, call, step, fake, items_ast, None, None, consts, var, map_name(builder.src(call), step.name))


def _refuse_tuple_items(builder: FunctionLowerer, items: ast.expr | None) -> None:
    """F76: sfn.map takes a list; given a tuple (a display, tuple(), a variable or a step's result that may be one)
    it raises under CPython, while the machine, holding the tuple as an array, maps it."""
    shape = getattr(items, MAY_TUPLE, "")
    if isinstance(items, ast.Tuple) or shape.startswith(("top", "tuple")) or (
            isinstance(items, ast.Call) and isinstance(items.func, ast.Name) and items.func.id == "tuple"):
        raise builder.fail(items, "sfn.map needs a list of items, and this may be a tuple (Python's sfn.map raises; "
                                  "the machine would map it)", "write a list: [a, b] or list(t)")


def map_name(source: str, step: str) -> str:
    """The Map state's name: the call as written when short, else the step it maps (the Comment gives the lines)."""
    text = describe_source(source)
    return text if len(text) <= _SHORT_NAME else f"sfn.map({step}, ...)"


def map_comprehension(builder: FunctionLowerer, comp: ast.ListComp) -> str | None:
    """``[step(...) for x in xs if cond]`` as a Map state, or None when the comprehension is not of that form."""
    if len(comp.generators) != 1:
        return None
    gen = comp.generators[0]
    elt = comp.elt
    if gen.is_async or not isinstance(gen.target, ast.Name) or not isinstance(elt, ast.Call) or \
            builder.classify(elt) != "step":
        return None
    for sub in [*elt.args, *(k.value for k in elt.keywords), *gen.ifs]:
        for n in walk(sub):
            if isinstance(n, ast.Call) and builder.classify(n):
                return None
    step = builder.info.steps[elt.func.id]
    seq_ast = builder.prepare(gen.iter)
    var = builder.fresh(step.name + "_results")
    emit_map(builder, comp, step, elt, seq_ast, gen.target.id, gen.ifs, {}, var,
             describe_source(builder.src(comp)))
    return var


def emit_map(builder: FunctionLowerer, src: ast.AST, step: StepInfo, call: ast.Call, seq_ast: ast.expr,
             loop_var: str | None, ifs: list[ast.expr] | None, consts: dict[str, Any], var: str | None,
             name: str) -> None:
    n = Map(name, src.lineno)
    covered = builder.cover() is not None  # a handler or finally around it sees an item's error
    env = builder.connect(n)
    seq = IterMarker(seq_ast).resolve(builder, env)
    if ifs:  # Items are the kept items (each kept as one item: build.single), in order
        v = Var("pyawssfn_v")
        cond = and_(*[Block((comp_condition(builder, c, loop_var, v, env),)) for c in ifs])
        n.items = Template(T("$reduce($0, function($1, $2) { $3 ? $append($1, $4) : $1 }, [])",
                             seq, Var("pyawssfn_acc"), v, cond, single(v)))
    else:
        n.items = Template(seq)
    item_code = _ITEM
    saved = builder.vars.get(loop_var) if loop_var else None
    if loop_var:
        builder.vars[loop_var] = "\x00item"
    ienv = dict(env)
    ienv["\x00item"] = item_code
    try:
        bound = binding.bind(builder, call, step.node.args, step.name)
        selector = {p: builder.value_field(v, ienv) for p, v in bound.items()}
    finally:
        if loop_var:
            if saved is None:
                del builder.vars[loop_var]
            else:
                builder.vars[loop_var] = saved
    inner = calls.lambda_task(builder, step.name + " (item)", src.lineno, step, None)
    inner.arguments = {"FunctionName": calls.function_arn(builder),
                       "Payload": {"step": step.name, "kwargs": _kwargs(n, selector), **calls.context_field(builder)}}
    inner.output = path("states", "result", "Payload")
    inner.end = True
    n.processor = Graph([inner], inner)
    errors.leave_branch(n.processor, inner, src.lineno)  # an item's timeout leaves it renamed, as a branch's
    n.distributed = bool(consts.get("distributed"))
    if covered and not n.distributed:  # and so does its result over the size quota (a child execution's is its own)
        leave_item(n.processor, inner, src.lineno)
    if isinstance(consts.get("max_concurrency"), ast.AST):
        n.max_concurrency = Template(max_concurrency(builder.render(consts["max_concurrency"], env)))
    elif consts.get("max_concurrency"):
        n.max_concurrency = consts["max_concurrency"]
    if consts.get("tolerated_failures") is not None:
        n.tolerated_failure_count = consts["tolerated_failures"]
    if consts.get("tolerated_failure_percentage") is not None:
        n.tolerated_failure_percentage = consts["tolerated_failure_percentage"]
    result = path("states", "result")
    if n.tolerated_failure_count is not None or n.tolerated_failure_percentage is not None:
        result = tolerated_results(builder.step_types.get(step.name))
    calls.result_into(builder, n, env, var, result)


def tolerated_results(step_type: Any) -> Expr:
    """The Map's results as sfn.map gives them: a failed item's result is its error output {Error, Cause}, given
    the step's message as Cause (a Lambda error's Cause is the runtime's error JSON, whose errorMessage is str(e);
    any other Cause, a Lambda service error's text, is kept). The items are kept one each: `[$map(...)]` when the
    step's result is known never to be a list (nor is an error object), else a `$reduce` that wraps each."""
    r = Var("r")
    fixed = T('$type($0) = "object" and $count($keys($0)) = 2 and $exists($0.Error) and $type($0.Cause) = "string" '
              '? {"Error": $0.Error, "Cause": ($1 := $0.Cause; $substring($1, 0, 1) = "{" and '
              '$contains($1, "\\"errorMessage\\"") ? ($2 := $parse($1); $type($2.errorMessage) = "string" ? '
              '$2.errorMessage : $1) : $1)} : $0', r, Var("c"), Var("p"))
    if step_type in KNOWN_NOT_LIST:
        return T("[$map($states.result, function($0) { $1 })]", r, fixed)
    v = Var("v")
    return T("$reduce($states.result, function($0, $1) { ($2 := $3; $append($0, $4)) }, [])",
             Var("acc"), r, v, fixed, single(v))


def _kwargs(n: Map, selector: dict[str, Any]) -> Any:
    """The item Task's kwargs. When every argument is the item itself or a constant, the Task's input is the item
    (no ItemSelector) and the Task writes the arguments; otherwise the ItemSelector builds them (it reads the
    workflow's variables, which a child execution's Task cannot) and the Task passes its input on."""
    item = Template(_ITEM)
    if all(v == item or not has_template(v) for v in selector.values()):
        return {p: Template(_INPUT) if v == item else v for p, v in selector.items()}
    n.item_selector = selector
    return Template(_INPUT)


def comp_condition(builder: FunctionLowerer, cond: ast.expr, loop_var: str, elem: Expr,
                   env: dict[str, Expr]) -> Expr:
    saved = builder.vars.get(loop_var)
    builder.vars[loop_var] = "\x00elem"
    try:
        e = dict(env)
        e["\x00elem"] = elem
        return builder.condition(builder.prepare(cond), e)
    finally:
        if saved is None:
            del builder.vars[loop_var]
        else:
            builder.vars[loop_var] = saved
