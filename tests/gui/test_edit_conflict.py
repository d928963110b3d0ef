"""Two windows on one draft: the second save is refused with a clear message, nothing lost."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.services import notes, patients, visits
from acuchart.ui.notes.panel import NotePanel
from acuchart.ui.tasks import TaskRunner
from acuchart.visits import VisitDraft
from tests.conftest import make_draft


def has_visit(panel: NotePanel) -> bool:
    return panel.visit is not None


@pytest.fixture
def two_panels(qtbot: QtBot, database: Database) -> Iterator[tuple[NotePanel, NotePanel]]:
    patient = patients.create_patient(database, make_draft())
    when = dt.datetime.now(dt.UTC)
    visits.create_visit(database, patient.id, VisitDraft(when, "Lena Decicco"))
    listed = visits.list_visits(database, patient.id)
    runners = [TaskRunner(), TaskRunner()]
    panels = []
    for tasks in runners:
        panel = NotePanel(database, tasks)
        qtbot.addWidget(panel)
        panel.resize(1000, 700)
        panel.show()
        panel.show_visits(listed)
        panels.append(panel)
    for panel in panels:
        qtbot.waitUntil(functools.partial(has_visit, panel))
    yield panels[0], panels[1]
    for panel, tasks in zip(panels, runners, strict=True):
        panel._idle.stop()
        panel._longest.stop()
        tasks.shutdown()


def test_the_second_window_cannot_save_over_the_first(
    qtbot: QtBot, database: Database, two_panels: tuple[NotePanel, NotePanel]
) -> None:
    first, second = two_panels
    first.editor.chief_complaint.set_text("Burning soles")
    first.editor.edited.emit()
    first.flush()
    qtbot.waitUntil(lambda: first.is_saved)
    first.editor.chief_complaint.set_text("Burning soles, worse at night")
    first.editor.edited.emit()
    first.flush()
    qtbot.waitUntil(lambda: first.is_saved)  # two saves in a row from one window are fine
    assert first.visit is not None
    second.editor.chief_complaint.set_text("Numb toes")
    second.editor.edited.emit()
    second.flush()
    qtbot.waitUntil(lambda: "changed elsewhere" in second.state.text())
    assert second.error_box is not None
    assert "another window or workstation" in second.error_box.text()
    stored = notes.load_note(database, first.visit.id).note
    assert stored.subjective.chief_complaint == "Burning soles, worse at night"
    assert second.editor.chief_complaint.text() == "Numb toes"  # the typing is kept
    second.editor.edited.emit()
    second.flush()  # no further saves over their text
    assert notes.load_note(database, first.visit.id).note.subjective.chief_complaint == (
        "Burning soles, worse at night"
    )
