"""No full garbage collection while an execution runs or a module compiles.

An execution's history, its variables and the Map results it gathers are long-lived containers that grow with the
work done; CPython's full (oldest-generation) collection walks every tracked object, so with it a 10,000-item Map
spent more time per item than a 1,000-item one. For the execution's duration the oldest generation's threshold is
raised out of reach and restored afterwards (nested and concurrent executions share one pause): the young
generations are still collected as usual, so cycles that die young (most of them) are freed as before; only cycles
that became garbage after reaching the oldest generation wait for the first full collection after the run."""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_NEVER = 1 << 30
_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] | None = None


@contextmanager
def no_full_collection():
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            if len(_saved) >= 3 and _saved[0] > 0:  # a threshold of 0 means collection is off: leave it so
                gc.set_threshold(_saved[0], _saved[1], _NEVER)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                if gc.get_threshold()[2] == _NEVER:  # unless the workflow's code set its own meanwhile
                    gc.set_threshold(*_saved)
                _saved = None
