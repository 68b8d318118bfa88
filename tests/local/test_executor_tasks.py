"""Task resources: Lambda (both forms), callbacks, child executions, mocked services."""
from __future__ import annotations

import json

import pytest

from pyawssfn.local import CallbackResult, Executor, MockFormatError, StatesError, load_mocks

FN = "arn:aws:lambda:us-east-1:123456789012:function:echo"
INVOKE = "arn:aws:states:::lambda:invoke"


def echo(event, context):
    return {"got": event, "fn": context.function_name}


def one(state):
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "End": True, **state}}}


def types(ex):
    return [e["type"] for e in ex.history]


def test_legacy_function_arn_returns_the_function_result():
    ex = Executor(one({"Resource": FN}), lambdas={FN: echo}).run({"a": 1})
    assert ex.output == {"got": {"a": 1}, "fn": "echo"}
    assert types(ex) == ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                         "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    assert ex.stats["lambda_invocations"] == 1


def test_lambda_invoke_has_aws_response_shape_and_handlers_by_name():
    d = one({"Resource": INVOKE, "Parameters": {"FunctionName": "echo", "Payload.$": "$"}})
    ex = Executor(d, lambdas={"echo": echo}).run({"a": 1})
    out = ex.output
    assert out["Payload"] == {"got": {"a": 1}, "fn": "echo"}
    assert out["StatusCode"] == 200 and out["ExecutedVersion"] == "$LATEST"
    meta = out["SdkHttpMetadata"]
    assert meta["HttpStatusCode"] == 200
    assert meta["HttpHeaders"]["Content-Length"] == str(len(json.dumps(out["Payload"])))
    assert out["SdkResponseMetadata"]["RequestId"] == meta["HttpHeaders"]["x-amzn-RequestId"]
    assert types(ex)[2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]
    scheduled = ex.history[2]["taskScheduledEventDetails"]
    assert (scheduled["resource"], scheduled["resourceType"]) == ("invoke", "lambda")


def test_lambda_invoke_jsonata_arguments_and_result():
    d = {"QueryLanguage": "JSONata", **one({"Resource": INVOKE, "Arguments": {
        "FunctionName": FN, "Payload": {"x": "{% $states.input.v + 1 %}"}},
        "Output": "{% $states.result.Payload.got %}"})}
    assert Executor(d, lambdas={FN: echo}).run({"v": 1}).output == {"x": 2}


def test_unknown_function_is_resource_not_found_as_on_aws():
    d = one({"Resource": INVOKE, "Parameters": {"FunctionName": "nope", "Payload": {}}})
    ex = Executor(d, lambdas={"echo": echo}).run({})
    assert ex.error == "Lambda.ResourceNotFoundException"
    assert ex.cause.startswith("Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST")


def test_handler_exception_becomes_lambda_error_with_python_runtime_cause():
    class QuotaError(Exception):
        pass

    def boom(event, context):
        raise QuotaError("over quota")
    ex = Executor(one({"Resource": FN}), lambdas={FN: boom}).run({})
    assert ex.error == "QuotaError"
    cause = json.loads(ex.cause)
    assert cause["errorMessage"] == "over quota"
    assert cause["stackTrace"] and "boom" in cause["stackTrace"][-1]


def test_bytes_result_is_the_raw_payload():
    ex = Executor(one({"Resource": FN}), lambdas={FN: lambda e, c: b'"HelloWorld!"'}).run({})
    assert ex.output == "HelloWorld!"


def test_event_passes_through_json():
    seen = []
    d = one({"Resource": FN, "Parameters": {"n": 2.0}})
    Executor(d, lambdas={FN: lambda e, c: seen.append(e) or 1}).run({})
    assert seen == [{"n": 2.0}] and isinstance(seen[0], dict)


# -- callbacks --------------------------------------------------------------------------------------------------

CALLBACK = one({"Resource": INVOKE + ".waitForTaskToken", "HeartbeatSeconds": 60, "TimeoutSeconds": 600,
                "Parameters": {"FunctionName": "echo", "Payload": {"token.$": "$$.Task.Token", "v.$": "$.v"}}})


def test_wait_for_task_token_completes_through_callbacks():
    calls = []

    def callbacks(token, payload, resource):
        calls.append((token, payload, resource))
        assert payload["token"] == token
        return CallbackResult.success({"done": payload["v"]}, after_seconds=30)
    ex = Executor(CALLBACK, lambdas={"echo": echo}, callbacks=callbacks).run({"v": 7})
    assert ex.status == "SUCCEEDED" and ex.output == {"done": 7}
    assert len(calls) == 1 and calls[0][2].endswith(".waitForTaskToken")
    assert "TaskSubmitted" in types(ex)
    assert (ex.stop_date - ex.start_date).total_seconds() == 30


