"""No full garbage collection while an execution runs; no garbage collection at all while a module compiles
(``no_collection``, below).

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


_off_depth = 0
_was_enabled = False


@contextmanager
def no_collection():
    """No cyclic garbage collection at all while a module compiles. A compile allocates trees, IR and analysis
    tables that live until its end and make almost no cyclic garbage (about 5 MB more at the peak of a
    10,000-statement workflow), while the young-generation collections it triggers kept walking them: 3.5% of
    its instructions. Collection resumes, as it was, when the outermost compile ends (nested and concurrent
    compiles share one pause).

    What the compile leaves alive when it ends (its result, the memos' trees by value) is not garbage: the AST, the
    lowering and the IR are freed by reference counting as it returns (tests/compiler/test_compile_frees.py). The
    young generation then holds everything the compile allocated and kept, and the first allocation after
    collection resumes would walk it all, to free nothing (45 ms, 3.5% of a 10,000-statement compile). Instead the
    young objects go straight to the oldest generation (`gc.freeze` then `gc.unfreeze`: two list splices, no
    walk), where the full collections examine them as they would have after two young ones; a cycle among the
    caller's own young objects waits for the next full collection. Skipped when the caller froze objects itself:
    `gc.unfreeze` would thaw them."""
    global _off_depth, _was_enabled
    with _lock:
        if _off_depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _off_depth += 1
    try:
        yield
    finally:
        with _lock:
            _off_depth -= 1
            if _off_depth == 0 and _was_enabled:
                if gc.get_freeze_count() == 0:
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()
