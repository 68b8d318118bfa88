"""The ``pyawssfn`` command line: builds the argparse tree from ``pyawssfn.commands`` and maps every failure to a
clear message and an exit status (0 success, 1 failed execution, 2 bad usage or compile error). Never a traceback."""
from __future__ import annotations

import argparse
import importlib
import sys

from pyawssfn.commands import COMMANDS


class UsageError(Exception):
    """Bad input from the user: printed as ``pyawssfn: error: ...`` with exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pyawssfn",
        description="Compile plain-Python workflows to AWS Step Functions, run them locally, deploy them.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"pyawssfn.commands.{name.replace('-', '_')}")
        except ModuleNotFoundError as exc:  # a command not built yet must not break the others
            if exc.name and exc.name.startswith("pyawssfn.commands"):
                continue
            raise
        module.add_parser(sub)
    parser.set_defaults(_subparsers=sub.choices)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # name the subcommand's own usage, not the top-level one, for a mistyped option
        args._subparsers[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"pyawssfn: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pyawssfn: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # last resort: a bug of ours, still no traceback for the user
        import os
        if os.environ.get("PYAWSSFN_DEBUG"):
            raise
        print(f"pyawssfn: internal error: {type(exc).__name__}: {exc} (set PYAWSSFN_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
