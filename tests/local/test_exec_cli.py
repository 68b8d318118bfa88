"""``pyawssfn exec``: exit statuses, the --json object, the timeline, and bad input handled without tracebacks."""
from __future__ import annotations

import json

import pytest

from pyawssfn.cli import main

DEFINITION = {
    "StartAt": "Call",
    "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "QueryLanguage": "JSONata",
                 "Arguments": {"FunctionName": "greet", "Payload": {"name": "{% $states.input.name %}"}},
                 "Output": "{% $states.result.Payload %}",
                 "Retry": [{"ErrorEquals": ["ValueError"], "IntervalSeconds": 5}], "Next": "Wait"},
        "Wait": {"Type": "Wait", "Seconds": 86400, "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}

HANDLERS = '''
calls = []
def greet(event, context):
    calls.append(1)
    if len(calls) == 1:
        raise ValueError("cold start")
    if event["name"] == "bad":
        return {1, 2}
    return {"greeting": "hello " + event["name"]}
'''


@pytest.fixture()
def files(tmp_path):
    (tmp_path / "def.json").write_text(json.dumps(DEFINITION))
    (tmp_path / "handlers.py").write_text(HANDLERS)
    return tmp_path


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_is_one_object_and_exit_zero(files, capsys):
    code, out, err = run_cli(capsys, "exec", str(files / "def.json"), "--input", '{"name": "ann"}',
                             "--lambda", f"greet={files / 'handlers.py'}:greet", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result == {"status": "SUCCEEDED", "output": {"greeting": "hello ann"}, "error": None, "cause": None,
                      "stats": {"states_entered": 3, "state_transitions": 4, "lambda_invocations": 2}}


def test_timeline_shows_states_virtual_time_retry_and_result(files, capsys):
    code, out, _ = run_cli(capsys, "exec", str(files / "def.json"), "--input", '{"name": "ann"}',
                           "--lambda", f"greet={files / 'handlers.py'}:greet")
    assert code == 0
    assert "▶ Call" in out and "▶ Wait" in out and "▶ Done" in out
    assert "ValueError" in out and "cold start" in out and "retry 1" in out
    # the one-day Wait: the next state is entered a virtual day later (the timeline's fixed-width +H:MM:SS.mmm)
    import re
    assert re.search(r"\+24:00:0\d\.\d{3} ▶ Done", out), out
    assert "SUCCEEDED" in out and "hello ann" in out


def test_failed_execution_exits_one(files, capsys):
    code, out, _ = run_cli(capsys, "exec", str(files / "def.json"), "--input", '{"name": "bad"}',
                           "--lambda", f"greet={files / 'handlers.py'}:greet", "--json")
    assert code == 1
    assert json.loads(out)["error"] == "Runtime.MarshalError"


def test_unserved_lambda_fails_with_aws_error(files, capsys):
    code, out, _ = run_cli(capsys, "exec", str(files / "def.json"), "--input", '{"name": "x"}', "--json")
    assert code == 1
    assert json.loads(out)["error"] == "Lambda.ResourceNotFoundException"


@pytest.mark.parametrize("argv, message", [
    (["--input", "{bad"], "--input is not valid JSON"),
    (["--lambda", "greet"], "must be ARN=MODULE:FUNCTION"),
    (["--lambda", "greet=handlers"], "must be MODULE:FUNCTION"),
    (["--lambda", "greet=no_such_file.py"], "no such file no_such_file.py"),
    (["--lambda", "greet=no_such_module_xyz:f"], "cannot import no_such_module_xyz"),
    (["--lambda", "greet={dir}/handlers.py:nope"], "has no function 'nope'"),
    (["--mocks", "{dir}/missing.json"], "cannot read mocks file"),
])
def test_bad_usage_exits_two_with_a_message(files, capsys, argv, message):
    argv = [a.replace("{dir}", str(files)) for a in argv]
    code, out, err = run_cli(capsys, "exec", str(files / "def.json"), *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_unreadable_and_invalid_definitions_exit_two_listing_every_problem(tmp_path, capsys):
    code, _, err = run_cli(capsys, "exec", str(tmp_path / "nope.json"))
    assert code == 2 and "cannot read the definition" in err
    (tmp_path / "bad.json").write_text("{")
    code, _, err = run_cli(capsys, "exec", str(tmp_path / "bad.json"))
    assert code == 2 and "not valid JSON" in err
    ten = {"StartAt": "S0", "States": {f"S{i}": {"Type": "Pass", "Next": f"Gone{i}"} for i in range(10)}}
    (tmp_path / "ten.json").write_text(json.dumps(ten))
    code, _, err = run_cli(capsys, "exec", str(tmp_path / "ten.json"))
    assert code == 2
    assert all(f"Gone{i}" in err for i in range(10))


def test_mocks_file_serves_service_tasks(tmp_path, capsys):
    d = {"StartAt": "Pub", "States": {"Pub": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                                              "Parameters": {"Message": "m"}, "End": True}}}
    (tmp_path / "d.json").write_text(json.dumps(d))
    (tmp_path / "m.json").write_text(json.dumps({"arn:aws:states:::sns:publish": {"Return": {"MessageId": "1"}}}))
    code, out, _ = run_cli(capsys, "exec", str(tmp_path / "d.json"), "--mocks", str(tmp_path / "m.json"), "--json")
    assert code == 0 and json.loads(out)["output"] == {"MessageId": "1"}
    code, out, _ = run_cli(capsys, "exec", str(tmp_path / "d.json"), "--json")
    assert code == 1 and "--mocks" in json.loads(out)["cause"]


def test_runaway_loop_fails_at_the_history_limit_via_cli(tmp_path, capsys):
    d = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "C"}], "Default": "A"},
        "C": {"Type": "Succeed"}}}
    (tmp_path / "d.json").write_text(json.dumps(d))
    code, out, _ = run_cli(capsys, "exec", str(tmp_path / "d.json"), "--json")
    assert code == 1
    assert "maximum number of history events" in json.loads(out)["cause"]
