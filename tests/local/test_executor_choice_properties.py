"""Choice comparison operators against their definitions, over generated values."""
from __future__ import annotations

import operator

from hypothesis import given, settings, strategies as st

# Imported first: jsonata-python raises the recursion limit on import, which must not happen inside hypothesis.
import pyawssfn.local.states  # noqa: F401
from pyawssfn.local import Executor

OPS = {"Equals": operator.eq, "LessThan": operator.lt, "GreaterThan": operator.gt,
       "LessThanEquals": operator.le, "GreaterThanEquals": operator.ge}
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                         st.floats(allow_nan=False, allow_infinity=False, width=32), st.text(max_size=5))


def chooses(rule: dict, value) -> bool:
    d = {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.v", "Next": "Yes", **rule}], "Default": "No"},
        "Yes": {"Type": "Pass", "Result": True, "End": True}, "No": {"Type": "Pass", "Result": False, "End": True}}}
    ex = Executor(d, validate=False).run(value)
    assert ex.status == "SUCCEEDED", ex.cause
    return ex.output


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


@settings(max_examples=60, deadline=None)
@given(op=st.sampled_from(sorted(OPS)), v=json_scalars, other=st.floats(-1e6, 1e6, width=32), by_path=st.booleans())
def test_numeric_operators(op, v, other, by_path):
    rule = {f"Numeric{op}Path": "$.o"} if by_path else {f"Numeric{op}": other}
    expected = is_number(v) and OPS[op](v, other)
    assert chooses(rule, {"v": v, "o": other}) == expected


@settings(max_examples=60, deadline=None)
@given(op=st.sampled_from(sorted(OPS)), v=json_scalars, other=st.text(max_size=5))
def test_string_operators(op, v, other):
    expected = isinstance(v, str) and OPS[op](v, other)
    assert chooses({f"String{op}": other}, {"v": v}) == expected


@settings(max_examples=40, deadline=None)
@given(v=json_scalars)
def test_type_tests(v):
    assert chooses({"IsNumeric": True}, {"v": v}) == is_number(v)
    assert chooses({"IsString": True}, {"v": v}) == isinstance(v, str)
    assert chooses({"IsBoolean": True}, {"v": v}) == isinstance(v, bool)
    assert chooses({"IsNull": True}, {"v": v}) == (v is None)
    assert chooses({"BooleanEquals": True}, {"v": v}) == (v is True)


def test_string_matches_wildcards_and_escapes():
    assert chooses({"StringMatches": "*.log"}, {"v": "app.log"})
    assert not chooses({"StringMatches": "*.log"}, {"v": "app.log.1"})
    assert chooses({"StringMatches": "a\\*b"}, {"v": "a*b"})
    assert not chooses({"StringMatches": "a\\*b"}, {"v": "axb"})
    assert chooses({"StringMatches": "a*b*c"}, {"v": "a-b-c"})


def test_timestamp_operators_compare_instants_across_offsets():
    assert chooses({"TimestampEquals": "2024-01-01T01:00:00+01:00"}, {"v": "2024-01-01T00:00:00Z"})
    assert chooses({"TimestampLessThan": "2024-01-01T00:00:00.000000002Z"}, {"v": "2024-01-01T00:00:00.000000001Z"})
    assert not chooses({"TimestampEquals": "2024-01-01T00:00:00Z"}, {"v": "2024-01-01"})
    assert chooses({"IsTimestamp": True}, {"v": "2024-02-29T12:00:00Z"})
    assert not chooses({"IsTimestamp": True}, {"v": "2023-02-29T12:00:00Z"})
