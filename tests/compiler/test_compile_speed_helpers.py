"""The helpers that make a long compile cheaper must give exactly what they replace: astwalk.walk_statements the
statements ast.walk yields, in its order; astwalk.copy_tree copy.deepcopy's copy; the worklist liveness the least
fixed point of the chained states."""
from __future__ import annotations

import ast
import copy
import pathlib

from pyawssfn.compiler.astwalk import copy_tree, walk, walk_statements
from pyawssfn.compiler.codegen import generate
from pyawssfn.compiler.definite import maybe_unbound_reads
from pyawssfn.compiler.ir import Graph, Pass, Succeed
from pyawssfn.jsonata.parse import parse as P

SOURCES = sorted(pathlib.Path(__file__).resolve().parents[2].glob("src/pyawssfn/**/*.py"))[:60]

NESTED = """
def f(x):
    try:
        for i in x:
            if i:
                raise ValueError(i)
            else:
                import json
    except ValueError as e:
        while True:
            with open(e) as fh:
                match fh:
                    case 1:
                        return [lambda: y for y in fh]
    finally:
        class C:
            def g(self):
                return 1
"""


def test_walk_statements_yields_the_statements_walk_yields_in_its_order():
    for text in [NESTED] + [p.read_text() for p in SOURCES]:
        tree = ast.parse(text)
        expected = [n for n in walk(tree) if isinstance(n, (ast.Module, ast.stmt, ast.excepthandler, ast.match_case))]
        assert list(walk_statements(tree)) == expected


def test_copy_tree_is_deepcopys_copy_marks_and_shared_nodes_included():
    for text in [NESTED] + [p.read_text() for p in SOURCES[:20]]:
        tree = ast.parse(text)
        for node in walk(tree):
            if isinstance(node, ast.Name):
                node.pyawssfn_mark = "deep"
        shared = ast.Name(id="shared", ctx=ast.Load())
        tree.body.append(ast.Expr(value=ast.Tuple(elts=[shared, shared], ctx=ast.Load())))
        ours, theirs = copy_tree(tree), copy.deepcopy(tree)
        assert ast.dump(ours, include_attributes=True) == ast.dump(theirs, include_attributes=True)
        assert [getattr(n, "pyawssfn_mark", None) for n in walk(ours)] == \
            [getattr(n, "pyawssfn_mark", None) for n in walk(theirs)]
        assert not {id(n) for n in walk(ours)} & {id(n) for n in walk(tree)}
        pair = ours.body[-1].value.elts
        assert pair[0] is pair[1] and pair[0] is not shared


def test_a_variable_live_through_a_long_chain_stays_and_a_dead_one_goes():
    end = Succeed("end", 999, output=P("$keep"))
    nxt = end
    chain = []
    for i in range(300, 0, -1):  # each state reassigns `tmp`, nothing reads it; `keep` is read at the end
        nxt = Pass(f"s{i}", i, assign={"tmp": P(str(i))}, next=nxt)
        chain.append(nxt)
    # (`keep` not a literal: one would be written where it is read instead, literal_vars.py)
    start = Pass("start", 0, assign={"keep": P("$a + 1"), "tmp": P("0")}, next=nxt)
    definition, _ = generate(Graph([start, *reversed(chain), end], start), "chain")
    states = definition["States"]
    assert states["start"]["Assign"] == {"keep": "{% $a + 1 %}"}
    assert all("tmp" not in s.get("Assign", {}) for s in states.values())


def test_definite_assignment_of_many_variables_rebinding_and_branches():
    lines = ["def f(p):"] + [f"    v{i} = p" for i in range(200)] + [
        "    if p:", "        late = 1", "        v0 = 2", "    else:", "        v1 = 3",
        "    return [late, v0, v1, v199, p]"]
    fn = ast.parse("\n".join(lines)).body[0]
    names = {f"v{i}" for i in range(200)} | {"late"}
    assert maybe_unbound_reads(fn, names) == {(len(lines), 12)}  # only `late`, bound on one branch


