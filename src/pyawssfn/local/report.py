"""Showing an execution: the one-object JSON summary and a readable timeline (rich) of its history.

The timeline has one line per state entered, with the elapsed virtual time in a fixed-width column and the Python
line the state was compiled from; under it, what the state did: a step call with its arguments and result, the
variables it assigned with their values, how long a Wait or a retry waited, each error and what became of it. Map
items and Parallel branches are indented under their state. Values are cut to one short line unless ``verbose``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from rich.markup import escape

from pyawssfn.history_events import details as _details, loads as _loads

_FAILED_EVENTS = {"TaskFailed", "LambdaFunctionFailed", "TaskTimedOut", "LambdaFunctionTimedOut", "EvaluationFailed",
                  "MapIterationFailed", "ParallelStateFailed", "MapStateFailed", "ExecutionFailed",
                  "ExecutionTimedOut", "MapRunFailed"}
_NEST_OPEN = {"ParallelStateStarted", "MapStateStarted"}
_NEST_CLOSE = {"ParallelStateSucceeded", "ParallelStateFailed", "ParallelStateAborted", "MapStateSucceeded",
               "MapStateFailed", "MapStateAborted"}
_SHORT = 100  # characters of a value shown without --verbose
_TIME_WIDTH = 15  # +8760:00:00.000, a year: the longest a Standard execution runs


def execution_summary(execution) -> dict:
    """The object ``pyawssfn exec --json`` prints: status, output, error, cause, stats."""
    return {
        "status": str(execution.status),
        "output": execution.output if execution.status == "SUCCEEDED" else None,
        "error": execution.error,
        "cause": execution.cause,
        "stats": dict(execution.stats),
    }


def elapsed(seconds: float) -> str:
    """``+H:MM:SS.mmm``, one format from the first state to a year-long execution, right-aligned in its column."""
    millis = int(round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"+{hours}:{minutes:02d}:{rest / 1000:06.3f}".rjust(_TIME_WIDTH)


def _seconds(value: float) -> str:
    if value < 60:
        return f"{value:.3g}s"
    if value < 3600:
        return f"{value / 60:.3g}min"
    if value < 86400:
        return f"{value / 3600:.3g}h"
    return f"{value / 86400:.3g}d"


@dataclass
class _Style:
    verbose: bool = False
    source_map: dict[str, int] = field(default_factory=dict)
    source_file: str | None = None  # the workflow's file, as the user named it
    field_lines: dict[str, dict[str, int]] = field(default_factory=dict)  # CompileResult.field_lines

    def where(self, state: str, field: str | None = None) -> str | None:
        """``file:line`` of the Python a state was compiled from (``line N`` when the file is not known); with the
        failing ``field`` (as AWS names it: ``Output``, ``Assign/x``), of the statement that field came from."""
        line = field_line(self.field_lines.get(state, {}), field) if field else None
        line = self.source_map.get(state) if line is None else line
        if line is None:
            return None
        return f"{self.source_file}:{line}" if self.source_file else f"line {line}"

    def value(self, value: Any, raw: bool = False) -> str:
        """JSON text of ``value`` (``raw``: a string as it is), cut to one short line unless verbose."""
        text = value if raw and isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if self.verbose or len(text) <= _SHORT:
            return text
        return text[: _SHORT - 1] + "…"


def _cause_text(cause) -> str:
    """A Lambda error's cause is a JSON payload: show its errorMessage, which is what a reader wants."""
    if isinstance(cause, str) and cause.startswith("{"):
        payload = _loads(cause)
        if isinstance(payload, dict) and "errorMessage" in payload:
            return str(payload["errorMessage"])
    return "" if cause is None else str(cause)


def _lambda_payload(output: Any) -> Any:
    if isinstance(output, dict) and "Payload" in output and "StatusCode" in output:
        return output["Payload"]
    return output


