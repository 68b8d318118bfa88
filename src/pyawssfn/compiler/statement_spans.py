"""Which statements hold one of a few nodes, told by the source positions of both: a pass that only cares about the
statements naming certain variables can pass over the others without visiting them.

A statement's span (``lineno, col_offset`` to ``end_lineno, end_col_offset``) holds the spans of everything in it,
and the spans of the statements of a block are disjoint: a node's start lies in a statement's span exactly when the
node is in the statement (the parser's positions). ``Spans`` is None where that cannot be trusted: a node without a
position (one a rewrite made without copying a location) might be anywhere."""
from __future__ import annotations

import ast
from bisect import bisect_left
from typing import Iterable

_COLUMNS = 1 << 20   # a position as one int: lineno * _COLUMNS + col_offset (ints compare faster than tuples)


class Spans:
    """The start positions of some nodes, sorted: which statements hold one of them."""

    __slots__ = ("_starts", "_count")

    def __init__(self, starts: list[int]) -> None:
        starts.sort()
        self._starts = starts
        self._count = len(starts)

    def holds_any(self, s: ast.stmt) -> bool:
        """Whether one of the nodes is in the statement (True where the statement has no position)."""
        end_line = getattr(s, "end_lineno", None)
        if end_line is None or s.end_col_offset is None:  # type: ignore[attr-defined]
            return True
        i = bisect_left(self._starts, s.lineno * _COLUMNS + s.col_offset)
        return i < self._count and self._starts[i] <= end_line * _COLUMNS + s.end_col_offset  # type: ignore


def spans_of(nodes: Iterable[ast.AST]) -> Spans | None:
    """The Spans of ``nodes``, or None when one has no position (or a column too wide for the encoding)."""
    starts: list[int] = []
    for n in nodes:
        line, col = getattr(n, "lineno", None), getattr(n, "col_offset", None)
        if line is None or col is None or not 0 <= col < _COLUMNS:
            return None
        starts.append(line * _COLUMNS + col)
    return Spans(starts)
