"""How a plain-Python run begins and ends as the compiled machine does: the workflow's arguments read from the
execution input, and the (error, cause) an exception that ended the workflow is reported with."""
from __future__ import annotations

import dis
import inspect
import os

import pyawssfn as sfn

QUERY_ERROR = "States.QueryEvaluationError"


def raised_by_raise_statement(tb) -> bool:
    """Whether the innermost frame of a traceback stopped on a ``raise`` statement's own raising instruction (not on
    an expression inside its arguments, such as ``s[0]`` in ``raise sfn.Fail("E", s[0])``)."""
    for ins in dis.get_instructions(tb.tb_frame.f_code):
        if ins.offset == tb.tb_lasti:
            return ins.opname == "RAISE_VARARGS"
    return False


def bind_input(fn, input_value):
    """The workflow's arguments from its input object: one field per parameter, extra fields ignored."""
    if not isinstance(input_value, dict):
        raise sfn.named_error(QUERY_ERROR, f"the execution input must be a JSON object with the fields "
                                    f"{list(inspect.signature(fn).parameters)}, not {type(input_value).__name__}")
    kwargs = {}
    for p in inspect.signature(fn).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name in input_value:
            kwargs[p.name] = input_value[p.name]
        elif p.default is p.empty:
            raise sfn.named_error(QUERY_ERROR, f"The execution input has no field {p.name!r}, which the workflow "
                                        f"{fn.__name__} needs")
    return kwargs


def classify(exc, module) -> tuple[str, str]:
    """(error, cause) of an exception that ended the workflow, as the compiled machine reports it: an error that
    nothing catches ends the execution as it is, a reserved States.* name included (a Fail state raising one again
    after a finally reports it without the prefix, which comparison.py takes for the same report)."""
    if hasattr(exc, "__pyawssfn_step__") or isinstance(exc, sfn.Fail):
        return sfn.error_of(exc)
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    module_file = getattr(module, "__file__", None)
    if (tb is not None and module_file and os.path.abspath(tb.tb_frame.f_code.co_filename) == os.path.abspath(
            module_file) and raised_by_raise_statement(tb) and not raising_a_non_exception(exc)):
        return sfn.error_of(exc)  # an explicit `raise X(...)` of the workflow: a Fail state on the machine
    # Any other exception was raised by evaluating an expression of the workflow body, the arguments of a raise
    # included: a JSONata error there.
    return QUERY_ERROR, sfn.error_of(exc)[1]


def raising_a_non_exception(exc) -> bool:
    # `raise "text"` fails on the raise instruction itself, with this TypeError.
    return type(exc) is TypeError and str(exc).startswith("exceptions must derive from BaseException")
