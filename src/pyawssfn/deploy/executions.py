"""Executions on AWS: start, history, watch, and the task-token callbacks (boto3 Step Functions API)."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import botocore.config
import botocore.exceptions

from pyawssfn.deploy.aws import Aws, AwsProblem

TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
MIN_INTERVAL, MAX_INTERVAL = 0.2, 60.0


def state_machine_arn(aws: Aws, name_or_arn: str) -> str:
    """An ARN as given, or the ARN of the machine NAME in this account and region."""
    if name_or_arn.startswith("arn:"):
        return name_or_arn
    account = aws.client("sts").get_caller_identity()["Account"]
    return f"arn:{aws.partition}:states:{aws.region}:{account}:stateMachine:{name_or_arn}"


def parse_json(text: str, what: str) -> Any:
    """JSON refused as AWS refuses it (NaN, 1e400, lone surrogates, too deep): UsageError, exit 2."""
    from pyawssfn.commands.inputs import parse_json as parse
    return parse(text, what)


def start(aws: Aws, name_or_arn: str, input_text: str, name: str | None = None) -> dict[str, Any]:
    parse_json(input_text, "--input")
    kwargs: dict[str, Any] = {"stateMachineArn": state_machine_arn(aws, name_or_arn), "input": input_text}
    if name:
        kwargs["name"] = name
    return aws.client("stepfunctions").start_execution(**kwargs)


def start_sync(aws: Aws, name_or_arn: str, input_text: str, name: str | None = None) -> dict[str, Any]:
    """StartSyncExecution (Express machines only): returns when the execution ends, with DescribeExecution's
    status/output/error/cause. It goes to the ``sync-states`` endpoint, which boto3 picks by itself."""
    parse_json(input_text, "--input")
    kwargs: dict[str, Any] = {"stateMachineArn": state_machine_arn(aws, name_or_arn), "input": input_text}
    if name:
        kwargs["name"] = name
    client = aws.client("stepfunctions")
    if aws.endpoint_url:
        # A local endpoint (moto, LocalStack) serves every operation at its one address: without this botocore
        # would send the call to "sync-<host>", as it does for AWS's own endpoint.
        client = aws.session.client("stepfunctions", region_name=aws.region, endpoint_url=aws.endpoint_url,
                                    config=client.meta.config.merge(botocore.config.Config(inject_host_prefix=False)))
    try:
        return client.start_sync_execution(**kwargs)
    except botocore.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "StateMachineTypeNotSupported":
            raise
        raise AwsProblem(f"{name_or_arn} is a STANDARD state machine: --sync (StartSyncExecution) runs EXPRESS "
                         "machines only; use --wait to wait for its end", 2) from None


def describe(aws: Aws, execution_arn: str) -> dict[str, Any]:
    return aws.client("stepfunctions").describe_execution(executionArn=execution_arn)


def history(aws: Aws, execution_arn: str) -> list[dict[str, Any]]:
    pages = aws.client("stepfunctions").get_paginator("get_execution_history").paginate(
        executionArn=execution_arn, includeExecutionData=True)
    return [event for page in pages for event in page.get("events", [])]


def callback(aws: Aws, action: str, token: str, *, output: str | None = None, error: str | None = None,
             cause: str | None = None) -> None:
    sfn = aws.client("stepfunctions")
    if action == "succeed":
        parse_json(output if output is not None else "", "--output")
        sfn.send_task_success(taskToken=token, output=output)
    elif action == "fail":
        kwargs = {k: v for k, v in (("error", error), ("cause", cause)) if v is not None}
        sfn.send_task_failure(taskToken=token, **kwargs)
    elif action == "heartbeat":
        sfn.send_task_heartbeat(taskToken=token)
    else:  # argparse restricts the choices; this guards the Python API
        raise AwsProblem(f"unknown callback {action!r}: use succeed, fail or heartbeat", 2)


# --- events ----------------------------------------------------------------------------------------------------

def event_details(event: dict[str, Any]) -> dict[str, Any]:
    return next((v for k, v in event.items() if k.endswith("EventDetails") and isinstance(v, dict)), {})


def event_summary(event: dict[str, Any], width: int = 120) -> str:
    """One line about an event: the state's name, the task's resource, the error and cause, or the output."""
    d = event_details(event)
    parts = []
    if "name" in d:
        parts.append(str(d["name"]))
    if "resourceType" in d:
        parts.append(f"{d['resourceType']}:{d.get('resource', '')}")
    if "error" in d:
        parts.append(f"error={d['error']}")
    if "cause" in d:
        parts.append(f"cause={d['cause']}")
    if not parts and "output" in d:
        parts.append(f"output={d['output']}")
    text = " ".join(parts)
    return text if len(text) <= width else text[: width - 1] + "…"


def jsonable_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events as GetExecutionHistory's JSON (timestamps as ISO-8601 text)."""
    return json.loads(json.dumps(events, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)))


# --- watching --------------------------------------------------------------------------------------------------

@dataclass
class Poll:
    status: str
    new_events: list[dict[str, Any]]
    execution: dict[str, Any]


def poll(aws: Aws, execution_arn: str, *, interval: float = 2.0, timeout: float | None = None,
         sleep: Callable[[float], None] | None = None, clock: Callable[[], float] | None = None) -> Iterator[Poll]:
    """Yield the status and the events not seen before, every ``interval`` seconds, until a terminal status.

    Raises ``AwsProblem`` (exit 1) when ``timeout`` seconds pass first. The interval is clamped to
    [0.2 s, 60 s] so a typo neither floods the API (which throttles) nor makes watching useless.
    """
    interval = min(max(interval, MIN_INTERVAL), MAX_INTERVAL)
    sleep, clock = sleep or time.sleep, clock or time.monotonic
    deadline = None if timeout is None else clock() + timeout
    seen = 0
    while True:
        execution = describe(aws, execution_arn)
        events = history(aws, execution_arn)
        fresh = [e for e in events if e.get("id", 0) > seen]
        seen = max([seen] + [e.get("id", 0) for e in events])
        yield Poll(execution["status"], fresh, execution)
        if execution["status"] in TERMINAL:
            return
        if deadline is not None and clock() + interval > deadline:
            raise AwsProblem(f"still {execution['status']} after {timeout:g} s; watch again with "
                             f"`pyawssfn watch {execution_arn}`", 1)
        sleep(interval)
