"""Rules AWS applies when a state machine is created that neither statelint nor the structural checks know, each in
AWS's own wording (as recorded from CreateStateMachine / ValidateStateMachineDefinition):

* a Map's ``Label``: 1 to 40 characters, none of AWS's forbidden name characters;
* what an EXPRESS execution cannot run: ``.waitForTaskToken`` and ``.sync`` integrations, activities (this holds for
  an EXPRESS machine and for the children of a DISTRIBUTED Map whose ExecutionType is EXPRESS);
* a Wait ``Timestamp`` is an RFC 3339 date-time: a ``T`` between date and time, and a zone (``Z`` or ``+hh:mm``);
* ``Credentials`` needs ``RoleArn``;
* an optimized integration ``arn:aws:states:::SERVICE:ACTION[.sync|.waitForTaskToken]`` must be one that exists;
* the numeric fields statelint bounds (off by one at some ends, and with "allowed floor is 0" for a 0 it means to
  refuse) are bounded here with AWS's inclusive ranges, one message per field.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Iterator

from pyawssfn.asl import constants as C
from pyawssfn.asl.integrations import resource_problem
from pyawssfn.asl.jsonata_syntax import jsonata_body
from pyawssfn.asl.problem import Problem, join

STANDARD, EXPRESS = "STANDARD", "EXPRESS"
MAX_LABEL_LENGTH = 40
# AWS's characters forbidden in names (state machines, executions, Map labels): whitespace, brackets, wildcards,
# the specials below and the C0/C1 control characters.
_FORBIDDEN_NAME_CHARACTERS = set(' \t\n\r\x0b\x0c<>{}[]?*"#%\\^|~`$&,;:/') | {chr(c) for c in range(0x20)} \
    | {chr(c) for c in range(0x7F, 0xA0)}
_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$")
_ACTIVITY = re.compile(r"^arn:[\w-]+:states:[\w-]*:\d*:activity:")
# (state type, field) -> inclusive range; None: no upper bound. A JSONata state may give them as {% %} expressions.
_RANGES: dict[tuple[str, str], tuple[int, int | None]] = {
    ("Task", "TimeoutSeconds"): (1, C.MAX_TIMEOUT_SECONDS),
    ("Task", "HeartbeatSeconds"): (1, C.MAX_TIMEOUT_SECONDS),
    ("Wait", "Seconds"): (0, C.MAX_TIMEOUT_SECONDS),
}
# Distributed Map reader and batcher limits ("ItemReader (Map)": MaxItems 0, the default, means every item).
MAX_READER_ITEMS = 100_000_000


def aws_rule_problems(definition: dict, machine_type: str = STANDARD) -> list[Problem]:
    problems: list[Problem] = []
    for path, state, execution_type, ql in _states(definition, machine_type):
        kind = state.get("Type")
        if kind == "Map" and "Label" in state:
            problems += _label(state["Label"], join(path, "Label"))
        if kind == "Task":
            problems += _task(state, path, execution_type, ql)
        if kind == "Wait" and "Timestamp" in state:
            problems += _timestamp(state["Timestamp"], join(path, "Timestamp"), ql)
        problems += _numbers(state, path, kind, ql)
    return problems


def _in_range(value: Any, low: int, high: int | None) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value and (high is None or value <= high)


def _range_text(low: int, high: int | None) -> str:
    return f"an integer from {low} to {high}" if high is not None else f"an integer, {low} or more"


def _numbers(state: dict, path: str, kind: Any, ql: str) -> list[Problem]:
    checks = [(join(path, field), state[field], *bounds) for (k, field), bounds in _RANGES.items()
              if k == kind and field in state]
    reader = state.get("ItemReader") if kind == "Map" else None
    config = reader.get("ReaderConfig") if isinstance(reader, dict) else None
    if isinstance(config, dict) and "MaxItems" in config:
        checks.append((join(join(join(path, "ItemReader"), "ReaderConfig"), "MaxItems"), config["MaxItems"], 0,
                       MAX_READER_ITEMS))
    batcher = state.get("ItemBatcher") if kind == "Map" else None
    if isinstance(batcher, dict) and "MaxItemsPerBatch" in batcher:
        checks.append((join(join(path, "ItemBatcher"), "MaxItemsPerBatch"), batcher["MaxItemsPerBatch"], 1, None))
    problems = []
    for where, value, low, high in checks:
        if ql == C.JSONATA and isinstance(value, str) and jsonata_body(value) is not None:
            continue  # evaluated at run time
        if not _in_range(value, low, high):
            shown = json.dumps(value, ensure_ascii=False)
            problems.append(Problem(where, f"is {shown}; it must be {_range_text(low, high)}"))
    return problems


def _states(definition: dict, machine_type: str) -> Iterator[tuple[str, dict, str, str]]:
    """Every state of the machine, nested ones included, with the execution type and query language it runs under.
    Iterative: a deeply nested definition cannot overflow the stack here."""
    top_ql = definition.get("QueryLanguage") if definition.get("QueryLanguage") in C.QUERY_LANGUAGES else C.JSONPATH
    stack: list[tuple[Any, str, str, str]] = [(definition, "", machine_type, top_ql)]
    while stack:
        machine, path, execution_type, inherited_ql = stack.pop()
        states = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(states, dict):
            continue
        for name, state in states.items():
            if not isinstance(state, dict):
                continue
            state_path = join(join(path, "States"), name)
            ql = state.get("QueryLanguage") if state.get("QueryLanguage") in C.QUERY_LANGUAGES else inherited_ql
            yield state_path, state, execution_type, ql
            branches = state.get("Branches")
            for i, branch in enumerate(branches if isinstance(branches, list) else []):
                stack.append((branch, join(join(state_path, "Branches"), i), execution_type, ql))
            for field in ("ItemProcessor", "Iterator"):
                processor = state.get(field)
                if isinstance(processor, dict):
                    stack.append((processor, join(state_path, field), _child_type(processor, execution_type), ql))


def _child_type(processor: dict, parent: str) -> str:
    """A DISTRIBUTED Map runs each child as an execution of its ExecutionType; an INLINE one runs in the parent."""
    config = processor.get("ProcessorConfig")
    if isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED" and config.get("ExecutionType") in (
            STANDARD, EXPRESS):
        return config["ExecutionType"]
    return parent


def _label(label: Any, path: str) -> list[Problem]:
    if not isinstance(label, str):
        return [Problem(path, "Label must be a string")]
    if not label:
        return [Problem(path, "Label cannot be empty")]
    if len(label) > MAX_LABEL_LENGTH:
        return [Problem(path, f"Label cannot exceed {MAX_LABEL_LENGTH} characters")]
    for ch in label:
        if ch in _FORBIDDEN_NAME_CHARACTERS or 0xD800 <= ord(ch) <= 0xDFFF:
            return [Problem(path, f"Label contains invalid character: {ch!r}")]
    return []


def _task(state: dict, path: str, execution_type: str, ql: str) -> list[Problem]:
    problems = []
    resource = state.get("Resource")
    if isinstance(resource, str):
        resource_path = join(path, "Resource")
        if execution_type == EXPRESS:
            if resource.endswith(".waitForTaskToken"):
                problems.append(Problem(resource_path, "Express state machine does not support '.waitForTaskToken' "
                                                       "service integration"))
            elif re.search(r"\.sync(:\d+)?$", resource):
                problems.append(Problem(resource_path, "Express state machine does not support '.sync' service "
                                                       "integration"))
            elif _ACTIVITY.match(resource):
                problems.append(Problem(resource_path, "Express state machine does not support Activity ARN"))
        problem = resource_problem(resource)
        if problem:
            problems.append(Problem(resource_path, problem))
    if "Credentials" in state:
        problems += _credentials(state["Credentials"], join(path, "Credentials"), ql)
    return problems


def _credentials(credentials: Any, path: str, ql: str) -> list[Problem]:
    if not isinstance(credentials, dict):
        return [Problem(path, "Credentials must be a JSON object with RoleArn")]
    allowed = {"RoleArn", "RoleArn.$"} if ql == C.JSONPATH else {"RoleArn"}
    problems = [Problem(join(path, k), f"The field '{k}' is not supported in Credentials") for k in credentials
                if k not in allowed]
    if not allowed & set(credentials):
        problems.insert(0, Problem(path, "The field 'RoleArn' is required but was missing"))
    return problems


def _timestamp(value: Any, path: str, ql: str) -> list[Problem]:
    if ql == C.JSONATA and isinstance(value, str) and jsonata_body(value) is not None:
        return []  # evaluated at run time
    if not isinstance(value, str) or not is_rfc3339(value):
        return [Problem(path, "String does not match RFC3339 timestamp")]
    return []


def is_rfc3339(text: str) -> bool:
    m = _RFC3339.match(text)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    try:
        dt.datetime(year, month, day, hour, minute, min(second, 59))  # RFC 3339 allows a leap second 60
    except ValueError:
        return False
    if second > 60 or (m.group(9) is not None and (int(m.group(9)) > 23 or int(m.group(10)) > 59)):
        return False
    return True
