"""Run work off the GUI thread and deliver the result back on it.

One worker thread, as in Anki's task manager: database work stays ordered and
each job opens its own session inside the worker.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot


class TaskRunner(QObject):
    """``run(job, on_done, on_error)``: job runs in the worker, callbacks on the GUI thread."""

    _finished = Signal(int, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="acuchart-worker")
        self._callbacks: dict[
            int, tuple[Callable[[Any], None], Callable[[BaseException], None]]
        ] = {}
        self._ids = itertools.count(1)
        self._closed = False
        self._finished.connect(self._deliver)

    def run(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_done, on_error)

        def work() -> None:
            try:
                result = job()
            except BaseException as error:  # reported to the GUI, never lost in the worker
                self._finished.emit(task_id, None, error)
            else:
                self._finished.emit(task_id, result, None)

        if self._closed:
            # A timer firing while the window closes (an autosave): do the work here and now
            # rather than drop it; its callbacks run at once, on this thread.
            work()
            return
        self._executor.submit(work)

    @Slot(int, object, object)
    def _deliver(self, task_id: int, result: Any, error: BaseException | None) -> None:
        on_done, on_error = self._callbacks.pop(task_id)
        if error is not None:
            on_error(error)
        else:
            on_done(result)

    def wait_for_pending(self) -> None:
        """Block until every job submitted so far has run (results are still delivered later).

        A read done on the GUI thread after this sees every write queued before it.
        """
        if not self._closed:  # after shutdown every job has already run
            self._executor.submit(lambda: None).result()

    def shutdown(self) -> None:
        self._closed = True
        self._executor.shutdown(wait=True)
