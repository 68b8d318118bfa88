"""An execution's event history in the shape of GetExecutionHistory's ``events``: ids from 1, ``previousEventId``,
``timestamp`` (a timezone-aware datetime, as boto3 returns it), ``type`` and one ``<type>EventDetails`` field."""
from __future__ import annotations

from pyawssfn.local.limits import HISTORY_LIMIT_EVENTS, HistoryLimitExceeded

_NOT_TRUNCATED = {"truncated": False}
_CLOSING = frozenset({"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"})


def _details_key(event_type: str) -> str:
    # Every <Type>StateEntered/Exited event shares one details field name; the others are named after the event.
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    return event_type[0].lower() + event_type[1:] + "EventDetails"


class _DetailsKeys(dict):
    """event type -> its details field name, worked out once per type (add runs for every event)."""

    def __missing__(self, event_type: str) -> str:
        key = self[event_type] = _details_key(event_type)
        return key


_DETAILS_KEYS = _DetailsKeys()


class History:
    def __init__(self, clock, limit: int | None = HISTORY_LIMIT_EVENTS, keep: bool = True):
        self.clock = clock
        self.events: list[dict] = []
        self.limit = limit
        self.keep = keep  # False: count events (ids, the limit) without storing them, for long benchmarks
        self.count = 0
        self.link: int | None = None  # the event the next one links to, when not the last one (see add)

    @property
    def last_id(self) -> int:
        return self.count

    def add(self, event_type: str, details: dict | None = None, previous: int | None = None,
            link: int | None = None) -> int:
        """Append one event and return its id.

        ``previous`` defaults to the last event recorded, or to the ``link`` that event left: AWS links some events
        past bookkeeping events (the event after MapIterationSucceeded links to the iteration's last event)."""
        n = self.count + 1
        # AWS: once 24,999 events exist, event 25,000 must end the execution, or the execution fails.
        limit = self.limit
        if limit is not None and n >= limit and event_type not in _CLOSING:
            raise HistoryLimitExceeded(limit)
        if self.keep:
            if previous is None:
                # AWS links the first event after ExecutionStarted to event 0
                previous = 0 if n == 2 else (self.link if self.link is not None else n - 1)
            event = {"id": n, "previousEventId": previous, "timestamp": self.clock.now(), "type": event_type}
            if details is not None:
                event[_DETAILS_KEYS[event_type]] = details
            self.events.append(event)
        self.count = n
        self.link = link
        return n

    # Helpers for the recurring detail shapes.
    @staticmethod
    def with_input(text: str, **extra) -> dict:
        return {**extra, "input": text, "inputDetails": _NOT_TRUNCATED}

    @staticmethod
    def with_output(text: str, **extra) -> dict:
        return {**extra, "output": text, "outputDetails": _NOT_TRUNCATED}

    def previous_of(self, event_id: int) -> int:
        """The previousEventId of event ``event_id`` (0 when it is not kept)."""
        if self.keep and 0 < event_id <= len(self.events) and self.events[event_id - 1]["id"] == event_id:
            return self.events[event_id - 1]["previousEventId"]
        for event in reversed(self.events):
            if event["id"] == event_id:
                return event["previousEventId"]
        return 0

    def order_by_time(self, first_id: int) -> dict:
        """Put the events from ``first_id`` on in timestamp order (stable) and renumber them, keeping every
        previousEventId pointing at the same event; returns {old id: new id} for the events that moved.

        Branches and iterations are recorded one after the other but run side by side on the virtual clock; this
        gives the history the time order AWS's has."""
        if not self.keep or first_id > self.count:
            return {}
        segment = self.events[first_id - 1:]
        order = sorted(range(len(segment)), key=lambda i: segment[i]["timestamp"])
        if all(i == j for i, j in enumerate(order)):
            return {}
        mapping = {segment[old]["id"]: first_id + new for new, old in enumerate(order)}
        reordered = [segment[i] for i in order]
        for event in reordered:
            event["id"] = mapping[event["id"]]
            event["previousEventId"] = mapping.get(event["previousEventId"], event["previousEventId"])
        self.events[first_id - 1:] = reordered
        if self.link is not None:
            self.link = mapping.get(self.link, self.link)
        return {old: new for old, new in mapping.items() if old != new}
