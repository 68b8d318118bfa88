"""What a test asserts on after ``WorkflowTester.run_machine`` / ``run_python``: the status as an enum equal to its
string, the states entered in order (each with its Python line), and each step's calls with their arguments, results
and attempts. docs/testing.md shows the idioms.

    execution = tester.run_machine({"text": "abc"})
    assert execution.status == "SUCCEEDED"            # or Status.SUCCEEDED
    assert execution.states[:2] == ["get_summary", 'if summary["head"] == "a" ...']
    assert execution.step("get_summary").calls[0].arguments == {"text": "abc"}
    assert execution.step("flaky").calls[0].attempts == 3
"""
from __future__ import annotations

import dataclasses
import enum
from typing import Any, Iterable

from pyawssfn.history_events import details as _details, loads as _loads


class Status(enum.StrEnum):
    """An execution's status. A ``str``: ``Status.SUCCEEDED == "SUCCEEDED"`` and it prints as ``SUCCEEDED``."""

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"


def _status(value: Any) -> Any:
    try:
        return Status(value)
    except ValueError:  # a status this version does not know: keep it as it came
        return value


class EnteredState(str):
    """A state the machine entered: equal to its name, with ``type`` (Task, Choice, ...), ``line`` (the line of the
    workflow's Python it was compiled from, or None) and ``depth`` (0 at the top, 1 inside a Parallel or Map, ...)."""

    type: str
    line: int | None
    depth: int

    def __new__(cls, name: str, type_: str, line: int | None, depth: int = 0) -> "EnteredState":
        self = super().__new__(cls, name)
        self.type, self.line, self.depth = type_, line, depth
        return self

    @property
    def name(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        where = f" (line {self.line})" if self.line is not None else ""
        return f"{str.__repr__(self)}{where}"


@dataclasses.dataclass(frozen=True)
class Attempt:
    """One invocation of a step (its Lambda), as the function saw it: the arguments and what came back."""

    arguments: dict
    result: Any = None
    error: str | None = None
    cause: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.error is None


@dataclasses.dataclass(frozen=True)
class Call:
    """One call of a step in the workflow: its attempts (more than one when a retry policy ran it again).
    ``arguments``, ``result``, ``error`` and ``cause`` are those of the last attempt."""

    step: str
    attempt_list: tuple[Attempt, ...]
    state: str | None = None  # the Task state that made the call (None under plain Python)

    @property
    def attempts(self) -> int:
        return len(self.attempt_list)

    @property
    def arguments(self) -> dict:
        return self.attempt_list[-1].arguments

    @property
    def result(self) -> Any:
        return self.attempt_list[-1].result

    @property
    def error(self) -> str | None:
        return self.attempt_list[-1].error

    @property
    def cause(self) -> str | None:
        return self.attempt_list[-1].cause

    @property
    def succeeded(self) -> bool:
        return self.attempt_list[-1].succeeded


@dataclasses.dataclass(frozen=True)
class StepReport:
    """Everything one step did in a run: ``calls`` in order; ``arguments`` / ``results`` list each call's (last
    attempt's); ``attempts`` counts every invocation, retries included."""

    name: str
    calls: tuple[Call, ...]

    @property
    def called(self) -> int:
        return len(self.calls)

    @property
    def arguments(self) -> list[dict]:
        return [c.arguments for c in self.calls]

    @property
    def results(self) -> list[Any]:
        return [c.result for c in self.calls]

    @property
    def attempts(self) -> int:
        return sum(c.attempts for c in self.calls)

    @property
    def last(self) -> Call:
        __tracebackhide__ = True
        if not self.calls:
            raise AssertionError(f"step {self.name} was never called")
        return self.calls[-1]


def _report(name: str, known: Iterable[str], calls: list[Call]) -> StepReport:
    __tracebackhide__ = True
    known = list(known)
    if name not in known:
        raise AssertionError(f"{name!r} is not a step of the workflow (its steps: {', '.join(known)})")
    return StepReport(name, tuple(c for c in calls if c.step == name))


# --------------------------------------------------------------------------------------------- the state machine

def _lambda_payload(output: Any) -> Any:
    # lambda:invoke returns {"Payload": ..., "StatusCode": ...}; a step's result is the Payload.
    if isinstance(output, dict) and "Payload" in output and "StatusCode" in output:
        return output["Payload"]
    return output


def _cause_message(cause: str | None) -> str | None:
    payload = _loads(cause)
    if isinstance(payload, dict) and "errorMessage" in payload:
        return payload["errorMessage"]
    return cause


def machine_calls(history: list[dict]) -> list[Call]:
    """Step calls from an execution history: one per Task state entered that invoked a step, each TaskScheduled of it
    an attempt."""
    by_id = {e["id"]: e for e in history}
    entries: dict[int, tuple[str, str, list[Attempt]]] = {}
    pending: dict[int, tuple[int, str, dict]] = {}  # TaskStarted/Scheduled id -> (entry id, step, arguments)
    for event in history:
        etype, d = event["type"], _details(event)
        if etype == "TaskScheduled":
            params = _loads(d.get("parameters"))
            payload = params.get("Payload") if isinstance(params, dict) else None
            if not (isinstance(payload, dict) and isinstance(payload.get("step"), str)):
                continue
            entry = _entry_of(event, by_id)
            if entry is None:
                continue
            state = _details(by_id[entry]).get("name", "")
            entries.setdefault(entry, (payload["step"], state, []))
            pending[event["id"]] = (entry, payload["step"], payload.get("kwargs") or {})
        elif etype == "TaskStarted" and event.get("previousEventId") in pending:
            pending[event["id"]] = pending.pop(event["previousEventId"])
        elif etype in ("TaskSucceeded", "TaskFailed", "TaskTimedOut") and event.get("previousEventId") in pending:
            entry, _, arguments = pending.pop(event["previousEventId"])
            if etype == "TaskSucceeded":
                attempt = Attempt(arguments, _lambda_payload(_loads(d.get("output"))))
            else:
                attempt = Attempt(arguments, None, d.get("error"), _cause_message(d.get("cause")))
            entries[entry][2].append(attempt)
    calls = []
    for entry in sorted(entries):
        step, state, attempts = entries[entry]
        if attempts:
            calls.append(Call(step, tuple(attempts), state))
    return calls


def _entry_of(event: dict, by_id: dict[int, dict]) -> int | None:
    """The StateEntered event a Task event belongs to, following previousEventId back."""
    seen = 0
    current = by_id.get(event.get("previousEventId"))
    while current is not None and seen < 10_000:
        if current["type"].endswith("StateEntered"):
            return current["id"]
        current = by_id.get(current.get("previousEventId"))
        seen += 1
    return None


def machine_states(history: list[dict], source_map: dict[str, int]) -> list[EnteredState]:
    """The states entered, in the order the history records them, each with its Python line."""
    out = []
    depth = 0
    for event in history:
        etype = event["type"]
        if etype in ("ParallelStateSucceeded", "ParallelStateFailed", "MapStateSucceeded", "MapStateFailed"):
            depth = max(0, depth - 1)
        if etype.endswith("StateEntered"):
            name = _details(event).get("name", "")
            out.append(EnteredState(name, etype[: -len("StateEntered")], source_map.get(name), depth))
        if etype in ("ParallelStateStarted", "MapStateStarted"):
            depth += 1
    return out


class MachineRun:
    """An execution of the compiled machine (``pyawssfn.local.Execution``: history, stats, output, ...), with
    ``status`` as a ``Status``, ``states`` and ``step(name)``."""

    def __init__(self, execution: Any, source_map: dict[str, int], steps: Iterable[str]):
        self._execution = execution
        self._source_map = dict(source_map)
        self._steps = list(steps)
        self._states: list[EnteredState] | None = None
        self._calls: list[Call] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._execution, name)

    @property
    def execution(self) -> Any:
        """The executor's own Execution object."""
        return self._execution

    @property
    def status(self) -> Any:
        return _status(self._execution.status)

    @property
    def states(self) -> list[EnteredState]:
        if self._states is None:
            self._states = machine_states(self._execution.history, self._source_map)
        return self._states

    @property
    def step_calls(self) -> list[Call]:
        """Every step call, in the order the calls began."""
        if self._calls is None:
            self._calls = machine_calls(self._execution.history)
        return self._calls

    def step(self, name: str) -> StepReport:
        __tracebackhide__ = True
        return _report(name, self._steps, self.step_calls)

    def __repr__(self) -> str:
        return f"<MachineRun {self.status} {len(self.states)} states entered>"


