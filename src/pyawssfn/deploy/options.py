"""The Lambda function's settings, shared by ``deploy``, the templates and the CDK construct so that all of them ship
the same function: memory, timeout, architecture, environment.

The timeout, unless given, covers the longest step: a step's ``@sfn.task(timeout=N)`` becomes the Task's
TimeoutSeconds, and the function must outlive it, or Lambda would kill the step first with a different error
(``Sandbox.Timedout``) than the ``States.Timeout`` the workflow handles.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any, Iterable, Iterator

# AWS Lambda quotas (Lambda developer guide, "Lambda quotas"): memory 128-10,240 MB, timeout 1-900 s, environment
# variables 4 KB in total.
MIN_MEMORY, MAX_MEMORY = 128, 10_240
MAX_TIMEOUT = 900
MAX_ENVIRONMENT_BYTES = 4096
DEFAULT_MEMORY = 256
DEFAULT_TIMEOUT = 60
# Seconds the function outlives its longest step's TimeoutSeconds, so that Step Functions' timer fires first.
TIMEOUT_MARGIN = 5
ARCHITECTURES = ("x86_64", "arm64")
# Lambda sets these itself and refuses them in a function's configuration.
_RESERVED_ENV = re.compile(r"^(AWS_REGION|AWS_DEFAULT_REGION|AWS_EXECUTION_ENV|AWS_LAMBDA_\w+|AWS_ACCESS_KEY(_ID)?|"
                           r"AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_XRAY_\w+|_HANDLER|_X_AMZN_TRACE_ID|"
                           r"LAMBDA_TASK_ROOT|LAMBDA_RUNTIME_DIR|TZ)$")
_ENV_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*$")
_LAMBDA_INVOKE = re.compile(r"^arn:[\w-]+:states:::lambda:invoke$")
MAX_LAYERS = 5
_LAYER_ARN = re.compile(r"^arn:[\w-]+:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$")


class OptionError(ValueError):
    """A setting Lambda would refuse; the message says which and why."""


@dataclasses.dataclass(frozen=True)
class FunctionOptions:
    """``None`` means "not chosen by the user": pyawssfn's default, which never overrides a value changed on AWS."""

    memory: int | None = None
    timeout: int | None = None
    architecture: str = "x86_64"
    environment: dict[str, str] | None = None
    layers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        if len(self.layers) > MAX_LAYERS or not all(isinstance(x, str) and _LAYER_ARN.match(x) for x in self.layers):
            raise OptionError(f"layers must be at most {MAX_LAYERS} layer version ARNs "
                              "(arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)")
        if self.memory is not None and (not _is_int(self.memory) or not MIN_MEMORY <= self.memory <= MAX_MEMORY):
            raise OptionError(f"memory {self.memory!r} MB is out of Lambda's range {MIN_MEMORY} to {MAX_MEMORY}")
        if self.timeout is not None and (not _is_int(self.timeout) or not 1 <= self.timeout <= MAX_TIMEOUT):
            raise OptionError(f"timeout {self.timeout!r} s is out of Lambda's range 1 to {MAX_TIMEOUT}")
        if self.architecture not in ARCHITECTURES:
            raise OptionError(f"architecture {self.architecture!r} is not one of {', '.join(ARCHITECTURES)}")
        if self.environment is not None:
            check_environment(self.environment)

    def resolved(self, definitions: Iterable[dict[str, Any]]) -> dict[str, Any]:
        """The values to ship: what was chosen, else the defaults (the timeout covering the longest step)."""
        needed = function_timeout(definitions)
        if self.timeout is not None and self.timeout < needed:
            raise OptionError(f"timeout {self.timeout} s is shorter than the longest step needs ({needed} s: its "
                              f"TimeoutSeconds plus {TIMEOUT_MARGIN}); raise it or lower the step's timeout")
        return {"MemorySize": self.memory if self.memory is not None else DEFAULT_MEMORY,
                "Timeout": self.timeout if self.timeout is not None else needed,
                "Architectures": [self.architecture],
                "Environment": dict(self.environment or {}),
                "Layers": list(self.layers)}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_environment(environment: dict[str, str]) -> None:
    for key, value in environment.items():
        if not isinstance(key, str) or not _ENV_NAME.match(key):
            raise OptionError(f"environment variable name {key!r} must start with a letter and hold only letters, "
                              "digits and _")
        if _RESERVED_ENV.match(key):
            raise OptionError(f"environment variable {key} is reserved by Lambda and cannot be set")
        if not isinstance(value, str):
            raise OptionError(f"environment variable {key} must be a string")
    size = sum(len(k.encode()) + len(v.encode()) for k, v in environment.items())
    if size > MAX_ENVIRONMENT_BYTES:
        raise OptionError(f"the environment variables take {size} bytes; Lambda allows {MAX_ENVIRONMENT_BYTES}")


def parse_environment(items: Iterable[str]) -> dict[str, str]:
    """``KEY=VALUE`` command-line items as a dict (checked)."""
    env: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise OptionError(f"--env {item!r} must be KEY=VALUE")
        env[key] = value
    check_environment(env)
    return env


def _tasks(definition: Any) -> Iterator[dict[str, Any]]:
    stack = [definition]
    while stack:
        machine = stack.pop()
        states = machine.get("States") if isinstance(machine, dict) else None
        for state in (states.values() if isinstance(states, dict) else []):
            if not isinstance(state, dict):
                continue
            if state.get("Type") == "Task":
                yield state
            stack.extend(b for b in state.get("Branches") or [] if isinstance(b, dict))
            stack.extend(state[f] for f in ("ItemProcessor", "Iterator") if isinstance(state.get(f), dict))


def step_timeouts(definitions: Iterable[dict[str, Any]]) -> list[int]:
    """TimeoutSeconds of every Lambda step of the machines (callback steps excluded: their timeout is the wait for
    the answer, not the function's run)."""
    out = []
    for definition in definitions:
        for task in _tasks(definition):
            resource = task.get("Resource")
            timeout = task.get("TimeoutSeconds")
            if isinstance(resource, str) and _LAMBDA_INVOKE.match(resource) and _is_int(timeout):
                out.append(timeout)
    return out


def function_timeout(definitions: Iterable[dict[str, Any]], default: int = DEFAULT_TIMEOUT) -> int:
    """The Lambda Timeout covering the longest step: ``max(default, longest TimeoutSeconds + margin)``. A step
    longer than Lambda's 900 s cannot run on Lambda at all: an OptionError says so."""
    longest = max(step_timeouts(definitions), default=0)
    if longest > MAX_TIMEOUT - TIMEOUT_MARGIN:
        raise OptionError(f"a step's timeout of {longest} s is longer than a Lambda function can run "
                          f"({MAX_TIMEOUT} s, less {TIMEOUT_MARGIN} s so that Step Functions' timeout fires first): "
                          "lower @sfn.task(timeout=...) or split the step")
    return max(default, longest + TIMEOUT_MARGIN if longest else 0)
