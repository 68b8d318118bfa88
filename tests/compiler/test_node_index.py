"""The frontend's walk of a workflow (astwalk.index) stays true while the compiler runs: the analyses the lowerer
runs read it instead of walking the function again, which is only right if nothing changes the function's tree
after the frontend built it (the lowerer rewrites copies of expressions)."""
from __future__ import annotations

import ast
import pathlib
import textwrap

import pytest

from pyawssfn.compiler import CompileError, compile_source, frontend
from pyawssfn.compiler.astwalk import NodeIndex, index, walk

EXAMPLES = sorted((pathlib.Path(__file__).parents[2] / "examples").glob("*.py"))

# Constructs the frontend rewrites (raise messages, str() of a caught error) or the lowerer rewrites in its copies
# (hoisted step calls in conditions, loops, comprehensions), and a parallel branch (a nested function).
CONSTRUCTS = textwrap.dedent("""
    import pyawssfn as sfn


    class Bad(Exception):
        pass


    def step(x):
        return x


    def grow(xs):
        xs.append(1)
        return xs


    @sfn.workflow
    def wf(x: int, xs: list):
        acc = step(x) + 1
        rows = [step(v) for v in xs]
        if step(acc) > 2 and acc < 10:
            acc = acc - 1
        elif isinstance(x, int):
            acc = len(rows)
        while acc < 5:
            acc += step(1)
        try:
            acc = step(acc)
        except ValueError as e:
            rows.append(str(e))
            raise Bad(f"failed: {e}")

        def left():
            return step(acc)

        both = sfn.parallel(left, lambda: step(2))
        ys = grow(rows + [])
        return {"acc": acc, "rows": rows, "both": both, "ys": ys}
""")


def _compiled_infos(monkeypatch, source: str, filename: str) -> list[frontend.ModuleInfo]:
    infos = []
    analyse = frontend.analyse

    def keep(*args, **kwargs):
        info = analyse(*args, **kwargs)
        infos.append(info)
        return info
    monkeypatch.setattr(frontend, "analyse", keep)
    first = compile_source(source, filename)
    for name in sorted(infos[0].workflows):
        if name != first.workflow:
            try:
                compile_source(source, filename, workflow=name)
            except CompileError:
                pass  # refused or not: the index must hold either way
    return infos


def _assert_index_holds(tree: ast.AST) -> int:
    checked = 0
    for fn in walk(tree):
        kept = fn.__dict__.get("pyawssfn_node_index")
        if kept is None:
            continue
        fresh = NodeIndex(fn)
        assert [id(n) for n in kept.nodes] == [id(n) for n in fresh.nodes], getattr(fn, "name", fn)
        classes = {type(n) for n in fresh.nodes}
        assert all([id(n) for n in kept.of(c)] == [id(n) for n in fresh.of(c)] for c in classes)
        checked += 1
    return checked


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_index_of_each_example_workflow_holds_after_its_compile(monkeypatch, path):
    infos = _compiled_infos(monkeypatch, path.read_text(encoding="utf-8"), str(path))
    assert sum(_assert_index_holds(info.tree) for info in infos) >= 1


def test_the_index_holds_through_the_rewrites_and_a_parallel_branch(monkeypatch):
    infos = _compiled_infos(monkeypatch, CONSTRUCTS, "constructs.py")
    checked = _assert_index_holds(infos[0].tree)
    assert checked >= 2  # the workflow and its branch `left`


_MARKERS = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)


def test_index_is_every_node_but_the_markers_in_walk_order_and_by_class():
    fn = ast.parse(CONSTRUCTS).body[-1]
    found = index(fn)
    assert found.nodes == [n for n in ast.walk(fn) if not isinstance(n, _MARKERS)]
    assert len(found.nodes) < len(list(ast.walk(fn)))
    assert found.of(ast.Call, ast.Return) == [n for n in ast.walk(fn) if isinstance(n, ast.Call)] + \
        [n for n in ast.walk(fn) if isinstance(n, ast.Return)]
    assert found.has(ast.Lambda) and not found.has(ast.Yield)
    assert index(fn) is found  # kept on the function
    assert index(fn, fresh=True) is not found
