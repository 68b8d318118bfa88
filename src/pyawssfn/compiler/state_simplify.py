"""The last pass over a state's expressions, as codegen writes the state: what one field of a state has checked,
a later field need not check again, and a repeated sub-expression is bound once (compiler/share.py).

Step Functions evaluates a state's fields in a fixed order, and a failure stops the state:
- a Task, Map or Parallel evaluates its Arguments (and a Map its Items) before anything else; its Assign and Output
  only after those succeeded, and so does a catcher that cannot catch a failure of those (a failing expression
  raises States.QueryEvaluationError, which only it and the wildcards States.ALL and States.TaskFailed catch);
- a Choice evaluates its rules' conditions in order until one is true: rule i's condition only after conditions
  1..i-1 succeeded, and its Assign after condition i did too.
So a guard `$exists($states.input.x) ? $states.input.x : $error("...")` that an earlier field evaluated whenever it
was evaluated has succeeded by the time a later field runs, with the same inputs (a state's fields all read the
variables and the input as they were when the state was entered): there it is its value, `$states.input.x`.
"""
from __future__ import annotations

from typing import Any

from pyawssfn.compiler.share import _free_vars, _names, _replace_standalone, share_repeats
from pyawssfn.compiler.simplify import simplify
from pyawssfn.jsonata.parse import parse_cached
from pyawssfn.jsonata.printer import to_text
from pyawssfn.jsonata.tree import Binary, Block, Call, Cond, Dot, Expr, Filter, Lambda, Object, Str, Var

_NESTED = frozenset(["Branches", "ItemProcessor", "Iterator"])
_BEFORE = ("Arguments", "Items")   # evaluated before the state's work, and before its Assign and Output
_AFTER = frozenset(["Assign", "Output"])

Fact = tuple[Expr, Expr]   # a guard that succeeded, and its value


def finish_state(d: dict) -> dict:
    """The state `d` (its ASL fields) with each expression finished."""
    if d.get("Type") == "Choice":
        return _choice(d)
    facts: list[Fact] = []
    if d.get("Type") in ("Task", "Map", "Parallel"):
        for key in _BEFORE:
            if key in d:
                facts += _facts_of_value(d[key])
    out: dict[str, Any] = {}
    for k, v in d.items():
        if k in _NESTED:
            out[k] = v
        elif k in _AFTER:
            out[k] = _finish_value(v, facts)
        elif k == "Catch":
            out[k] = [_catcher(c, facts) for c in v]
        else:
            out[k] = _finish_value(v, [])
    return out


# The errors a catcher may catch a failing expression of the state's own with: States.QueryEvaluationError itself,
# and the wildcards (States.TaskFailed matches every error but States.Timeout); States.Runtime and BranchFailed too,
# to be safe.
_CATCHES_EVALUATION = frozenset(["States.ALL", "States.TaskFailed", "States.QueryEvaluationError", "States.Runtime",
                                 "States.BranchFailed"])


def _catcher(c: dict, facts: list[Fact]) -> dict:
    known = [] if _CATCHES_EVALUATION & set(c.get("ErrorEquals", [])) else facts
    return {k: _finish_value(v, known) if k in _AFTER else v for k, v in c.items()}


def _choice(d: dict) -> dict:
    facts: list[Fact] = []
    first: list[Fact] | None = None
    rules = []
    for r in d.get("Choices", []):
        rule = dict(r)
        cond = _expression(r.get("Condition"))
        if cond is not None:
            tree = _apply(cond, facts)
            facts = facts + _facts(tree)
            rule["Condition"] = _template(tree)
        if first is None:
            first = list(facts)
        if "Assign" in r:
            rule["Assign"] = _finish_value(r["Assign"], facts)
        rules.append(rule)
    out = {k: _finish_value(v, first or []) if k in _AFTER else v for k, v in d.items()}
    if "Choices" in d:
        out["Choices"] = rules
    return out


# ---------------------------------------------------------------------------------------------------- values
def _expression(value: Any) -> Expr | None:
    if isinstance(value, str):
        s = value.strip()
        if s.startswith("{%") and s.endswith("%}"):
            return parse_cached(s[2:-2].strip())
    return None


def _template(tree: Expr) -> str:
    return "{% " + to_text(share_repeats(simplify(tree))) + " %}"


def _finish_value(value: Any, facts: list[Fact]) -> Any:
    if isinstance(value, str):
        tree = _expression(value)
        if tree is None:
            return value
        done = _template(_apply(tree, facts))
        return value if done == value else done
    if isinstance(value, dict):
        return {k: _finish_value(v, facts) for k, v in value.items()}
    if isinstance(value, list):
        return [_finish_value(v, facts) for v in value]
    return value


def _facts_of_value(value: Any) -> list[Fact]:
    tree = _expression(value)
    if tree is not None:
        return _facts(tree)
    if isinstance(value, dict):
        return [f for v in value.values() for f in _facts_of_value(v)]
    if isinstance(value, list):
        return [f for v in value for f in _facts_of_value(v)]
    return []


# ---------------------------------------------------------------------------------------------------- facts
def _is_error(t: Expr | None) -> bool:
    return type(t) is Call and t.func == Var("error")  # type: ignore[attr-defined]


def _success(t: Expr) -> Expr | None:
    """The value of a guard (`test ? v : $error(...)`, `test ? $error(...) : v`) that did not fail."""
    if type(t) is not Cond:
        return None
    if _is_error(t.orelse) and not _is_error(t.then):  # type: ignore[attr-defined]
        return t.then  # type: ignore[attr-defined]
    if _is_error(t.then) and t.orelse is not None and not _is_error(t.orelse):  # type: ignore[attr-defined]
        return t.orelse  # type: ignore[attr-defined]
    return None


def _facts(tree: Expr) -> list[Fact]:
    """The guards `tree` evaluates whenever it is evaluated and succeeds, each with its value; only those that read
    nothing `tree` binds (so they mean the same in another field)."""
    binders, _ = _names(tree)
    out: list[Fact] = []
    todo = [tree]
    while todo:
        t = todo.pop()
        s = _success(t)
        if s is not None:
            free = _free_vars(t, frozenset())
            if free is not None and not (free & binders):
                out.append((t, s))
            todo += [t.test, s]  # type: ignore[attr-defined]  # the error branch was not taken
            continue
        todo += _always(t)
    return out


def _always(t: Expr) -> list[Expr]:
    """The children of `t` evaluated whenever `t` is."""
    tt = type(t)
    if tt is Binary and t.op in ("and", "or"):  # type: ignore[attr-defined]
        return [t.lhs]  # type: ignore[attr-defined]
    if tt is Cond:
        return [t.test]  # type: ignore[attr-defined]
    if tt is Dot or tt is Filter:
        return [t.lhs]  # type: ignore[attr-defined]
    if tt is Lambda:
        return []
    if tt is Object and not all(type(k) is Str for k, _ in t.pairs):  # type: ignore[attr-defined]
        return []
    if tt is Block:
        return list(t.exprs)  # type: ignore[attr-defined]
    return list(t.children())


def _apply(tree: Expr, facts: list[Fact]) -> Expr:
    """`tree` with each guard known to have succeeded replaced by its value (where `tree` binds nothing it reads)."""
    if not facts:
        return tree
    binders, _ = _names(tree)
    for guard, value in sorted(facts, key=lambda f: -len(to_text(f[0]))):
        free = _free_vars(guard, frozenset()) or set()
        if not (free & binders):
            tree = _replace_standalone(tree, guard, value, False)
    return tree
