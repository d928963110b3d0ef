"""Guards against a Qt binding release that corrupts Python's reference counts.

PySide6 6.12.0 dropped a reference to None on every QSettings.setValue call and
on QComboBox.currentData for None data; after enough calls Python aborts at
exit. pyproject.toml excludes that release; this test catches a repeat.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

CALLS = 500


def test_settings_writes_keep_reference_counts(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "probe.ini"), QSettings.Format.IniFormat)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        settings.setValue("probe", False)
    assert sys.getrefcount(None) - before > -CALLS // 2


def test_combo_box_data_keeps_reference_counts(qtbot: QtBot) -> None:
    combo = QComboBox()
    qtbot.addWidget(combo)
    combo.addItem("Not recorded", None)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        combo.currentData()
    assert sys.getrefcount(None) - before > -CALLS // 2


def test_work_queued_after_shutdown_still_runs_and_reports(qtbot: QtBot) -> None:
    """An autosave timer firing while the window closes must not be lost or crash."""
    from acuchart.ui.tasks import TaskRunner

    tasks = TaskRunner()
    tasks.shutdown()
    done: list[object] = []
    failed: list[BaseException] = []
    tasks.run(lambda: 42, done.append, failed.append)
    tasks.run(lambda: 1 / 0, done.append, failed.append)
    tasks.wait_for_pending()
    qtbot.waitUntil(lambda: len(done) + len(failed) == 2)
    assert done == [42]
    assert isinstance(failed[0], ZeroDivisionError)
