"""Turn a command-line argument into a state machine definition: a workflow ``.py`` is compiled, a JSON file is
read, and an argument that starts with ``{`` is the definition itself. Shared by ``validate`` and ``graph``."""
from __future__ import annotations

import json
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
    if argument.lstrip().startswith("{"):
        return _parse(argument, "the definition given on the command line")
    path = pathlib.Path(argument)
    if path.suffix == ".py":
        return _compile(path, workflow)
    if workflow:
        raise LoadError([f"--workflow only applies to a .py workflow module, not {argument}"])
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LoadError([f"{argument}: no such file (give a workflow .py, a definition .json, or JSON text)"])
    except IsADirectoryError:
        raise LoadError([f"{argument}: is a directory, not a definition file"])
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError([f"{argument}: cannot be read: {exc}"])
    return _parse(text, argument)


def _parse(text: str, origin: str) -> Loaded:
    try:
        definition = json.loads(text)
    except ValueError as exc:
        raise LoadError([f"{origin}: not valid JSON: {exc}"])
    return Loaded(definition, {}, origin, text)


def _compile(path: pathlib.Path, workflow: str | None) -> Loaded:
    if not path.is_file():
        raise LoadError([f"{path}: no such file"])
    try:  # the compiler is large; only .py inputs need it
        from pyawssfn.compiler import CompileError, compile_file
    except ImportError as exc:
        raise LoadError([f"{path}: cannot compile: the pyawssfn compiler is not available ({exc})"])

    try:
        result = compile_file(str(path), workflow=workflow)
    except CompileError as exc:
        raise LoadError([str(d) for d in exc.diagnostics] or [str(exc)])
    return Loaded(result.definition, dict(getattr(result, "source_map", None) or {}), str(path))


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
