"""Choice: the first matching rule picks the next state; JSONPath comparison operators and JSONata Conditions."""
from __future__ import annotations

import re

from pyawssfn.local import dataflow, jsonpath_eval, timestamps
from pyawssfn.local.errors import StatesError
from pyawssfn.local.limits import dumps
from pyawssfn.semantics import wildcard

_MISSING = object()


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _compare(kind: str, op: str, value, expected) -> bool:
    if kind == "String":
        if not isinstance(value, str) or not isinstance(expected, str):
            return False
        a, b = value, expected
    elif kind == "Numeric":
        if not _is_number(value) or not _is_number(expected):
            return False
        a, b = value, expected
    elif kind == "Boolean":
        return isinstance(value, bool) and isinstance(expected, bool) and value is expected
    else:  # Timestamp
        a, b = timestamps.nanos(value), timestamps.nanos(expected)
        if a is None or b is None:
            return False
    if op == "Equals":
        return a == b
    if op == "LessThan":
        return a < b
    if op == "GreaterThan":
        return a > b
    if op == "LessThanEquals":
        return a <= b
    return a >= b  # GreaterThanEquals


_OPERATOR = re.compile(r"(String|Numeric|Boolean|Timestamp)(Equals|LessThanEquals|GreaterThanEquals|LessThan|"
                       r"GreaterThan)(Path)?")


class _Rule:
    def __init__(self, sx, data):
        self.sx = sx
        self.data = data

    def read(self, path):
        try:
            return jsonpath_eval.get_path(self.data, path, context=dataflow.context_for(self.sx, path),
                                          variables=self.sx.variables)
        except StatesError:
            return _MISSING

    def evaluate(self, rule: dict) -> bool:
        if "And" in rule:
            return all(self.evaluate(r) for r in rule["And"])
        if "Or" in rule:
            return any(self.evaluate(r) for r in rule["Or"])
        if "Not" in rule:
            return not self.evaluate(rule["Not"])
        variable = rule.get("Variable")
        value = self.read(variable)
        for key, operand in rule.items():
            if key in ("Variable", "Next", "Comment", "Assign", "Output"):
                continue
            if key == "IsPresent":
                return (value is not _MISSING) == operand
            if value is _MISSING:
                raise self.sx.runtime_error(
                    f"Invalid path '{variable}': The choice state's condition path references an invalid value.")
            if key == "IsNull":
                return (value is None) == operand
            if key == "IsNumeric":
                return _is_number(value) == operand
            if key == "IsString":
                return isinstance(value, str) == operand
            if key == "IsBoolean":
                return isinstance(value, bool) == operand
            if key == "IsTimestamp":
                return (timestamps.parse(value) is not None) == operand
            if key == "StringMatches":
                return isinstance(value, str) and wildcard.matches(value, operand)
            m = _OPERATOR.fullmatch(key)
            if m is None:
                raise self.sx.runtime_error(f"Unsupported choice rule operator '{key}'.")
            kind, op, is_path = m.groups()
            if is_path:
                expected = self.read(operand)
                if expected is _MISSING:
                    raise self.sx.runtime_error(
                        f"Invalid path '{operand}': The choice state's condition path references an invalid value.")
            else:
                expected = operand
            return _compare(kind, op, value, expected)
        raise self.sx.runtime_error("A choice rule has no comparison operator.")


def _no_match(sx):
    return StatesError("States.NoChoiceMatched", sx.error_prefix() + "Failed to transition out of the state. "
                       "The state does not point to a next state.")


def execute(sx):
    state = sx.state
    if sx.jsonata:
        states = dataflow.states_var(sx, input=sx.input)
        chosen = None
        for i, rule in enumerate(state.get("Choices", [])):
            cond = dataflow.jsonata_field(sx, f"Condition", rule.get("Condition"), states)
            if not isinstance(cond, bool):
                raise dataflow.evaluation_failed(sx, StatesError(
                    "States.QueryEvaluationError",
                    f"The JSONata expression '{_text(rule.get('Condition'))}' specified for the field 'Condition' "
                    f"returned an unexpected result type. Expected 'boolean', but was "
                    f"'{dataflow.json_type_name(cond)}' for value: {dumps(cond)}"), "Condition")
            if cond:
                chosen = rule
                break
        where = chosen if chosen is not None else state
        next_name = chosen["Next"] if chosen is not None else state.get("Default")
        if next_name is None:
            raise _no_match(sx)
        sx.assigned = dataflow.jsonata_assign(sx, where.get("Assign"), states)
        out = dataflow.jsonata_field(sx, "Output", where["Output"], states) if "Output" in where else sx.input
        return sx.exit(out, next_name)

    effective = dataflow.input_path(sx, sx.input)
    evaluator = _Rule(sx, effective)
    chosen = None
    for rule in state.get("Choices", []):
        if evaluator.evaluate(rule):
            chosen = rule
            break
    where = chosen if chosen is not None else state
    next_name = chosen["Next"] if chosen is not None else state.get("Default")
    if next_name is None:
        raise _no_match(sx)
    sx.assigned = dataflow.jsonpath_assign(sx, where.get("Assign"))
    out = dataflow.output_path(sx, effective)
    return sx.exit(out, next_name)


def _text(value) -> str:
    from pyawssfn.jsonata.engine import expression_text, is_expression
    return expression_text(value) if is_expression(value) else str(value)

