"""The first state of a workflow (or branch): the assignments pending at the start move into it, the values among
them that can fail are evaluated before a Task or Wait runs, and the parameters' check goes into its first field
(or a Pass before it) once, not into every Assign that reads the input."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from pyawssfn.compiler.ir import Choice, Map, Parallel, Pass, Task, Wait, can_fail, evaluates, field_templates
from pyawssfn.compiler.lower import entry_check
from pyawssfn.compiler.lower.statements import throwaway
from pyawssfn.compiler.share import cannot_fail
from pyawssfn.compiler.state_simplify import CATCHES_EVALUATION
from pyawssfn.jsonata.tree import Binary, Block, Cond, Dot, Expr, Filter, Name, Var

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer


def check_before_start(builder: FunctionLowerer) -> None:
    """The assignments before the first state move into it; a Task (or Wait) evaluates its Assign only after the
    call (or the wait), so a computed value that can fail and that its Arguments do not evaluate would fail after
    the step ran (and a failing step would win) or the time passed, while Python fails first. Evaluate such
    values in a Pass before it. The parameters' check goes first of all: into that Pass, else into the first
    field the state evaluates (Python checks the arguments of a call before the body runs)."""
    if builder.start_pending is None:
        return
    node, env = builder.start_pending
    if not isinstance(node, (Task, Parallel, Map, Wait)) or builder.graph.start is not node:
        return
    texts: list[Expr] = []
    field_templates(entry_check.first_fields(node), texts)
    early = {throwaway(builder): v for v in env.values()
             if not builder.is_param_read(v) and can_fail(v) and not any(evaluates(v, t) for t in texts)}
    checks = [v for v in env.values() if builder.is_param_read(v) and not cannot_fail(v)
              and not any(evaluates(v, t) for t in texts)]
    params = builder.params
    if checks == [builder.param_check] and not early and isinstance(node, Task):
        # a field that is a parameter's plain read fails by itself (States.QueryEvaluationError: a field cannot
        # be undefined) when the input lacks it: the check need not test its presence
        params = [p for p in params if not (p.required and p.kinds is None and _whole_read(p.name, texts))]
        if not any(p.checked for p in params):
            builder.check_hosted, checks = True, []
    if checks and (early or not entry_check.host_check(node, _hosting(builder, checks, params))):
        early = {**{throwaway(builder): c for c in checks}, **early}
    elif checks:
        builder.check_hosted = builder.param_check in checks
        checks = []  # in the state's first field now
    if early:
        builder.start_state(early).next = node
    for k in [k for k, v in node.assign.items() if v in checks]:
        del node.assign[k]  # the Pass before checked it


def _hosting(builder: FunctionLowerer, checks: list[Expr], params: list) -> Callable[[Expr], Expr]:
    """How a field's expression evaluates `checks` first: the parameters' check (of `params`) as `tests ? value
    : $error()`, any other as a block `(check; value)`."""
    if checks == [builder.param_check]:
        return lambda t: entry_check.hosted(params, t)
    return lambda t: Block(tuple(checks) + (t,))


def _guard_first_condition(builder: FunctionLowerer, n: Choice, check: Expr) -> None:
    """A first Choice's first condition that evaluates the check first, `(check; test)`, as its guard instead:
    `tests ? test : $error(...)`."""
    cond = n.rules[0].condition if n.rules else None
    if type(cond) is Block and len(cond.exprs) > 1 and cond.exprs[0] == check:
        rest = cond.exprs[1:]
        n.rules[0].condition = entry_check.hosted(builder.params, rest[0] if len(rest) == 1 else Block(rest))
        builder.check_hosted = True


def drop_settled_checks(builder: FunctionLowerer) -> None:
    """The parameters' check, once the first state's first field evaluates it, is not evaluated again by that
    state's Assign, its Choice rules' or a catcher's that cannot catch its error (the state's fields all read
    the same input); a catcher that can catch it checks again, so that the execution still fails as Python's
    call does, before any handler (its Assign's error is not caught)."""
    n, check = builder.graph.start, builder.param_check
    if n is None or check is None:
        return
    if isinstance(n, Choice):
        _guard_first_condition(builder, n, check)
        first = [n.rules[0].condition] if n.rules else []
    else:
        first = []
        field_templates(entry_check.first_fields(n), first)
    holders: list[Any] = [n] + (list(n.rules) if isinstance(n, Choice) else [])
    holders += [c for c in getattr(n, "catch", []) if not CATCHES_EVALUATION & set(c.errors)]
    if builder.check_hosted or any(evaluates(check, t) for t in first):
        for h in holders:
            for k in [k for k, v in h.assign.items() if v == check]:
                del h.assign[k]
    # where it is still an Assign entry of its own (a Pass that starts the machine, a catcher that checks again),
    # another entry of that Assign evaluates it instead: no variable of its own
    for h in [n] + [c for c in getattr(n, "catch", [])]:
        keys = [k for k, v in h.assign.items() if v == check]
        rest = [k for k in h.assign if k not in keys]
        if keys and rest and isinstance(n, (Pass, Task, Parallel, Map, Wait)):
            for k in keys:
                del h.assign[k]
            plain = [k for k in rest if builder.is_param_read(h.assign[k]) or _reads_input(h.assign[k])]
            target = (plain or rest)[0]
            h.assign[target] = entry_check.hosted(builder.params, h.assign[target], caught=h is not n)
    if isinstance(n, Pass) and n.output is not None and list(n.assign.values()) == [check]:
        # a Pass that only checks before its Output (a workflow with no step): its Output is the check's guard
        n.assign.clear()
        n.output = entry_check.hosted(builder.params, n.output)


def _whole_read(name: str, texts: list[Expr]) -> bool:
    """Whether one of the field values is the template reading the parameter `name` and nothing else."""
    read = entry_check.read(name)
    return any(t == read for t in texts)


_STATES_INPUT = Dot(Var("states"), Name("input"))


def _reads_input(t: Expr) -> bool:
    """The expression is a path starting at `$states.input` (its text begins with it)."""
    while True:
        if t == _STATES_INPUT:
            return True
        if type(t) in (Dot, Filter):
            t = t.lhs  # type: ignore[attr-defined]
        elif type(t) is Binary or (type(t) is Cond):
            t = t.lhs if type(t) is Binary else t.test  # type: ignore[attr-defined, union-attr]
        else:
            return False
