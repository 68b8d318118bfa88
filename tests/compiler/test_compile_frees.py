"""A compile leaves nothing behind for the cyclic GC: its AST, its lowering and its IR are freed by reference
counting when it returns (compile_memos, FunctionLowerer.release, Graph.release), so the first collection after a
compile, which runs after a compile's pause of the GC (gcpause.no_collection), does not have to walk them all."""
from __future__ import annotations

import ast
import gc
import pathlib
import weakref

import pytest

from pyawssfn.compiler import CompileError, compile_source
from pyawssfn.compiler.expressions.translator import ExpressionTranslator
from pyawssfn.compiler.ir import Graph, Node
from pyawssfn.compiler.lower.builder import FunctionLowerer

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROGRAMS = sorted(ROOT.glob("examples/*.py")) + sorted(ROOT.glob("tests/differential/workflows/dwf_*.py"))

PARALLEL_IN_TRY = '''
import pyawssfn as sfn


def step(x):
    return x


@sfn.workflow
def main(x):
    def left():
        return step(x)

    def right():
        return step(x + 1)

    try:
        both = sfn.parallel(left, right)
    except ValueError as e:
        return {"error": str(e)}
    for i in both:
        x = x + step(i)
    return x
'''


def _workflows(source: str) -> list[str]:
    """The module's workflow functions (decorated with ...workflow or ...workflow(...))."""
    out = []
    for node in ast.parse(source).body:
        for d in getattr(node, "decorator_list", []):
            d = d.func if isinstance(d, ast.Call) else d
            if (d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", "")) == "workflow":
                out.append(node.name)
    return out


def _compile_and_watch(source: str, monkeypatch: pytest.MonkeyPatch,
                       workflow: str | None = None) -> tuple[weakref.ref, list[str]]:
    """The compile's module AST (as a weak reference) and the lowerers, translators, IR states and module ASTs
    that only the cyclic GC finds afterwards: any of them holds most of the compile. (Small cycles of helper
    closures remain: a template's builder compiled once per process, ast.literal_eval's own recursive closure
    with the node it was given.)"""
    trees: list[weakref.ref] = []
    parse = ast.parse

    def watched(*args, **kwargs):
        tree = parse(*args, **kwargs)
        trees.append(weakref.ref(tree))
        return tree

    monkeypatch.setattr(ast, "parse", watched)
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        compile_source(source, "wf.py", workflow)
        monkeypatch.undo()
        assert trees, "the compile parsed nothing through ast.parse"
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        found = [type(o).__qualname__ for o in gc.garbage if isinstance(o, (FunctionLowerer, ExpressionTranslator,
                                                                               Node, Graph, ast.Module))]
        gc.garbage.clear()
    finally:
        gc.set_debug(0)
        if was:
            gc.enable()
    return trees[0], found


def _compiles(source: str, workflow: str) -> bool:
    try:
        compile_source(source, "wf.py", workflow)
    except CompileError:  # (refused on purpose: an error's traceback holds frames for a while)
        return False
    return True


CASES = [(p, w) for p in PROGRAMS for w in _workflows(p.read_text()) if _compiles(p.read_text(), w)]


@pytest.mark.parametrize("path,workflow", CASES, ids=[f"{p.name}:{w}" for p, w in CASES])
def test_a_compile_frees_its_ast_and_makes_no_cycle(path: pathlib.Path, workflow: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    tree, cyclic = _compile_and_watch(path.read_text(), monkeypatch, workflow)
    assert tree() is None, "the compile's AST outlived it"
    assert cyclic == []


def test_a_parallel_branch_lowerer_is_freed_too(monkeypatch: pytest.MonkeyPatch) -> None:
    tree, cyclic = _compile_and_watch(PARALLEL_IN_TRY, monkeypatch)
    assert tree() is None
    assert cyclic == []
