"""One comparison of the plain-Python run and the state machine: what they did, not only how they ended.

``run --compare``, ``WorkflowTester.run_both`` and the differential tests all use ``compare``. Each run becomes a
trace of calls, in the order they were made:

* ``step``: one Lambda invocation of a step (each retry attempt is its own call), its arguments and its outcome
  (the result, or the error name and cause);
* ``callback``: what arrived on the task token of ``sfn.wait_for_callback`` (result, error or timeout);
* ``sdk``: one ``sfn.aws`` call (an AWS SDK integration Task), its parameters and response;
* ``child``: a child workflow's execution, its input and how it ended; the child's own calls follow it.

Both traces are compared call by call, then the runs' outcomes. Calls made side by side (the branches of an
``sfn.parallel``, the items of an ``sfn.map`` or of a comprehension over a step) may be interleaved differently by
the two runs: within one stretch of such calls the order does not count, each call must find its equal on the other
side. The first difference is reported with both values; ``Comparison.differences`` lists it and any difference in
the outcome.

Equality is JSON's, as the state machine holds values (docs/testing.md, "Comparing the runs"): ``True`` is not
``1``, ``None`` is not ``0`` or ``""``, a list is not an object; numbers are compared by value (the machine holds
every number as a double, and both runs read JSON the same way, so ``1`` and ``1.0`` are one number); the order of
an object's keys does not count (a JSON object has none). Two floats that differ only in their last digits are
reported with why: the machine computes as JavaScript does.
"""
from __future__ import annotations

import copy
import dataclasses
import json
import math
import re
import struct
from typing import Any

from pyawssfn.compiler.error_names import error_as_reported, left_branch_names

# Errors whose cause is worded differently by design: Python's exception text against JSONata's (or the executor's)
# message for the same failing expression, and a payload-quota failure of a Task's arguments, whose cause names the
# compiled state (plain Python knows only the step). Every other cause is pyawssfn's or the user's on both sides.
_FREE_CAUSES = frozenset({"States.QueryEvaluationError", "States.DataLimitExceeded", *left_branch_names()})

# A task token in a Task's arguments (sfn.wait_for_task_token) as both traces show it: each run makes its own.
TASK_TOKEN = "<task token>"
_EXECUTOR_TOKEN = re.compile(r"AQC[0-9a-f]{64}")  # local/states/task.py's tokens

# Relative difference below which two floats are "the same number computed two ways" (a few units in the last place).
_ROUNDING = 1e-12

FLOAT_WHY = ("the machine computes as JavaScript's engine does (`**` is V8's Math.pow, fdlibm's algorithm, which is "
             "off by one in the last bit from CPython's correctly rounded `**` for a few per cent of arguments; a sum "
             "adds left to right), the plain-Python run as CPython does (docs/known-issues.md)")


def float_why(python: float, machine: float) -> str:
    """Why two close floats differ, with how far apart they are (the executor's `**` is semantics/jspow.py)."""
    apart = abs(_ordered_bits(python) - _ordered_bits(machine))
    return f"{apart} unit{'s' if apart != 1 else ''} in the last place apart: {FLOAT_WHY}"


def _ordered_bits(value: float) -> int:
    """A float's position among all doubles (so the distance between two is their count of ULPs apart)."""
    bits = struct.unpack("<q", struct.pack("<d", float(value)))[0]
    return bits if bits >= 0 else -(bits & 0x7FFFFFFFFFFFFFFF)


def causes_must_agree(error: str | None) -> bool:
    """Whether two runs failing with ``error`` must report the same cause (docs/testing.md, "Causes")."""
    return error not in _FREE_CAUSES


def plain_cause(cause: str | None) -> str:
    # No cause and an empty one are the same report: Step Functions' error output for a timeout has "Cause": "", an
    # execution failing on it has none.
    return "" if cause is None else cause


def reported_cause(error: str | None, cause: str | None) -> str:
    """The cause of a failure with ``error`` as both runs are compared by. A step's error that nothing catches ends
    the execution as Lambda reported it: its cause is the runtime's error JSON (``{"errorMessage", "errorType",
    "stackTrace", ...}``), where the plain-Python run has the message alone. So a cause that is such JSON, and whose
    ``errorType`` is the error itself, stands for its ``errorMessage`` (on either side); any other cause for itself."""
    if isinstance(cause, str) and cause.startswith("{") and error is not None:
        payload = _loads(cause)
        if isinstance(payload, dict) and payload.get("errorType") == error \
                and isinstance(payload.get("errorMessage"), str):
            return payload["errorMessage"]
    return plain_cause(cause)


