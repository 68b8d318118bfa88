"""The local executor's runtime error type."""

from __future__ import annotations


class StatesError(Exception):
    """An ASL runtime error with an error name (e.g. 'States.QueryEvaluationError') and a cause string.

    The engine turns it into a failed state exactly as AWS reports it, so ``error`` and ``cause`` carry the
    names and texts AWS uses; ``str(exc)`` is only for humans reading a log.
    """

    def __init__(self, error: str, cause: str = ""):
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error: str = error
        self.cause: str = cause

    def __reduce__(self):
        # Keeps the error picklable with both fields (worker processes, copy).
        return (type(self), (self.error, self.cause))


# The error names AWS uses for failures raised by expression evaluation.
QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
RUNTIME = "States.Runtime"
INTRINSIC_FAILURE = "States.IntrinsicFailure"
