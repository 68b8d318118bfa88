"""Options and error handling shared by the AWS commands (template, deploy, start, history, watch, callback).

boto3 is imported only when a command runs (``aws_from_args``, ``handles_errors``): building the parser for
``pyawssfn --help`` or ``pyawssfn compile`` must not pay its 150-250 ms (issue #14).
"""
from __future__ import annotations

import argparse
import functools
import sys
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from pyawssfn.deploy.aws import Aws


def add_aws_args(parser: argparse.ArgumentParser) -> None:
    """--profile, --region and --endpoint-url, named and worded as the AWS CLI names them."""
    parser.add_argument("--profile", metavar="NAME",
                        help="the named profile of ~/.aws/config to use (default: AWS_PROFILE, else the default)")
    parser.add_argument("--region", metavar="REGION",
                        help="AWS region (default: AWS_REGION / AWS_DEFAULT_REGION / the profile's)")
    parser.add_argument("--endpoint-url", metavar="URL",
                        help="send every AWS call here instead (e.g. a moto or LocalStack server)")


def aws_from_args(args: argparse.Namespace, arn: str | None = None) -> Aws:
    """The session for the command; without --region, an ARN's own region wins over the configured one (an
    execution lives in the region of its ARN)."""
    from pyawssfn.deploy.aws import connect

    region = getattr(args, "region", None)
    if region is None and arn and arn.startswith("arn:"):
        parts = arn.split(":")
        region = parts[3] if len(parts) > 3 and parts[3] else None
    return connect(region, getattr(args, "endpoint_url", None), session=_session(getattr(args, "profile", None)))


def _session(profile: str | None):
    """A boto3 session for ``--profile`` (None: boto3's own choice, AWS_PROFILE included)."""
    if profile is None:
        return None
    import boto3
    import botocore.exceptions

    try:
        return boto3.session.Session(profile_name=profile)
    except botocore.exceptions.ProfileNotFound:
        from pyawssfn.cli import UsageError

        known = ", ".join(sorted(boto3.session.Session().available_profiles)) or "none are configured"
        raise UsageError(f"--profile {profile}: no such profile in the AWS config files (profiles: {known})") \
            from None


def error(message: str) -> None:
    print(f"pyawssfn: error: {message}", file=sys.stderr)


def handles_errors(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Every failure of an AWS command becomes ``pyawssfn: error: ...`` and an exit status, never a traceback:
    problems the user must fix before anything can work are ``UsageError`` (exit 2, printed by pyawssfn.cli);
    AWS refusing a request is exit 1."""
    @functools.wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
        from pyawssfn.cli import UsageError
        from pyawssfn.deploy.aws import AwsProblem, aws_errors
        from pyawssfn.deploy.source import ShipError

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

    from pyawssfn.deploy.source import ShipError

    if not out or out == "-":
        sys.stdout.write(text)
        return
    if os.path.isdir(out):  # (--force replaces a file, never a directory)
        raise ShipError(f"-o {out} is a directory; name the file to write")
    if os.path.exists(out) and not force:
        raise ShipError(f"{out} exists; pass --force to overwrite it")
    directory = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(directory):
        raise ShipError(f"cannot write {out}: no directory {directory}")
    try:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise ShipError(f"cannot write {out}: {exc.strerror or exc}") from None


def json_arg(text: str, what: str) -> Any:
    """An option's JSON, or @FILE / @- (see commands/inputs.py); refusals are UsageErrors (exit 2)."""
    from pyawssfn.commands.inputs import json_argument
    return json_argument(text, what)[0]
