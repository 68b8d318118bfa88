"""How a plain-Python run begins and ends as the compiled machine does: the workflow's arguments read from the
execution input, and the (error, cause) an exception that ended the workflow is reported with."""
from __future__ import annotations

import ast
import dis
import functools
import inspect
import os

import pyawssfn as sfn
from pyawssfn.compiler.types.parameters import mismatch, workflow_parameters

QUERY_ERROR = "States.QueryEvaluationError"


def raised_by_raise_statement(tb) -> bool:
    """Whether the innermost frame of a traceback stopped on a ``raise`` statement's own raising instruction (not on
    an expression inside its arguments, such as ``s[0]`` in ``raise sfn.Fail("E", s[0])``)."""
    for ins in dis.get_instructions(tb.tb_frame.f_code):
        if ins.offset == tb.tb_lasti:
            return ins.opname == "RAISE_VARARGS"
    return False


def bind_input(fn, input_value):
    """The workflow's arguments from its input object: one field per parameter, extra fields ignored; each of the
    kind its annotation promises (compiler/types/parameters.py: the compiled machine checks the same when it starts).
    A whole number for an `int` parameter is passed as an int (JSON numbers are doubles: the machine sees 2.0 as 2)."""
    if not isinstance(input_value, dict):
        raise sfn.named_error(QUERY_ERROR, f"the execution input must be a JSON object with the fields "
                                    f"{list(inspect.signature(fn).parameters)}, not {type(input_value).__name__}")
    promised = {p.name: p for p in _annotated(fn)}
    kwargs = {}
    for p in inspect.signature(fn).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name in input_value:
            value = input_value[p.name]
            spec = promised.get(p.name)
            wrong = spec and mismatch(spec, value)
            if wrong:
                raise sfn.named_error(QUERY_ERROR, f"The execution input's field {p.name!r} is {_a(wrong)}, not "
                                                   f"the {spec.describe()} the workflow {fn.__name__}'s annotation "
                                                   f"says")
            if spec and spec.kinds and "integer" in spec.kinds and isinstance(value, float):
                value = int(value)
            kwargs[p.name] = value
        elif p.default is p.empty:
            raise sfn.named_error(QUERY_ERROR, f"The execution input has no field {p.name!r}, which the workflow "
                                        f"{fn.__name__} needs")
    return kwargs


def _a(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _annotated(fn) -> list:
    """The workflow's parameters as the compiler reads their annotations (from the module's source, so that both
    runs trust and check exactly the same: compiler/types/parameters.py)."""
    target = inspect.unwrap(fn)
    try:
        path = inspect.getsourcefile(target)
        stamp = os.stat(path).st_mtime_ns if path else None
    except (TypeError, OSError):
        return []
    if path is None:
        return []
    return _parameters_of(path, stamp, target.__name__)


@functools.lru_cache(maxsize=256)
def _parameters_of(path: str, stamp, name: str) -> list:
    try:
        with open(path, "rb") as f:
            tree = ast.parse(f.read(), path)
    except (OSError, SyntaxError, ValueError):
        return []
    return workflow_parameters(tree, name) or []


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
