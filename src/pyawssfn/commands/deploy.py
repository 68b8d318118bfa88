"""``pyawssfn deploy FILE --name NAME``: package, then create or update the roles, function and state machines."""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pyawssfn.cli import UsageError
from pyawssfn.deploy.cli_common import add_aws_args, aws_from_args, error, handles_errors
from pyawssfn.commands._common import add_log_level_option, add_runtime_options

if TYPE_CHECKING:
    from pyawssfn.deploy.deployer import DeployResult


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "deploy", help="deploy a workflow to AWS with boto3 (create or update; idempotent)",
        description="Package the workflow and create or update, with boto3: its IAM roles (least privilege), the "
                    "Lambda function serving its steps, and its state machine(s). Resources that already match "
                    "are left alone. Names already used by resources pyawssfn did not make are refused.")
    p.add_argument("file", metavar="FILE", help="the workflow module")
    p.add_argument("--name", required=True, metavar="NAME", help="deployment name: names the function, state machine and roles")
    p.add_argument("--workflow", metavar="NAME", help="the workflow to deploy (needed when FILE has several)")
    p.add_argument("--role-arn", metavar="ARN",
                   help="use this role for the state machine(s) instead of creating a least-privilege one")
    p.add_argument("--lambda-role-arn", metavar="ARN",
                   help="use this Lambda execution role instead of creating one")
    p.add_argument("--requirements", metavar="FILE", help="requirements.txt of packages to bundle in the zip")
    add_runtime_options(p)
    p.add_argument("--memory", type=int, metavar="MB",
                   help="the Lambda function's memory, 128 to 10240 MB (default 256; a value changed on AWS is kept)")
    p.add_argument("--timeout", type=int, metavar="SECONDS",
                   help="the Lambda function's timeout, 1 to 900 s (default: 60, or more to outlive the longest "
                        "@sfn.task(timeout=...); a value changed on AWS is kept)")
    p.add_argument("--env", action="append", metavar="KEY=VALUE",
                   help="an environment variable of the Lambda function; repeatable (replaces the whole set)")
    p.add_argument("--revert-drift", action="store_true",
                   help="set back what was changed on AWS outside pyawssfn (function settings, extra inline "
                        "policies on its roles); without it such drift is reported and left alone")
    p.add_argument("--type", choices=["STANDARD", "EXPRESS"], default=None, dest="machine_type",
                   help="the state machine type (default: @sfn.workflow(type=...), else STANDARD); fixed at creation")
    p.add_argument("--layer", action="append", default=[], metavar="ARN",
                   help="a Lambda layer version ARN for the function; repeatable (at most 5)")
    p.add_argument("--tracing", action="store_true", help="enable X-Ray tracing on the state machine(s)")
    add_log_level_option(p)
    add_aws_args(p)
    p.set_defaults(func=run)


@handles_errors
def run(args: argparse.Namespace) -> int:
    for flag, arn in (("--role-arn", args.role_arn), ("--lambda-role-arn", args.lambda_role_arn)):
        if arn is not None and not arn.startswith("arn:"):
            raise UsageError(f"{flag} {arn!r} is not an ARN (arn:aws:iam::<account>:role/<name>)")
    from pyawssfn.deploy.deployer import DeployPlan, deploy  # boto3: only when the command runs
    from pyawssfn.deploy.options import FunctionOptions, OptionError, parse_environment
    from pyawssfn.deploy.packaging_bridge import build_zip

    try:
        function = FunctionOptions(memory=args.memory, timeout=args.timeout, architecture=args.arch,
                                   environment=None if args.env is None else parse_environment(args.env),
                                   layers=tuple(args.layer))
    except OptionError as exc:
        raise UsageError(str(exc)) from None
    aws = aws_from_args(args)   # checked before the slower packaging step
    from pyawssfn.commands.inputs import read_source
    from pyawssfn.deploy.express import check_express, declared_type
    from pyawssfn.deploy.source import load_machines

    read_source(args.file)  # a directory, an unreadable or oversized file: said plainly, before anything else
    machines = load_machines(args.file, args.workflow)
    machine_type = args.machine_type or declared_type(args.file, machines[-1].workflow)
    if machine_type == "EXPRESS":
        for m in machines:
            check_express(m.definition, m.workflow)
    zip_bytes = build_zip(args.file, machines, args.requirements, runtime=args.runtime, arch=args.arch)
    plan = DeployPlan(name=args.name, machines=machines, zip_bytes=zip_bytes, role_arn=args.role_arn,
                      lambda_role_arn=args.lambda_role_arn, runtime=args.runtime, arch=args.arch,
                      tracing=args.tracing, log_level=args.log_level, function=function,
                      revert_drift=args.revert_drift, machine_type=machine_type)
    result = deploy(aws, plan)
    report(result)
    return 1 if result.error else 0


def report(result: DeployResult) -> None:
    width = max([len(s.name) for s in result.steps] + [4])
    for s in result.steps:
        line = f"{s.kind:<14} {s.name:<{width}}  {s.outcome}"
        if s.detail and s.outcome != "failed":
            line += f" ({s.detail})" if s.outcome == "updated" else f"  {s.detail}"
        print(line)
        for d in s.drift:
            print(f"{'':<14} {'':<{width}}  drift: {d}")
    if result.error:
        note = {"failed": " (incomplete)", "not reached": " (as it was before)"}
        made = [f"{s.kind} {s.name}{note.get(s.outcome, '')}" for s in result.steps
                if s.outcome in ("created", "updated", "unchanged") or s.made]
        missing = [f"{s.kind} {s.name}" for s in result.steps if s.outcome == "not made"
                   or (s.outcome == "failed" and not s.made)]
        error(f"deploy stopped: {result.error}\n"
              f"  now in place: {', '.join(made) or 'nothing'}\n"
              f"  not made: {', '.join(missing) or 'nothing'}\n"
              "  nothing was deleted; fix the problem and deploy again to finish")
        return
    if not result.changed:
        print("nothing changed: the deployment already matches")
    if result.state_machine_arn:
        print(f"state machine: {result.state_machine_arn}")
