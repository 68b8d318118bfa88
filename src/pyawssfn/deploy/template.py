"""SAM and CloudFormation templates for a compiled workflow.

The template is built as a dict; ``dump_template`` writes it as JSON (the default: the ASL definition is JSON
already) or, with ``yaml=True``, as YAML with CloudFormation's short tags (``deploy/cfn_yaml.py``). Both are
byte-for-byte deterministic.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from pyawssfn.deploy.express import MACHINE_TYPES, check_express
from pyawssfn.deploy.iam import derive_policy, trust_policy
from pyawssfn.deploy.options import FunctionOptions, OptionError
from pyawssfn.deploy.source import DEFAULT_RUNTIME, HANDLER, OWNER_TAG, Machine, ShipError, logical_id

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
FUNCTION = "Function"


from pyawssfn.deploy.choices import DEFAULT_LOG_RETENTION, LOG_RETENTION_DAYS  # noqa: E402,F401


@dataclass
class TemplateOptions:
    format: str = "sam"                 # "sam" | "cloudformation"
    code_uri: str | None = None         # local zip/directory (SAM CodeUri, or `aws cloudformation package` input)
    s3_bucket: str | None = None
    s3_key: str | None = None
    runtime: str = DEFAULT_RUNTIME
    arch: str = "x86_64"
    log_level: str = "ERROR"            # "ERROR" | "ALL" | "FATAL"
    tracing: bool = False               # X-Ray on the machines and the function
    source_name: str = ""               # shown in the Description
    memory: int | None = None           # MB; None: deploy/options.py's default
    timeout: int | None = None          # seconds; None: the default, raised to cover the longest step timeout
    environment: dict[str, str] = field(default_factory=dict)
    layers: list[str] = field(default_factory=list)
    log_retention: int | None = DEFAULT_LOG_RETENTION  # days, for every log group; None: kept forever
    type: str = "STANDARD"              # the machines' type: "STANDARD" | "EXPRESS"


def _machine_ids(machines: list[Machine], root: str) -> dict[str, str]:
    """Logical ids: ``StateMachine`` for the root, ``StateMachine<Child>`` for children (made unique)."""
    ids: dict[str, str] = {}
    for m in machines:
        base = "StateMachine" if m.workflow == root else "StateMachine" + logical_id(m.workflow)
        lid, n = base, 2
        while lid in ids.values() or lid in ("StateMachineRole", "StateMachineLogGroup"):
            lid, n = f"{base}{n}", n + 1
        ids[m.workflow] = lid
    return ids


def _sub(template: str, names: dict[str, Any]) -> Any:
    """A resource ARN template as a CloudFormation value (plain string, GetAtt, or Fn::Sub with its variables)."""
    used = [v for v in re.findall(r"\$\{([A-Za-z0-9_:]+)\}", template) if "::" not in v]
    if not re.search(r"\$\{", template):
        return template
    if re.fullmatch(r"\$\{\w+\}", template):    # a whole ARN by itself: the reference, without a Sub
        return names[template[2:-1]]
    if not used:
        return {"Fn::Sub": template}
    return {"Fn::Sub": [template, {v: names[v] for v in dict.fromkeys(used)}]}


def build_template(machines: list[Machine], options: TemplateOptions) -> dict[str, Any]:
    """The template as a dict. ``machines`` lists children before parents; the last one is the workflow shipped."""
    check_options(options)
    if options.type == "EXPRESS":
        for m in machines:
            check_express(m.definition, m.workflow)
    sam = options.format == "sam"
    root = machines[-1].workflow
    ids = _machine_ids(machines, root)
    t: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09"}
    if sam:
        t["Transform"] = SAM_TRANSFORM
    where = f" from {options.source_name}" if options.source_name else ""
    t["Description"] = f"pyawssfn workflow {root}{where}: one Lambda function serving its steps, " \
                       f"{len(machines)} state machine(s)"
    code, params = _code(options, sam)
    if params:
        t["Parameters"] = params
    res: dict[str, Any] = {}
    t["Resources"] = res
    _function(res, machines, options, sam, root, code)
    fn_arn = {"Fn::GetAtt": [FUNCTION, "Arn"]}
    for m in machines:
        _machine(res, m, ids, fn_arn, options, sam, root)
    t["Outputs"] = {
        "StateMachineArn": {"Description": f"the {root} state machine", "Value": {"Ref": ids[root]}},
        "FunctionArn": {"Description": "the Lambda function serving the steps", "Value": fn_arn},
    }
    return t


def check_options(options: TemplateOptions) -> None:
    """Refuse what CloudFormation would refuse only at deploy time, with the option to change."""
    if options.format not in ("sam", "cloudformation"):
        raise ShipError(f"unknown template format {options.format!r} (use sam or cloudformation)")
    if options.type not in MACHINE_TYPES:
        raise ShipError(f"unknown state machine type {options.type!r} (use STANDARD or EXPRESS)")
    if options.log_retention is not None and options.log_retention not in LOG_RETENTION_DAYS:
        raise ShipError(f"--log-retention {options.log_retention}: CloudWatch Logs keeps logs for one of "
                        f"{', '.join(map(str, LOG_RETENTION_DAYS))} days")
    if len(options.layers) > 5:
        raise ShipError(f"{len(options.layers)} layers: a Lambda function takes at most 5")
    function_options(options)


def function_options(options: TemplateOptions) -> FunctionOptions:
    """The function's settings, checked against Lambda's quotas by the object ``deploy`` uses too."""
    try:
        return FunctionOptions(memory=options.memory, timeout=options.timeout, architecture=options.arch,
                               environment=dict(options.environment))
    except OptionError as exc:
        raise ShipError(str(exc)) from None


def _retention(options: TemplateOptions) -> dict[str, Any]:
    return {} if options.log_retention is None else {"RetentionInDays": options.log_retention}


def _function(res: dict[str, Any], machines: list[Machine], options: TemplateOptions, sam: bool, root: str,
              code: Any) -> None:
    """The Lambda function serving every step, its own log group and a role that may only write there."""
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": [{"Fn::GetAtt": ["FunctionLogGroup", "Arn"]}]}]
    if options.tracing:  # what the function's X-Ray daemon sends (these actions are not resource-scoped)
        statements.append({"Effect": "Allow", "Action": ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
                           "Resource": ["*"]})
    res["FunctionLogGroup"] = {"Type": "AWS::Logs::LogGroup", "Properties": _retention(options)}
    res["FunctionRole"] = {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": trust_policy("lambda.amazonaws.com"),
        "Policies": [{"PolicyName": "write-own-logs", "PolicyDocument": {"Version": "2012-10-17",
                                                                         "Statement": statements}}],
        "Tags": [{"Key": OWNER_TAG, "Value": root}]}}
    try:  # the timeout covers the longest step's TimeoutSeconds unless one is given (and then must)
        settings = function_options(options).resolved([m.definition for m in machines])
    except OptionError as exc:
        raise ShipError(str(exc)) from None
    props: dict[str, Any] = {
        "Handler": HANDLER, "Runtime": options.runtime, "Architectures": settings["Architectures"],
        "Role": {"Fn::GetAtt": ["FunctionRole", "Arn"]}, "Timeout": settings["Timeout"],
        "MemorySize": settings["MemorySize"],
        # A log group we own, so the role need not create one: no logs:CreateLogGroup on "*".
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": {"Ref": "FunctionLogGroup"}},
    }
    if settings["Environment"]:
        props["Environment"] = {"Variables": settings["Environment"]}
    if options.layers:
        props["Layers"] = list(options.layers)
    if sam:
        if options.tracing:
            props["Tracing"] = "Active"
        res[FUNCTION] = {"Type": "AWS::Serverless::Function",
                         "Properties": {"CodeUri": code, **props, "Tags": {OWNER_TAG: root}}}
    else:
        if options.tracing:
            props["TracingConfig"] = {"Mode": "Active"}
        res[FUNCTION] = {"Type": "AWS::Lambda::Function",
                         "Properties": {"Code": code, **props, "Tags": [{"Key": OWNER_TAG, "Value": root}]}}


def _code(options: TemplateOptions, sam: bool) -> tuple[Any, dict[str, Any]]:
    if options.code_uri and (options.s3_bucket or options.s3_key):
        raise ShipError("give either --code-uri or --s3-bucket/--s3-key, not both")
    if bool(options.s3_bucket) != bool(options.s3_key):
        raise ShipError("--s3-bucket and --s3-key go together")
    if options.s3_bucket:
        return ({"Bucket": options.s3_bucket, "Key": options.s3_key} if sam
                else {"S3Bucket": options.s3_bucket, "S3Key": options.s3_key}), {}
    if sam:
        return options.code_uri or "function.zip", {}
    if options.code_uri:
        raise ShipError("a CloudFormation template needs the code in S3: give --s3-bucket and --s3-key, or leave "
                        "them out to get CodeS3Bucket/CodeS3Key template parameters (--code-uri is for --format sam)")
    params = {"CodeS3Bucket": {"Type": "String", "Description": "S3 bucket holding the zip from `pyawssfn package`"},
              "CodeS3Key": {"Type": "String", "Description": "S3 key of that zip"}}
    return {"S3Bucket": {"Ref": "CodeS3Bucket"}, "S3Key": {"Ref": "CodeS3Key"}}, params


def _machine(res: dict[str, Any], m: Machine, ids: dict[str, str], fn_arn: Any, options: TemplateOptions,
             sam: bool, root: str) -> None:
    lid = ids[m.workflow]
    policy = derive_policy(m.definition, logging=True, tracing=options.tracing)
    explicit_name = {"Fn::Sub": f"${{AWS::StackName}}-{m.workflow}"}
    log_id, role_id = f"{lid}LogGroup", f"{lid}Role"
    names: dict[str, Any] = {"FunctionArn": fn_arn, "SelfStateMachineName": explicit_name,
                             "LogGroupArn": {"Fn::GetAtt": [log_id, "Arn"]}}
    subs: dict[str, Any] = {}
    if policy.uses_function or "${FunctionArn}" in json.dumps(m.definition):
        subs["FunctionArn"] = fn_arn
    for child in sorted(policy.children | set(m.children)):
        if child not in ids:
            raise ShipError(f"workflow {m.workflow!r} starts {child!r}, which is not being shipped")
        names[f"StateMachineArn_{child}"] = {"Ref": ids[child]}
        names[f"StateMachineName_{child}"] = {"Fn::GetAtt": [ids[child], "Name"]}
        subs[f"StateMachineArn_{child}"] = {"Ref": ids[child]}
    doc = policy.document()
    doc["Statement"] = [{**st, "Resource": [_sub(r, names) for r in st["Resource"]]} for st in doc["Statement"]]
    res[log_id] = {"Type": "AWS::Logs::LogGroup", "Properties": {
        # The /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy small (AWS's advice for vended logs).
        "LogGroupName": {"Fn::Sub": f"/aws/vendedlogs/states/${{AWS::StackName}}-{m.workflow}"},
        **_retention(options)}}
    res[role_id] = {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": _states_trust(),
        "Policies": [{"PolicyName": f"{m.workflow}-least-privilege", "PolicyDocument": doc}],
        "Tags": [{"Key": OWNER_TAG, "Value": root}]}}
    destinations = [{"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": [log_id, "Arn"]}}}]
    props: dict[str, Any] = {"Definition": m.definition}
    if subs:
        props["DefinitionSubstitutions"] = subs
    if policy.uses_self:
        props["Name" if sam else "StateMachineName"] = explicit_name
    role = {"Fn::GetAtt": [role_id, "Arn"]}
    logging = {"Level": options.log_level, "IncludeExecutionData": False, "Destinations": destinations}
    if sam:
        props.update({"Type": options.type, "Role": role, "Logging": logging,
                      "Tracing": {"Enabled": options.tracing}, "Tags": {OWNER_TAG: root}})
        res[lid] = {"Type": "AWS::Serverless::StateMachine", "Properties": props}
    else:
        props.update({"StateMachineType": options.type, "RoleArn": role, "LoggingConfiguration": logging,
                      "TracingConfiguration": {"Enabled": options.tracing},
                      "Tags": [{"Key": OWNER_TAG, "Value": root}]})
        res[lid] = {"Type": "AWS::StepFunctions::StateMachine", "Properties": props}


def _states_trust() -> dict[str, Any]:
    doc = trust_policy("states.amazonaws.com")
    # Only Step Functions acting for this account may assume the role (confused-deputy protection).
    doc["Statement"][0]["Condition"] = {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    return doc


def dump_template(template: dict[str, Any], yaml: bool = False) -> str:
    if yaml:
        from pyawssfn.deploy.cfn_yaml import dump_yaml
        return dump_yaml(template)
    return json.dumps(template, indent=2, ensure_ascii=False) + "\n"


def source_name(path: str) -> str:
    return os.path.basename(path)
