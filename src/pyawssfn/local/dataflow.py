"""A state's data flow on top of the expression evaluators: InputPath, Parameters, ResultSelector, ResultPath,
OutputPath and Assign for JSONPath states; Arguments, Output and Assign for JSONata states.

Every evaluation error comes back as StatesError with AWS's cause, prefixed with the state and event id as AWS
words it; JSONata failures also record AWS's EvaluationFailed event."""
from __future__ import annotations

from pyawssfn.jsonata import engine as jsonata_eval, shadow
from pyawssfn.jsonata.fastpath import FALL_BACK
from pyawssfn.local import intrinsics, jsonpath_eval
from pyawssfn.local.errors import QUERY_EVALUATION_ERROR, StatesError

UNDEFINED = jsonata_eval.UNDEFINED
_PREFIX = "An error occurred while executing the state"


def _prefixed(sx, exc: StatesError) -> StatesError:
    cause = exc.cause or ""
    if not cause.startswith(_PREFIX):
        cause = sx.error_prefix() + cause
    return StatesError(exc.error, cause)


def evaluation_failed(sx, exc: StatesError, location: str | None) -> StatesError:
    """Record AWS's EvaluationFailed event for a failed JSONata evaluation and return the error to raise."""
    err = _prefixed(sx, exc)
    details = {"cause": err.cause, "error": err.error}
    if location:
        details["location"] = location
    details["state"] = sx.name
    # AWS links EvaluationFailed past the state's entered event to the event before it, except in a Wait state,
    # which evaluates its field in a later step and links to its entered event.
    history = sx.run.history
    previous = sx.entered_id if sx.state.get("Type") == "Wait" else history.previous_of(sx.entered_id)
    history.add("EvaluationFailed", details, previous=previous)
    return err


# -- JSONata --------------------------------------------------------------------------------------------------------

def jsonata_field(sx, field: str, value, states: dict):
    """Evaluate a JSONata template field (Arguments, Output, Items, ...) of the current state."""
    run = sx.run
    compiled = run.executor.templates
    hit = compiled.get((id(value), field))
    if hit is None or hit[0] is not value:
        if len(compiled) > 10_000:  # a caller's fresh templates ({} defaults) must not pile up
            compiled.clear()
        hit = compiled[(id(value), field)] = (value, _compile_template(value, field))
    try:
        return hit[1](sx.variables, states, run.rng, run.now_ms, run.jsonata_cache)
    except StatesError as exc:
        raise evaluation_failed(sx, exc, _location(exc, field)) from None


def _compile_template(value, field: str):
    """``value`` as a function ``(variables, states, rng, now_ms, cache) -> value`` that does what
    jsonata.engine.evaluate_template does (same values, same errors, fresh containers) with the expressions parsed
    and the field names written once: a Map item's ItemSelector was a third of its cost."""
    if isinstance(value, dict):
        prefix = f"{field}/" if field else ""
        parts = [(k, _compile_template(v, f"{prefix}{k}")) for k, v in value.items()]
        return lambda *args: {k: part(*args) for k, part in parts}
    if isinstance(value, list):
        items = [_compile_template(v, f"{field}[{i}]") for i, v in enumerate(value)]
        return lambda *args: [item(*args) for item in items]
    if not jsonata_eval.is_expression(value):
        return lambda *args: value
    text = jsonata_eval.expression_text(value)
    try:
        expr = jsonata_eval.compile_expression(text)
    except jsonata_eval.JsonataSyntaxError:  # the engine words the error, at evaluation time as before
        return lambda variables, states, rng, now_ms, cache: jsonata_eval.evaluate_template(
            value, variables=variables, states=states, field=field, rng=rng, now_ms=now_ms, cache=cache)
    where = field or None
    nothing = (f"The JSONata expression '{text}'{jsonata_eval._field_part(where)} returned nothing (undefined).")
    fast = expr.fast

    def evaluate(variables, states, rng, now_ms, cache):
        # Expr.evaluate tries its shortcut first too; going to it directly is the same when the shadow is off.
        result = fast(states, variables, cache) if fast is not None and not shadow.enabled() else FALL_BACK
        if result is FALL_BACK:
            result = expr.evaluate(states=states, variables=variables, field=where, rng=rng, now_ms=now_ms,
                                   cache=cache)
        if result is UNDEFINED:  # JSON cannot hold undefined (engine._walk's message)
            raise StatesError(QUERY_EVALUATION_ERROR, nothing)
        return result

    return evaluate


def _location(exc: StatesError, field: str) -> str:
    """AWS names the failing field in full ('Assign/result', 'Output/values[0]') when the cause quotes it."""
    cause = exc.cause or ""
    marker = "specified for the field '"
    if marker in cause:
        return cause.split(marker, 1)[1].split("'", 1)[0]
    return field


def jsonata_assign(sx, assign, states: dict) -> dict | None:
    """The values of an Assign field, all evaluated with the variables as they were before the state."""
    if not assign:
        return None if assign is None else {}
    if not isinstance(assign, dict):
        raise sx.runtime_error("The Assign field must be an object.")
    return jsonata_field(sx, "Assign", assign, states)