class _Timeline:
    def __init__(self, execution, console, style: _Style):
        self.execution = execution
        self.console = console
        self.style = style
        self.start = execution.start_date
        self.notes: dict[int, list] = {}
        for note in getattr(execution, "notes", ()) or ():
            self.notes.setdefault(note["event"], []).append(note)
        self.stack: list[list[bool]] = []  # per open Map/Parallel: [inside an item]
        self.scheduled: dict[int, tuple[Any, Any]] = {}  # TaskScheduled id -> (step or resource, arguments)
        self.entered: dict[str, Any] = {}  # state name -> when it was entered (for Wait durations)
        self.state = ""  # the state entered last

    def pad(self) -> str:
        return "  " * sum(1 + int(item[0]) for item in self.stack)

    def line(self, event, text: str, first: bool = False) -> None:
        when = elapsed((event["timestamp"] - self.start).total_seconds()) if first else " " * _TIME_WIDTH
        self.console.print(f"[dim]{when}[/dim] {self.pad()}{'' if first else '  '}{text}")

    def event(self, event) -> None:
        etype = event["type"]
        d = _details(event)
        if etype in _NEST_CLOSE and self.stack:
            self.stack.pop()
        if etype.endswith("StateEntered"):
            self._entered(event, etype, d)
        elif etype == "ParallelStateStarted":
            self.line(event, "[magenta]branches[/magenta]")
        elif etype == "MapIterationStarted":
            self.line(event, f"[magenta]item {d.get('index')}[/magenta]", first=True)
            if self.stack:
                self.stack[-1][0] = True
        elif etype in ("MapIterationSucceeded", "MapIterationFailed", "MapIterationAborted") and self.stack:
            self.stack[-1][0] = False
        elif etype in ("TaskScheduled", "LambdaFunctionScheduled"):
            self._scheduled(event, d)
        elif etype in ("TaskSucceeded", "LambdaFunctionSucceeded"):
            self._succeeded(event, d)
        elif etype in _FAILED_EVENTS and etype not in ("ExecutionFailed", "ExecutionTimedOut") \
                and event["id"] not in self.notes and (d.get("error") or d.get("cause")):
            cause = _cause_text(d.get("cause"))
            cause = _expression_failure(cause, self.state, self.style) or cause
            self.line(event, f"[red]✗ {escape(d.get('error') or '(no error name)')}[/red] "
                             f"[dim]{escape(self.style.value(cause, raw=True))}[/dim]")
        elif etype.endswith("StateExited"):
            self._exited(event, etype, d)
        for note in self.notes.get(event["id"], ()):
            self.line(event, _note_line(note, self.style))
        if etype in _NEST_OPEN:
            self.stack.append([False])

    def _entered(self, event, etype: str, d: dict) -> None:
        name = d.get("name", "")
        kind = etype[: -len("StateEntered")]
        line = self.style.source_map.get(name)
        where = f", line {line}" if line is not None and not name.endswith(f" @{line}") else ""
        self.entered[name] = event["timestamp"]
        self.state = name
        self.line(event, f"[bold cyan]▶ {escape(name)}[/bold cyan] [dim]({kind}{where})[/dim]", first=True)

    def _scheduled(self, event, d: dict) -> None:
        params = _loads(d.get("parameters", d.get("input")))
        payload = params.get("Payload") if isinstance(params, dict) else None
        if isinstance(payload, dict) and isinstance(payload.get("step"), str):
            self.scheduled[event["id"]] = (payload["step"], payload.get("kwargs") or {}, event["timestamp"])
        else:
            self.scheduled[event["id"]] = (d.get("resource", "task"), params, event["timestamp"])

    def _succeeded(self, event, d: dict) -> None:
        started = self._find_scheduled(event)
        if started is None:
            return
        what, arguments, at = started
        result = _loads(d.get("output"))
        took = (event["timestamp"] - at).total_seconds()
        duration = f" [dim](took {_seconds(took)})[/dim]" if took > 0 else ""
        if isinstance(arguments, dict) and what != d.get("resource"):
            args = ", ".join(f"{k}={self.style.value(v)}" for k, v in arguments.items())
            call = f"{escape(what)}({escape(args)})"
            result = _lambda_payload(result)
        else:
            call = f"{escape(str(what))} {escape(self.style.value(arguments))}"
        self.line(event, f"call {call} → {escape(self.style.value(result))}{duration}")

    def _find_scheduled(self, event):
        # TaskSucceeded follows TaskStarted, which follows TaskScheduled.
        by_prev = event.get("previousEventId")
        for candidate in (by_prev, by_prev - 1 if isinstance(by_prev, int) else None):
            if candidate in self.scheduled:
                return self.scheduled.pop(candidate)
        return None

    def _exited(self, event, etype: str, d: dict) -> None:
        name = d.get("name", "")
        if etype == "WaitStateExited" and name in self.entered:
            waited = (event["timestamp"] - self.entered[name]).total_seconds()
            self.line(event, f"[yellow]waited {_seconds(waited)}[/yellow]")
        assigned = d.get("assignedVariables")
        if assigned:
            parts = [f"{k} = {self.style.value(_loads(v))}" for k, v in assigned.items()]
            self.line(event, f"[dim]assigned {escape(', '.join(parts))}[/dim]")


_EXPRESSION_FAILED = re.compile(r"specified for the field '([^']+)' threw an error during evaluation\. "
                                r"(?:[A-Z]\d{4}: )?(.*)\Z", re.S)


