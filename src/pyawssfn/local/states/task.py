"""Task: Lambda functions (legacy function ARN and lambda:invoke), callbacks (.waitForTaskToken), child executions
(states:startExecution[.sync[:2]]) and mocked service integrations, with TimeoutSeconds/HeartbeatSeconds."""
from __future__ import annotations

import email.utils
import json

from pyawssfn.local import dataflow, lambdas, retry
from pyawssfn.local.callbacks import first_timeout
from pyawssfn.local.errors import StatesError
from pyawssfn.local.executor import with_error_handling
from pyawssfn.local.limits import check_payload, dumps

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
START_EXECUTION = "arn:aws:states:::states:startExecution"
_NO_TIMEOUT = 99999999  # AWS's default for a task without TimeoutSeconds


def _split_resource(resource: str):
    """'arn:aws:states:::aws-sdk:s3:getObject.waitForTaskToken' -> ('aws-sdk:s3', 'getObject.waitForTaskToken')."""
    if resource.startswith("arn:") and ":::" in resource:
        rest = resource.split(":::", 1)[1]
        kind, _, action = rest.rpartition(":")
        return kind, action
    return "", resource


def _int_field(sx, value, field, jsonata_field):
    if isinstance(value, str) and sx.jsonata:
        value = dataflow.jsonata_field(sx, jsonata_field, value, dataflow.states_var(sx, input=sx.input))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 or value != int(value):
        raise sx.runtime_error(f"The {field} value must be a positive integer, but was: {dumps(value)}")
    return value


def _timeouts(sx, effective):
    state = sx.state
    timeout = heartbeat = None
    if "TimeoutSeconds" in state:
        timeout = _int_field(sx, state["TimeoutSeconds"], "TimeoutSeconds", "TimeoutSeconds")
    elif "TimeoutSecondsPath" in state:
        timeout = _int_field(sx, dataflow.get_path(sx, effective, state["TimeoutSecondsPath"]),
                             "TimeoutSecondsPath", "TimeoutSecondsPath")
    if "HeartbeatSeconds" in state:
        heartbeat = _int_field(sx, state["HeartbeatSeconds"], "HeartbeatSeconds", "HeartbeatSeconds")
    elif "HeartbeatSecondsPath" in state:
        heartbeat = _int_field(sx, dataflow.get_path(sx, effective, state["HeartbeatSecondsPath"]),
                               "HeartbeatSecondsPath", "HeartbeatSecondsPath")
    return timeout, heartbeat


def execute(sx):
    return with_error_handling(sx, lambda: _attempt(sx))


def _attempt(sx):
    state = sx.state
    resource = state.get("Resource", "")
    if sx.jsonata and isinstance(resource, str) and "{%" in resource:
        resource = dataflow.jsonata_field(sx, "Resource", resource, dataflow.states_var(sx, input=sx.input))
    if resource.endswith(".waitForTaskToken"):
        sx.task_token = _token(sx)
    if sx.jsonata:
        states = dataflow.states_var(sx, input=sx.input)
        if "Arguments" in state:
            arguments = dataflow.jsonata_field(sx, "Arguments", state["Arguments"], states)
        else:
            arguments = sx.input
        effective = sx.input
    else:
        effective = dataflow.input_path(sx, sx.input)
        if "Parameters" in state:
            arguments = dataflow.payload_template(sx, state["Parameters"], effective, "Parameters")
        else:
            arguments = effective
    check_payload(dumps(arguments), sx.name)  # AWS: the input after Parameters is held to the quota too
    timeout, heartbeat = _timeouts(sx, effective)
    result = _call(sx, resource, arguments, timeout, heartbeat)
    if sx.jsonata:
        out = dataflow.jsonata_result(sx, result)
    else:
        out = dataflow.jsonpath_result(sx, sx.input, result)
    return sx.exit(out, sx.next_of())


