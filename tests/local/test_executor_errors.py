"""Retry, Catch, timeouts, payload and history limits: errors as AWS reports them."""
from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from hypothesis import given, settings, strategies as st

from pyawssfn.local import Executor
from pyawssfn.local.retry import delay_seconds, matches

FN = "arn:aws:lambda:us-east-1:123456789012:function:work"


class Flaky:
    """Fails with the given exception classes in order, then returns its event."""

    def __init__(self, *errors):
        self.errors = list(errors)
        self.calls = 0

    def __call__(self, event, context):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)("try again")
        return event


class Transient(Exception):
    pass


class Permanent(Exception):
    pass


def task(**extra):
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FN, "End": True, **extra}}}


def scheduled_times(ex):
    return [e["timestamp"] for e in ex.history if e["type"] == "LambdaFunctionScheduled"]


def test_retry_backoff_on_the_virtual_clock_and_retry_count_in_stats():
    fn = Flaky(Transient, Transient, Transient)
    ex = Executor(task(Retry=[{"ErrorEquals": ["Transient"], "IntervalSeconds": 2, "BackoffRate": 3,
                               "MaxAttempts": 3}]), lambdas={FN: fn}).run({"a": 1})
    assert ex.status == "SUCCEEDED" and ex.output == {"a": 1}
    times = scheduled_times(ex)
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
    assert gaps == [2, 6, 18]
    assert ex.stats == {"states_entered": 1, "state_transitions": 4, "lambda_invocations": 4}


def test_retry_ladder_with_one_hour_cap_finishes_fast():
    fn = Flaky(*[Transient] * 20)
    t0 = time.perf_counter()
    ex = Executor(task(Retry=[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 2,
                               "MaxAttempts": 25, "MaxDelaySeconds": 3600}]), lambdas={FN: fn}).run({})
    assert ex.status == "SUCCEEDED"
    gaps = [(b - a).total_seconds() for a, b in zip(scheduled_times(ex), scheduled_times(ex)[1:])]
    assert max(gaps) == 3600 and gaps[:3] == [1, 2, 4]
    assert time.perf_counter() - t0 < 5  # generous: the point is that 20 hours of backoff are not slept


def test_first_matching_retrier_is_used_and_max_attempts_zero_means_no_retry():
    fn = Flaky(Permanent, Permanent)
    ex = Executor(task(Retry=[{"ErrorEquals": ["Permanent"], "MaxAttempts": 0},
                              {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}]), lambdas={FN: fn}).run({})
    assert ex.status == "FAILED" and ex.error == "Permanent"
    assert fn.calls == 1


def test_jitter_full_is_seeded_and_bounded():
    spec = task(Retry=[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 3,
                        "JitterStrategy": "FULL"}])

    def gaps(seed):
        ex = Executor(spec, lambdas={FN: Flaky(Transient, Transient, Transient)}, seed=seed).run({})
        t = scheduled_times(ex)
        return [(b - a).total_seconds() for a, b in zip(t, t[1:])]
    first = gaps(1)
    assert first == gaps(1)
    assert all(0 <= g <= 10 * 2 ** i for i, g in enumerate(first))


def test_catch_result_path_and_lambda_error_shape():
    d = {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": FN, "Next": "X",
              "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.err", "Next": "H"}]},
        "X": {"Type": "Succeed"}, "H": {"Type": "Pass", "End": True}}}
    ex = Executor(d, lambdas={FN: Flaky(Permanent)}).run({"in": 1})
    assert ex.status == "SUCCEEDED"
    err = ex.output["err"]
    assert err["Error"] == "Permanent"
    cause = json.loads(err["Cause"])
    assert cause["errorMessage"] == "try again" and cause["errorType"] == "Permanent"
    assert set(cause) == {"errorMessage", "errorType", "requestId", "stackTrace"}
    assert ex.output["in"] == 1


def test_catch_jsonata_output_and_assign_see_error_output():
    d = {"QueryLanguage": "JSONata", "StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": FN, "Next": "X", "Catch": [
            {"ErrorEquals": ["States.ALL"], "Next": "H", "Assign": {"why": "{% $states.errorOutput.Error %}"},
             "Output": {"in": "{% $states.input %}", "e": "{% $states.errorOutput.Error %}"}}]},
        "X": {"Type": "Succeed"},
        "H": {"Type": "Pass", "Output": {"why": "{% $why %}", "prev": "{% $states.input %}"}, "End": True}}}
    ex = Executor(d, lambdas={FN: Flaky(Permanent)}).run({"k": 1})
    assert ex.output == {"why": "Permanent", "prev": {"in": {"k": 1}, "e": "Permanent"}}


