"""The path an execution took, read from its history (the local executor's or GetExecutionHistory's: the same
events): the states it entered, how often, with their inputs and outputs, and the transitions between them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyawssfn.history_events import details as _details

_KEEP = 20  # visits of one state kept for the inspector (a loop may enter a state thousands of times)


@dataclass
class Visit:
    input: Any = None
    output: Any = None
    error: str | None = None


@dataclass
class RunPath:
    status: str = ""
    visits: dict[str, list[Visit]] = field(default_factory=dict)  # state name -> its visits, in order
    counts: dict[str, int] = field(default_factory=dict)
    transitions: set[tuple[str, str]] = field(default_factory=set)  # (from state, to state) names
    starts: set[str] = field(default_factory=set)  # states entered first in a machine, branch or item
    ends: set[str] = field(default_factory=set)  # states whose exit ended a machine, branch or item


def _scope_event(by_id: dict, event: dict) -> dict | None:
    """The event before ``event`` that says where the execution came from: a state's exit (a transition), or the
    start of the execution, a branch or an item (the first state of a machine)."""
    current = by_id.get(event.get("previousEventId"))
    for _ in range(1000):
        if current is None:
            return None
        etype = current["type"]
        if etype.endswith("StateExited") or etype in ("ExecutionStarted", "ParallelStateStarted",
                                                       "MapIterationStarted", "MapStateStarted"):
            return current
        current = by_id.get(current.get("previousEventId"))
    return None


def read_run(history: list[dict], status: str = "") -> RunPath:
    path = RunPath(status=status)
    by_id = {e.get("id"): e for e in history}
    open_visit: dict[str, Visit] = {}
    for event in history:
        etype, d = event.get("type", ""), _details(event)
        if etype.endswith("StateEntered"):
            name = d.get("name", "")
            path.counts[name] = path.counts.get(name, 0) + 1
            visit = Visit(input=d.get("input"))
            open_visit[name] = visit
            visits = path.visits.setdefault(name, [])
            if len(visits) < _KEEP:
                visits.append(visit)
            came = _scope_event(by_id, event)
            if came is not None and came["type"].endswith("StateExited"):
                path.transitions.add((_details(came).get("name", ""), name))
            else:
                path.starts.add(name)
        elif etype.endswith("StateExited"):
            name = d.get("name", "")
            if name in open_visit:
                open_visit[name].output = d.get("output")
        elif etype.endswith("Failed") and "error" in d and open_visit:
            last = list(open_visit.values())[-1]
            last.error = d.get("error")
    _ends(history, by_id, path)
    return path


def _ends(history: list[dict], by_id: dict, path: RunPath) -> None:
    # A state exited and followed by the end of its machine (execution, branch or item), not by another state.
    followed = {e.get("previousEventId") for e in history if e.get("type", "").endswith("StateEntered")}
    for event in history:
        if event.get("type", "").endswith("StateExited") and event.get("id") not in followed:
            path.ends.add(_details(event).get("name", ""))
