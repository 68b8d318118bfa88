"""The optimized service integrations a Task's ``Resource`` can name (``arn:aws:states:::SERVICE:ACTION[.PATTERN]``)
and the integration patterns each supports, from the developer guide's "Integrating optimized services with Step
Functions" table. AWS refuses any other such resource when the machine is created."""
from __future__ import annotations

import re

RESPONSE, SYNC, CALLBACK = "", ".sync", ".waitForTaskToken"

# service -> (its actions, or None where the guide lists many and any camelCase name is taken; patterns supported)
OPTIMIZED: dict[str, tuple[frozenset[str] | None, frozenset[str]]] = {
    "apigateway": (frozenset({"invoke"}), frozenset({RESPONSE, CALLBACK})),
    "athena": (None, frozenset({RESPONSE, SYNC})),
    "batch": (frozenset({"submitJob"}), frozenset({RESPONSE, SYNC})),
    "bedrock": (None, frozenset({RESPONSE, SYNC, CALLBACK})),
    "codebuild": (None, frozenset({RESPONSE, SYNC})),
    "databrew": (frozenset({"startJobRun"}), frozenset({RESPONSE, SYNC})),
    "dynamodb": (frozenset({"getItem", "putItem", "updateItem", "deleteItem"}), frozenset({RESPONSE})),
    "ecs": (frozenset({"runTask"}), frozenset({RESPONSE, SYNC, CALLBACK})),
    "eks": (None, frozenset({RESPONSE, SYNC, CALLBACK})),
    "elasticmapreduce": (None, frozenset({RESPONSE, SYNC})),
    "emr-containers": (None, frozenset({RESPONSE, SYNC})),
    "emr-serverless": (None, frozenset({RESPONSE, SYNC})),
    "events": (frozenset({"putEvents"}), frozenset({RESPONSE, CALLBACK})),
    "glue": (frozenset({"startJobRun"}), frozenset({RESPONSE, SYNC})),
    "http": (frozenset({"invoke"}), frozenset({RESPONSE})),
    "lambda": (frozenset({"invoke"}), frozenset({RESPONSE, CALLBACK})),
    "mediaconvert": (frozenset({"createJob"}), frozenset({RESPONSE, SYNC})),
    "sagemaker": (None, frozenset({RESPONSE, SYNC})),
    "sns": (frozenset({"publish"}), frozenset({RESPONSE, CALLBACK})),
    "sqs": (frozenset({"sendMessage"}), frozenset({RESPONSE, CALLBACK})),
    "states": (frozenset({"startExecution"}), frozenset({RESPONSE, SYNC, CALLBACK})),
}
# AWS SDK integrations (arn:aws:states:::aws-sdk:SERVICE:ACTION): request-response and callback, never .sync.
SDK_PATTERNS = frozenset({RESPONSE, CALLBACK})

_STATES_RESOURCE = re.compile(r"^arn:[\w-]+:states:::(?P<rest>.*)$", re.DOTALL)
_ACTION = re.compile(r"^[a-z][A-Za-z0-9]*$")
_SDK = re.compile(r"^aws-sdk:(?P<service>[a-z0-9][a-z0-9.-]*):(?P<action>[a-z][A-Za-z0-9]*)$")


def _pattern(rest: str) -> tuple[str, str]:
    """``states:startExecution.sync:2`` -> (``states:startExecution``, ``.sync``)."""
    for suffix in (CALLBACK, ".sync:2", SYNC):
        if rest.endswith(suffix):
            return rest[: -len(suffix)], SYNC if suffix.startswith(SYNC) else suffix
    return rest, RESPONSE


def resource_problem(resource: str) -> str | None:
    """AWS's refusal of an ``arn:aws:states:::`` resource that names no integration; None when it is one (or is
    another kind of ARN: a Lambda function, an activity, a ``${placeholder}``)."""
    m = _STATES_RESOURCE.match(resource)
    if not m:
        return None
    rest, pattern = _pattern(m.group("rest"))
    if m.group("rest").endswith(".sync:2") and not rest.startswith("states:"):
        return _unrecognized(resource)  # the :2 output format exists for nested executions only
    if rest.startswith("aws-sdk:"):
        return None if _SDK.match(rest) and pattern in SDK_PATTERNS else _unrecognized(resource)
    service, sep, action = rest.partition(":")
    known = OPTIMIZED.get(service)
    if not sep or known is None:
        return _unrecognized(resource)
    actions, patterns = known
    if (actions is not None and action not in actions) or (actions is None and not _ACTION.match(action)):
        return _unrecognized(resource)
    if pattern not in patterns:
        return _unrecognized(resource)
    return None


def _unrecognized(resource: str) -> str:
    return (f"The resource provided {resource} is not recognized. The value is not a valid resource ARN, or the "
            "resource is not available in this region.")
