"""Undo and redo on the body map by keyboard: every key sequence bound once, so none is
ambiguous (Qt fires neither of two shortcuts on the same keys)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from pytestqt.qtbot import QtBot

from acuchart.bodymap.geometry import get_view
from acuchart.bodymap.symptoms import Symptom
from acuchart.db.database import Database
from acuchart.services import patients, visits
from acuchart.ui.bodymap.canvas import BodyMapCanvas
from acuchart.ui.bodymap.editor import unique_sequences
from acuchart.ui.bodymap.panel import BodyMapPanel
from acuchart.ui.tasks import TaskRunner
from acuchart.visits import VisitDraft
from tests.conftest import make_draft

SOLE = "left_foot.plantar"
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
_platform_bindings = QKeySequence.keyBindings


def centre_of(canvas: BodyMapCanvas, view_id: str, region_id: str) -> QPoint:
    inside = get_view(view_id).regions[region_id].shape.representative_point()
    return canvas.widget_point(view_id, (inside.x, inside.y)).toPoint()


@pytest.fixture
def make_panel(qtbot: QtBot, database: Database) -> Iterator[Callable[[], BodyMapPanel]]:
    patient = patients.create_patient(database, make_draft())
    visits.create_visit(database, patient.id, VisitDraft(dt.datetime.now(dt.UTC), "Lena Decicco"))
    runners: list[TaskRunner] = []

    def make() -> BodyMapPanel:
        tasks = TaskRunner()
        runners.append(tasks)
        widget = BodyMapPanel(database, tasks)
        qtbot.addWidget(widget)
        widget.resize(1100, 760)
        widget.show()
        qtbot.waitExposed(widget)
        widget.activateWindow()
        qtbot.waitUntil(widget.isActiveWindow)
        widget.show_visits(visits.list_visits(database, patient.id))
        return widget

    yield make
    for tasks in runners:
        tasks.shutdown()


def bound_keys(panel: BodyMapPanel) -> list[str]:
    return [
        shortcut.key().toString(QKeySequence.SequenceFormat.PortableText)
        for shortcut in panel.editor.findChildren(QShortcut)
    ]


def mark_undo_redo(panel: BodyMapPanel, qtbot: QtBot) -> None:
    editor, canvas = panel.editor, panel.editor.canvas
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre_of(canvas, SOLE, "heel"))
    assert editor.body_map.marks_in(SOLE, "heel") == {Symptom.BURNING: 5}
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL)
    assert editor.body_map.marks_in(SOLE, "heel") == {}
    qtbot.keyClick(canvas, Qt.Key.Key_Z, CTRL | SHIFT)
    assert editor.body_map.marks_in(SOLE, "heel") == {Symptom.BURNING: 5}


def test_ctrl_z_undoes_and_ctrl_shift_z_redoes_a_mark(
    make_panel: Callable[[], BodyMapPanel], qtbot: QtBot
) -> None:
    panel = make_panel()
    keys = bound_keys(panel)
    assert len(keys) == len(set(keys)), [k for k, n in Counter(keys).items() if n > 1]
    assert {"Ctrl+Z", "Ctrl+Shift+Z"} <= set(keys)
    mark_undo_redo(panel, qtbot)
    if "Ctrl+Y" in keys:  # where the platform redoes with Ctrl+Y, so does the map
        qtbot.keyClick(panel.editor.canvas, Qt.Key.Key_Z, CTRL)
        assert panel.editor.body_map.marks_in(SOLE, "heel") == {}
        qtbot.keyClick(panel.editor.canvas, Qt.Key.Key_Y, CTRL)
        assert panel.editor.body_map.marks_in(SOLE, "heel") == {Symptom.BURNING: 5}


@pytest.mark.parametrize(
    "redo_bindings",
    [
        ["Ctrl+Shift+Z"],  # X11 desktops (KDE, GNOME) and macOS: the clash that was reported
        ["Ctrl+Y", "Ctrl+Shift+Z"],
        ["Ctrl+Y", "Shift+Alt+Backspace"],  # Windows
    ],
)
def test_redo_works_whatever_keys_the_platform_uses_for_it(
    make_panel: Callable[[], BodyMapPanel],
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    redo_bindings: list[str],
) -> None:
    def bindings(key: QKeySequence.StandardKey) -> list[QKeySequence]:
        if key == QKeySequence.StandardKey.Redo:
            return [QKeySequence(text) for text in redo_bindings]
        return _platform_bindings(key)

    monkeypatch.setattr(QKeySequence, "keyBindings", staticmethod(bindings))
    panel = make_panel()
    keys = bound_keys(panel)
    assert len(keys) == len(set(keys)), [k for k, n in Counter(keys).items() if n > 1]
    portable = QKeySequence.SequenceFormat.PortableText
    assert {QKeySequence(text).toString(portable) for text in redo_bindings} <= set(keys)
    mark_undo_redo(panel, qtbot)


def test_unique_sequences_keeps_the_first_of_each() -> None:
    sequences = [QKeySequence(text) for text in ("Ctrl+Shift+Z", "Ctrl+Y", "", "Ctrl+Shift+Z")]
    assert [s.toString() for s in unique_sequences(sequences)] == ["Ctrl+Shift+Z", "Ctrl+Y"]
