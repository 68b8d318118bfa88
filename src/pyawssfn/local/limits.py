"""AWS Step Functions quotas the local executor enforces as AWS does."""
from __future__ import annotations

import json

from pyawssfn.local.errors import StatesError

PAYLOAD_LIMIT_BYTES = 256 * 1024  # 262,144 bytes of UTF-8, for inputs, outputs and task results
HISTORY_LIMIT_EVENTS = 25_000
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"


def dumps(value) -> str:
    """The compact JSON AWS writes for state inputs and outputs."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def too_large(text: str) -> bool:
    # Cheap test first: a str of n code points is at most 4n bytes and at least n bytes.
    n = len(text)
    if n * 4 <= PAYLOAD_LIMIT_BYTES:
        return False
    if n > PAYLOAD_LIMIT_BYTES:
        return True
    return len(text.encode("utf-8")) > PAYLOAD_LIMIT_BYTES


def check_payload(text: str, who: str) -> None:
    """Raise States.DataLimitExceeded with AWS's cause when ``text`` exceeds the payload quota."""
    if too_large(text):
        raise StatesError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{who}' returned a result with a size exceeding the maximum number of bytes service "
            "limit.",
        )


class HistoryLimitExceeded(Exception):
    """Raised when an execution's history would exceed its event limit; the execution then fails as on AWS."""
