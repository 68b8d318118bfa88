"""Helpers shared by the subcommands."""
from __future__ import annotations

import datetime as dt

# An execution lasts up to a year (AWS's Standard quota) and timestamps are epoch milliseconds: a start between these
# keeps every moment of a run representable.
_EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_LATEST = dt.datetime(9998, 12, 31, tzinfo=dt.timezone.utc)


def usage(message: str):
    """A UsageError (exit status 2), imported late so that commands stay importable on their own."""
    from pyawssfn.cli import UsageError
    return UsageError(message)


def read_json_input(text: str, option: str = "--input"):
    """The value of an ``--input JSON`` option (JSON text, ``@FILE`` or ``@-``), with its text: ``(value, text)``.
    NaN, Infinity, out-of-range numbers, lone surrogates and too deep nesting are refused (see commands/inputs.py)."""
    from pyawssfn.commands.inputs import json_argument
    return json_argument(text, option)


def console(file=None):
    """The rich console every command prints with. Writing to a terminal, lines wrap at its width; writing to a pipe or
    a file, nothing is wrapped (rich would cut at 80 columns, splitting JSON mid-string) and nothing is coloured."""
    import sys

    from rich.console import Console

    stream = file if file is not None else sys.stdout
    tty = bool(getattr(stream, "isatty", lambda: False)())
    return Console(file=file, highlight=False, soft_wrap=not tty, width=None if tty else 1_000_000)


# State machine log levels, as CloudFormation and the Step Functions API spell them; one list for every command.
LOG_LEVELS = ("ALL", "ERROR", "FATAL", "OFF")


def add_runtime_options(parser) -> None:
    """--runtime and --arch of the Lambda function: the same choices and defaults in package, template and deploy."""
    from pyawssfn.deploy.choices import ARCHES, DEFAULT_RUNTIME, RUNTIMES

    default = DEFAULT_RUNTIME
    parser.add_argument("--runtime", choices=RUNTIMES, default=default, metavar="RUNTIME",
                        help=f"Lambda runtime: {', '.join(RUNTIMES)} (default {default})")
    parser.add_argument("--arch", choices=sorted(ARCHES), default="x86_64", metavar="ARCH",
                        help=f"Lambda architecture: {', '.join(sorted(ARCHES))} (default x86_64)")


def add_log_level_option(parser) -> None:
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="ERROR", metavar="LEVEL",
                        help=f"state machine logging to its own log group: {', '.join(LOG_LEVELS)} (default ERROR; "
                             "execution data is never logged)")


def add_start_time_option(parser) -> None:
    parser.add_argument("--start-time", metavar="ISO-8601",
                        help="the execution's start on the virtual clock (default: now, as on AWS); pin it to make "
                             "timestamps reproducible, e.g. 2024-01-01T00:00:00Z")


def start_time(args):
    """--start-time as an aware datetime; default the real current time (millisecond precision, as AWS records)."""
    if args.start_time is None:
        now = dt.datetime.now(dt.timezone.utc)
        return now.replace(microsecond=now.microsecond // 1000 * 1000)
    try:
        moment = dt.datetime.fromisoformat(args.start_time.replace("Z", "+00:00"))
    except ValueError:
        raise usage(f"--start-time {args.start_time!r} is not an ISO-8601 timestamp such as "
                    "2024-01-01T00:00:00Z") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    if not _EARLIEST <= moment <= _LATEST:  # aware datetimes compare by instant, without converting
        raise usage(f"--start-time {args.start_time!r} is out of range: give a moment between "
                    f"{_EARLIEST:%Y-%m-%d} and {_LATEST:%Y-%m-%d}")
    return moment

