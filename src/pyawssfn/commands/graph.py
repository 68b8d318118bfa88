"""``pyawssfn graph FILE|DEFINITION --format mermaid|dot|svg|html [-o OUT]``: draw the state machine."""
from __future__ import annotations

import argparse
import os
import sys



def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "graph", help="draw the state machine (mermaid, dot, svg or html)",
        description="Draw a workflow .py (compiled first; states are labelled with their source lines), a "
                    "definition .json, or JSON text. svg needs Graphviz's dot; html is one self-contained page "
                    "(the inlined SVG with clickable states, or an outline of the graph when dot is missing).")
    p.add_argument("source", metavar="FILE|DEFINITION", help="workflow .py, definition .json, or JSON text")
    p.add_argument("--workflow", metavar="NAME", help="the workflow to compile when the module has several")
    p.add_argument("--format", "-f", choices=["mermaid", "dot", "svg", "html"], default=None, metavar="FORMAT",
                   help="output format (default: from the extension of -o OUT — .mmd/.mermaid, .dot/.gv, .svg, "
                        ".html — else mermaid)")
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of standard output")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.set_defaults(func=run)


_EXTENSIONS = {".mmd": "mermaid", ".mermaid": "mermaid", ".dot": "dot", ".gv": "dot", ".svg": "svg",
               ".html": "html", ".htm": "html"}


def _format_for(output: str | None) -> str:
    """The format an output file's extension names (flow.svg: svg); mermaid when there is none to go by."""
    return _EXTENSIONS.get(os.path.splitext(output or "")[1].lower(), "mermaid")


def run(args: argparse.Namespace) -> int:
    from pyawssfn.asl.loading import LoadError, load  # pyawssfn.asl brings the validator: only when it runs
    from pyawssfn.graph import GraphvizMissing, render

    if args.format is None:
        args.format = _format_for(args.output)
    from pyawssfn.commands.inputs import check_output

    check_output(args.output, args.force, inputs=[args.source])
    try:
        loaded = load(args.source, args.workflow)
    except LoadError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return 2
    if not isinstance(loaded.definition, dict) or not isinstance(loaded.definition.get("States"), dict):
        print(f"pyawssfn: error: {loaded.origin}: not a state machine definition (no States object); "
              "run pyawssfn validate for details", file=sys.stderr)
        return 2
    try:
        text = render(loaded.definition, args.format, loaded.source_map, title=os.path.basename(loaded.origin))
    except GraphvizMissing as exc:
        print(f"pyawssfn: error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"pyawssfn: error: {exc}", file=sys.stderr)
        return 2
    from pyawssfn.commands.inputs import write_output

    if write_output(text, args.output, args.force, inputs=[args.source]):
        print(f"wrote {args.output}", file=sys.stderr)
    return 0
