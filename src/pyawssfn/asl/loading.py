"""Turn a command-line argument into a state machine definition: a workflow ``.py`` is compiled, a JSON file is
read, and an argument that starts with ``{`` is the definition itself. Shared by ``validate`` and ``graph``."""
from __future__ import annotations

import pathlib
from dataclasses import dataclass, field
from typing import Any


class LoadError(Exception):
    """The argument cannot give a definition; ``lines`` are printed one per line (compile diagnostics, or one
    message)."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class Loaded:
    definition: Any
    source_map: dict[str, int] = field(default_factory=dict)
    origin: str = ""
    text: str | None = None  # the JSON as given, when it was given as text (its size is what AWS measures)


def load(argument: str, workflow: str | None = None) -> Loaded:
    """``argument`` as a definition. Unreadable input raises the command line's UsageError (see commands/inputs.py),
    a definition that cannot be had raises LoadError."""
    from pyawssfn.commands import inputs

    if argument.lstrip().startswith(("{", "[")):
        value, text, origin = inputs.definition_argument(argument)
        return Loaded(value, {}, origin, text)
    path = pathlib.Path(argument)
    if path.suffix == ".py":
        return _compile(argument, workflow)
    if workflow:
        raise LoadError([f"--workflow only applies to a .py workflow module, not {argument}"])
    if argument != inputs.STDIO and not path.exists():
        raise LoadError([f"{argument}: no such file (give a workflow .py, a definition .json, or JSON text)"])
    value, text, origin = inputs.definition_argument(argument)
    return Loaded(value, {}, origin, text)


def _compile(argument: str, workflow: str | None) -> Loaded:
    from pyawssfn.commands import inputs

    source = inputs.read_source(argument)
    try:  # the compiler is large; only .py inputs need it
        from pyawssfn.compiler import CompileError, compile_source
    except ImportError as exc:
        raise LoadError([f"{argument}: cannot compile: the pyawssfn compiler is not available ({exc})"])

    try:
        with inputs.bounded_recursion(argument):
            result = compile_source(source, argument, workflow=workflow)
    except CompileError as exc:
        raise LoadError([str(d) for d in exc.diagnostics] or [str(exc)])
    return Loaded(result.definition, dict(getattr(result, "source_map", None) or {}), argument)


def count_states(definition: Any) -> int:
    """All states, those of Parallel branches and Map processors included."""
    if not isinstance(definition, dict) or not isinstance(definition.get("States"), dict):
        return 0
    total = 0
    for state in definition["States"].values():
        total += 1
        if not isinstance(state, dict):
            continue
        branches = state.get("Branches")
        for branch in branches if isinstance(branches, list) else []:
            total += count_states(branch)
        for key in ("ItemProcessor", "Iterator"):
            total += count_states(state.get(key))
    return total
