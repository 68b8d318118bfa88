"""start / history / watch / callback and the error messages, through the CLI, against moto's server."""
from __future__ import annotations

import json
import socket

import boto3
import pytest

from pyawssfn.cli import main

from .conftest import ACCOUNT, lambda_task, machine

ROLE = f"arn:aws:iam::{ACCOUNT}:role/any"


@pytest.fixture
def machine_name(moto_url, request):
    name = "m-" + request.node.name.replace("_", "-")[:40]
    sfn = boto3.client("stepfunctions", endpoint_url=moto_url, region_name="us-east-1")
    sfn.create_state_machine(name=name, roleArn=ROLE, definition=json.dumps(machine(("A", lambda_task("a")))))
    return name


def cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_start_by_name_then_history_table_and_json(moto_url, machine_name, capsys):
    code, out, _ = cli(capsys, "start", machine_name, "--input", '{"text": "abc"}', "--name", "e1",
                       "--endpoint-url", moto_url)
    arn = out.strip()
    assert code == 0 and arn == f"arn:aws:states:us-east-1:{ACCOUNT}:execution:{machine_name}:e1"
    sfn = boto3.client("stepfunctions", endpoint_url=moto_url, region_name="us-east-1")
    assert json.loads(sfn.describe_execution(executionArn=arn)["input"]) == {"text": "abc"}
    code, out, _ = cli(capsys, "history", arn, "--endpoint-url", moto_url)
    assert code == 0 and "ExecutionStarted" in out
    code, out, _ = cli(capsys, "history", arn, "--json", "--endpoint-url", moto_url)
    events = json.loads(out)["events"]
    assert code == 0 and events[0]["type"] == "ExecutionStarted" and isinstance(events[0]["timestamp"], str)
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)


def test_start_refuses_bad_json_and_reports_unknown_machine(moto_url, capsys):
    code, _, err = cli(capsys, "start", "nope", "--input", "{oops", "--endpoint-url", moto_url)
    assert code == 2 and "--input is not valid JSON" in err
    code, _, err = cli(capsys, "start", "no-such-machine", "--endpoint-url", moto_url)
    assert code == 1 and "StateMachineDoesNotExist" in err and "Traceback" not in err


def test_watch_stops_at_a_terminal_status(moto_url, machine_name, capsys):
    sfn = boto3.client("stepfunctions", endpoint_url=moto_url, region_name="us-east-1")
    arn = sfn.start_execution(stateMachineArn=f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:{machine_name}",
                              input="{}")["executionArn"]
    sfn.stop_execution(executionArn=arn, error="Stopped", cause="by the test")
    code, out, _ = cli(capsys, "watch", arn, "--interval", "0.2", "--endpoint-url", moto_url)
    assert code == 1 and "ExecutionStarted" in out and "ABORTED" in out


def test_watch_gives_up_after_timeout(moto_url, machine_name, capsys):
    sfn = boto3.client("stepfunctions", endpoint_url=moto_url, region_name="us-east-1")
    arn = sfn.start_execution(stateMachineArn=f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:{machine_name}",
                              input="{}")["executionArn"]
    code, out, err = cli(capsys, "watch", arn, "--timeout", "0", "--endpoint-url", moto_url)
    assert code == 1 and "still RUNNING after 0 s" in err and "ExecutionStarted" in out


def test_watch_polls_until_the_end(moto_url, machine_name):
    from pyawssfn.deploy import executions
    from pyawssfn.deploy.aws import connect
    aws = connect(None, moto_url)
    sfn = boto3.client("stepfunctions", endpoint_url=moto_url, region_name="us-east-1")
    arn = sfn.start_execution(stateMachineArn=f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:{machine_name}",
                              input="{}")["executionArn"]
    waits = []

    def fake_sleep(seconds):      # the execution ends while we "sleep"
        waits.append(seconds)
        sfn.stop_execution(executionArn=arn)
    polls = list(executions.poll(aws, arn, interval=1000, sleep=fake_sleep))
    assert [p.status for p in polls] == ["RUNNING", "ABORTED"]
    assert waits == [executions.MAX_INTERVAL]          # interval clamped
    assert polls[1].new_events == []                    # every event shown once