def _token(sx) -> str:
    run = sx.run
    return f"AQC{run.new_uuid().replace('-', '')}{run.new_uuid().replace('-', '')}"


def _call(sx, resource, arguments, timeout, heartbeat):
    run = sx.run
    if run.mocks.serves(sx.name, resource):
        return _mocked(sx, resource, arguments, timeout, heartbeat)
    if resource.startswith("arn:aws:lambda:") or (resource.startswith("arn:aws-") and ":lambda:" in resource):
        return _legacy_lambda(sx, resource, arguments, timeout)
    if resource.startswith(LAMBDA_INVOKE):
        return _service_lambda(sx, resource, arguments, timeout, heartbeat)
    if resource.startswith(START_EXECUTION):
        return _child_execution(sx, resource, arguments, timeout, heartbeat)
    raise _unserved(sx, resource)


def _unserved(sx, resource) -> StatesError:
    return StatesError(retry.UNSERVED, (
        f"State '{sx.name}' calls {resource}, which nothing serves locally. Serve it with a mock: add "
        f"\"{resource}\" (or the state name \"{sx.name}\") to the mocks file "
        f"(pyawssfn exec --mocks FILE, or Executor(mocks={{...}})) with a list of "
        f"{{\"Return\": value}} or {{\"Throw\": {{\"Error\": ..., \"Cause\": ...}}}} responses."))


# -- events --------------------------------------------------------------------------------------------------------

def _scheduled(sx, kind, action, arguments, timeout, heartbeat):
    details = {"parameters": dumps(arguments), "region": sx.run.executor.region, "resource": action,
               "resourceType": kind}
    if timeout is not None:
        details["timeoutInSeconds"] = timeout
    if heartbeat is not None:
        details["heartbeatInSeconds"] = heartbeat
    h = sx.run.history
    h.add("TaskScheduled", details)
    h.add("TaskStarted", {"resource": action, "resourceType": kind})


def _task_failed(sx, kind, action, error, cause):
    details = {}
    if cause is not None:
        details["cause"] = cause
    if error is not None:
        details["error"] = error
    details.update(resource=action, resourceType=kind)
    sx.run.history.add("TaskFailed", details)
    return StatesError(error, cause)


def _task_timed_out(sx, kind, action, error):
    sx.run.history.add("TaskTimedOut", {"error": error, "resource": action, "resourceType": kind})
    return StatesError(error, None)


def _task_succeeded(sx, kind, action, result):
    text = dumps(result)
    sx.run.history.add("TaskSucceeded", {"output": text, "outputDetails": {"truncated": False},
                                         "resource": action, "resourceType": kind})
    return result


def _await_callback(sx, kind, action, payload, resource, timeout, heartbeat):
    """Wait (virtually) for SendTaskSuccess/Failure on the task token; returns the output or raises."""
    run = sx.run
    callbacks = run.executor.callbacks
    if callbacks is None:
        raise StatesError(retry.UNSERVED, (
            f"State '{sx.name}' waits for a task token ({resource}) but nothing answers it: pass "
            f"Executor(callbacks=fn) where fn(token, payload, resource) returns a CallbackResult, or mock the state "
            f"(mocks {{\"{sx.name}\": {{\"Return\": output}}}}: the mock's answer is what SendTaskSuccess sends)."))
    result = callbacks(sx.task_token, payload, resource)
    limit = timeout if timeout is not None else _NO_TIMEOUT
    fired = first_timeout(result, limit, heartbeat)
    if fired is not None:
        seconds, error = fired
        run.sleep(seconds)
        raise _task_timed_out(sx, kind, action, error)
    run.sleep(result.after_seconds)
    if result.failed:
        raise _task_failed(sx, kind, action, result.error, result.cause)
    output = json.loads(json.dumps(result.output))
    return _task_succeeded(sx, kind, action, output)


# -- Lambda --------------------------------------------------------------------------------------------------------

