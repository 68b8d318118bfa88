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
    def __init__(self, workflows: Iterable[Callable], steps_called: Callable[[], int],
                 limit: int = HISTORY_EVENTS):
        self.codes = _with_nested({_code(fn) for fn in workflows} - {None})
        self.steps_called = steps_called
        self.limit = limit
        self.iterations = 0

    def events(self) -> int:
        return self.iterations * EVENTS_PER_ITERATION + self.steps_called() * EVENTS_PER_STEP

    def tracer(self, frame: types.FrameType, event: str, arg) -> Callable | None:
        if event != "call" or frame.f_code not in self.codes:
            return None
        last = [frame.f_lineno]

        def local(frame, event, arg):
            if event == "line":
                if frame.f_lineno <= last[0]:  # a jump back: one more iteration of a loop
                    self.iterations += 1
                    if self.events() > self.limit:
                        raise BudgetExceeded()
                last[0] = frame.f_lineno
            return local

        return local


def _code(fn) -> types.CodeType | None:
    fn = getattr(fn, "__wrapped__", fn)
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
def work_budget(workflows: Iterable[Callable], steps_called: Callable[[], int],
                limit: int = HISTORY_EVENTS) -> Iterator[WorkBudget]:
    """Count the workflow's work while the block runs; BudgetExceeded is raised inside the workflow when it passes
    the machine's history quota. A tracer already installed (a debugger, coverage) is put back afterwards."""
    budget = WorkBudget(workflows, steps_called, limit)
    previous = sys.gettrace()
    sys.settrace(budget.tracer)
    try:
        yield budget
    finally:
        sys.settrace(previous)
