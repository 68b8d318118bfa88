"""States alike but for their Assign share one: the Assign moves onto the transitions into each of them, then
merge_states.py merges the copies. An order saga's two handlers that both end `release_stock(reservation); raise
sfn.Fail(...)` compile to two release_stock Tasks that differ only in the error object their Assign builds; with the
object built where each handler starts (the catcher, or the state before), one Task serves both.

An Assign can move from a state S onto the transitions into it when that evaluates the same values to the same
variables, with the same outcome:
* its values read no `$states` field (S's input, result, context are not the predecessor's) and cannot fail (an
  error would happen before S's work instead of after it): variables, literals, objects and arrays of such, and
  `$parse(e.Cause).errorMessage` of a caught error whose every binding is a Lambda step's error caught by exception
  class names (its Cause is the Python runtime's error JSON: lower/errors.from_lambda_only, docs/language.md);
* between a transition and S's Assign only S's own work runs, which assigns nothing: the variables have the same
  values at both places, once a value the transition itself assigns is read as that value (a variable, literal or
  `$states` field: the transition's Assign reads the variables as they were);
* nothing else of S reads the variables it assigns (its fields read them as they were when S was entered), and
  every catcher of S assigns them again (a failure of S leaves them as the catcher says, as before);
* every transition into S can hold an Assign: a state's Next, a Choice rule, a catcher (not a Choice's Default,
  not the start, not S itself).
A variable the transition assigned that no path from it reads any more (it was read only by the moved values) is
then no longer assigned there."""
from __future__ import annotations

import json
from typing import Any

from pyawssfn.compiler.edge_facts import apply_edge_facts
from pyawssfn.compiler.handover import expr_of, field_variables, graphs_of, hand_over, live, printed
from pyawssfn.compiler.lower.support import LAMBDA_INVOKE
from pyawssfn.compiler.merge_states import json_key, maybe_alike, merge_identical
from pyawssfn.compiler.naming import strip_line_suffix
from pyawssfn.compiler.source_lines import StateLines, comment, named_already
from pyawssfn.jsonata.parse import parse
from pyawssfn.jsonata.printer import to_text
from pyawssfn.jsonata.tree import (
    Array, Block, Bool, Call, Dot, Expr, Name, Null, Num, Object, Str, Var, lit, states_field,
)

_NESTED = ("Branches", "ItemProcessor", "Iterator")
_ERROR_OUTPUT = parse("$states.errorOutput")  # a constant: parsed once at import


def merge_alike(graph: dict, source_map: dict[str, int], spans: dict[int, int] | None,
                held: StateLines | None = None) -> None:
    """merge_identical, after moving the Assign of states alike but for it onto their transitions (repeated while
    a merge makes more states alike) and handing results over as the next state's input (handover.py); `held`
    (codegen's lines of each state) follows the merges and renames."""
    if held is None and spans is not None:
        held = StateLines(spans)
    apply_edge_facts(graph)  # a guard the state before checked is not checked again
    merge_identical(graph, source_map, spans, held)
    lambda_errors = _lambda_error_variables(graph)
    for _ in range(8):
        if not _hoist_in(graph, lambda_errors, held, source_map):
            break
        merge_identical(graph, source_map, spans, held)
    if hand_over(graph):  # a result handed over as the next state's input: more states may be alike
        merge_identical(graph, source_map, spans, held)
    if held is not None and held.changed:
        _rewrite_comments(graph, source_map, held)
    _plain_names(graph, source_map, held)


def _hoist_in(graph: dict, lambda_errors: frozenset[str], held: StateLines | None = None,
              source_map: dict[str, int] | None = None) -> bool:
    changed = False
    for g in graphs_of(graph):
        groups: dict[str, list[str]] = {}
        maybe = maybe_alike(g["States"], ("Comment", "Assign"))  # (a group of one is passed over)
        for name, st in g["States"].items():
            if st.get("Type") != "Choice" and name in maybe:
                groups.setdefault(_key(st), []).append(name)
        edges: dict[str, list | None] | None = None
        for names in groups.values():
            if len(names) < 2 or len({json_key(g["States"][n].get("Assign")) for n in names}) < 2:
                continue
            if edges is None:
                edges = _all_edges(g["States"])
            plans = {n: _plan(g, n, lambda_errors, edges.get(n, [])) for n in names if g["States"][n].get("Assign")}
            ready = [n for n in names if not g["States"][n].get("Assign") or plans.get(n) is not None]
            if len(ready) < 2:
                continue
            for n in ready:
                plan = plans.get(n)
                if plan is not None:
                    _apply(g, n, plan)
                    changed = True
                    if held is not None:  # its Assign's lines go with it
                        owners = _owners(g["States"])
                        held.move_assign(n, [owners[id(h)] for h, _, _ in plan if id(h) in owners], source_map or {})
    return changed


def _owners(states: dict) -> dict[int, str]:
    """id of each holder of a transition (a state, a Choice rule, a catcher) -> the name of its state."""
    return {id(h): name for name, st in states.items() for h in [st, *st.get("Choices", []), *st.get("Catch", [])]}


