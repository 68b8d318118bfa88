"""Lowering of ``sfn.run_job``, ``sfn.wait_for_task_token`` and ``sfn.task_resource`` (issue #10): one Task state on
an optimized integration's resource, its parameters checked against botocore's model of the API it calls (as
``sfn.aws`` calls are, compiler/aws_models.py), the task token placed where ``token_at`` says.

The hook in the lowering is one branch of the API dispatch: ``lower_integration(lowerer, call, kind, var)``.
"""
from __future__ import annotations

import ast
import functools

import pyawssfn as sfn
from pyawssfn.compiler.expressions.translator import NotConstant
from pyawssfn.compiler.ir import Task
from pyawssfn.jsonata import tree as t
from pyawssfn.compiler.ir import Template
from pyawssfn.compiler.lower.support import has_template

# integration -> (botocore service, operation) whose input the Arguments are.
_API = {
    "ecs:runTask": ("ecs", "RunTask"), "glue:startJobRun": ("glue", "StartJobRun"),
    "batch:submitJob": ("batch", "SubmitJob"), "codebuild:startBuild": ("codebuild", "StartBuild"),
    "sqs:sendMessage": ("sqs", "SendMessage"), "sns:publish": ("sns", "Publish"),
    "events:putEvents": ("events", "PutEvents"),
}
_TOKEN_TREE = t.path(t.var("states"), "context", "Task", "Token")
TOKEN = Template(_TOKEN_TREE)
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


def _place_token(lw, call: ast.Call, arguments: dict, given: dict, token_at: str, env: dict) -> None:
    """Put ``$states.context.Task.Token`` at ``token_at`` ("Param" or "Param.Field"). A field of a parameter
    written as a dict literal is one more field of its JSON template (each of its values a template of its own);
    of any other parameter, the token is merged into its value ($merge), built as an expression tree."""
    if not (token_at.replace(".", "", 1).replace("_", "").isalnum() and token_at[:1].isalpha()
            and token_at.count(".") <= 1):
        raise lw.fail(call, f"token_at={token_at!r} must name a parameter or a field of one",
                      'write token_at="MessageBody.TaskToken"')
    name, _, field = token_at.partition(".")
    if not field:
        arguments[name] = TOKEN
        return
    node = given.get(name)
    if node is None:
        arguments[name] = {field: TOKEN}
    elif isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) and isinstance(k.value, str)
                                            and not has_template(k.value) for k in node.keys):  # (F74)
        literal = {k.value: payload_field(lw, v, env) for k, v in zip(node.keys, node.values)}
        arguments[name] = {**literal, field: TOKEN}
    else:
        value = arguments[name]
        if isinstance(value, dict):
            arguments[name] = {**value, field: TOKEN}
            return
        if type(value) is not Template:
            raise lw.fail(call, f"token_at={token_at!r}: {name} is not an object the token can be a field of",
                          f"make {name} a dict, or write token_at={name!r}")
        inner = lw.render(node, env)
        merged = t.call("merge", t.Array((inner, t.Object(((t.Str(field), _TOKEN_TREE),)))))
        arguments[name] = Template(merged)


def payload_field(lw, node: ast.expr, env: dict):
    """A payload value (``node`` prepared: its step calls hoisted), a module-level constant written as its value
    (so that IAM derivation sees the queue, topic or job it names; the plain-Python run reads the same value)."""
    try:
        value = lw.info.static_value(node, lw.tr.literal_value)
    except (NotConstant, ValueError):
        return lw.value_field(node, env)
    # (a text that reads as a template, or holds a placeholder the deployment substitutes, F74: an expression)
    return value if not has_template(value) else lw.value_field(node, env)


def lower_integration(lw, call: ast.Call, kind: str, var: str | None) -> None:
    """One Task state for the call, its result the Task's result (or the token's answer)."""
    resource, integration = _resource(lw, call, kind)
    params = _arguments(lw, call, kind, integration)
    token_at = None
    if kind == "api:wait_for_task_token":
        kw = next((k for k in call.keywords if k.arg == "token_at"), None)
        token_at = _string_literal(lw, kw.value if kw else None, "token_at", 'token_at="MessageBody.TaskToken"')
    suffix = "" if kind == "api:task_resource" else (".sync" if token_at is None else ".waitForTaskToken")
    n = Task((integration or resource.rsplit(":::", 1)[-1]) + suffix, call.lineno, resource=resource)
    prepared = [(name, lw.prepare(value)) for name, value in params]
    env = lw.connect(n)
    arguments = {name: payload_field(lw, value, env) for name, value in prepared}
    if token_at is not None:
        _place_token(lw, call, arguments, dict(prepared), token_at, env)
    n.arguments = arguments
    lw.s.sdk_actions.update(_iam_actions({"Resource": resource, "Arguments": arguments}, integration))
    from pyawssfn.compiler.lower.calls import result_into  # (the lowerer imports this module)

    result_into(lw, n, env, var, t.path("states", "result"))


def _iam_actions(fields: dict, integration: str | None) -> set[str]:
    """The compiler's account of what the Task needs (CompileResult.sdk_actions): for a named integration its
    action and, for .sync, those Step Functions needs to wait for the job; for task_resource, deploy/iam.py's
    reading of the resource."""
    if integration is None:
        from pyawssfn.compiler.codegen import field_json
        from pyawssfn.deploy.iam import derive_policy
        return derive_policy({"StartAt": "T", "States": {"T": {"Type": "Task", **field_json(fields),
                                                               "End": True}}}).actions()
    from pyawssfn.deploy.integration_iam import compiler_actions
    service, operation = _API[integration]
    variant = fields["Resource"][len(f"arn:aws:states:::{integration}"):]
    return compiler_actions(integration, f"{integration.split(':')[0]}:{operation}", variant)
