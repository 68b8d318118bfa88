"""What a state's guard checked, the state after it need not check again: `decision["approved"]` in a Choice tests
`$type($decision) != "object" ? $error(...)`, so `decision["reason"]` in the Task its Default leads to reads
`$exists($decision.reason) ? ...` without testing the type again (state_simplify.py does the same within a state).

A guard `test ? $error(...) : value` (or `test ? value : $error(...)`) that a state evaluates whenever it takes a
transition (its first Choice rule's condition; a Task's Arguments or its Assign, on its Next) has its test false (or
true) on that transition. It still is when the next state is entered, if the test reads only variables (no
`$states` field, no unstable function such as `$now()`) and the transition's Assign writes none of them. So in a
state every way into which has that fact, the same test has that value, and its guards reduce to their value."""
from __future__ import annotations

from typing import Any

from pyawssfn.compiler.handover import expr_of, printed
from pyawssfn.compiler.share import _free_vars, _names
from pyawssfn.compiler.state_simplify import _facts, _is_error
from pyawssfn.jsonata.tree import Array, Block, Cond, Expr

_NESTED = ("Branches", "ItemProcessor", "Iterator")
Known = dict[Expr, bool]  # a test and the value it had
_SCALARS = frozenset([str, int, float, bool, type(None)])


def apply_edge_facts(graph: dict) -> None:
    """In `graph` and the graphs nested in it."""
    states = graph["States"]
    into: dict[str, list[Known]] = {}
    start = graph.get("StartAt")
    if start is not None:
        into.setdefault(start, []).append({})
    for st in states.values():
        for target, known in _transitions(st):
            into.setdefault(target, []).append(known)
    for name, st in states.items():
        ways = into.get(name, [])
        if not ways:
            continue
        common = dict(ways[0])
        for known in ways[1:]:
            common = {t: v for t, v in common.items() if known.get(t) is v}
        if common:
            states[name] = {k: v if k in _NESTED else _reduced(v, common) for k, v in st.items()}
    for st in states.values():
        for branch in st.get("Branches", []):
            apply_edge_facts(branch)
        for key in ("ItemProcessor", "Iterator"):
            if key in st:
                apply_edge_facts(st[key])


def _transitions(st: dict) -> list[tuple[str, Known]]:
    """(target, the tests known on the way there) of each transition of `st`."""
    kind = st.get("Type")
    out: list[tuple[str, Known]] = []
    if kind == "Choice":
        rules = st.get("Choices", [])
        first = _known(rules[0].get("Condition")) if rules else {}
        for r in rules:
            out.append((r["Next"], _kept(first, r.get("Assign"))))
        if "Default" in st:
            out.append((st["Default"], _kept(first, st.get("Assign"))))
    else:
        for c in st.get("Catch", []):
            out.append((c["Next"], {}))
        if "Next" in st:
            known: Known = {}
            if kind == "Task":
                known.update(_known(st.get("Arguments")))
            known.update(_known(st.get("Assign")))
            out.append((st["Next"], _kept(known, st.get("Assign"))))
    return out


def _kept(known: Known, assign: Any) -> Known:
    """The facts that still hold after `assign` (none of whose variables it writes)."""
    written = set(assign) if isinstance(assign, dict) else set()
    return {t: v for t, v in known.items() if not (_free_vars(t, frozenset()) or set()) & written}


def _known(value: Any, out: Known | None = None) -> Known:
    """The tests of the guards evaluated whenever the field `value` is, with the value each had for it to succeed
    (added to `out`, in the order met: what merging each part's own answer in that order gives)."""
    if out is None:
        out = {}
    tv = type(value)
    if tv is dict or (tv is not list and isinstance(value, dict)):
        for v in value.values():
            if type(v) not in _SCALARS:  # (a JSON scalar guards nothing: no call for it)
                _known(v, out)
        return out
    if tv is list or isinstance(value, list):
        for v in value:
            if type(v) not in _SCALARS:
                _known(v, out)
        return out
    tree = expr_of(value)
    if tree is None:
        return out
    for guard, _ in _facts(tree):
        test = guard.test  # type: ignore[attr-defined]
        free = _free_vars(test, frozenset())
        if free is None or "states" in free:
            continue
        out[test] = not _is_error(guard.then)  # type: ignore[attr-defined]
    return out


def _reduced(value: Any, known: Known) -> Any:
    if isinstance(value, dict):
        return {k: _reduced(v, known) for k, v in value.items()}
    if isinstance(value, list):
        return [_reduced(v, known) for v in value]
    tree = expr_of(value)
    if tree is None:
        return value
    binders, _ = _names(tree)
    if binders:  # a test reading a name the expression binds (`$d := ...`, `function($d)`) is another test there
        known = {t: v for t, v in known.items() if not (_free_vars(t, frozenset()) or set()) & binders}
        if not known:
            return value
    new = tree.transform(lambda n: _branch(n, known))
    return value if new == tree else printed(new)


def _branch(n: Expr, known: Known) -> Expr:
    """A guard whose test is known, as the branch it takes (only a guard: one branch is an $error)."""
    if type(n) is not Cond or n.orelse is None:  # type: ignore[attr-defined]
        return n
    value = known.get(n.test)  # type: ignore[attr-defined]
    if value is None or not (_is_error(n.then) or _is_error(n.orelse)):  # type: ignore[attr-defined]
        return n
    out = n.then if value else n.orelse  # type: ignore[attr-defined]
    # as an item of an array constructor the guard's array is spread, a constructor's kept whole: keep the spread
    return Block((out,)) if type(out) is Array else out

