"""pyawssfn.local.jsonpath_eval: JSONPath, payload templates, ResultPath, as AWS Step Functions applies them."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings, strategies as st

from pyawssfn.local.errors import StatesError
from pyawssfn.local.jsonpath_eval import (
    apply_input_path,
    apply_output_path,
    apply_payload_template,
    apply_result_path,
    evaluate_assign_jsonpath,
    get_path,
    is_reference_path,
    to_json_text,
)

from tests.conftest import shared_path

DATA = {
    "a": {"b": [1, {"c": None}]},
    "items": [{"x": 1, "tag": "p"}, {"x": 2, "tag": "q"}, {"x": 3, "tag": "p"}],
    "int-literal": 0,
    "s": "text",
}
CONTEXT = {"Execution": {"Id": "arn:exec", "Name": "e1", "Input": {"in": 1}}, "State": {"Name": "S"}}
VARIABLES = {"v": {"k": [10, 20]}, "n": None}


# Definite paths give the value, indefinite ones a list


@pytest.mark.parametrize(
    "path, expected",
    [
        ("$", DATA),
        ("$.a.b[0]", 1),
        ("$.a.b[1].c", None),
        ("$['int-literal']", 0),
        ("$.items[-1].x", 3),
        ("$.items[*].x", [1, 2, 3]),
        ("$.items[?(@.x > 1)].tag", ["q", "p"]),
        ("$.items[?(@.tag == 'p')]", [{"x": 1, "tag": "p"}, {"x": 3, "tag": "p"}]),
        ("$.items[0:2].x", [1, 2]),
        ("$..x", [1, 2, 3]),
        ("$.items[?(@.x > 9)]", []),
    ],
)
def test_get_path(path, expected):
    assert get_path(DATA, path) == expected


def test_context_and_variable_paths():
    assert get_path(DATA, "$$.Execution.Id", context=CONTEXT) == "arn:exec"
    assert get_path(DATA, "$$", context=CONTEXT) == CONTEXT
    assert get_path(DATA, "$v.k[1]", variables=VARIABLES) == 20
    assert get_path(DATA, "$v", variables=VARIABLES) == {"k": [10, 20]}
    assert get_path(DATA, "$n", variables=VARIABLES) is None
    with pytest.raises(StatesError) as info:
        get_path(DATA, "$nope.x", variables=VARIABLES)
    assert info.value.error == "States.Runtime"


@pytest.mark.parametrize(
    "path, detail",
    [
        ("$.nope", "No results for path: $['nope']"),
        ("$.no.such.path", "Missing property in path $['no']"),
        ("$.a.b[7]", "No results for path: $['a']['b'][7]"),
        ("$.s.x", "No results for path: $['s']['x']"),
    ],
)
def test_missing_definite_path_is_states_runtime(path, detail):
    with pytest.raises(StatesError) as info:
        get_path(DATA, path)
    assert (info.value.error, info.value.cause) == ("States.Runtime", f"Invalid path '{path}' : {detail}")


def test_input_and_output_path():
    assert apply_input_path(DATA, None) == {}
    assert apply_input_path(DATA, "$") is DATA
    assert apply_input_path(DATA, "$.a.b") == [1, {"c": None}]
    assert apply_output_path(DATA, None) == {}
    assert apply_output_path(DATA, "$v.k", variables=VARIABLES) == [10, 20]


# Payload templates


def test_payload_template():
    template = {
        "static": "Hello",
        "not-evaluated": "$.s",
        "title.$": "$.s",
        "ctx.$": "$$.State.Name",
        "var.$": "$v.k[0]",
        "fn.$": "States.Format('{}-{}', $.s, $v.k[1])",
        "nested": {"deep.$": "$.items[?(@.x == 2)].tag", "list": [{"in_list.$": "$.a.b[0]"}, 3, None]},
    }
    assert apply_payload_template(template, DATA, context=CONTEXT, variables=VARIABLES) == {
        "static": "Hello",
        "not-evaluated": "$.s",
        "title": "text",
        "ctx": "S",
        "var": 10,
        "fn": "text-20",
        "nested": {"deep": ["q"], "list": [{"in_list": 1}, 3, None]},
    }


def test_payload_template_does_not_modify_its_inputs():
    template = {"x.$": "$.a", "k": {"y": 1}}
    data = copy.deepcopy(DATA)
    out = apply_payload_template(template, data)
    out["k"]["y"] = 2
    assert template == {"x.$": "$.a", "k": {"y": 1}} and data == DATA


def _recorded(case_id: str) -> dict:
    with open(shared_path("conformance/cases.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            case = json.loads(line)
            if case["id"] == case_id:
                return case
    raise AssertionError(f"recorded case {case_id} not found")


def _recorded_tail(case: dict) -> str:
    # The engine writes the "An error occurred while executing the state ..." sentence; we own the rest.
    return case["expected"]["cause"].split("). ", 1)[1]


@pytest.mark.parametrize(
    "suffix, template, use_context",
    [
        ("INVALID_JSONPATH_IN_STRING_EXPR_JSONPATH", {"value.$": "$.no_such_jsonpath"}, False),
        ("INVALID_JSONPATH_IN_STRING_EXPR_CONTEXTPATH", {"value.$": "$$.Execution.Input.no_such_jsonpath"}, True),
    ],
)
def test_payload_field_not_found_matches_recorded_cause(suffix, template, use_context):
    case = _recorded(f"scenarios/test_base_scenarios::TestBaseScenarios::test_invalid_jsonpath[{suffix}]")
    state_input = case["input"]
    context = {"Execution": {"Input": state_input}} if use_context else None
    with pytest.raises(StatesError) as info:
        apply_payload_template(template, state_input, context=context)
    assert info.value.error == case["expected"]["error"]
    assert info.value.cause == _recorded_tail(case).replace("<json-input:1>", to_json_text(state_input))


def test_output_path_not_found_matches_recorded_cause():
    case = _recorded("scenarios/test_base_scenarios::TestBaseScenarios::test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_OUTPUTPATH]")
    with pytest.raises(StatesError) as info:
        apply_output_path(case["input"], "$.NoSuchOutputPath")
    assert (info.value.error, info.value.cause) == (case["expected"]["error"], _recorded_tail(case))


def test_missing_intermediate_matches_recorded_cause():
    case = _recorded("scenarios/test_base_scenarios::TestBaseScenarios::test_catch_states_runtime")
    with pytest.raises(StatesError) as info:
        apply_output_path({}, "$.no.such.result.path")
    assert (info.value.error, info.value.cause) == (case["expected"]["error"], _recorded_tail(case))


def test_error_path_field_cause():
    with pytest.raises(StatesError) as info:
        get_path({"int-literal": 0}, "$.ErrorX", field="ErrorPath")
    assert info.value.cause == "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '{\"int-literal\":0}'"


# ResultPath


def test_result_path_basics():
    state_input = {"a": 1, "o": {"k": 1}}
    assert apply_result_path(state_input, {"r": 1}, None) is state_input
    assert apply_result_path(state_input, {"r": 1}, "$") == {"r": 1}
    assert apply_result_path(state_input, 5, "$.x.y") == {"a": 1, "o": {"k": 1}, "x": {"y": 5}}
    assert apply_result_path(state_input, 5, "$.o.j") == {"a": 1, "o": {"k": 1, "j": 5}}
    assert apply_result_path(state_input, 5, "$.a") == {"a": 5, "o": {"k": 1}}
    assert apply_result_path({"l": [1, 2]}, 9, "$.l[1]") == {"l": [1, 9]}
    assert state_input == {"a": 1, "o": {"k": 1}}


@pytest.mark.parametrize("state_input, path", [("text", "$.a"), ([1], "$.a"), ({"a": 3}, "$.a.b"), ({"a": None}, "$.a.b"), ({"l": []}, "$.l[0]")])
def test_result_path_into_a_non_object_is_states_runtime(state_input, path):
    with pytest.raises(StatesError) as info:
        apply_result_path(state_input, 1, path)
    assert info.value.error == "States.Runtime"
    assert info.value.cause == f"Unable to apply ReferencePath {path} to input {json.dumps(state_input, separators=(',', ':'))}"


def test_result_path_must_be_a_reference_path():
    assert is_reference_path("$.a[0].b") and is_reference_path("$")
    assert not is_reference_path("$.a[*]") and not is_reference_path("$..a") and not is_reference_path("a")
    with pytest.raises(StatesError):
        apply_result_path({}, 1, "$.a[*]")


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text("abc", min_size=1, max_size=2), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(state_input=st.dictionaries(st.sampled_from("abc"), _json, max_size=3), keys=st.lists(st.sampled_from("abcd"), min_size=1, max_size=3), result=_json)
def test_result_path_puts_the_result_where_get_path_finds_it(state_input, keys, result):
    before = copy.deepcopy(state_input)
    path = "$." + ".".join(keys)
    try:
        output = apply_result_path(state_input, result, path)
    except StatesError as exc:
        # Only when some step on the way holds a non-object.
        assert exc.error == "States.Runtime"
        node = state_input
        for key in keys[:-1]:
            if not isinstance(node, dict) or key not in node:
                break
            node = node[key]
            if not isinstance(node, dict):
                return
        raise
    else:
        assert get_path(output, path) == result
    assert state_input == before


# Assign


def test_assign_reads_the_result_then_the_input():
    # assign/...::test_reference_assign[BASE_REFERENCE_IN_OUTPUTPATH]: Pass with Result {"answer": 42}
    assign = {"theAnswer.$": "$.answer", "const": [1, {"x.$": "$.answer"}], "ctx.$": "$$.State.Name", "old.$": "$v.k"}
    assert evaluate_assign_jsonpath(assign, state_input={"answer": 1}, result={"answer": 42}, context=CONTEXT, variables=VARIABLES) == {
        "theAnswer": 42, "const": [1, {"x": 42}], "ctx": "S", "old": [10, 20]
    }
    assert evaluate_assign_jsonpath({"a.$": "$.answer"}, state_input={"answer": 1}) == {"a": 1}
    assert evaluate_assign_jsonpath({"a.$": "$"}, state_input={"x": 1}, result=None) == {"a": None}


@pytest.mark.parametrize(
    "path, expected",
    [
        ("$.a-b", 1), ("$.1a", 2), ("$.a$b", 3), ("$.ü", 4), ("$.a:b.c d", 5), ("$['it\\'s']", 6),
        ("$['back\\slash']", 7), ("$..1a", [2]),
    ],
)
def test_jayway_names(path, expected):
    data = {"a-b": 1, "1a": 2, "a$b": 3, "ü": 4, "a:b": {"c d": 5}, "it's": 6, "back\\slash": 7}
    assert get_path(data, path) == expected


def test_recorded_escape_sequence_case():
    case = _recorded("scenarios/test_base_scenarios::TestBaseScenarios::test_escape_sequence_parsing[ESCAPE_SEQUENCES_JSONPATH]")
    (state,) = case["definition"]["States"].values()
    assert apply_payload_template(state["Parameters"], case["input"]) == case["expected"]["output"]


def test_invalid_path_is_states_runtime_in_one_line():
    with pytest.raises(StatesError) as info:
        get_path(DATA, "$.[")
    assert info.value.error == "States.Runtime"
    assert "\n" not in info.value.cause and info.value.cause.startswith("Invalid path '$.[' : ")
