"""The plain-Python run's budget of work, equivalent to the state machine's 25,000-event history quota, so that a
workflow that never ends (``while True:`` without a break) stops in plain Python as it stops on Step Functions:
FAILED, ``States.Runtime``, "The execution reached the maximum number of history events (25000)."

The machine writes at least two history events per loop iteration (the loop's Choice state entered and exited) and
five per step call (TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded or TaskFailed, TaskStateExited).
Counting those in the workflow's own frames is a lower bound of the machine's history: the plain-Python run never
stops before the machine would. Only the workflow functions' frames (and the comprehensions inside them) are traced:
the code of steps runs in Lambda on AWS and is not counted.
"""
from __future__ import annotations

import contextlib
import sys
import types
from typing import Callable, Iterable, Iterator

HISTORY_EVENTS = 25_000
EVENTS_PER_ITERATION = 2
EVENTS_PER_STEP = 5
CAUSE = f"The execution reached the maximum number of history events ({HISTORY_EVENTS})."
ERROR = "States.Runtime"


class BudgetExceeded(BaseException):
    """The run did more work than the machine's history can record. A BaseException: ``except Exception`` in the
    workflow must not swallow it, as nothing in a state machine can catch the history quota."""


class WorkBudget:
    """Estimated history events per execution. Each run of a workflow function (the parent, and every child
    workflow it starts, which is an execution of its own with its own quota) has its own count, which starts at 1
    (ExecutionStarted)."""

    def __init__(self, workflows: Iterable[Callable], steps: Iterable[Callable], limit: int = HISTORY_EVENTS):
        self.roots = {code for code in (_code(fn) for fn in workflows) if code is not None}
        self.traced = _with_nested(self.roots)
        # A step is entered through its interceptor (the callable installed in the module), which runs the step.
        self.step_codes = {getattr(fn, "__code__", None) for fn in steps} - {None}
        self.limit = limit
        self.counts: dict[int, list[int]] = {}   # id(frame of a workflow run) -> [events]

    def _add(self, count: list[int], events: int) -> None:
        count[0] += events
        if count[0] > self.limit:
            raise BudgetExceeded()

    def _owner(self, frame: types.FrameType | None) -> list[int] | None:
        """The count of the workflow run ``frame`` works for; None inside a step (that work runs in the Lambda)."""
        while frame is not None:
            if frame.f_code in self.step_codes:
                return None
            if frame.f_code in self.roots:
                return self.counts.get(id(frame))
            frame = frame.f_back
        return None

    def tracer(self, frame: types.FrameType, event: str, arg) -> Callable | None:
        if event != "call":
            return None
        code = frame.f_code
        if code in self.step_codes:
            count = self._owner(frame.f_back)
            if count is not None:
                self._add(count, EVENTS_PER_STEP)
            return None
        if code not in self.traced:
            return None
        if code in self.roots:
            count = self.counts[id(frame)] = [1]
        else:
            count = self._owner(frame.f_back)
            if count is None:
                return None
        last = [frame.f_lineno]

        def local(frame, event, arg):
            if event == "line":
                if frame.f_lineno <= last[0]:  # a jump back: one more iteration of a loop
                    self._add(count, EVENTS_PER_ITERATION)
                last[0] = frame.f_lineno
            return local

        return local


def _code(fn) -> types.CodeType | None:
    for _ in range(10):  # decorators (sfn.task, functools.wraps) keep the function that runs in __wrapped__
        if not hasattr(fn, "__wrapped__"):
            break
        fn = fn.__wrapped__
    return getattr(fn, "__code__", None)


def _with_nested(roots: set[types.CodeType]) -> set[types.CodeType]:
    """The workflow code objects and those nested in them (comprehensions, lambdas, inner functions)."""
    out, stack = set(), list(roots)
    while stack:
        code = stack.pop()
        if code not in out:
            out.add(code)
            stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return out


@contextlib.contextmanager
def work_budget(workflows: Iterable[Callable], steps: Iterable[Callable],
                limit: int = HISTORY_EVENTS) -> Iterator[WorkBudget]:
    """Count the workflow's work while the block runs; BudgetExceeded is raised inside the workflow when it passes
    the machine's history quota. A tracer already installed (a debugger, coverage) is put back afterwards."""
    budget = WorkBudget(workflows, steps, limit)
    previous = sys.gettrace()
    sys.settrace(budget.tracer)
    try:
        yield budget
    finally:
        sys.settrace(previous)
