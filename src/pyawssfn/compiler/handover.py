"""A step's result read only by the states that come straight after it travels as their input, not in a variable,
as a hand-written machine hands it over: a Task (Parallel, Map) whose Assign keeps `$states.result...` in a
variable that only the next state reads (or the states a Choice or Pass passes the same input on to) leaves the
Assign out, and those states read `$states.input...` instead (`"infos": "{% $states.input %}"` after a Parallel).
Likewise a Choice rule's or a Pass's `$states.input...` (a workflow parameter the next step takes as it is): the
next state's input is the same input.

It means the same where:
* the state has no Output (its output is `$states.result`, which is what the next state's input is; a Choice's or
  Pass's is its input);
* the variable is assigned nowhere else, and read only by states whose every way in is that state's Next or a
  transition of a Choice or a Pass without Output whose own input is that one (a catcher's hands over the error,
  the start the execution input; a loop back through the state assigns it again in both shapes);
* those states read it only where `$states.input` is their input (a Task's Arguments, Output, Assign and catchers,
  a Choice's rules, a Pass's or Fail's fields), not inside a Parallel branch or Map iteration.
Only where every read is a whole field value (`"infos": "{% $more_info %}"`, a return's Output): the value passed
on as it came reads well as `$states.input`, where inside an expression the Python name says more."""
from __future__ import annotations

from typing import Any

from pyawssfn.compiler.ir import Template, field_templates, variables
from pyawssfn.jsonata.tree import Dot, Expr, Name, Var

_NESTED = ("Branches", "ItemProcessor", "Iterator")
_HANDS_OVER = ("Task", "Parallel", "Map")
# the fields of a state in which $states.input is the state's input
_INPUT_FIELDS = {"Task": ("Arguments", "Output", "Assign", "Catch"), "Choice": ("Choices", "Assign"),
                 "Pass": ("Output", "Assign"), "Fail": ("Error", "Cause"), "Succeed": ("Output",)}


# --- the emitted ASL's fields (these passes run on the states as codegen built them, before it prints them: a
# JSONata value is an ir.Template of its tree, a plain string is literal text) ---------------------------------------

def printed(t: Expr) -> Template:
    """An expression as a field value (a Template: codegen.field_json prints it as ``{% text %}``)."""
    return Template(t)


def expr_of(value: Any) -> Expr | None:
    """The expression of a field value that is a Template, else None (literal JSON)."""
    return value.expr if type(value) is Template else None


def field_variables(value: Any, out: set[str]) -> None:
    """The variables read by the Templates in a state's field values."""
    trees: list[Expr] = []
    field_templates(value, trees)
    for t in trees:
        out |= variables(t)


class StateReads:
    """The variables each state of one graph reads (field_variables of all its fields, nested graphs too), found
    once per state: whoever changes a state's fields forgets it."""

    def __init__(self, states: dict) -> None:
        self.states = states
        self.known: dict[str, frozenset[str]] = {}

    def of(self, name: str) -> frozenset[str]:
        got = self.known.get(name)
        if got is None:
            out: set[str] = set()
            field_variables(self.states[name], out)
            got = self.known[name] = frozenset(out)
        return got

    def forget(self, *names: str) -> None:
        for name in names:
            self.known.pop(name, None)


