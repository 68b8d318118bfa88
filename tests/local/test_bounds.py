"""Runaway work ends as AWS would end it, with a clear error: a Lambda served in-process that blocks is stopped at
its TimeoutSeconds (States.Timeout), and a JSONata evaluation has a time and a depth bound."""
from __future__ import annotations

import threading
import time

import pytest

from pyawssfn.jsonata.engine import evaluate
from pyawssfn.local import Executor
from pyawssfn.local.errors import StatesError
from pyawssfn.semantics import quotas

FN = "arn:aws:lambda:us-east-1:123456789012:function:slow"


def _task(timeout: int) -> dict:
    return {"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": timeout,
        "Arguments": {"FunctionName": FN, "Payload": {}}, "End": True}}}


def _blocking(event, context):
    time.sleep(30)  # real time, not context.sleep: only a wall-clock bound stops it
    return {"never": True}


def _timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0


def test_a_blocking_handler_is_stopped_at_the_task_timeout():
    execution, seconds = _timed(lambda: Executor(_task(1), lambdas={FN: _blocking}).run({}))
    assert (execution.status, execution.error) == ("FAILED", "States.Timeout")
    assert seconds < 25  # stopped, not waited out: the handler sleeps 30 s (a bound on a hang, not a speed check)
    assert (execution.stop_date - execution.start_date).total_seconds() == 1


def test_the_bound_holds_off_the_main_thread_too():
    out = {}
    worker = threading.Thread(target=lambda: out.update(e=Executor(_task(1), lambdas={FN: _blocking}).run({})))
    _, seconds = _timed(lambda: (worker.start(), worker.join()))
    assert out["e"].error == "States.Timeout" and seconds < 25  # the handler sleeps 30 s


def test_a_handler_that_returns_in_time_is_not_touched():
    execution = Executor(_task(5), lambdas={FN: lambda event, context: {"ok": 1}}).run({})
    assert execution.status == "SUCCEEDED" and execution.output["Payload"] == {"ok": 1}


def test_non_tail_recursion_thousands_deep_works_as_on_javascript():
    # npm jsonata 2.0.6 (async evaluation) returns 5000 here; jsonata-python alone overflows Python's stack.
    assert evaluate("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(5000))") == 5000


def test_a_runaway_evaluation_ends_with_a_clear_error(monkeypatch):
    assert quotas.JSONATA_MAX_SECONDS == 10
    monkeypatch.setattr(quotas, "JSONATA_MAX_SECONDS", 0.5)  # the same check, sooner
    outcome = pytest.raises(StatesError, evaluate, "$sum($map([1..9999999], function($x){ $x * 2 }))")
    assert outcome.value.error == "States.QueryEvaluationError"
    # The bound's own message says it stopped the evaluation (no wall-clock assert: the machine may be loaded).
    assert "did not finish within 0.5 seconds" in outcome.value.cause
