"""`acuchart screenshot OUT.png`: the main window with a chart open, rendered offscreen."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

SCREENSHOT_SIZE = (1360, 820)


def save_main_window_screenshot(location: str, output: str, tab: str | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from acuchart.db.database import open_database
    from acuchart.db.errors import DatabaseOpenError
    from acuchart.ui.app import dispose_while_app_lives
    from acuchart.ui.main_window import MainWindow
    from acuchart.ui.settings import UiSettings
    from acuchart.ui.style import apply_style

    try:
        database = open_database(location)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    apply_style(app)
    with tempfile.TemporaryDirectory() as scratch:
        # A throwaway settings file: the picture must not depend on, or change, this desk's layout.
        window = MainWindow(UiSettings.at(Path(scratch) / "screenshot.ini"))
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        window.attach_database(database)
        _select_showcase_patient(window)
        if tab is not None and not _show_chart_tab(window, tab):
            print(f"No chart tab is called {tab!r}", file=sys.stderr)
            return 2
        _settle(app)
        picture = window.grab()
        window.close()
        dispose_while_app_lives(app, window)
        del window
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    if not picture.save(output):
        print(f"Could not write the picture to {output}", file=sys.stderr)
        return 1
    print(f"Saved {output}")
    return 0


def _show_chart_tab(window: object, title: str) -> bool:
    from acuchart.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    if window.chart is None:
        return False
    tabs = window.chart.tabs
    for index in range(tabs.count()):
        if tabs.tabText(index).replace("&", "").casefold() == title.casefold():
            tabs.setCurrentIndex(index)
            return True
    return False


def _settle(app: object) -> None:
    """Let tabs that load in a worker (scores, progress) finish before the picture."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(1500, loop.quit)
    loop.exec()


def _select_showcase_patient(window: object) -> None:
    """Open the chart with the most to show: visits and precaution badges."""
    from acuchart.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    assert window.list_panel is not None
    model = window.list_panel.model
    best, best_score = None, -1
    for row in range(model.rowCount()):
        patient_id = model.patient_id_at(row)
        assert patient_id is not None
        window.show_patient(patient_id)
        record = window.current
        if record is not None:
            score = min(record.visit_count, 8) + 2 * len(record.precautions)
            if score > best_score:
                best, best_score = patient_id, score
    if best is not None:
        window.list_panel.select_patient(best)
        window.show_patient(best)
