"""A caught error handed over as the handler's input, not assigned by every catcher: the states of a `try` body each
catch into the `finally` (or `except ... as e`) copy with `"Assign": {"exception_1": "{% $states.errorOutput %}"}`;
a catcher's output is that error already (a catcher without Output), so the handler's first state S assigns it once,
`"exception_1": "{% $states.input %}"`, and the catchers leave it out.

It means the same where (S a Task or Pass, V the variable):
* every way into S is a catcher assigning V `$states.errorOutput` without an Output, or the Next of a Task, Pass,
  Parallel or Map that has no Output, does not assign V and on every path to it has V assigned: that one gets
  `"Output": "{% $V %}"` (its output is read by S alone), so S's input is V's value on every way in;
* S reads neither V (its fields see the variables as they were when it was entered, before its Assign) nor, when a
  Next leads into it, `$states.input` (its input is then V, not what that state gave), and does not assign V;
* S assigns V after its own work only, so every catcher of S assigns V itself or leads where V is not read before
  it is assigned (a failure of S skips its Assign); an error nothing catches ends the execution either way.
Done only where it makes the definition shorter (two catchers or more, mostly)."""
from __future__ import annotations

import json
from typing import Any

from pyawssfn.compiler.handover import expr_of, field_variables, graphs_of, printed
from pyawssfn.compiler.ir import field_templates
from pyawssfn.jsonata.tree import Dot, Name, Var

_NESTED = ("Branches", "ItemProcessor", "Iterator")
_ERROR_OUTPUT = Dot(Var("states"), Name("errorOutput"))
_INPUT = Dot(Var("states"), Name("input"))
_PASSES_ON = ("Task", "Pass", "Parallel", "Map")


def hand_over_caught(graph: dict) -> None:
    """In `graph` and the graphs nested in it."""
    for g in graphs_of(graph):
        _in_graph(g)


def _in_graph(g: dict) -> None:
    states = g["States"]
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
    for name, st in states.items():
        ways = into.get(name, [])
        if st.get("Type") not in ("Task", "Pass") or g.get("StartAt") == name or not ways:
            continue
        for var in _candidates(ways):
            if _eligible(states, name, st, var, ways, assigned) and _saves(st, var, ways):
                _apply(st, var, ways)
                break


def _candidates(ways: list[tuple[str, str, dict]]) -> list[str]:
    catchers = [h for kind, _, h in ways if kind == "catch"]
    if not catchers:
        return []
    return [k for k, v in catchers[0].get("Assign", {}).items() if expr_of(v) == _ERROR_OUTPUT]


def _eligible(states: dict, name: str, st: dict, var: str, ways: list, assigned: dict[str, set[str] | None]) -> bool:
    nexts = False
    for kind, pname, h in ways:
        if kind == "catch":
            if "Output" in h or expr_of(h.get("Assign", {}).get(var)) != _ERROR_OUTPUT:
                return False
        elif kind == "next":
            p = states[pname]
            have = assigned.get(pname)
            if pname == name or p.get("Type") not in _PASSES_ON or "Output" in p or var in p.get("Assign", {}) \
                    or have is None or var not in have:
                return False
            nexts = True
        else:
            return False
    reads: set[str] = set()
    own = {k: v for k, v in st.items() if k not in _NESTED}
    field_variables(own, reads)
    if var in reads or var in st.get("Assign", {}):
        return False
    if nexts and _reads_input(own):
        return False
    return all(var in c.get("Assign", {}) or not _live(states, c["Next"], var) for c in st.get("Catch", []))


def _reads_input(value: Any) -> bool:
    trees: list = []
    field_templates(value, trees)
    return any(n == _INPUT for t in trees for n in t.walk())


def _saves(st: dict, var: str, ways: list) -> bool:
    """Whether the definition gets shorter: the catchers' entries out, S's entry and the Outputs in."""
    gain = 0
    for kind, _, h in ways:
        if kind == "catch":
            rest = {k: v for k, v in h["Assign"].items() if k != var}
            gain += _size({"Assign": h["Assign"]}) - (_size({"Assign": rest}) if rest else -1)
        else:
            gain -= _size({"Output": printed(Var(var))}) - 1
    assign = st.get("Assign", {})
    gain -= _size({"Assign": {**assign, var: printed(_INPUT)}}) - (_size({"Assign": assign}) if assign else -1)
    return gain > 0


def _size(value: dict) -> int:
    from pyawssfn.compiler.codegen import field_json  # codegen runs this pass
    return len(json.dumps(field_json(value), separators=(",", ":"), ensure_ascii=False).encode())


def _apply(st: dict, var: str, ways: list) -> None:
    for kind, _, h in ways:
        if kind == "catch":
            del h["Assign"][var]
            if not h["Assign"]:
                del h["Assign"]
        else:
            _place(h, "Output", printed(Var(var)))
    assign = dict(st.get("Assign", {}))
    assign[var] = printed(_INPUT)
    _place(st, "Assign", assign)


def _place(holder: dict, key: str, value: Any) -> None:
    """`holder` with this field, where codegen writes it (Assign before Output, both before the transition)."""
    after = ("Output", "Next", "End") if key == "Assign" else ("Next", "End")
    items = [(k, v) for k, v in holder.items() if k != key]
    holder.clear()
    placed = False
    for k, v in items:
        if not placed and k in after:
            holder[key] = value
            placed = True
        holder[k] = v
    if not placed:
        holder[key] = value


def _definitely_assigned(g: dict) -> dict[str, set[str] | None]:
    """Per state, the variables assigned on every path into it within `g` (None: not reached)."""
    states = g["States"]
    start = g.get("StartAt")
    facts: dict[str, set[str] | None] = {n: None for n in states}
    if start in facts:
        facts[start] = set()
    changed = True
    while changed:
        changed = False
        for pname, p in states.items():
            have = facts[pname]
            if have is None:
                continue
            outs: list[tuple[str, set[str]]] = []
            if "Next" in p:
                outs.append((p["Next"], have | set(p.get("Assign", {}))))
            if "Default" in p:
                outs.append((p["Default"], set(have)))
            for edge in p.get("Choices", []) + p.get("Catch", []):
                outs.append((edge["Next"], have | set(edge.get("Assign", {}))))
            for target, got in outs:
                if target not in facts:
                    continue
                old = facts[target]
                new = got if old is None else old & got
                if target == start:
                    new = set()
                if new != old:
                    facts[target] = new
                    changed = True
    return facts


def _live(states: dict, start: str, var: str) -> bool:
    """Whether some path from the state `start` reads `var` before assigning it (any read in a state counts)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen or name not in states:
            continue
        seen.add(name)
        st = states[name]
        reads: set[str] = set()
        field_variables(st, reads)
        if var in reads:
            return True
        for key in ("Next", "Default"):
            if key in st and var not in st.get("Assign", {}):
                todo.append(st[key])
        for edge in st.get("Choices", []) + st.get("Catch", []):
            if var not in edge.get("Assign", {}):
                todo.append(edge["Next"])
    return False

