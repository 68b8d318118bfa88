"""AWS's MockConfigFile format (Step Functions Local, LocalStack's SFN_MOCK_CONFIG), read into our mocks.

The format: ``{"StateMachines": {<machine>: {"TestCases": {<case>: {<state name>: <response name>}}}},
"MockedResponses": {<response name>: {"0": {"Return": value} | {"Throw": {"Error": e, "Cause": c}}, "1-2": ...}}}``.
The keys of a mocked response number the calls of its state (from 0; ``"1-2"`` is calls 1 and 2) and must follow
each other without gaps. One test case becomes our ``{state name: [response, ...]}`` mocks, served in call order;
past the last one a call fails (``States.Runtime``), as LocalStack does, rather than repeating the last answer as
our own format does.
"""
from __future__ import annotations

import json
import re
from typing import Any


class AwsMocks(dict):
    """Our mocks format, from one test case of a MockConfigFile: a call past the last response fails."""
    repeat_last = False

    def __init__(self, responses: dict[str, list[dict[str, Any]]], test_case: str):
        super().__init__(responses)
        self.test_case = test_case


def is_aws_config(data: Any) -> bool:
    return (isinstance(data, dict) and not isinstance(data, AwsMocks)
            and isinstance(data.get("StateMachines"), dict) and isinstance(data.get("MockedResponses"), dict))


def _error(message: str):
    from pyawssfn.local.mocks import MockFormatError
    return MockFormatError(message)


def _pick(machines: dict[str, Any], test_case: str | None, where: str) -> tuple[str, str]:
    """The (state machine, test case) that ``test_case`` (``Case`` or ``Machine:Case``) names in the file."""
    cases = []
    for machine, body in machines.items():
        if not isinstance(body, dict) or not isinstance(body.get("TestCases"), dict):
            raise _error(f"{where}: StateMachines.{machine} needs a \"TestCases\" object")
        cases += [(machine, case) for case in body["TestCases"]]
    named = ", ".join(f"{m}:{c}" for m, c in cases) or "none"
    if test_case is None:
        if len(cases) == 1:
            return cases[0]
        raise _error(f"{where} has several test cases ({named}): name one, as FILE#TestCase")
    machine, _, case = test_case.rpartition(":")
    found = [(m, c) for m, c in cases if c == case and machine in ("", m)]
    if len(found) != 1:
        problem = "is not one of" if not found else "is in several machines; write Machine:TestCase among"
        raise _error(f"{where}: test case {test_case!r} {problem} its test cases ({named})")
    return found[0]


def _calls(key: str, where: str) -> range:
    m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", key)
    if not m or (m.group(2) is not None and int(m.group(2)) <= int(m.group(1))):
        raise _error(f"{where}: {key!r} is not a call number (\"0\") or range (\"1-2\")")
    first = int(m.group(1))
    return range(first, int(m.group(2) or first) + 1)


def _responses(name: str, body: Any, where: str) -> list[dict[str, Any]]:
    """A mocked response's answers in call order, checked."""
    from pyawssfn.local.mocks import check_mocks
    here = f"{where}: MockedResponses.{name}"
    if not isinstance(body, dict) or not body:
        raise _error(f"{here} must be an object of call numbers, e.g. {{\"0\": {{\"Return\": ...}}}}")
    numbered = sorted(((_calls(k, here), v) for k, v in body.items()), key=lambda kv: kv[0].start)
    answers: list[dict[str, Any]] = []
    for calls, answer in numbered:
        if calls.start != len(answers):
            raise _error(f"{here}: calls must be numbered from 0 without gaps; {calls.start} follows "
                         f"{len(answers) - 1}")
        if not isinstance(answer, dict) or set(answer) - {"Return", "Throw"}:
            raise _error(f"{here}[{calls.start}] must be {{\"Return\": value}} or {{\"Throw\": {{\"Error\": ..., "
                         f"\"Cause\": ...}}}}, got {json.dumps(answer)[:80]}")
        check_mocks({f"{name}[{calls.start}]": answer})
        answers += [answer] * len(calls)
    return answers


