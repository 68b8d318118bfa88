"""check_aliasing passes over the statements that name no variable it may report a change of (statement_spans.py),
and counts `total += 1` of a number no such change: on random programs (several statements on a line, nested
blocks, except clauses binding a changed name, augmented assignments of numbers and lists) it refuses exactly what
the check of every statement, with every augmented assignment's target among the changed names, refuses."""
from __future__ import annotations

import ast
import random

from pyawssfn.compiler.aliasing import AliasCheck, check_aliasing, changed_names
from pyawssfn.compiler.alias_flow import replay
from pyawssfn.compiler.statement_spans import spans_of

_NAMES = ["xs", "ys", "zs", "n", "k"]


def _simple(r: random.Random) -> str:
    a, b = r.choice(_NAMES), r.choice(_NAMES)
    return r.choice([f"{a} = {b}", f"{a} = []", f"{a} = [{b}]", f"{a} = {{'k': {b}}}", f"{a}.append({b})",
                     f"{a}[0] = {b}", f"{a} += [{b}]", f"{a} += {b}", f"{a} *= 2", f"{a} += 1", f"{a} = 0",
                     f"{a}, {b} = {b}, {a}", f"{a} = {b} = []", f"{a} = step({b})", f"{a} = {b}[0]",
                     f"{a} = {b}; {b}.append(1)", f"{a}.extend({b}); {a} = 1", "pass", f"return {a}"])


def _block(r: random.Random, depth: int, pad: str, out: list[str]) -> None:
    for _ in range(r.randint(1, 4)):
        if depth and r.random() < 0.4:
            head = r.choice([f"for x in {r.choice(_NAMES)}:", "for i in range(3):", "while c:", "if c:", "try:"])
            out.append(pad + head)
            _block(r, depth - 1, pad + "    ", out)
            if head == "try:":
                out.append(pad + r.choice([f"except ValueError as {r.choice(_NAMES)}:", "finally:"]))
                _block(r, depth - 1, pad + "    ", out)
        else:
            out.append(pad + _simple(r))


def _is_step(c: ast.Call) -> bool:
    return isinstance(c.func, ast.Name) and c.func.id == "step"


def _shares(c: ast.Call):
    return c.args[0] if c.args else None


def _scalar(name: str) -> bool:
    return name == "n"


def _reporter(seen: list):
    return lambda node, what, instead="": seen.append((node.lineno, node.col_offset, what, instead))


def _every_statement(fn: ast.FunctionDef) -> list:
    seen: list = []
    check = AliasCheck(_reporter(seen), _is_step, _shares, _scalar)
    check.given_scalars = {t.id for n in ast.walk(fn) if isinstance(n, ast.Assign)
                           and isinstance(n.value, ast.Constant) for t in n.targets if isinstance(t, ast.Name)}
    check.relevant = changed_names(fn)  # every augmented assignment's target
    check.block(fn.body)
    replay(check.flow.ops)
    return seen


def test_passing_over_statements_naming_no_changed_name_refuses_alike():
    refused = 0
    for seed in range(400):
        r = random.Random(seed)
        lines = ["def f(xs, ys, zs, n, k, c):"]
        _block(r, 3, "    ", lines)
        fn = ast.parse("\n".join(lines)).body[0]
        assert isinstance(fn, ast.FunctionDef)
        expected = _every_statement(fn)
        seen: list = []
        check_aliasing(fn, _reporter(seen), _is_step, _shares, _scalar)
        refused += bool(expected)
        assert seen == expected, "\n".join(lines)
    assert refused > 100


def test_spans_tell_the_statements_holding_the_nodes():
    fn = ast.parse("def f():\n    a = 1; b = x\n    if c:\n        y = [\n            x]\n    z = 2\n").body[0]
    spans = spans_of([n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == "x"])
    assert spans is not None
    assert [spans.holds_any(s) for s in fn.body[0:1] + [fn.body[1], fn.body[2], fn.body[3]]] == \
        [False, True, True, False]
    assert spans_of([ast.Name(id="x")]) is None  # no position: any statement may hold it
