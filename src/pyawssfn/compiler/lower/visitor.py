"""Which function lowers each kind of statement (the dispatch of mypyc's irbuild visitor), and the kinds a workflow
refuses with what to write instead."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable

from pyawssfn.compiler.lower import controlflow, loops, statements, try_statements

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer

TRANSFORMS: dict[type[ast.stmt], Callable[[FunctionLowerer, ast.stmt], None]] = {
    ast.Pass: statements.transform_pass,
    ast.Expr: statements.transform_expression_stmt,
    ast.Assign: statements.transform_assign,
    ast.AnnAssign: statements.transform_ann_assign,
    ast.AugAssign: statements.transform_aug_assign,
    ast.If: statements.transform_if,
    ast.Assert: statements.transform_assert,
    ast.FunctionDef: statements.transform_function_def,
    ast.While: loops.transform_while,
    ast.For: loops.transform_for,
    ast.Break: controlflow.transform_break,
    ast.Continue: controlflow.transform_continue,
    ast.Return: controlflow.transform_return,
    ast.Raise: controlflow.transform_raise,
    ast.Try: try_statements.transform_try,
}

REFUSED_STATEMENTS = {
    "With": ("a with block", "open resources inside a step function"),
    "AsyncWith": ("async with", "write synchronous code in a step"),
    "AsyncFor": ("async for", "use a plain for loop"),
    "AsyncFunctionDef": ("an async function", "write plain def"),
    "Global": ("global", "pass values as parameters and return results"),
    "Nonlocal": ("nonlocal", "return values from the branch instead"),
    "Delete": ("del", "build a new dict or list without the item"),
    "ClassDef": ("a class definition inside the workflow", "define classes at module level, used by steps"),
    "Import": ("import inside the workflow", "import at module level and use it inside a step"),
    "ImportFrom": ("import inside the workflow", "import at module level and use it inside a step"),
    "Match": ("match", "use if/elif/else"),
    "TryStar": ("try/except*", "use try/except"),
}
