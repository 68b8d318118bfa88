"""The oldest GC generation is not collected while an execution runs (its history would be walked again and again:
a Map's time per item grew with its size) and the thresholds are restored afterwards, also after nested runs and
failures; the young generations keep their thresholds, so short-lived cycles are still collected during the run."""
from __future__ import annotations

import gc

from pyawssfn.local import Executor

FN = "arn:aws:lambda:us-east-1:123456789012:function:probe"


def _machine(states: int) -> dict:
    names = [f"T{i}" for i in range(states)]
    return {"QueryLanguage": "JSONata", "StartAt": names[0], "States": {name: {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": FN, "Payload": {}}, "Output": "{% $states.result.Payload %}",
        **({"Next": names[i + 1]} if i + 1 < states else {"End": True})} for i, name in enumerate(names)}}


def test_the_oldest_generation_waits_for_the_end_of_the_run_and_the_thresholds_come_back():
    before = gc.get_threshold()
    seen = []

    def probe(event, context):
        seen.append(gc.get_threshold())
        return {"ok": True}

    execution = Executor(_machine(2), lambdas={FN: probe}).run({})
    assert execution.status == "SUCCEEDED", execution.cause
    assert len(seen) == 2
    assert all(t[:2] == before[:2] for t in seen)  # young generations collected as before
    assert all(t[2] > before[2] for t in seen)
    assert gc.get_threshold() == before


def test_a_failed_run_and_a_run_inside_a_step_restore_the_thresholds_once_the_outer_run_ends():
    before = gc.get_threshold()
    inner_seen = []

    def inner(event, context):
        inner_seen.append(gc.get_threshold())
        raise ValueError("boom")

    def outer(event, context):
        nested = Executor(_machine(1), lambdas={FN: inner}).run({})
        assert nested.status == "FAILED"
        return {"inner_done_threshold": list(gc.get_threshold())}

    execution = Executor(_machine(1), lambdas={FN: outer}).run({})
    assert execution.status == "SUCCEEDED", execution.cause
    assert inner_seen[0][2] > before[2]
    assert execution.output["inner_done_threshold"][2] > before[2]  # still inside the outer run
    assert gc.get_threshold() == before


def test_a_threshold_the_workflow_sets_itself_is_kept():
    before = gc.get_threshold()

    def sets(event, context):
        gc.set_threshold(before[0], before[1], 55)
        return {}

    try:
        assert Executor(_machine(1), lambdas={FN: sets}).run({}).status == "SUCCEEDED"
        assert gc.get_threshold() == (before[0], before[1], 55)
    finally:
        gc.set_threshold(*before)