@dataclasses.dataclass
class Call:
    """One thing a run did that the other must do too."""
    kind: str  # "step" | "callback" | "sdk" | "child" ("unseen": calls the machine's history does not show)
    name: str  # the step, the step waited on, the SDK resource ("aws-sdk:s3:getObject") or the child workflow
    arguments: Any = None
    result: Any = None
    error: str | None = None
    cause: str | None = None
    side_by_side: bool = False  # made in a branch or item that runs side by side with others
    attempt: int = 1  # filled in by compare: 2 for the first retry of the same call, ...
    # False for a machine call whose Task never ended: the execution stopped while it ran (the history quota), so
    # the machine never saw its result and only its arguments can be compared.
    ended: bool = True

    def keep(self, value):
        """Record ``value`` as the call's result and return it: a copy is kept, since the workflow may change the
        value it was given afterwards."""
        self.result = copy.deepcopy(value)
        return value

    def label(self) -> str:
        what = {"step": "step", "callback": "callback of", "sdk": "SDK call", "child": "child workflow",
                "unseen": "calls of"}[self.kind]
        again = f", attempt {self.attempt}" if self.attempt > 1 else ""
        return f"{what} {self.name}{again}"

    def outcome(self) -> str:
        if self.error is not None:
            return f"fails with {self.error}" + (f" ({self.cause!r})" if self.cause else "")
        return f"returns {show(self.result)}"


@dataclasses.dataclass
class Outcome:
    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None


@dataclasses.dataclass
class Difference:
    where: str  # "call 3 (step charge, attempt 2): argument amount", "output[1]", "status", ...
    python: str
    machine: str
    why: str | None = None

    def __str__(self) -> str:
        text = f"{self.where}: python {self.python}, machine {self.machine}"
        return f"{text} ({self.why})" if self.why else text


@dataclasses.dataclass
class Comparison:
    python_calls: list[Call]
    machine_calls: list[Call]
    differences: list[Difference]

    @property
    def equal(self) -> bool:
        return not self.differences

    def report(self) -> str:
        return "\n".join(str(d) for d in self.differences)


# --------------------------------------------------------------------------------------------------- values

