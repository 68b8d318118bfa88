"""Least-privilege IAM for a state machine, derived from its ASL definition.

The policy is read off the DEFINITION (every state, including Parallel branches and Map processors), not from the
compiler's metadata, so it is right for hand-written definitions too. Resources are ARN *templates*: strings that may
hold the placeholders ``${AWS::Partition}``, ``${AWS::Region}``, ``${AWS::AccountId}``, ``${FunctionArn}``,
``${StateMachineArn_<w>}``, ``${StateMachineName_<w>}``, ``${SelfStateMachineName}`` and ``${LogGroupArn}``. A CloudFormation template
renders them with ``Fn::Sub``; ``deploy`` substitutes the concrete values (see ``render_policy``).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

P = "arn:${AWS::Partition}"
ACCT = "${AWS::Region}:${AWS::AccountId}"

# The rule Step Functions creates in the account for every `.sync` child execution; its ARN is fixed by AWS.
SYNC_RULE = f"{P}:events:{ACCT}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"

# Actions the Step Functions service needs to deliver execution logs to CloudWatch Logs (the list AWS documents for
# state machine logging). The delivery ones are not resource-scoped, so they take "*"; writing is limited to the
# machine's own log group (``${LogGroupArn}``).
LOG_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"]
LOG_DELIVERY_ACTIONS = [
    "logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
    "logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery",
]
XRAY_ACTIONS = ["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords",
                "xray:PutTraceSegments"]

# SDK service names (as in `arn:aws:states:::aws-sdk:<service>:<action>`) whose IAM prefix differs.
SDK_SERVICE_PREFIX = {
    "sfn": "states", "cloudwatchlogs": "logs", "elasticloadbalancingv2": "elasticloadbalancing",
    "sesv2": "ses", "efs": "elasticfilesystem", "mediapackagevod": "mediapackage-vod", "emrcontainers":
    "emr-containers", "emrserverless": "emr-serverless", "apigatewayv2": "apigateway", "acmpca": "acm-pca",
    "lexmodelsv2": "lex", "lexruntimev2": "lex", "opensearch": "es", "dynamodbstreams": "dynamodb",
    "route53resolver": "route53resolver", "appconfigdata": "appconfig", "iotdata": "iot",
}
# SDK operations whose IAM action is not named after the operation.
SDK_ACTION_ALIAS = {
    ("s3", "ListObjectsV2"): ["s3:ListBucket"], ("s3", "ListObjects"): ["s3:ListBucket"],
    ("s3", "HeadObject"): ["s3:GetObject"], ("s3", "HeadBucket"): ["s3:ListBucket"],
    ("s3", "CopyObject"): ["s3:GetObject", "s3:PutObject"], ("s3", "DeleteObjects"): ["s3:DeleteObject"],
    ("s3", "ListObjectVersions"): ["s3:ListBucketVersions"],
}

_SELF = "${SelfStateMachineName}"


@dataclass
class PolicyModel:
    """What a definition needs. ``notes`` says where a resource had to be widened (dynamic value, unknown service)."""
    grants: dict[str, set[str]] = field(default_factory=dict)   # action -> resources
    sids: dict[str, str] = field(default_factory=dict)          # action -> statement id (the purpose)
    notes: list[str] = field(default_factory=list)
    children: set[str] = field(default_factory=set)       # child workflows named by ${StateMachineArn_<w>}
    uses_function: bool = False
    uses_self: bool = False                                  # needs its own name (distributed Map)

    def grant(self, sid: str, actions: list[str] | str, resources: list[str] | str) -> None:
        for action in [actions] if isinstance(actions, str) else actions:
            self.grants.setdefault(action, set()).update([resources] if isinstance(resources, str) else resources)
            self.sids.setdefault(action, sid)

    def actions(self) -> set[str]:
        return set(self.grants)

    def document(self) -> dict[str, Any]:
        """The IAM policy document with ARN templates. Actions sharing a purpose and exactly the same resources
        share a statement, so no action is granted on another's resources. Deterministic order."""
        groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        for action, resources in self.grants.items():
            groups.setdefault((self.sids[action], tuple(sorted(resources))), []).append(action)
        statements, used = [], {}
        for (sid, resources), actions in sorted(groups.items()):
            used[sid] = used.get(sid, 0) + 1
            statements.append({"Sid": sid if used[sid] == 1 else f"{sid}{used[sid]}", "Effect": "Allow",
                               "Action": sorted(actions), "Resource": list(resources)})
        return {"Version": "2012-10-17", "Statement": statements}


