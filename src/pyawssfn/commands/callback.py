"""``pyawssfn callback succeed|fail|heartbeat TOKEN``: answer a task waiting for a callback."""
from __future__ import annotations

import argparse

from pyawssfn.deploy.cli_common import add_aws_args, aws_from_args, handles_errors


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("callback", help="send a task token's success, failure or heartbeat",
                              description="Answer a waitForTaskToken task (SendTaskSuccess/Failure/Heartbeat).")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    ok = actions.add_parser("succeed", help="SendTaskSuccess: the task returns OUTPUT")
    ok.add_argument("token", metavar="TOKEN")
    ok.add_argument("--output", required=True, metavar="JSON", help="the task's result: JSON text, or @FILE (@- for standard input)")
    bad = actions.add_parser("fail", help="SendTaskFailure: the task fails with ERROR and CAUSE")
    bad.add_argument("token", metavar="TOKEN")
    bad.add_argument("--error", metavar="ERROR", help="error name (what Catch and Retry match)")
    bad.add_argument("--cause", metavar="CAUSE", help="human-readable cause")
    beat = actions.add_parser("heartbeat", help="SendTaskHeartbeat: the task is still being worked on")
    beat.add_argument("token", metavar="TOKEN")
    for sub in (ok, bad, beat):
        add_aws_args(sub)
        sub.set_defaults(func=run)
    p.set_defaults(func=run)


@handles_errors
def run(args: argparse.Namespace) -> int:
    from pyawssfn.deploy import executions  # boto3: only when the command runs

    aws = aws_from_args(args)
    output = getattr(args, "output", None)
    if output is not None:
        from pyawssfn.commands.inputs import json_argument
        output = json_argument(output, "--output")[1]  # JSON text, @FILE or @-
    executions.callback(aws, args.action, args.token, output=output,
                        error=getattr(args, "error", None), cause=getattr(args, "cause", None))
    print({"succeed": "success sent", "fail": "failure sent", "heartbeat": "heartbeat sent"}[args.action])
    return 0
