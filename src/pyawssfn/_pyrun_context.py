"""``sfn.context()`` and ``sfn.wrap_steps`` under ``pyawssfn.pyrun``: what a step reads of the execution and the
state calling it, the same as the compiled machine sends it (``pyawssfn.compiler.step_context``).

The machine names a step call's state; plain Python knows only where the call is. ``state_names`` maps
``(workflow, step, line)`` to the state compiled from that call (``WorkflowTester`` reads it from the compile
result); without it, or when one line holds two calls of the same step, ``state`` is None.
"""
from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import os
from typing import Any

import pyawssfn as sfn
from pyawssfn.compiler.step_context import mentions_context

# The local executor's default execution name (Executor.run), so that both runs of a workflow give a step the same.
DEFAULT_EXECUTION = "exec-1"


@dataclasses.dataclass
class Site:
    """One step call in the workflow's code: its line, and how many attempts of it have run (its retry count)."""
    step: str
    line: int | None
    attempts: int = 0


def _mentions_context(module) -> bool:
    path = getattr(module, "__file__", None)
    try:
        stat = os.stat(path)  # type: ignore[arg-type]
    except (OSError, TypeError, ValueError):
        return False
    return _file_mentions_context(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _file_mentions_context(path: str, mtime_ns: int, size: int) -> bool:
    # Read once per version of the file: a test suite runs one module many times.
    try:
        with open(path, encoding="utf-8") as f:
            return mentions_context(ast.parse(f.read()))
    except (OSError, SyntaxError, ValueError):
        return False


class StepContexts:
    def __init__(self, module, workflow: str, execution: str | None = DEFAULT_EXECUTION,
                 state_names: dict[tuple[str, str, int], str | None] | None = None):
        self.sent = _mentions_context(module)  # as the compiler decides whether the Tasks send the context
        file = getattr(module, "__file__", None)
        self.file = os.path.abspath(file) if file else None
        self.workflows: list[tuple[str, str | None]] = [(workflow, execution)]
        self.state_names = state_names or {}
        self.wrappers: tuple[Any, ...] = tuple(getattr(module, sfn.STEP_WRAPPERS, ()))

    def site(self, frame, step: str) -> Site:
        """The call of ``step`` made from the nearest frame of the workflow's module (``sfn.map``,
        ``sfn.wait_for_callback`` and retries call the step from the author API)."""
        while frame is not None and self.file is not None:
            if os.path.abspath(frame.f_code.co_filename) == self.file:
                return Site(step, frame.f_lineno)
            frame = frame.f_back
        return Site(step, None)

    @contextlib.contextmanager
    def serving(self, site: Site):
        """``sfn.context()`` during one attempt of the call at ``site``."""
        ctx = sfn.StepContext(step=site.step)
        if self.sent:
            workflow, execution = self.workflows[-1]
            state = self.state_names.get((workflow, site.step, site.line)) if site.line is not None else None
            ctx = sfn.StepContext(workflow, execution, state, site.attempts, site.step)
        site.attempts += 1
        with sfn._serving(ctx):
            yield ctx

    @contextlib.contextmanager
    def child(self, workflow: str):
        """Inside a child workflow: its own name; Step Functions names the child execution, so it is not known."""
        self.workflows.append((workflow, None))
        try:
            yield
        finally:
            self.workflows.pop()


def state_sites(workflow: str, definition: dict, source_map: dict[str, int]) -> dict[tuple[str, str, int], str | None]:
    """``(workflow, step, line) -> state`` for the Tasks of a compiled machine calling a step; None where one line
    has several such Tasks of one step (plain Python cannot tell them apart)."""
    out: dict[tuple[str, str, int], str | None] = {}
    stack = [definition]
    while stack:
        machine = stack.pop()
        for name, state in (machine.get("States") or {}).items():
            stack.extend(state.get("Branches") or [])
            if isinstance(state.get("ItemProcessor"), dict):
                stack.append(state["ItemProcessor"])
            payload = (state.get("Arguments") or {}).get("Payload") if isinstance(state.get("Arguments"), dict) \
                else None
            if isinstance(payload, dict) and isinstance(payload.get("step"), str) and name in source_map:
                key = (workflow, payload["step"], source_map[name])
                out[key] = None if key in out else name
    return out
