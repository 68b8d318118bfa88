"""A variable that holds one literal wherever it is read is that literal: order_pipeline's `status` is "failed" on
every way into the finally copy that runs after an error and "placed" on the one way into the copy after success, so
`record_outcome(order_id, status)` passes the literal, as a hand-written machine does, and no state assigns `status`.

It means the same where, for a variable V:
* every Assign entry of V (a state's, a Choice rule's, a catcher's, in any graph) is a JSON literal (it cannot fail:
  leaving it out changes no outcome);
* every state that reads V has, on every way into it (within its graph: a state of a Parallel branch or Map
  iteration knows nothing of the variables outside), V assigned the same literal: its fields all see the variables
  as they were when it was entered (a state's own Assign applies after them), so each read is that literal;
* no expression reading V binds a name V of its own (`$v := ...`, `function($v)`).
Then every read of V is its literal and V is read nowhere, so no Assign keeps it. Done only where that is shorter."""
from __future__ import annotations

import json
from typing import Any

from pyawssfn.compiler.forward_facts import forward_facts
from pyawssfn.compiler.handover import graphs_of
from pyawssfn.compiler.ir import Template, field_templates, variables
from pyawssfn.compiler.share import _names
from pyawssfn.jsonata.printer import to_text
from pyawssfn.jsonata.tree import Bool, Null, Num, Str, Var, lit

_NESTED = ("Branches", "ItemProcessor", "Iterator")
_UNKNOWN = object()
Facts = dict[str, Any]  # variable -> its literal (a Python JSON scalar) on every way in


def inline_literal_variables(graph: dict) -> None:
    graphs = graphs_of(graph)
    entries: dict[str, list[Any]] = {}  # variable -> the literal of each Assign entry (_UNKNOWN: not a literal)
    for g in graphs:
        for st in g["States"].values():
            for holder in [st] + st.get("Choices", []) + st.get("Catch", []):
                for k, v in holder.get("Assign", {}).items():
                    entries.setdefault(k, []).append(_literal(v))
    literal_only = {k for k, vs in entries.items() if all(v is not _UNKNOWN for v in vs)}
    if not literal_only:
        return
    readers: dict[str, list[tuple[dict, Facts]]] = {}
    for g in graphs:
        facts = _facts(g, literal_only)
        for name, st in g["States"].items():
            reads: set[str] = set()
            trees: list = []
            field_templates({k: v for k, v in st.items() if k not in _NESTED}, trees)
            for t in trees:
                reads |= variables(t) & literal_only
            for v in reads:
                readers.setdefault(v, []).append((st, facts.get(name) or {}))
    for var in sorted(literal_only):
        sites = readers.get(var, [])
        if not sites or any(var not in known for _, known in sites):
            continue
        if any(_binds(st, var) for st, _ in sites) or not _shorter(var, sites, entries[var]):
            continue
        for st, known in sites:
            for key in [k for k in st if k not in _NESTED]:
                st[key] = _inlined(st[key], var, known[var])
        for g in graphs:
            for st in g["States"].values():
                for holder in [st] + st.get("Choices", []) + st.get("Catch", []):
                    if var in holder.get("Assign", {}):
                        del holder["Assign"][var]
                        if not holder["Assign"]:
                            del holder["Assign"]


def _literal(value: Any) -> Any:
    """The JSON scalar an Assign value is, else _UNKNOWN."""
    if type(value) is Template:
        if type(value.expr) not in (Str, Num, Bool, Null):
            return _UNKNOWN
        try:
            value = json.loads(to_text(value.expr))
        except ValueError:
            return _UNKNOWN
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return _UNKNOWN


def _facts(g: dict, tracked: set[str]) -> dict[str, Facts | None]:
    """Per state of `g`, the tracked variables holding one literal on every way into it (None: not reached)."""
    return forward_facts(g["States"], g.get("StartAt"), _edges, {},
                         lambda have, assign: _after(have, assign, tracked), _meet)


def _edges(p: dict) -> list[tuple[str, dict | None]]:
    out: list[tuple[str, dict | None]] = [(p["Next"], p.get("Assign"))] if "Next" in p else []
    if "Default" in p:
        out.append((p["Default"], p.get("Assign")))
    for edge in p.get("Choices", []) + p.get("Catch", []):
        out.append((edge["Next"], edge.get("Assign")))
    return out


def _after(have: Facts, assign: dict | None, tracked: set[str]) -> Facts:
    """(`have` itself when `assign` writes nothing tracked: the facts are never changed in place.)"""
    if not assign or tracked.isdisjoint(assign):
        return have
    out = dict(have)
    for k, v in assign.items():
        out.pop(k, None)
        if k in tracked:
            out[k] = _literal(v)
    return out


def _meet(a: Facts, b: Facts) -> Facts:
    return {k: v for k, v in a.items() if k in b and _same(b[k], v)}


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _binds(st: dict, var: str) -> bool:
    trees: list = []
    field_templates({k: v for k, v in st.items() if k not in _NESTED}, trees)
    return any(var in _names(t)[0] for t in trees if var in variables(t))


def _shorter(var: str, sites: list[tuple[dict, Facts]], literals: list[Any]) -> bool:
    """Whether the entries left out save more than the literals written for the reads cost."""
    gain = sum(len(json.dumps(var)) + len(json.dumps(v)) + 2 for v in literals)
    for st, known in sites:
        trees: list = []
        field_templates({k: v for k, v in st.items() if k not in _NESTED}, trees)
        uses = sum(1 for t in trees for n in t.walk() if n == Var(var))
        gain -= uses * (len(to_text(lit(known[var]))) - len(var) - 1)
    return gain > 0


def _inlined(value: Any, var: str, literal: Any) -> Any:
    if type(value) is Template:
        t = value.expr
        if var not in variables(t):
            return value
        from pyawssfn.compiler.codegen import _tmpl  # a literal whole field is plain JSON, as codegen writes it
        return _tmpl(t.transform(lambda n: lit(literal) if n == Var(var) else n))
    if isinstance(value, dict):
        return {k: _inlined(v, var, literal) for k, v in value.items()}
    if isinstance(value, list):
        return [_inlined(v, var, literal) for v in value]
    return value
