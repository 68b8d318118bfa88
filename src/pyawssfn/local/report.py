"""Showing an execution: the one-object JSON summary and a readable timeline (rich) of its history."""
from __future__ import annotations

import json

from rich.markup import escape

_FAILED_EVENTS = {"TaskFailed", "LambdaFunctionFailed", "TaskTimedOut", "LambdaFunctionTimedOut", "EvaluationFailed",
                  "MapIterationFailed", "ParallelStateFailed", "MapStateFailed", "ExecutionFailed",
                  "ExecutionTimedOut", "MapRunFailed"}
_NEST_ENTER = {"ParallelStateEntered", "MapStateEntered"}
_NEST_OPEN = {"ParallelStateStarted", "MapStateStarted"}
_NEST_CLOSE = {"ParallelStateSucceeded", "ParallelStateFailed", "MapStateSucceeded", "MapStateFailed"}


def execution_summary(execution) -> dict:
    """The object ``pyawssfn exec --json`` prints: status, output, error, cause, stats."""
    return {
        "status": execution.status,
        "output": execution.output if execution.status == "SUCCEEDED" else None,
        "error": execution.error,
        "cause": execution.cause,
        "stats": dict(execution.stats),
    }


def _offset(event, start) -> str:
    seconds = (event["timestamp"] - start).total_seconds()
    if seconds < 60:
        return f"+{seconds:.3f}s"
    if seconds < 86400:
        return f"+{int(seconds // 3600)}h{int(seconds % 3600 // 60):02d}m{seconds % 60:06.3f}s"
    return f"+{int(seconds // 86400)}d{int(seconds % 86400 // 3600):02d}h{int(seconds % 3600 // 60):02d}m"


def _short(text, limit=160) -> str:
    if text is None:
        return ""
    text = text if isinstance(text, str) else json.dumps(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cause_text(cause) -> str:
    """A Lambda error's cause is a JSON payload: show its errorMessage, which is what a reader wants."""
    if isinstance(cause, str) and cause.startswith("{"):
        try:
            payload = json.loads(cause)
        except ValueError:
            return _short(cause)
        if isinstance(payload, dict) and "errorMessage" in payload:
            return _short(payload["errorMessage"])
    return _short(cause)


def _details(event) -> dict:
    for key, value in event.items():
        if key.endswith("EventDetails"):
            return value
    return {}


def _note_line(note) -> str:
    what = f"[red]✗ {escape(note['error'] or '(no error name)')}[/red]"
    cause = _cause_text(note.get("cause"))
    if cause:
        what += f" [dim]{escape(cause)}[/dim]"
    if note["outcome"] == "retry":
        return f"{what} [yellow]→ retry {note['attempt']} in {_seconds(note['delay'])}[/yellow]"
    if note["outcome"] == "caught":
        return f"{what} [yellow]→ caught, next {escape(note['next'])}[/yellow]"
    return f"{what} [red]→ {escape(note['state'])} failed[/red]"


def _seconds(value: float) -> str:
    if value < 60:
        return f"{value:.3g}s"
    if value < 3600:
        return f"{value / 60:.3g}min"
    return f"{value / 3600:.3g}h"


def render_timeline(execution, console) -> None:
    """Print each state entered with its virtual time, the errors met (retried, caught or failing the state), Map
    items and Parallel branches indented, and the final result."""
    start = execution.start_date
    nest: list[bool] = []  # one entry per Parallel/Map state being run: True once its branches have started
    notes: dict[int, list] = {}
    for note in getattr(execution, "notes", ()):
        notes.setdefault(note["event"], []).append(note)
    for event in execution.history:
        etype = event["type"]
        d = _details(event)
        when = f"[dim]{_offset(event, start):>14}[/dim]"
        if etype in _NEST_CLOSE and nest:
            nest.pop()
        pad = "  " * sum(nest)
        if etype.endswith("StateEntered"):
            console.print(f"{when} {pad}[bold cyan]▶ {escape(d.get('name', ''))}[/bold cyan] "
                          f"[dim]({etype[:-12]})[/dim]")
        elif etype == "MapIterationStarted":
            console.print(f"{when} {pad}  [magenta]item {d.get('index')}[/magenta]")
        elif etype == "ParallelStateStarted":
            console.print(f"{when} {pad}  [magenta]branches[/magenta]")
        elif etype in _FAILED_EVENTS and etype not in ("ExecutionFailed", "ExecutionTimedOut") \
                and event["id"] not in notes and (d.get("error") or d.get("cause")):
            console.print(f"{when} {pad}  [red]✗ {escape(d.get('error') or '(no error name)')}[/red]"
                          f" [dim]{escape(_cause_text(d.get('cause')))}[/dim]")
        elif etype.endswith("StateExited") and d.get("assignedVariables"):
            console.print(f"{when} {pad}  [dim]assigned {escape(', '.join(d['assignedVariables']))}[/dim]")
        for note in notes.get(event["id"], ()):
            console.print(f"{when} {pad}  {_note_line(note)}")
        if etype in _NEST_ENTER:
            nest.append(False)
        elif etype in _NEST_OPEN and nest:
            nest[-1] = True  # a retry starts the same state again: still one level
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
