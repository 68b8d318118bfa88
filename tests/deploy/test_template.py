"""Templates: deterministic, pass cfn-lint, the SAM one transforms with aws-sam-translator."""
from __future__ import annotations

import json
import re

import pytest
from cfnlint.api import ManualArgs, lint

from pyawssfn.deploy.source import Machine, ShipError, order_machines
from pyawssfn.deploy.template import TemplateOptions, build_template, dump_template

from .conftest import lambda_task, machine

CHILD = Machine("check_stock", machine(("A", lambda_task("reserve"))))
ROOT = Machine("order", machine(
    ("Get", lambda_task("get_order", "Child")),
    ("Child", {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
               "Arguments": {"StateMachineArn": "${StateMachineArn_check_stock}", "Input": {}}, "Next": "Put"}),
    ("Put", {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
             "Arguments": {"Bucket": "order-archive", "Key": "{% $key %}", "Body": "x"}, "End": True})),
    ["check_stock"])


def lint_errors(template: dict) -> list[str]:
    return [str(m) for m in lint(json.dumps(template), config=ManualArgs(regions=["us-east-1"]))]


@pytest.mark.parametrize("fmt", ["sam", "cloudformation"])
def test_templates_pass_cfn_lint(fmt):
    t = build_template([CHILD, ROOT], TemplateOptions(format=fmt, s3_bucket="my-artifacts", s3_key="fn.zip",
                                                      tracing=True, log_level="ALL"))
    assert lint_errors(t) == []


def test_sam_template_with_a_local_zip_passes_cfn_lint():
    t = build_template([CHILD, ROOT], TemplateOptions(format="sam", code_uri="build/function.zip", arch="arm64"))
    assert lint_errors(t) == []


def test_cloudformation_without_code_location_gets_parameters_and_passes_lint():
    t = build_template([CHILD, ROOT], TemplateOptions(format="cloudformation"))
    assert set(t["Parameters"]) == {"CodeS3Bucket", "CodeS3Key"}
    assert t["Resources"]["Function"]["Properties"]["Code"] == {"S3Bucket": {"Ref": "CodeS3Bucket"},
                                                                "S3Key": {"Ref": "CodeS3Key"}}
    assert lint_errors(t) == []


def test_sam_template_transforms_with_sam_translator(monkeypatch):
    from samtranslator.translator.transform import transform
    from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader

    class NoManagedPolicies(ManagedPolicyLoader):
        def __init__(self):
            self.calls = 0

        def load(self):
            self.calls += 1
            return {}

    t = build_template([CHILD, ROOT], TemplateOptions(format="sam", code_uri="function.zip"))
    assert t["Resources"]["Function"]["Properties"]["CodeUri"] == "function.zip"
    # `sam package` replaces the local CodeUri with the uploaded object before the transform runs.
    t["Resources"]["Function"]["Properties"]["CodeUri"] = "s3://my-artifacts/function.zip"
    out = transform(t, {"AWS::Region": "us-east-1"}, NoManagedPolicies())
    types = {name: r["Type"] for name, r in out["Resources"].items()}
    assert types["Function"] == "AWS::Lambda::Function"
    assert types["StateMachine"] == types["StateMachineCheckStock"] == "AWS::StepFunctions::StateMachine"
    # SAM made no role of its own: ours are the only ones, so the least-privilege policy is the one in force.
    assert sorted(n for n, ty in types.items() if ty == "AWS::IAM::Role") == [
        "FunctionRole", "StateMachineCheckStockRole", "StateMachineRole"]
    sm = out["Resources"]["StateMachine"]["Properties"]
    assert sm["DefinitionSubstitutions"] == {"FunctionArn": {"Fn::GetAtt": ["Function", "Arn"]},
                                             "StateMachineArn_check_stock": {"Ref": "StateMachineCheckStock"}}
    assert sm["LoggingConfiguration"]["IncludeExecutionData"] is False
    assert lint_errors(out) == []


def test_template_is_deterministic_and_json():
    opts = TemplateOptions(format="sam")
    a = dump_template(build_template([CHILD, ROOT], opts))
    b = dump_template(build_template([CHILD, ROOT], opts))
    assert a == b and json.loads(a)["Transform"] == "AWS::Serverless-2016-10-31"


