"""AST statements -> IR, one module per construct (in the shape of mypyc's irbuild).

    builder.py          FunctionLowerer: the state of one function's lowering, rendering, graph plumbing
    visitor.py          which transform_* function lowers each statement kind; the refused kinds
    statements.py       assignments, expression statements, if, assert, nested defs
    loops.py            while, for
    controlflow.py      break, continue, return, raise
    nonlocalcontrol.py  where each of those (and each state's Catch) goes: loop, except, finally, function
    try_statements.py   try / except / else / finally
    errors.py           error routing: cover, Catch, Retry, states that evaluate under the right Catch
    calls.py            step calls and author-API calls: Task, callback, child workflow, SDK, Wait
    parallel.py         sfn.parallel
    maps.py             sfn.map and step comprehensions
    binding.py          call arguments bound to a signature
    hoisting.py         step calls inside expressions become states
    support.py          shared options, error shapes, helpers
"""
from pyawssfn.compiler.lower.builder import FunctionLowerer
from pyawssfn.compiler.lower.support import (
    LAMBDA_CALLBACK, LAMBDA_INVOKE, START_EXECUTION, Abort, Options, Shared, error_object, message_of,
)
from pyawssfn.compiler.lower.errors import TRANSIENT_ERRORS

__all__ = ["FunctionLowerer", "Options", "Shared", "Abort", "error_object", "message_of", "LAMBDA_INVOKE",
           "LAMBDA_CALLBACK", "START_EXECUTION", "TRANSIENT_ERRORS"]