def from_aws_config(data: dict[str, Any], test_case: str | None, where: str = "mocks") -> AwsMocks:
    """The mocks of one test case (see the module docstring)."""
    machine, case = _pick(data["StateMachines"], test_case, where)
    # Every response is checked, used by this test case or not: a file is fixed once, not case by case.
    responses = {name: _responses(name, body, where) for name, body in data["MockedResponses"].items()}
    states = data["StateMachines"][machine]["TestCases"][case]
    if not isinstance(states, dict):
        raise _error(f"{where}: test case {case!r} must map state names to MockedResponses names")
    out: dict[str, list[dict[str, Any]]] = {}
    for state, response in states.items():
        if response not in responses:
            raise _error(f"{where}: test case {case!r} gives state {state!r} the response {response!r}, which "
                         "MockedResponses does not define")
        out[state] = list(responses[response])
    return AwsMocks(out, f"{machine}:{case}")


# --- WorkflowTester: a test case served on both sides --------------------------------------------------------

def _tasks(definition: dict[str, Any]):
    for name, state in (definition.get("States") or {}).items():
        if isinstance(state, dict):
            yield name, state
            for branch in state.get("Branches") or []:
                yield from _tasks(branch)
            for key in ("ItemProcessor", "Iterator"):
                if isinstance(state.get(key), dict):
                    yield from _tasks(state[key])


def _boto3_service(arn_service: str) -> str:
    """The boto3 name (``sfn.aws.<name>``) of the service an ``aws-sdk:<arn_service>:...`` resource calls."""
    import botocore.session

    from pyawssfn.pyrun import sdk_resource
    names = botocore.session.get_session().get_available_services()
    for name in [n for n in names if n.replace("-", "") == arn_service] + names:
        if sdk_resource(name, "x").split(":")[-2] == arn_service:
            return name
    return arn_service


def tester_answers(mocks: AwsMocks, definition: dict[str, Any]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """What a test case says, as WorkflowTester's plans: ``("step", step, answers)`` for a state calling a step (a
    Lambda ``Return`` holds the invoke result: its ``Payload`` is the step's result) and ``("aws", "service.op",
    answers)`` for an ``sfn.aws`` call. A state the plain-Python run has no counterpart for is refused."""
    from pyawssfn import _snake_case
    states = dict(_tasks(definition))
    plans = []
    for name, answers in mocks.items():
        state = states.get(name)
        resource = state.get("Resource", "") if state else ""
        if state is None or state.get("Type") != "Task":
            raise _error(f"test case {mocks.test_case!r} mocks {name!r}, which is not a Task state of the workflow "
                         f"(its Task states: {', '.join(n for n, s in states.items() if s.get('Type') == 'Task')})")
        step = ((state.get("Arguments") or {}).get("Payload") or {}).get("step") \
            if resource.startswith("arn:aws:states:::lambda:invoke") else None
        if isinstance(step, str):
            for a in answers:
                if "Return" in a and not (isinstance(a["Return"], dict) and "Payload" in a["Return"]):
                    raise _error(f"test case {mocks.test_case!r}: state {name!r} invokes a Lambda function, so its "
                                 "Return is the invoke result: {\"StatusCode\": 200, \"Payload\": <the step's result>}")
            plans.append(("step", step, [{"Return": a["Return"]["Payload"]} if "Return" in a else a
                                         for a in answers]))
        elif m := re.fullmatch(r"arn:aws:states:::aws-sdk:([a-z0-9]+):(\w+)", resource):
            plans.append(("aws", f"{_boto3_service(m.group(1))}.{_snake_case(m.group(2))}", list(answers)))
        else:
            raise _error(f"test case {mocks.test_case!r} mocks {name!r} ({resource}), which the plain-Python run "
                         "does not call: WorkflowTester serves the states of steps and of sfn.aws calls")
    return plans
