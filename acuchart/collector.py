"""Pausing Python's cyclic garbage collector while a bulk read builds many small objects.

Reading a long course builds about a hundred thousand tuples and dicts (marks, findings,
notes) that all outlive the read. Every few hundred of them the collector walks the young
ones again, and now and then every object the app holds: measured on a 360-visit course,
a third of the read's time, finding nothing (none of it is garbage in a cycle). Paused, the
first collection after the read walks the new objects once.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block; nests, and is safe from several threads
    (the collector resumes when the last block ends, if it was running before the first)."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()


_start_paused = False


def pause_for_start() -> None:
    """A start builds some 300,000 objects that live as long as the app (modules, Qt's
    wrappers, the database layer's tables and mappers); the collector walked them again
    and again: 50 ms of a 520 ms start to the patient list, measured. Off until
    ``end_of_start``."""
    global _start_paused
    with _lock:
        if gc.isenabled():
            gc.disable()
            _start_paused = True


def end_of_start() -> None:
    """The list is on screen: what the start made is frozen (later collections never walk
    it again, which also spares every report and chart after) and the collector resumes.
    Safe to call more than once, and without ``pause_for_start``."""
    global _start_paused, _resume
    with _lock:
        if not _start_paused:
            return
        _start_paused = False
        gc.freeze()
        if _depth:
            _resume = True  # a bulk read is running: the collector resumes when it ends
        else:
            gc.enable()
