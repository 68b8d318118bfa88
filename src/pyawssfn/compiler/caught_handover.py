"""A caught error handed over as the handler's input, not assigned by every catcher: the states of a `try` body each
catch into the `finally` (or `except ... as e`) copy with `"Assign": {"exception_1": "{% $states.errorOutput %}"}`;
a catcher's output is that error already (a catcher without Output), so the handler's first state S assigns it once,
`"exception_1": "{% $states.input %}"`, and the catchers leave it out.

It means the same where (S a Task or Pass, V the variable):
* every way into S is a catcher assigning V `$states.errorOutput` without an Output, or the Next of a Task, Pass,
  Parallel or Map that has no Output, does not assign V and on every path to it has V assigned: that one gets
  `"Output": "{% $V %}"` (its output is read by S alone), so S's input is V's value on every way in;
* S does not read V (its fields see the variables as they were when it was entered, before its Assign), unless
  only catchers lead into it: its input is then the error, and its reads of V (in the fields where `$states.input`
  is its input) read that (refund's `$parse($states.input.Cause)`); when a Next leads into S, S does not read
  `$states.input` (its input is then V, not what that state gave); S does not assign V;
* S assigns V (only where V is read after it) after its own work only, so every catcher of S assigns V itself or
  leads where V is not read before it is assigned (a failure of S skips its Assign); an error nothing catches ends
  the execution either way.
When the one state after S reads V and nothing after that state does (finally's `re-raise after finally`), S's
Output hands the error on as that state's input instead (_pass_on). Done only where the definition gets shorter."""
from __future__ import annotations

import json
from typing import Any

from pyawssfn.compiler.forward_facts import forward_facts
from pyawssfn.compiler.handover import StateReads, expr_of, field_variables, graphs_of, live, printed
from pyawssfn.compiler.ir import Template, field_templates, variables
from pyawssfn.compiler.share import _names
from pyawssfn.jsonata.tree import Dot, Name, Var

_NESTED = ("Branches", "ItemProcessor", "Iterator")
_ERROR_OUTPUT = Dot(Var("states"), Name("errorOutput"))
_INPUT = Dot(Var("states"), Name("input"))
_PASSES_ON = ("Task", "Pass", "Parallel", "Map")
# the handler's first states, and their fields in which `$states.input` is the state's input
_HANDLERS = {"Task": ("Arguments", "Output", "Assign", "Catch"), "Pass": ("Output", "Assign")}
# the states an error can be passed on to as their input (handover.py's list)
_HANDLERS_ON = {**_HANDLERS, "Fail": ("Error", "Cause")}


def hand_over_caught(graph: dict) -> None:
    """In `graph` and the graphs nested in it."""
    for g in graphs_of(graph):
        _in_graph(g)


def _in_graph(g: dict) -> None:
    states = g["States"]
    if not _error_variables(states):
        return  # no catcher assigns the error: no candidate anywhere
    assigned = _definitely_assigned(g)
    into: dict[str, list[tuple[str, str, dict]]] = {}  # target -> (kind, from, holder)
    for pname, p in states.items():
        if "Next" in p:
            into.setdefault(p["Next"], []).append(("next", pname, p))
        if "Default" in p:
            into.setdefault(p["Default"], []).append(("default", pname, p))
        for r in p.get("Choices", []):
            into.setdefault(r["Next"], []).append(("rule", pname, r))
        for c in p.get("Catch", []):
            into.setdefault(c["Next"], []).append(("catch", pname, c))
    reads = StateReads(states)
    for name, st in states.items():
        ways = into.get(name, [])
        if st.get("Type") not in _HANDLERS or g.get("StartAt") == name or not ways:
            continue
        for var in _candidates(ways):
            plan = _plan(states, name, st, var, ways, assigned, reads)
            if plan is not None and _apply_if_shorter(st, var, ways, *plan):
                reads.forget(name, *[pname for _, pname, _ in ways])
                if plan[1]:
                    _pass_on(states, into, name, st, var, reads)
                break


