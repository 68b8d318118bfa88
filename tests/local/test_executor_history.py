"""History events in GetExecutionHistory's shape, statistics, determinism, and the reporting helpers."""
from __future__ import annotations

import datetime as dt
import io
import json

from rich.console import Console

from pyawssfn.local import Executor, execution_summary, render_timeline

LOOP = {"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": 3, "Next": "Inc"}],
              "Default": "Done"},
    "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}}}


def test_event_ids_links_and_details_follow_aws():
    ex = Executor(LOOP).run({"x": "é"}, name="n1")
    h = ex.history
    assert [e["id"] for e in h] == list(range(1, len(h) + 1))
    assert h[0]["previousEventId"] == 0 and h[1]["previousEventId"] == 0
    assert all(e["previousEventId"] == e["id"] - 1 for e in h[2:])
    assert h[0]["executionStartedEventDetails"]["input"] == '{"x":"é"}'
    entered = h[1]
    assert entered["type"] == "PassStateEntered"
    assert entered["stateEnteredEventDetails"] == {"input": '{"x":"é"}', "inputDetails": {"truncated": False},
                                                   "name": "Init"}
    assert h[-1]["type"] == "ExecutionSucceeded"
    assert json.loads(h[-1]["executionSucceededEventDetails"]["output"]) == {"i": 3}
    assert all(isinstance(e["timestamp"], dt.datetime) and e["timestamp"].tzinfo for e in h)


def test_stats_count_states_and_transitions():
    ex = Executor(LOOP).run({})
    # Init, then Check+Inc three times, then Check and Done.
    assert ex.stats == {"states_entered": 9, "state_transitions": 9, "lambda_invocations": 0}
    assert sum(e["type"].endswith("StateEntered") for e in ex.history) == 9


def test_runs_are_deterministic_for_a_seed():
    d = {"QueryLanguage": "JSONata", "StartAt": "P",
         "States": {"P": {"Type": "Pass", "Output": {"r": "{% $random() %}", "u": "{% $uuid() %}"}, "End": True}}}
    a, b = Executor(d, seed=3).run({}), Executor(d, seed=3).run({})
    assert a.output == b.output
    assert Executor(d, seed=4).run({}).output != a.output


def test_assigned_variables_appear_in_exit_events():
    d = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"x": {"k": [1]}, "s": "t"}, "End": True}}}
    exited = Executor(d).run({}).history[2]["stateExitedEventDetails"]
    assert exited["assignedVariables"] == {"x": '{"k":[1]}', "s": '"t"'}
    assert exited["assignedVariablesDetails"] == {"truncated": False}


def test_summary_and_timeline_helpers():
    ex = Executor(LOOP).run({})
    assert execution_summary(ex) == {"status": "SUCCEEDED", "output": {"i": 3}, "error": None, "cause": None,
                                     "stats": ex.stats}
    buf = io.StringIO()
    render_timeline(ex, Console(file=buf, width=120, color_system=None))
    text = buf.getvalue()
    assert text.count("▶ Check") == 4 and "SUCCEEDED" in text
    failed = Executor({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "why"}}}).run({})
    buf = io.StringIO()
    render_timeline(failed, Console(file=buf, width=120, color_system=None))
    assert "FAILED" in buf.getvalue() and "why" in buf.getvalue()
    assert execution_summary(failed)["error"] == "E"


def test_timeline_shows_what_became_of_each_error():
    d = {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Next": "Ok",
              "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Broke", "Cause": "gears"}}}],
              "Retry": [{"ErrorEquals": ["Broke"], "MaxAttempts": 1, "IntervalSeconds": 90}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}]},
        "Ok": {"Type": "Succeed"}, "Handle": {"Type": "Pass", "End": True}}}
    ex = Executor(d).run({})
    assert [n["outcome"] for n in ex.notes] == ["retry", "caught"]
    buf = io.StringIO()
    render_timeline(ex, Console(file=buf, width=200, color_system=None))
    text = buf.getvalue()
    assert "✗ Broke gears → retry 1 in 1.5min" in text
    assert "✗ Broke gears → caught, next Handle" in text
    assert "▶ Handle" in text


def test_the_same_executor_repeats_a_run_exactly():
    d = {"QueryLanguage": "JSONata", "StartAt": "P",
         "States": {"P": {"Type": "Pass", "Output": {"u": "{% $uuid() %}"}, "End": True}}}
    ex = Executor(d, seed=9)
    first, second = ex.run({}, name="a"), ex.run({}, name="a")
    assert first.output == second.output
    assert [e["timestamp"] for e in first.history] == [e["timestamp"] for e in second.history]
    assert ex.run({}, name="b").output != first.output
