"""Error routing: where an error raised here goes (the cover), the Catch clauses of a state, the Retry of a Lambda
step, and the states that evaluate pending values under the right Catch."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyawssfn.compiler.frontend import RetrySpec, StepInfo
from pyawssfn.compiler.error_names import RESERVED
from pyawssfn.compiler.ir import (
    _CONTEXT_FIELDS, Catcher, Exit, Fail, Graph, Map, Node, Parallel, Pass, StartHolder, Succeed, Task, Template,
    can_fail, evaluates, replace_context, substitute_variables, variables,
)
from pyawssfn.compiler.expressions.build import T
from pyawssfn.compiler.lower import controlflow, statements
from pyawssfn.compiler.lower.nonlocalcontrol import Handler
from pyawssfn.compiler.lower.support import CAUGHT, CHANGING, LAMBDA_INVOKE
from pyawssfn.jsonata.printer import to_text
from pyawssfn.jsonata.tree import Dot, Expr, Var, lit, path, states_field

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer

TRANSIENT_ERRORS = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                    "Lambda.TooManyRequestsException"]


def settle(builder: FunctionLowerer, change: bool = False) -> None:
    """Pending assignments that can fail are folded into the state that precedes them only when that state's
    Catch sends their error where Python's handlers would (the same cover); otherwise they are evaluated in a
    state of their own with the right Catch: a Pass where nothing catches, else a Map over no items (Pass and
    Choice states have no Catch)."""
    cov = builder.cover()
    settled = []
    for ex in builder.frontier:
        if not ex.env:
            settled.append(ex)  # nothing pending
            continue
        # A missing input field fails the call of the workflow in Python, before its body: no handler may see it.
        # So a parameter read needs no cover of its own: it is evaluated where no handler's Catch is (the first
        # state's Assign, or its Catch's Assign when that state fails, which ends the execution), and that state
        # need not be a Pass before a try (a try at the start of the workflow costs no state).
        start = isinstance(ex.holder, StartHolder)
        # the start's pending values move into the first state, which has the current cover, unless the
        # cover is about to change
        holder_cover = ex.holder.cover if isinstance(ex.holder, Node) else (CHANGING if start and change
                                                                            else None)
        # LocalStack's Parallel does not catch an error thrown in its own Assign (tests/engines known.py)
        # (the holder's cover first: the search of a value no state evaluates yet is needed only where it differs)
        if holder_cover == cov and not uncaught_assign(ex.holder) or _first_unsettled(builder, ex) is None:
            # the holder evaluates them when they are flushed into its Assign, whatever the cover is by then
            builder.settled(ex.holder, ex.env.values())
            settled.append(ex)
            continue
        if start and cov is None:
            p = builder.start_state(dict(ex.env))
            builder.settled(p, ex.env.values())
            settled.append(Exit(p, dict(ex.env)))
            continue
        settled.append(_move(builder, ex, cov, start))
    builder.frontier = settled


def pin(builder: FunctionLowerer) -> None:
    """At the end of a try body (settled under its cover): the pending values of an exit whose state has the try's
    Catch, when one of them can fail, are assigned by that state now. Left pending, a later statement (the else or
    finally clause, the code after the try) would fold them into its own value (`res.append(r["v"])` then
    `res.append("else")` is one expression), evaluated by a state outside the try's handlers: an error of the
    body escaped them."""
    cov = builder.cover()
    out = []
    for ex in builder.frontier:
        h = ex.holder
        if ex.env and cov is not None and isinstance(h, Node) and h.cover == cov and any(
                can_fail(v) and not builder.is_param_read(v) for v in ex.env.values()):
            h.assign.update(ex.env)
            builder.assign_lines(h, ex.env)
            ex = Exit(h, {})
        out.append(ex)
    builder.frontier = out


def _first_unsettled(builder: FunctionLowerer, ex: Exit) -> Expr | None:
    """The first pending value of `ex` that can fail and that no state evaluates yet (a parameter read aside).
    (The caught error output, $states.errorOutput, cannot fail: a field of $states.)"""
    got = builder.checked.get(id(ex.holder))
    ids, kept = got if got is not None else ((), ())
    is_param_read = builder.is_param_read
    for v in ex.env.values():
        if id(v) in ids or not can_fail(v) or is_param_read(v) or v in kept:
            continue
        return v
    return None


def uncaught_assign(holder) -> bool:
    """A Parallel with a Catch: LocalStack does not catch an error thrown in its Assign (even outside any try, its
    shared-Fail route would then be taken on ours only), so a value that can fail does not go there."""
    return isinstance(holder, Parallel) and bool(holder.catch)


def _move(builder: FunctionLowerer, ex: Exit, cov, start: bool, again: Any = ()) -> Exit:
    """Evaluate the pending values of ``ex`` in a state of their own under the cover ``cov``; its Catch assigns
    the variables ``again`` too (values that cannot fail, assigned in Python before the failing one: F70)."""
    # all of them move: a later value may read an earlier one's variable as it was before the holder
    keep, rest, recheck = {}, dict(ex.env), {}
    if start:
        # the new state is the first one and reads the execution input itself; a parameter read failing there is
        # read again by its Catch's Assign, which ends the execution before any handler (tests/engines RELIED)
        recheck = {k: v for k, v in ex.env.items() if builder.is_param_read(v)}
    else:
        # the parameter reads are checked where they are (the first state's Assign), not under this cover
        for k, v in ex.env.items():
            if builder.is_param_read(v):
                keep[k] = rest.pop(k)
        _keep_settled(builder, ex.holder, keep, rest)
        for p in sorted(builder.param_reads, key=to_text):  # in the order of their text, as they always were
            if p not in keep.values() and any(evaluates(p, v) for v in rest.values()):
                keep[statements.throwaway(builder)] = p
        # values of the holder's own context ($states.result after a Task, ...) are handed over in a variable
        # (a value that does not read the field is left as it is: replace_context would give it back itself)
        refs = {k: _context_refs(v) for k, v in rest.items()}
        for ref in sorted(set().union(*refs.values())):
            tmp = builder.fresh("handover")
            keep[tmp] = path("states", ref)
            rest = {k: _handed_over(v, ref, tmp) if ref in refs[k] else v for k, v in rest.items()}
    recheck.update((k, rest[k]) for k in again if k in rest)
    line = builder.cur_line
    if cov is None:
        node: Node = Pass("evaluate", line)
    else:
        node, rest = evaluate_where_caught(builder, rest, line)
    builder.flush(Exit(ex.holder, keep), node)
    builder.add(node)
    if cov is not None:
        catchers(builder, node, recheck)
    # the values stay pending on the new state, whose Assign evaluates them (Output may read them too)
    builder.settled(node, rest.values())
    return Exit(node, rest)


def _keep_settled(builder: FunctionLowerer, holder: Any, keep: dict[str, Expr], rest: dict[str, Expr]) -> None:
    """The values `holder` was to evaluate under its own cover (settled there: `y = d["k"]` before a try, the
    item and index of a loop, a value computed in a try that ends) stay in its Assign, so an error goes where
    Python's would and the handlers see them assigned. A value left to the new state reads such a variable as it
    was before the holder: it reads a copy the holder takes of the old value."""
    mine = [k for k, v in rest.items() if builder.is_settled(holder, v)]
    if not mine:
        return
    reads: set[str] = set()
    for k, v in rest.items():
        if k not in mine:
            reads |= variables(v)
    old: dict[str, Expr] = {}
    for k in mine:
        if k in reads:
            tmp = builder.fresh("before")
            keep[tmp] = Var(k)
            old[k] = Var(tmp)
        keep[k] = rest.pop(k)
    if old:
        for k in list(rest):
            rest[k] = substitute_variables(rest[k], old)


first_unsettled, move = _first_unsettled, _move  # for assigned_before.py


# node -> (itself, ir.context_refs of it), found from its children's: a nested try moves the same pending values
# again at each level, and the hand-over walks only the parts that read the field
_REFS: dict[int, tuple[Expr, frozenset[str]]] = {}


def _context_refs(v: Expr) -> frozenset[str]:
    hit = _REFS.get(id(v))
    if hit is not None and hit[0] is v:
        return hit[1]
    own = states_field(v)
    refs = frozenset([own]) if own in _CONTEXT_FIELDS else frozenset()
    for c in v._child_list():
        refs = refs | _context_refs(c)
    if len(_REFS) >= 65536:
        _REFS.clear()
    _REFS[id(v)] = (v, refs)
    return refs


def _handed_over(v: Expr, ref: str, tmp: str) -> Expr:
    """replace_context(v, ref, tmp), the same tree, rebuilding only the parts that read `$states.<ref>` (the rest,
    which it gives back as they are, is not walked)."""
    if ref not in _context_refs(v):
        return v
    if type(v) is Dot and type(v.lhs) is Var and v.lhs.name == "states":  # type: ignore[attr-defined]
        return replace_context(v, ref, tmp)  # a read of $states (its predicates too)
    changes = {}
    for f in v._kids:
        c = getattr(v, f)
        new = _handed_over(c, ref, tmp) if isinstance(c, Expr) else _handed_tuple(c, ref, tmp) \
            if isinstance(c, tuple) else c
        if new is not c:
            changes[f] = new
    return v._replace(**changes) if changes else v


def _handed_tuple(xs: tuple, ref: str, tmp: str) -> tuple:
    out = tuple(_handed_over(x, ref, tmp) if isinstance(x, Expr) else _handed_tuple(x, ref, tmp)
                if isinstance(x, tuple) else x for x in xs)
    return xs if all(a is b for a, b in zip(out, xs)) else out


def evaluate_where_caught(builder: FunctionLowerer, values: dict[str, Expr], line: int) -> tuple[Node, dict[str, Expr]]:
    """A Map over no items, whose Assign evaluates `values` and whose Catch routes their error: Pass and Choice
    states have no Catch, and both engines catch an error of a Map's Assign (tests/engines RELIED), where LocalStack
    catches neither an error thrown in a Parallel's Assign nor a States.* error out of its branch. It is entered
    once (a Parallel and its branch were two), and no iteration runs."""
    processor = Graph()
    nothing = Succeed("nothing to do", line)
    processor.nodes.append(nothing)
    processor.start = nothing
    return Map("evaluate where caught", line, items=[], processor=processor), dict(values)


def catchers(builder: FunctionLowerer, node: Node, pre_env: dict[str, Expr]) -> None:
    """Catch clauses for a state inside the current try blocks, then the shared uncaught-error route."""
    node.cover = builder.cover()
    builder.control[-1].gen_catch(builder, node, pre_env)


BRANCH_FAIL = "timed out (leaving the branch)"


def leave_branch(graph: Graph, node: Node, line: int) -> None:
    """A Task of a Parallel branch or Map iteration that can time out catches its timeout (nothing inside the branch
    did) and fails the branch with the name without its prefix (error_names.BRANCH_RENAMED), through one Fail state
    of the branch: entered only on that path."""
    names = [n for n, on in (("States.Timeout", getattr(node, "timeout", None) is not None),
                             ("States.HeartbeatTimeout", getattr(node, "heartbeat", None) is not None)) if on]
    if not isinstance(node, Task) or not names:
        return
    fail = next((n for n in graph.nodes if isinstance(n, Fail) and n.name == BRANCH_FAIL), None)
    if fail is None:
        fail = Fail(BRANCH_FAIL, line, error=Template(T("$substring($states.input.Error, $0)", lit(len(RESERVED)))),
                    cause=Template(path("states", "input", "Cause")))
        graph.nodes.append(fail)
    node.catch.append(Catcher(names, next=fail, output=path("states", "errorOutput")))


def catch_into(builder: FunctionLowerer, node: Node, h: Handler, names: list[str], pre_env: dict[str, Expr]) -> None:
    c = Catcher(list(names))
    node.catch.append(c)
    if from_lambda_only(node, names):
        builder.lambda_catchers.add(id(c))
    env = dict(pre_env)
    if h.var:
        env[h.var] = CAUGHT
    h.incoming.append(Exit(c, env))


def from_lambda_only(node: Node, names: list[str]) -> bool:
    """Whether every error these names catch on `node` was raised by the Lambda function a step runs in (so its
    Cause is the Python runtime's error JSON): a Lambda invocation (not a callback, whose failure is whatever
    SendTaskFailure said) caught by exception class names alone (no States.*, Lambda.* or Sandbox.* name: those
    come from the service, with causes of its own)."""
    return isinstance(node, Task) and node.resource == LAMBDA_INVOKE and bool(names) and \
        all("." not in n for n in names)


def redispatch(builder: FunctionLowerer, node: Node, names: list[str], pre_env: dict[str, Expr], error: Expr) -> None:
    """Catch the errors ``names`` and raise them again from here, choosing the handler by name at run time."""
    c = Catcher(list(names))
    node.catch.append(c)
    tmp = builder.fresh("caught_error")
    env = dict(pre_env)
    env[tmp] = error
    saved, builder.frontier = builder.frontier, [Exit(c, env)]
    try:
        controlflow.raise_dynamic(builder, builder.var_name(tmp), "re-raise " + node.name[:60], node.line)
    finally:
        builder.frontier = saved


def retriers(builder: FunctionLowerer, step: StepInfo, retry: list[RetrySpec]) -> list[RetrySpec]:
    out = []
    if step.transient_retry and builder.s.options.transient_retry:
        out.append(RetrySpec(list(TRANSIENT_ERRORS), interval=1, max_attempts=3, backoff=2.0))
    return out + list(retry)
