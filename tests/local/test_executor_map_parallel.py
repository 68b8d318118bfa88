"""Map (inline and distributed) and Parallel: order, inputs, failures, tolerance, batching, readers, history."""
from __future__ import annotations

import json

import pytest

from pyawssfn.local import Executor

FN = "arn:aws:lambda:us-east-1:123456789012:function:f"


def types(ex):
    return [e["type"] for e in ex.history]


def map_state(processor_states, start, mode="INLINE", **extra):
    config = {"Mode": mode} if mode == "INLINE" else {"Mode": mode, "ExecutionType": "STANDARD"}
    return {"Type": "Map", "ItemProcessor": {"ProcessorConfig": config, "StartAt": start,
                                             "States": processor_states}, "End": True, **extra}


def test_inline_map_item_selector_with_context_and_order():
    calls = []
    d = {"StartAt": "M", "States": {"M": map_state(
        {"I": {"Type": "Task", "Resource": FN, "End": True}}, "I", ItemsPath="$.xs",
        ItemSelector={"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index", "k.$": "$.k"})}}
    ex = Executor(d, lambdas={FN: lambda e, c: calls.append(e["i"]) or e["v"] * 10}).run({"xs": [1, 2, 3], "k": 0})
    assert ex.output == [10, 20, 30]
    assert calls == [0, 1, 2]
    assert types(ex).count("MapIterationStarted") == 3
    assert ex.history[2]["mapStateStartedEventDetails"] == {"length": 3}


def test_jsonata_map_items_and_item_selector():
    d = {"QueryLanguage": "JSONata", "StartAt": "M", "States": {"M": map_state(
        {"I": {"Type": "Pass", "Output": "{% $states.input.v & '!' %}", "End": True}}, "I",
        Items="{% $states.input.words %}",
        ItemSelector={"v": "{% $states.context.Map.Item.Value %}"})}}
    assert Executor(d).run({"words": ["a", "b"]}).output == ["a!", "b!"]
    bad = Executor(d).run({"words": "ab"})
    assert bad.error == "States.QueryEvaluationError" and "Expected 'array'" in bad.cause
    assert "MapStateFailed" in types(bad)


def test_map_failure_fails_the_map_and_can_be_caught():
    d = {"StartAt": "M", "States": {
        "M": {**map_state({"F": {"Type": "Fail", "Error": "ItemBad", "Cause": "c"}}, "F"), "ItemsPath": "$.xs",
              "Next": "Ok", "Catch": [{"ErrorEquals": ["ItemBad"], "ResultPath": "$.err", "Next": "Caught"}]},
        "Ok": {"Type": "Succeed"}, "Caught": {"Type": "Pass", "End": True}}}
    del d["States"]["M"]["End"]
    ex = Executor(d).run({"xs": [1, 2]})
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"xs": [1, 2], "err": {"Error": "ItemBad", "Cause": "c"}}
    # The first failing item stops the Map: the second item never starts.
    assert types(ex).count("MapIterationStarted") == 1
    assert types(ex)[-4:] == ["MapStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]


def test_tolerated_failures_in_distributed_map():
    proc = {"C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericGreaterThan": 2, "Next": "Bad"}],
                  "Default": "Good"},
            "Bad": {"Type": "Fail", "Error": "TooBig"}, "Good": {"Type": "Succeed"}}
    base = {"StartAt": "M", "States": {"M": map_state(proc, "C", mode="DISTRIBUTED", ToleratedFailureCount=1)}}
    ex = Executor(base).run([1, 2, 3])
    assert ex.status == "SUCCEEDED"
    assert ex.output[:2] == [1, 2] and ex.output[2]["Error"] == "TooBig"
    assert "MapRunStarted" in types(ex) and "PassStateEntered" not in types(ex)
    ex = Executor(base).run([3, 4])
    assert ex.error == "States.ExceedToleratedFailureThreshold"
    pct = {"StartAt": "M", "States": {"M": map_state(proc, "C", mode="DISTRIBUTED",
                                                      ToleratedFailurePercentage=50)}}
    assert Executor(pct).run([1, 3]).status == "SUCCEEDED"
    assert Executor(pct).run([1, 3, 4]).status == "FAILED"


def test_distributed_map_does_not_see_outer_variables_inline_does():
    proc = {"P": {"Type": "Pass", "Output": {"seen": "{% $exists($v) %}"}, "End": True}}
    for mode, seen in (("INLINE", True), ("DISTRIBUTED", False)):
        d = {"QueryLanguage": "JSONata", "StartAt": "A", "States": {
            "A": {"Type": "Pass", "Assign": {"v": 1}, "Next": "M"},
            "M": map_state(proc, "P", mode=mode, Items=[0])}}
        assert Executor(d).run({}).output == [{"seen": seen}], mode


def test_item_batcher_and_item_reader_from_mocks():
    reader = "arn:aws:states:::s3:getObject"
    d = {"StartAt": "M", "States": {"M": map_state(
        {"P": {"Type": "Pass", "End": True}}, "P", mode="DISTRIBUTED",
        ItemReader={"Resource": reader, "ReaderConfig": {"MaxItems": 5},
                    "Parameters": {"Bucket": "b", "Key": "k"}},
        ItemBatcher={"MaxItemsPerBatch": 2, "BatchInput": {"tag.$": "$.tag"}})}}
    ex = Executor(d, mocks={reader: {"Return": list(range(7))}}).run({"tag": "t"})
    assert ex.output == [{"Items": [0, 1], "BatchInput": {"tag": "t"}},
                         {"Items": [2, 3], "BatchInput": {"tag": "t"}},
                         {"Items": [4], "BatchInput": {"tag": "t"}}]
    ex = Executor(d).run({"tag": "t"})
    assert ex.error == "Local.UnservedResource" and reader in ex.cause