def _invoke(sx, function, event, timeout):
    run = sx.run
    handler = run.executor.lambdas.find(function)
    request_id = run.new_uuid()
    if handler is None:
        return None, request_id
    run.stats["lambda_invocations"] += 1
    name = lambdas.function_name_of(function)
    arn = lambdas.function_arn(function, run.executor.region, run.executor.account)
    inv = lambdas.invoke(handler, event, function_name=name, arn=arn, request_id=request_id, timeout=timeout)
    run.sleep(inv.elapsed)
    return inv, request_id


def _legacy_lambda(sx, resource, arguments, timeout):
    run = sx.run
    h = run.history
    details = {"input": dumps(arguments), "inputDetails": {"truncated": False}, "resource": resource}
    if timeout is not None:
        details["timeoutInSeconds"] = timeout
    h.add("LambdaFunctionScheduled", details)
    h.add("LambdaFunctionStarted")
    inv, request_id = _invoke(sx, resource, arguments, timeout)
    if inv is None:
        exc = lambdas.not_found(resource, run.executor.region, run.executor.account, request_id)
        h.add("LambdaFunctionFailed", {"cause": exc.cause, "error": exc.error})
        raise exc
    if inv.timed_out:
        h.add("LambdaFunctionTimedOut", {"error": "States.Timeout"})
        raise StatesError("States.Timeout", None)
    if inv.error is not None:
        h.add("LambdaFunctionFailed", {"cause": inv.cause, "error": inv.error})
        raise StatesError(inv.error, inv.cause)
    try:
        check_payload(inv.payload_text, resource)
    except StatesError as exc:
        h.add("LambdaFunctionFailed", {"cause": exc.cause, "error": exc.error})
        raise
    result = lambdas.parse_payload(inv.payload_text)
    h.add("LambdaFunctionSucceeded", {"output": dumps(result), "outputDetails": {"truncated": False}})
    return result


def _service_lambda(sx, resource, arguments, timeout, heartbeat):
    run = sx.run
    kind, action = "lambda", resource[len("arn:aws:states:::lambda:"):]
    _scheduled(sx, kind, action, arguments, timeout, heartbeat)
    if not isinstance(arguments, dict) or not isinstance(arguments.get("FunctionName"), str):
        raise _task_failed(sx, kind, action, "Lambda.InvalidParameterValueException",
                           "The lambda:invoke arguments need a \"FunctionName\" string.")
    function = arguments["FunctionName"]
    payload = arguments.get("Payload")
    if isinstance(payload, str) and not action.endswith(".waitForTaskToken"):
        event = lambdas.parse_payload(payload)
    else:
        event = payload
    if event is None:
        event = {}
    inv, request_id = _invoke(sx, function, event, timeout)
    if inv is None:
        exc = lambdas.not_found(function, run.executor.region, run.executor.account, request_id)
        raise _task_failed(sx, kind, action, exc.error, exc.cause)
    if inv.timed_out:
        raise _task_timed_out(sx, kind, action, "States.Timeout")
    if inv.error is not None:
        raise _task_failed(sx, kind, action, inv.error, inv.cause)
    try:
        check_payload(inv.payload_text, kind)
    except StatesError as exc:
        raise _task_failed(sx, kind, action, exc.error, exc.cause) from None
    payload_value = lambdas.parse_payload(inv.payload_text)
    date = email.utils.format_datetime(run.clock.now(), usegmt=True)
    trace = f"Root=1-{run.new_uuid().replace('-', '')[:8]}-{run.new_uuid().replace('-', '')[:24]};Sampled=0"
    response = lambdas.invoke_response(payload_value, inv.payload_text, request_id, date, trace,
                                       arguments.get("LogType") == "Tail")
    if action.endswith(".waitForTaskToken"):
        sx.run.history.add("TaskSubmitted", {"output": dumps(response), "outputDetails": {"truncated": False},
                                             "resource": action, "resourceType": kind})
        return _await_callback(sx, kind, action, event, resource, timeout, heartbeat)
    return _task_succeeded(sx, kind, action, response)


