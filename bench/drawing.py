"""Drawing figures, against one frame at 60 Hz: a body-map click, and a long chart's tabs.

Offscreen Qt paints into memory like a real window's backing store; ``repaint()``
paints at once, so a click's time is the handler and the whole repaint.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from acuchart.db.database import Database
from bench.measure import Figure, timed_ms
from bench.queries import longest_chart

FRAME_MS = 16.0


def settle() -> None:
    app = QApplication.instance()
    assert app is not None
    for _ in range(5):
        app.processEvents()


def click_figure(database: Database, connection: Any, runs: int) -> Figure:
    from acuchart.services.body_maps import load_body_map
    from acuchart.ui.bodymap.editor import BodyMapEditor

    patient_id = longest_chart(connection)
    latest = connection.execute(
        "SELECT id FROM visits WHERE patient_id = ? ORDER BY started_at DESC LIMIT 1",
        (patient_id,),
    ).fetchone()[0]
    editor = BodyMapEditor()
    editor.show_map(load_body_map(database, latest).body_map, changed=False)
    editor.resize(1100, 760)
    editor.show()
    settle()
    canvas = editor.canvas
    view = next(placed.view for placed in canvas.placed_views() if placed.view.is_foot)
    region = next(iter(view.regions.values()))
    inside = region.shape.representative_point()
    point = canvas.widget_point(view.id, (inside.x, inside.y)).toPoint()
    assert canvas.region_at(QPointF(point)) is not None

    def click() -> None:
        QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
        canvas.repaint()

    for _ in range(3):
        click()
    times = [timed_ms(click) for _ in range(runs * 2)]
    editor.close()
    editor.deleteLater()
    settle()
    return Figure(
        "body-map click → repaint",
        statistics.median(times),
        None,
        FRAME_MS,
        kind="ms",
        note=f"{len(times)} clicks on a map of {len(editor.body_map.marks)} marks",
    )


def chart_draw_figure(database: Database, connection: Any, runs: int) -> Figure:
    """The main window on the big database, a 200-visit chart open: each tab's repaint."""
    from acuchart.ui.main_window import MainWindow
    from acuchart.ui.settings import UiSettings

    patient_id = longest_chart(connection)
    with tempfile.TemporaryDirectory() as folder:
        window = MainWindow(UiSettings.at(Path(folder) / "workstation.ini"))
        window.resize(1280, 800)
        window.show()
        window.attach_database(database)
        window.show_patient(patient_id)
        settle()
        assert window.chart is not None
        tabs = window.chart.tabs
        worst: dict[str, float] = {}
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            window.tasks.wait_for_pending()
            settle()
            window.tasks.wait_for_pending()
            settle()
            worst[tabs.tabText(index)] = statistics.median(
                timed_ms(window.repaint) for _ in range(runs)
            )
        window.closed = True  # no closing backup of the big file
        window.backups.timer.stop()
        window.hide()
        window.deleteLater()
        settle()
    slowest = max(worst, key=lambda name: worst[name])
    return Figure(
        "draw the open 200-visit chart (slowest tab)",
        worst[slowest],
        None,
        FRAME_MS,
        kind="ms",
        note=f"slowest: {slowest}; "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in worst.items()),
        details={"tabs_ms": worst},
    )