def test_callback_failure_and_heartbeat_timeout_and_timeout():
    def fail(token, payload, resource):
        return CallbackResult.failure("Rejected", "no")
    ex = Executor(CALLBACK, lambdas={"echo": echo}, callbacks=fail).run({"v": 1})
    assert (ex.error, ex.cause) == ("Rejected", "no")

    def late(token, payload, resource):
        return CallbackResult.success(1, after_seconds=100)  # no heartbeat within 60 s
    ex = Executor(CALLBACK, lambdas={"echo": echo}, callbacks=late).run({"v": 1})
    assert ex.error == "States.HeartbeatTimeout"
    assert (ex.stop_date - ex.start_date).total_seconds() == 60

    def beating(token, payload, resource):
        return CallbackResult.heartbeat_then([50, 100], CallbackResult.success("ok", after_seconds=150))
    ex = Executor(CALLBACK, lambdas={"echo": echo}, callbacks=beating).run({"v": 1})
    assert ex.output == "ok"

    def never(token, payload, resource):
        return None
    ex = Executor(CALLBACK, lambdas={"echo": echo}, callbacks=never).run({"v": 1})
    assert ex.error == "States.HeartbeatTimeout"
    d = json.loads(json.dumps(CALLBACK))
    del d["States"]["T"]["HeartbeatSeconds"]
    ex = Executor(d, lambdas={"echo": echo}, callbacks=never).run({"v": 1})
    assert ex.error == "States.Timeout" and (ex.stop_date - ex.start_date).total_seconds() == 600


def test_wait_for_task_token_without_callbacks_is_a_clear_error():
    ex = Executor(CALLBACK, lambdas={"echo": echo}).run({"v": 1})
    assert ex.status == "FAILED" and ex.error == "Local.UnservedResource"
    assert "callbacks" in ex.cause and "'T'" in ex.cause


# -- child executions -------------------------------------------------------------------------------------------

CHILD_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:child"
CHILD = {"StartAt": "C", "States": {"C": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"},
                                          "End": True}}}


@pytest.mark.parametrize("suffix, as_json", [(".sync:2", True), (".sync", False)])
def test_start_execution_sync_runs_the_registered_child(suffix, as_json):
    d = one({"Resource": "arn:aws:states:::states:startExecution" + suffix,
             "Parameters": {"StateMachineArn": CHILD_ARN, "Input": {"n.$": "$.n"}}})
    ex = Executor(d, state_machines={CHILD_ARN: CHILD}).run({"n": 4})
    assert ex.status == "SUCCEEDED"
    out = ex.output
    assert out["Status"] == "SUCCEEDED"
    assert out["Output"] == ({"doubled": 8} if as_json else '{"doubled":8}')
    assert out["Input"] == ({"n": 4} if as_json else '{"n":4}')
    assert out["ExecutionArn"].startswith("arn:aws:states:us-east-1:123456789012:execution:child:")


def test_failed_child_fails_the_task_and_unregistered_child_is_a_clear_error():
    failing = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "ChildBroke", "Cause": "x"}}}
    d = one({"Resource": "arn:aws:states:::states:startExecution.sync:2",
             "Parameters": {"StateMachineArn": CHILD_ARN, "Input": {}}})
    ex = Executor(d, state_machines={CHILD_ARN: failing}).run({})
    assert ex.error == "States.TaskFailed"
    assert json.loads(ex.cause)["Error"] == "ChildBroke"
    ex = Executor(d).run({})
    assert ex.error == "Local.UnservedResource" and CHILD_ARN in ex.cause


# -- mocks ------------------------------------------------------------------------------------------------------

DDB = "arn:aws:states:::dynamodb:getItem"


def test_mocks_return_in_order_last_repeats_and_throw_is_retryable():
    d = one({"Resource": DDB, "Parameters": {"TableName": "t"},
             "Retry": [{"ErrorEquals": ["DynamoDB.ProvisionedThroughputExceededException"], "MaxAttempts": 3}]})
    mocks = {DDB: [{"Throw": {"Error": "DynamoDB.ProvisionedThroughputExceededException", "Cause": "slow"}},
                   {"Return": {"Item": {"id": {"S": "1"}}}}]}
    ex = Executor(d, mocks=mocks).run({})
    assert ex.output == {"Item": {"id": {"S": "1"}}}
    assert types(ex).count("TaskFailed") == 1


