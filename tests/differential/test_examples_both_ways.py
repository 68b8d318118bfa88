"""Every examples/*.py workflow run as plain Python and as the compiled machine on the inputs its tests use
(tests/examples/), with equal status, output, error name and cause, and the same number of Lambda invocations."""
from __future__ import annotations

import json
import pathlib

import pytest

from pyawssfn.testing import WorkflowTester, reported_cause

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def _order(**kw):
    return {**{"order_id": "o1", "items": {"apple": 2}, "amount": 50, "country": "FR"}, **kw}


_IMAGES = [{"key": f"i{n}.png", "width": 100 * n, "height": 300} for n in range(1, 4)]
_TEXTS = ["a short example", "choose wisely", "", "zebra", "bob", "b"]

_GET, _PUT = "arn:aws:states:::s3:getObject", "arn:aws:states:::s3:putObject"
_CLICKS = {"bucket": "clicks", "key": "day.jsonl", "day": "2026-12-01", "bad_batches_allowed": 0}


def _clicks(n, bad=None):
    return "".join(json.dumps({"id": i, "kind": "bogus" if i == bad else "click" if i % 2 else "view"}) + "\n"
                   for i in range(n))


# example -> list of (id, tester configuration, input)
CASES = {
    "analyse_text": [(t or "empty", None, {"text": t}) for t in _TEXTS] + [
        ("retried-once", lambda t: t.fail_step("augment_summary", error="ConnectionError", cause="down", times=1),
         {"text": "bob"}),
        ("retries-exhausted", lambda t: t.fail_step("augment_summary", error="ConnectionError", cause="down",
                                                    times=3), {"text": "bob"}),
        ("too-short-from-step", lambda t: t.fail_step("get_summary", error="TextTooShortError", cause="x"),
         {"text": "anything"}),
        ("not-retried", lambda t: t.fail_step("get_n_vowels", error="ValueError", cause="v", times=1),
         {"text": "a b"}),
    ],
    "analyse_text_poc": [(t or "empty", None, {"text": t}) for t in _TEXTS] + [
        ("retried-twice", lambda t: t.fail_step("augment_summary", error="ConnectionError", cause="down", times=2),
         {"text": "bob"}),
    ],
    "fan_out": [
        ("three", None, {"images": _IMAGES}),
        ("none", None, {"images": []}),
        ("bad-image", None, {"images": _IMAGES + [{"key": "bad", "width": 5, "height": 0}]}),
        ("not-a-list", None, {"images": "not a list"}),
    ],
    "approval": [
        ("small", None, {"order_id": "o1", "amount": 20}),
        ("approved", lambda t: t.callback("request_approval", result={"approved": True}, after=3600),
         {"order_id": "o2", "amount": 500}),
        ("rejected", lambda t: t.callback("request_approval", result={"approved": False, "reason": "over budget"}),
         {"order_id": "o3", "amount": 500}),
        ("expired", lambda t: t.callback("request_approval", timeout=True), {"order_id": "o4", "amount": 500}),
        ("malformed", lambda t: t.callback("request_approval", result={"reason": "forgot the flag"}),
         {"order_id": "o5", "amount": 500}),
    ],
    "order_pipeline": [
        ("happy", None, _order()),
        ("shipping-fails", None, _order(country="AQ")),
        ("payment-fails", None, _order(amount=5000)),
        ("out-of-stock", None, _order(items={"pear": 4})),
    ],
    "polling": [
        ("three-polls", None, {"dataset": "sales", "rows": 3000}),
        ("quick", None, {"dataset": "tiny", "rows": 10}),
        ("times-out", None, {"dataset": "huge", "rows": 10 ** 6}),
        ("job-fails", None, {"dataset": "broken", "rows": -5}),
    ],
    "glue_etl": [
        ("job-succeeds", lambda t: t.mock_resource("arn:aws:states:::glue:startJobRun.sync", returns={
            "Id": "jr_1", "JobName": "nightly-sales", "JobRunState": "SUCCEEDED", "ExecutionTime": 42}),
         {"day": "2026-12-01"}),
        ("job-fails", lambda t: t.mock_resource("arn:aws:states:::glue:startJobRun.sync",
                                                error="Glue.AWSGlueException", cause="out of memory"),
         {"day": "2026-12-01"}),
    ],
    "orders_csv": [  # the mock is the object's text: both runs parse it as the CSV ItemReader does
        ("one-bad-row", lambda t: t.mock_resource(_GET, returns={"Body": "order_id,quantity,unit_cents\r\n"
                                                                  "o1,2,150\r\no2,many,10\r\n"}),
         {"bucket": "b", "key": "k.csv"}),
        ("too-many-bad-rows", lambda t: t.mock_resource(_GET, returns="order_id,quantity,unit_cents\n" + "".join(
            f"o{i},x,1\n" for i in range(3))), {"bucket": "b", "key": "k.csv"}),
        ("empty-file", lambda t: t.mock_resource(_GET, returns=""), {"bucket": "b", "key": "k.csv"}),
        ("header-only", lambda t: t.mock_resource(_GET, returns="order_id,quantity,unit_cents\n"),
         {"bucket": "b", "key": "k.csv"}),
        ("rows-already-read", lambda t: t.mock_resource(_GET, returns=[
            {"order_id": "o1", "quantity": "2", "unit_cents": "150"}]), {"bucket": "b", "key": "k.csv"}),
    ],
    "click_scores": [
        ("three-batches", lambda t: t.mock_resource(_GET, returns=_clicks(250)).mock_resource(_PUT, returns={}),
         _CLICKS),
        ("a-bad-batch-tolerated", lambda t: t.mock_resource(_GET, returns=_clicks(150, bad=7)).mock_resource(
            _PUT, returns={}), {**_CLICKS, "bad_batches_allowed": 1}),
        ("a-bad-batch-too-many", lambda t: t.mock_resource(_GET, returns=_clicks(150, bad=7)), _CLICKS),
        ("no-events", lambda t: t.mock_resource(_GET, returns="").mock_resource(_PUT, returns={}), _CLICKS),
    ],
    "payment_review": [
        ("small", None, {"payment_id": "p1", "amount": 20}),
        ("approved", lambda t: t.mock_resource("arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                                               returns={"approved": True, "reviewer": "ana"}),
         {"payment_id": "p2", "amount": 500}),
        ("refused", lambda t: t.mock_resource("arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                                              error="Rejected", cause="over budget"),
         {"payment_id": "p3", "amount": 500}),
    ],
    "quote": [
        ("shipped", None, {"items": {"apple": 3, "melon": 1}, "country": "FR"}),
        ("free-shipping", None, {"items": {"melon": 30}, "country": "US"}),
        ("no-carrier", None, {"items": {"pear": 1}, "country": "XX"}),
        ("carrier-busy-once", lambda t: t.fail_step("shipping_cost", error="CarrierBusy", cause="retry", times=1),
         {"items": {"pear": 1}, "country": "DE"}),
        ("carrier-busy-thrice", lambda t: t.fail_step("shipping_cost", error="CarrierBusy", cause="retry", times=3),
         {"items": {"pear": 1}, "country": "DE"}),
    ],
}

# (example, case id) -> reason, for disagreements recorded in FINDINGS.md
KNOWN: dict[tuple[str, str], str] = {
}


def _params():
    for example, cases in CASES.items():
        for case_id, setup, inp in cases:
            reason = KNOWN.get((example, case_id))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(example, setup, inp, id=f"{example}-{case_id}", marks=marks)


def test_every_example_is_covered():
    workflows = {p.stem for p in EXAMPLES.glob("*.py") if "@sfn.workflow" in p.read_text()
                 or "@PSF.main" in p.read_text() or "workflow" in p.read_text()}
    assert workflows <= set(CASES), f"examples without differential cases: {sorted(workflows - set(CASES))}"


@pytest.mark.parametrize("example,setup,inp", list(_params()))
def test_example_both_ways(example, setup, inp):
    t = WorkflowTester(EXAMPLES / f"{example}.py")
    if setup:
        setup(t)
    py, machine = t.run_both(inp)
    assert (machine.status, machine.error) == (py.status, py.error)
    if py.error and not py.error.startswith("States."):
        # step errors and sfn.Fail carry the same cause both ways; States.* causes are worded by each engine
        # (an uncaught step error's cause is Lambda's error JSON on the machine: compared by its errorMessage)
        assert reported_cause(machine.error, machine.cause) == py.cause
    if py.status == "SUCCEEDED" and not py.map_runs:  # Map Run ids differ by run: run_both compared them by order
        assert machine.output == py.output
    assert machine.stats["lambda_invocations"] == py.stats["lambda_invocations"]
    # waits, retry intervals and callback delays take the same virtual time
    assert (machine.stop_date - machine.start_date).total_seconds() == py.stats["elapsed_seconds"]


def _all_states(machine):
    for name, state in machine["States"].items():
        yield name, state
        for branch in state.get("Branches", []):
            yield from _all_states(branch)
        if "ItemProcessor" in state:
            yield from _all_states(state["ItemProcessor"])


def test_analyse_text_issue_numbers():
    t = WorkflowTester(EXAMPLES / "analyse_text.py")
    states = list(_all_states(t.definition))
    assert not [n for n, s in states if s["Type"] == "Pass"]
    assert len(states) <= 12, [n for n, _ in states]
    py, machine = t.run_both({"text": "a short example"})
    assert machine.status == "SUCCEEDED"
    assert machine.stats["states_entered"] <= 8
    assert machine.stats["lambda_invocations"] == 5


HANDWRITTEN = pathlib.Path(__file__).resolve().parents[2] / "benchmarks" / "handwritten"


@pytest.mark.parametrize("example,setup,inp", [p for p in _params() if not p.marks])
def test_handwritten_baseline_agrees(example, setup, inp):
    """benchmarks/bench_examples.py compares the compiled machines with these: they must do the same thing."""
    definition = json.loads((HANDWRITTEN / f"{example}.json").read_text())
    t = WorkflowTester(EXAMPLES / f"{example}.py", definition=definition)
    if setup:
        setup(t)
    py, machine = t.run_both(inp)
    assert machine.stats["lambda_invocations"] == py.stats["lambda_invocations"]