def _candidates(ways: list[tuple[str, str, dict]]) -> list[str]:
    catchers = [h for kind, _, h in ways if kind == "catch"]
    if not catchers:
        return []
    return [k for k, v in catchers[0].get("Assign", {}).items() if expr_of(v) == _ERROR_OUTPUT]


def _plan(states: dict, name: str, st: dict, var: str, ways: list,
          assigned: dict[str, frozenset[str] | None], known: StateReads) -> tuple[bool, bool] | None:
    """(whether S reads V, whether V is read after S) when the error can be handed over, else None."""
    nexts = False
    for kind, pname, h in ways:
        if kind == "catch":
            if pname == name or "Output" in h or expr_of(h.get("Assign", {}).get(var)) != _ERROR_OUTPUT:
                return None
        elif kind == "next":
            p = states[pname]
            have = assigned.get(pname)
            if pname == name or p.get("Type") not in _PASSES_ON or "Output" in p or var in p.get("Assign", {}) \
                    or have is None or var not in have:
                return None
            nexts = True
        else:
            return None
    if var in st.get("Assign", {}):
        return None
    own = {k: v for k, v in st.items() if k not in _NESTED}
    reads: set[str] = set()
    field_variables(own, reads)
    inputs = {k: v for k, v in own.items() if k in _HANDLERS[st["Type"]]}
    elsewhere: set[str] = set()
    field_variables({k: v for k, v in own.items() if k not in inputs}, elsewhere)
    reads_var = var in reads
    if reads_var and (nexts or var in elsewhere or _binds(inputs, var)):
        return None  # S reads the error as its input, which must then be the error on every way in
    if nexts and _reads_input(own):
        return None
    after = live(states, st["Next"], var, known) if "Next" in st else False
    for c in st.get("Catch", []):
        if var not in c.get("Assign", {}) and live(states, c["Next"], var, known):
            return None  # a failure of S skips its Assign: V would be missing where the catcher leads
    return reads_var, after


def _pass_on(states: dict, into: dict, name: str, st: dict, var: str, reads: StateReads) -> None:
    """S's Assign of V read only by the state F after it, whose one way in S's Next is: S's Output hands the error on
    as F's input instead (`re-raise after finally` reads `$states.input.Error`). F's input is S's result otherwise,
    so F must not read `$states.input`; V must be read nowhere after F (F assigns nothing else of it)."""
    target = st.get("Next")
    f = states.get(target) if target is not None else None
    if f is None or "Output" in st or f.get("Type") not in _HANDLERS_ON or target == name \
            or [(k, n) for k, n, _ in into.get(target, [])] != [("next", name)]:
        return
    own = {k: v for k, v in f.items() if k not in _NESTED}
    inputs = {k: v for k, v in own.items() if k in _HANDLERS_ON[f["Type"]]}
    elsewhere: set[str] = set()
    field_variables({k: v for k, v in own.items() if k not in inputs}, elsewhere)
    if var in elsewhere or _binds(inputs, var) or _reads_input(own):
        return
    after = [f[k] for k in ("Next", "Default") if k in f] + [e["Next"] for e in f.get("Choices", []) + f.get("Catch", [])]
    if any(live(states, t, var, reads) for t in after):
        return
    new_st = _placed({k: v for k, v in st.items() if k != "Assign"}, "Output", printed(_INPUT))
    rest = {k: v for k, v in st["Assign"].items() if k != var}
    if rest:
        new_st = _placed(new_st, "Assign", rest)
    new_f = dict(f)
    for key in _HANDLERS_ON[f["Type"]]:
        if key in new_f:
            new_f[key] = _replaced(new_f[key], var)
    if _size(new_st) + _size(new_f) >= _size(st) + _size(f):
        return
    catchers = st.get("Catch", [])
    if "Catch" in new_st:
        new_st["Catch"] = catchers
    st.clear()
    st.update(new_st)
    if "Catch" in f:
        for c, new_c in zip(f["Catch"], new_f["Catch"]):
            c.clear()
            c.update(new_c)
        new_f["Catch"] = f["Catch"]
    f.clear()
    f.update(new_f)
    reads.forget(name, target)


def _binds(value: Any, var: str) -> bool:
    trees: list = []
    field_templates(value, trees)
    return any(var in _names(t)[0] for t in trees)