def live(states: dict, start: str, var: str, reads: StateReads | None = None) -> bool:
    """Whether some path from the state `start` reads `var` before assigning it (any read in a state counts);
    `reads`, when given, knows what the states of `states` read."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen or name not in states:
            continue
        seen.add(name)
        st = states[name]
        if reads is not None:
            if var in reads.of(name):
                return True
        else:
            got: set[str] = set()
            field_variables(st, got)
            if var in got:
                return True
        if var not in st.get("Assign", {}):
            if "Next" in st:
                todo.append(st["Next"])
            if "Default" in st:
                todo.append(st["Default"])
        for edge in st.get("Choices", []) + st.get("Catch", []):
            if var not in edge.get("Assign", {}):
                todo.append(edge["Next"])
    return False


def hand_over(graph: dict) -> bool:
    """Hand over what can be, in `graph` and the graphs nested in it; whether anything changed."""
    graphs = graphs_of(graph)
    assigned: dict[str, int] = {}
    for g in graphs:
        for st in g["States"].values():
            for holder in [st] + st.get("Choices", []) + st.get("Catch", []):
                for k in holder.get("Assign", {}):
                    assigned[k] = assigned.get(k, 0) + 1
    if not any(assigned.get(var) == 1 and _result_path(holder["Assign"][var], field) is not None
               for g in graphs for st in g["States"].values() for holder, field in _sources(st)
               for var in holder["Assign"]):
        return False  # (what _try would find first, before any change: most machines have nothing to hand over)
    readers: dict[str, list[tuple[dict, str]]] = {}  # variable -> (graph, state) reading it in its own fields
    inside: set[str] = set()  # the variables read inside a Parallel branch or Map iteration
    for depth, g in enumerate(graphs):
        for sname, st in g["States"].items():
            own: set[str] = set()
            field_variables({k: v for k, v in st.items() if k not in _NESTED}, own)
            for v in own:
                readers.setdefault(v, []).append((g, sname))
            if depth:
                # every graph but the first is nested in a state of another: what its states read (its own nested
                # graphs' states are in `graphs` too) is read inside a branch or iteration, each state counted once
                # rather than once per enclosing graph
                inside |= own
    changed = False
    for g in graphs:
        ways = _ways_in(g)
        for name, st in list(g["States"].items()):
            for holder, field in _sources(st):
                for var in list(holder["Assign"]):
                    if assigned.get(var) == 1 and var not in inside:
                        changed = _try(g, ways, readers.get(var, []), name, holder, field, var) or changed
    return changed


def _sources(st: dict) -> list[tuple[dict, str]]:
    """(the Assign's holder, the $states field the next state's input is) of each transition of `st` whose next
    state's input is its result (a Task, Parallel, Map) or its own input (a Choice's rule, a Pass)."""
    if "Output" in st:
        return []
    kind = st.get("Type")
    if kind in _HANDS_OVER and "Next" in st and st.get("Assign"):
        return [(st, "result")]
    if kind == "Pass" and "Next" in st and st.get("Assign"):
        return [(st, "input")]
    if kind == "Choice":
        return [(r, "input") for r in st.get("Choices", []) if r.get("Assign")]
    return []


def graphs_of(graph: dict) -> list[dict]:
    """The graph and every graph nested in its states (Parallel branches, Map processors), depth first."""
    out = [graph]
    for st in graph["States"].values():
        for branch in st.get("Branches", []):
            out += graphs_of(branch)
        for key in ("ItemProcessor", "Iterator"):
            if key in st:
                out += graphs_of(st[key])
    return out


def _result_path(value: Any, field: str) -> Expr | None:
    """`$states.input...` for an Assign value `$states.<field>...` (field steps only), else None."""
    t = expr_of(value)
    if t is None:
        return None
    steps = []
    while type(t) is Dot and type(t.rhs) is Name:  # type: ignore[attr-defined]
        steps.append(t.rhs)  # type: ignore[attr-defined]
        t = t.lhs  # type: ignore[attr-defined]
    if len(steps) < 1 or t != Var("states") or steps[-1] != Name(field):
        return None
    out: Expr = Dot(Var("states"), Name("input"))
    for s in reversed(steps[:-1]):
        out = Dot(out, s)
    return out


def _try(g: dict, ways: dict, readers: list[tuple[dict, str]], name: str, holder: dict, field: str,
         var: str) -> bool:
    path = _result_path(holder["Assign"][var], field)
    if path is None:
        return False
    same_input = _same_input(g, ways, name, holder["Next"])
    for other, sname in readers:
        if other is not g or sname not in same_input:
            return False
        s = g["States"][sname]
        allowed: set[str] = set()
        field_variables({k: v for k, v in s.items() if k in _INPUT_FIELDS.get(s.get("Type"), ())}, allowed)
        rest: set[str] = set()
        field_variables({k: v for k, v in s.items() if k not in _INPUT_FIELDS.get(s.get("Type"), ())
                         and k not in _NESTED}, rest)
        if var in rest or var not in allowed or not _whole_reads(s, var):
            return False
    del holder["Assign"][var]
    if not holder["Assign"]:
        del holder["Assign"]
    for _, sname in readers:
        s = g["States"][sname]
        for key in _INPUT_FIELDS.get(s.get("Type"), ()):
            if key in s:
                s[key] = _replaced(s[key], var, path)
    return True


def _whole_reads(st: dict, var: str) -> bool:
    """Whether every read of `var` in the state is a whole field value (`"x": "{% $v %}"`): a value passed on as it
    is reads well as `$states.input`; inside an expression the variable's name says more (`$workspace.id`)."""
    trees: list[Expr] = []
    field_templates({k: v for k, v in st.items() if k not in _NESTED}, trees)
    for t in trees:
        if t != Var(var) and any(type(n) is Var and n.name == var for n in t.walk()):  # type: ignore
            return False
    return True


def _replaced(value: Any, var: str, path: Expr) -> Any:
    if type(value) is Template:
        t = value.expr
        if not any(type(n) is Var and n.name == var for n in t.walk()):  # type: ignore[attr-defined]
            return value
        return printed(t.transform(lambda n: path if n == Var(var) else n))
    if isinstance(value, dict):
        return {k: _replaced(v, var, path) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, var, path) for v in value]
    return value


def _ways_in(g: dict) -> dict[str, list[tuple[str, bool]]]:
    """Each state's ways in: (from, whether that state passes its own input on: a Choice, an Output-less Pass),
    a catcher's marked as not passing it on."""
    into: dict[str, list[tuple[str, bool]]] = {}
    for pname, p in g["States"].items():
        keeps = p.get("Type") in ("Choice", "Pass") and "Output" not in p
        if "Next" in p:
            into.setdefault(p["Next"], []).append((pname, keeps))
        if "Default" in p:
            into.setdefault(p["Default"], []).append((pname, keeps))
        for r in p.get("Choices", []):
            into.setdefault(r["Next"], []).append((pname, keeps))
        for c in p.get("Catch", []):
            into.setdefault(c["Next"], []).append((pname, False))
    return into


def _same_input(g: dict, into: dict[str, list[tuple[str, bool]]], name: str, first: str) -> set[str]:
    """The states whose input is always what `name` hands to `first`: `first`, if that transition is its only way
    in, and the states a Choice or an Output-less Pass among them passes it on to, by every way into them."""
    states = g["States"]
    if g.get("StartAt") == first or first == name or [w[0] for w in into.get(first, [])] != [name]:
        return set()
    if any(c.get("Next") == first for c in states[name].get("Catch", [])):
        return set()
    same = {first}
    todo = [first]
    while todo:
        src = states.get(todo.pop(), {})
        if not (src.get("Type") in ("Choice", "Pass") and "Output" not in src):
            continue
        nexts = [src.get("Next"), src.get("Default")] + [r.get("Next") for r in src.get("Choices", [])]
        for sname in nexts:
            if sname is None or sname in same or sname == name or g.get("StartAt") == sname:
                continue
            if all(keeps and w in same for w, keeps in into.get(sname, [])):
                same.add(sname)
                todo.append(sname)
    return same
