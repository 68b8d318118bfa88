"""Lowering of ``sfn.run_job``, ``sfn.wait_for_task_token`` and ``sfn.task_resource`` (issue #10): one Task state on
an optimized integration's resource, its parameters checked against botocore's model of the API it calls (as
``sfn.aws`` calls are, compiler/aws_models.py), the task token placed where ``token_at`` says.

The hook in the lowering is one branch of the API dispatch: ``lower_integration(lowerer, call, kind, var)``.
"""
from __future__ import annotations

import ast
import functools
import json
import re

import pyawssfn as sfn
from pyawssfn.compiler.ir import Node

# integration -> (botocore service, operation) whose input the Arguments are.
_API = {
    "ecs:runTask": ("ecs", "RunTask"), "glue:startJobRun": ("glue", "StartJobRun"),
    "batch:submitJob": ("batch", "SubmitJob"), "codebuild:startBuild": ("codebuild", "StartBuild"),
    "sqs:sendMessage": ("sqs", "SendMessage"), "sns:publish": ("sns", "Publish"),
    "events:putEvents": ("events", "PutEvents"),
}
TOKEN = "{% $states.context.Task.Token %}"
KINDS = ("api:run_job", "api:wait_for_task_token", "api:task_resource")


@functools.lru_cache(maxsize=None)
def api_members(integration: str) -> tuple[frozenset[str], frozenset[str]]:
    """(every input member, the required ones) of the API ``integration`` calls, from botocore's model."""
    import botocore.session
    service, operation = _API[integration]
    shape = botocore.session.get_session().get_service_model(service).operation_model(operation).input_shape
    # Step Functions takes the API's members in PascalCase (ECS's cluster -> Cluster), as its SDK integration does.
    def pascal(name: str) -> str:
        return name[:1].upper() + name[1:]
    return frozenset(map(pascal, shape.members)), frozenset(map(pascal, shape.required_members))


def _string_literal(lw, node: ast.expr | None, what: str, example: str) -> str:
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        raise lw.fail(node or lw.fn, f"{what} must be a string literal", f"write e.g. {example}")
    return node.value


def _resource(lw, call: ast.Call, kind: str) -> tuple[str, str | None]:
    """The Task resource, and the integration it calls (None for task_resource)."""
    first = call.args[0] if call.args else None
    if kind == "api:task_resource":
        return _string_literal(lw, first, "sfn.task_resource's resource",
                               'sfn.task_resource("arn:aws:states:::bedrock:invokeModel", {...})'), None
    name = "run_job" if kind == "api:run_job" else "wait_for_task_token"
    integration = _string_literal(lw, first, f"sfn.{name}'s integration", f'sfn.{name}("glue:startJobRun", ...)')
    try:
        return sfn.integration_resource(integration, "sync" if kind == "api:run_job" else "token"), integration
    except ValueError as exc:
        raise lw.fail(first, str(exc), "use one of the integrations listed, or sfn.task_resource") from None


def _arguments(lw, call: ast.Call, kind: str, integration: str | None) -> list[tuple[str, ast.expr]]:
    if kind == "api:task_resource":
        if len(call.args) > 2 or call.keywords:
            raise lw.fail(call, "sfn.task_resource takes the resource and one dict of arguments",
                          'write sfn.task_resource("arn:...", {"Param": value})')
        given = call.args[1] if len(call.args) == 2 else ast.Dict(keys=[], values=[])
        if not isinstance(given, ast.Dict) or not all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                                      for k in given.keys):
            raise lw.fail(given, "sfn.task_resource's arguments must be a dict literal with string keys",
                          'write {"Param": value}')
        return [(k.value, v) for k, v in zip(given.keys, given.values)]
    if len(call.args) != 1 or any(kw.arg is None for kw in call.keywords):
        raise lw.fail(call, "the API's parameters are passed by keyword", 'write e.g. JobName="etl"')
    params = [(kw.arg, kw.value) for kw in call.keywords if kw.arg != "token_at"]
    members, required = api_members(integration)
    service, operation = _API[integration]
    for name, value in params:
        if name not in members:
            close = sorted(m for m in members if m.lower() == name.lower()) or sorted(members)[:8]
            raise lw.fail(value, f"{service} {operation} has no parameter {name!r}",
                          f"its parameters are {', '.join(sorted(members))}" if len(members) <= 12
                          else f"did you mean {', '.join(close)}?")
    token_at = next((kw.value.value for kw in call.keywords if kw.arg == "token_at"
                     and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)), "")
    missing = sorted(required - {n for n, _ in params} - {token_at.partition(".")[0]})
    if missing:
        raise lw.fail(call, f"{service} {operation} needs the parameter(s) {', '.join(missing)}",
                      f"pass {missing[0]}=...")
    return params


