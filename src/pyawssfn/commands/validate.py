"""``pyawssfn validate FILE|DEFINITION``: report every reason AWS would reject the state machine."""
from __future__ import annotations

import argparse
import json
import sys



def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "validate", help="check a workflow or an ASL definition as AWS would",
        description="Validate a state machine: a workflow .py is compiled first, a .json file is read, and an "
                    "argument starting with { is the definition itself. Every problem is reported at once "
                    "(statelint plus the JSONata, Variables and limit rules it does not know).")
    p.add_argument("source", metavar="FILE|DEFINITION",
                   help="workflow .py, definition .json (- for standard input), or JSON text")
    p.add_argument("--workflow", metavar="NAME", help="the workflow to compile when the module has several")
    p.add_argument("--type", choices=["STANDARD", "EXPRESS"], default="STANDARD", dest="machine_type",
                   help="the state machine type to validate for (default STANDARD); EXPRESS adds its restrictions "
                        "(no .sync, .waitForTaskToken or activities)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pyawssfn.asl import validate_definition  # statelint and python-jsonpath: only when it runs
    from pyawssfn.asl.loading import LoadError, count_states, load

    try:
        loaded = load(args.source, args.workflow)
    except LoadError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return 2
    problems = validate_definition(loaded.text if loaded.text is not None else loaded.definition,
                                   machine_type=args.machine_type)
    states = count_states(loaded.definition)
    if args.json:
        print(json.dumps({"valid": not problems, "states": states,
                          "problems": [{"path": p.path, "message": p.message} for p in problems]}, indent=2))
    elif problems:
        for p in problems:
            print(p)
        print(f"invalid: {len(problems)} problem{'s' if len(problems) != 1 else ''}", file=sys.stderr)
    else:
        print(f"valid: {states} state{'s' if states != 1 else ''}")
    return 2 if problems else 0
