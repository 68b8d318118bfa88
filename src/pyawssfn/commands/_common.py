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
