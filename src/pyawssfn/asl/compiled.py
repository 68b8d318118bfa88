"""A compiled definition is validated as AWS would validate it, and each problem is reported at the Python line that
produced the state (through the compile result's source map), so that ``compile`` fails rather than ``deploy``."""
from __future__ import annotations

import re
from typing import Any

from pyawssfn.asl.problem import ROOT, Problem

def state_of(problem: Problem, states: set[str]) -> str | None:
    """The innermost state a problem's path names (state names may contain dots: the known names decide)."""
    best = None
    path = problem.path
    for m in re.finditer(r"States\.", path):
        rest = path[m.end():]
        for name in states:
            if rest == name or rest.startswith(name + ".") or rest.startswith(name + "["):
                if best is None or m.start() > best[0] or (m.start() == best[0] and len(name) > len(best[1])):
                    best = (m.start(), name)
    return best[1] if best else None


def _all_state_names(definition: Any) -> set[str]:
    names: set[str] = set()
    stack = [definition]
    while stack:
        machine = stack.pop()
        states = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(states, dict):
            continue
        for name, state in states.items():
            names.add(name)
            if isinstance(state, dict):
                stack.extend(b for b in state.get("Branches") or [] if isinstance(b, dict))
                stack.extend(state[f] for f in ("ItemProcessor", "Iterator") if isinstance(state.get(f), dict))
    return names


def definition_problems(result: Any, filename: str, machine_type: str = "STANDARD") -> list[Any]:
    """Diagnostics (``file:line:col: error: ...``) for every reason AWS would refuse the compiled definition; an
    empty list when it is valid. ``result`` is a CompileResult."""
    from pyawssfn.asl.validate import validate_definition
    from pyawssfn.compiler.diagnostics import Diagnostic

    problems = validate_definition(result.definition, machine_type=machine_type, own_parser=True)
    if not problems:
        return []
    names = _all_state_names(result.definition)
    source_map = dict(getattr(result, "source_map", None) or {})
    out = []
    for p in problems:
        state = state_of(p, names) if p.path != ROOT else None
        line = source_map.get(state, 1) if state else _first_line(source_map)
        where = f"state {state!r}: " if state else ""
        out.append(Diagnostic(filename, line, 1, f"AWS would reject the compiled definition: {where}{p}",
                              _advice(p)))
    return sorted(out, key=lambda d: (d.line, d.col))


def _first_line(source_map: dict[str, int]) -> int:
    return min(source_map.values(), default=1)


def _advice(problem: Problem) -> str:
    text = problem.message
    if "RFC3339" in text:
        return "give sfn.sleep_until a datetime or an ISO-8601 timestamp with a time zone, e.g. 2024-01-01T00:00:00Z"
    if "HeartbeatSeconds" in text and "smaller" in text:
        return "make heartbeat= shorter than timeout= in @sfn.task"
    if "bytes (1 MiB)" in text:
        return "split the workflow into child workflows, or move large constants into a step"
    if problem.path.rsplit(".", 1)[-1] in ("MaxAttempts", "IntervalSeconds", "BackoffRate", "MaxDelaySeconds"):
        return "fix the value given to sfn.Retry"
    return ""


def check_compiled(result: Any, filename: str, machine_type: str = "STANDARD") -> None:
    """Raise the compiler's CompileError when AWS would refuse the compiled definition."""
    from pyawssfn.compiler.diagnostics import CompileError

    diagnostics = definition_problems(result, filename, machine_type)
    if diagnostics:
        raise CompileError(diagnostics)