def iter_states(definition: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every state of a definition, depth first, including Parallel branches and Map processors/iterators."""
    for state in (definition.get("States") or {}).values():
        if not isinstance(state, dict):
            continue
        yield state
        for branch in state.get("Branches") or []:
            yield from iter_states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                yield from iter_states(state[key])


def derive_policy(definition: dict[str, Any], *, logging: bool = False, tracing: bool = False) -> PolicyModel:
    """The least-privilege policy for a state machine running ``definition``."""
    model = PolicyModel()
    for state in iter_states(definition):
        if state.get("Type") == "Task":
            _task(model, state)
        elif state.get("Type") == "Map":
            _map(model, state)
        creds = state.get("Credentials")
        if isinstance(creds, dict):
            role = _credentials_role(creds)
            if role is None:
                model.notes.append("a Credentials role ARN is computed at run time: sts:AssumeRole on \"*\"")
            model.grant("AssumeTaskRoles", "sts:AssumeRole", role or "*")
    if logging:
        model.grant("LogDelivery", LOG_DELIVERY_ACTIONS, "*")
        model.grant("LogWrite", LOG_WRITE_ACTIONS, "${LogGroupArn}")
    if tracing:
        model.grant("XRayTracing", XRAY_ACTIONS, "*")
    return model


# --- value helpers ---------------------------------------------------------------------------------------------

def _args(state: dict[str, Any]) -> dict[str, Any]:
    """The task's arguments: JSONata ``Arguments`` or JSONPath ``Parameters``."""
    for key in ("Arguments", "Parameters"):
        if isinstance(state.get(key), dict):
            return state[key]
    return {}


def _literal(args: dict[str, Any], key: str | None) -> str | None:
    """A literal string argument, or None when absent or computed at run time (JSONata ``{% %}`` or a ``.$`` key)."""
    if key is None or f"{key}.$" in args:
        return None
    value = args.get(key)
    if not isinstance(value, str) or (value.startswith("{%") and value.endswith("%}")):
        return None
    return value


def _credentials_role(creds: dict[str, Any]) -> str | None:
    return _literal(creds, "RoleArn")


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


# --- Lambda ----------------------------------------------------------------------------------------------------

_FN_ARN = re.compile(r"^arn:[^:]+:lambda:[^:]+:\d{12}:function:([^:]+)(?::[^:]+)?$")
_FN_PARTIAL = re.compile(r"^(\d{12}):function:([^:]+)(?::[^:]+)?$")
_FN_NAME = re.compile(r"^([A-Za-z0-9_-]+)(?::[^:]+)?$")


def _function_resources(model: PolicyModel, name: str | None) -> list[str]:
    """The function ARN and its versions/aliases (``:*``): the Task may call a qualified ARN."""
    if name is None:
        model.notes.append("a Lambda FunctionName is computed at run time: lambda:InvokeFunction on every function "
                           "of the account and region")
        return [f"{P}:lambda:{ACCT}:function:*"]
    if name == "${FunctionArn}":
        model.uses_function = True
        return ["${FunctionArn}", "${FunctionArn}:*"]
    if m := _FN_ARN.match(name):
        base = name.split(":function:")[0] + ":function:" + m.group(1)
    elif m := _FN_PARTIAL.match(name):
        base = f"{P}:lambda:${{AWS::Region}}:{m.group(1)}:function:{m.group(2)}"
    elif m := _FN_NAME.match(name):
        base = f"{P}:lambda:{ACCT}:function:{m.group(1)}"
    else:
        model.notes.append(f"unrecognised Lambda FunctionName {name!r}: lambda:InvokeFunction on every function")
        return [f"{P}:lambda:{ACCT}:function:*"]
    return [base, base + ":*"]


# --- child executions ------------------------------------------------------------------------------------------

_SM_ARN = re.compile(r"^(arn:[^:]+:states:[^:]+:\d{12}):stateMachine:([^:]+)(?::[^:]+)?$")
_SM_PLACEHOLDER = re.compile(r"^\$\{StateMachineArn_(\w+)\}$")


def _start_execution(model: PolicyModel, state: dict[str, Any], variant: str) -> None:
    arn = _literal(_args(state), "StateMachineArn")
    if arn and (m := _SM_PLACEHOLDER.match(arn)):
        model.children.add(m.group(1))
        machine, executions = arn, f"{P}:states:{ACCT}:execution:${{StateMachineName_{m.group(1)}}}:*"
    elif arn and (m := _SM_ARN.match(arn)):
        machine, executions = arn, f"{m.group(1)}:execution:{m.group(2)}:*"
    else:
        model.notes.append("a child StateMachineArn is computed at run time: states:StartExecution on every state "
                           "machine of the account and region")
        machine, executions = f"{P}:states:{ACCT}:stateMachine:*", f"{P}:states:{ACCT}:execution:*"
    model.grant("StartChildExecutions", "states:StartExecution", machine)
    if variant.startswith(".sync"):
        # Waiting for the child's end: Step Functions polls it, may stop it, and listens on its managed rule.
        model.grant("ManageChildExecutions", ["states:DescribeExecution", "states:StopExecution"], executions)
        model.grant("SyncExecutionEvents", ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
                    SYNC_RULE)


# --- tasks -----------------------------------------------------------------------------------------------------

_STATES_RESOURCE = re.compile(r"^arn:[^:]+:states:::(?P<rest>.+)$")
_VARIANT = re.compile(r"(\.sync(?::2)?|\.waitForTaskToken)$")


def _task(model: PolicyModel, state: dict[str, Any]) -> None:
    resource = state.get("Resource")
    if not isinstance(resource, str):
        return
    if _FN_ARN.match(resource):  # the legacy form: a function ARN as the Resource
        model.grant("InvokeFunctions", "lambda:InvokeFunction", _function_resources(model, resource))
        return
    if re.match(r"^arn:[^:]+:states:[^:]+:\d{12}:activity:", resource):
        return  # activity workers call GetActivityTask themselves; the machine needs nothing
    m = _STATES_RESOURCE.match(resource)
    if not m:
        model.notes.append(f"unrecognised Task Resource {resource!r}: no permission granted for it")
        return
    rest = m.group("rest")
    variant_m = _VARIANT.search(rest)
    variant = variant_m.group(1) if variant_m else ""
    rest = rest[: len(rest) - len(variant)]
    args = _args(state)
    if rest.startswith("aws-sdk:"):
        _sdk(model, rest[len("aws-sdk:"):], args)
    elif rest == "lambda:invoke":
        model.grant("InvokeFunctions", "lambda:InvokeFunction",
                    _function_resources(model, _literal(args, "FunctionName")))
    elif rest == "states:startExecution":
        _start_execution(model, state, variant)
    else:
        _optimized(model, rest, args, variant)


@functools.lru_cache(maxsize=None)
def iam_prefix(arn_service: str) -> str:
    """The IAM prefix of an SDK integration's service: botocore's signingName for the service whose serviceId,
    lowercased without spaces or dashes, is the name in the ARN (e.g. sfn -> states, cloudwatchlogs -> logs)."""
    if arn_service in SDK_SERVICE_PREFIX:
        return SDK_SERVICE_PREFIX[arn_service]
    import botocore.session
    session = botocore.session.get_session()
    names = session.get_available_services()
    likely = [n for n in names if n.replace("-", "") == arn_service]
    for name in likely + [n for n in names if n not in likely]:
        try:
            meta = session.get_service_model(name).metadata
        except Exception:  # a model botocore cannot load tells us nothing
            continue
        if "".join(c for c in (meta.get("serviceId") or name).lower() if c.isalnum()) == arn_service:
            return meta.get("signingName") or meta.get("endpointPrefix") or arn_service
    return arn_service


def _sdk(model: PolicyModel, rest: str, args: dict[str, Any]) -> None:
    service, _, operation = rest.partition(":")
    prefix = iam_prefix(service)
    op = _pascal(operation)
    actions = SDK_ACTION_ALIAS.get((prefix, op), [f"{prefix}:{op}"])
    if prefix == "s3" and _given(args, "VersionId") and op in _VERSIONED:
        actions = [*actions, _VERSIONED[op]]   # a versioned read or delete is its own IAM action
    resources = _sdk_resources(prefix, op, args)
    if resources == ["*"]:
        model.notes.append(f"{', '.join(actions)} (for {service}:{operation}): resource \"*\" (no narrower "
                           "resource known from the arguments)")
    model.grant(f"Sdk{_pascal(re.sub(r'[^A-Za-z0-9]', '', prefix))}", actions, resources)


# S3 operations whose VersionId argument needs a second action (S3 actions, resources and condition keys).
_VERSIONED = {"GetObject": "s3:GetObjectVersion", "HeadObject": "s3:GetObjectVersion",
              "DeleteObject": "s3:DeleteObjectVersion", "GetObjectTagging": "s3:GetObjectVersionTagging",
              "PutObjectTagging": "s3:PutObjectVersionTagging", "DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
              "GetObjectAcl": "s3:GetObjectVersionAcl", "PutObjectAcl": "s3:PutObjectVersionAcl"}


def _given(args: dict[str, Any], key: str) -> bool:
    """The argument is present, as a literal or computed at run time."""
    return key in args or f"{key}.$" in args


def _bucket_resources(bucket: str) -> tuple[str, str]:
    """(the bucket's ARN, the prefix of its objects' ARNs); a Bucket may be given as a name, an S3 ARN or an access
    point ARN (whose objects are ``<access point ARN>/object/<key>``)."""
    if bucket.startswith("arn:"):
        if re.match(r"^arn:[^:]+:s3:::[^/]+$", bucket):
            return bucket, f"{bucket}/"
        return bucket, f"{bucket}/object/"
    return f"{P}:s3:::{bucket}", f"{P}:s3:::{bucket}/"


def _table_resources(table: str, args: dict[str, Any], op: str) -> list[str]:
    """A table (given by name or ARN) and, for Query/Scan on an index, the index's ARN."""
    arn = table if table.startswith("arn:") else f"{P}:dynamodb:{ACCT}:table/{table}"
    if op in ("Query", "Scan") and _given(args, "IndexName"):
        index = _literal(args, "IndexName")
        return [arn, f"{arn}/index/{index if index else '*'}"]
    return [arn]


def _sdk_resources(prefix: str, op: str, args: dict[str, Any]) -> list[str]:
    """Narrow resources where the target is a literal in the arguments; "*" otherwise (said in the notes)."""
    if prefix == "s3":
        bucket, key = _literal(args, "Bucket"), _literal(args, "Key")
        if bucket and op.endswith(("Object", "ObjectTagging", "ObjectAcl")) and op != "CopyObject":
            objects = _bucket_resources(bucket)[1]
            return [f"{objects}{key}" if key else f"{objects}*"]
        if bucket and op in ("ListObjectsV2", "ListObjects", "HeadBucket", "ListObjectVersions"):
            return [_bucket_resources(bucket)[0]]
    if prefix == "dynamodb" and (table := _literal(args, "TableName")):
        return _table_resources(table, args, op)
    if prefix == "sqs" and (url := _literal(args, "QueueUrl")) and (arn := _queue_arn(url)):
        return [arn]
    if prefix == "sns" and (topic := _literal(args, "TopicArn")):
        return [topic]
    return ["*"]


def _queue_arn(url: str) -> str | None:
    m = re.match(r"^https://sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(\d{12})/([\w.-]+)$", url)
    return f"{P}:sqs:{m.group(1)}:{m.group(2)}:{m.group(3)}" if m else None


# Optimized integrations ("arn:aws:states:::<service>:<action>") whose IAM action and resource we know exactly.
_OPTIMIZED = {
    "sqs:sendMessage": ("sqs:SendMessage", "QueueUrl"),
    "sns:publish": ("sns:Publish", "TopicArn"),
    "dynamodb:getItem": ("dynamodb:GetItem", "TableName"),
    "dynamodb:putItem": ("dynamodb:PutItem", "TableName"),
    "dynamodb:updateItem": ("dynamodb:UpdateItem", "TableName"),
    "dynamodb:deleteItem": ("dynamodb:DeleteItem", "TableName"),
    "events:putEvents": ("events:PutEvents", None),
}


def _optimized(model: PolicyModel, rest: str, args: dict[str, Any], variant: str) -> None:
    service, _, action = rest.partition(":")
    iam_action, arg = _OPTIMIZED.get(rest, (f"{service}:{_pascal(action)}", None))
    resource = "*"
    if arg == "TableName" and (t := _literal(args, arg)):
        resource = t if t.startswith("arn:") else f"{P}:dynamodb:{ACCT}:table/{t}"
    elif arg == "QueueUrl" and (u := _literal(args, arg)):
        resource = _queue_arn(u) or "*"
    elif arg == "TopicArn" and (t := _literal(args, arg)):
        resource = t
    elif rest == "events:putEvents":
        resource = f"{P}:events:{ACCT}:event-bus/default"
        entries = args.get("Entries")
        buses = {e.get("EventBusName") for e in entries if isinstance(e, dict)} if isinstance(entries, list) else {None}
        if buses != {None} or "Entries.$" in args or isinstance(entries, str):
            resource = "*"
    from pyawssfn.deploy.integration_iam import SYNC_ACTIONS, integration_grants  # issue #10
    if rest in SYNC_ACTIONS:
        model.notes.append(f"{iam_action} and the actions that wait for the job: granted on \"*\"")
    elif rest not in _OPTIMIZED:
        model.notes.append(f"{iam_action}: integration {rest}{variant} granted on \"*\"; a .sync variant may need "
                           "more actions (see the AWS page for this integration)")
    elif resource == "*":
        model.notes.append(f"{iam_action}: resource computed at run time, granted on \"*\"")
    model.grant(f"Service{_pascal(service)}", iam_action, resource)
    for sid, actions, where in integration_grants(rest, variant):
        model.grant(sid, actions, where)


# --- Map -------------------------------------------------------------------------------------------------------

# What a Distributed Map's ResultWriter needs on its bucket's objects (AWS's "IAM policies for ResultWriter").
RESULT_WRITER_ACTIONS = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"]

def _map(model: PolicyModel, state: dict[str, Any]) -> None:
    proc = state.get("ItemProcessor") or {}
    if (proc.get("ProcessorConfig") or {}).get("Mode") == "DISTRIBUTED":
        # A distributed Map runs each batch as a child execution of this very machine.
        model.uses_self = True
        model.grant("DistributedMapRuns", "states:StartExecution", f"{P}:states:{ACCT}:stateMachine:{_SELF}")
        model.grant("DistributedMapExecutions", ["states:DescribeExecution", "states:StopExecution"],
                    f"{P}:states:{ACCT}:execution:{_SELF}/*")
    reader = state.get("ItemReader")
    if isinstance(reader, dict):
        args = _args(reader)
        bucket, key = _literal(args, "Bucket"), _literal(args, "Key")
        where, objects = _bucket_resources(bucket) if bucket else ("*", "")
        if str(reader.get("Resource", "")).endswith("s3:listObjectsV2"):
            model.grant("MapItemReader", "s3:ListBucket", where)
        else:
            model.grant("MapItemReader", "s3:GetObject",
                        f"{objects}{key}" if bucket and key else (f"{objects}*" if bucket else "*"))
        if not bucket:
            model.notes.append("Map ItemReader bucket computed at run time: granted on \"*\"")
    writer = state.get("ResultWriter")
    if isinstance(writer, dict) and writer.get("Resource"):
        args = _args(writer)
        bucket = _literal(args, "Bucket")
        model.grant("MapResultWriter", RESULT_WRITER_ACTIONS, f"{_bucket_resources(bucket)[1]}*" if bucket else "*")
        if not bucket:
            model.notes.append("Map ResultWriter bucket computed at run time: granted on \"*\"")


# --- rendering -------------------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_:]+)\}")


def render_arn(template: str, values: dict[str, str]) -> str:
    """Substitute concrete values for every placeholder (KeyError names a missing one)."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def render_policy(document: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """The policy document with concrete ARNs, for the IAM API."""
    return {"Version": document["Version"], "Statement": [
        {**st, "Resource": sorted({render_arn(r, values) for r in st["Resource"]})} for st in document["Statement"]]}


def trust_policy(service: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
