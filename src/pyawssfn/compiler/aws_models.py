"""Checks `sfn.aws.<service>.<operation>(**params)` calls against botocore's service models.

The names are boto3's: the service as in `boto3.client("s3")` (a `-` may be written `_` since Python attributes cannot
hold dashes) and the operation in snake_case (`get_object`). The compiled Task uses the AWS SDK integration ARN
`arn:aws:states:::aws-sdk:<service>:<operationCamelCase>`, where Step Functions names a service by its SDK service ID,
lowercased, without spaces or dashes (`acm-pca` -> `acmpca`, `elbv2` -> `elasticloadbalancingv2`, `stepfunctions` ->
`sfn`).
"""
from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass

import botocore.session
from botocore import xform_name


class SdkCallError(Exception):
    """An sfn.aws call that does not match the service model: `message` says what, `hint` what to write instead."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


@dataclass(frozen=True)
class SdkCall:
    service: str           # boto3 service name, e.g. "s3"
    operation_name: str    # PascalCase API name, e.g. "GetObject"
    resource: str          # arn:aws:states:::aws-sdk:s3:getObject
    iam_action: str        # s3:GetObject
    params: tuple[str, ...]
    required: tuple[str, ...]
    # Step Functions takes SDK parameters in PascalCase even where the API (and boto3) use camelCase:
    # {"stateMachineArn": "StateMachineArn"}. A member named Equals is written EqualsValue.
    arguments: dict[str, str]


@functools.lru_cache(maxsize=1)
def _loader():
    return botocore.session.get_session().get_component("data_loader")


@functools.lru_cache(maxsize=1)
def available_services() -> tuple[str, ...]:
    return tuple(sorted(_loader().list_available_services("service-2")))


@functools.lru_cache(maxsize=None)
def _model(service: str) -> dict:
    return _loader().load_service_model(service, "service-2")


@functools.lru_cache(maxsize=None)
def _operations(service: str) -> dict[str, str]:
    """snake_case name -> PascalCase name for every operation of the service."""
    return {xform_name(name): name for name in _model(service)["operations"]}


def _suggest(name: str, choices: list[str] | tuple[str, ...], what: str) -> str:
    close = difflib.get_close_matches(name, choices, n=3, cutoff=0.5)
    if close:
        return "did you mean " + ", ".join(close) + "?"
    return f"see the boto3 documentation for the {what}"


def _arn_service_name(service: str, metadata: dict) -> str:
    service_id = metadata.get("serviceId") or service
    return "".join(ch for ch in service_id.lower() if ch.isalnum())


def resolve_sdk_call(service: str, operation: str, param_names: list[str]) -> SdkCall:
    """Check an sfn.aws.<service>.<operation>(**params) call; raise SdkCallError with suggestions when it is wrong."""
    services = available_services()
    name = service if service in services else service.replace("_", "-")
    if name not in services:
        raise SdkCallError(f"unknown AWS service {service!r}",
                           _suggest(name, services, "service names (boto3.client names)"))
    ops = _operations(name)
    if operation not in ops:
        hint = _suggest(operation, list(ops), f"{name} operations")
        if operation in ops.values():
            hint = f"write the operation in snake_case: {xform_name(operation)}"
        raise SdkCallError(f"AWS service {name!r} has no operation {operation!r}", hint)
    model = _model(name)
    op_name = ops[operation]
    op = model["operations"][op_name]
    members: dict = {}
    required: list[str] = []
    if "input" in op:
        shape = model["shapes"][op["input"]["shape"]]
        members = shape.get("members", {})
        required = list(shape.get("required", []))
    for p in param_names:
        if p not in members:
            raise SdkCallError(
                f"{name}.{operation} has no parameter {p!r}",
                _suggest(p, list(members), f"{op_name} parameters") if members else f"{op_name} takes no parameters",
            )
    missing = [r for r in required if r not in param_names]
    if missing:
        raise SdkCallError(f"{name}.{operation} needs the parameter(s) {', '.join(missing)}",
                           "pass " + ", ".join(f"{m}=..." for m in missing))
    meta = model["metadata"]
    prefix = meta.get("signingName") or meta.get("endpointPrefix") or name
    arn_service = _arn_service_name(name, meta)
    camel = op_name[0].lower() + op_name[1:]
    return SdkCall(
        service=name,
        operation_name=op_name,
        resource=f"arn:aws:states:::aws-sdk:{arn_service}:{camel}",
        iam_action=f"{prefix}:{op_name}",
        params=tuple(param_names),
        required=tuple(required),
        arguments={p: asl_parameter_name(p) for p in param_names},
    )


def asl_parameter_name(name: str) -> str:
    """The name Step Functions' AWS SDK integration uses for an API member (PascalCase; Equals -> EqualsValue)."""
    pascal = name[:1].upper() + name[1:]
    return "EqualsValue" if pascal == "Equals" else pascal


def _shape_response(model: dict, shape_name: str, value):
    """`value` (shaped by `shape_name`, boto3's member names) with every structure member in Step Functions'
    PascalCase, as the SDK integration returns it; map keys and list items keep their own values."""
    shape = model["shapes"][shape_name]
    kind = shape.get("type")
    if kind == "structure" and isinstance(value, dict):
        members = shape.get("members", {})
        out = {}
        for key, item in value.items():
            member = members.get(key)
            if member is None:
                continue  # ResponseMetadata and other boto3 additions: not part of the API's response
            out[asl_parameter_name(key)] = _shape_response(model, member["shape"], item)
        return out
    if kind == "list" and isinstance(value, list):
        return [_shape_response(model, shape["member"]["shape"], v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _shape_response(model, shape["value"]["shape"], v) for k, v in value.items()}
    if kind == "timestamp" and hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def sdk_response(service: str, operation: str, response: dict) -> dict:
    """boto3's response of `sfn.aws.<service>.<operation>` with the member names Step Functions' SDK integration
    gives the machine (PascalCase at every level of the output shape, no ResponseMetadata), so that the plain-Python
    run reads the same fields as the compiled machine."""
    name = service if service in available_services() else service.replace("_", "-")
    model = _model(name)
    op = model["operations"][_operations(name)[operation]]
    if "output" not in op or not isinstance(response, dict):
        return {} if isinstance(response, dict) else response
    return _shape_response(model, op["output"]["shape"], response)
