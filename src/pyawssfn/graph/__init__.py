"""Pictures of a state machine: mermaid, Graphviz dot, SVG (through ``dot``) and a self-contained HTML page."""
from __future__ import annotations

from typing import Any

from pyawssfn.graph import dot, html, mermaid
from pyawssfn.graph.dot import GraphvizMissing
from pyawssfn.graph.model import Graph, build

FORMATS = ("mermaid", "dot", "svg", "html")

__all__ = ["FORMATS", "Graph", "GraphvizMissing", "build", "render"]


def render(definition: Any, fmt: str, source_map: dict[str, int] | None = None, title: str = "state machine",
           ) -> str:
    """The definition drawn in ``fmt``. ``svg`` raises GraphvizMissing without Graphviz; ``html`` falls back to
    an outline of the graph instead."""
    graph = build(definition, source_map)
    if fmt == "mermaid":
        return mermaid.render(graph)
    if fmt == "dot":
        return dot.render(graph)
    if fmt == "svg":
        return dot.to_svg(dot.render(graph))
    if fmt == "html":
        svg = dot.to_svg(dot.render(graph)) if dot.dot_program() else None
        return html.render(graph, svg, title)
    raise ValueError(f"unknown graph format {fmt!r}; choose one of {', '.join(FORMATS)}")
