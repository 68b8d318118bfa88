"""Every analysis that runs before the lowering has a rule for every statement kind the lowerer compiles, and fails
loudly on a kind it does not know, so a new construct cannot slip past it silently."""
from __future__ import annotations

import ast
import textwrap

import pytest

from pyawssfn.compiler import CompileError, compile_source, statement_kinds
from pyawssfn.compiler.aliasing import check_aliasing
from pyawssfn.compiler.definite import maybe_unbound_reads
from pyawssfn.compiler.lower import visitor
from pyawssfn.compiler.statement_kinds import LOWERED, UnhandledStatement
from pyawssfn.compiler.static_types import infer_name_types

# One statement of every kind the lowerer compiles (test_the_sample_has_every_lowered_kind keeps it complete).
SAMPLE = textwrap.dedent("""
    def wf(x, xs):
        pass
        y = 1
        z: int = 2
        y += z
        note(y)
        if x:
            y = 2
        assert y, "never"
        def branch():
            return 1
        while x:
            break
        for i in xs:
            continue
        try:
            raise ValueError("v")
        except ValueError as e:
            y = 3
        finally:
            xs.append(y)
        return y
""")


def _sample() -> ast.FunctionDef:
    fn = ast.parse(SAMPLE).body[0]
    assert isinstance(fn, ast.FunctionDef)
    return fn


def _analyses():
    """Each analysis, as a function of a workflow function."""
    return {
        "definite assignment": lambda fn: maybe_unbound_reads(fn, {"y", "z", "i", "e", "branch"}),
        "aliasing": lambda fn: check_aliasing(fn, lambda *a: None, lambda call: False),
        "static types": lambda fn: infer_name_types(fn, lambda expr, name_type: None),
    }


class Novel(ast.stmt):
    """A statement kind no analysis has a rule for."""
    _fields = ()


def _with_novel_statement() -> ast.FunctionDef:
    fn = _sample()
    novel = Novel()
    novel.lineno, novel.col_offset, novel.end_lineno, novel.end_col_offset = 3, 4, 3, 8
    fn.body.insert(1, novel)
    return fn


def test_the_visitor_lowers_exactly_the_lowered_kinds():
    assert set(visitor.TRANSFORMS) == set(LOWERED)


def test_the_sample_has_every_lowered_kind():
    kinds = {type(n) for n in ast.walk(_sample()) if isinstance(n, ast.stmt)}
    assert kinds == set(LOWERED)


@pytest.mark.parametrize("analysis", sorted(_analyses()))
def test_each_analysis_has_a_rule_for_every_lowered_kind(analysis):
    _analyses()[analysis](_sample())  # raises UnhandledStatement on a kind without a rule


@pytest.mark.parametrize("analysis", sorted(_analyses()))
def test_each_analysis_raises_on_a_lowered_kind_it_does_not_know(analysis, monkeypatch):
    monkeypatch.setattr(statement_kinds, "LOWERED", LOWERED | {Novel})
    with pytest.raises(UnhandledStatement, match=r"the .* analysis has no rule for Novel statements \(line 3\)"):
        _analyses()[analysis](_with_novel_statement())


@pytest.mark.parametrize("analysis", sorted(_analyses()))
def test_a_kind_the_lowerer_refuses_needs_no_rule(analysis):
    _analyses()[analysis](_with_novel_statement())  # Novel is not lowered: the lowerer reports it


def test_a_refused_statement_is_reported_not_an_internal_error():
    source = textwrap.dedent("""
        import pyawssfn as sfn

        @sfn.workflow
        def wf(x):
            del x
            return 1
    """)
    with pytest.raises(CompileError, match="del is not supported in a workflow"):
        compile_source(source)