class LazyStates(dict):
    """``$states`` whose ``context`` (the context object and its timestamp) is built only when an expression reads
    it: most expressions never do, and building it for every state cost a tenth of a JSONata loop."""

    __slots__ = ("_sx", "_map_item")

    def __init__(self, sx, map_item=None, **parts):
        super().__init__(parts)
        self._sx = sx
        self._map_item = map_item

    def __missing__(self, key):
        if key != "context":
            raise KeyError(key)
        value = self["context"] = self._sx.context(self._map_item)
        return value

    def __contains__(self, key):
        return key == "context" or dict.__contains__(self, key)


def states_var(sx, map_item=None, **parts) -> dict:
    if "context" in parts:
        return parts
    return LazyStates(sx, map_item, **parts)


# -- JSONPath -------------------------------------------------------------------------------------------------------

def _mentions_context(value) -> bool:
    """Whether a path, an intrinsic or any string in a template holds ``$$``: only such text reads the context."""
    if isinstance(value, str):
        return "$$" in value
    if isinstance(value, dict):
        return any(_mentions_context(k) or _mentions_context(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_mentions_context(v) for v in value)
    return not isinstance(value, (int, float, bool, type(None)))  # not JSON: let the evaluator see everything


def context_for(sx, text, map_item=None):
    """The context object for JSONPath ``text`` (a path, an intrinsic or a template), or None when nothing in it
    can read ``$$``: building the object and its timestamp for every state cost a sixth of a JSONPath loop."""
    if isinstance(text, str):
        reads = "$$" in text
    else:
        seen = sx.run.executor.context_reads  # id -> (template, reads): templates are the definition's own
        hit = seen.get(id(text))
        if hit is None or hit[0] is not text:
            if len(seen) > 10_000:  # a caller's fresh templates ({} defaults) must not pile up
                seen.clear()
            hit = seen[id(text)] = (text, _mentions_context(text))
        reads = hit[1]
    return sx.context(map_item) if reads else None


def _guard(sx, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except StatesError as exc:
        raise _prefixed(sx, exc) from None


def input_path(sx, value):
    if "InputPath" not in sx.state:
        return value
    path = sx.state["InputPath"]
    return _guard(sx, jsonpath_eval.apply_input_path, value, path, context=context_for(sx, path),
                  variables=sx.variables)


def output_path(sx, value):
    if "OutputPath" not in sx.state:
        return value
    path = sx.state["OutputPath"]
    return _guard(sx, jsonpath_eval.apply_output_path, value, path, context=context_for(sx, path),
                  variables=sx.variables)


def payload_template(sx, template, data, field: str, map_item=None):
    return _guard(sx, jsonpath_eval.apply_payload_template, template, data,
                  context=context_for(sx, template, map_item), variables=sx.variables, rng=sx.run.rng)


def result_path(sx, raw_input, result, path):
    return _guard(sx, jsonpath_eval.apply_result_path, raw_input, result, path)


def get_path(sx, data, path, field=None):
    return _guard(sx, jsonpath_eval.get_path, data, path, context=context_for(sx, path), variables=sx.variables,
                  field=field)


def path_or_intrinsic(sx, data, text, field):
    """ErrorPath/CausePath-like fields: a JSONPath or an intrinsic function call."""
    if intrinsics.is_intrinsic(text):
        return _guard(sx, intrinsics.evaluate_intrinsic, text, data, context=context_for(sx, text),
                      variables=sx.variables, rng=sx.run.rng)
    return get_path(sx, data, text, field)


def jsonpath_assign(sx, assign, result=UNDEFINED, state_input=UNDEFINED) -> dict | None:
    """Assign of a JSONPath state: paths read ``result`` (the state's result), or the state input without one."""
    if assign is None:
        return None
    if not isinstance(assign, dict):
        raise sx.runtime_error("The Assign field must be an object.")
    if not assign:
        return {}
    return _guard(sx, jsonpath_eval.evaluate_assign_jsonpath, assign,
                  state_input=sx.input if state_input is UNDEFINED else state_input, result=result,
                  context=context_for(sx, assign), variables=sx.variables, rng=sx.run.rng)


def jsonpath_result(sx, raw_input, result, assign_result=True):
    """ResultSelector, Assign, ResultPath and OutputPath applied to a task-like result; returns the output.

    ``assign_result`` None means Assign reads the state input (a Pass state with neither Result nor Parameters)."""
    state = sx.state
    if "ResultSelector" in state:
        result = payload_template(sx, state["ResultSelector"], result, "ResultSelector")
    sx.assigned = jsonpath_assign(sx, state.get("Assign"), UNDEFINED if assign_result is None else result)
    out = result_path(sx, raw_input, result, state.get("ResultPath", "$"))
    return output_path(sx, out)


def jsonata_result(sx, result, default_output=UNDEFINED):
    """Assign and Output of a JSONata state given its result; returns the output."""
    state = sx.state
    states = states_var(sx, input=sx.input, result=result)
    sx.assigned = jsonata_assign(sx, state.get("Assign"), states)
    if "Output" in state:
        return jsonata_field(sx, "Output", state["Output"], states)
    return result if default_output is UNDEFINED else default_output


def query_error(sx, message: str) -> StatesError:
    return StatesError(QUERY_EVALUATION_ERROR, sx.error_prefix() + message)


def json_type_name(value) -> str:
    """The JSON type name AWS's messages use for a value ('null', 'boolean', 'number', ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
