"""The memos that remember one compile's AST nodes by identity, emptied when the compile ends.

Such a memo keeps each node alive with its answer (so that an id is not reused meanwhile), and no later compile can
ask about those nodes (every compile parses its own tree): kept, they would hold the whole AST of the last compile,
with the frontend's marks, until their size cap, and the first garbage collection after the compile would walk
all of it (the compile runs with collection paused: gcpause.no_collection). Memos of JSONata trees by value stay:
a later compile of similar code asks about equal trees."""
from __future__ import annotations

from typing import TypeVar

D = TypeVar("D", bound=dict)

_PER_COMPILE: list[dict] = []


def per_compile(memo: D) -> D:
    """Register `memo` (a module-level dict) to be emptied at the end of every compile; returns it."""
    _PER_COMPILE.append(memo)
    return memo


def end_of_compile() -> None:
    for memo in _PER_COMPILE:
        memo.clear()
