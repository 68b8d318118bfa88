"""Branches and iterations run one after the other in real time but side by side on the virtual clock.

A Parallel state's branches all start when the state starts; a Map state's iterations start, in index order, as
soon as one of its MaxConcurrency workers is free. The state then goes on from the time its last branch or
iteration ended, and its events are put in time order in the history, as on AWS."""
from __future__ import annotations

import heapq

INLINE_MAP_LIMIT = 40  # AWS runs at most 40 inline Map iterations at once
DISTRIBUTED_MAP_LIMIT = 10_000


class SideBySide:
    def __init__(self, run, workers: int):
        self.run = run
        self.start = run.clock.now()
        self.free = [self.start] * max(1, workers)
        self.end = self.start
        self.first_event = run.history.count + 1
        self.finished = False

    def begin(self) -> None:
        """Before one branch or iteration: the clock reads the time its worker became free."""
        self.run.clock.set(heapq.heappop(self.free))

    def done(self) -> None:
        now = self.run.clock.now()
        heapq.heappush(self.free, now)
        if now > self.end:
            self.end = now

    def finish(self) -> None:
        """After the last one (or a failure): the clock reads the latest end; events are put in time order."""
        if self.finished:
            return
        self.finished = True
        now = self.run.clock.now()
        self.run.clock.set(max(self.end, now))
        moved = self.run.history.order_by_time(self.first_event)
        if moved:
            for note in self.run.execution.notes:
                note["event"] = moved.get(note["event"], note["event"])