def _reads_input(value: Any) -> bool:
    trees: list = []
    field_templates(value, trees)
    return any(n == _INPUT for t in trees for n in t.walk())


def _size(value: Any) -> int:
    from pyawssfn.compiler.codegen import field_json  # codegen runs this pass
    return len(json.dumps(field_json(value), separators=(",", ":"), ensure_ascii=False).encode())


def _apply_if_shorter(st: dict, var: str, ways: list, reads_var: bool, after: bool) -> bool:
    """Hand the error over when that is shorter. The new fields are built apart and measured first; then each
    holder changes in place (the ways into other states hold these dicts)."""
    changes: list[tuple[dict, dict]] = []
    for kind, _, h in ways:
        if kind == "catch":
            new = {k: v for k, v in h.items() if k != "Assign"}
            rest = {k: v for k, v in h["Assign"].items() if k != var}
            changes.append((h, _placed(new, "Assign", rest) if rest else new))
        else:
            changes.append((h, _placed(dict(h), "Output", printed(Var(var)))))
    new_st = dict(st)
    if reads_var:
        for key in _HANDLERS[st["Type"]]:
            if key in new_st:
                new_st[key] = _replaced(new_st[key], var)
    if after:
        new_st = _placed(new_st, "Assign", {**st.get("Assign", {}), var: printed(_INPUT)})
    if sum(_size(new) - _size(old) for old, new in changes) + _size(new_st) - _size(st) >= 0:
        return False
    for old, new in changes:
        old.clear()
        old.update(new)
    catchers = st.get("Catch", [])
    for c, new_c in zip(catchers, new_st.get("Catch", [])):
        if c is not new_c:
            c.clear()
            c.update(new_c)
    if "Catch" in new_st:
        new_st["Catch"] = catchers
    st.clear()
    st.update(new_st)
    return True


def _replaced(value: Any, var: str) -> Any:
    if type(value) is Template:
        t = value.expr
        return printed(t.transform(lambda n: _INPUT if n == Var(var) else n)) if var in variables(t) else value
    if isinstance(value, dict):
        return {k: _replaced(v, var) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, var) for v in value]
    return value


def _placed(holder: dict, key: str, value: Any) -> dict:
    """`holder` with this field, where codegen writes it (Assign before Output, both before the transition)."""
    after = ("Output", "Next", "End") if key == "Assign" else ("Next", "End")
    out: dict = {}
    for k, v in holder.items():
        if k == key:
            continue
        if key not in out and k in after:
            out[key] = value
        out[k] = v
    if key not in out:
        out[key] = value
    return out


def _definitely_assigned(g: dict) -> dict[str, frozenset[str] | None]:
    """Per state, the variables assigned on every path into it within `g` (None: not reached): of them only those
    a catcher assigns the error (the only ones _plan asks about; the others would make every state's set as long
    as the workflow). A Choice's Default applies no Assign here."""
    states = g["States"]
    tracked = _error_variables(states)
    return forward_facts(states, g.get("StartAt"), _assigning_edges, frozenset(),
                         lambda have, assign: _assigned(have, assign, tracked), frozenset.__and__)


def _error_variables(states: dict) -> frozenset[str]:
    """The variables a catcher assigns the error (`$states.errorOutput`): the only candidates (_candidates)."""
    return frozenset(k for st in states.values() for c in st.get("Catch", [])
                     for k, v in c.get("Assign", {}).items() if expr_of(v) == _ERROR_OUTPUT)


def _assigning_edges(p: dict) -> list[tuple[str, dict | None]]:
    out: list[tuple[str, dict | None]] = [(p["Next"], p.get("Assign"))] if "Next" in p else []
    if "Default" in p:
        out.append((p["Default"], None))
    for edge in p.get("Choices", []) + p.get("Catch", []):
        out.append((edge["Next"], edge.get("Assign")))
    return out


def _assigned(have: frozenset[str], assign: dict | None, tracked: frozenset[str]) -> frozenset[str]:
    if not assign:
        return have
    new = tracked.intersection(assign)
    return have if new <= have else have | new
