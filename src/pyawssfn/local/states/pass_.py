"""Pass: passes its input (or its Result) to its output."""
from __future__ import annotations

from pyawssfn.local import dataflow


def execute(sx):
    state = sx.state
    if sx.jsonata:
        result = state.get("Result", sx.input)
        out = dataflow.jsonata_result(sx, result)
    else:
        effective = dataflow.input_path(sx, sx.input)
        if "Parameters" in state:
            effective = dataflow.payload_template(sx, state["Parameters"], effective, "Parameters")
        result = state["Result"] if "Result" in state else effective
        has_result = "Result" in state or "Parameters" in state
        out = dataflow.jsonpath_result(sx, sx.input, result, assign_result=result if has_result else None)
    return sx.exit(out, sx.next_of())
