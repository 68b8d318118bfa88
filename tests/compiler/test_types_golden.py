"""The golden machines (tests/compiler/golden/*.json) hold no type test on a literal and no sub-expression of more
than 40 characters written twice within one state: the simplifier folds the first and binds the second once."""
from __future__ import annotations

import json
import pathlib

import pytest

from pyawssfn.jsonata.parse import parse
from pyawssfn.jsonata.printer import to_text
from pyawssfn.jsonata.tree import Array, Bind, Bool, Call, Dot, Expr, Filter, Lambda, Null, Num, Object, Str, Var

GOLDEN = pathlib.Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*.json"))
_LITERALS = (Str, Num, Bool, Null, Array, Object, Lambda)
_LONG = 40
_NESTED = ("Branches", "ItemProcessor", "Iterator")


def states(machine: dict, prefix: str = ""):
    for name, st in machine["States"].items():
        yield prefix + name, st
        for i, b in enumerate(st.get("Branches", [])):
            yield from states(b, f"{prefix}{name}/{i}/")
        for key in ("ItemProcessor", "Iterator"):
            if key in st:
                yield from states(st[key], f"{prefix}{name}/")


def expressions(value) -> list[Expr]:
    """The JSONata expressions of a state's own fields (not those of the states nested in it)."""
    out: list[Expr] = []
    if isinstance(value, str):
        s = value.strip()
        if s.startswith("{%") and s.endswith("%}"):
            out.append(parse(s[2:-2].strip()))
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in _NESTED:
                out += expressions(v)
    elif isinstance(value, list):
        for v in value:
            out += expressions(v)
    return out


def standalone(t: Expr, in_path: bool = False):
    """Every sub-tree that means something on its own (a step inside a path does not)."""
    if not (in_path and type(t) in (Dot, Filter)) and type(t) is not Bind:
        yield t
    if type(t) is Dot:
        yield from standalone(t.lhs, True)
        yield from standalone(t.rhs, True)
    elif type(t) is Filter:
        yield from standalone(t.lhs, True)
        yield from standalone(t.pred)
    else:
        for c in t.children():
            yield from standalone(c)


def type_tests_on_literals(exprs: list[Expr]) -> list[str]:
    return [to_text(n) for e in exprs for n in e.walk()
            if type(n) is Call and n.func == Var("type") and len(n.args) == 1 and type(n.args[0]) in _LITERALS]


def repeated(exprs: list[Expr]) -> list[str]:
    """The longest sub-expressions over 40 characters that occur more than once among `exprs`."""
    counts: dict[Expr, int] = {}
    for e in exprs:
        for n in standalone(e):
            counts[n] = counts.get(n, 0) + 1
    long = {n: to_text(n) for n, k in counts.items() if k > 1 and len(to_text(n)) > _LONG}
    # report the largest: a repeated expression's own parts are repeated too
    return sorted(text for n, text in long.items()
                  if not any(m is not n and counts[m] >= counts[n] and m.contains(n) for m in long))


def _problems(path: pathlib.Path, check) -> list[str]:
    machine = json.loads(path.read_text())
    return [f"{name}: {p}" for name, st in states(machine) for p in check(expressions(st))]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_no_type_test_on_a_literal(path):
    assert _problems(path, type_tests_on_literals) == []


# The repeats that remain, each for a reason outside the expression passes (a ratchet: a new repeat fails the test,
# and so does an entry here that no longer occurs, so that the list only shrinks). (golden, state, repeat's start)
KNOWN_REPEATS: dict[tuple[str, str, str], str] = {
    # (data_ops' d[k] = v type error, on the parameter d and on d["n"], each read by `$__1`: one function of
    # `$__1` now, compiler/share.py _abstract)
    # (child_workflow's returned value, evaluated in the Assign for its Catch and again in the Output, is gone:
    # the Assign, where the Catch sees its error, checks it without computing it, compiler/check_only.py)
    # (try_finally's parameters' check, in the first state and again in its catcher, is gone: the catcher raises
    # the error it caught again, entry_check.hosted, rather than write the message twice)
}


def _known(stem: str, problem: str) -> tuple | None:
    for key in KNOWN_REPEATS:
        if key[0] == stem and problem.startswith(f"{key[1]}: {key[2]}"):
            return key
    return None


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_no_long_sub_expression_repeated_within_a_state(path):
    found = _problems(path, repeated)
    assert [p for p in found if _known(path.stem, p) is None] == []
    listed = {k for k in KNOWN_REPEATS if k[0] == path.stem}
    assert listed == {_known(path.stem, p) for p in found}, "an entry of KNOWN_REPEATS no longer occurs: drop it"


def test_the_checks_find_what_they_look_for():
    e = parse('$type("a") = "string" ? $exists($x.aaaaaaaa.bbbbbbbb.cccccccc.dd) : $exists($x.aaaaaaaa.bbbbbbbb.cccccccc.dd)')
    assert type_tests_on_literals([e]) == ['$type("a")']
    assert repeated([e]) == ["$exists($x.aaaaaaaa.bbbbbbbb.cccccccc.dd)"]
    assert repeated([parse("$x.aaaaaaaa.bbbbbbbb.cccccccc.dddddddd.e"), parse("$x.aaaaaaaa.bbbbbbbb.cccccccc.dddddddd.f")]) == []
