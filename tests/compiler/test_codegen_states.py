"""codegen writes each IR state kind's fields under ASL's names, in ASL's order (the lowerer holds values only)."""
from __future__ import annotations

from pyawssfn.compiler.codegen import generate, task_json
from pyawssfn.compiler.frontend import RetrySpec
from pyawssfn.compiler.ir import Catcher, Fail, Graph, Map, Pass, Task, Template, Wait
from pyawssfn.jsonata.parse import parse as P


def T(text: str) -> Template:
    return Template(P(text))


def _states(graph: Graph) -> dict:
    definition, _ = generate(graph, "test")
    return definition["States"]


def test_a_task_writes_resource_arguments_timeouts_retry_catch_in_order():
    fail = Fail("failed", 1, error="E", cause=T("$states.input.Cause"))
    task = Task("call", 1, resource="arn:aws:states:::lambda:invoke", arguments={"FunctionName": "f"},
                timeout=30, heartbeat=10, retry=[RetrySpec(["States.ALL"], 2, 4, 1.5, max_delay=9)],
                catch=[Catcher(["States.ALL"], next=fail, output=P("$states.errorOutput"))], end=True)
    (state, failed) = _states(Graph([task, fail], task)).values()
    assert list(state) == ["Type", "Resource", "Arguments", "TimeoutSeconds", "HeartbeatSeconds", "Retry", "Catch",
                           "End"]
    assert state["Retry"] == [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 4,
                               "BackoffRate": 1.5, "MaxDelaySeconds": 9}]
    assert state["Catch"] == [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput %}", "Next": "failed"}]
    assert failed == {"Type": "Fail", "Error": "E", "Cause": "{% $states.input.Cause %}"}
    assert task_json(task) == {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                               "Arguments": {"FunctionName": "f"}, "TimeoutSeconds": 30, "HeartbeatSeconds": 10}


def test_a_wait_writes_seconds_even_zero_or_a_timestamp():
    later = Wait("until", 2, timestamp=T("$t"), end=True)
    now = Wait("zero", 1, seconds=0, next=later)
    states = _states(Graph([now, later], now))
    assert states["zero"] == {"Type": "Wait", "Seconds": 0, "Next": "until"}
    assert states["until"] == {"Type": "Wait", "Timestamp": "{% $t %}", "End": True}


def test_a_distributed_map_reading_its_items_writes_the_reader_after_the_processor_and_no_items():
    inner = Task("item", 1, resource="arn:aws:states:::lambda:invoke", arguments={"Payload": T("$states.input")},
                 output=P("$states.result.Payload"), end=True)
    reader = {"Resource": "arn:aws:states:::s3:getObject", "Arguments": {"Bucket": "b", "Key": "k.csv"}}
    m = Map("map", 1, item_reader=reader, item_selector={"x": T("$states.context.Map.Item.Value")},
            processor=Graph([inner], inner), distributed=True, max_concurrency=5, tolerated_failure_count=1,
            end=True)
    (state,) = _states(Graph([m], m)).values()
    assert list(state) == ["Type", "ItemProcessor", "ItemReader", "ItemSelector", "MaxConcurrency",
                           "ToleratedFailureCount", "End"]
    assert state["ItemProcessor"]["ProcessorConfig"] == {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
    assert state["ItemReader"] == reader


def test_an_empty_pass_is_skipped_and_an_inline_map_has_items():
    inner = Task("item", 1, resource="r", arguments={}, end=True)
    m = Map("map", 1, items=T("$xs"), item_selector={}, processor=Graph([inner], inner), end=True)
    start = Pass("nothing", 1, next=m)
    states = _states(Graph([start, m], start))
    assert list(states) == ["map"]
    assert states["map"]["Items"] == "{% $xs %}"
    assert states["map"]["ItemProcessor"]["ProcessorConfig"] == {"Mode": "INLINE"}
