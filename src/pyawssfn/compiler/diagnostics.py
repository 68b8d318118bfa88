"""Compile diagnostics: every error of a file is collected, then reported together as ``file:line:col: error: ...``."""
from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    col: int
    what: str
    instead: str = ""

    def __str__(self) -> str:
        tail = f" ({self.instead})" if self.instead else ""
        return f"{self.file}:{self.line}:{self.col}: error: {self.what}{tail}"


class CompileError(Exception):
    """The source is outside the supported language; ``diagnostics`` holds every problem found, in source order."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class Reporter:
    """Collects diagnostics; the same message at the same place is kept once."""

    def __init__(self, filename: str):
        self.filename = filename
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[tuple[int, int, str]] = set()

    def report(self, node: ast.AST | None, what: str, instead: str = "") -> None:
        line = getattr(node, "lineno", 1) or 1
        col = (getattr(node, "col_offset", 0) or 0) + 1
        self.at(line, col, what, instead)

    def at(self, line: int, col: int, what: str, instead: str = "") -> None:
        key = (line, col, what)
        if key in self._seen:
            return
        self._seen.add(key)
        self.diagnostics.append(Diagnostic(self.filename, line, col, what, instead))

    def raise_if_any(self) -> None:
        if self.diagnostics:
            raise CompileError(sorted(self.diagnostics, key=lambda d: (d.line, d.col)))
