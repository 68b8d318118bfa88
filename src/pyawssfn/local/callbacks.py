"""Completing ``.waitForTaskToken`` tasks locally.

``callbacks`` is a callable ``(token, payload, resource) -> CallbackResult | None`` called once when such a task
has started; the result says what arrives and when, in virtual seconds after the task started. None means nothing
ever arrives (the task then times out, as on AWS)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CallbackResult:
    output: object = None
    error: str | None = None
    cause: str | None = None
    after_seconds: float = 0.0
    heartbeats: tuple = field(default_factory=tuple)  # virtual seconds (after the start) of SendTaskHeartbeat calls
    failed: bool = False

    @classmethod
    def success(cls, output, *, after_seconds: float = 0.0, heartbeats=()):
        """SendTaskSuccess with ``output``."""
        return cls(output=output, after_seconds=after_seconds, heartbeats=tuple(heartbeats))

    @classmethod
    def failure(cls, error: str | None = None, cause: str | None = None, *, after_seconds: float = 0.0,
                heartbeats=()):
        """SendTaskFailure with ``error`` and ``cause``."""
        return cls(error=error, cause=cause, after_seconds=after_seconds, heartbeats=tuple(heartbeats), failed=True)

    @classmethod
    def heartbeat_then(cls, heartbeats, result: "CallbackResult"):
        """SendTaskHeartbeat at each of ``heartbeats`` seconds, then ``result``."""
        return cls(output=result.output, error=result.error, cause=result.cause, after_seconds=result.after_seconds,
                   heartbeats=tuple(heartbeats), failed=result.failed)


def first_timeout(result: CallbackResult | None, timeout: float | None, heartbeat: float | None):
    """(seconds, error) of the first timeout before the result arrives, or None when the result arrives in time."""
    arrival = None if result is None else result.after_seconds
    return first_timeout_at(arrival, result.heartbeats if result else (), timeout, heartbeat)


def first_timeout_at(arrival: float | None, heartbeats, timeout: float | None, heartbeat: float | None):
    """The same from plain numbers (also used by the plain-Python runner): ``arrival`` None means no answer ever."""
    candidates = []
    if timeout is not None and (arrival is None or arrival > timeout):
        candidates.append((float(timeout), "States.Timeout"))
    if heartbeat is not None:
        last = 0.0
        beats = sorted(b for b in heartbeats if arrival is None or b <= arrival)
        for b in beats + ([arrival] if arrival is not None else []):
            if b - last > heartbeat:
                candidates.append((last + heartbeat, "States.HeartbeatTimeout"))
                break
            last = b
        else:
            if arrival is None:
                candidates.append((last + heartbeat, "States.HeartbeatTimeout"))
    return min(candidates) if candidates else None
