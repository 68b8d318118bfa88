"""Parallel: runs every branch on the same input; branches run one after the other, branch 0 first."""
from __future__ import annotations

from pyawssfn.local import dataflow
from pyawssfn.local.concurrency import SideBySide
from pyawssfn.local.errors import StatesError
from pyawssfn.local.executor import run_machine, with_error_handling
from pyawssfn.local.limits import dumps


def execute(sx):
    return with_error_handling(sx, lambda: _attempt(sx), "ParallelStateFailed")


def _attempt(sx):
    state = sx.state
    run = sx.run
    if sx.jsonata:
        states = dataflow.states_var(sx, input=sx.input)
        branch_input = (dataflow.jsonata_field(sx, "Arguments", state["Arguments"], states)
                        if "Arguments" in state else sx.input)
    else:
        branch_input = dataflow.input_path(sx, sx.input)
        if "Parameters" in state:
            branch_input = dataflow.payload_template(sx, state["Parameters"], branch_input, "Parameters")
    text = dumps(branch_input)
    started = run.history.add("ParallelStateStarted")
    results = []
    branches = state.get("Branches", [])
    side = SideBySide(run, len(branches))
    try:
        for branch in branches:
            side.begin()
            run.history.link = started  # on AWS each branch's first event links to ParallelStateStarted
            first = run.history.count + 1
            try:
                # Branches read the variables of the enclosing scope but assign only their own copy.
                output, _ = run_machine(run, branch, branch_input, text, variables=dict(sx.variables),
                                        query_language=sx.frame.query_language)
            except StatesError:
                _abort_failed_task(run.history, first)
                raise
            results.append(output)
            side.done()
    finally:
        side.finish()
    last = run.history.count
    run.history.add("ParallelStateSucceeded", link=last)
    if sx.jsonata:
        out = dataflow.jsonata_result(sx, results)
    else:
        out = dataflow.jsonpath_result(sx, sx.input, results)
    return sx.exit(out, sx.next_of())


# The events a failed task ends with; AWS follows them with TaskStateAborted when the error ends a Parallel branch.
_TASK_FAILURES = frozenset({"TaskFailed", "TaskTimedOut", "LambdaFunctionFailed", "LambdaFunctionTimedOut",
                            "LambdaFunctionScheduleFailed", "LambdaFunctionStartFailed"})


def _abort_failed_task(history, first: int) -> None:
    """A branch's Task whose error leaves the branch is aborted with the Parallel state (AWS records it so; a
    Fail state is not). The next event links past it, to the failure."""
    events = history.events
    if not history.keep or not events or events[-1]["id"] < first or events[-1]["type"] not in _TASK_FAILURES:
        return
    for event in reversed(events):
        if event["id"] < first:
            return
        kind = event["type"]
        if kind.endswith(("StateEntered", "StateExited", "StateAborted")):
            if kind == "TaskStateEntered":
                failed = events[-1]["id"]
                history.add("TaskStateAborted", previous=failed, link=failed)
            return
