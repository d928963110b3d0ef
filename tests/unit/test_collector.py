"""The collector pause around bulk reads always gives the collector back as it found it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from acuchart.collector import collector_paused


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    (gc.enable if was_enabled else gc.disable)()


def test_paused_inside_resumed_after_even_on_error_and_when_nested() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a damaged row")
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_blocks_overlapping_on_two_threads_resume_once_the_last_ends() -> None:
    gc.enable()
    inside = threading.Event()
    leave = threading.Event()

    def worker() -> None:
        with collector_paused():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    assert inside.wait(5)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the worker's read is still running
    leave.set()
    thread.join(5)
    assert gc.isenabled()
