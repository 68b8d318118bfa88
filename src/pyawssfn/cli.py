"""The ``pyawssfn`` command line: builds the argparse tree from ``pyawssfn.commands`` and maps every failure to a
clear message and an exit status (0 success, 1 failed execution, 2 bad usage or compile error). Never a traceback."""
from __future__ import annotations

import argparse
import importlib
import sys

from pyawssfn.commands import COMMANDS


class UsageError(Exception):
    """Bad input from the user: printed as ``pyawssfn: error: ...`` with exit status 2."""


def version() -> str:
    """pyawssfn's version: ``pyawssfn.__version__``, else the installed distribution's metadata."""
    import pyawssfn

    found = getattr(pyawssfn, "__version__", None)
    if found is None:
        from importlib import metadata

        try:
            found = metadata.version("pyawssfn")
        except metadata.PackageNotFoundError:
            found = "unknown"
    return str(found)


class _Version(argparse.Action):
    """``--version``, computed only when asked (argparse's own action wants the string up front)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"pyawssfn {version()}")
        parser.exit()


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command tree, or (``only``) the tree with just that subcommand: what parsing ``only ...`` reads
    (argparse matches a subcommand's name exactly), without importing the other commands' modules."""
    parser = argparse.ArgumentParser(
        prog="pyawssfn",
        description="Compile plain-Python workflows to AWS Step Functions, run them locally, deploy them.",
    )
    parser.add_argument("--version", action=_Version, help="print pyawssfn's version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        if only is not None and name != only:
            continue
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
    words = sys.argv[1:] if argv is None else argv
    # `pyawssfn compile FILE` needs only compile's parser (the start-up time of every command counts); anything else
    # (no command, an option first, a mistyped command) gets the whole tree and its usage and messages.
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
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
    except RecursionError:  # the last line of defence for input nested beyond what the commands bound themselves
        print("pyawssfn: error: the input is nested too deeply (Python's recursion limit was reached); split it into "
              "smaller parts", file=sys.stderr)
        return 2
    except Exception as exc:  # last resort: a bug of ours, still no traceback for the user
        import os
        if os.environ.get("PYAWSSFN_DEBUG"):
            raise
        print(f"pyawssfn: internal error: {type(exc).__name__}: {exc} (set PYAWSSFN_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
