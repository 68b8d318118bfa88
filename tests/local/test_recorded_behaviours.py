"""Behaviours of AWS Step Functions seen in recorded executions, each stated in a small definition of our own."""
from __future__ import annotations

import datetime as dt

from pyawssfn.local import Executor

START = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)


def run(definition, value=None, **kwargs):
    return Executor(definition, start_time=START, **kwargs).run(value)


def machine(states, **top):
    return {"StartAt": next(iter(states)), "States": states, **top}


def _at(days: int) -> str:
    return (START + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


# -- Wait ----------------------------------------------------------------------------------------------------------

def test_a_timestamp_wait_more_than_2_to_the_31_seconds_ahead_fails_as_too_long():
    d = machine({"W": {"Type": "Wait", "TimestampPath": "$.at", "End": True}}, TimeoutSeconds=1)
    ok = run(d, {"at": _at(24855)})  # within the int range: AWS waits (here: until the execution's timeout)
    assert ok.status == "TIMED_OUT"
    ex = run(d, {"at": _at(24856)})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert ex.cause == ("An error occurred while executing the state 'W' (entered at the event id #2). "
                        "Wait state delay is too long.")


def test_a_jsonata_timestamp_string_that_does_not_parse_is_named_unquoted():
    d = machine({"W": {"Type": "Wait", "Timestamp": "{% $states.input.t %}", "End": True}}, QueryLanguage="JSONata")
    ex = run(d, {"t": "2016-12-05 21:29:29Z"})
    assert (ex.status, ex.error) == ("FAILED", "States.QueryEvaluationError")
    assert ex.cause == ("An error occurred while executing the state 'W' (entered at the event id #2). The Timestamp "
                        "field cannot be parsed as an ISO-8601 extended offset date-time format string: "
                        "2016-12-05 21:29:29Z")


# -- states:startExecution -------------------------------------------------------------------------------------------

def test_start_execution_answers_with_the_sdk_http_metadata():
    child = machine({"C": {"Type": "Pass", "End": True}})
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:child"
    d = machine({"S": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
                       "Parameters": {"StateMachineArn": arn, "Name": "Run1"}, "End": True}})
    ex = run(d, {}, state_machines={arn: child})
    assert ex.status == "SUCCEEDED"
    out = ex.output
    assert sorted(out) == ["ExecutionArn", "SdkHttpMetadata", "SdkResponseMetadata", "StartDate"]
    assert out["ExecutionArn"] == "arn:aws:states:us-east-1:123456789012:execution:child:Run1"
    body = f'{{"executionArn":"{out["ExecutionArn"]}","startDate":1.7356896E9}}'  # 2025-01-01T00:00:00Z
    headers = out["SdkHttpMetadata"]["HttpHeaders"]
    assert headers["Content-Length"] == str(len(body))
    assert headers["Content-Type"] == "application/x-amz-json-1.0" and headers["connection"] == "keep-alive"
    assert out["SdkHttpMetadata"]["AllHttpHeaders"] == {k: [v] for k, v in headers.items()}
    assert out["SdkResponseMetadata"]["RequestId"] == headers["x-amzn-RequestId"]


# -- EvaluationFailed's place in the history -----------------------------------------------------------------------

def _links(ex):
    return [(e["id"], e["previousEventId"], e["type"]) for e in ex.history]


def test_evaluation_failed_links_to_the_event_before_the_state_entered():
    d = machine({"A": {"Type": "Pass", "Next": "B"},
                 "B": {"Type": "Pass", "Output": {"r": "{% $missing %}"}, "End": True}}, QueryLanguage="JSONata")
    assert _links(run(d, {})) == [(1, 0, "ExecutionStarted"), (2, 0, "PassStateEntered"), (3, 2, "PassStateExited"),
                                  (4, 3, "PassStateEntered"), (5, 3, "EvaluationFailed"), (6, 5, "ExecutionFailed")]


def test_a_wait_states_evaluation_failed_links_to_its_entered_event():
    d = machine({"W": {"Type": "Wait", "Timestamp": "{% $states.input.t %}", "End": True}}, QueryLanguage="JSONata")
    assert _links(run(d, {"t": "nope"})) == [(1, 0, "ExecutionStarted"), (2, 0, "WaitStateEntered"),
                                             (3, 2, "EvaluationFailed"), (4, 3, "ExecutionFailed")]


# -- Parallel: a failing branch's Task is aborted ------------------------------------------------------------------

def _boom(event, context):
    raise ValueError("no")


def test_a_task_whose_error_ends_a_parallel_branch_is_recorded_aborted():
    fn = "arn:aws:lambda:us-east-1:123456789012:function:boom"
    d = machine({"P": {"Type": "Parallel", "End": True, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}],
                       "Branches": [{"StartAt": "T", "States": {"T": {
                           "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                           "Parameters": {"FunctionName": fn}, "End": True}}}]},
                 "F": {"Type": "Pass", "End": True}})
    ex = run(d, {}, lambdas={fn: _boom})
    assert ex.status == "SUCCEEDED"
    assert [(e["id"], e["previousEventId"], e["type"]) for e in ex.history][3:10] == [
        (4, 3, "TaskStateEntered"), (5, 4, "TaskScheduled"), (6, 5, "TaskStarted"), (7, 6, "TaskFailed"),
        (8, 7, "TaskStateAborted"), (9, 7, "ParallelStateFailed"), (10, 9, "ParallelStateExited")]


def test_a_fail_state_ending_a_parallel_branch_is_not_aborted():
    d = machine({"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "X", "States": {"X": {"Type": "Fail", "Error": "E"}}}]}})
    assert [e["type"] for e in run(d, {}).history] == [
        "ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted", "FailStateEntered", "ParallelStateFailed",
        "ExecutionFailed"]


# -- Express executions --------------------------------------------------------------------------------------------

def test_an_express_execution_has_an_express_arn_and_no_redrive_count():
    d = machine({"P": {"Type": "Pass", "Parameters": {"e.$": "$$.Execution"}, "End": True}})
    sm = "arn:aws:states:us-east-1:123456789012:stateMachine:fast"
    ex = Executor(d, start_time=START, machine_type="EXPRESS", state_machine_arn=sm).run({}, name="run1")
    e = ex.output["e"]
    assert "RedriveCount" not in e
    prefix = "arn:aws:states:us-east-1:123456789012:express:fast:run1:"
    assert e["Id"].startswith(prefix) and len(e["Id"]) == len(prefix) + 36
    assert ex.execution_arn == e["Id"]
    standard = Executor(d, start_time=START, state_machine_arn=sm).run({}, name="run1").output["e"]
    assert standard["Id"] == "arn:aws:states:us-east-1:123456789012:execution:fast:run1"
    assert standard["RedriveCount"] == 0


def test_start_execution_sync_describes_a_succeeded_child_as_not_redrivable_with_the_reason():
    child = machine({"C": {"Type": "Pass", "Result": 1, "End": True}})
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:child"
    d = machine({"S": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                       "Parameters": {"StateMachineArn": arn, "Name": "Run1"}, "End": True}})
    out = run(d, {}, state_machines={arn: child}).output
    assert (out["Status"], out["Output"], out["RedriveCount"], out["RedriveStatus"], out["RedriveStatusReason"]) == (
        "SUCCEEDED", 1, 0, "NOT_REDRIVABLE", "Execution is SUCCEEDED and cannot be redriven")
