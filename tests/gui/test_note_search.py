"""Search notes window: type, see hits from the worker, open one in the chart by keyboard."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.services import notes, patients
from acuchart.ui.main_window import MainWindow
from acuchart.ui.note_search_dialog import NoteSearchDialog
from tests.conftest import make_draft
from tests.unit.test_body_map_service import new_visit
from tests.unit.test_note_service import charted_note


def write_note(database: Database, patient_id: int, days_ago: int, text: str) -> int:
    visit_id = new_visit(database, patient_id, days_ago)
    note = charted_note()
    note = dataclasses.replace(note, subjective=dataclasses.replace(note.subjective, text=text))
    notes.save_draft(database, visit_id, note)
    return visit_id


def searched(qtbot: QtBot, dialog: NoteSearchDialog, text: str) -> None:
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, text)
    qtbot.waitUntil(lambda: not dialog.timer.isActive() and not dialog.searching)


def test_typing_lists_matching_notes_and_enter_opens_the_visit_note(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    okafor = patients.create_patient(database, make_draft(family_name="Okafor"))
    muller = patients.create_patient(database, make_draft(family_name="Müller"))
    older = write_note(database, okafor.id, 9, "Gabapentin raised; drowsy mornings.")
    newer = write_note(database, muller.id, 2, "Gabapentin stopped by the GP.")
    write_note(database, muller.id, 1, "Walked to the market without pain.")

    window.search_notes_action.trigger()
    dialog = window.note_search
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    searched(qtbot, dialog, "gabap")
    assert [hit.visit_id for hit in dialog.model.hits] == [newer, older]
    assert str(dialog.model.index(0, 1).data()).startswith("Müller")
    assert "Gabapentin stopped" in str(dialog.model.index(0, 3).data())
    assert "2 notes found" in dialog.status.text()

    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)  # to the older note, Okafor's
    with qtbot.waitSignal(dialog.visit_chosen) as chosen:
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert chosen.args == [okafor.id, older]
    assert window.current is not None
    assert window.current.id == okafor.id
    assert window.chart is not None
    assert window.chart.tabs.currentWidget() is window.note_panel
    qtbot.waitUntil(lambda: window.note_panel.visit is not None)
    assert window.note_panel.visit is not None
    assert window.note_panel.visit.id == older


def test_no_hits_and_ranked_order_are_said_plainly(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    patient = patients.create_patient(database, make_draft())
    many = write_note(database, patient.id, 5, "Capsaicin, capsaicin, capsaicin cream.")
    few = write_note(database, patient.id, 3, "Capsaicin once." + " More text." * 40)
    window.open_note_search()
    dialog = window.note_search
    assert dialog is not None
    searched(qtbot, dialog, "zzzz")
    assert dialog.model.hits == []
    assert "No note contains" in dialog.status.text()
    searched(qtbot, dialog, "capsaicin")
    assert [hit.visit_id for hit in dialog.model.hits] == [few, many]  # newest first
    dialog.best_first.setChecked(True)
    qtbot.waitUntil(lambda: not dialog.searching)
    assert [hit.visit_id for hit in dialog.model.hits] == [many, few]
    dialog.search.clear()
    qtbot.waitUntil(lambda: not dialog.timer.isActive())
    assert dialog.model.hits == []
    assert "Type a word" in dialog.status.text()
