"""Pictures of a state machine: mermaid, Graphviz dot, SVG (through ``dot``) and a self-contained HTML page."""
from __future__ import annotations

from typing import Any

from pyawssfn.graph import dot, html, mermaid
from pyawssfn.graph.dot import GraphvizMissing
from pyawssfn.graph.model import Graph, build

FORMATS = ("mermaid", "dot", "svg", "html")

__all__ = ["FORMATS", "Graph", "GraphvizMissing", "build", "render"]


def render(definition: Any, fmt: str, source_map: dict[str, int] | None = None, title: str = "state machine",
           source: str | None = None, run: Any = None) -> str:
    """The definition drawn in ``fmt``. ``svg`` raises GraphvizMissing without Graphviz; ``html`` falls back to
    an outline of the graph instead. ``source`` (the workflow's Python) labels Choice edges with their Python
    conditions and gives the HTML inspector each state's lines; ``run`` (an execution history, see
    pyawssfn.graph.runs) colours the path it took and shows each state's input and output."""
    from pyawssfn.graph.source import python_conditions

    conditions = python_conditions(source, definition, source_map or {}) if source else None
    graph = build(definition, source_map, conditions)
    if fmt == "mermaid":
        return mermaid.render(graph)
    if fmt == "dot":
        return dot.render(graph)
    if fmt == "svg":
        return dot.to_svg(dot.render(graph))
    if fmt == "html":
        svg = dot.to_svg(dot.render(graph)) if dot.dot_program() else None
        return html.render(graph, svg, title, source=source, source_map=source_map, run=run)
    raise ValueError(f"unknown graph format {fmt!r}; choose one of {', '.join(FORMATS)}")
