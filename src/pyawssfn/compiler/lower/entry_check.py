"""The one check of a workflow's parameters that its machine evaluates first (compiler/types/parameters.py says what
is checked, and the plain-Python run checks the same when it binds the input).

Python cannot call the workflow without a parameter that has no default, and an annotation is a promise the compiler
trusts; so one expression tests every such parameter, in signature order, and fails with States.QueryEvaluationError
naming what the input needs ("The execution input needs order_id: str, amount: int"; the plain-Python run names the
first parameter that breaks it: the causes of that error are free, comparison.py). The first state evaluates it
before anything else, as the guard of its first field (`tests ? value : $error(...)`: a Task's or Parallel's
Arguments, a Map's Items or ItemReader, a Wait's time, a first Choice's first condition) or of an entry of the Assign
of a Pass that starts the machine; a catcher of that state that can catch its error evaluates it again (builder.py).
Every other read of a parameter is then the plain `$states.input.x`.
"""
from __future__ import annotations

from typing import Any, Callable

from pyawssfn.compiler.ir import Map, Node, Parallel, Task, Template, Wait
from pyawssfn.compiler.types.parameters import MAX_EXACT_INT, Parameter
from pyawssfn.compiler.expressions.build import T, err
from pyawssfn.jsonata.printer import plain_name, to_text
from pyawssfn.jsonata.tree import Binary, Bind, Block, Call, Cond, Dot, Expr, Name, Str, Var, lit


def read(name: str, source: Expr | None = None) -> Expr:
    """The parameter `name` read from the input (`source`: $states.input unless given)."""
    source = _STATES_INPUT if source is None else source
    return Dot(source, Name(name)) if plain_name(name) else T("$lookup($0, $1)", source, Str(name))


def message(checked: list[Parameter]) -> str:
    """What the input must have: "The execution input needs order_id: str, limit: int (if there)" (one untyped
    parameter: "The execution input has no field 'day'")."""
    if len(checked) == 1 and checked[0].required and not checked[0].kinds:
        return f"The execution input has no field {checked[0].name!r}"
    parts = [p.name + (f": {p.describe()}" if p.kinds else "") + ("" if p.required else " (if there)")
             for p in checked]
    return f"The execution input needs {', '.join(parts)}"


def entry_check(params: list[Parameter]) -> Expr | None:
    """The check of the parameters (JSONata whose value is unused), or None when nothing needs checking: every
    test joined by `and`, then one error naming what the input must have (the plain-Python run names the first
    parameter that breaks it; the causes of States.QueryEvaluationError are free: comparison.py)."""
    parts = _parts(params)
    if parts is None:
        return None
    bound, tests, error = parts
    check = Binary("or", tests, error)
    return Block((bound, check)) if bound is not None else check


def hosted(params: list[Parameter], value: Expr, caught: bool = False) -> Expr:
    """`value` (a field's JSONata) evaluated only once the check passed: `tests ? value : $error(...)`. A value
    that is a required untyped parameter's plain read fails by itself when the input lacks it (a field, an Assign
    entry included, cannot be undefined: States.QueryEvaluationError, as AWS records it): that parameter needs no
    test of its own while another test remains (a plain read alone is taken for one that cannot fail, and an
    Assign entry nothing reads would be dropped: liveness.py). In a catcher of the first state (`caught`) the
    check fails only when it failed there, first of all: the catcher raises what it caught again
    (`$error($states.errorOutput.Cause)`, States.QueryEvaluationError as before) rather than write the message a
    second time in the state."""
    rest = [p for p in params if not (p.required and p.kinds is None and value == read(p.name))]
    parts = _parts(rest) or _parts(params)
    assert parts is not None
    bound, tests, error = parts
    if caught:
        error = RERAISE
    if bound is not None:  # the value reads the input by the same name (a Dot's lhs is evaluated as it is)
        value = value.transform(lambda n: _INPUT if n == _STATES_INPUT else n)
    guarded = Cond(tests, Block((value,)), error)
    return Block((bound, guarded)) if bound is not None else guarded


_STATES_INPUT = Dot(Var("states"), Name("input"))
# a catcher's `$error()` of the error it caught: the check's own, when the check fails there (hosted)
RERAISE = Call(Var("error"), (Dot(Dot(Var("states"), Name("errorOutput")), Name("Cause")),))


_INPUT = Var("__in")  # a name no workflow variable has (naming.py): `value` cannot read another by it


def _parts(params: list[Parameter]) -> tuple[Bind | None, Expr, Expr] | None:
    """(the binding of the input, or None, the tests joined by `and`, the error) of the check."""
    checked = [p for p in params if p.checked]
    if not checked:
        return None
    reads = sum(1 + (len(p.kinds or ()) + ("integer" in (p.kinds or ())) * 3) for p in checked)
    source = _INPUT if reads > 2 else _STATES_INPUT
    tests = _chain("and", [_test(p, read(p.name, source)) for p in checked])
    return (Bind(_INPUT.name, _STATES_INPUT) if source is _INPUT else None), tests, err(message(checked))


