"""The executor's state types and data flow, in both query languages."""
from __future__ import annotations

import datetime as dt

import pytest

from pyawssfn.local import DefinitionError, Executor


def run(definition, value=None, **kwargs):
    return Executor(definition, **kwargs).run(value)


def machine(states, start=None, **top):
    return {"StartAt": start or next(iter(states)), "States": states, **top}


# -- Pass -------------------------------------------------------------------------------------------------------

def test_pass_jsonpath_pipeline_input_parameters_result_output_paths():
    ex = run(machine({"P": {"Type": "Pass", "InputPath": "$.a", "Parameters": {"x.$": "$.b", "k": 1},
                            "ResultPath": "$.r", "OutputPath": "$.r", "End": True}}), {"a": {"b": 5}})
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"x": 5, "k": 1}


def test_pass_result_replaces_input_and_result_path_null_keeps_input():
    ex = run(machine({"P": {"Type": "Pass", "Result": {"r": 1}, "ResultPath": None, "End": True}}), {"in": 2})
    assert ex.output == {"in": 2}
    ex = run(machine({"P": {"Type": "Pass", "Result": {"r": 1}, "End": True}}), {"in": 2})
    assert ex.output == {"r": 1}


def test_pass_jsonata_output_and_default_output():
    d = machine({"A": {"Type": "Pass", "Output": {"n": "{% $states.input.v * 2 %}"}, "Next": "B"},
                 "B": {"Type": "Pass", "End": True}}, QueryLanguage="JSONata")
    assert run(d, {"v": 21}).output == {"n": 42}


def test_output_path_missing_is_an_uncatchable_runtime_error():
    ex = run(machine({"P": {"Type": "Pass", "OutputPath": "$.nope", "End": True}}), {"a": 1})
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert "'P' (entered at the event id #2)" in ex.cause


# -- Choice -----------------------------------------------------------------------------------------------------

CHOICE = machine({
    "C": {"Type": "Choice", "Choices": [
        {"And": [{"Variable": "$.n", "IsNumeric": True}, {"Variable": "$.n", "NumericGreaterThanPath": "$.lim"}],
         "Next": "Big"},
        {"Variable": "$.s", "StringMatches": "log-*.txt", "Next": "Log"},
        {"Not": {"Variable": "$.t", "IsPresent": True}, "Next": "NoT"},
        {"Variable": "$.t", "TimestampLessThan": "2020-01-01T00:00:00Z", "Next": "Old"},
    ], "Default": "Other"},
    "Big": {"Type": "Pass", "Result": "big", "End": True},
    "Log": {"Type": "Pass", "Result": "log", "End": True},
    "NoT": {"Type": "Pass", "Result": "no-t", "End": True},
    "Old": {"Type": "Pass", "Result": "old", "End": True},
    "Other": {"Type": "Pass", "Result": "other", "End": True},
})


@pytest.mark.parametrize("value, expected", [
    ({"n": 5, "lim": 3, "t": "x"}, "big"),
    ({"n": "5", "lim": 3, "s": "log-1.txt", "t": "x"}, "log"),
    ({"n": 1, "lim": 3, "s": "log-1.csv"}, "no-t"),
    ({"n": 1, "lim": 3, "s": "", "t": "2019-12-31T23:59:59.999999999+00:00"}, "old"),
    ({"n": 1, "lim": 3, "s": "", "t": "2019-12-31 23:59:59Z"}, "other"),  # not an ISO-8601 timestamp: never matches
])
def test_choice_operators_in_order(value, expected):
    assert run(CHOICE, value).output == expected


def test_choice_boolean_and_null_type_checks_are_strict():
    d = machine({"C": {"Type": "Choice", "Choices": [
        {"Variable": "$.v", "BooleanEquals": True, "Next": "T"},
        {"Variable": "$.v", "IsNull": True, "Next": "N"}], "Default": "D"},
        "T": {"Type": "Succeed"}, "N": {"Type": "Succeed"}, "D": {"Type": "Succeed"}})
    assert run(d, {"v": 1}).history[-2]["stateExitedEventDetails"]["name"] == "D"
    assert run(d, {"v": None}).history[-2]["stateExitedEventDetails"]["name"] == "N"
    assert run(d, {"v": True}).history[-2]["stateExitedEventDetails"]["name"] == "T"