def show(value: Any) -> str:
    """A value as JSON, with the Python type where JSON would hide it (a tuple, a set)."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return repr(value)
    # A lone surrogate (JavaScript splits an emoji into two) is written as its escape: it cannot be printed as UTF-8.
    return text.encode("utf-8", "backslashreplace").decode("utf-8") if not text.isascii() else text


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def value_difference(python: Any, machine: Any, path: str = "") -> tuple[str, Any, Any, str | None] | None:
    """The first place where two JSON values differ: (path, python part, machine part, why or None), or None."""
    kp, km = _kind(python), _kind(machine)
    if kp != km:
        return path, python, machine, f"{kp} against {km}"
    if kp == "number":
        if python == machine:
            return None
        close = (isinstance(python, float) or isinstance(machine, float)) and math.isclose(
            python, machine, rel_tol=_ROUNDING, abs_tol=0.0)
        return path, python, machine, float_why(python, machine) if close else None
    if kp == "array":
        for i, (a, b) in enumerate(zip(python, machine)):
            found = value_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        if len(python) != len(machine):
            return path, python, machine, f"{len(python)} items against {len(machine)}"
        return None
    if kp == "object":
        for key in python:
            if key not in machine:
                return f"{path}.{key}" if path else key, python[key], "(no such key)", None
            found = value_difference(python[key], machine[key], f"{path}.{key}" if path else str(key))
            if found:
                return found
        for key in machine:
            if key not in python:
                return f"{path}.{key}" if path else key, "(no such key)", machine[key], None
        return None
    if python != machine:
        return path, python, machine, None
    return None


def same(python: Any, machine: Any) -> bool:
    return value_difference(python, machine) is None


def _shown(part: Any) -> str:
    return part if part == "(no such key)" else show(part)


# --------------------------------------------------------------------------------------------------- machine trace

_OPENS = frozenset({"MapStateStarted", "ParallelStateStarted"})
_CLOSES = frozenset({"MapStateSucceeded", "MapStateFailed", "MapStateAborted", "ParallelStateSucceeded",
                     "ParallelStateFailed", "ParallelStateAborted"})
_TASK_ENDS = frozenset({"TaskSucceeded", "TaskFailed", "TaskTimedOut"})


def _loads(text):
    from pyawssfn._pyrun_support import json_loads  # numbers as the machine holds them (doubles)

    try:
        return json_loads(text)
    except (TypeError, ValueError):
        return text


def _lambda_message(cause):
    """A Lambda error's cause as the step raised it: the errorMessage of the runtime's error JSON."""
    if isinstance(cause, str) and cause.startswith("{"):
        payload = _loads(cause)
        if isinstance(payload, dict) and {"errorMessage", "errorType"} <= payload.keys():
            return payload["errorMessage"]
    return cause


def _scheduled_call(details: dict, side_by_side: bool) -> Call | None:
    kind, action = details.get("resourceType", ""), details.get("resource", "")
    params = _loads(details.get("parameters"))
    if kind == "lambda" and isinstance(params, dict) and isinstance(params.get("Payload"), dict) \
            and "step" in params["Payload"]:
        payload = params["Payload"]
        return Call("step", payload["step"], payload.get("kwargs"), side_by_side=side_by_side)
    if kind == "states" and action.startswith("startExecution") and isinstance(params, dict):
        name = str(params.get("StateMachineArn", "")).rsplit(":", 1)[-1]
        return Call("child", name, params.get("Input"), side_by_side=side_by_side)
    if kind.startswith("aws-sdk:"):
        return Call("sdk", f"{kind}:{action}", params, side_by_side=side_by_side)
    if action.endswith(".waitForTaskToken"):
        params = _tokenless(params)
    return Call("step", f"{kind}:{action}", params, side_by_side=side_by_side)  # a hand-written Task


def _tokenless(value):
    if isinstance(value, str) and _EXECUTOR_TOKEN.fullmatch(value):
        return TASK_TOKEN
    if isinstance(value, dict):
        return {k: _tokenless(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tokenless(v) for v in value]
    return value


def _end_call(call: Call, event: dict, callback: bool, children: list, machine_cause) -> list[Call]:
    """Fill ``call`` from the event that ended its Task; return the calls it adds (a callback, a child's)."""
    kind = event["type"]
    details = event.get(kind[0].lower() + kind[1:] + "EventDetails", {})
    # A step waiting for a token: its own result is not seen by the machine, the callback's answer is.
    target = Call("callback", call.name, side_by_side=call.side_by_side) if callback else call
    if kind == "TaskSucceeded":
        output = _loads(details.get("output"))
        if call.kind == "step" and not callback and isinstance(output, dict) and "Payload" in output:
            output = output["Payload"]
        target.result = output
    else:
        target.error = details.get("error")
        cause = details.get("cause")
        target.cause = machine_cause(_lambda_message(cause) if call.kind == "step" else cause)
    added = [target] if callback else []
    if call.kind == "child" and children:
        child = children.pop(0)
        call.result, call.error, call.cause = child.output, child.error, child.cause
        inner = machine_trace(child, machine_cause)
        for c in inner:
            c.side_by_side = c.side_by_side or call.side_by_side
        added.extend(inner)
    return added


def machine_trace(execution, machine_cause=plain_cause) -> list[Call]:
    """The calls of a local execution, from its event history (a child execution's calls after its own call).

    The history is in time order, so the events of Tasks running side by side interleave: each Task event is tied
    to its TaskScheduled through ``previousEventId``."""
    return _event_calls(execution.history, list(execution.children), machine_cause,
                        getattr(execution, "map_runs", None))


def _event_calls(events: list, children: list, machine_cause, map_runs: dict | None) -> list[Call]:
    calls: list[Call] = []
    depth = 0
    task_of: dict[int, tuple[Call, bool]] = {}  # event id -> (the Task's call, whether it waits for a token)
    for event in events:
        kind = event["type"]
        if kind in _OPENS:
            depth += 1
        elif kind in _CLOSES:
            depth = max(0, depth - 1)
        elif kind == "TaskScheduled":
            details = event["taskScheduledEventDetails"]
            call = _scheduled_call(details, depth > 0)
            call.ended = False
            task_of[event["id"]] = (call, details.get("resource", "").endswith(".waitForTaskToken"))
            calls.append(call)
        elif kind == "MapRunStarted":
            # A distributed Map's items are child executions, out of this history: the executor keeps each item's
            # events beside it (Execution.map_runs), in the order the items ran, as the plain-Python run calls them.
            if map_runs is None:  # not a local execution: nothing to compare the items' calls with
                calls.append(Call("unseen", "the items of a distributed map", side_by_side=True))
                continue
            for item_events in map_runs.get(event.get("mapRunStartedEventDetails", {}).get("mapRunArn"), ()):
                for c in _event_calls(item_events, children, machine_cause, map_runs):
                    c.side_by_side = True
                    calls.append(c)
        elif event.get("previousEventId") in task_of and (kind in ("TaskStarted", "TaskSubmitted")
                                                          or kind in _TASK_ENDS):
            call, callback = task_of[event["previousEventId"]]
            task_of[event["id"]] = (call, callback)
            if kind in _TASK_ENDS:
                call.ended = True
                calls.extend(_end_call(call, event, callback, children, machine_cause))
    return calls


# --------------------------------------------------------------------------------------------------- the comparison

def _number_attempts(calls: list[Call]) -> None:
    """Attempt k of a call is the k-th call in a row with the same kind, name and arguments after failures of it."""
    streak: dict[str, int] = {}
    for call in calls:
        key = json.dumps([call.kind, call.name, call.arguments], sort_keys=True, default=repr)
        call.attempt = streak.get(key, 0) + 1
        streak[key] = call.attempt if call.error is not None else 0


def _call_difference(index: int, py: Call, machine: Call) -> Difference | None:
    head = f"call {index + 1} ({py.label()})"
    if (py.kind, py.name) != (machine.kind, machine.name):
        return Difference(f"call {index + 1}", f"makes {py.label()}", f"makes {machine.label()}")
    found = value_difference(py.arguments, machine.arguments)
    if found:
        path, a, b, why = found
        where = f"{head}: argument {path}" if path else f"{head}: arguments"
        return Difference(where, _shown(a), _shown(b), why)
    if not machine.ended:
        return None  # cut by the end of the execution: no outcome to compare (the runs' outcomes still are)
    if py.error != machine.error or (py.error is None) != (machine.error is None):
        return Difference(f"{head}: outcome", py.outcome(), machine.outcome())
    if py.error is not None:
        if causes_must_agree(py.error) and reported_cause(py.error, py.cause) != reported_cause(machine.error,
                                                                                            machine.cause):
            return Difference(f"{head}: cause of {py.error}", repr(py.cause), repr(machine.cause))
        return None
    found = value_difference(py.result, machine.result)
    if found:
        path, a, b, why = found
        return Difference(f"{head}: result{'' if not path or path.startswith('[') else '.'}{path}", _shown(a),
                          _shown(b), why)
    return None


def _stretches(calls: list[Call]) -> list[list[int]]:
    """Indexes of the calls in order, one list per call, or one list for each stretch of side-by-side calls."""
    out: list[list[int]] = []
    for i, call in enumerate(calls):
        if call.side_by_side and out and calls[out[-1][-1]].side_by_side:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _calls_difference(py: list[Call], machine: list[Call]) -> Difference | None:
    """The first call made differently, looking at side-by-side stretches as unordered."""
    pairs = _align(py, machine)
    for index, (a, b) in enumerate(pairs):
        if a is None:
            return Difference(f"call {index + 1}", "makes no further call", f"makes {b.label()}: {show(b.arguments)}")
        if b is None:
            return Difference(f"call {index + 1}", f"makes {a.label()}: {show(a.arguments)}", "makes no further call")
        found = _call_difference(index, a, b)
        if found:
            return found
    return None


def _align(py: list[Call], machine: list[Call]) -> list[tuple[Call | None, Call | None]]:
    """The calls of both runs side by side; in a stretch of side-by-side calls each Python call is paired with an
    equal machine call of the stretch if there is one, else with the first unpaired one of the same step."""
    pairs: list[tuple[Call | None, Call | None]] = []
    ps, ms = _stretches(py), _stretches(machine)
    for k in range(max(len(ps), len(ms))):
        a = [py[i] for i in ps[k]] if k < len(ps) else []
        b = [machine[i] for i in ms[k]] if k < len(ms) else []
        if any(m.kind == "unseen" for m in b) and all(c.side_by_side for c in a):
            continue  # nothing to compare the items' calls with (docs/testing.md, "Comparing the runs")
        if len(a) <= 1 and len(b) <= 1:
            pairs.append((a[0] if a else None, b[0] if b else None))
            continue
        pairs.extend(_pair_stretch(a, b))
    return pairs


def _pair_stretch(a: list[Call], b: list[Call]) -> list[tuple[Call | None, Call | None]]:
    """Each call of ``a`` with its equal in ``b``, or else with the likeliest counterpart: the same call made with
    the same arguments, else the same step, else any call left (Python's order kept)."""
    left = list(b)
    match: dict[int, Call] = {}
    tests = (lambda x, y: _call_difference(0, x, y) is None,
             lambda x, y: (x.kind, x.name) == (y.kind, y.name) and same(x.arguments, y.arguments),
             lambda x, y: (x.kind, x.name) == (y.kind, y.name),
             lambda x, y: True)
    for test in tests:
        for i, call in enumerate(a):
            if i in match:
                continue
            found = next((m for m in left if test(call, m)), None)
            if found is not None:
                match[i] = found
                left.remove(found)
    return [(call, match.get(i)) for i, call in enumerate(a)] + [(None, m) for m in left]


def _outcome_differences(py: Outcome, machine: Outcome) -> list[Difference]:
    out = []
    if py.status != machine.status:
        out.append(Difference("status", py.status, machine.status))
    if py.status == machine.status == "SUCCEEDED":
        found = value_difference(py.output, machine.output)
        if found:
            path, a, b, why = found
            where = "output" + ("" if not path or path.startswith("[") else ".") + path
            out.append(Difference(where, _shown(a), _shown(b), why))
    # a reserved name and the same name without its prefix are one report: an error nothing catches ends the
    # execution with it as it is, a compiled Fail state that raises it again (after a finally, a bare raise) without
    # the prefix (compiler/error_names.py)
    if error_as_reported(py.error) != error_as_reported(machine.error):
        out.append(Difference("error", f"{py.error!r} ({py.cause!r})", f"{machine.error!r} ({machine.cause!r})"))
    elif py.status == machine.status != "SUCCEEDED" and causes_must_agree(py.error) \
            and reported_cause(py.error, py.cause) != reported_cause(machine.error, machine.cause):
        out.append(Difference(f"cause of {py.error}", repr(py.cause), repr(machine.cause)))
    return out


def compare(python_calls: list[Call], python_outcome: Outcome, machine_calls: list[Call],
            machine_outcome: Outcome) -> Comparison:
    """Compare two runs given as traces (``python_trace``/``machine_trace`` make them) and outcomes."""
    _number_attempts(python_calls)
    _number_attempts(machine_calls)
    differences = []
    first = _calls_difference(python_calls, machine_calls)
    if first is not None:
        differences.append(first)
    differences.extend(_outcome_differences(python_outcome, machine_outcome))
    return Comparison(python_calls, machine_calls, differences)


def compare_runs(py, execution, *, machine_cause=plain_cause) -> Comparison:
    """Compare a ``pyrun.PyRunResult`` with a local ``Execution``. ``machine_cause`` maps the machine's causes
    (WorkflowTester passes its own to read a hand-written definition's Lambda error JSON)."""
    machine = Outcome(execution.status, execution.output, execution.error, machine_cause(execution.cause))
    python = Outcome(py.status, py.output, py.error, py.cause)
    py_trace, machine_calls = list(py.trace), machine_trace(execution, machine_cause)
    # Each run names its Map Runs (results_to=) with ids of its own, as AWS does: compared as the k-th Map Run.
    machine_runs = [e.get("mapRunStartedEventDetails", {}).get("mapRunArn", "") for e in execution.history
                    if e["type"] == "MapRunStarted"]
    for runs, calls, outcome in ((getattr(py, "map_runs", []), py_trace, python),
                                 (machine_runs, machine_calls, machine)):
        _rename_map_runs(runs, calls, outcome)
    return compare(py_trace, python, machine_calls, machine)


def _rename_map_runs(arns: list[str], calls: list[Call], outcome: Outcome) -> None:
    names: dict[str, str] = {}
    for k, arn in enumerate(a for a in arns if a):
        names[arn] = f"<map run {k + 1}>"
        names[arn.rsplit(":", 1)[-1]] = f"<map run {k + 1} id>"
    if not names:
        return
    for call in calls:
        call.arguments, call.result, call.cause = (_renamed(v, names) for v in (call.arguments, call.result,
                                                                               call.cause))
    outcome.output, outcome.cause = _renamed(outcome.output, names), _renamed(outcome.cause, names)


def _renamed(value, names: dict[str, str]):
    if isinstance(value, str):
        for old in sorted(names, key=len, reverse=True):  # an ARN before the id it ends with
            value = value.replace(old, names[old])
        return value
    if isinstance(value, dict):
        return {k: _renamed(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, names) for v in value]
    return value