def test_result_writer_gives_aws_output_shape():
    d = {"StartAt": "M", "States": {"M": map_state(
        {"P": {"Type": "Pass", "End": True}}, "P", mode="DISTRIBUTED",
        ResultWriter={"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "out", "Prefix": "r"}})}}
    written = []
    ex = Executor(d, mocks={"arn:aws:states:::s3:putObject": lambda r, a, s: written.append(a) or {}}).run([1])
    assert set(ex.output) == {"MapRunArn", "ResultWriterDetails"}
    assert ex.output["ResultWriterDetails"]["Bucket"] == "out"
    # As AWS writes them: the succeeded children's records, then the manifest naming that file.
    (results, manifest) = written
    assert results["Bucket"] == "out" and results["Key"].startswith("r/") and results["Key"].endswith(
        "/SUCCEEDED_0.json")
    assert [(r["Status"], json.loads(r["Input"]), json.loads(r["Output"])) for r in json.loads(results["Body"])] \
        == [("SUCCEEDED", 1, 1)]
    assert manifest["Key"] == ex.output["ResultWriterDetails"]["Key"]
    assert json.loads(manifest["Body"])["ResultFiles"]["SUCCEEDED"] == [
        {"Key": results["Key"], "Size": len(results["Body"].encode())}]


@pytest.mark.parametrize("path_value, ok", [(2, True), ("2", True), ("two", False)])
def test_max_concurrency_path_must_be_an_integer(path_value, ok):
    d = {"StartAt": "M", "States": {"M": map_state({"P": {"Type": "Pass", "End": True}}, "P",
                                                   ItemsPath="$.xs", MaxConcurrencyPath="$.c")}}
    ex = Executor(d).run({"xs": [1], "c": path_value})
    assert (ex.status == "SUCCEEDED") is ok
    if not ok:
        assert ex.error == "States.Runtime"


def test_parallel_runs_branches_in_order_and_collects_results():
    calls = []
    branch = lambda n: {"StartAt": f"B{n}", "States": {f"B{n}": {"Type": "Task", "Resource": FN,  # noqa: E731
                                                                  "Parameters": {"n": n}, "End": True}}}
    d = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [branch(0), branch(1), branch(2)],
                                          "ResultSelector": {"all.$": "$"}, "End": True}}}
    ex = Executor(d, lambdas={FN: lambda e, c: calls.append(e["n"]) or e["n"]}).run({})
    assert ex.output == {"all": [0, 1, 2]}
    assert calls == [0, 1, 2]
    assert types(ex)[2] == "ParallelStateStarted" and types(ex)[-2] == "ParallelStateExited"


def test_parallel_retry_reruns_every_branch_and_records_failure_once():
    d = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True,
                                          "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 2, "IntervalSeconds": 1}],
                                          "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail",
                                                                                          "Error": "E"}}}]}}}
    ex = Executor(d).run({})
    assert ex.error == "E"
    assert types(ex).count("ParallelStateStarted") == 3
    assert types(ex).count("ParallelStateFailed") == 1
    assert ex.stats["state_transitions"] == ex.stats["states_entered"] + 2


def wait_branch(name, seconds):
    return {"StartAt": name, "States": {name: {"Type": "Wait", "Seconds": seconds, "End": True}}}


def test_parallel_branches_run_side_by_side_on_the_virtual_clock():
    d = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True,
                                          "Branches": [wait_branch("Slow", 60), wait_branch("Fast", 30)]}}}
    ex = Executor(d).run({})
    assert (ex.stop_date - ex.start_date).total_seconds() == 60
    exits = [(e["stateExitedEventDetails"]["name"], e["id"]) for e in ex.history if e["type"] == "WaitStateExited"]
    assert [name for name, _ in exits] == ["Fast", "Slow"]  # the history is in time order, as on AWS
    times = [e["timestamp"] for e in ex.history]
    assert times == sorted(times)
    assert [e["id"] for e in ex.history] == list(range(1, len(ex.history) + 1))
    by_id = {e["id"]: e for e in ex.history}
    slow_exit = next(e for e in ex.history if e["type"] == "WaitStateExited"
                     and e["stateExitedEventDetails"]["name"] == "Slow")
    assert by_id[slow_exit["previousEventId"]]["stateEnteredEventDetails"]["name"] == "Slow"


@pytest.mark.parametrize("max_concurrency, seconds", [(1, 30), (2, 20), (0, 10)])
def test_map_iterations_start_as_workers_free_up(max_concurrency, seconds):
    d = {"StartAt": "M", "States": {"M": map_state({"W": {"Type": "Wait", "Seconds": 10, "End": True}}, "W",
                                                   MaxConcurrency=max_concurrency)}}
    ex = Executor(d).run([1, 2, 3])
    assert (ex.stop_date - ex.start_date).total_seconds() == seconds
    times = [e["timestamp"] for e in ex.history]
    assert times == sorted(times)


def test_execution_timeout_counts_parallel_time_once():
    d = {"StartAt": "P", "TimeoutSeconds": 90, "States": {"P": {
        "Type": "Parallel", "End": True, "Branches": [wait_branch("A", 60), wait_branch("B", 60)]}}}
    assert Executor(d).run({}).status == "SUCCEEDED"


def test_inline_map_ignores_failure_tolerance():
    d = {"StartAt": "M", "States": {"M": map_state({"F": {"Type": "Fail", "Error": "E"}}, "F",
                                                   ToleratedFailureCount=5)}}
    ex = Executor(d, validate=False).run([1])
    assert (ex.status, ex.error) == ("FAILED", "E")
