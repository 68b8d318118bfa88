"""What the definite-assignment analysis (definite.py) knows inside ``finally`` blocks, in one walk of them.

The analysis' meaning is that of a walk that runs a finally block twice: first from the state on entering the try
(its reads are then checked on the paths where the least is bound), then from the state the try's body and clauses
end in (the state after the try statement). A finally block nested in another's then runs four times, and so on:
2**d runs at depth d. Each run of the innermost block is a *lineage*: a letter per enclosing finally block, ``a``
for its first run, ``b`` for its second. Only the ``b`` lineage of a block goes on after it.

A ``Lineages`` state is what the 2**d runs would hold, for all of them at once: for each name, which lineages may
have it unbound. Every statement does the same to every lineage (binds a name, deletes it, joins two paths), so
the state needs no more than this: for each k <= d, the lineages whose letters below k are all ``b`` (those that
survive the blocks below k), grouped by their *class*, the position of their first ``b`` (0: none; the walk made
the first-``b`` runs after the whole first run of that block). ``levels[k][c]`` is the bit set of the names unbound
in some lineage of that group.

A read that may find its name unbound is reported as before; whether it reads an except clause's name that Python
deleted depends on which clauses the walk had passed by then, which for a lineage of class c is everything up to
the end of block c (so those are checked there: ``Pending``), for the lineage of class 0 what precedes the read.
"""
from __future__ import annotations

import ast

# Bit 0 of a Bound stands for a name no program has, never bound: unbound in every lineage there is, it tells the
# groups that hold lineages from those that hold none (a finally block after a try none of whose paths ends runs
# once only).
EXISTS = 1
EXISTS_NAME = "\x00lineage"


class Lineages:
    """The state of the definite-assignment analysis inside d >= 1 nested finally blocks (see the module's doc):
    a Bound (the names bound on every path) with the operators definite.py applies to it: ``| bits`` binds them,
    ``& ~bits`` deletes them, ``& other`` joins two paths."""

    __slots__ = ("levels", "unbound")

    def __init__(self, levels: tuple[tuple[int, ...], ...]) -> None:
        self.levels = levels
        top = 0
        for mask in levels[-1]:
            top |= mask
        self.unbound = top   # the names unbound in some lineage of the innermost block

    def __or__(self, bits: int) -> "Lineages":
        keep = ~bits
        return Lineages(tuple(tuple(m & keep for m in level) for level in self.levels))

    def __and__(self, other: "int | Lineages") -> "Lineages":
        if isinstance(other, Lineages):
            return Lineages(tuple(tuple(m | n for m, n in zip(mine, theirs))
                                  for mine, theirs in zip(self.levels, other.levels)))
        gone = ~other   # & ~bits: the bits are deleted, unbound in every lineage (of every class there is one of)
        return Lineages(tuple(tuple(m | gone if m & EXISTS else m for m in level) for level in self.levels))

    def first_b(self, i: int) -> int:
        """The least class of the innermost block's lineages with name bit ``i`` unbound (0 if only the all-``a``
        one)."""
        top = self.levels[-1]
        for c in range(1, len(top)):
            if (top[c] >> i) & 1:
                return c
        return 0


def enter_finally(entry: "int | Lineages", result: "int | Lineages | None") -> Lineages:
    """The state at the start of a finally block: its first run from ``entry`` (the try's), its second from
    ``result`` (where the body and clauses end; None: none ends, no second run)."""
    z = entry.levels if isinstance(entry, Lineages) else ((~entry,),)
    depth = len(z)   # the new block's level
    if result is None:
        w = tuple(tuple(0 for _ in level) for level in z)
    else:
        w = result.levels if isinstance(result, Lineages) else ((~result,),)
    # the new level: the first-run lineages keep their class; the second-run ones keep theirs, or (no b before)
    # get the new block's
    top = (z[-1][0],) + tuple(z[-1][c] | w[-1][c] for c in range(1, depth)) + (w[-1][0],)
    return Lineages(w + (top,))


def leave_finally(end: Lineages) -> "int | Lineages":
    """The state after a finally block: its second-run lineages, back to a plain Bound outside every finally."""
    levels = end.levels[:-1]
    if len(levels) == 1:
        return ~levels[0][0]
    return Lineages(levels)


class Pending:
    """The reads of a name that may be unbound in a lineage of class c, to be checked against the except clauses
    passed by the end of finally block c."""

    def __init__(self) -> None:
        self.by_level: list[list[ast.Name]] = []

    def open(self) -> None:
        self.by_level.append([])

    def add(self, c: int, node: ast.Name) -> None:
        self.by_level[c - 1].append(node)

    def close(self, deleted: set[str], after_except: list[ast.Name]) -> None:
        for node in self.by_level.pop():
            if node.id in deleted:
                after_except.append(node)