def _place_token(lw, call: ast.Call, arguments: dict, token_at: str) -> None:
    """Put ``$states.context.Task.Token`` at ``token_at`` ("Param" or "Param.Field")."""
    if not re.fullmatch(r"[A-Za-z]\w*(\.\w+)?", token_at):
        raise lw.fail(call, f"token_at={token_at!r} must name a parameter or a field of one",
                      'write token_at="MessageBody.TaskToken"')
    name, _, field = token_at.partition(".")
    if not field:
        arguments[name] = TOKEN
        return
    value = arguments.get(name, {})
    if isinstance(value, dict):
        arguments[name] = {**value, field: TOKEN}
    elif isinstance(value, str) and value.startswith("{%") and value.endswith("%}"):
        inner = value[2:-2].strip()
        arguments[name] = "{% $merge([" + inner + ", {\"" + field + "\": $states.context.Task.Token}]) %}"
    else:
        raise lw.fail(call, f"token_at={token_at!r}: {name} is not an object the token can be a field of",
                      f"make {name} a dict, or write token_at={name!r}")


def _plain(value):
    """A constant the translator wrote as a JSONata string (a module-level constant): the literal itself, so that
    IAM derivation sees the queue, topic or job it names."""
    m = re.fullmatch(r'\{% ("(?:[^"\\]|\\.)*") %\}', value) if isinstance(value, str) else None
    if m:
        try:
            text = json.loads(m.group(1))
        except ValueError:
            return value
        if "{%" not in text:
            return text
    return value


def lower_integration(lw, call: ast.Call, kind: str, var: str | None) -> None:
    """One Task state for the call, its result the Task's result (or the token's answer)."""
    resource, integration = _resource(lw, call, kind)
    params = _arguments(lw, call, kind, integration)
    token_at = None
    if kind == "api:wait_for_task_token":
        kw = next((k for k in call.keywords if k.arg == "token_at"), None)
        token_at = _string_literal(lw, kw.value if kw else None, "token_at", 'token_at="MessageBody.TaskToken"')
    values = [(name, lw.prepare(value)) for name, value in params]
    n = Node("Task", (integration or resource.rsplit(":::", 1)[-1]) + ("" if kind == "api:task_resource"
                                                                     else (".sync" if token_at is None
                                                                           else ".waitForTaskToken")), call.lineno)
    n.fields["Resource"] = resource
    env = lw.connect(n)
    arguments = {name: _plain(lw.value_field(value, env)) for name, value in values}
    if token_at is not None:
        _place_token(lw, call, arguments, token_at)
    n.fields["Arguments"] = arguments
    lw.s.sdk_actions.update(_iam_actions(n.fields, integration))
    lw._result_into(n, env, var, "$states.result")


def _iam_actions(fields: dict, integration: str | None) -> set[str]:
    """The compiler's account of what the Task needs (CompileResult.sdk_actions): for a named integration its
    action and, for .sync, those Step Functions needs to wait for the job; for task_resource, deploy/iam.py's
    reading of the resource."""
    if integration is None:
        from pyawssfn.deploy.iam import derive_policy
        return derive_policy({"StartAt": "T", "States": {"T": {"Type": "Task", **fields, "End": True}}}).actions()
    from pyawssfn.deploy.integration_iam import compiler_actions
    service, operation = _API[integration]
    variant = fields["Resource"][len(f"arn:aws:states:::{integration}"):]
    return compiler_actions(integration, f"{integration.split(':')[0]}:{operation}", variant)


# --- Distributed Map reading its items from S3 (sfn.map(step, sfn.items_from_s3(...), distributed=True)) ------

_READER_TYPES = {"json": "JSON", "jsonl": "JSONL", "csv": "CSV", "manifest": "MANIFEST"}


