"""The collector pause around bulk reads always gives the collector back as it found it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from acuchart.collector import collector_paused, end_of_start, pause_for_start


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


def test_a_start_runs_without_the_collector_and_then_freezes_what_it_made() -> None:
    gc.enable()
    try:
        pause_for_start()
        made_at_start = [object() for _ in range(3)]
        assert not gc.isenabled()
        with collector_paused():  # a bulk read while the start is still under way
            end_of_start()
            assert not gc.isenabled()  # resumes when the read ends
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        assert made_at_start
        end_of_start()  # a second call (the fallback timer) changes nothing
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_ending_a_start_that_never_paused_leaves_the_collector_alone() -> None:
    gc.disable()
    end_of_start()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0