def test_choice_no_match_without_default_fails_with_no_choice_matched():
    d = machine({"C": {"Type": "Choice", "Choices": [{"Variable": "$.v", "NumericEquals": 1, "Next": "E"}]},
                 "E": {"Type": "Succeed"}})
    ex = run(d, {"v": 2})
    assert (ex.status, ex.error) == ("FAILED", "States.NoChoiceMatched")


def test_choice_variable_missing_is_runtime_error():
    d = machine({"C": {"Type": "Choice", "Choices": [{"Variable": "$.v", "NumericEquals": 1, "Next": "E"}],
                       "Default": "E"}, "E": {"Type": "Succeed"}})
    ex = run(d, {})
    assert ex.error == "States.Runtime"
    assert "Invalid path '$.v'" in ex.cause


def test_choice_jsonata_condition_assign_and_output():
    d = machine({"C": {"Type": "Choice", "Choices": [
        {"Condition": "{% $states.input.x > 1 %}", "Assign": {"picked": "rule"}, "Output": {"via": "rule"},
         "Next": "E"}], "Default": "E", "Assign": {"picked": "default"}},
        "E": {"Type": "Pass", "Output": {"picked": "{% $picked %}", "in": "{% $states.input %}"}, "End": True}},
        QueryLanguage="JSONata")
    assert run(d, {"x": 2}).output == {"picked": "rule", "in": {"via": "rule"}}
    assert run(d, {"x": 0}).output == {"picked": "default", "in": {"x": 0}}


def test_choice_jsonata_condition_must_be_boolean():
    d = machine({"C": {"Type": "Choice", "Choices": [{"Condition": "{% 1 %}", "Next": "E"}], "Default": "E"},
                 "E": {"Type": "Succeed"}}, QueryLanguage="JSONata")
    ex = run(d, {})
    assert ex.error == "States.QueryEvaluationError"
    assert any(e["type"] == "EvaluationFailed" for e in ex.history)


# -- Wait -------------------------------------------------------------------------------------------------------

def test_wait_of_a_year_takes_no_real_time_but_moves_the_clock():
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    d = machine({"W": {"Type": "Wait", "Seconds": 364 * 86400, "End": True}})
    ex = run(d, {}, start_time=start)
    assert ex.status == "SUCCEEDED"
    assert ex.stop_date - ex.start_date == dt.timedelta(days=364)
    exited = [e for e in ex.history if e["type"] == "WaitStateExited"][0]
    assert exited["timestamp"] == dt.datetime(2024, 12, 30, tzinfo=dt.timezone.utc)


def test_an_execution_past_a_year_times_out():
    # A Standard execution lasts at most a year; past that AWS times it out as its own TimeoutSeconds would.
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    d = machine({"W": {"Type": "Wait", "Seconds": 366 * 86400, "End": True}})
    ex = run(d, {}, start_time=start)
    assert (ex.status, ex.error) == ("TIMED_OUT", "States.Timeout")
    assert ex.stop_date - ex.start_date == dt.timedelta(days=365)
    assert ex.history[-1]["type"] == "ExecutionTimedOut"


def test_wait_timestamp_path_and_seconds_path_errors():
    d = machine({"W": {"Type": "Wait", "TimestampPath": "$.at", "End": True}})
    ok = run(d, {"at": "2030-01-01T00:00:00+02:00"}, start_time=dt.datetime(2029, 12, 31, 20, 0))
    assert ok.stop_date == dt.datetime(2029, 12, 31, 22, 0, tzinfo=dt.timezone.utc)
    bad = run(d, {"at": "2030-01-01T00:00:00"})
    assert bad.error == "States.Runtime"
    assert "ISO-8601" in bad.cause
    d = machine({"W": {"Type": "Wait", "SecondsPath": "$.s", "End": True}})
    assert "negative" in run(d, {"s": -1}).cause
    assert "long value" in run(d, {"s": 1.5}).cause
    assert "long value" in run(d, {"s": 1.0}).cause
    assert run(d, {"s": 2}).status == "SUCCEEDED"


