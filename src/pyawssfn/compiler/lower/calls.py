"""Step calls and the author API's calls as states: a Lambda Task, a callback Task, a child workflow, an AWS SDK
call, a Wait; sfn.parallel and sfn.map are in parallel.py and maps.py."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from pyawssfn import _integrations
from pyawssfn.compiler.astwalk import walk
from pyawssfn.compiler.expressions import NotConstant
from pyawssfn.compiler.frontend import RetrySpec, StepInfo
from pyawssfn.compiler.ir import Exit, Node, Task, Wait
from pyawssfn.compiler import integrations
from pyawssfn.compiler import step_context
from pyawssfn.compiler.lower import binding, branch_errors, errors, maps, parallel
from pyawssfn.compiler.lower.support import (
    LAMBDA_CALLBACK, LAMBDA_INVOKE, START_EXECUTION, call_arg, result_hint,
)
from pyawssfn.compiler.error_names import EXPRESSION_ERRORS
from pyawssfn.compiler.naming import describe_source
from pyawssfn.jsonata import tree as t
from pyawssfn.compiler.expressions.build import T
from pyawssfn.compiler.ir import Template
from pyawssfn.jsonata.tree import Expr

if TYPE_CHECKING:
    from pyawssfn.compiler.lower.builder import FunctionLowerer


def lower_call(builder: FunctionLowerer, call: ast.Call, kind: str, want_result: bool = True) -> str | None:
    """Emit the states of a step/API call; returns the variable holding its result."""
    var = builder.fresh(result_hint(call)) if want_result else None
    if kind == "step":
        task_step(builder, call, builder.info.steps[call.func.id], var)
    elif kind == "workflow":
        task_child(builder, call, var)
    elif kind == "api:parallel":
        parallel.parallel(builder, call, var)
    elif kind == "api:map":
        maps.map_api(builder, call, var)
    elif kind in ("api:sleep", "api:sleep_until"):
        wait(builder, call, kind == "api:sleep")
        if var:
            for ex in builder.frontier:
                ex.env[var] = t.NULL
    elif kind == "api:wait_for_callback":
        callback(builder, call, var)
    elif kind == "api:with_retry_spec":
        with_retry_spec(builder, call, var)
    elif kind.startswith("api:aws."):
        sdk(builder, call, kind[len("api:aws."):], var)
    elif kind in integrations.KINDS:  # sfn.run_job / wait_for_task_token / task_resource (issue #10)
        integrations.lower_integration(builder, call, kind, var)
    elif kind == "api:Fail":
        raise builder.fail(call, "sfn.Fail(...) can only be raised", "write raise sfn.Fail('Error', 'cause')")
    else:
        raise builder.fail(call, f"sfn.{kind[4:]} cannot be called inside a workflow",
                           "use it where the language reference allows it")
    return var


def result_into(builder: FunctionLowerer, node: Node, pre_env: dict[str, Expr], var: str | None,
                result: Expr) -> None:
    errors.catchers(builder, node, pre_env)
    env = dict(pre_env)
    if var:
        env[var] = result
    builder.frontier = [Exit(node, env)]


def lambda_task(builder: FunctionLowerer, name: str, line: int, step: StepInfo, retry: list[RetrySpec] | None,
                callback: bool = False) -> Node:
    n = Task(name, line, resource=LAMBDA_CALLBACK if callback else LAMBDA_INVOKE, timeout=step.timeout,
             heartbeat=step.heartbeat)
    n.retry = errors.retriers(builder, step, step.retry if retry is None else retry)
    builder.s.steps.add(step.name)
    return n


def function_arn(builder: FunctionLowerer) -> str:
    return builder.s.options.function_arn or "${FunctionArn}"


def context_field(builder: FunctionLowerer) -> dict[str, Template]:
    """What a step Task's Payload carries for ``sfn.context()`` (nothing unless the module mentions it)."""
    return step_context.context_field(builder.info, builder.s.workflow)


def task_step(builder: FunctionLowerer, call: ast.Call, step: StepInfo, var: str | None,
              retry: list[RetrySpec] | None = None, args: list[ast.expr] | None = None) -> None:
    bound = binding.bind(builder, call, step.node.args, step.name, args=args)
    n = lambda_task(builder, step.name, call.lineno, step, retry)
    env = builder.connect(n)
    kwargs = {p: builder.value_field(v, env) for p, v in bound.items()}
    n.arguments = {"FunctionName": function_arn(builder), "Payload": {"step": step.name, "kwargs": kwargs,
                                                                       **context_field(builder)}}
    result_into(builder, n, env, var, _PAYLOAD)


_PAYLOAD = t.path("states", "result", "Payload")  # (a tree is immutable: one for every step's result)


