"""Issue #12 item 9: executions recorded on AWS that the executor once got wrong, each checked as AWS behaved (the
recordings themselves are kept out of ../shared)."""
from __future__ import annotations

import json

import pytest

from pyawssfn.jsonata.engine import evaluate
from pyawssfn.local import Executor


def _distributed(**fields):
    processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P",
                 "States": {"P": {"Type": "Pass", "End": True}}}
    return {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}}}


def test_a_range_of_one_number_is_that_number():
    # A JSONata sequence of one item is the item (AWS runs jsonata 2.0.6).
    assert evaluate("$range(3, 3, 1)") == 3
    assert evaluate("$range(0, 2, 5)") == 0
    assert evaluate("$range(0, 2, 1)") == [0, 1, 2]


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_string_to_json_of_a_blank_string_is_null(text):
    d = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"v.$": "States.StringToJson($.s)"},
                                          "End": True}}}
    ex = Executor(d).run({"s": text})
    assert (ex.status, ex.output) == ("SUCCEEDED", {"v": None})


@pytest.mark.parametrize("fields,value,cause", [
    ({"ToleratedFailureCountPath": "$.n"}, -1, "ToleratedFailureCount cannot be negative."),
    ({"ToleratedFailurePercentagePath": "$.n"}, 101, "ToleratedFailurePercentage must be between 0 and 100."),
    ({"ToleratedFailurePercentagePath": "$.n"}, -0.5, "ToleratedFailurePercentage must be between 0 and 100."),
    ({"ToleratedFailurePercentagePath": "$.n"}, "x",
     'The ToleratedFailurePercentagePath field refers to value "x" which is not a valid float: $.n'),
    ({"ToleratedFailureCountPath": "$.n"}, 1.5,
     'The ToleratedFailureCountPath field refers to value "1.5" which is not a valid integer: $.n'),
])
def test_a_tolerance_path_resolving_out_of_range_fails_the_map(fields, value, cause):
    ex = Executor(_distributed(ItemsPath="$.xs", **fields)).run({"xs": [1], "n": value})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert ex.cause == f"An error occurred while executing the state 'M' (entered at the event id #2). {cause}"


@pytest.mark.parametrize("fields,value", [({"ToleratedFailureCountPath": "$.n"}, 0),
                                          ({"ToleratedFailurePercentagePath": "$.n"}, 100),
                                          ({"ToleratedFailurePercentagePath": "$.n"}, "50")])
def test_a_tolerance_path_in_range_is_taken(fields, value):
    ex = Executor(_distributed(ItemsPath="$.xs", **fields)).run({"xs": [1], "n": value})
    assert ex.status == "SUCCEEDED"


def test_the_first_state_enters_with_the_input_reserialised_compactly():
    d = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    text = '{ "a" :  [1,  2] }'
    ex = Executor(d).run(json.loads(text), input_text=text)
    started, entered = ex.history[0], ex.history[1]
    assert started["executionStartedEventDetails"]["input"] == text
    assert entered["stateEnteredEventDetails"]["input"] == '{"a":[1,2]}'


@pytest.mark.parametrize("count,pct,status", [(1, 10, "FAILED"), (0, 50, "FAILED"), (1, 25, "SUCCEEDED")])
def test_both_tolerances_fail_the_map_when_either_is_exceeded(count, pct, status):
    # AWS, "Tolerated failure threshold for Distributed Map state": "If you specify both values, the workflow fails
    # when it exceeds either value."
    processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "C",
                 "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "Bad"}],
                                  "Default": "Good"},
                            "Bad": {"Type": "Fail", "Error": "Zero"}, "Good": {"Type": "Succeed"}}}
    d = {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": processor, "End": True,
                                          "ToleratedFailureCount": count, "ToleratedFailurePercentage": pct}}}
    ex = Executor(d).run([0, 1, 2, 3])
    assert ex.status == status
    if status == "FAILED":
        assert ex.error == "States.ExceedToleratedFailureThreshold"