def test_wait_in_the_past_does_not_move_the_clock():
    d = machine({"W": {"Type": "Wait", "Timestamp": "2000-01-01T00:00:00Z", "End": True}})
    ex = run(d, {})
    assert ex.stop_date == ex.start_date


def test_execution_timeout_seconds_times_out_on_the_virtual_clock():
    d = machine({"W": {"Type": "Wait", "Seconds": 100, "End": True}}, TimeoutSeconds=10)
    ex = run(d, {})
    assert ex.status == "TIMED_OUT"
    assert ex.history[-1]["type"] == "ExecutionTimedOut"
    assert ex.stop_date - ex.start_date == dt.timedelta(seconds=10)


# -- Fail / Succeed ---------------------------------------------------------------------------------------------

def test_fail_paths_and_intrinsic_and_jsonata():
    d = machine({"F": {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "States.Format('bad {}', $.n)"}})
    ex = run(d, {"e": "Boom", "n": 3})
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "Boom", "bad 3")
    d = machine({"F": {"Type": "Fail", "Error": "{% 'E' & $states.input.n %}", "Cause": "c"}},
                QueryLanguage="JSONata")
    ex = run(d, {"n": 7})
    assert (ex.error, ex.cause) == ("E7", "c")
    ex = run(machine({"F": {"Type": "Fail"}}), {})
    assert (ex.status, ex.error, ex.cause) == ("FAILED", None, None)
    assert ex.history[-1] == {**ex.history[-1], "executionFailedEventDetails": {}}


def test_succeed_applies_input_and_output_path():
    ex = run(machine({"S": {"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}}), {"a": {"b": 1}})
    assert ex.output == 1


# -- Variables --------------------------------------------------------------------------------------------------

def test_assign_values_use_the_variables_from_before_the_state():
    d = machine({"A": {"Type": "Pass", "Assign": {"x": 1, "y": 2}, "Next": "B"},
                 "B": {"Type": "Pass", "Assign": {"x": "{% $y %}", "y": "{% $x %}"},
                       "Output": {"x": "{% $x %}"}, "Next": "C"},
                 "C": {"Type": "Pass", "Output": {"x": "{% $x %}", "y": "{% $y %}", "prev": "{% $states.input %}"},
                       "End": True}}, QueryLanguage="JSONata")
    ex = run(d, {})
    # Output of B saw x before B's Assign; B swapped x and y.
    assert ex.output == {"x": 2, "y": 1, "prev": {"x": 1}}


def test_jsonpath_assign_reads_the_result_and_variables():
    d = machine({"A": {"Type": "Pass", "Result": {"v": 5}, "Assign": {"got.$": "$.v"}, "Next": "B"},
                 "B": {"Type": "Pass", "Parameters": {"g.$": "$got"}, "End": True}})
    assert run(d, {}).output == {"g": 5}


def test_branch_variables_are_readable_but_assignments_stay_in_the_branch():
    d = machine({
        "A": {"Type": "Pass", "Assign": {"outer": "o", "n": 0}, "Next": "P"},
        "P": {"Type": "Parallel", "Branches": [
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"n": 1},
                                              "Output": {"seen": "{% $outer %}"}, "Next": "B2"},
                                        "B2": {"Type": "Pass", "Output": {"n": "{% $n %}"}, "End": True}}}],
              "Next": "Z"},
        "Z": {"Type": "Pass", "Output": {"n": "{% $n %}", "r": "{% $states.input %}"}, "End": True}},
        QueryLanguage="JSONata")
    # AWS rejects this definition (a branch assigning an outer variable); without validation the engine keeps the
    # branch's assignment to its own scope.
    with pytest.raises(DefinitionError):
        Executor(d)
    assert run(d, {}, validate=False).output == {"n": 0, "r": [{"n": 1}]}
    d["States"]["P"]["Branches"][0]["States"]["B"]["Assign"] = {"m": 1}
    d["States"]["P"]["Branches"][0]["States"]["B2"]["Output"] = {"m": "{% $m %}", "outer": "{% $outer %}"}
    assert run(d, {}).output == {"n": 0, "r": [{"m": 1, "outer": "o"}]}