_INNER_STATE = re.compile(r"An error occurred while executing the state '([^']+)'")


def _expression_failure(cause: str, state: str, style: _Style) -> str | None:
    """A failing JSONata expression's cause, read as the Python it came from: the Python error (the compiled
    expression raises Python's message) and where (the state's file:line, kept for the summary's ``at:`` line); the
    generated JSONata only with --verbose."""
    m = _EXPRESSION_FAILED.search(cause)
    if m is None:
        return None
    python = style.where(state, m.group(1))
    if style.verbose:
        return None
    return f"{m.group(2).strip()} [{m.group(1)} of {state}" + (f", {python}]" if python is not None else "]")


def failure_location(execution, source_map: dict[str, int], source_file: str | None = None,
                     field_lines: dict[str, dict[str, int]] | None = None) -> str | None:
    """Where the Python of a failed execution's error is, when a JSONata expression raised it: ``FILE:LINE (the
    FIELD of state NAME)`` of the statement whose code that field of the state holds (a state may hold several:
    CompileResult.field_lines; else the state's own line); the cause itself stays as AWS words it."""
    cause = execution.cause
    m = _EXPRESSION_FAILED.search(cause) if isinstance(cause, str) else None
    if m is None:
        return None
    state = None
    for event in execution.history:
        if event["type"].endswith("StateEntered"):
            state = _details(event).get("name")
        elif _details(event).get("cause") == cause and state is not None:
            break
    # A computed Fail (a re-raise after a finally, a bare raise) raises an expression error again ($error of its
    # cause): the Python line is the one of the state whose expression failed first, named inside the cause.
    inner = _INNER_STATE.findall(m.group(2))
    if inner:
        state = inner[-1]
        m = _EXPRESSION_FAILED.search(m.group(2)) or m
    if state is None:
        return None
    python = _Style(source_map=source_map, source_file=source_file,
                    field_lines=dict(field_lines or {})).where(state, m.group(1))
    return f"{python or '(no Python line)'} (the {m.group(1)} of state {state})"


def field_line(fields: dict[str, int], field: str) -> int | None:
    """The line of a failing field as AWS names it (`Assign/total`, `Output`, `Arguments/Payload/kwargs/x`): its
    own entry, else the entry of the field it is part of."""
    while field:
        if field in fields:
            return fields[field]
        field = field.rpartition("/")[0]
    return None


def _note_line(note, style: _Style) -> str:
    what = f"[red]✗ {escape(note['error'] or '(no error name)')}[/red]"
    cause = _cause_text(note.get("cause"))
    if cause:
        cause = _expression_failure(cause, note.get("state", ""), style) or cause
        what += f" [dim]{escape(style.value(cause, raw=True))}[/dim]"
    if note["outcome"] == "retry":
        return f"{what} [yellow]→ retry {note['attempt']} in {_seconds(note['delay'])}[/yellow]"
    if note["outcome"] == "caught":
        return f"{what} [yellow]→ caught, next {escape(note['next'])}[/yellow]"
    return f"{what} [red]→ {escape(note['state'])} failed[/red]"


def render_timeline(execution, console, source_map: dict[str, int] | None = None, verbose: bool = False,
                    source_file: str | None = None, field_lines: dict[str, dict[str, int]] | None = None) -> None:
    """Print each state entered with its virtual time and Python line, what it did (step calls with arguments and
    results, assignments, waits, errors and retries), Map items and Parallel branches indented, and the result; a
    failure's cause is AWS's, followed by the file:line of the state whose expression failed (``source_file``)."""
    style = _Style(verbose, dict(source_map or {}), source_file, dict(field_lines or {}))
    timeline = _Timeline(execution, console, style)
    for event in execution.history:
        timeline.event(event)
    stats = execution.stats
    tally = (f"{stats.get('states_entered', 0)} states entered, {stats.get('state_transitions', 0)} transitions, "
             f"{stats.get('lambda_invocations', 0)} Lambda invocations")
    if execution.status == "SUCCEEDED":
        console.print(f"[bold green]SUCCEEDED[/bold green] [dim]({tally})[/dim]")
        console.print(escape(json.dumps(execution.output, indent=2, ensure_ascii=False)), highlight=False)
    else:
        console.print(f"[bold red]{execution.status}[/bold red] [dim]({tally})[/dim]")
        if execution.error is not None:
            console.print(f"[red]error:[/red] {escape(execution.error)}")
        if execution.cause is not None:
            console.print(f"[red]cause:[/red] {escape(execution.cause)}", highlight=False)
            where = failure_location(execution, style.source_map, source_file, style.field_lines)
            if where is not None:
                console.print(f"[red]at:[/red] {escape(where)}", highlight=False)
