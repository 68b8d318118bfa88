"""A drawing-neutral model of a state machine: nodes, edges and nested clusters (Parallel branches, Map
processors), built once and rendered by the mermaid, dot and html writers. Ids are assigned in definition order, so
the same definition always gives the same picture."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

LABEL_LIMIT = 40


@dataclass
class Node:
    id: str
    name: str
    kind: str          # a state Type, or "start" / "end" for the markers
    lines: list[str]   # label lines: name first, then "Task · line 12"
    terminal: str = ""  # "end" (End: true), "succeed", "fail" or ""
    state: Any = None   # the state's JSON, for the HTML view
    path: str = ""      # "States.P.Branches[0].States.X"


@dataclass
class Edge:
    src: str
    dst: str
    label: str = ""
    style: str = "next"  # next | choice | default | catch | branch


@dataclass
class Cluster:
    id: str
    label: str
    nodes: list[Node] = field(default_factory=list)
    clusters: list["Cluster"] = field(default_factory=list)


@dataclass
class Graph:
    root: Cluster
    edges: list[Edge]

    def all_nodes(self) -> list[Node]:
        out: list[Node] = []

        def walk(c: Cluster) -> None:
            out.extend(c.nodes)
            for sub in c.clusters:
                walk(sub)

        walk(self.root)
        return out


def shorten(text: str, limit: int = LABEL_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_COMPARATORS = {
    "Equals": "==", "LessThan": "<", "GreaterThan": ">", "LessThanEquals": "<=", "GreaterThanEquals": ">=",
    "Matches": "matches",
}


def condition_text(rule: Any) -> str:
    """A short human reading of a Choice rule: the JSONata Condition, or the JSONPath comparison."""
    if not isinstance(rule, dict):
        return "?"
    cond = rule.get("Condition")
    if isinstance(cond, str):
        cond = cond.strip()
        if cond.startswith("{%") and cond.endswith("%}"):
            cond = cond[2:-2].strip()
        return cond
    if cond is not None:
        return json.dumps(cond)
    for op in ("And", "Or"):
        if isinstance(rule.get(op), list):
            return f" {op.lower()} ".join(f"({condition_text(r)})" for r in rule[op])
    if isinstance(rule.get("Not"), dict):
        return f"not ({condition_text(rule['Not'])})"
    variable = rule.get("Variable", "?")
    for key, value in rule.items():
        if key in ("Variable", "Next", "Comment", "Assign", "Output"):
            continue
        if key.startswith("Is"):
            test = key[2:].lower()
            return f"{variable} is {'' if value else 'not '}{test}"
        base = key[:-4] if key.endswith("Path") else key
        for suffix, symbol in sorted(_COMPARATORS.items(), key=lambda kv: -len(kv[0])):
            if base.endswith(suffix):
                shown = value if key.endswith("Path") else json.dumps(value, ensure_ascii=False)
                return f"{variable} {symbol} {shown}"
    return variable if isinstance(variable, str) else "?"


class _Builder:
    def __init__(self, source_map: dict[str, int]):
        self.source_map = source_map
        self.edges: list[Edge] = []
        self.counter = 0

    def new_id(self, prefix: str = "n") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def machine(self, machine: Any, cluster: Cluster, path: str) -> tuple[str | None, str | None]:
        """Fill ``cluster`` with the machine's states; returns the ids of its start and end markers."""
        states = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(states, dict) or not states:
            return None, None
        start = Node(self.new_id(), "start", "start", ["start"])
        end = Node(self.new_id(), "end", "end", ["end"])
        cluster.nodes.append(start)
        ids: dict[str, str] = {}
        for name in states:
            ids[name] = self.new_id()
        needs_end = False
        pending: list[Edge] = []
        for name, state in states.items():
            node_id = ids[name]
            state_path = f"{path}.States.{name}" if path else f"States.{name}"
            kind = state.get("Type") if isinstance(state, dict) else None
            kind = kind if isinstance(kind, str) else "?"
            lines = [name, kind + (f" · line {self.source_map[name]}" if name in self.source_map else "")]
            terminal = ""
            if kind == "Succeed":
                terminal = "succeed"
            elif kind == "Fail":
                terminal = "fail"
            elif isinstance(state, dict) and state.get("End") is True:
                terminal = "end"
            cluster.nodes.append(Node(node_id, name, kind, lines, terminal, state, state_path))
            if not isinstance(state, dict):
                continue
            if terminal in ("end", "succeed"):
                pending.append(Edge(node_id, end.id))
                needs_end = True
            self._transitions(state, node_id, ids, pending)
            if kind == "Parallel":
                for i, branch in enumerate(_list(state.get("Branches"))):
                    sub = Cluster(self.new_id("g"), f"{name} · branch {i + 1}")
                    first, _ = self.machine(branch, sub, f"{state_path}.Branches[{i}]")
                    cluster.clusters.append(sub)
                    if first:
                        pending.append(Edge(node_id, first, f"branch {i + 1}", "branch"))
            elif kind == "Map":
                key = "ItemProcessor" if "ItemProcessor" in state else "Iterator"
                sub = Cluster(self.new_id("g"), f"{name} · each item")
                first, _ = self.machine(state.get(key), sub, f"{state_path}.{key}")
                cluster.clusters.append(sub)
                if first:
                    pending.append(Edge(node_id, first, "each item", "branch"))
        start_target = machine.get("StartAt")
        if isinstance(start_target, str) and start_target in ids:
            self.edges.append(Edge(start.id, ids[start_target]))
        self.edges.extend(pending)
        if needs_end:
            cluster.nodes.append(end)
        return start.id, (end.id if needs_end else None)

    def _transitions(self, state: dict, node_id: str, ids: dict[str, str], out: list[Edge]) -> None:
        def target(name: Any) -> str | None:
            return ids.get(name) if isinstance(name, str) else None

        if target(state.get("Next")):
            out.append(Edge(node_id, ids[state["Next"]]))
        for rule in _list(state.get("Choices")):
            if isinstance(rule, dict) and target(rule.get("Next")):
                out.append(Edge(node_id, ids[rule["Next"]], shorten(condition_text(rule)), "choice"))
        if target(state.get("Default")):
            out.append(Edge(node_id, ids[state["Default"]], "default", "default"))
        for catcher in _list(state.get("Catch")):
            if isinstance(catcher, dict) and target(catcher.get("Next")):
                errors = _list(catcher.get("ErrorEquals"))
                label = ", ".join(e for e in errors if isinstance(e, str)) or "error"
                out.append(Edge(node_id, ids[catcher["Next"]], shorten("catch " + label), "catch"))


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def build(definition: Any, source_map: dict[str, int] | None = None) -> Graph:
    builder = _Builder(source_map or {})
    root = Cluster("root", "")
    builder.machine(definition, root, "")
    return Graph(root, builder.edges)
