"""``pyawssfn watch EXECUTION_ARN``: follow an execution live until it ends."""
from __future__ import annotations

import argparse

from pyawssfn.deploy.cli_common import add_aws_args, aws_from_args, handles_errors


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("watch", help="follow an execution on AWS live until it ends",
                              description="Poll the execution, print each new event and its progress, stop when it "
                                          "ends. Exit 0 if it SUCCEEDED, 1 otherwise or on --timeout.")
    p.add_argument("execution_arn", metavar="EXECUTION_ARN")
    p.add_argument("--interval", type=float, default=2.0, metavar="SECONDS", help="seconds between polls (0.2 to 60; default 2)")
    p.add_argument("--timeout", type=float, default=3600.0, metavar="SECONDS", help="stop watching after this many seconds")
    add_aws_args(p)
    p.set_defaults(func=run)


STYLE = {"SUCCEEDED": "green", "FAILED": "red", "TIMED_OUT": "red", "ABORTED": "yellow", "RUNNING": "cyan"}


@handles_errors
def run(args: argparse.Namespace) -> int:
    from rich.status import Status

    from pyawssfn.deploy import executions  # boto3: only when the command runs

    aws = aws_from_args(args, args.execution_arn)
    from pyawssfn.commands._common import console as make_console

    console = make_console()
    entered = exited = 0
    status = "RUNNING"
    with Status("waiting for the first poll", console=console) as spinner:
        for polled in executions.poll(aws, args.execution_arn, interval=args.interval, timeout=args.timeout):
            status = polled.status
            for e in polled.new_events:
                kind = e.get("type", "")
                entered += kind.endswith("StateEntered")
                exited += kind.endswith("StateExited")
                style = "red" if "Fail" in kind or "TimedOut" in kind else ""
                console.print(f"{e.get('id', ''):>5}  {kind:<28} {executions.event_summary(e)}", style=style,
                              markup=False)
            spinner.update(f"{status}: {entered} states entered, {exited} exited")
    colour = STYLE.get(status, "")
    console.print(f"[{colour}]{status}[/]" if colour else status)
    ex = polled.execution
    if status != "SUCCEEDED" and (ex.get("error") or ex.get("cause")):
        console.print(f"error: {ex.get('error', '')}  cause: {ex.get('cause', '')}", markup=False)
    return 0 if status == "SUCCEEDED" else 1
