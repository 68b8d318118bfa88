"""The statement kinds the lowerer compiles, and the internal error an analysis raises on one it has no rule for.

The analyses that run before the lowering (definite assignment, aliasing, the static types' binding sites) each
have a rule per statement kind. A kind the lowerer refuses needs none (the lowerer reports it at its line), but a
kind it compiles does: without a rule, an analysis would silently treat the new construct as binding, reading or
sharing nothing. ``unhandled`` turns that into an error at once, and tests/compiler/test_statement_kinds.py checks
that every analysis has a rule for every kind here (and that lower/visitor.py lowers exactly these kinds).
"""
from __future__ import annotations

import ast

LOWERED: frozenset[type[ast.stmt]] = frozenset({
    ast.Pass, ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.If, ast.Assert, ast.FunctionDef, ast.While,
    ast.For, ast.Break, ast.Continue, ast.Return, ast.Raise, ast.Try,
})


class UnhandledStatement(Exception):
    """Internal error: an analysis met a statement kind the lowerer compiles but the analysis has no rule for."""


def unhandled(analysis: str, stmt: ast.stmt) -> None:
    """Called by an analysis for a statement it has no rule for: nothing to do for a kind the lowerer refuses, an
    internal error for a kind it compiles."""
    if type(stmt) in LOWERED:
        raise UnhandledStatement(f"internal error: the {analysis} analysis has no rule for {type(stmt).__name__} "
                                 f"statements (line {getattr(stmt, 'lineno', '?')}); add one before lowering them")