def test_yield_await_and_walrus_are_refused_where_they_stand_nested_or_in_a_branch():
    import pytest

    from pyawssfn.compiler import CompileError, compile_source

    src = '''import pyawssfn as sfn


def step(x):
    return x


@sfn.workflow
def wf(xs):
    total = 0
    for x in xs:
        if x:
            total = (y := step(x)) + 1
    both = sfn.parallel(lambda: [(z := 1)], lambda: step(2))
    return total
'''
    with pytest.raises(CompileError) as err:
        compile_source(src, "wf.py")
    found = [(d.line, d.col, d.what) for d in err.value.diagnostics]
    assert (13, 22, "assignment expressions (:=) are not supported in a workflow") in found
    assert (14, 35, "assignment expressions (:=) are not supported in a workflow") in found
    with pytest.raises(CompileError) as err:
        compile_source(src.replace("(y := step(x)) + 1", "(yield x)"), "wf.py")
    assert (13, 22, "a workflow cannot be a generator (yield)") in [(d.line, d.col, d.what)
                                                                     for d in err.value.diagnostics]


def test_many_overwritten_values_that_can_fail_each_keep_their_own_check_variable():
    # each `x = y // (b + i)` overwritten unread must still be evaluated (it can fail): kept under
    # pyawssfn_check_N, N+1, ... in order; the liveness pass asks of each pair of the Assign's entries whether one
    # evaluates the other (it once did so by walking every pair: seconds at a few hundred entries)
    from pyawssfn.compiler import compile_source

    lines = ["import pyawssfn as sfn", "", "def step(x):", "    return x", "", "@sfn.workflow", "def wf(a, b):",
             "    y = step(a)"]
    for i in range(120):
        lines += [f"    x = y // (b + {i})", f"    x = {i}"]
    lines += ["    z = step(x)", "    return z"]
    states = compile_source("\n".join(lines) + "\n", "wf.py").definition["States"]
    assigned = [k for s in states.values() for k in s.get("Assign", {}) if k.startswith("pyawssfn_check_")]
    numbers = [int(k.rsplit("_", 1)[1]) for k in assigned]  # consecutive, from the first free one (the entry
    assert numbers == list(range(numbers[0], numbers[0] + 120))  # check of the parameters may hold an earlier one)
    values = [v for s in states.values() for k, v in s.get("Assign", {}).items() if k.startswith("pyawssfn_check_")]
    assert all(f"$states.input.b + {i};" in v for i, v in enumerate(values))


def test_child_nodes_are_iter_child_nodes():
    from pyawssfn.compiler.astwalk import child_nodes

    for text in [NESTED] + [p.read_text() for p in SOURCES[:20]]:
        for node in walk(ast.parse(text)):
            assert child_nodes(node) == list(ast.iter_child_nodes(node))


def test_in_a_long_assign_an_unread_failing_entry_goes_only_where_another_entry_evaluates_it():
    # more entries than liveness compares pair by pair (it indexes them by their leaves): `dup` is evaluated by
    # `used` (so it can go), `lone` by nothing (so it stays, to fail as Python would)
    assign = {f"k{i}": P(str(i)) for i in range(30)}
    assign.update({"dup": P("$a / $b"), "used": P("$a / $b + 1"), "lone": P("$a / $c")})
    end = Succeed("end", 9, output=P("$used + $k3"))
    start = Pass("start", 1, assign=assign, next=end)
    definition, _ = generate(Graph([start, end], start), "long")
    kept = definition["States"]["start"]["Assign"]
    assert "dup" not in kept and "lone" in kept and "used" in kept
    # k3, a literal, is written where it is read (literal_vars.py); the other k's nothing reads
    assert not [k for k in kept if k.startswith("k")]
    assert definition["States"]["end"]["Output"] == "{% $used + 3 %}"
