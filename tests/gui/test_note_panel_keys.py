"""The note panel from the keyboard: signing from any tab, a form that fits, focus in view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QLabel, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.services import notes, patients, visits
from acuchart.ui.notes.panel import NotePanel, SignDialog
from acuchart.ui.tasks import TaskRunner
from acuchart.visits import VisitDraft, VisitStatus, VisitSummary
from tests.conftest import make_draft


def two_visits(database: Database) -> list[VisitSummary]:
    patient = patients.create_patient(database, make_draft())
    for days_ago in (7, 0):
        when = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
        visits.create_visit(database, patient.id, VisitDraft(when, "Lena Decicco"))
    return visits.list_visits(database, patient.id)


@pytest.fixture
def tasks() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def panel(qtbot: QtBot, database: Database, tasks: TaskRunner) -> NotePanel:
    widget = NotePanel(database, tasks)
    qtbot.addWidget(widget)
    widget.resize(820, 700)  # the room the note gets in a 1280 px main window
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    widget.show_visits(two_visits(database))
    return widget


@pytest.fixture
def chart(qtbot: QtBot, database: Database, tasks: TaskRunner) -> tuple[QTabWidget, NotePanel]:
    """The panel as one tab among others, as in the chart, with another tab showing."""
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QLabel("Overview"), "Overview")
    panel = NotePanel(database, tasks)
    tabs.addTab(panel, "Note")
    body_map = QLabel("Body map")
    body_map.setObjectName("bodyMapStandIn")
    body_map.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    tabs.addTab(body_map, "Body map")
    tabs.resize(1000, 800)
    tabs.show()
    qtbot.waitExposed(tabs)
    tabs.activateWindow()
    qtbot.waitUntil(tabs.isActiveWindow)
    panel.show_visits(two_visits(database))
    tabs.setCurrentWidget(body_map)
    body_map.setFocus()
    return tabs, panel


def fully_in_view(panel: NotePanel, widget: QWidget) -> bool:
    viewport = panel.note_scroll.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    return top_left.y() >= 0 and top_left.y() + widget.height() <= viewport.height()


def sign_ready(panel: NotePanel) -> None:
    """Fill what signing requires: a needled point, and every needle counted out."""
    panel.editor.points.add_code("LI4")
    panel.editor.needles_in.setValue(1)
    panel.editor.needles_out.setValue(1)


# -- signing from anywhere ---------------------------------------------------------------


def test_sign_shortcut_works_from_another_tab(
    chart: tuple[QTabWidget, NotePanel], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    tabs, panel = chart
    asked: list[str] = []

    def answer(dialog: SignDialog) -> int:
        asked.append(dialog.signer.text())
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(SignDialog, "exec", answer)
    assert not panel.isVisible()
    qtbot.keyClick(
        tabs.currentWidget(),
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert asked == ["Lena Decicco"]  # the usual signing flow, for the note's visit
    assert tabs.currentWidget() is panel  # and the note is in front to be read first
    assert panel.visit is not None
    assert panel.visit.id == panel.visits[0].id

    qtbot.keyClick(
        panel.editor.chief_complaint,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert len(asked) == 2  # on the Note tab too: the button no longer competes for the keys


def test_sign_shortcut_signs_the_open_note(
    chart: tuple[QTabWidget, NotePanel], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    tabs, panel = chart
    tabs.setCurrentWidget(panel)
    sign_ready(panel)
    tabs.setCurrentIndex(2)
    monkeypatch.setattr(SignDialog, "exec", lambda _: QDialog.DialogCode.Accepted.value)
    with qtbot.waitSignal(panel.signed):
        qtbot.keyClick(
            tabs.currentWidget(),
            Qt.Key.Key_S,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert panel.visit is not None
    assert notes.load_note(panel.database, panel.visit.id).visit.status is VisitStatus.SIGNED
    assert not panel.sign_action.isEnabled()


# -- a signed note stays read-only -------------------------------------------------------


def test_a_signed_note_offers_no_protocols(panel: NotePanel, qtbot: QtBot) -> None:
    sign_ready(panel)
    panel.sign("Lena")
    editor = panel.editor
    assert editor.read_only
    protocols = editor.points.protocols
    assert not protocols.isEnabled()
    menu = protocols.menu()
    assert menu is not None
    assert menu.actions()
    for action in menu.actions():
        action.trigger()  # even when picked anyway, nothing is added
    panel.add_protocol("CIPN hands")
    panel.copy_last_visit()
    assert editor.points.codes() == ["LI4"]
    editor.points.table.selectRow(0)
    editor.points.table.setFocus()
    qtbot.keyClick(editor.points.table, Qt.Key.Key_Delete)
    assert editor.points.codes() == ["LI4"]
    for widget in (editor.points.search, editor.points.copy_last, editor.points.save_protocol):
        assert not widget.isEnabled()

    panel.open_visit(panel.visits[1].id)  # a draft: the protocols are back
    assert protocols.isEnabled()
    panel.add_protocol("CIPN hands")
    assert editor.points.codes() == ["LI4", "LI11", "PC7", "TE5", "EX-UE9"]


# -- the form fits, and the focus is in view ---------------------------------------------


def test_the_form_fits_a_1280_px_window(panel: NotePanel, qtbot: QtBot) -> None:
    assert panel.editor.minimumSizeHint().width() <= 780
    content = panel.note_scroll.widget()
    assert content is not None
    assert content.minimumSizeHint().width() <= 800
    qtbot.waitUntil(lambda: panel.note_scroll.horizontalScrollBar().maximum() == 0)
    editor = panel.editor
    for field in (editor.medication_changes, editor.ea_intensity, editor.needle_gauge):
        field.setFocus()
        qtbot.waitUntil(lambda f=field: fully_in_view(panel, f))  # type: ignore[misc]
        assert panel.note_scroll.horizontalScrollBar().value() == 0  # labels never cut off


def test_needle_boxes_say_what_they_hold(panel: NotePanel) -> None:
    gauge, length = panel.editor.needle_gauge.lineEdit(), panel.editor.needle_length.lineEdit()
    assert gauge is not None
    assert "gauge" in gauge.placeholderText()
    assert length is not None
    assert "length" in length.placeholderText()


def test_the_focused_field_is_scrolled_into_view(panel: NotePanel, qtbot: QtBot) -> None:
    editor = panel.editor
    assert not fully_in_view(panel, editor.next_visit)
    editor.next_visit.setFocus()  # by code or a click, not only by Tab
    qtbot.waitUntil(lambda: fully_in_view(panel, editor.next_visit))
    bar = panel.note_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())

    panel.open_visit(panel.visits[1].id)  # as the chart opens a note: focus on the complaint
    editor.chief_complaint.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: fully_in_view(panel, editor.chief_complaint))
