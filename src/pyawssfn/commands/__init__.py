"""One module per CLI subcommand. Each exposes ``add_parser(subparsers)`` and ``run(args) -> int``."""

# Order here is the order shown by ``pyawssfn --help``.
COMMANDS = [
    "compile", "run", "exec", "package", "validate", "graph",
    "template", "deploy", "start", "history", "watch", "callback",
]
