"""`exec --mocks` and the executor read AWS's MockConfigFile format (Step Functions Local, LocalStack) as well as
ours: one test case, its responses served per state in call order."""
from __future__ import annotations

import json
import pathlib

import pytest

from pyawssfn.cli import main
from pyawssfn.local import Executor, MockFormatError, load_mocks

LAMBDA = "arn:aws:states:::lambda:invoke"
DEFINITION = {
    "QueryLanguage": "JSONata", "StartAt": "LambdaState",
    "States": {
        "LambdaState": {"Type": "Task", "Resource": LAMBDA,
                        "Arguments": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:hello",
                                      "Payload": "{% $states.input %}"},
                        "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 3,
                                   "BackoffRate": 1}],
                        "Output": "{% $states.result.Payload %}", "Next": "SQSState"},
        "SQSState": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                     "Arguments": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                                   "MessageBody": "{% $states.input %}"},
                     "Output": "{% {\"lambda\": $states.input, \"message\": $states.result.MessageId} %}",
                     "End": True}}}

# The shape of AWS's own example (docs: "Configuration file for mocked service integrations").
CONFIG = {
    "StateMachines": {"LambdaSQSIntegration": {"TestCases": {
        "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
        "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
        "HybridPath": {"LambdaState": "MockedLambdaSuccess"}}}},
    "MockedResponses": {
        "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200, "Payload": {"body": "Hello from Lambda!"}}}},
        "MockedSQSSuccess": {"0": {"Return": {"MD5OfMessageBody": "3bcb", "MessageId": "m-1"}}},
        "MockedLambdaRetry": {
            "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "not ready"}},
            "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "timed out"}},
            "3": {"Return": {"StatusCode": 200, "Payload": {"body": "at last"}}}}},
}


@pytest.fixture
def files(tmp_path):
    (tmp_path / "machine.json").write_text(json.dumps(DEFINITION))
    (tmp_path / "MockConfigFile.json").write_text(json.dumps(CONFIG))
    return tmp_path


