"""Python expression AST -> JSONata with Python's meaning (the expression builder).

Every construct either translates faithfully or is refused through `report`. Where Python raises (KeyError,
IndexError, ZeroDivisionError, TypeError, ValueError) the JSONata fails too, through `$error("...")`, so both runs fail
with States.QueryEvaluationError. Static types known from literals keep the output small; where a type is unknown a
runtime dispatch on `$type(...)` is emitted. docs/expressions.md lists every construct and every refusal.

Modules by concern: core (the typed fragment J, refusals, helper naming, constant folding), translator (the public
class and its dispatch), arithmetic, comparisons, containers (displays, subscripts, comprehensions), formatting
(str(), f-strings), calls (builtins), methods (str/dict methods), text (number and repr formatting helpers),
statements (the helpers for d[k] = v, append, extend, x op= v).
"""
from pyawssfn.compiler.expressions.core import MAX_EXACT_INT, PREDICATE_NAMES, NotConstant, _static_type
from pyawssfn.compiler.expressions.statements import INPLACE, append, augassign, extend, setitem
from pyawssfn.compiler.expressions.translator import ExpressionTranslator

__all__ = ["ExpressionTranslator", "NotConstant", "INPLACE", "MAX_EXACT_INT", "PREDICATE_NAMES", "append",
           "augassign", "extend", "setitem", "_static_type"]