def _chain(op: str, parts: list[Expr]) -> Expr:
    """`p1 op p2 op ...` as JSONata reads it: left to right, a part that is itself such a chain (not in
    parentheses) continuing it."""
    flat: list[Expr] = []
    for p in parts:
        spine: list[Expr] = []
        while type(p) is Binary and p.op == op:  # type: ignore[attr-defined]
            spine.append(p.rhs)  # type: ignore[attr-defined]
            p = p.lhs  # type: ignore[attr-defined]
        flat += [p, *reversed(spine)]
    out = flat[0]
    for x in flat[1:]:
        out = Binary(op, out, x)
    return out


def _test(p: Parameter, r: Expr) -> Expr:
    if p.kinds is None:
        return T("$exists($0)", r)
    tests: list[Expr] = []
    for k in p.kinds:
        if k == "integer":
            # a long read once (shorter from 13 characters of its text), by a name no variable has
            v = Var("__v") if len(to_text(r)) > 12 else r
            t = T('$type($0) = "number" and $0 % 1 = 0 and $abs($0) <= $1', v, lit(MAX_EXACT_INT))
            tests.append(t if v is r else Block((Bind("__v", r), t)))
        elif k == "null":
            tests.append(T("$0 = null", r))
        else:
            tests.append(T("$type($0) = $1", r, Str(k)))
    if not p.required:
        return Block((_chain("or", [T("$not($exists($0))", r), *tests]),))
    return Block((_chain("or", tests),)) if len(tests) > 1 else tests[0]


# --- where the first state evaluates it ----------------------------------------------------------------------

def first_fields(node: Node) -> list[Any]:
    """The fields a state evaluates before its work (not a Map's ItemSelector and ItemBatcher, evaluated per item
    or batch, nor its ResultWriter, evaluated after the items)."""
    if isinstance(node, Map):
        return [node.items, node.item_reader, node.max_concurrency, node.tolerated_failure_count,
                node.tolerated_failure_percentage]
    return node.templates()


def host_check(node: Node, checks: Callable[[Expr], Expr]) -> bool:
    """Make the first field `node` evaluates (a Task's or Parallel's Arguments, a Map's Items or ItemReader, a
    Wait's time) evaluate the checks first (`checks` turns its expression into one that does); False when it has
    no such field."""
    if isinstance(node, (Task, Parallel)):
        new = _checked_first(node.arguments, checks)
        if new is node.arguments:
            new = _literal_checked(node.arguments, checks)
        if new is node.arguments:
            return False
        node.arguments = new
        return True
    if isinstance(node, Map):
        for attr in ("items", "item_reader", "tolerated_failure_count", "max_concurrency"):
            value = getattr(node, attr)
            new = _checked_first(value, checks)
            if new is not value:
                setattr(node, attr, new)
                return True
        if node.items is not None:  # literal items: as a template that checks first
            node.items = _checked_literal(node.items, checks)
            return True
        return False
    if isinstance(node, Wait):
        if node.timestamp is None and type(node.seconds) is not Template:
            node.seconds = _checked_literal(node.seconds, checks)
            return True
        attr = "seconds" if node.timestamp is None else "timestamp"
        value = getattr(node, attr)
        new = _checked_first(value, checks)
        setattr(node, attr, new)
        return new is not value
    return False


def _checked_literal(value: Any, checks: Callable[[Expr], Expr]) -> Template:
    """A JSON literal as a template that evaluates the checks first."""
    return Template(checks(lit(value)))


def _literal_checked(arguments: Any, checks: Callable[[Expr], Expr]) -> Any:
    """Arguments with no template: a Lambda call's kwargs (else the last argument) as a template checking first."""
    if not isinstance(arguments, dict) or not arguments:
        return arguments
    payload = arguments.get("Payload")
    if isinstance(payload, dict) and "kwargs" in payload:
        return {**arguments, "Payload": {**payload, "kwargs": _checked_literal(payload["kwargs"], checks)}}
    last = list(arguments)[-1]
    return {**arguments, last: _checked_literal(arguments[last], checks)}


def _checked_first(value: Any, checks: Callable[[Expr], Expr]) -> Any:
    """`value` (a field's JSON) with its first Template evaluating the checks first; unchanged (the same object)
    when it has none."""
    done = [False]
    new = _check_walk(value, checks, done)
    return new if done[0] else value


def _check_walk(v: Any, checks: Callable[[Expr], Expr], done: list[bool]) -> Any:
    """(a module-level function, not a recursive closure: that is a reference cycle the cyclic GC has to free)"""
    if done[0]:
        return v
    if type(v) is Template:
        done[0] = True
        return Template(checks(v.expr))
    if isinstance(v, dict):
        return {k: _check_walk(x, checks, done) for k, x in v.items()}
    if isinstance(v, list):
        return [_check_walk(x, checks, done) for x in v]
    return v
