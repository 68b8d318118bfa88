"""``sfn.context()``: what a step reads of the execution and the state it is serving; ``sfn.wrap_steps``: the hook
wrapping every step call the dispatcher makes. Re-exported by ``pyawssfn``; standard library only (this file ships
in the Lambda zip with ``__init__.py``)."""
from __future__ import annotations

import contextlib
import contextvars
import sys
from typing import Any, Callable, NamedTuple, Sequence, TypeVar


class StepContext(NamedTuple):
    """What ``sfn.context()`` tells a step about the call it is serving. A field is None where it is not known: every
    field outside a run (a step called as a plain function); ``execution`` in a child workflow under plain Python
    (Step Functions names child executions itself)."""

    workflow: str | None = None     # the workflow (the state machine's entry function) that called the step
    execution: str | None = None    # the execution's name
    state: str | None = None        # the Task state calling the step, as the compiled machine names it
    retry_count: int | None = None  # retries of that state so far (0 on the first attempt)
    step: str | None = None         # the step function's name

    @property
    def attempt(self) -> int | None:
        """The attempt number, 1 on the first call and one more on each retry."""
        return None if self.retry_count is None else self.retry_count + 1


_NO_CONTEXT = StepContext()
_step_context: contextvars.ContextVar[StepContext] = contextvars.ContextVar("pyawssfn_step_context",
                                                                            default=_NO_CONTEXT)


def context() -> StepContext:
    """The execution and state a step is serving (inside a step's code; see docs/testing.md, "Inside a step").

    The same in each run: under ``pyawssfn.pyrun`` / ``WorkflowTester``, in the local executor and on Lambda. The
    compiler sends the execution's names to the steps only when the workflow's module mentions ``sfn.context``, so a
    machine that never reads them does not carry them; code in another module reads only ``step`` then, in every
    run.
    """
    return _step_context.get()


@contextlib.contextmanager
def _serving(ctx: StepContext):
    """``sfn.context()`` reads ``ctx`` inside the block (the dispatcher and ``pyawssfn.pyrun`` around a step call)."""
    token = _step_context.set(ctx)
    try:
        yield ctx
    finally:
        _step_context.reset(token)


_D = TypeVar("_D", bound=Callable[[Callable[..., Any]], Callable[..., Any]])
STEP_WRAPPERS = "__pyawssfn_step_wrappers__"  # the module-level list wrap_steps appends to


def wrap_steps(decorator: _D) -> _D:
    """Wrap every step call of this module in ``decorator`` (a function taking the step's function and returning a
    callable that takes the same arguments), e.g. ``sfn.wrap_steps(tracer.capture_method)`` for Powertools' tracer.

    Call it at the top of the workflow's module. It applies wherever the dispatcher calls a step: on Lambda, in the
    local executor and under ``pyawssfn.pyrun`` / ``WorkflowTester`` (not when a plain Python call of the workflow
    calls its steps directly). ``sfn.context()`` is readable inside. Decorators registered first are outermost.
    Returns ``decorator``, so it can decorate the decorator's definition."""
    if not callable(decorator):
        raise TypeError(f"sfn.wrap_steps takes a decorator (a function of the step), not {type(decorator).__name__}")
    module_globals = sys._getframe(1).f_globals
    module_globals.setdefault(STEP_WRAPPERS, []).append(decorator)
    return decorator


def _wrapped(fn: Callable[..., Any], wrappers: Sequence[Callable[[Callable[..., Any]], Callable[..., Any]]]):
    for decorator in reversed(wrappers):
        fn = decorator(fn)
    return fn
