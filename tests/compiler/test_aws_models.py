"""sfn.aws.<service>.<operation> checks against botocore's service models."""
from __future__ import annotations

import importlib.util
import pathlib

import pytest


def _load():
    try:
        from pyawssfn.compiler import aws_models  # type: ignore
        return aws_models
    except ImportError:
        path = pathlib.Path(__file__).resolve().parents[2] / "src" / "pyawssfn" / "compiler" / "aws_models.py"
        spec = importlib.util.spec_from_file_location("pyawssfn_aws_models_under_test", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod


am = _load()


@pytest.mark.parametrize(
    "service, operation, params, resource, action, op_name",
    [
        ("s3", "get_object", ["Bucket", "Key"], "arn:aws:states:::aws-sdk:s3:getObject", "s3:GetObject", "GetObject"),
        ("dynamodb", "put_item", ["TableName", "Item"], "arn:aws:states:::aws-sdk:dynamodb:putItem",
         "dynamodb:PutItem", "PutItem"),
        # Step Functions' own API: the ARN says sfn, IAM says states.
        ("stepfunctions", "start_execution", ["stateMachineArn", "input"],
         "arn:aws:states:::aws-sdk:sfn:startExecution", "states:StartExecution", "StartExecution"),
        # Dashed boto3 names may be written with underscores; the ARN uses the service ID without separators.
        ("acm_pca", "delete_certificate_authority", ["CertificateAuthorityArn"],
         "arn:aws:states:::aws-sdk:acmpca:deleteCertificateAuthority", "acm-pca:DeleteCertificateAuthority",
         "DeleteCertificateAuthority"),
        ("logs", "create_log_group", ["logGroupName"], "arn:aws:states:::aws-sdk:cloudwatchlogs:createLogGroup",
         "logs:CreateLogGroup", "CreateLogGroup"),
        ("elbv2", "describe_load_balancers", [],
         "arn:aws:states:::aws-sdk:elasticloadbalancingv2:describeLoadBalancers",
         "elasticloadbalancing:DescribeLoadBalancers", "DescribeLoadBalancers"),
        ("events", "put_events", ["Entries"], "arn:aws:states:::aws-sdk:eventbridge:putEvents", "events:PutEvents",
         "PutEvents"),
    ],
)
def test_hits(service, operation, params, resource, action, op_name):
    call = am.resolve_sdk_call(service, operation, params)
    assert call.resource == resource
    assert call.iam_action == action
    assert call.operation_name == op_name


def test_arguments_are_pascal_case_for_step_functions():
    call = am.resolve_sdk_call("stepfunctions", "start_execution", ["stateMachineArn", "input"])
    assert call.arguments == {"stateMachineArn": "StateMachineArn", "input": "Input"}


def test_unknown_service_suggests_close_names():
    with pytest.raises(am.SdkCallError) as e:
        am.resolve_sdk_call("dynamdb", "get_item", ["TableName", "Key"])
    assert "unknown AWS service 'dynamdb'" in e.value.message
    assert "dynamodb" in e.value.hint


def test_unknown_operation_suggests_close_names():
    with pytest.raises(am.SdkCallError) as e:
        am.resolve_sdk_call("s3", "get_objet", ["Bucket", "Key"])
    assert "no operation 'get_objet'" in e.value.message
    assert "get_object" in e.value.hint


def test_pascal_case_operation_is_pointed_to_snake_case():
    with pytest.raises(am.SdkCallError) as e:
        am.resolve_sdk_call("s3", "GetObject", ["Bucket", "Key"])
    assert e.value.hint == "write the operation in snake_case: get_object"


def test_unknown_parameter_suggests_close_names():
    with pytest.raises(am.SdkCallError) as e:
        am.resolve_sdk_call("s3", "get_object", ["Bucket", "Key", "VersionID"])
    assert "no parameter 'VersionID'" in e.value.message
    assert "VersionId" in e.value.hint


def test_missing_required_parameters_are_named():
    with pytest.raises(am.SdkCallError) as e:
        am.resolve_sdk_call("dynamodb", "get_item", ["TableName"])
    assert e.value.message == "dynamodb.get_item needs the parameter(s) Key"
    assert e.value.hint == "pass Key=..."


def test_operation_without_input_rejects_parameters():
    with pytest.raises(am.SdkCallError) as e:
        am.resolve_sdk_call("s3", "list_buckets", ["Bucket"])
    assert "no parameter 'Bucket'" in e.value.message


def test_str_has_message_and_hint():
    err = am.SdkCallError("what", "instead")
    assert str(err) == "what (instead)"
