"""Graphviz DOT text, and SVG through the ``dot`` program when it is installed."""
from __future__ import annotations

import shutil
import subprocess

from pyawssfn.graph.model import Cluster, Graph, Node


class GraphvizMissing(Exception):
    """``dot`` is not on PATH."""


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_TERMINAL_STYLE = {
    "end": 'penwidth=3',
    "succeed": 'style="rounded,filled", fillcolor="#d4f4d4", color="#2a7d2a", penwidth=2',
    "fail": 'style="rounded,filled", fillcolor="#f8d0d0", color="#b02020", penwidth=2',
}


def _node(node: Node) -> str:
    if node.kind == "start":
        return f'{node.id} [label="", shape=circle, width=0.25, style=filled, fillcolor="#444444", id={quote(node.id)}];'
    if node.kind == "end":
        return (f'{node.id} [label="", shape=doublecircle, width=0.2, style=filled, fillcolor="#444444", '
                f"id={quote(node.id)}];")
    shape = {"Choice": "diamond", "Parallel": "box3d", "Map": "box3d"}.get(node.kind, "box")
    attrs = [f"label={quote(chr(10).join(node.lines))}", f"shape={shape}", f"id={quote(node.id)}",
             f"tooltip={quote(node.name)}"]
    if node.kind not in ("Choice",) and node.terminal not in ("succeed", "fail"):
        attrs.append('style="rounded"')
    if node.terminal:
        attrs.append(_TERMINAL_STYLE[node.terminal])
    return f"{node.id} [{', '.join(attrs)}];"


_CLUSTER_STYLE = {
    # A Parallel or Map state: a solid box holding the state and its branches, so they read as one thing.
    "container": 'style="rounded,filled"; fillcolor="#f2f5fb"; color="#5a7bb5"; penwidth=1.5;',
    "branch": 'style="rounded,dashed"; fillcolor="#ffffff"; color="#888888";',
}


def _cluster(cluster: Cluster, indent: str, out: list[str]) -> None:
    for node in cluster.nodes:
        out.append(indent + _node(node))
    for sub in cluster.clusters:
        out.append(f"{indent}subgraph cluster_{sub.id} {{")
        out.append(f"{indent}  id={quote('cluster_' + sub.id)}; label={quote(sub.label)}; "
                   f"{_CLUSTER_STYLE.get(sub.kind, _CLUSTER_STYLE['branch'])}")
        _cluster(sub, indent + "  ", out)
        out.append(f"{indent}}}")


def render(graph: Graph) -> str:
    out = [
        "digraph StateMachine {",
        '  graph [rankdir=TB, fontname="Helvetica", fontsize=11];',
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=11];',
    ]
    _cluster(graph.root, "  ", out)
    for k, edge in enumerate(graph.edges):
        attrs = [f'id="e{k}_{edge.src}_{edge.dst}"']
        if edge.label:
            attrs.append(f"label={quote(edge.label)}")
        if edge.style in ("catch", "branch"):
            attrs.append("style=dashed")
        if edge.style == "catch":
            attrs.append('color="#b02020", fontcolor="#b02020"')
        out.append(f"  {edge.src} -> {edge.dst}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")
    out.append("}")
    return "\n".join(out) + "\n"


def dot_program() -> str | None:
    return shutil.which("dot")


def to_svg(dot_text: str) -> str:
    exe = dot_program()
    if exe is None:
        raise GraphvizMissing("Graphviz is not installed: the dot program is needed for SVG (install the graphviz "
                              "package, e.g. apt-get install graphviz), or use --format mermaid or dot")
    proc = subprocess.run([exe, "-Tsvg"], input=dot_text.encode("utf-8"), capture_output=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"dot failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout.decode("utf-8")
