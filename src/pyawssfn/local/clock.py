"""The virtual clock: Waits, retry intervals and timeouts advance it instantly, so a year-long Wait takes no real
time while every timestamp in the history and the context object reads as it would on AWS."""
from __future__ import annotations

import datetime as _dt

UTC = _dt.timezone.utc
DEFAULT_START = _dt.datetime(2024, 1, 1, 0, 0, 0, tzinfo=UTC)


def iso(moment: _dt.datetime) -> str:
    """AWS's context-object timestamp format: millisecond precision, 'Z' suffix."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class VirtualClock:
    def __init__(self, start: _dt.datetime | None = None):
        if start is None:
            start = DEFAULT_START
        elif start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        self._now = start

    def now(self) -> _dt.datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds > 0:
            self._now = self._now + _dt.timedelta(seconds=seconds)

    def advance_to(self, moment: _dt.datetime) -> None:
        if moment > self._now:
            self._now = moment

    def set(self, moment: _dt.datetime) -> None:
        """Move to ``moment``, backwards too: concurrent branches each start from their state's start time."""
        self._now = moment

    def iso(self) -> str:
        return iso(self._now)
