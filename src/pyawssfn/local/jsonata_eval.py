"""Kept for the code that imports it: the JSONata engine wrapper lives in pyawssfn.jsonata.engine."""
from pyawssfn.jsonata.engine import (  # noqa: F401
    UNDEFINED,
    Expr,
    JsonataSyntaxError,
    compile_expression,
    evaluate,
    evaluate_template,
    expression_text,
    is_expression,
    js_number_text,
    top_level_references,
)
from pyawssfn.jsonata.functions import JavaRandom  # noqa: F401
