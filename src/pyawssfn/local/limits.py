"""The AWS Step Functions quotas the local executor enforces, as AWS enforces them (the numbers and their sources
are in pyawssfn.semantics.quotas)."""
from __future__ import annotations

from pyawssfn.local.errors import StatesError
from pyawssfn.semantics.quotas import (DATA_LIMIT_EXCEEDED, HISTORY_LIMIT_EVENTS, PAYLOAD_LIMIT_BYTES,  # noqa: F401
                                       dumps, over, variables_problem)


def too_large(text: str) -> bool:
    return over(text, PAYLOAD_LIMIT_BYTES)


def check_payload(text: str, who: str) -> None:
    """Raise States.DataLimitExceeded with AWS's cause when ``text`` exceeds the payload quota."""
    if too_large(text):
        raise StatesError(
            DATA_LIMIT_EXCEEDED,
            f"The state/task '{who}' returned a result with a size exceeding the maximum number of bytes service "
            "limit.",
        )


def check_variables(who: str, assigned_texts: dict[str, str], total_bytes: int) -> None:
    """Raise States.DataLimitExceeded when an Assign breaks AWS's variable quotas (one variable, one Assign, the
    execution's total)."""
    problem = variables_problem(assigned_texts, total_bytes)
    if problem:
        raise StatesError(DATA_LIMIT_EXCEEDED,
                          f"The state '{who}' assigned variables exceeding the maximum number of bytes service "
                          f"limit. {problem}")


class HistoryLimitExceeded(Exception):
    """Raised when an execution's history would exceed its event limit; the execution then fails as on AWS."""
