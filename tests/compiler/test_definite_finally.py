"""Definite assignment in finally blocks (issue #14): a finally block is walked once, where the analysis walked it
twice (from the try's entry, then from where its body and clauses end), 2**d times at depth d; the reads it finds
maybe unbound, and those it refuses as reading an except clause's deleted name, are the same.

The expected sets below are those of the compiler before the change (the two-runs walk)."""
from __future__ import annotations

import ast

import pytest

from pyawssfn.compiler import definite
from pyawssfn.compiler.definite import maybe_unbound_reads

PROGRAMS = {
"deleted later in the finally": '''
def f(xs, c):
    try:
        pass
    finally:
        print(b)
        try:
            pass
        except ValueError as b:
            pass
''',
"bound on entry, unbound after the clauses": '''
def f(xs, c):
    b = 1
    try:
        b = 2
    except ValueError as b:
        pass
    finally:
        try:
            print(b)
        finally:
            print(b)
    print(b)
''',
"first run only": '''
def f(xs, c):
    try:
        b = 1
    finally:
        print(b)
        try:
            pass
        except ValueError as b:
            pass
    return b
''',
"nested finally": '''
def f(xs, c):
    try:
        a = 1
    except ValueError as e:
        a = 2
    finally:
        try:
            if c:
                b = a
        except KeyError as a:
            pass
        finally:
            print(a, b, e)
            try:
                pass
            except ValueError as b:
                pass
        print(a, b)
    print(a, b, e)
''',
"no path ends": '''
def f(xs, c):
    try:
        return 1
    except ValueError as e:
        raise
    finally:
        print(e)
        try:
            pass
        except ValueError as e:
            pass
''',
}

EXPECTED = {  # (the reads that may be unbound, those refused as reading a deleted clause name)
    'deleted later in the finally': ([(6, 14)], [(6, 14)]),
    'bound on entry, unbound after the clauses': ([(10, 18), (12, 18), (13, 10)], [(10, 18), (12, 18), (13, 10)]),
    'first run only': ([(6, 14), (11, 11)], [(11, 11)]),
    'nested finally': ([(10, 20), (14, 18), (14, 21), (14, 24), (19, 14), (19, 17), (20, 10), (20, 13), (20, 16)], [(14, 18), (14, 21), (14, 24), (19, 14), (19, 17), (20, 10), (20, 13), (20, 16)]),
    'no path ends': ([(8, 14)], [(8, 14)]),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_finally_reads_as_before(name):
    fn = ast.parse(PROGRAMS[name]).body[0]
    assert isinstance(fn, ast.FunctionDef)
    refused: list[tuple[int, int]] = []
    got = maybe_unbound_reads(fn, {"a", "b", "e"}, lambda n, what, instead: refused.append((n.lineno, n.col_offset)))
    assert (sorted(got), sorted(set(refused))) == EXPECTED[name]


def test_nested_finally_walked_once(monkeypatch):
    lines, pad = ["def f(xs):"], "    "
    for level in range(12):
        lines += [f"{pad}try:", f"{pad}    a{level} = 1", f"{pad}except ValueError as e{level}:",
                  f"{pad}    pass", f"{pad}finally:"]
        pad += "    "
    lines.append(f"{pad}print(a0, e0)")
    fn = ast.parse("\n".join(lines)).body[0]
    assert isinstance(fn, ast.FunctionDef)
    visits = [0]
    stmt = definite._DefiniteAssignment.stmt

    def counted(self, s, bound):
        visits[0] += 1
        return stmt(self, s, bound)
    monkeypatch.setattr(definite._DefiniteAssignment, "stmt", counted)
    refused: list[int] = []
    got = maybe_unbound_reads(fn, {"a0", "e0"}, lambda n, what, instead: refused.append(n.col_offset))
    # the two-runs walk visited the innermost print 2**12 times
    assert visits[0] == sum(1 for n in ast.walk(fn) if isinstance(n, ast.stmt)) - 1 == 12 * 3 + 1
    # a0 is unbound where the try body failed before binding it; e0 is read after its clause deleted it
    assert got == {(len(lines), len(pad) + 6), (len(lines), len(pad) + 10)} and refused == [len(pad) + 10]
