"""IR -> ASL (JSONata + Variables): dead-assignment removal, unique readable state names, deterministic JSON."""
from __future__ import annotations

import json
from typing import Any

from pyawssfn.compiler.choices import merge_choices
from pyawssfn.compiler.ir import Graph, Node, can_fail, evaluates, field_variables, variables
from pyawssfn.compiler.naming import unique_state_names
from pyawssfn.compiler.state_simplify import finish_state


def _tmpl(expr: str) -> Any:
    """An expression as a field value: a plain JSON scalar when it is one, else ``{% expr %}``."""
    try:
        v = json.loads(expr)
    except ValueError:
        return "{% " + expr + " %}"
    if isinstance(v, (int, float, bool)) or v is None or (isinstance(v, str) and "{%" not in v):
        return v
    return "{% " + expr + " %}"


def _skip(n: Node | None) -> Node | None:
    """Follow Pass states that do nothing (no Assign, no Output) to the state they lead to."""
    seen = set()
    while n is not None and n.type == "Pass" and not n.assign and n.output is None and n.next is not None \
            and id(n) not in seen:
        seen.add(id(n))
        n = n.next
    return n


def _graphs(g: Graph) -> list[Graph]:
    out = [g]
    for n in g.nodes:
        for b in n.branches:
            out += _graphs(b)
        if n.processor is not None:
            out += _graphs(n.processor)
    return out


def _reachable(g: Graph) -> list[Node]:
    start = _skip(g.start)
    seen: set[int] = set()
    todo = [start] if start else []
    while todo:
        n = todo.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        todo += [_skip(n.next), _skip(n.default)] + [_skip(r.next) for r in n.rules] + [_skip(c.next) for c in n.catch]
    return [n for n in g.nodes if id(n) in seen]


def _strings(v: Any, out: list[str]) -> None:
    if isinstance(v, str):
        out.append(v)
    elif isinstance(v, dict):
        for x in v.values():
            _strings(x, out)
    elif isinstance(v, list):
        for x in v:
            _strings(x, out)


def _expressions(n: Node) -> list[str]:
    """The bare JSONata expressions of a state (its {% %} field templates are read by _reads)."""
    out: list[str] = []
    if n.output is not None:
        out.append(n.output)
    for r in n.rules:
        out.append(r.condition)
        out += list(r.assign.values())
    for c in n.catch:
        out += list(c.assign.values())
        if c.output:
            out.append(c.output)
    out += list(n.assign.values())
    return out


def remove_dead_assignments(nodes: list[Node]) -> None:
    """Drop Assign entries of variables that no expression of the machine reads (repeat until stable)."""
    while True:
        refs: set[str] = set()
        for n in nodes:
            field_variables(n.fields, refs)
            for e in _expressions(n):
                refs |= variables(e)
        changed = False
        for n in nodes:
            for holder in [n] + n.rules + n.catch:
                for k in list(holder.assign):
                    if k in refs:
                        continue
                    v = holder.assign[k]
                    # An expression that can raise (the translator's $error) must still run, as Python would fail,
                    # unless the same state evaluates it anyway (it was substituted into a field of the state).
                    if can_fail(v) and not _evaluated_elsewhere(n, holder, k, v):
                        continue
                    del holder.assign[k]
                    changed = True
        if not changed:
            return


def _evaluated_elsewhere(n: Node, holder: Any, key: str, v: str) -> bool:
    others = [x for k, x in holder.assign.items() if k != key]
    fields: list[str] = []
    if holder is n:
        _strings(n.fields, fields)
        if n.output is not None:
            others.append(n.output)
    return any(evaluates(v, o) for o in others) or any(evaluates(v, f, template=True) for f in fields)


def _simplify_choices(nodes: list[Node]) -> None:
    for n in nodes:
        if n.type == "Choice" and n.default is None and n.rules and n.rules[-1].condition == "true" \
                and not n.rules[-1].assign and len(n.rules) > 1:
            n.default = n.rules.pop().next


def generate(graph: Graph, comment: str) -> tuple[dict, dict[str, int]]:
    graphs = _graphs(graph)
    all_nodes = [n for g in graphs for n in g.nodes]
    remove_dead_assignments(all_nodes)
    _simplify_choices(all_nodes)
    merge_choices(all_nodes, _skip)
    order: list[Node] = []

    def visit(g: Graph) -> None:
        for n in _reachable(g):
            order.append(n)
            for b in n.branches:
                visit(b)
            if n.processor is not None:
                visit(n.processor)

    visit(graph)
    names = unique_state_names([(id(n), n.name, n.line) for n in order])
    source_map = {names[id(n)]: n.line for n in order}
    name_of = lambda n: names[id(_skip(n))]  # noqa: E731

    def graph_json(g: Graph) -> dict:
        states = {}
        for n in _reachable(g):
            states[name_of(n)] = finish_state(state_json(n))  # the last pass over its expressions
        return {"StartAt": name_of(g.start), "States": states}

    def assign_json(a: dict[str, str]) -> dict:
        return {k: _tmpl(v) for k, v in a.items()}

    def transition(n: Node, d: dict) -> None:
        if n.end or n.next is None:
            d["End"] = True
        else:
            d["Next"] = name_of(n.next)

    def state_json(n: Node) -> dict:
        d: dict[str, Any] = {"Type": n.type}
        t = n.type
        if t == "Choice":
            choices = []
            for r in n.rules:
                c: dict[str, Any] = {"Condition": "{% " + r.condition + " %}"}
                if r.assign:
                    c["Assign"] = assign_json(r.assign)
                c["Next"] = name_of(r.next)
                choices.append(c)
            d["Choices"] = choices
            if n.default is not None:
                d["Default"] = name_of(n.default)
            if n.assign:
                d["Assign"] = assign_json(n.assign)
            return d
        if t == "Parallel":
            d["Branches"] = [graph_json(b) for b in n.branches]
        if t == "Map":
            proc = graph_json(n.processor)
            d["ItemProcessor"] = {"ProcessorConfig": n.processor_config, **proc}
        d.update(n.fields)
        if t in ("Succeed", "Fail"):
            if n.output is not None:
                d["Output"] = _tmpl(n.output)
            return d
        if n.retry:
            d["Retry"] = n.retry
        if n.catch:
            cs = []
            for c in n.catch:
                cj: dict[str, Any] = {"ErrorEquals": c.errors}
                if c.assign:
                    cj["Assign"] = assign_json(c.assign)
                if c.output is not None:
                    cj["Output"] = _tmpl(c.output)
                cj["Next"] = name_of(c.next)
                cs.append(cj)
            d["Catch"] = cs
        if n.assign:
            d["Assign"] = assign_json(n.assign)
        if n.output is not None:
            d["Output"] = _tmpl(n.output)
        transition(n, d)
        return d

    body = graph_json(graph)
    definition = {"Comment": comment, "QueryLanguage": "JSONata", **body}
    return definition, source_map
