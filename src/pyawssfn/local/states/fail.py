"""Fail: ends the machine (or branch, or iteration) with an error and a cause."""
from __future__ import annotations

from pyawssfn.local import dataflow
from pyawssfn.local.limits import dumps
from pyawssfn.local.executor import StateFailure


def _from_path(sx, field: str, path: str):
    value = dataflow.path_or_intrinsic(sx, sx.input, path, field)
    if not isinstance(value, str):
        raise sx.runtime_error(f"The value of the field '{field}' must be a string, but was: {dumps(value)}")
    return value


def execute(sx):
    state = sx.state
    error = state.get("Error")
    cause = state.get("Cause")
    if sx.jsonata:
        states = dataflow.states_var(sx, input=sx.input)
        if error is not None:
            error = dataflow.jsonata_field(sx, "Error", error, states)
        if cause is not None:
            cause = dataflow.jsonata_field(sx, "Cause", cause, states)
    else:
        if "ErrorPath" in state:
            error = _from_path(sx, "ErrorPath", state["ErrorPath"])
        if "CausePath" in state:
            cause = _from_path(sx, "CausePath", state["CausePath"])
    raise StateFailure(error, cause)
