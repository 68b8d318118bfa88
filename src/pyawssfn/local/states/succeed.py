"""Succeed: ends the machine (or branch, or iteration) successfully."""
from __future__ import annotations

from pyawssfn.local import dataflow


def execute(sx):
    if sx.jsonata:
        out = dataflow.jsonata_result(sx, sx.input) if "Output" in sx.state else sx.input
    else:
        out = dataflow.output_path(sx, dataflow.input_path(sx, sx.input))
    return sx.exit(out, None)
