"""``pyawssfn history EXECUTION_ARN``: the execution's events (GetExecutionHistory) as a table or JSON."""
from __future__ import annotations

import argparse
import json

from pyawssfn.deploy.cli_common import add_aws_args, aws_from_args, handles_errors


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("history", help="show the events of an execution on AWS",
                              description="Show every event of an execution (all pages of GetExecutionHistory).")
    p.add_argument("execution_arn", metavar="EXECUTION_ARN")
    p.add_argument("--json", action="store_true", help="print the events as GetExecutionHistory's JSON")
    p.add_argument("--graph", metavar="OUT",
                   help="also write the state machine as an HTML page with the path this execution took coloured "
                        "and each state's input and output (replaces OUT)")
    add_aws_args(p)
    p.set_defaults(func=run)


def write_graph(aws, execution_arn: str, events: list, out: str) -> None:
    """The machine of the execution (DescribeStateMachineForExecution: the version it ran) drawn with its path."""
    import json
    import sys

    from pyawssfn.commands.inputs import write_output
    from pyawssfn.graph import render

    described = aws.client("stepfunctions").describe_state_machine_for_execution(executionArn=execution_arn)
    definition = json.loads(described["definition"])
    page = render(definition, "html", title=described.get("name", "state machine"), run=events)
    if write_output(page, out, force=True):
        print(f"wrote {out}", file=sys.stderr)


@handles_errors
def run(args: argparse.Namespace) -> int:
    from pyawssfn.deploy import executions  # boto3: only when the command runs

    aws = aws_from_args(args, args.execution_arn)
    events = executions.history(aws, args.execution_arn)
    if args.graph:
        write_graph(aws, args.execution_arn, events, args.graph)
    if args.json:
        print(json.dumps({"events": executions.jsonable_events(events)}, indent=2))
        return 0
    from pyawssfn.commands._common import console
    from rich.table import Table
    table = Table(show_header=True, header_style="bold", box=None)
    for col in ("id", "time", "type", "details"):
        table.add_column(col, overflow="fold")
    for e in events:
        ts = e.get("timestamp")
        table.add_row(str(e.get("id", "")), ts.isoformat() if hasattr(ts, "isoformat") else str(ts or ""),
                      e.get("type", ""), executions.event_summary(e))
    console().print(table)
    return 0
