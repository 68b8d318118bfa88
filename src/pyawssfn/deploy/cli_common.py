"""Options and error handling shared by the AWS commands (template, deploy, start, history, watch, callback)."""
from __future__ import annotations

import argparse
import functools
import sys
from typing import Any, Callable

from pyawssfn.deploy.aws import Aws, AwsProblem, aws_errors, connect
from pyawssfn.deploy.source import ShipError


def add_aws_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", help="AWS region (default: AWS_REGION / AWS_DEFAULT_REGION / the profile's)")
    parser.add_argument("--endpoint-url", metavar="URL",
                        help="send every AWS call here instead (e.g. a moto or LocalStack server)")


def aws_from_args(args: argparse.Namespace, arn: str | None = None) -> Aws:
    """The session for the command; without --region, an ARN's own region wins over the configured one (an
    execution lives in the region of its ARN)."""
    region = getattr(args, "region", None)
    if region is None and arn and arn.startswith("arn:"):
        parts = arn.split(":")
        region = parts[3] if len(parts) > 3 and parts[3] else None
    return connect(region, getattr(args, "endpoint_url", None))


def error(message: str) -> None:
    print(f"pyawssfn: error: {message}", file=sys.stderr)


def handles_errors(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Every failure of an AWS command becomes ``pyawssfn: error: ...`` and an exit status, never a traceback:
    problems the user must fix before anything can work are ``UsageError`` (exit 2, printed by pyawssfn.cli);
    AWS refusing a request is exit 1."""
    @functools.wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
        from pyawssfn.cli import UsageError
        try:
            with aws_errors(getattr(args, "endpoint_url", None)):
                return run(args)
        except AwsProblem as exc:
            if exc.exit_code == 2:
                raise UsageError(str(exc)) from None
            error(str(exc))
            return exc.exit_code
        except ShipError as exc:
            raise UsageError(str(exc)) from None
    return wrapper


def write_output(text: str, out: str | None, force: bool) -> None:
    """Write to ``out`` (refusing to replace a file without --force) or to stdout."""
    import os
    if not out or out == "-":
        sys.stdout.write(text)
        return
    if os.path.exists(out) and not force:
        raise ShipError(f"{out} exists; pass --force to overwrite it")
    directory = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(directory):
        raise ShipError(f"cannot write {out}: no directory {directory}")
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(text)


def json_arg(text: str, what: str) -> Any:
    """An option's JSON, or @FILE / @- (see commands/inputs.py); refusals are UsageErrors (exit 2)."""
    from pyawssfn.commands.inputs import json_argument
    return json_argument(text, what)[0]
