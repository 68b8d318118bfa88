#!/usr/bin/env python3
"""Benchmark of the local executor. Prints numbers; asserts nothing.

    python benchmarks/bench_executor.py [--iterations 5000] [--skip-moto]

1. A JSONPath Pass/Choice counting loop of N iterations (2N+3 states, 4N+8 history events: 5,000 iterations are
   20,008 events, inside AWS's 25,000-event limit, so the loop is measured exactly as AWS would allow it, with
   full history recording) through our executor and through moto's Step Functions interpreter (its "parser"
   backend, the one moto uses when ``stepfunctions.execute_state_machine`` is on), side by side, with the ratio.
2. The same loop written in JSONata (Assign + Condition), in states per second.
3. Peak memory (tracemalloc) for 1k and 5k iterations, with full history and with history counting only
   (``keep_history=False``), to show what grows is the history itself and nothing else.
4. A Wait of a year, and a retry ladder capped at one hour, in wall-clock milliseconds.
"""
from __future__ import annotations

import argparse
import json
import time
import tracemalloc

from pyawssfn.local import Executor


def jsonpath_loop(n: int) -> dict:
    return {"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": n, "Next": "Inc"}],
                  "Default": "Done"},
        "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
        "Done": {"Type": "Succeed"}}}


def jsonata_loop(n: int) -> dict:
    return {"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Assign": {"i": 0}, "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Condition": f"{{% $i < {n} %}}", "Next": "Inc"}],
                  "Default": "Done"},
        "Inc": {"Type": "Pass", "Assign": {"i": "{% $i + 1 %}"}, "Next": "Check"},
        "Done": {"Type": "Succeed", "Output": "{% $i %}"}}}


def time_ours(definition, **kwargs):
    executor = Executor(definition, **kwargs)
    t0 = time.perf_counter()
    execution = executor.run({})
    elapsed = time.perf_counter() - t0
    return execution, elapsed


def time_moto(definition):
    """Run the definition through moto's in-process ASL interpreter; returns (status, output, seconds)."""
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    backend = stepfunctions_parser_backends["123456789012"]["us-east-1"]
    sm = backend.create_state_machine(f"bench{time.monotonic_ns()}", json.dumps(definition),
                                      "arn:aws:iam::123456789012:role/bench")
    t0 = time.perf_counter()
    execution = backend.start_execution(sm.arn, execution_input="{}")
    while True:  # moto runs the execution on a worker thread
        described = backend.describe_execution(execution.execution_arn)
        if described.status != "RUNNING":
            break
        time.sleep(0.002)
    return described.status, described.output, time.perf_counter() - t0


def peak_memory(definition, keep_history: bool) -> int:
    executor = Executor(definition, keep_history=keep_history)
    tracemalloc.start()
    executor.run({})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--skip-moto", action="store_true", help="skip the (slow, ~10 s) moto run")
    args = parser.parse_args()
    n = args.iterations

    loop = jsonpath_loop(n)
    execution, ours = time_ours(loop)
    states = execution.stats["states_entered"]
    assert execution.status == "SUCCEEDED" and execution.output == {"i": n}, execution.error
    print(f"JSONPath loop, {n} iterations: {states} states, {len(execution.history)} history events")
    print(f"  ours: {ours:.3f} s  ({states / ours:,.0f} states/s)")
    if not args.skip_moto:
        status, output, theirs = time_moto(loop)
        print(f"  moto: {theirs:.3f} s  ({states / theirs:,.0f} states/s)  status {status}, output {output}")
        print(f"  ratio: ours is {theirs / ours:.1f}x faster than moto")

    execution, secs = time_ours(jsonata_loop(n))
    assert execution.status == "SUCCEEDED" and execution.output == n, execution.error
    states = execution.stats["states_entered"]
    print(f"JSONata loop, {n} iterations: {secs:.3f} s  ({states / secs:,.0f} states/s)")

    for keep in (True, False):
        small, large = peak_memory(jsonpath_loop(1000), keep), peak_memory(jsonpath_loop(5000), keep)
        label = "full history     " if keep else "history counted  "
        print(f"peak memory, {label}: 1k iterations {small / 1e6:.2f} MB, 5k iterations {large / 1e6:.2f} MB "
              f"(x{large / small:.2f})")

    # 364 days: a Standard execution may last a year at most, after which AWS (and the executor) time it out.
    year = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 364 * 86400, "End": True}}}
    execution, secs = time_ours(year)
    print(f"Wait of a year: {secs * 1000:.2f} ms wall clock, {execution.stop_date - execution.start_date} virtual, "
          f"status {execution.status}")

    fn = "arn:aws:lambda:us-east-1:123456789012:function:flaky"
    failures = {"left": 20}

    def flaky(event, context):
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("not yet")
        return event
    ladder = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": fn, "End": True, "Retry": [
        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 2, "MaxAttempts": 25,
         "MaxDelaySeconds": 3600}]}}}
    execution, secs = time_ours(ladder, lambdas={fn: flaky})
    print(f"Retry ladder (20 failures, 1-hour cap): {secs * 1000:.2f} ms wall clock, "
          f"{execution.stop_date - execution.start_date} virtual, status {execution.status}")


if __name__ == "__main__":
    main()
