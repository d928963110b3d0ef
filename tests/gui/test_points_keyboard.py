"""The points editor driven by the keyboard alone: one Enter adds a point, Tab leaves the table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDoubleSpinBox, QWidget
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.services import patients, visits
from acuchart.ui.notes.editor import NoteEditor
from acuchart.ui.notes.panel import NotePanel
from acuchart.ui.notes.points_editor import PointsEditor
from acuchart.ui.style import apply_style
from acuchart.ui.tasks import TaskRunner
from acuchart.visits import VisitDraft
from tests.conftest import make_draft


@pytest.fixture
def editor(qtbot: QtBot, database: Database) -> Iterator[NoteEditor]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app)
    patient = patients.create_patient(database, make_draft())
    visits.create_visit(database, patient.id, VisitDraft(dt.datetime.now(dt.UTC), "Lena Decicco"))
    tasks = TaskRunner()
    panel = NotePanel(database, tasks)
    qtbot.addWidget(panel)
    panel.resize(1000, 800)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    panel.show_visits(visits.list_visits(database, patient.id))
    yield panel.editor
    panel.flush()  # the autosave must land before the task runner stops
    tasks.shutdown()


def add_by_typing(qtbot: QtBot, points: PointsEditor, typed: str) -> None:
    """Type a code and press Enter once, with the suggestion list left open."""
    points.search.setFocus()
    qtbot.waitUntil(points.search.hasFocus)
    qtbot.keyClicks(points.search, typed)
    qtbot.keyClick(points.search, Qt.Key.Key_Return)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def inside(widget: QWidget | None, container: QWidget) -> bool:
    return widget is not None and (widget is container or container.isAncestorOf(widget))


def press(qtbot: QtBot, key: Qt.Key) -> None:
    widget = focused()
    assert widget is not None
    qtbot.keyClick(widget, key)


def test_one_enter_adds_the_point_and_clears_the_search(editor: NoteEditor, qtbot: QtBot) -> None:
    points = editor.points
    add_by_typing(qtbot, points, "st36")
    assert points.codes() == ["ST36"]
    assert points.search.text() == ""
    add_by_typing(qtbot, points, "sp6")
    assert points.codes() == ["ST36", "SP6"]
    assert points.search.text() == ""


def test_enter_takes_the_highlighted_suggestion(editor: NoteEditor, qtbot: QtBot) -> None:
    points = editor.points
    points.search.setFocus()
    qtbot.keyClicks(points.search, "st3")
    popup = points.search.completer().popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    model = popup.model()
    second = model.index(1, 0)
    expected = str(second.data()).split(" ", 1)[0]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    assert popup.currentIndex().row() == 1
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert points.codes() == [expected]
    assert points.search.text() == ""
    assert not popup.isVisible()


def test_tab_leaves_the_points_table_and_shift_tab_returns(
    editor: NoteEditor, qtbot: QtBot
) -> None:
    points = editor.points
    add_by_typing(qtbot, points, "st36")
    add_by_typing(qtbot, points, "sp6")
    assert points.codes() == ["ST36", "SP6"]
    popup = points.search.completer().popup()
    assert popup is not None
    assert not popup.isVisible()

    for start in (points.search, points.table):
        start.setFocus()
        qtbot.waitUntil(start.hasFocus)
        for _ in range(8):
            press(qtbot, Qt.Key.Key_Tab)
            if not inside(focused(), points):
                break
        assert not inside(focused(), points), f"Tab from {start.objectName()} is trapped"
        assert focused() is editor.needle_gauge or inside(focused(), editor.needle_gauge)
        press(qtbot, Qt.Key.Key_Backtab)
        assert inside(focused(), points)
        for _ in range(8):
            if focused() is points.search:
                break
            press(qtbot, Qt.Key.Key_Backtab)
        assert focused() is points.search


def test_tab_from_a_cell_editor_leaves_the_table(editor: NoteEditor, qtbot: QtBot) -> None:
    points = editor.points
    add_by_typing(qtbot, points, "st36")
    add_by_typing(qtbot, points, "sp6")
    side = points.table.cellWidget(0, 1)
    assert isinstance(side, QComboBox)
    side.setFocus()
    qtbot.waitUntil(side.hasFocus)
    press(qtbot, Qt.Key.Key_Tab)
    assert not inside(focused(), points)


def test_columns_fit_their_editors_when_rows_are_typed_in(editor: NoteEditor, qtbot: QtBot) -> None:
    points = editor.points
    add_by_typing(qtbot, points, "st36")
    add_by_typing(qtbot, points, "sp6")
    qtbot.wait(50)
    header = points.table.horizontalHeader()
    typed = [header.sectionSize(column) for column in (1, 2, 3)]
    for column in (1, 2, 3):
        widget = points.table.cellWidget(0, column)
        assert isinstance(widget, QComboBox | QDoubleSpinBox)
        assert header.sectionSize(column) >= widget.sizeHint().width()
    points.set_points(points.points())
    qtbot.wait(50)
    assert [header.sectionSize(column) for column in (1, 2, 3)] == typed