def with_retry_spec(builder: FunctionLowerer, call: ast.Call, var: str | None) -> None:
    if len(call.args) < 2 or not isinstance(call.args[0], ast.Name) or call.args[0].id not in builder.info.steps:
        raise builder.fail(call, "sfn.with_retry_spec needs a step and a tuple of arguments",
                           "write sfn.with_retry_spec(step, (a, b), (['States.ALL'], 1, 3, 2.0))")
    step = builder.info.steps[call.args[0].id]
    targs = call.args[1]
    if not isinstance(targs, (ast.Tuple, ast.List)):
        raise builder.fail(targs, "the arguments of sfn.with_retry_spec must be written as a tuple",
                           "write (a, b)")
    specs: list[RetrySpec] = []
    for sp in call.args[2:]:
        try:
            names, interval, attempts, backoff = ast.literal_eval(sp)
        except (ValueError, TypeError, SyntaxError):
            raise builder.fail(sp, "a retry spec must be a literal (errors, interval, max_attempts, backoff)",
                               "write (['States.ALL'], 1, 3, 2.0)")
        specs.append(RetrySpec([str(e) for e in names], interval, attempts, backoff))
    fake = ast.Call(func=call.args[0], args=list(targs.elts), keywords=[])
    ast.copy_location(fake, call)
    task_step(builder, fake, step, var, retry=specs)


def callback(builder: FunctionLowerer, call: ast.Call, var: str | None) -> None:
    if not call.args or not isinstance(call.args[0], ast.Name) or call.args[0].id not in builder.info.steps:
        raise builder.fail(call, "sfn.wait_for_callback needs a step of this module first",
                           "write sfn.wait_for_callback(step, arg, timeout=3600)")
    step = builder.info.steps[call.args[0].id]
    if any(r.max_attempts != 0 for r in step.retry):
        # F78: the Task's Retry covers the whole wait (a SendTaskFailure, a timeout), the decorator the call alone
        raise builder.fail(call, f"step {step.name} has @sfn.task(retry=...): on the machine its retriers retry the "
                                 "whole wait (also a failed or timed-out callback, calling the step again), under "
                                 "Python only the step's own call",
                           f"retry inside {step.name}, or catch the callback's error and wait again in a loop")
    opts = {kw.arg: kw.value for kw in call.keywords if kw.arg in ("timeout", "heartbeat")}
    fake = ast.Call(func=call.args[0], args=call.args[1:],
                    keywords=[kw for kw in call.keywords if kw.arg not in ("timeout", "heartbeat")])
    ast.copy_location(fake, call)
    bound = binding.bind(builder, fake, step.node.args, step.name, skip_first=True)
    n = lambda_task(builder, step.name, call.lineno, step, None, callback=True)
    env = builder.connect(n)
    for key in ("timeout", "heartbeat"):
        if key in opts:
            setattr(n, key, task_seconds(builder, opts[key], key, env))
    kwargs = {p: builder.value_field(v, env) for p, v in bound.items()}
    n.arguments = {"FunctionName": function_arn(builder),
                   "Payload": {"step": step.name, "kwargs": kwargs, "task_token": Template(t.path("states", "context", "Task", "Token")),
                               **context_field(builder)}}
    result_into(builder, n, env, var, t.path("states", "result"))


def task_seconds(builder: FunctionLowerer, node: ast.expr, key: str, env: dict[str, Expr]) -> int | Template | None:
    """TimeoutSeconds/HeartbeatSeconds of ``sfn.wait_for_callback(..., timeout=node)``: a constant as itself (checked
    here), anything else as a JSONata expression that fails as sfn.wait_for_callback does under plain Python on a
    value Step Functions does not take (None: no limit, as AWS's default 99999999 is)."""
    try:
        v = builder.info.static_value(node, builder.tr.literal_value)
    except NotConstant:
        v = NotConstant
    if v is not NotConstant:
        problem = _integrations.task_seconds_error(key, v)
        if problem:
            raise builder.fail(node, problem, f"write {key}=3600")
        return None if v is None else int(v)
    s = t.var("pyawssfn_s")
    ok = t.and_(t.binop("=", t.call("type", s), t.lit("number")), t.binop(">=", s, t.lit(1)),
                t.binop("<=", s, t.lit(_integrations.MAX_TASK_SECONDS)), t.binop("=", s, t.call("floor", s)))
    null = t.binop("=", t.call("type", s), t.lit("null"))
    checked = t.cond(ok, s, t.cond(null, t.lit(_integrations.MAX_TASK_SECONDS),
                                   t.error(_integrations.task_seconds_message(key))))
    return Template(t.block([("pyawssfn_s", builder.render(builder.prepare(node), env))], checked))


