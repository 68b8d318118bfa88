"""Retry and Catch: which errors a retrier or catcher matches, and the retry delays (on the virtual clock)."""
from __future__ import annotations

ALL = "States.ALL"
TASK_FAILED = "States.TaskFailed"
RUNTIME = "States.Runtime"
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"
TIMEOUT = "States.Timeout"
# Our own error for a resource nobody serves locally: like States.Runtime, no retrier or catcher may hide it.
UNSERVED = "Local.UnservedResource"

# Errors no retrier or catcher handles at all (AWS: States.Runtime always fails the execution).
UNCATCHABLE = frozenset({RUNTIME, UNSERVED})
# Errors the wildcards do not match. AWS's documentation says States.ALL cannot catch States.DataLimitExceeded,
# but executions recorded on AWS show States.ALL catching a Lambda result over the limit, so it stays matchable.
NOT_WILDCARD = frozenset({RUNTIME, UNSERVED})


def matches(error_equals, error: str | None) -> bool:
    if error in UNCATCHABLE:
        return False
    error = error or ""
    for name in error_equals:
        if name == error:
            return True
        if error in NOT_WILDCARD:
            continue
        if name == ALL:
            return True
        if name == TASK_FAILED and error != TIMEOUT:
            return True
    return False


def find(handlers, error: str | None):
    """Index of the first retrier or catcher whose ErrorEquals matches ``error``, or None."""
    for i, h in enumerate(handlers or ()):
        if matches(h.get("ErrorEquals", ()), error):
            return i
    return None


def delay_seconds(retrier: dict, attempt: int, rng) -> float:
    """The wait before retry number ``attempt`` (0 for the first retry) of this retrier."""
    interval = retrier.get("IntervalSeconds", 1)
    rate = retrier.get("BackoffRate", 2.0)
    delay = interval * (rate ** attempt)
    cap = retrier.get("MaxDelaySeconds")
    if cap is not None and delay > cap:
        delay = cap
    if retrier.get("JitterStrategy") == "FULL":
        delay = rng.uniform(0, delay)
    return delay


def max_attempts(retrier: dict) -> int:
    return retrier.get("MaxAttempts", 3)
