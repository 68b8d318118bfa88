"""The execution-order part of the aliasing check (aliasing.py), in time linear in the function's size.

The check's meaning is that of a walk of the function in execution order that runs every loop body twice (both
branches of an if, a try's clauses one after the other), tracking two sets: ``aliased`` (names whose object may be
shared) and ``deep`` (names, at a depth, whose elements may be shared), and reporting an in-place change of a name
found in them. Run literally, that walk costs 2**d visits of a body nested d loops deep. Every statement's effect
on the sets is a fixed list of additions and removals (what a statement adds or removes depends on its expressions
and the names' static types, never on the sets), which makes the walk computable without repeating anything:

* ``Recorder`` turns the function into that list of operations, once per statement, a loop's body as one nested
  list together with its *summary*: what is in the sets after one iteration whatever was there before (the names
  added after the last removal; an iteration's effect done twice is its effect done once).
* ``replay`` runs the list once. What the literal walk reports at a change depends on which iteration of each
  enclosing loop it is in: a vector of 1s and 2s, one per loop, outermost first; the walk meets them in
  lexicographic order. Each entry of the sets holds the smallest vector at which the entry is present (present in
  the first iteration everywhere: ``()``; vectors are kept without their trailing 1s, which compares the same).
  Entering a loop, an entry the summary adds is present in the second iteration (vector ``(1,)*k + (2,)``) if not
  sooner. A check finds the smallest vector at which its name is shared, if any: the walk would report it then.
* The reports are made statement by statement, those of one statement in the order the literal walk made them
  (by vector, then in the order of the checks): the same diagnostics, the same first hint for each, and where two
  differ only in message, the same order among them.
"""
from __future__ import annotations

import ast
from typing import Callable

_GEN_ALIASED, _GEN_DEEP, _KILL, _CHECK, _SAY, _LOOP = range(6)


def deep_entry(entry: str) -> tuple[str, int]:
    """An entry of the deep set as (name, depth): ``name`` is its elements (depth 1), ``name\\x00k`` depth k."""
    if "\x00" not in entry:
        return entry, 1
    name, _, depth = entry.partition("\x00")
    return name, int(depth) if depth.isdigit() else 1


class _Summary:
    """What one iteration of a loop leaves in the sets, whatever was there before: the names (and deep entries)
    added after the last removal of their name."""

    __slots__ = ("aliased", "deep")

    def __init__(self) -> None:
        self.aliased: set[str] = set()
        self.deep: dict[str, set[int]] = {}

    def kill(self, name: str) -> None:
        self.aliased.discard(name)
        self.deep.pop(name, None)

    def then(self, inner: "_Summary", killed: set[str]) -> None:
        """This block's effect followed by an inner loop's (whose removals are ``killed``)."""
        for name in killed:
            self.kill(name)
        self.aliased |= inner.aliased
        for name, depths in inner.deep.items():
            self.deep.setdefault(name, set()).update(depths)


class Recorder:
    """The operations of a function's statements, in order, loops nested (see the module's doc)."""

    def __init__(self) -> None:
        self.ops: list[tuple] = []
        self._summary = _Summary()
        self._killed: set[str] = set()   # the names the innermost open loop removes
        self._open: list[tuple[list[tuple], _Summary, set[str]]] = []
        self.statement = 0   # the number of the statement whose operations are recorded

    def gen_aliased(self, names) -> None:
        if names:
            names = tuple(names)
            self.ops.append((_GEN_ALIASED, names))
            self._summary.aliased.update(names)

    def gen_deep(self, entries) -> None:
        if entries:
            pairs = tuple(deep_entry(e) for e in entries)
            self.ops.append((_GEN_DEEP, pairs))
            deep = self._summary.deep
            for name, depth in pairs:
                deep.setdefault(name, set()).add(depth)

    def kill(self, name: str) -> None:
        self.ops.append((_KILL, name))
        self._summary.kill(name)
        self._killed.add(name)

    def check(self, name: str, depth: int, report: Callable[[], None]) -> None:
        """``report`` is to be called if ``name`` (or at depth > 0, its elements down to ``depth``) may be shared
        here."""
        self.ops.append((_CHECK, self.statement, name, depth, report))

    def say(self, report: Callable[[], None]) -> None:
        """``report`` is to be called (a finding that does not depend on the sets)."""
        self.ops.append((_SAY, self.statement, report))

    def open_loop(self) -> None:
        self._open.append((self.ops, self._summary, self._killed))
        self.ops, self._summary, self._killed = [], _Summary(), set()

    def close_loop(self) -> None:
        body, summary, killed = self.ops, self._summary, self._killed
        self.ops, self._summary, self._killed = self._open.pop()
        self.ops.append((_LOOP, summary, body))
        self._summary.then(summary, killed)
        self._killed |= killed


def replay(ops: list[tuple]) -> None:
    """Run the recorded operations once and make the reports (see the module's doc)."""
    fired: list[tuple[int, tuple[int, ...], int, Callable[[], None]]] = []
    _run(ops, 0, {}, {}, fired)
    fired.sort(key=lambda f: f[:3])
    for *_, report in fired:
        report()


def _run(ops: list[tuple], k: int, aliased: dict[str, tuple[int, ...]],
         deep: dict[str, dict[int, tuple[int, ...]]], fired: list) -> None:
    for op in ops:
        code = op[0]
        if code == _GEN_ALIASED:
            for name in op[1]:
                aliased[name] = ()
        elif code == _GEN_DEEP:
            for name, depth in op[1]:
                got = deep.get(name)
                if got is None:
                    deep[name] = {depth: ()}
                else:
                    got[depth] = ()
        elif code == _KILL:
            aliased.pop(op[1], None)
            deep.pop(op[1], None)
        elif code == _CHECK:
            _, statement, name, depth, report = op
            best = aliased.get(name)
            if depth:
                for d, v in deep.get(name, {}).items():
                    if d <= depth and (best is None or v < best):
                        best = v
            if best is not None:
                fired.append((statement, best, len(fired), report))
        elif code == _SAY:
            fired.append((op[1], (), len(fired), op[2]))
        else:
            _enter(op[1], k, aliased, deep)
            _run(op[2], k + 1, aliased, deep, fired)


def _enter(summary: _Summary, k: int, aliased: dict[str, tuple[int, ...]],
           deep: dict[str, dict[int, tuple[int, ...]]]) -> None:
    """Entering a loop at depth k: what one iteration adds is there from the second on (if not already)."""
    second = (1,) * k + (2,)
    for name in summary.aliased:
        v = aliased.get(name)
        if v is None or second < v:
            aliased[name] = second
    for name, depths in summary.deep.items():
        got = deep.setdefault(name, {})
        for d in depths:
            v = got.get(d)
            if v is None or second < v:
                got[d] = second


def statement_visits(fn: ast.FunctionDef) -> int:
    """How many statement visits the aliasing check makes of ``fn`` (for tests: one per statement)."""
    from pyawssfn.compiler.aliasing import AliasCheck
    check = AliasCheck(lambda *a: None, lambda c: False)
    check.block(fn.body)
    return check.flow.statement
