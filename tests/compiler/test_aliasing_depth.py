"""The aliasing check in nested loops (issue #14): it walks every statement once (alias_flow.py) where it walked
a body nested d loops deep 2**d times, and refuses exactly what that walk refused, at the same place, with the same
message and hint, in the same order.

The expected diagnostics below are those of the compiler before the change (the two-iterations walk)."""
from __future__ import annotations

import ast
import random
import textwrap

import pytest

from pyawssfn.compiler import CompileError, compile_source
from pyawssfn.compiler import alias_flow
from pyawssfn.compiler.alias_flow import Recorder, replay, statement_visits
from pyawssfn.compiler.aliasing import AliasCheck, changed_names

HEAD = "import pyawssfn as sfn\n\n\ndef step(x):\n    return x\n\n\n@sfn.workflow\ndef wf(xs):\n"

SHARED = "whose value may also be reached through another name or container"
COPY = "copy it first: {0} = {0} + [] for a list, {0} = {{**{0}}} for a dict"

CASES = {
    # the alias is made after the change, in the inner loop: seen in its second iteration
    "inner second iteration": ("""
        a = []
        b = []
        for x in xs:
            for y in xs:
                a.append(1)
                b = a
            b = []
            a = []
        return b
    """, [(14, 13, "in-place change of 'a', " + SHARED, COPY.format("a"))]),
    # c = b in the while loop's first iteration shares b; b.append in the for loop nested in the second sees it;
    # c.append sees c = b only in the outer loop's second iteration
    "three loops": ("""
        a = []
        b = []
        c = []
        for x in xs:
            c.append(1)
            while len(a) < 3:
                a = step(a)
                for y in xs:
                    b.append(2)
                c = b
            b = a
        return c
    """, [(14, 9, "in-place change of 'c', " + SHARED, COPY.format("c")),
          (18, 17, "in-place change of 'b', " + SHARED, COPY.format("b"))]),
    # an alias broken before every use: accepted
    "rebound first": ("""
        a = []
        b = []
        for x in xs:
            for y in xs:
                a = []
                a.append(1)
                b = a
            b = []
        return b
    """, []),
    # one statement, two refusals: b's shows in the inner loop's second iteration, a's only in the outer loop's
    # second; the walk made b's first (the order kept among diagnostics at one place)
    "order at one place": ("""
        a = [[1]]
        b = [[2]]
        for x in xs:
            for y in xs:
                a[0], b[0] = step(x), step(y)
                t = b
            u = a
        return a
    """, [(14, 13, "in-place change of 'b', " + SHARED, COPY.format("b")),
          (14, 13, "in-place change of 'a', " + SHARED, COPY.format("a"))]),
    # a[0][0] += [1] checks a[0] (depth 1) then a[0][0] (depth 2), one message: the inner loop's second iteration
    # finds only the deeper change shared, whose hint is kept
    "first hint": ("""
        a = [[[1]]]
        for x in xs:
            for y in xs:
                a[0][0] += [1]
                t = a[0][0]
            u = a[0]
        return a
    """, [(13, 13, "in-place change of an element of 'a', " + SHARED,
           "assign a new value instead of changing it in place: a[0][0] = a[0][0] + [item] for a list, "
           "a[0][0] = {**a[0][0], key: value} for a dict")]),
    # a finding of the statement alone (stored inside itself) comes before one of a later iteration
    "stored in itself": ("""
        a = [1]
        for x in xs:
            a.append(a)
            for y in xs:
                a.append(1)
                for z in xs:
                    b = a
        return a
    """, [(12, 9, "'a' is stored inside itself (Python makes an object that contains itself; the state machine "
                  "stores a copy of its value)", "store a copy: a + [] for a list, {**a} for a dict"),
          (12, 9, "in-place change of 'a', " + SHARED, COPY.format("a")),
          (14, 13, "in-place change of 'a', " + SHARED, COPY.format("a"))]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_nested_loops_refused_as_before(name):
    body, expected = CASES[name]
    source = HEAD + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n"
    try:
        compile_source(source, "wf.py")
        got = []
    except CompileError as exc:
        got = [(d.line, d.col, d.what, d.instead) for d in exc.diagnostics]
    assert len(got) == len(expected), got
    for (line, col, what, instead), (want_line, want_col, want_what, want_instead) in zip(got, expected):
        assert (line, col, instead) == (want_line, want_col, want_instead), got
        assert what.startswith(want_what), got


def _nested_loops(depth: int) -> ast.FunctionDef:
    lines, pad = ["def f(xs):"], "    "
    for level in range(depth):
        lines += [f"{pad}a{level} = [xs]", f"{pad}b{level} = a{level}", f"{pad}b{level}.append(1)",
                  f"{pad}for x{level} in xs:" if level % 2 else f"{pad}while xs:"]
        pad += "    "
    lines.append(f"{pad}xs.append(1)")
    fn = ast.parse("\n".join(lines)).body[0]
    assert isinstance(fn, ast.FunctionDef)
    return fn


def test_each_statement_visited_once():
    # the two-iterations walk visited the innermost statement 2**12 times
    fn = _nested_loops(12)
    statements = sum(1 for n in ast.walk(fn) if isinstance(n, ast.stmt)) - 1
    assert statement_visits(fn) == statements == 12 * 4 + 1


# -- replay against the literal walk, on random programs

def _literal(ops: list[tuple], aliased: set, deep: dict, out: list) -> None:
    """The meaning of the recorded operations: a loop's body run twice, the sets as plain sets."""
    for op in ops:
        code = op[0]
        if code == alias_flow._GEN_ALIASED:
            aliased.update(op[1])
        elif code == alias_flow._GEN_DEEP:
            for name, depth in op[1]:
                deep.setdefault(name, set()).add(depth)
        elif code == alias_flow._KILL:
            aliased.discard(op[1])
            deep.pop(op[1], None)
        elif code == alias_flow._CHECK:
            _, _, name, depth, report = op
            if name in aliased or (depth and any(d <= depth for d in deep.get(name, ()))):
                out.append(report)
        elif code == alias_flow._SAY:
            out.append(op[2])
        else:
            for _ in range(2):
                _literal(op[2], aliased, deep, out)


_NAMES = ["xs", "ys", "zs", "n"]


def _simple(r: random.Random) -> str:
    a, b = r.choice(_NAMES), r.choice(_NAMES)
    return r.choice([f"{a} = {b}", f"{a} = []", f"{a} = [{b}]", f"{a} = {{'k': {b}}}", f"{a}.append({b})",
                     f"{a}[0] = {b}", f"{a}[0][1] = 2", f"{a}[0] += [1]", f"{a} += [{b}]", f"{a}.extend({b})",
                     f"{a}, {b} = {b}, {a}", f"{a} = {b} = []", f"{a} = step({b})", f"{a} = {b}[0]",
                     f"{a}[0][0].append({b})", f"{a}[0], {b}[0] = f(x)", f"{a}[0][1] += [{b}]", f"{a} = 0",
                     f"{a}.append({a})", f"{a} = {b}[0][0]", "pass"])


def _block(r: random.Random, depth: int, pad: str, out: list[str]) -> None:
    for _ in range(r.randint(1, 4)):
        if depth and r.random() < 0.4:
            head = r.choice([f"for x in {r.choice(_NAMES)}:", "for i in range(3):", "while c:", "if c:", "try:"])
            out.append(pad + head)
            _block(r, depth - 1, pad + "    ", out)
            if head == "try:":
                out.append(pad + r.choice(["except ValueError as e:", "finally:"]))
                _block(r, depth - 1, pad + "    ", out)
        else:
            out.append(pad + _simple(r))


def _reports(fn: ast.FunctionDef, literal: bool, relevant: set[str] | None = None) -> list[tuple]:
    seen: dict[tuple, tuple] = {}

    def report(node, what, instead=""):
        seen.setdefault((node.lineno, node.col_offset, what), (node.lineno, node.col_offset, what, instead))
    check = AliasCheck(report, lambda c: isinstance(c.func, ast.Name) and c.func.id == "step",
                       lambda c: c.args[0] if c.args else None, lambda name: name == "n")
    check.relevant = relevant
    check.block(fn.body)
    if literal:
        made: list = []
        _literal(check.flow.ops, set(), {}, made)
        for r in made:
            r()
    else:
        replay(check.flow.ops)
    return sorted(seen.values(), key=lambda d: d[:2])  # as CompileError lists them (a stable sort)


def test_replay_is_the_two_iterations_walk():
    refused = 0
    for seed in range(400):
        r = random.Random(seed)
        lines = ["def f(xs, ys, zs, n, c):"]
        _block(r, 5, "    ", lines)
        fn = ast.parse("\n".join(lines)).body[0]
        assert isinstance(fn, ast.FunctionDef)
        expected = _reports(fn, True)
        refused += bool(expected)
        assert _reports(fn, False) == expected, "\n".join(lines)
    assert refused > 100  # the programs do exercise the check


def test_recorder_summary_of_a_loop():
    rec = Recorder()
    rec.open_loop()
    rec.gen_aliased(["a"])
    rec.kill("a")
    rec.gen_deep(["b\x002"])
    rec.close_loop()
    (code, summary, body), = rec.ops
    assert code == alias_flow._LOOP and len(body) == 3
    assert summary.aliased == set() and summary.deep == {"b": {2}}


def _bindings(r: random.Random) -> str:
    """A statement of a program whose changes in place are of xs and ys only: p, q and n are bound and read."""
    a, b, c = r.choice(["xs", "ys"]), r.choice(_NAMES + ["p", "q"]), r.choice(_NAMES + ["p", "q"])
    return r.choice([f"{b} = {c}", f"{b} = [{c}]", f"{b} = {{'k': [{c}]}}", f"{b} = step({c})", f"{b} = {c}[0]",
                     f"{b}, {c} = {c}, {b}", f"{b} = {c} = []", f"{a}.append({b})", f"{a}[0] = {b}",
                     f"{a}.extend({b})", f"{a} += [{b}]", f"{a}[0][1] += [{b}]", f"for {b} in {c}: pass",
                     f"{b} = [{c}] * 2", f"{b} = {c} if n else {a}", "pass"])


def test_bindings_of_unchanged_names_are_skipped_alike():
    """check_aliasing analyses only the bindings that involve a name changed in place (changed_names): on
    programs that bind and alias other names too, it refuses exactly what the check of every binding refuses."""
    refused = 0
    for seed in range(300):
        r = random.Random(seed)
        lines = ["def f(xs, ys, zs, n, c, p, q):"]
        for _ in range(r.randint(3, 12)):
            pad = "    "
            if r.random() < 0.3:
                lines += [pad + r.choice(["for x in zs:", "while c:", "if c:"]), pad + "    " + _bindings(r)]
            lines.append(pad + _bindings(r))
        fn = ast.parse("\n".join(lines)).body[0]
        assert isinstance(fn, ast.FunctionDef)
        relevant = changed_names(fn)
        assert relevant <= {"xs", "ys"}
        expected = _reports(fn, False)
        refused += bool(expected)
        assert _reports(fn, False, relevant) == expected, "\n".join(lines)
    assert refused > 100