# --------------------------------------------------------------------------------------------- plain Python

def python_calls(invocations: list[Any]) -> list[Call]:
    """pyrun records each invocation; an invocation that failed and is followed by one of the same step with the
    same arguments is a retry (that is what a retry policy does), so both are attempts of one call."""
    calls: list[Call] = []
    current: list[Attempt] = []
    step = None
    for inv in invocations:
        attempt = Attempt(inv.kwargs, inv.result if inv.error is None else None, inv.error, inv.cause)
        retry = current and step == inv.step and not current[-1].succeeded and current[-1].arguments == inv.kwargs
        if current and not retry:
            calls.append(Call(step, tuple(current)))
            current = []
        step = inv.step
        current.append(attempt)
    if current:
        calls.append(Call(step, tuple(current)))
    return calls


class PythonRun:
    """A plain-Python run (``pyawssfn.pyrun.PyRunResult``: output, error, calls, sleeps, ...), with ``status`` as a
    ``Status`` and ``step(name)``. Plain Python enters no states: ``states`` is the machine's only."""

    def __init__(self, result: Any, steps: Iterable[str]):
        self._result = result
        self._steps = list(steps)

    def __getattr__(self, name: str) -> Any:
        if name == "states":
            raise AttributeError("a plain-Python run enters no states: use run_machine() for execution.states")
        return getattr(self._result, name)

    @property
    def result(self) -> Any:
        """pyrun's own PyRunResult."""
        return self._result

    @property
    def status(self) -> Any:
        return _status(self._result.status)

    @property
    def step_calls(self) -> list[Call]:
        """Every step call, in order (``calls`` is pyrun's list of invocations)."""
        return python_calls(self._result.calls)

    def step(self, name: str) -> StepReport:
        __tracebackhide__ = True
        return _report(name, self._steps, self.step_calls)

    def __repr__(self) -> str:
        return f"<PythonRun {self.status}>"
