"""Helpers shared by the subcommands."""
from __future__ import annotations

import json
import pathlib


def usage(message: str):
    """A UsageError (exit status 2), imported late so that commands stay importable on their own."""
    from pyawssfn.cli import UsageError
    return UsageError(message)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def read_json_input(text: str, option: str = "--input"):
    """The value of an ``--input JSON`` option (JSON text, or ``@FILE``), with its text: ``(value, text)``.
    NaN and Infinity are refused: AWS would not accept them as JSON."""
    where = option
    if text.startswith("@"):
        where = text[1:]
        try:
            text = pathlib.Path(where).read_text(encoding="utf-8")
        except OSError as exc:
            raise usage(f"cannot read the input file {where}: {exc.strerror or exc}") from None
    try:
        return json.loads(text, parse_constant=_reject_constant), text
    except ValueError as exc:
        raise usage(f"{where} is not valid JSON: {exc}") from None


def add_start_time_option(parser) -> None:
    parser.add_argument("--start-time", metavar="ISO-8601",
                        help="the execution's start on the virtual clock (default: now, as on AWS); pin it to make "
                             "timestamps reproducible, e.g. 2024-01-01T00:00:00Z")


def start_time(args):
    """--start-time as an aware datetime; default the real current time (millisecond precision, as AWS records)."""
    import datetime as dt

    if args.start_time is None:
        now = dt.datetime.now(dt.timezone.utc)
        return now.replace(microsecond=now.microsecond // 1000 * 1000)
    try:
        moment = dt.datetime.fromisoformat(args.start_time.replace("Z", "+00:00"))
    except ValueError:
        raise usage(f"--start-time {args.start_time!r} is not an ISO-8601 timestamp such as "
                    "2024-01-01T00:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
