"""Timing a start: when the window first paints and when the patient list is ready.

Set ``ACUCHART_STARTUP_PROBE`` to a file path and AcuChart appends one JSON line
per moment (``painted``, then ``ready``: the list shown, searchable, then
``settled``: a second later, the chart's tabs built) with the wall clock and the
process's peak memory, and then ends the process at once (no closing backup:
nothing has been written). The
benchmarks use it to time cold starts against a bare Qt window; a practitioner's
support contact can use it to see where a slow start goes.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from acuchart.ui.main_window import MainWindow

PROBE_ENV = "ACUCHART_STARTUP_PROBE"
SETTLE_MS = 1000


def peak_memory_bytes() -> int:
    """This process's peak resident memory (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def write_moment(path: str, moment: str) -> None:
    line = {"moment": moment, "time": time.time(), "peak_memory": peak_memory_bytes()}
    with open(path, "a", encoding="utf-8") as probe_file:
        probe_file.write(json.dumps(line) + "\n")


class StartupProbe(QObject):
    """Watches paint events application-wide; never changes what the window does."""

    def __init__(self, app: QApplication, window: MainWindow, path: str) -> None:
        super().__init__(app)
        self.window = window
        self.path = path
        self.painted = False
        self.ready = False
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
            if not self.painted and watched.window() is self.window:
                self.painted = True
                write_moment(self.path, "painted")
            panel = self.window.list_panel
            in_list = panel is not None and (watched is panel or panel.isAncestorOf(watched))
            if in_list and not self.ready:
                self.ready = True
                write_moment(self.path, "ready")
                QTimer.singleShot(SETTLE_MS, self._settled)
        return False

    def _settled(self) -> None:
        write_moment(self.path, "settled")
        os._exit(0)


def install_if_asked(app: QApplication, window: MainWindow) -> StartupProbe | None:
    path = os.environ.get(PROBE_ENV, "")
    return StartupProbe(app, window, path) if path else None