def test_state_name_key_wins_and_callable_mocks():
    d = {"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": DDB, "Parameters": {}, "ResultPath": "$.a", "Next": "B"},
        "B": {"Type": "Task", "Resource": DDB, "Parameters": {"k": 1}, "ResultPath": "$.b", "End": True}}}
    ex = Executor(d, mocks={"B": {"Return": "by-name"}, DDB: {"Return": "by-arn"}}).run({})
    assert ex.output == {"a": "by-arn", "b": "by-name"}

    def serve(resource, arguments, state):
        if state == "B":
            raise StatesError("Custom", "from callable")
        return {"r": resource, "args": arguments}
    ex = Executor(d, mocks=serve).run({})
    assert (ex.error, ex.cause) == ("Custom", "from callable")


def test_unmocked_service_task_fails_naming_state_resource_and_fix():
    ex = Executor(one({"Resource": "arn:aws:states:::sns:publish", "Parameters": {"Message": "m"}})).run({})
    assert ex.status == "FAILED" and ex.error == "Local.UnservedResource"
    assert "'T'" in ex.cause and "arn:aws:states:::sns:publish" in ex.cause and "mocks" in ex.cause


def test_unserved_resource_is_not_hidden_by_catch_all():
    d = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                                          "Parameters": {}, "Next": "X",
                                          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "X"}]},
                                    "X": {"Type": "Succeed"}}}
    assert Executor(d).run({}).error == "Local.UnservedResource"


def test_mocks_file_format_errors(tmp_path):
    p = tmp_path / "m.json"
    p.write_text(json.dumps({DDB: [{"Return": 1}, {"Throw": {"Error": "E"}}]}))
    assert load_mocks(p)[DDB][1]["Throw"]["Error"] == "E"
    for bad in ([1], {DDB: {"Return": 1, "Throw": {"Error": "E"}}}, {DDB: {"Throw": {"Cause": "c"}}}, {DDB: []},
                {DDB: {"Return": 1, "DelaySeconds": -1}}):
        p.write_text(json.dumps(bad))
        with pytest.raises(MockFormatError):
            load_mocks(p)
    p.write_text("{not json")
    with pytest.raises(MockFormatError, match="not valid JSON"):
        load_mocks(p)


def test_mock_delay_can_trip_timeout():
    d = one({"Resource": DDB, "Parameters": {}, "TimeoutSeconds": 3})
    ex = Executor(d, mocks={DDB: {"Return": 1, "DelaySeconds": 10}}).run({})
    assert ex.error == "States.Timeout" and "TaskTimedOut" in types(ex)


def test_sys_exit_in_a_handler_is_a_runtime_exit_error():
    import sys

    ex = Executor(one({"Resource": FN}), lambdas={FN: lambda e, c: sys.exit(3)}).run({})
    assert ex.error == "Runtime.ExitError"
    assert "exit status 3" in json.loads(ex.cause)["errorMessage"]


def test_without_callbacks_a_mock_answers_the_task_token():
    d = one({"Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "TimeoutSeconds": 100,
             "Parameters": {"MessageBody": {"token.$": "$$.Task.Token"}}})
    ok = Executor(d, mocks={"T": {"Return": {"approved": True}, "DelaySeconds": 30}}).run({})
    assert ok.output == {"approved": True}
    assert (ok.stop_date - ok.start_date).total_seconds() == 30
    assert "TaskSubmitted" in types(ok)
    rejected = Executor(d, mocks={"T": {"Throw": {"Error": "Rejected", "Cause": "no"}}}).run({})
    assert (rejected.error, rejected.cause) == ("Rejected", "no")
    late = Executor(d, mocks={"T": {"Return": 1, "DelaySeconds": 500}}).run({})
    assert late.error == "States.Timeout"


@pytest.mark.parametrize("value,ok", [("{% 30 %}", True), ("{% 30.0 %}", True), ("{% 2.5 %}", False),
                                      ("{% 0 %}", False), ('{% "30" %}', False), ("{% true %}", False)])
def test_a_jsonata_timeout_must_resolve_to_a_positive_integer(value, ok):
    # AWS: "The JSONata expression value must be a positive integer"; anything else fails the execution.
    d = {"QueryLanguage": "JSONata", **one({"Resource": INVOKE, "TimeoutSeconds": value,
                                            "Arguments": {"FunctionName": "echo", "Payload": {}}})}
    ex = Executor(d, lambdas={"echo": echo}).run({})
    if ok:
        assert ex.status == "SUCCEEDED"
    else:
        assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
        assert "TimeoutSeconds value must be a positive integer" in ex.cause