def test_undefined_jsonata_value_fails_with_aws_cause():
    d = machine({"S": {"Type": "Pass", "Output": "{% $nope %}", "End": True}}, QueryLanguage="JSONata")
    ex = run(d, {})
    assert ex.error == "States.QueryEvaluationError"
    assert ex.cause == ("An error occurred while executing the state 'S' (entered at the event id #2). The JSONata "
                        "expression '$nope' specified for the field 'Output' returned nothing (undefined).")


# -- Context object ---------------------------------------------------------------------------------------------

def test_context_object_fields():
    start = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
    d = machine({"W": {"Type": "Wait", "Seconds": 5, "Next": "P"},
                 "P": {"Type": "Pass", "Parameters": {"ctx.$": "$$"}, "End": True}})
    ex = Executor(d, state_machine_arn="arn:aws:states:eu-west-1:1:stateMachine:sm").run({"k": 1}, name="run-7",
                                                                                        start_time=start)
    ctx = ex.output["ctx"]
    assert ctx["Execution"] == {"Id": "arn:aws:states:eu-west-1:1:execution:sm:run-7", "Input": {"k": 1},
                                "Name": "run-7", "RoleArn": ctx["Execution"]["RoleArn"],
                                "StartTime": "2024-05-01T12:00:00.000Z", "RedriveCount": 0}
    assert ctx["State"] == {"EnteredTime": "2024-05-01T12:00:05.000Z", "Name": "P"}
    assert ctx["StateMachine"] == {"Id": "arn:aws:states:eu-west-1:1:stateMachine:sm", "Name": "sm"}


# -- Validation -------------------------------------------------------------------------------------------------

def test_definition_with_ten_mistakes_lists_every_problem():
    states = {f"S{i}": {"Type": "Pass", "Next": f"Missing{i}"} for i in range(10)}
    with pytest.raises(DefinitionError) as info:
        Executor(machine(states, start="S0"))
    names = {f"Missing{i}" for i in range(10)}
    text = str(info.value)
    assert all(n in text for n in names)
    assert len(info.value.problems) >= 10


def test_validate_false_runs_without_the_validator():
    d = machine({"P": {"Type": "Pass", "End": True, "Bogus": 1}})
    with pytest.raises(DefinitionError):
        Executor(d)
    assert Executor(d, validate=False).run({}).status == "SUCCEEDED"


def test_unvalidated_broken_definition_fails_cleanly():
    d = machine({"A": {"Type": "Pass", "Next": "Nowhere"}})
    ex = run(d, {}, validate=False)
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert "'Nowhere'" in ex.cause


def test_executor_sort_with_a_comparator_is_stable():
    # F32: what `sorted(xs, key=...)` compiles to; JSONata 2.0.6 (AWS) keeps equal items in their order.
    ex = run(machine({"S": {"Type": "Pass", "End": True,
                            "Output": "{% $sort($states.input.xs, function($a, $b) { $a.v > $b.v }) %}"}},
                     QueryLanguage="JSONata"),
             {"xs": [{"v": 2, "n": "a"}, {"v": 1, "n": "b"}, {"v": 2, "n": "c"}, {"v": 1, "n": "d"}]})
    assert [x["n"] for x in ex.output] == ["b", "d", "a", "c"]
