"""validate gives AWS's verdict: every definition AWS refused or accepted when it was recorded
(../shared/conformance/validation.jsonl), and the general rules learned from them, tested on their own."""
from __future__ import annotations

import json

import pytest

from pyawssfn.asl import validate_definition
from tests.conftest import shared_path


def test_agrees_with_aws_on_every_recorded_definition():
    path = shared_path("conformance/validation.jsonl")  # skips on a bare clone, fails in CI when missing
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 90
    wrong = []
    for row in rows:
        problems = validate_definition(row["definition"], machine_type=row["type"])
        if bool(problems) != (row["aws_verdict"] == "rejected"):
            wrong.append(f"{row['id']} ({row['type']}): AWS {row['aws_verdict']} ({row['aws_message'][:120]}), "
                         f"ours: {[str(p) for p in problems][:2]}")
    assert not wrong, "\n".join(wrong)


def _one(state: dict, **top) -> dict:
    return {"StartAt": "S", "States": {"S": state}, **top}


def _messages(definition, machine_type="STANDARD") -> list[str]:
    return [str(p) for p in validate_definition(definition, machine_type=machine_type)]


def _map(**fields) -> dict:
    return {"Type": "Map", "End": True, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, **fields}


@pytest.mark.parametrize("label, message", [
    ("", "Label cannot be empty"), ("x" * 41, "Label cannot exceed 40 characters"),
    ("a b", "Label contains invalid character: ' '"), ("a/b", "invalid character: '/'"),
    ("tab\there", "invalid character: '\\t'"), ("c\x85", "invalid character: '\\x85'"),
    ("`tick`", "invalid character: '`'"), ("?", "invalid character: '?'"),
])
def test_map_label_characters_and_length(label, message):
    assert any(message in m for m in _messages(_one(_map(Label=label))))


def test_a_good_map_label_is_accepted():
    assert _messages(_one(_map(Label="My-Label_01.v2"))) == []


@pytest.mark.parametrize("resource, message", [
    ("arn:aws:states:::sqs:sendMessage.waitForTaskToken", "does not support '.waitForTaskToken'"),
    ("arn:aws:states:::states:startExecution.sync:2", "does not support '.sync'"),
    ("arn:aws:states:::glue:startJobRun.sync", "does not support '.sync'"),
    ("arn:aws:states:us-east-1:123456789012:activity:work", "does not support Activity ARN"),
])
def test_express_only_restrictions(resource, message):
    definition = _one({"Type": "Task", "Resource": resource, "End": True})
    assert _messages(definition) == []
    assert any(message in m for m in _messages(definition, "EXPRESS"))


def test_express_children_of_a_distributed_map_are_held_to_express_rules():
    inner = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "End": True,
             "Parameters": {"FunctionName": "f", "Payload": {"t.$": "$$.Task.Token"}}}
    m = _map()
    m["ItemProcessor"]["ProcessorConfig"]["ExecutionType"] = "EXPRESS"
    m["ItemProcessor"]["States"] = {"P": inner}
    assert any("does not support '.waitForTaskToken'" in x for x in _messages(_one(m)))


@pytest.mark.parametrize("stamp, ok", [
    ("2016-12-05T21:29:29Z", True), ("2016-12-05T21:29:29.123+02:00", True), ("2016-12-05T21:29:29", False),
    ("2016-12-05 21:29:29Z", False), ("2016-12-05T25:29:29Z", False), ("2016-02-30T00:00:00Z", False),
    ("05-12-2016T21:29:29Z", False), ("2016-12-05", False),
])
def test_wait_timestamps_are_rfc3339_with_t_and_zone(stamp, ok):
    messages = _messages(_one({"Type": "Wait", "Timestamp": stamp, "End": True}))
    assert (messages == []) == ok, messages
    if not ok:
        assert any("String does not match RFC3339 timestamp" in m for m in messages)


def test_a_jsonata_wait_timestamp_is_an_expression_but_not_in_jsonpath():
    state = {"Type": "Wait", "Timestamp": "{% '2016-03-14T01:59:00Z' %}", "End": True}
    assert _messages(_one(state, QueryLanguage="JSONata")) == []
    assert _messages(_one(state)) != []


@pytest.mark.parametrize("credentials", [{}, {"InvalidField": "x"}, {"Role": "arn:aws:iam::1:role/r"}])
def test_credentials_need_a_role_arn(credentials):
    state = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "f"},
             "Credentials": credentials, "End": True}
    assert any("The field 'RoleArn' is required but was missing" in m
               for m in _messages(_one(state, QueryLanguage="JSONata")))
    state["Credentials"] = {"RoleArn": "arn:aws:iam::123456789012:role/r"}
    assert _messages(_one(state, QueryLanguage="JSONata")) == []


@pytest.mark.parametrize("resource, ok", [
    ("arn:aws:states:::lambda:invoke", True), ("arn:aws:states:::lambda:invoke.waitForTaskToken", True),
    ("arn:aws:states:::aws-sdk:s3:getObject", True), ("arn:aws:states:::states:startExecution.sync:2", True),
    ("arn:aws:states:::ecs:runTask.sync", True), ("arn:aws:states:::http:invoke", True),
    ("arn:aws:states:::lambda:invok", False), ("arn:aws:states:::lambda:invoke.sync", False),
    ("arn:aws:states:::dynamodb:getItem.waitForTaskToken", False), ("arn:aws:states:::nosuch:thing", False),
    ("arn:aws:states:::aws-sdk:s3:getObject.sync", False), ("arn:aws:states:::sqs:sendMessage.sync:2", False),
])
def test_only_existing_optimized_integrations(resource, ok):
    messages = _messages(_one({"Type": "Task", "Resource": resource, "End": True}))
    assert any("is not recognized" in m for m in messages) != ok, messages


@pytest.mark.parametrize("value, ok", [
    ("States.Format('He said {}', 'x')", True), ("States.Format('a \\' b \\{ \\} \\\\ c')", True),
    ("States.Format('He said, \\\"Hello\\\"')", False), ("States.StringToJson('{\"a\": \"\\n\"}')", False),
    ("States.Format('unclosed)", False),
])
def test_escapes_in_intrinsic_string_literals(value, ok):
    messages = _messages(_one({"Type": "Pass", "Parameters": {"parsed.$": value}, "End": True}))
    assert (messages == []) == ok, messages
    if not ok:
        assert any("must be a valid JSONPath or a valid intrinsic function call" in m for m in messages)


def test_what_aws_accepted_is_accepted():
    choice = {"Type": "Choice", "Choices": [{"Condition": True, "Next": "P"}], "Default": "P"}
    assert _messages({"QueryLanguage": "JSONata", "StartAt": "C",
                      "States": {"C": choice, "P": {"Type": "Pass", "End": True}}}) == []
    reader = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON", "MaxItems": 0},
              "Parameters": {"Bucket": "b", "Key": "k"}}
    assert _messages(_one(_map(ItemReader=reader))) == []


@pytest.mark.parametrize("state, field", [
    ({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 0, "End": True},
     "TimeoutSeconds"),
    ({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "HeartbeatSeconds": 0, "End": True},
     "HeartbeatSeconds"),
    ({"Type": "Wait", "Seconds": -1, "End": True}, "Seconds"),
])
def test_one_message_with_one_range_per_field(state, field):
    messages = _messages(_one(state, TimeoutSeconds=0))
    for path in ("TimeoutSeconds", f"States.S.{field}"):
        mine = [m for m in messages if m.startswith(path + ":")]
        assert len(mine) == 1 and "floor" not in mine[0], messages
