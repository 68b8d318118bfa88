"""Which Python lines each state comes from, for its `Comment` (what a console reader sees beside the state).

A state records the line its statement starts on (ir.Node.line); the lines it came from run to the end of that
statement, or of the header of a compound statement (an `if`'s test, a `for`'s iterable), not over its body, whose
own states say their lines."""
from __future__ import annotations

import ast

from pyawssfn.compiler.astwalk import walk_statements


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


def comment(first: int, spans: dict[int, int]) -> str:
    """`line 23`, or `lines 23-25` for a statement over several lines."""
    last = spans.get(first, first)
    return f"line {first}" if last <= first else f"lines {first}-{last}"


def named_already(name: str, first: int, spans: dict[int, int]) -> bool:
    """The state's name ends with the line it came from (`step @23`, `step @23.2`): a Comment saying `line 23`
    again would add nothing the console does not show."""
    return spans.get(first, first) <= first and (name.endswith(f" @{first}") or f" @{first}." in name)
