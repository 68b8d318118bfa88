"""Which Python lines each state comes from, for its `Comment` (what a console reader sees beside the state), and
which line each of its fields came from, for `pyawssfn run`'s `at: file:line` of a failing expression.

A state records the line its statement starts on (ir.Node.line); the lines it came from run to the end of that
statement, or of the header of a compound statement (an `if`'s test, a `for`'s iterable), not over its body, whose
own states say their lines. A state may also hold the code of other statements: the lowerer folds pure assignments
into a neighbouring state's Assign and a `return` into the Output of the state before it; each such field records
its statement's first line (ir.Node.lines, keyed `Output`, `Assign/<variable>`, as AWS names a failing field)."""
from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import Any

from pyawssfn.compiler.astwalk import walk_statements
from pyawssfn.compiler.ir import can_fail


def line_spans(tree: ast.AST) -> dict[int, int]:
    """first line of a statement -> the last line of the Python a state made from it stands for."""
    out: dict[int, int] = {}
    for n in walk_statements(tree):
        if isinstance(n, ast.stmt):
            end = _header_end(n)
            out[n.lineno] = max(out.get(n.lineno, n.lineno), end)
    return out


def _header_end(n: ast.stmt) -> int:
    if isinstance(n, (ast.If, ast.While)):
        return n.test.end_lineno or n.lineno
    if isinstance(n, (ast.For, ast.AsyncFor)):
        return n.iter.end_lineno or n.lineno
    if isinstance(n, (ast.With, ast.AsyncWith)):
        return n.items[-1].context_expr.end_lineno or n.lineno
    if isinstance(n, (ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Match)) \
            or type(n).__name__ == "TryStar":
        return n.lineno
    return n.end_lineno or n.lineno


def comment(first: int | Iterable[int], spans: dict[int, int]) -> str:
    """`@23`, `@23-25` for a statement over several lines (or statements on consecutive lines), `@23, 31` for
    statements apart: the first lines given, each to the end of its statement. `@` as in the state names (`step
    @23`): every state of a machine has one, so the word `lines` would be written as many times (issue #8's 1.3x
    bytes), and the console shows the Comment beside a name that reads the same way."""
    if isinstance(first, int):
        last = spans.get(first, first)
        return f"@{first}" if last <= first else f"@{first}-{last}"
    starts = sorted(set(first))
    runs: list[list[int]] = []
    for a in starts:
        b = max(spans.get(a, a), a)
        if runs and a <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], b)
        else:
            runs.append([a, b])
    parts = [str(a) if b <= a else f"{a}-{b}" for a, b in runs]
    return "@" + ", ".join(parts)


def named_already(name: str, first: int, spans: dict[int, int]) -> bool:
    """The state's name ends with the line it came from (`step @23`, `step @23.2`): a Comment saying `@23`
    again would add nothing the console does not show (a state that holds other lines still needs it)."""
    return spans.get(first, first) <= first and (name.endswith(f" @{first}") or f" @{first}." in name)


class StateLines:
    """Per state name: where each line it holds came from (`held`: "" its own statement, `Assign/x`, `Output`, a
    rule's or catcher's field; a merged state's under its name), for its Comment, and the line of each field that
    came from another statement than the state's own and can fail (`fields`, what CompileResult.field_lines gives
    `run`). The passes that merge states (merge_states.py), move an Assign onto the transitions into a state and
    rename states (alike_states.py) keep it up to date."""

    def __init__(self, spans: dict[int, int]):
        self.spans = spans
        self.held: dict[str, dict[str, int]] = {}
        self.fields: dict[str, dict[str, int]] = {}
        self.changed: set[str] = set()   # states whose Comment no longer says what they hold

    def _parts(self, name: str, source_map: dict[str, int]) -> dict[str, int]:
        line = source_map.get(name)
        return self.held.setdefault(name, {"": line} if line is not None else {})

    def merge(self, kept: str, gone: str, source_map: dict[str, int]) -> None:
        """`gone` is now `kept`: its lines too; a field whose line the two disagree on names none (the state's)."""
        g_line = source_map.get(gone)
        theirs = self.held.pop(gone, None) or ({"": g_line} if g_line is not None else {})
        self._parts(kept, source_map).update((f"{gone}\x00{k}", x) for k, x in theirs.items())
        mine, other = self.fields.pop(kept, {}), self.fields.pop(gone, {})
        same = {f: x for f, x in mine.items() if other.get(f, g_line) == x}
        if same:
            self.fields[kept] = same

    def move_assign(self, name: str, owners: list[str], source_map: dict[str, int]) -> None:
        """The state's Assign moved onto the transitions into it, held by the states `owners`: its lines go there."""
        parts = self._parts(name, source_map)
        moved = {k: x for k, x in parts.items() if k.rpartition("\x00")[2].startswith("Assign/")}
        for k in moved:
            del parts[k]
        for f in [f for f in self.fields.get(name, {}) if f.startswith("Assign/")]:
            del self.fields[name][f]
        for owner in owners:
            self._parts(owner, source_map).update((f"{name}\x00moved {k}", x) for k, x in moved.items())
        if moved:
            self.changed.update([name, *owners])

    def rename(self, old: str, new: str) -> None:
        for table in (self.held, self.fields):
            if old in table:
                table[new] = table.pop(old)  # type: ignore[index]
        if old in self.changed:
            self.changed.discard(old)
            self.changed.add(new)

    def lines(self, name: str, first: int) -> set[int]:
        return set(self.held.get(name, {}).values()) | {first}

    def comment(self, name: str, first: int) -> str:
        lines = self.lines(name, first)
        return comment(lines if len(lines) > 1 else first, self.spans)

    def extra(self, name: str, first: int) -> bool:
        """Whether the state holds a line besides its own."""
        held = self.held.get(name)
        if held:
            for x in held.values():  # (most states hold their own line alone: no generator for them)
                if x != first:
                    return True
        return False


def held_lines(n: Any) -> tuple[dict[str, int], dict[str, int]]:
    """Where the lines an IR state holds come from (StateLines.held: its own, and those of the fields folded into
    it: ir.Node.lines, its rules' and catchers'), and the line of each field that can fail where that is not the
    state's own and no other field of the same name (a rule's or catcher's Assign is `Assign/<variable>` too) says
    another."""
    held = {"": n.line}
    holders = [n, *getattr(n, "rules", ()), *getattr(n, "catch", ())]
    if all(x == n.line for h in holders for x in h.lines.values()):
        return held, {}  # most states: nothing from another statement
    claims: dict[str, set[int]] = {}

    def claim(where: str, lines: dict[str, int], key: str, value: Any) -> None:
        line = lines.get(key, n.line)
        if line != n.line:
            held[where + key] = line
        if can_fail(value):
            claims.setdefault(key, set()).add(line)

    for i, holder in enumerate(holders):
        lines = holder.lines
        where = "" if i == 0 else f"{type(holder).__name__}[{i}]/"
        if i and type(holder).__name__ == "Rule":
            claim(where, lines, "Condition", holder.condition)
        for k, v in holder.assign.items():
            claim(where, lines, "Assign/" + k, v)
        if getattr(holder, "output", None) is not None:
            claim(where, lines, "Output", holder.output)
    fields = {k: min(ls) for k, ls in claims.items() if len(ls) == 1 and n.line not in ls}
    return held, fields