def task_child(builder: FunctionLowerer, call: ast.Call, var: str | None) -> None:
    name = call.func.id
    wf = builder.info.workflows[name]
    if reaches(builder, name, builder.s.workflow, set()):
        raise builder.fail(call, f"recursive workflow call {name}() (a workflow cannot start itself, directly or "
                                 "through others)", "rewrite the recursion as a loop")
    bound = binding.bind(builder, call, wf.args, name)
    n = Task(name, call.lineno, resource=START_EXECUTION)
    env = builder.connect(n)
    n.arguments = {"StateMachineArn": "${StateMachineArn_" + name + "}",
                   "Input": {p: builder.value_field(v, env) for p, v in bound.items()}}
    builder.s.children.add(name)
    # A failed child fails this Task with States.TaskFailed and the child's DescribeExecution as cause: raise
    # the child's own error and cause instead, as the Python call does (a handler decodes the message where it reads
    # it, as for any caught error: the child may have ended with a step's Lambda error JSON).
    unwrap = T('($c := $states.errorOutput.Cause; $p := ($type($c) = "string" and $substring($c, 0, 1) = "{" ? '
               '$parse($c) : {}); $type($p.Error) = "string" ? {"Error": $p.Error, "Cause": ($exists($p.Cause) ? '
               '$p.Cause : "")} : $states.errorOutput)')
    # An argument's failing expression is caught here too, by its name on either engine (our executor's
    # States.TaskFailed matches States.QueryEvaluationError, LocalStack's does not match its States.Runtime): the
    # path must not depend on it (tests/engines).
    errors.redispatch(builder, n, ["States.TaskFailed", *EXPRESSION_ERRORS], env, unwrap)
    result_into(builder, n, env, var, t.path("states", "result", "Output"))


def reaches(builder: FunctionLowerer, start: str, goal: str, seen: set[str]) -> bool:
    if start == goal:
        return True
    if start in seen:
        return False
    seen.add(start)
    fn = builder.info.workflows.get(start)
    if fn is None:
        return False
    for n in walk(fn):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in builder.info.workflows:
            if reaches(builder, n.func.id, goal, seen):
                return True
    return False


def sdk(builder: FunctionLowerer, call: ast.Call, path: str, var: str | None) -> None:
    parts = path.split(".")
    if len(parts) != 2:
        raise builder.fail(call, "AWS SDK calls are written sfn.aws.<service>.<operation>(Param=value)",
                           "write e.g. sfn.aws.s3.get_object(Bucket=b, Key=k)")
    if call.args or any(kw.arg is None for kw in call.keywords):
        raise builder.fail(call, "AWS SDK call parameters must be passed by keyword",
                           "write sfn.aws.s3.get_object(Bucket=b, Key=k)")
    try:
        from pyawssfn.compiler.aws_models import SdkCallError, resolve_sdk_call
    except ImportError:
        raise builder.fail(call, "AWS SDK calls are not available in this installation", "call AWS inside a step")
    try:
        sdk = resolve_sdk_call(parts[0], parts[1], [kw.arg for kw in call.keywords])
    except SdkCallError as exc:
        raise builder.fail(call, str(getattr(exc, "message", exc)), getattr(exc, "hint", "") or
                           "check the service and operation names")
    values = [(kw.arg, builder.prepare(kw.value)) for kw in call.keywords]
    n = Task(f"{parts[0]}.{parts[1]}", call.lineno, resource=sdk.resource)
    env = builder.connect(n)
    # Step Functions' SDK integration takes the API's members in PascalCase (stateMachineArn -> StateMachineArn).
    n.arguments = {sdk.arguments[k]: builder.value_field(v, env) for k, v in values}
    builder.s.sdk_actions.add(sdk.iam_action)
    result_into(builder, n, env, var, t.path("states", "result"))


def wait(builder: FunctionLowerer, call: ast.Call, seconds: bool) -> None:
    arg = call_arg(call, 0, "seconds" if seconds else "timestamp")
    if arg is None or len(call.args) + len(call.keywords) != 1:
        raise builder.fail(call, "sfn.sleep takes one argument" if seconds else "sfn.sleep_until takes one argument",
                           "write sfn.sleep(30)" if seconds else "write sfn.sleep_until('2026-01-01T00:00:00Z')")
    value = builder.prepare(arg)
    if seconds:
        try:
            v = builder.tr.literal_value(value)
        except NotConstant:
            v = None
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            raise builder.fail(arg, "a Wait takes a whole number of seconds >= 0", "write e.g. sfn.sleep(30)")
    value = branch_errors.caught_wait(builder, value, seconds)  # a Wait has no Catch (inside a try)
    n = Wait(describe_source(builder.src(call)), call.lineno)
    env = builder.connect(n)
    if seconds:
        n.seconds = builder.value_field(value, env)
    else:
        n.timestamp = builder.value_field(value, env)
    builder.frontier = [Exit(n, env)]
