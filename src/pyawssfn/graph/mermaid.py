"""Mermaid flowchart text. Every label is quoted and every character outside a small safe set is written as a
mermaid entity code (``#35;``), so state names with quotes, brackets or pipes cannot break the syntax."""
from __future__ import annotations

import re

from pyawssfn.graph.model import Cluster, Graph, Node

_SAFE = re.compile(r"[A-Za-z0-9 _.,:!?+\-*/=@$%'()]")


def escape(text: str) -> str:
    return "".join(ch if _SAFE.fullmatch(ch) else f"#{ord(ch)};" for ch in text)


def _label(lines: list[str]) -> str:
    return '"' + "<br/>".join(escape(line) for line in lines if line) + '"'


def _node(node: Node) -> str:
    label = _label(node.lines)
    if node.kind == "start":
        return f"{node.id}(({label}))"
    if node.kind == "end":
        return f"{node.id}((({label})))"
    if node.kind == "Choice":
        return f"{node.id}{{{label}}}"
    if node.terminal in ("succeed", "fail"):
        return f"{node.id}([{label}])"
    if node.kind in ("Parallel", "Map"):
        return f"{node.id}[[{label}]]"
    return f"{node.id}[{label}]"


def _cluster(cluster: Cluster, indent: str, out: list[str]) -> None:
    for node in cluster.nodes:
        out.append(indent + _node(node))
    for sub in cluster.clusters:
        out.append(f"{indent}subgraph {sub.id}[{_label([sub.label])}]")
        _cluster(sub, indent + "  ", out)
        out.append(f"{indent}end")


_ARROWS = {"next": "-->", "choice": "-->", "default": "-->", "catch": "-.->", "branch": "-.->"}


def render(graph: Graph) -> str:
    out = ["flowchart TD"]
    _cluster(graph.root, "  ", out)
    for edge in graph.edges:
        arrow = _ARROWS[edge.style]
        label = f"|{_label([edge.label])}|" if edge.label else ""
        out.append(f"  {edge.src} {arrow}{label} {edge.dst}")
    for node in graph.all_nodes():
        if node.terminal:
            out.append(f"  class {node.id} {node.terminal}State")
        elif node.kind in ("start", "end"):
            out.append(f"  class {node.id} marker")
    out += [
        "  classDef marker fill:#444,stroke:#444,color:#fff",
        "  classDef endState stroke-width:3px",
        "  classDef succeedState fill:#d4f4d4,stroke:#2a7d2a,stroke-width:2px",
        "  classDef failState fill:#f8d0d0,stroke:#b02020,stroke-width:2px",
    ]
    return "\n".join(out) + "\n"