# -- mocked services -----------------------------------------------------------------------------------------------

def _mocked(sx, resource, arguments, timeout, heartbeat):
    run = sx.run
    kind, action = _split_resource(resource)
    if not kind:
        kind, action = "lambda", resource
    _scheduled(sx, kind, action, arguments, timeout, heartbeat)
    # Without callbacks, the mock of a .waitForTaskToken task stands for the answer to the token: Return is what
    # SendTaskSuccess sends, Throw what SendTaskFailure sends, DelaySeconds when it arrives (no heartbeats).
    answers_token = resource.endswith(".waitForTaskToken") and run.executor.callbacks is None
    if answers_token:
        run.history.add("TaskSubmitted", {"output": "{}", "outputDetails": {"truncated": False},
                                          "resource": action, "resourceType": kind})
    try:
        value, delay = run.mocks.call(sx.name, resource, arguments)
    except StatesError as exc:
        raise _task_failed(sx, kind, action, exc.error, exc.cause) from None
    limit = timeout if timeout is not None else (_NO_TIMEOUT if answers_token else None)
    if limit is not None and delay >= limit:
        run.sleep(limit)
        raise _task_timed_out(sx, kind, action, "States.Timeout")
    if heartbeat is not None and delay > heartbeat and (answers_token or not resource.endswith(".waitForTaskToken")):
        run.sleep(heartbeat)
        raise _task_timed_out(sx, kind, action, "States.HeartbeatTimeout")
    run.sleep(delay)
    try:
        value = json.loads(json.dumps(value))
    except (TypeError, ValueError) as exc:
        raise _task_failed(sx, kind, action, "States.Runtime", f"The mock for '{resource}' returned a value JSON "
                           f"cannot hold: {exc}") from None
    if resource.endswith(".waitForTaskToken") and not answers_token:
        run.history.add("TaskSubmitted", {"output": dumps(value), "outputDetails": {"truncated": False},
                                          "resource": action, "resourceType": kind})
        return _await_callback(sx, kind, action, arguments, resource, timeout, heartbeat)
    try:
        check_payload(dumps(value), kind)
    except StatesError as exc:
        raise _task_failed(sx, kind, action, exc.error, exc.cause) from None
    return _task_succeeded(sx, kind, action, value)


# -- child executions ----------------------------------------------------------------------------------------------

def _epoch_ms(moment) -> int:
    return int(moment.timestamp() * 1000)


def _child_execution(sx, resource, arguments, timeout, heartbeat):
    run = sx.run
    kind, action = "states", resource[len("arn:aws:states:::states:"):]
    _scheduled(sx, kind, action, arguments, timeout, heartbeat)
    execution = _run_child_execution(sx, kind, action, arguments)
    arn = arguments["StateMachineArn"]
    started = _start_response(sx, execution)
    if action == "startExecution":
        return _task_succeeded(sx, kind, action, started)
    run.history.add("TaskSubmitted", {"output": dumps(started), "outputDetails": {"truncated": False},
                                      "resource": action, "resourceType": kind})
    describe = _describe_execution(execution, arn, as_json=action.endswith(":2"))
    if execution.status == "SUCCEEDED":
        return _task_succeeded(sx, kind, action, describe)
    error = {"FAILED": "States.TaskFailed", "TIMED_OUT": "States.TaskFailed"}.get(execution.status,
                                                                                 "States.TaskFailed")
    raise _task_failed(sx, kind, action, error, dumps(describe))


def _java_epoch_seconds(ms: int) -> str:
    """The StartExecution body's startDate as AWS's Java SDK writes a double: 1733230537123 ms -> '1.733230537123E9'."""
    digits = str(ms).rstrip("0") or "0"
    return f"{digits[0]}.{digits[1:] or '0'}E{len(str(ms)) - 4}"