def _rewrite_comments(graph: dict, source_map: dict[str, int], held: StateLines) -> None:
    """The Comment of each state whose lines changed (held.changed): what it holds now."""
    for g in graphs_of(graph):
        for name, st in g["States"].items():
            if name in held.changed and name in source_map:
                first = source_map[name]
                st.pop("Comment", None)
                if held.extra(name, first) or not named_already(name, first, held.spans):
                    g["States"][name] = _with_comment(st, held.comment(name, first))
    held.changed.clear()


def _key(st: dict) -> str:
    return json_key({k: v for k, v in st.items() if k not in ("Comment", "Assign")})


# --- whether an Assign can move, and what it becomes on each transition ------------------------------------

def _plan(g: dict, name: str, lambda_errors: frozenset[str],
          edges: list[tuple[dict, bool, bool]] | None) -> list[tuple[dict, dict[str, Any], set[str]]] | None:
    """For each transition into the state: (its holder, the Assign entries it gets, the variables it assigned
    that the moved values read); None when the Assign cannot move."""
    states = g["States"]
    st = states[name]
    assign: dict[str, Any] = st["Assign"]
    if g.get("StartAt") == name:
        return None
    rest: set[str] = set()
    field_variables({k: v for k, v in st.items() if k != "Assign"}, rest)
    if rest & set(assign) or any(not set(assign) <= set(c.get("Assign", {})) for c in st.get("Catch", [])):
        return None
    values = {k: expr_of(v) for k, v in assign.items()}
    if any(t is not None and any(type(n) is Var and n.name == "states" for n in t.walk()) for t in values.values()):
        return None
    if edges is None:
        return None
    out = []
    for holder, is_catch, lambda_catch in edges:
        there: dict[str, Any] = holder.get("Assign", {})
        moved: dict[str, Any] = {}
        read: set[str] = set()
        for k, v in assign.items():
            t = values[k]
            if t is None:
                moved[k] = v
                continue
            t, used = _substituted(t, there)
            if t is None or not _safe(t, lambda_errors, lambda_catch and is_catch):
                return None
            read |= used
            moved[k] = _field(t)
        out.append((holder, moved, read))
    return out


def _all_edges(states: dict) -> dict[str, list[tuple[dict, bool, bool]] | None]:
    """For each state, (holder, is a catcher, is a catcher of a Lambda step naming exception classes only) of every
    transition into it; None when one cannot hold an Assign (a Choice's Default, a state's Next to itself...)."""
    out: dict[str, list[tuple[dict, bool, bool]] | None] = {}

    def add(target: str, edge: tuple[dict, bool, bool] | None) -> None:
        if edge is None or out.get(target, []) is None:
            out[target] = None
        else:
            out.setdefault(target, []).append(edge)  # type: ignore[union-attr]

    for pname, p in states.items():
        if "Default" in p:
            add(p["Default"], None)
        if "Next" in p:
            bad = p["Next"] == pname or p.get("Type") in ("Choice", "Succeed", "Fail")
            add(p["Next"], None if bad else (p, False, False))
        for r in p.get("Choices", []):
            add(r["Next"], (r, False, False))
        for c in p.get("Catch", []):
            names = c.get("ErrorEquals", [])
            lam = p.get("Resource") == LAMBDA_INVOKE and bool(names) and all("." not in e for e in names)
            add(c["Next"], None if c["Next"] == pname else (c, True, lam))
    return out


def _substituted(t: Expr, there: dict[str, Any]) -> tuple[Expr | None, set[str]]:
    """`t` reading each variable the transition assigns as the value it assigns (None when one is not a plain
    variable, literal or $states field, which may fail or differ when evaluated twice)."""
    used: set[str] = set()
    values: dict[str, Expr] = {}
    for n in t.walk():
        if type(n) is Var and n.name in there:
            v = there[n.name]
            vt = expr_of(v)
            if vt is None:
                if isinstance(v, (dict, list)):
                    return None, used
                vt = lit(v)
            if not (type(vt) in (Var, Str, Num, Bool, Null) or states_field(vt) is not None and _plain_path(vt)):
                return None, used
            values[n.name] = vt
            used.add(n.name)
    if not values:
        return t, used
    return t.transform(lambda n: values[n.name] if type(n) is Var and n.name in values else n), used


def _field(t: Expr) -> Any:
    """An expression as an Assign value: a literal as plain JSON, anything else a {% %} template (as codegen)."""
    if type(t) in (Num, Bool, Null) or type(t) is Str and "{%" not in t.value:  # type: ignore[attr-defined]
        return json.loads(to_text(t))
    return printed(t)


def _plain_path(t: Expr) -> bool:
    while type(t) is Dot and type(t.rhs) is Name:  # type: ignore[attr-defined]
        t = t.lhs  # type: ignore[attr-defined]
    return type(t) is Var and t.name == "states"  # type: ignore[attr-defined]