def test_each_machine_has_its_own_role_with_only_what_it_uses():
    t = build_template([CHILD, ROOT], TemplateOptions(format="cloudformation"))
    res = t["Resources"]

    def actions(role):
        doc = res[role]["Properties"]["Policies"][0]["PolicyDocument"]
        return {a for st in doc["Statement"] for a in st["Action"] if not a.startswith("logs:")}

    assert actions("StateMachineCheckStockRole") == {"lambda:InvokeFunction"}
    assert actions("StateMachineRole") == {
        "lambda:InvokeFunction", "states:StartExecution", "states:DescribeExecution", "states:StopExecution",
        "events:PutTargets", "events:PutRule", "events:DescribeRule", "s3:PutObject"}
    doc = res["StateMachineRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    by_action = {a: st["Resource"] for st in doc["Statement"] for a in st["Action"]}
    assert by_action["states:StartExecution"] == [{"Ref": "StateMachineCheckStock"}]
    assert by_action["s3:PutObject"] == [{"Fn::Sub": "arn:${AWS::Partition}:s3:::order-archive/*"}]
    assert res["StateMachine"]["Properties"]["LoggingConfiguration"]["Level"] == "ERROR"
    assert res["StateMachineRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "states.amazonaws.com"}
    assert res["Function"]["Properties"]["Handler"] == "pyawssfn_handler.handler"


def test_xray_only_with_tracing():
    def xray(tracing):
        t = build_template([CHILD, ROOT], TemplateOptions(format="sam", tracing=tracing))
        doc = t["Resources"]["StateMachineRole"]["Properties"]["Policies"][0]["PolicyDocument"]
        return {a for st in doc["Statement"] for a in st["Action"] if a.startswith("xray:")}
    assert xray(False) == set() and xray(True)


def test_bad_code_options_are_refused():
    with pytest.raises(ShipError, match="--s3-key"):
        build_template([ROOT], TemplateOptions(s3_bucket="b"))
    with pytest.raises(ShipError, match="S3"):
        build_template([ROOT], TemplateOptions(format="cloudformation", code_uri="f.zip"))


def test_cyclic_children_are_refused():
    a = Machine("a", {}, ["b"])
    b = Machine("b", {}, ["a"])
    with pytest.raises(ShipError, match="cycle"):
        order_machines({"a": a, "b": b}, "a")


# --- YAML, options, Express (issue #10) ------------------------------------------------------------------------

def test_yaml_template_uses_short_tags_and_reads_back_as_the_json_one():
    from cfnlint.decode.cfn_yaml import loads
    t = build_template([CHILD, ROOT], TemplateOptions(format="sam", code_uri="function.zip", tracing=True))
    text = dump_template(t, yaml=True)
    assert "!GetAtt Function.Arn" in text and "!Ref StateMachineCheckStock" in text and "!Sub" in text
    assert "Fn::GetAtt" not in text and "&" not in text  # no long forms, no anchors
    assert json.loads(json.dumps(loads(text))) == t
    assert text == dump_template(build_template([CHILD, ROOT], TemplateOptions(format="sam", code_uri="function.zip",
                                                                               tracing=True)), yaml=True)


@pytest.mark.parametrize("fmt", ["sam", "cloudformation"])
def test_yaml_templates_pass_cfn_lint(fmt):
    t = build_template([CHILD, ROOT], TemplateOptions(format=fmt, s3_bucket="my-artifacts", s3_key="fn.zip",
                                                      tracing=True, environment={"STAGE": "prod"}))
    text = dump_template(t, yaml=True)
    assert [str(m) for m in lint(text, config=ManualArgs(regions=["us-east-1"]))] == []


def test_yaml_sam_template_transforms_with_sam_translator():
    from cfnlint.decode.cfn_yaml import loads
    from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
    from samtranslator.translator.transform import transform

    class NoManagedPolicies(ManagedPolicyLoader):
        def __init__(self):
            pass

        def load(self):
            return {}

    t = build_template([CHILD], TemplateOptions(format="sam", code_uri="function.zip", type="EXPRESS",
                                                      tracing=True, memory=512, layers=["arn:aws:lambda:us-east-1:"
                                                                                        "123456789012:layer:l:1"]))
    parsed = loads(dump_template(t, yaml=True))
    parsed["Resources"]["Function"]["Properties"]["CodeUri"] = "s3://my-artifacts/function.zip"
    out = transform(json.loads(json.dumps(parsed)), {"AWS::Region": "us-east-1"}, NoManagedPolicies())
    res = out["Resources"]
    assert res["StateMachine"]["Properties"]["StateMachineType"] == "EXPRESS"
    fn = res["Function"]["Properties"]
    assert (fn["MemorySize"], fn["TracingConfig"], fn["Layers"]) == (
        512, {"Mode": "Active"}, ["arn:aws:lambda:us-east-1:123456789012:layer:l:1"])
    assert lint_errors(out) == []


def test_function_and_machine_options_reach_the_template():
    t = build_template([CHILD, ROOT], TemplateOptions(
        format="cloudformation", memory=1024, timeout=300, environment={"STAGE": "prod", "MODE": "x"},
        layers=["arn:aws:lambda:us-east-1:123456789012:layer:l:1"], arch="arm64", tracing=True, log_retention=7))
    res = t["Resources"]
    fn = res["Function"]["Properties"]
    assert (fn["MemorySize"], fn["Timeout"], fn["Architectures"]) == (1024, 300, ["arm64"])
    assert fn["Environment"] == {"Variables": {"STAGE": "prod", "MODE": "x"}}
    assert fn["TracingConfig"] == {"Mode": "Active"}
    role = res["FunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert {a for st in role for a in st["Action"]} >= {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
    groups = [r for r in res.values() if r["Type"] == "AWS::Logs::LogGroup"]
    assert len(groups) == 3 and all(g["Properties"]["RetentionInDays"] == 7 for g in groups)
    assert res["StateMachine"]["Properties"]["StateMachineType"] == "STANDARD"
    assert lint_errors(t) == []


def test_no_retention_keeps_logs_and_no_tracing_grants_no_xray_to_the_function():
    t = build_template([ROOT.__class__("solo", machine(("A", lambda_task("reserve"))))],
                       TemplateOptions(format="cloudformation", log_retention=None))
    res = t["Resources"]
    assert all("RetentionInDays" not in r["Properties"] for r in res.values() if r["Type"] == "AWS::Logs::LogGroup")
    assert "TracingConfig" not in res["Function"]["Properties"]
    role = res["FunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert not [a for st in role for a in st["Action"] if a.startswith("xray:")]


@pytest.mark.parametrize("options, message", [
    (dict(log_retention=10), "--log-retention 10"),
    (dict(memory=64), "memory 64 MB is out of Lambda's range"),
    (dict(timeout=901), "timeout 901 s is out of Lambda's range"),
    (dict(layers=["a"] * 6), "at most 5"),
    (dict(environment={"1BAD": "x"}), "'1BAD'"),
    (dict(type="FAST"), "STANDARD or EXPRESS"),
])
def test_bad_function_options_are_refused(options, message):
    with pytest.raises(ShipError, match=re.escape(message)):
        build_template([CHILD, ROOT], TemplateOptions(**options))


def test_the_function_outlives_the_longest_step():
    slow = Machine("slow", machine(("A", lambda_task("crunch", TimeoutSeconds=300))))
    t = build_template([slow], TemplateOptions(format="cloudformation"))
    assert t["Resources"]["Function"]["Properties"]["Timeout"] == 305
    assert build_template([CHILD], TemplateOptions())["Resources"]["Function"]["Properties"]["Timeout"] == 60
    with pytest.raises(ShipError, match="shorter than the longest step needs"):
        build_template([slow], TemplateOptions(timeout=120))


def test_an_express_template_refuses_sync_and_callback_patterns():
    with pytest.raises(ShipError, match=r"'Child' uses arn:aws:states:::states:startExecution.sync:2 \(Run a Job"):
        build_template([CHILD, ROOT], TemplateOptions(type="EXPRESS"))
    t = build_template([CHILD], TemplateOptions(format="cloudformation", type="EXPRESS"))
    assert t["Resources"]["StateMachine"]["Properties"]["StateMachineType"] == "EXPRESS"