def exec_json(files, case, capsys):
    code = main(["exec", str(files / "machine.json"), "--mocks", f"{files / 'MockConfigFile.json'}#{case}",
                 "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_exec_runs_a_definition_with_an_aws_format_mock_file(files, capsys):
    code, summary = exec_json(files, "HappyPath", capsys)
    assert code == 0 and summary["status"] == "SUCCEEDED"
    assert summary["output"] == {"lambda": {"body": "Hello from Lambda!"}, "message": "m-1"}


def test_numbered_responses_are_served_in_call_order_across_retries(files, capsys):
    code, summary = exec_json(files, "LambdaSQSIntegration:RetryPath", capsys)
    assert code == 0 and summary["output"]["lambda"] == {"body": "at last"}
    ex = Executor(DEFINITION, mocks=load_mocks(f"{files / 'MockConfigFile.json'}#RetryPath")).run({})
    assert ex.status == "SUCCEEDED"
    failed = [e for e in ex.history if e["type"] == "TaskFailed"]
    assert [e["taskFailedEventDetails"]["error"] for e in failed] == [
        "Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"]


def test_a_call_past_the_last_response_fails_the_execution(files, capsys):
    config = json.loads(json.dumps(CONFIG))
    config["MockedResponses"]["MockedLambdaRetry"].pop("3")
    (files / "MockConfigFile.json").write_text(json.dumps(config))
    code, summary = exec_json(files, "RetryPath", capsys)
    assert code == 1 and summary["error"] == "States.Runtime"
    assert "has 3 response(s) for state 'LambdaState'; call number 3" in summary["cause"]


def test_a_state_the_test_case_leaves_out_says_how_to_mock_it(files, capsys):
    code = main(["exec", str(files / "machine.json"), "--mocks", f"{files / 'MockConfigFile.json'}#HybridPath"])
    assert code == 1  # SQSState has no mock and nothing else serves it: the execution fails, saying so


@pytest.mark.parametrize("change, message", [
    (lambda c: None, "several test cases (LambdaSQSIntegration:HappyPath, LambdaSQSIntegration:RetryPath"),
    (lambda c: c["MockedResponses"]["MockedLambdaRetry"].pop("1-2"), "without gaps; 3 follows 0"),
    (lambda c: c["MockedResponses"]["MockedSQSSuccess"].update({"x": {}}), "'x' is not a call number"),
    (lambda c: c["StateMachines"]["LambdaSQSIntegration"]["TestCases"]["HappyPath"].update(SQSState="Nope"),
     "the response 'Nope', which MockedResponses does not define"),
    (lambda c: c["MockedResponses"]["MockedSQSSuccess"].update({"1": {"Return": 1, "Throw": {}}}),
     "must be {\"Return\": value} or"),
])
def test_bad_mock_files_exit_2_with_the_reason(files, capsys, change, message):
    config = json.loads(json.dumps(CONFIG))
    change(config)
    (files / "MockConfigFile.json").write_text(json.dumps(config))
    case = "" if "several" in message else "#HappyPath"
    code = main(["exec", str(files / "machine.json"), "--mocks", f"{files / 'MockConfigFile.json'}{case}"])
    err = capsys.readouterr().err
    assert code == 2 and message in err, err


def test_an_unknown_test_case_names_the_ones_there_are(files):
    with pytest.raises(MockFormatError, match=r"'Sad' is not one of its test cases \(LambdaSQSIntegration:HappyPath"):
        load_mocks(f"{files / 'MockConfigFile.json'}#Sad")
    with pytest.raises(MockFormatError, match="only AWS's MockConfigFile format"):
        (files / "ours.json").write_text(json.dumps({"SQSState": {"Return": {}}}))
        load_mocks(f"{files / 'ours.json'}#HappyPath")


# --- WorkflowTester -----------------------------------------------------------------------------------------------

QUOTE_CONFIG = {
    "StateMachines": {"quote": {"TestCases": {
        "BusyCarrier": {"price_items": "Subtotal500", "shipping_cost": "BusyThenFree"},
        "NoCarrier": {"shipping_cost": "Unknown"}}}},
    "MockedResponses": {
        "Subtotal500": {"0": {"Return": {"StatusCode": 200, "Payload": 500}}},
        "BusyThenFree": {"0": {"Throw": {"Error": "CarrierBusy", "Cause": "later"}},
                         "1": {"Return": {"StatusCode": 200, "Payload": 0}}},
        "Unknown": {"0": {"Throw": {"Error": "UnknownCountry", "Cause": "nowhere"}}}},
}


def test_workflow_tester_serves_both_sides_from_an_aws_mock_file(tmp_path):
    from pyawssfn.testing import WorkflowTester
    (tmp_path / "MockConfigFile.json").write_text(json.dumps(QUOTE_CONFIG))
    quote = pathlib.Path(__file__).resolve().parents[2] / "examples" / "quote.py"
    t = WorkflowTester(quote).mock_config(f"{tmp_path / 'MockConfigFile.json'}#BusyCarrier")
    py, machine = t.run_both({"items": {"anything": 1}, "country": "FR"})
    assert machine.output == py.output == {"subtotal": 500, "shipping": 0, "total": 500, "currency": "EUR"}
    assert machine.stats["lambda_invocations"] == 3  # the busy carrier was retried
    t = WorkflowTester(quote).mock_config(QUOTE_CONFIG, "NoCarrier")
    py, machine = t.run_both({"items": {"pear": 1}, "country": "FR"})
    assert (machine.error, machine.cause) == (py.error, py.cause) == ("NoCarrier", "we do not ship there")


def test_workflow_tester_refuses_states_it_cannot_serve_both_ways():
    from pyawssfn.testing import WorkflowTester
    quote = pathlib.Path(__file__).resolve().parents[2] / "examples" / "quote.py"
    config = json.loads(json.dumps(QUOTE_CONFIG))
    config["StateMachines"]["quote"]["TestCases"]["NoCarrier"] = {"Nope": "Unknown"}
    with pytest.raises(MockFormatError, match="'Nope', which is not a Task state of the workflow"):
        WorkflowTester(quote).mock_config(config, "NoCarrier")
    config["StateMachines"]["quote"]["TestCases"]["NoCarrier"] = {"price_items": "Bare"}
    config["MockedResponses"]["Bare"] = {"0": {"Return": 5}}
    with pytest.raises(MockFormatError, match="its Return is the invoke result"):
        WorkflowTester(quote).mock_config(config, "NoCarrier")