def test_callbacks_are_sent(moto_url, capsys):
    code, out, _ = cli(capsys, "callback", "succeed", "tok-1", "--output", '{"approved": true}',
                       "--endpoint-url", moto_url)
    assert code == 0 and "success sent" in out
    code, out, _ = cli(capsys, "callback", "fail", "tok-1", "--error", "Rejected", "--cause", "no",
                       "--endpoint-url", moto_url)
    assert code == 0 and "failure sent" in out
    code, out, _ = cli(capsys, "callback", "heartbeat", "tok-1", "--endpoint-url", moto_url)
    assert code == 0 and "heartbeat sent" in out


def test_callbacks_refuse_bad_input_before_sending(moto_url, capsys):
    code, _, err = cli(capsys, "callback", "succeed", "tok", "--output", "not json", "--endpoint-url", moto_url)
    assert code == 2 and "--output is not valid JSON" in err
    code, _, err = cli(capsys, "callback", "heartbeat", "", "--endpoint-url", moto_url)
    assert code == 2 and "taskToken" in err         # botocore's own check: a token is at least 1 character


@pytest.mark.parametrize("argv", [
    ["history", f"arn:aws:states:us-east-1:{ACCOUNT}:execution:m:e"],
    ["watch", f"arn:aws:states:us-east-1:{ACCOUNT}:execution:m:e"],
    ["start", "m"],
    ["callback", "heartbeat", "tok"],
    ["deploy", "examples/approval.py", "--name", "nocreds"],
], ids=lambda a: a[0])
def test_no_credentials_is_a_clear_message(moto_url, monkeypatch, capsys, argv):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, out, err = cli(capsys, *argv, "--endpoint-url", moto_url)
    assert code == 2 and "no AWS credentials found" in err and "Traceback" not in err and out == ""


def test_unknown_region_is_a_clear_message(capsys):
    code, _, err = cli(capsys, "start", "m", "--region", "mars-north-1")
    assert code == 2 and "'mars-north-1' is not an AWS region" in err


def test_unreachable_endpoint_is_a_clear_message(capsys):
    with socket.socket() as s:          # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _, err = cli(capsys, "callback", "heartbeat", "t", "--endpoint-url", f"http://127.0.0.1:{port}")
    assert code == 2 and f"cannot reach http://127.0.0.1:{port}" in err and "Traceback" not in err


def test_start_wait_gives_up_after_timeout(moto_url, machine_name, capsys):
    code, out, err = cli(capsys, "start", machine_name, "--wait", "--timeout", "0", "--endpoint-url", moto_url)
    assert code == 1 and out.startswith("arn:aws:states:") and "still RUNNING after 0 s" in err


def test_outcome_printing(capsys):
    from pyawssfn.commands.start import print_outcome
    assert print_outcome({"status": "SUCCEEDED", "output": '{"a": 1}'}) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1]) == {"a": 1}
    assert print_outcome({"status": "FAILED", "error": "MalformedText", "cause": "text too short"}) == 1
    assert "error: MalformedText\ncause: text too short" in capsys.readouterr().out


def test_an_execution_arn_brings_its_region(moto_url, capsys):
    sfn = boto3.client("stepfunctions", endpoint_url=moto_url, region_name="eu-west-1")
    sm = sfn.create_state_machine(name="far-away", roleArn=ROLE, definition=json.dumps(
        machine(("A", lambda_task("a")))))["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=sm, input="{}")["executionArn"]
    code, out, _ = cli(capsys, "history", arn, "--json", "--endpoint-url", moto_url)   # configured: us-east-1
    assert code == 0 and json.loads(out)["events"]
    code, _, err = cli(capsys, "history", arn, "--region", "us-east-1", "--endpoint-url", moto_url)
    assert code == 1 and "ExecutionDoesNotExist" in err                     # an explicit --region is obeyed