def test_runtime_errors_are_not_caught():
    d = {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": FN, "OutputPath": "$.missing", "Next": "X",
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "X"}],
              "Retry": [{"ErrorEquals": ["States.ALL"]}]},
        "X": {"Type": "Succeed"}}}
    fn = Flaky()
    ex = Executor(d, lambdas={FN: fn}).run({"a": 1})
    assert (ex.status, ex.error, fn.calls) == ("FAILED", "States.Runtime", 1)


def test_task_timeout_uses_virtual_time_spent_in_the_handler():
    def slow(event, context):
        context.sleep(60)
        return event
    ex = Executor(task(TimeoutSeconds=5), lambdas={FN: slow}).run({})
    assert (ex.status, ex.error) == ("FAILED", "States.Timeout")
    assert [e["type"] for e in ex.history][-2] == "LambdaFunctionTimedOut"
    assert ex.stop_date - ex.start_date == dt.timedelta(seconds=5)
    ok = Executor(task(TimeoutSeconds=120), lambdas={FN: slow}).run({})
    assert ok.status == "SUCCEEDED" and ok.stop_date - ok.start_date == dt.timedelta(seconds=60)


def test_lambda_result_over_256_kib_is_data_limit_exceeded():
    ex = Executor(task(), lambdas={FN: lambda e, c: "x" * (256 * 1024)}).run({})
    assert ex.error == "States.DataLimitExceeded"
    ex = Executor(task(), lambdas={FN: lambda e, c: "x" * (256 * 1024 - 10)}).run({})
    assert ex.status == "SUCCEEDED"


def test_state_output_over_the_limit_fails_the_execution():
    d = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "é" * 140_000, "End": True}}}
    ex = Executor(d).run({})
    assert (ex.status, ex.error) == ("FAILED", "States.DataLimitExceeded")
    assert "'P'" in ex.cause


def test_lambda_returning_what_json_cannot_hold_fails_like_the_python_runtime():
    ex = Executor(task(), lambdas={FN: lambda e, c: {1, 2}}).run({})
    assert ex.status == "FAILED" and ex.error == "Runtime.MarshalError"
    assert "Unable to marshal response" in ex.cause


def test_runaway_loop_ends_at_the_history_limit():
    d = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "C"}], "Default": "A"},
        "C": {"Type": "Succeed"}}}
    ex = Executor(d).run({})
    assert ex.status == "FAILED"
    assert len(ex.history) == 25_000
    assert ex.history[-1]["type"] == "ExecutionFailed"
    assert ex.cause == "The execution reached the maximum number of history events (25000)."


def test_history_limit_is_configurable():
    d = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": True}}}
    assert Executor(d, history_limit=5).run({}).status == "FAILED"
    assert Executor(d, history_limit=6).run({}).status == "SUCCEEDED"


@settings(max_examples=40, deadline=None)
@given(interval=st.integers(1, 100), rate=st.floats(1.0, 5.0), cap=st.integers(1, 10_000),
       attempt=st.integers(0, 30))
def test_retry_delay_grows_from_the_interval_and_never_passes_the_cap(interval, rate, cap, attempt):
    r = {"IntervalSeconds": interval, "BackoffRate": rate, "MaxDelaySeconds": cap}
    d0, d, d_next = (delay_seconds(r, n, None) for n in (0, attempt, attempt + 1))
    assert d0 == min(interval, cap)
    assert d0 <= d <= d_next <= cap


def test_error_matching_rules():
    assert matches(["States.ALL"], "Anything")
    assert matches(["States.TaskFailed"], "Lambda.Unknown")
    assert not matches(["States.TaskFailed"], "States.Timeout")
    assert not matches(["States.ALL"], "States.Runtime")
    assert matches(["States.DataLimitExceeded"], "States.DataLimitExceeded")


def test_oversized_or_non_json_execution_input_is_rejected_like_start_execution():
    from pyawssfn.local import InvalidExecutionInput
    d = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    with pytest.raises(InvalidExecutionInput, match="256 KiB"):
        Executor(d).run({"big": "x" * (256 * 1024)})
    with pytest.raises(InvalidExecutionInput, match="not JSON"):
        Executor(d).run({"s": {1, 2}})
    ex = Executor(task(), lambdas={FN: lambda e, c: float("nan")}).run({})
    assert ex.error == "Runtime.MarshalError"


def test_task_arguments_over_the_limit_are_data_limit_exceeded():
    d = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FN, "End": True,
                                          "Parameters": {"a.$": "$.s", "b.$": "$.s"}}}}
    fn = Flaky()
    ex = Executor(d, lambdas={FN: fn}).run({"s": "x" * 140_000})
    assert ex.error == "States.DataLimitExceeded" and fn.calls == 0
