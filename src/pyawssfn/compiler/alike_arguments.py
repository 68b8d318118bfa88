"""Two Lambda Tasks alike but for one argument share one: the argument becomes a variable that each transition into
them assigns, then merge_identical merges the copies. approval's `notify_rejection(order_id, "no decision within a
day")` (after the callback's catcher) and `notify_rejection(order_id, decision["reason"])` (after the decision's
Choice) are one Task reading `$reason`, the catcher assigning the literal and the Choice's rule the guarded read.

An argument's value V can move from a Task S onto a transition into it when that gives the same call and outcome:
* V reads no `$states` field (S's input and context are not the predecessor's) and none of the variables the
  transition assigns (its Assign reads them as they were);
* V cannot fail (a literal, a variable, a field path of one), or: it moves only onto catchers and Choice rules, where
  an error ends the execution as it did in S, which catches and retries no evaluation error (States.ALL,
  States.QueryEvaluationError, ...), S's call not yet made either way;
* every transition into S can hold an Assign: a catcher, a Choice rule, or a Choice's Default (which becomes a last
  rule `true`, the Choice having no Assign of its own), a Task's or Pass's Next when V cannot fail;
* the variable is a name nothing else in the definition uses."""
from __future__ import annotations

from typing import Any, Callable

from pyawssfn.compiler.alike_states import _plain_names, _set_assign
from pyawssfn.compiler.handover import expr_of, field_variables, graphs_of, printed
from pyawssfn.compiler.ir import variables
from pyawssfn.compiler.merge_states import json_key, maybe_alike, merge_identical
from pyawssfn.compiler.source_lines import StateLines
from pyawssfn.compiler.naming import _RESERVED, VariableNames
from pyawssfn.compiler.state_simplify import CATCHES_EVALUATION
from pyawssfn.jsonata.tree import TRUE, Bool, Dot, Name, Null, Num, Str, Var

_NESTED = ("Branches", "ItemProcessor", "Iterator")


def merge_alike_arguments(graph: dict, source_map: dict[str, int], spans: dict[int, int] | None,
                          held: StateLines | None = None) -> None:
    found: list[VariableNames] = []

    def used() -> VariableNames:
        """The names in use, found when a merge first needs a new one (until then no state has changed a name;
        most machines merge nothing)."""
        if not found:
            found.append(_names_used(graph))
        return found[0]

    merged = False
    for g in graphs_of(graph):
        merged = _in_graph(g, used) or merged
    if merged:
        merge_identical(graph, source_map, spans, held)  # `held`: codegen's lines of each state follow the merge
        _plain_names(graph, source_map, held)


def _names_used(graph: dict) -> VariableNames:
    names: set[str] = set()
    for g in graphs_of(graph):
        for st in g["States"].values():
            for holder in [st] + st.get("Choices", []) + st.get("Catch", []):
                names |= set(holder.get("Assign", {}))
            field_variables({k: v for k, v in st.items() if k not in _NESTED}, names)
    return VariableNames(names)


def _in_graph(g: dict, used: Callable[[], VariableNames]) -> bool:
    states = g["States"]
    groups: dict[str, list[str]] = {}
    maybe = maybe_alike(states, ("Comment",))  # (the masked state has the same fields: a group of one is passed over)
    for name, st in states.items():
        kwargs = _kwargs(st) if name in maybe else None
        if kwargs is not None:
            masked = {**st, "Arguments": {**st["Arguments"], "Payload": {**st["Arguments"]["Payload"],
                                                                         "kwargs": sorted(kwargs)}}}
            groups.setdefault(json_key({k: v for k, v in masked.items() if k != "Comment"}), []).append(name)
    changed = False
    for names in groups.values():
        if len(names) == 2:
            changed = _merge_pair(g, names[0], names[1], used) or changed
    return changed


def _kwargs(st: dict) -> dict | None:
    args = st.get("Arguments")
    payload = args.get("Payload") if st.get("Type") == "Task" and isinstance(args, dict) else None
    kwargs = payload.get("kwargs") if isinstance(payload, dict) else None
    return kwargs if isinstance(kwargs, dict) else None


def _merge_pair(g: dict, a: str, b: str, names: Callable[[], VariableNames]) -> bool:
    states = g["States"]
    ka, kb = _kwargs(states[a]), _kwargs(states[b])
    differ = [k for k in ka if json_key(ka[k]) != json_key(kb[k])]  # type: ignore[index,union-attr]
    if len(differ) != 1 or a == g.get("StartAt") or b == g.get("StartAt"):
        return False
    key = differ[0]
    plans = [_ways(g, n, _kwargs(states[n])[key]) for n in (a, b)]  # type: ignore[index]
    if any(p is None for p in plans):
        return False
    for ways in plans:
        for p in ways[1]:  # type: ignore[index]  # the Default as a last rule, which can hold an Assign
            rule = {"Condition": printed(TRUE), "Next": p.pop("Default")}
            p["Choices"] = p["Choices"] + [rule]
            ways[0].append(rule)  # type: ignore[index]
    used = names()
    var = key if key.isidentifier() and key.isascii() and key not in used.used and not key.startswith(("__", "pyawssfn_")) \
        and key not in _RESERVED else used.fresh(key)
    used.used.add(var)
    for n, ways in zip((a, b), plans):
        value = _kwargs(states[n])[key]  # type: ignore[index]
        for holder in ways[0]:  # type: ignore[index]
            _set_assign(holder, {**holder.get("Assign", {}), var: value})
        _kwargs(states[n])[key] = printed(Var(var))  # type: ignore[index]
    return True


def _ways(g: dict, name: str, value: Any) -> tuple[list[dict], list[dict]] | None:
    """The holders of an Assign on the transitions into `name`, and the Choices whose Default leads there (to become
    a last rule `true`), or None when the value cannot move onto one of them."""
    states = g["States"]
    st = states[name]
    tree = expr_of(value)
    reads = variables(tree) if tree is not None else frozenset()
    if reads & {"states", "", "$"}:  # S's input, context or root: not the predecessor's
        return None
    safe = tree is None or _plain(tree)
    if not safe and (st.get("Catch") or any(CATCHES_EVALUATION & set(r.get("ErrorEquals", []))
                                            for r in st.get("Retry", []))):
        return None
    holders: list[dict] = []
    defaults: list[dict] = []
    for pname, p in states.items():
        if p.get("Next") == name:
            if not safe or pname == name or p.get("Type") not in ("Task", "Pass"):
                return None
            holders.append(p)
        if p.get("Default") == name:
            if p.get("Assign") or p.get("Output"):
                return None
            defaults.append(p)
        holders += [r for r in p.get("Choices", []) if r["Next"] == name]
        holders += [c for c in p.get("Catch", []) if c["Next"] == name and pname != name]
    if any(reads & set(h.get("Assign", {})) for h in holders):
        return None
    return holders, defaults


def _plain(t: Any) -> bool:
    """A literal, a variable or a field path of one: it cannot fail."""
    while type(t) is Dot and type(t.rhs) is Name:
        t = t.lhs
    return type(t) in (Var, Str, Num, Bool, Null)

