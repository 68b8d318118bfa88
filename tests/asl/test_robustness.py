"""Malformed definitions get problems, never an exception (validate) or a crash (graph)."""
from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from pyawssfn.asl import Problem, validate_definition
from pyawssfn.graph import render

BASE = {
    "StartAt": "C",
    "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "P"},
                                             {"Not": {"Variable": "$.y", "IsPresent": True}, "Next": "M"}],
              "Default": "F"},
        "P": {"Type": "Parallel", "Next": "M", "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Pass",
                                                                                               "End": True}}}],
              "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F", "ResultPath": "$.e"}]},
        "M": {"Type": "Map", "QueryLanguage": "JSONata", "Items": "{% $states.input.xs %}", "End": True,
              "ItemProcessor": {"StartAt": "T", "States": {"T": {
                  "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
                  "Arguments": {"Payload": "{% $states.input %}"}, "Assign": {"v": "{% $states.result %}"}}}}},
        "F": {"Type": "Fail", "Error": "E"},
    },
}

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**9) | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "x", "$", "$.a", "$v", "{% %}", "{% 1 + %}", "States.ALL", "End", "C", "Pass"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["Type", "Next", "End", "StartAt", "States", "Choices", "Catch", "Retry", "x", "v.$"]),
        inner, max_size=3),
    max_leaves=6)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


PATHS = [p for p in _paths(BASE) if p]


def _replace(base, path, value):
    out = copy.deepcopy(base)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return out


def test_base_is_valid():
    assert validate_definition(BASE) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), JSON), min_size=1, max_size=3))
def test_mutated_definitions_never_crash(mutations):
    defn = BASE
    for path, value in mutations:
        try:
            defn = _replace(defn, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed the parent
    problems = validate_definition(defn)
    assert all(isinstance(p, Problem) and p.path and p.message for p in problems)
    for fmt in ("mermaid", "dot"):
        assert isinstance(render(defn, fmt), str)
