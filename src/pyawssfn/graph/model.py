"""A drawing-neutral model of a state machine: nodes, edges and nested clusters (Parallel branches, Map
processors), built once and rendered by the mermaid, dot and html writers. Ids are assigned in definition order, so
the same definition always gives the same picture."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

LABEL_LIMIT = 48


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
    kind: str = "branch"  # "container" (a Parallel or Map state holding its branches) | "branch" | "root"


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
    def __init__(self, source_map: dict[str, int], python_conditions: dict[str, list[str]] | None = None):
        self.source_map = source_map
        self.python_conditions = python_conditions or {}
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
            node = Node(node_id, name, kind, lines, terminal, state, state_path)
            if kind in ("Parallel", "Map") and isinstance(state, dict):
                # The state is drawn as a box holding its branches (or its item processor), the state's own node
                # at the top of it.
                home = Cluster(self.new_id("g"), kind, [node], kind="container")
                cluster.clusters.append(home)
                self._branches(state, kind, node_id, home, state_path, pending)
            else:
                cluster.nodes.append(node)
            if not isinstance(state, dict):
                continue
            if terminal in ("end", "succeed"):
                pending.append(Edge(node_id, end.id))
                needs_end = True
            self._transitions(state, node_id, name, ids, pending)
        start_target = machine.get("StartAt")
        if isinstance(start_target, str) and start_target in ids:
            self.edges.append(Edge(start.id, ids[start_target]))
        self.edges.extend(pending)
        if needs_end:
            cluster.nodes.append(end)
        return start.id, (end.id if needs_end else None)

    def _branches(self, state: dict, kind: str, node_id: str, home: Cluster, state_path: str,
                  pending: list[Edge]) -> None:
        if kind == "Parallel":
            for i, branch in enumerate(_list(state.get("Branches"))):
                sub = Cluster(self.new_id("g"), f"branch {i + 1}")
                first, _ = self.machine(branch, sub, f"{state_path}.Branches[{i}]")
                home.clusters.append(sub)
                if first:
                    pending.append(Edge(node_id, first, "", "branch"))
        else:
            key = "ItemProcessor" if "ItemProcessor" in state else "Iterator"
            sub = Cluster(self.new_id("g"), "each item")
            first, _ = self.machine(state.get(key), sub, f"{state_path}.{key}")
            home.clusters.append(sub)
            if first:
                pending.append(Edge(node_id, first, "", "branch"))

    def _transitions(self, state: dict, node_id: str, name: str, ids: dict[str, str], out: list[Edge]) -> None:
        def target(name: Any) -> str | None:
            return ids.get(name) if isinstance(name, str) else None

        if target(state.get("Next")):
            out.append(Edge(node_id, ids[state["Next"]]))
        rules = _list(state.get("Choices"))
        python = self.python_conditions.get(name)
        if python is not None and len(python) != len(rules):
            python = None  # the Choice does not read as the if/elif chain it was compiled from: show the ASL
        seen: set[str] = set()
        for k, rule in enumerate(rules):
            if isinstance(rule, dict) and target(rule.get("Next")):
                label = shorten(python[k] if python is not None else condition_text(rule))
                if label in seen:  # two rules cut to the same words: number them so they stay apart
                    label = shorten(f"{k + 1}: " + (python[k] if python is not None else condition_text(rule)))
                seen.add(label)
                out.append(Edge(node_id, ids[rule["Next"]], label, "choice"))
        if target(state.get("Default")):
            out.append(Edge(node_id, ids[state["Default"]], "else" if python is not None else "default", "default"))
        for catcher in _list(state.get("Catch")):
            if isinstance(catcher, dict) and target(catcher.get("Next")):
                errors = _list(catcher.get("ErrorEquals"))
                label = ", ".join(e for e in errors if isinstance(e, str)) or "error"
                out.append(Edge(node_id, ids[catcher["Next"]], shorten("catch " + label), "catch"))


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def build(definition: Any, source_map: dict[str, int] | None = None,
          python_conditions: dict[str, list[str]] | None = None) -> Graph:
    """The graph of ``definition``; ``python_conditions`` (Choice state name -> the Python condition of each rule, see
    pyawssfn.graph.source) labels Choice edges with the Python they were compiled from."""
    builder = _Builder(source_map or {}, python_conditions)
    root = Cluster("root", "", kind="root")
    builder.machine(definition, root, "")
    return Graph(root, builder.edges)
