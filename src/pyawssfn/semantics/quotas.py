"""AWS Step Functions quotas, with their sources, in one place: the executor enforces them as AWS does, and the
plain-Python run and the validator read the same numbers.

Sources (AWS Step Functions Developer Guide):
- "Step Functions service quotas" (limits-overview.html), "Quotas related to state machine executions" and "Quotas
  related to task executions": input or output of a task, state or execution at most 256 KiB of UTF-8 text
  (262,144 bytes, hard quota); execution history at most 25,000 events; a Standard execution runs at most one year.
- "Passing data between states with variables" (workflow-variables.html), "Variable size limits": one variable at
  most 256 KiB, the variables of one Assign field together at most 256 KiB, the variables stored by an execution
  together at most 10 MiB; a variable name at most 80 characters. A value is measured as its serialised JSON text.
- Lambda quotas ("Lambda quotas", gettingstarted-limits.html): a function runs at most 900 seconds.

Bounds of pyawssfn's own (AWS documents no number for them; each ends the evaluation with a clear error rather
than a hang): the time one JSONata evaluation may take, and how deep its function calls may nest.
"""
from __future__ import annotations

import json

PAYLOAD_LIMIT_BYTES = 256 * 1024
HISTORY_LIMIT_EVENTS = 25_000
MAX_EXECUTION_SECONDS = 365 * 24 * 3600

VARIABLE_LIMIT_BYTES = 256 * 1024
ASSIGN_LIMIT_BYTES = 256 * 1024
EXECUTION_VARIABLES_LIMIT_BYTES = 10 * 1024 * 1024
VARIABLE_NAME_MAX_CHARS = 80

LAMBDA_MAX_TIMEOUT_SECONDS = 900

JSONATA_MAX_SECONDS = 10.0
# A deeply recursive evaluation is re-run on a thread with this stack and Python recursion limit: about 20,000
# nested JSONata function calls (jsonata-python takes ~15 Python frames per call); deeper fails with D1011.
JSONATA_DEEP_STACK_BYTES = 1024 * 1024 * 1024
JSONATA_RECURSION_LIMIT = 400_000

DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"


def dumps(value) -> str:
    """The compact JSON AWS writes for state inputs, outputs and variable values."""
    return _COMPACT(value)


# json.dumps with these options builds a new encoder on every call; the executor calls it for every state.
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def utf8_size(text: str) -> int:
    """Bytes of ``text`` as UTF-8, counted without encoding when every character is ASCII."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def over(text: str, limit: int) -> bool:
    """True when ``text`` is more than ``limit`` bytes of UTF-8 (cheap for text far from the limit)."""
    n = len(text)
    if n * 4 <= limit:
        return False
    if n > limit:
        return True
    return utf8_size(text) > limit


def variables_problem(assigned_texts: dict[str, str], total_bytes: int) -> str | None:
    """AWS's variable quotas applied to one Assign (``name -> JSON text``) and to the execution's total after it;
    the reason it fails, or None."""
    combined = 0
    for name, text in assigned_texts.items():
        size = utf8_size(text)
        if size > VARIABLE_LIMIT_BYTES:
            return (f"The variable '{name}' is {size} bytes; a variable holds at most {VARIABLE_LIMIT_BYTES} "
                    "bytes (256 KiB).")
        combined += size
    if combined > ASSIGN_LIMIT_BYTES:
        return (f"The variables assigned by one Assign field total {combined} bytes; at most {ASSIGN_LIMIT_BYTES} "
                "bytes (256 KiB) may be assigned at once.")
    if total_bytes > EXECUTION_VARIABLES_LIMIT_BYTES:
        return (f"The execution's variables total {total_bytes} bytes; an execution stores at most "
                f"{EXECUTION_VARIABLES_LIMIT_BYTES} bytes (10 MiB) of variables.")
    return None