def _reader_options(lw, source: ast.Call) -> dict:
    names = ["bucket", "key"]
    opts = {names[i]: a for i, a in enumerate(source.args[:2])}
    if len(source.args) > 2 or any(kw.arg is None for kw in source.keywords):
        raise lw.fail(source, "sfn.items_from_s3 takes bucket and key, the rest by keyword",
                      'write sfn.items_from_s3("bucket", "data.csv", format="csv")')
    opts.update({kw.arg: kw.value for kw in source.keywords})
    unknown = set(opts) - {"bucket", "key", "prefix", "format", "max_items", "csv_headers"}
    if unknown:
        raise lw.fail(source, f"unknown sfn.items_from_s3 option {sorted(unknown)[0]!r}",
                      "use bucket, key, prefix=, format=, max_items=, csv_headers=")
    for name in ("format", "max_items", "csv_headers"):
        if name in opts:
            try:
                opts[name] = lw.tr.literal_value(opts[name])
            except Exception:  # NotConstant: the reader's shape is fixed in the definition
                raise lw.fail(opts[name], f"items_from_s3 {name}= must be a literal", f"write {name}=...") from None
    fmt = opts.get("format", "json")
    if fmt != "objects" and fmt not in _READER_TYPES:
        raise lw.fail(source, f"items_from_s3 format={fmt!r} is not one of objects, json, jsonl, csv, manifest",
                      'write format="csv"')
    if (fmt == "objects") == ("key" in opts) or "bucket" not in opts:
        raise lw.fail(source, "items_from_s3 needs a bucket, and a key for every format but \"objects\" "
                              "(which lists the objects under prefix=)", 'write sfn.items_from_s3("b", "k.csv", '
                      'format="csv")')
    return opts


def item_reader(lw, source: ast.Call, env: dict) -> dict:
    """The Map's ItemReader for an ``sfn.items_from_s3(...)`` call."""
    opts = _reader_options(lw, source)
    fmt = opts.get("format", "json")
    args = {"Bucket": _plain(lw.value_field(lw.prepare(opts["bucket"]), env))}
    if fmt == "objects":
        if "prefix" in opts:
            args["Prefix"] = _plain(lw.value_field(lw.prepare(opts["prefix"]), env))
        reader: dict = {"Resource": "arn:aws:states:::s3:listObjectsV2", "Arguments": args}
        config: dict = {}
    else:
        args["Key"] = _plain(lw.value_field(lw.prepare(opts["key"]), env))
        reader = {"Resource": "arn:aws:states:::s3:getObject", "Arguments": args}
        config = {"InputType": _READER_TYPES[fmt]}
        if fmt == "csv":
            headers = opts.get("csv_headers")
            config.update({"CSVHeaderLocation": "GIVEN", "CSVHeaders": list(headers)} if headers
                          else {"CSVHeaderLocation": "FIRST_ROW"})
    if opts.get("max_items"):
        config["MaxItems"] = opts["max_items"]
    if config:
        reader["ReaderConfig"] = config
    return reader


def lower_map_from_s3(lw, call: ast.Call, source: ast.Call, var: str | None) -> None:
    """``sfn.map(step, sfn.items_from_s3(...), distributed=True, ...)``: the Map as for a list, its Items replaced by
    an ItemReader (Step Functions reads the items itself; the state input carries none)."""
    if not any(kw.arg == "distributed" and isinstance(kw.value, ast.Constant) and kw.value.value is True
               for kw in call.keywords):
        raise lw.fail(call, "sfn.map reads items from S3 only as a distributed Map", "pass distributed=True")
    placeholder = ast.copy_location(ast.List(elts=[], ctx=ast.Load()), source)
    fake = ast.copy_location(ast.Call(func=call.func, args=[call.args[0], placeholder, *call.args[2:]],
                                      keywords=call.keywords), call)
    before = {id(n) for n in lw.graph.nodes}
    lw._map_api(fake, var)
    (node,) = [n for n in lw.graph.nodes if id(n) not in before and n.type == "Map"]
    node.fields.pop("Items", None)
    # The Map's exit env is the env it was entered with plus its result: its codes hold at the Map state itself.
    env = {k: v for k, v in lw.frontier[0].env.items() if k != var} if lw.frontier else {}
    node.fields = {"ItemReader": item_reader(lw, source, env), **node.fields}
    # The compiler's account of the IAM actions: reading the items, and the child executions a distributed Map runs.
    lw.s.sdk_actions.update({"s3:ListBucket" if "listObjectsV2" in node.fields["ItemReader"]["Resource"]
                             else "s3:GetObject", "states:StartExecution"})