def _start_response(sx, execution) -> dict:
    """StartExecution's answer as the states integration hands it on: with the SDK's HTTP metadata, as AWS does."""
    run = sx.run
    start_ms = _epoch_ms(execution.start_date)
    body = f'{{"executionArn":"{execution.execution_arn}","startDate":{_java_epoch_seconds(start_ms)}}}'
    request_id = run.new_uuid()
    headers = {"Content-Length": str(len(body)), "Content-Type": "application/x-amz-json-1.0",
               "Date": email.utils.format_datetime(run.clock.now(), usegmt=True), "connection": "keep-alive",
               "x-amzn-RequestId": request_id}
    return {"ExecutionArn": execution.execution_arn,
            "SdkHttpMetadata": {"AllHttpHeaders": {k: [v] for k, v in headers.items()}, "HttpHeaders": headers,
                                "HttpStatusCode": 200},
            "SdkResponseMetadata": {"RequestId": request_id}, "StartDate": start_ms}


def _run_child_execution(sx, kind, action, arguments):
    """The execution a startExecution task starts, run to its end with the parent's clock, mocks and handlers."""
    from pyawssfn.local.executor import Executor

    run = sx.run
    if not isinstance(arguments, dict) or not isinstance(arguments.get("StateMachineArn"), str):
        raise _task_failed(sx, kind, action, "States.Runtime",
                           "states:startExecution needs a \"StateMachineArn\" string argument.")
    arn = arguments["StateMachineArn"]
    definition = run.executor.state_machines.get(arn)
    if definition is None:
        raise StatesError(retry.UNSERVED, (
            f"State '{sx.name}' starts an execution of {arn}, which is not registered locally: pass "
            f"Executor(state_machines={{\"{arn}\": definition}})."))
    child_input = arguments.get("Input", {})
    if isinstance(child_input, str):
        try:
            child_input = json.loads(child_input)
        except ValueError:
            raise _task_failed(sx, kind, action, "StepFunctions.InvalidExecutionInputException",
                               "Invalid State Machine Execution Input: the Input string is not JSON.") from None
    if run.depth >= 20:
        raise StatesError("States.Runtime", "Child executions nest more than 20 deep.")
    name = arguments.get("Name") or run.new_uuid()
    parent = run.executor
    child = Executor(definition, lambdas=None, mocks=parent.mocks_spec, state_machines=parent.state_machines,
                     callbacks=parent.callbacks, seed=parent.seed, validate=parent.validate, state_machine_arn=arn,
                     role_arn=parent.role_arn, region=parent.region, account=parent.account,
                     history_limit=parent.history_limit)
    child.lambdas = parent.lambdas
    execution = child.run(child_input, name=name, _parent=run)
    run.stats["lambda_invocations"] += execution.stats["lambda_invocations"]
    run.children.append(execution)
    return execution


def _describe_execution(execution, arn: str, as_json: bool) -> dict:
    """DescribeExecution's answer, as the .sync integrations return it (keys sorted; :2 keeps JSON as JSON)."""
    describe = {
        "ExecutionArn": execution.execution_arn,
        "Input": execution.input if as_json else dumps(execution.input),
        "InputDetails": {"Included": True},
        "Name": execution.name,
        "RedriveCount": 0,
        "RedriveStatus": "NOT_REDRIVABLE",
        "StartDate": _epoch_ms(execution.start_date),
        "StateMachineArn": arn,
        "Status": execution.status,
        "StopDate": _epoch_ms(execution.stop_date),
    }
    if execution.status == "SUCCEEDED":
        describe["Output"] = execution.output if as_json else dumps(execution.output)
        describe["OutputDetails"] = {"Included": True}
        describe["RedriveStatusReason"] = "Execution is SUCCEEDED and cannot be redriven"
    else:
        if execution.error is not None:
            describe["Error"] = execution.error
        if execution.cause is not None:
            describe["Cause"] = execution.cause
    return dict(sorted(describe.items()))
