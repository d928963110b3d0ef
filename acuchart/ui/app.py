"""Starting the GUI: check the platform, show the window, then open the database.

The window decides what opening needs (``MainWindow.start``): setting up a new
encrypted chart, signing in, or nothing for a chart without accounts (the demo).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from acuchart.locations import APP_NAME, config_dir
from acuchart.ui.qt_platform import platform_problem

if TYPE_CHECKING:
    from types import TracebackType

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QWidget


def run_gui(location: str) -> int:
    problem = platform_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 3
    from acuchart.collector import end_of_start, pause_for_start

    pause_for_start()  # until the list is on screen (MainWindow), or a sign-in takes long
    from PySide6.QtWidgets import QApplication

    from acuchart.ui.feature_scan import skip_scan_of_qt_free_modules

    skip_scan_of_qt_free_modules()
    from acuchart.ui.main_window import MainWindow
    from acuchart.ui.settings import UiSettings
    from acuchart.ui.style import apply_style

    app = QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    apply_style(app)
    window = MainWindow(UiSettings.at(config_dir() / "workstation.ini"))
    sys.excepthook = lambda kind, error, trace: report_unexpected_error(window, error, trace)
    from acuchart.ui.startup_probe import install_if_asked

    probe = install_if_asked(app, window)  # noqa: F841 (kept alive while the app runs)
    window.show()
    # Opening starts once the window is on screen: the worker's imports (SQLAlchemy, the
    # models) would otherwise hold the interpreter while the first frame is drawn.
    # (A window that never paints, minimised at start, opens the chart after half a second.)
    from PySide6.QtCore import QTimer

    from acuchart.ui.main_window import FirstPaint

    started: list[bool] = []

    def start_once() -> None:
        if not started:
            started.append(True)
            window.start(location)

    shown = FirstPaint(window.status_placeholder, window)
    shown.painted.connect(start_once)
    QTimer.singleShot(500, start_once)
    QTimer.singleShot(15_000, end_of_start)
    status = app.exec()
    dispose_while_app_lives(app, window)
    return status


def report_unexpected_error(
    parent: QWidget, error: BaseException, trace: TracebackType | None
) -> None:
    """An error no screen expected (disk full, file removed): say so instead of going quiet.

    Every write is one transaction, so what was saved before stays saved.
    """
    import traceback

    from PySide6.QtWidgets import QMessageBox

    traceback.print_exception(type(error), error, trace, file=sys.stderr)
    QMessageBox.critical(
        parent,
        "AcuChart",
        f"Something went wrong: {error}\n\nWhat was saved before is kept. If this repeats, "
        "check the disk and run `acuchart check`.",
    )


def dispose_while_app_lives(app: QCoreApplication, window: QWidget) -> None:
    """Delete the window before the application object: the other order crashes at exit."""
    from PySide6.QtCore import QEvent

    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