def _safe(t: Expr, lambda_errors: frozenset[str], in_lambda_catch: bool) -> bool:
    """Whether evaluating `t` cannot fail (a variable, literal, $states path, object or array of such, the
    message of a Lambda step's caught error)."""
    tt = type(t)
    if tt in (Var, Str, Num, Bool, Null):
        return True
    if tt is Block:
        return len(t.exprs) == 1 and _safe(t.exprs[0], lambda_errors, in_lambda_catch)  # type: ignore[attr-defined]
    if tt is Object:
        return all(type(k) is Str and _safe(v, lambda_errors, in_lambda_catch) for k, v in t.pairs)  # type: ignore
    if tt is Array:
        return all(_safe(x, lambda_errors, in_lambda_catch) for x in t.items)  # type: ignore[attr-defined]
    if _plain_path(t):
        return True
    caught = _decoded(t)
    if caught is None:
        return False
    if type(caught) is Var:
        return caught.name in lambda_errors  # type: ignore[attr-defined]
    return in_lambda_catch and caught == Dot(Var("states"), Name("errorOutput"))


def _decoded(t: Expr) -> Expr | None:
    """X of `$parse(X.Cause).errorMessage` (support.message_of of a Lambda step's caught error), else None."""
    if not (type(t) is Dot and t.rhs == Name("errorMessage") and type(t.lhs) is Call):  # type: ignore[attr-defined]
        return None
    call = t.lhs  # type: ignore[attr-defined]
    if call.func != Var("parse") or len(call.args) != 1:
        return None
    arg = call.args[0]
    if not (type(arg) is Dot and arg.rhs == Name("Cause")):
        return None
    x = arg.lhs
    while type(x) is Block and len(x.exprs) == 1:
        x = x.exprs[0]
    return x


def _lambda_error_variables(graph: dict) -> frozenset[str]:
    """The variables every assignment of which (in the whole definition) binds a Lambda step's error caught by
    exception class names, as the catcher hands it over."""
    good: set[str] = set()
    bad: set[str] = set()
    for g in graphs_of(graph):
        for st in g["States"].values():
            holders = [st] + st.get("Choices", [])
            for holder in holders:
                bad |= set(holder.get("Assign", {}))
            for c in st.get("Catch", []):
                names = c.get("ErrorEquals", [])
                lam = st.get("Resource") == LAMBDA_INVOKE and bool(names) and all("." not in e for e in names)
                for k, v in c.get("Assign", {}).items():
                    (good if lam and expr_of(v) == _ERROR_OUTPUT else bad).add(k)
    return frozenset(good - bad)


# --- the names of the states kept ------------------------------------------------------------------------

def _base(name: str) -> str:
    """`name` without the ` @N` or ` @N.k` naming.unique_state_names gave it."""
    return strip_line_suffix(name)



def _plain_names(graph: dict, source_map: dict[str, int], held: StateLines | None) -> None:
    """A state named `base @N` because another state had its base name keeps just `base` when it is the only
    one left of that name (the copies merged into it); a Comment then says its line, as the name did."""
    graphs = graphs_of(graph)
    bases: dict[str, int] = {}
    for g in graphs:
        for name in g["States"]:
            base = _base(name)
            bases[base] = bases.get(base, 0) + 1
    for g in graphs:
        renames = {n: _base(n) for n in g["States"] if _base(n) != n and bases[_base(n)] == 1}
        if not renames:
            continue
        g["States"] = {renames.get(n, n): st for n, st in g["States"].items()}
        if g.get("StartAt") in renames:
            g["StartAt"] = renames[g["StartAt"]]
        for st in g["States"].values():
            for holder in [st] + st.get("Choices", []) + st.get("Catch", []):
                for key in ("Next", "Default"):
                    if holder.get(key) in renames:
                        holder[key] = renames[holder[key]]
        for old, new in renames.items():
            if held is not None:
                held.rename(old, new)
            if old in source_map:
                source_map[new] = source_map.pop(old)
                st = g["States"][new]
                if held is not None and "Comment" not in st:
                    g["States"][new] = _with_comment(st, held.comment(new, source_map[new]))


def _with_comment(st: dict, text: str) -> dict:
    out: dict[str, Any] = {}
    for k, v in st.items():
        out[k] = v
        if k == "Type":
            out["Comment"] = text
    return out


# --- moving it --------------------------------------------------------------------------------------------

def _apply(g: dict, name: str, plan: list[tuple[dict, dict[str, Any], set[str]]]) -> None:
    states = g["States"]
    st = states[name]
    del st["Assign"]
    for holder, moved, read in plan:
        there = dict(holder.get("Assign", {}))
        there.update(moved)
        target = holder["Next"]
        for v in read - set(moved):
            if not live(states, target, v):
                del there[v]
        _set_assign(holder, there)


def _set_assign(holder: dict, assign: dict[str, Any]) -> None:
    """`holder` with this Assign, where codegen writes one (before Output and the transition)."""
    items = [(k, v) for k, v in holder.items() if k != "Assign"]
    holder.clear()
    placed = not assign
    for k, v in items:
        if not placed and k in ("Output", "Next", "End"):
            holder["Assign"] = assign
            placed = True
        holder[k] = v
    if not placed:
        holder["Assign"] = assign
