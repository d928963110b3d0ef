"""Charting a visit's note through the real widgets, saved to a real database file."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database, open_database
from acuchart.notes.model import NeedledPoint, Side
from acuchart.notes.scores import NrsItem, Pgic
from acuchart.patients import Precaution
from acuchart.services import notes, patients, visits
from acuchart.ui.notes.panel import NotePanel
from acuchart.ui.tasks import TaskRunner
from acuchart.visits import VisitDraft, VisitStatus
from tests.conftest import make_draft


@pytest.fixture
def panel(qtbot: QtBot, database: Database) -> Iterator[NotePanel]:
    patient = patients.create_patient(
        database, make_draft(precautions=frozenset({Precaution.PACEMAKER_OR_IMPLANT}))
    )
    for days_ago in (7, 0):
        when = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
        visits.create_visit(database, patient.id, VisitDraft(when, "Lena Decicco"))
    tasks = TaskRunner()
    widget = NotePanel(database, tasks)
    qtbot.addWidget(widget)
    widget.resize(1000, 800)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    widget.show_visits(visits.list_visits(database, patient.id))
    yield widget
    widget.flush()  # the last typing lands before the worker stops
    tasks.shutdown()


def saved_note(panel: NotePanel, qtbot: QtBot) -> notes.NoteState:
    qtbot.waitUntil(lambda: panel.is_saved, timeout=5000)
    assert panel.visit is not None
    return notes.load_note(panel.database, panel.visit.id)


def test_a_whole_visit_charted_with_the_keyboard(panel: NotePanel, qtbot: QtBot) -> None:
    editor = panel.editor
    editor.chief_complaint.setFocus()
    qtbot.keyClicks(editor.chief_complaint, "Burning soles, worse at night")
    qtbot.keyClick(editor.chief_complaint, Qt.Key.Key_Tab)
    assert editor.change_since_last.hasFocus()  # Tab moves on, in SOAP order
    qtbot.keyClicks(editor.change_since_last, "Sleeping better")
    for item, value in ((NrsItem.PAIN_NOW, "6"), (NrsItem.PAIN_AVERAGE, "7")):
        spin = editor.nrs[item]
        spin.lineEdit().selectAll()
        qtbot.keyClicks(spin, value)
    for typed in ("st36", "bafeng", "zusanli", "gv20"):
        qtbot.keyClicks(editor.points.search, typed)
        popup = editor.points.search.completer().popup()
        assert popup is not None
        popup.hide()  # Enter without choosing from the list takes the best match
        qtbot.keyClick(editor.points.search, Qt.Key.Key_Return)
    assert editor.points.codes() == ["ST36", "EX-LE10", "GV20"]  # a repeat is not added twice
    editor.ea_b.setCurrentIndex(editor.ea_b.findText("EX-LE10"))
    editor.ea_add.click()
    assert editor.pacemaker_warning.isVisible()  # the patient has a pacemaker flag
    for spin, value in ((editor.needles_in, "7"), (editor.needles_out, "7")):
        spin.lineEdit().selectAll()
        qtbot.keyClicks(spin, value)
    assert "All needles out" in editor.needle_state.text()
    editor.pgic.setCurrentIndex(editor.pgic.findData("2"))
    editor.pgic.activated.emit(editor.pgic.currentIndex())
    qtbot.keyClicks(editor.named_score, "DN4 = 5")
    qtbot.keyClick(editor.named_score, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.home_care, "Warm foot soaks")

    state = saved_note(panel, qtbot)
    note = state.note
    assert note.subjective.chief_complaint == "Burning soles, worse at night"
    assert note.subjective.nrs == {NrsItem.PAIN_NOW: 6, NrsItem.PAIN_AVERAGE: 7}
    assert note.plan.points[2] == NeedledPoint("GV20", Side.MIDLINE)
    assert [(p.point_a, p.point_b, p.frequency) for p in note.plan.electro] == [
        ("ST36", "EX-LE10", "2/100")
    ]
    assert note.outcomes.pgic is Pgic.MUCH_IMPROVED
    assert [s.display for s in note.outcomes.named] == ["DN4 = 5"]
    assert panel.state.text().startswith("Draft saved")

    panel.sign("Lena Decicco, L.Ac.")
    state = notes.load_note(panel.database, state.visit.id)
    assert state.visit.status is VisitStatus.SIGNED
    assert editor.read_only
    assert editor.chief_complaint.isReadOnly()
    assert not panel.sign_button.isEnabled()
    assert "verified" in panel.signature.text()
    qtbot.keyClicks(editor.chief_complaint, "changed")  # read-only: nothing changes
    assert editor.chief_complaint.text() == "Burning soles, worse at night"
    panel.addendum_text.setPlainText("SP6 needled too (left only).")
    panel.addendum_button.click()
    assert "SP6 needled too" in panel.addenda_list.text()
    assert (
        notes.load_note(panel.database, state.visit.id).addenda[0].author == "Lena Decicco, L.Ac."
    )


def test_signing_is_refused_while_needles_are_unaccounted_for(
    panel: NotePanel, qtbot: QtBot
) -> None:
    editor = panel.editor
    editor.points.add_code("LI4")
    editor.needles_in.setValue(4)
    editor.needles_out.setValue(3)
    assert "1 needle(s) not accounted for" in editor.needle_state.text()
    panel.sign("Lena")
    assert panel.error_box is not None
    assert "differ" in panel.error_box.text()
    assert panel.visit is not None
    assert notes.load_note(panel.database, panel.visit.id).visit.status is VisitStatus.DRAFT
    editor.needle_resolution.setText("Found in the couch cover, disposed of in sharps")
    editor.needle_resolution.textEdited.emit(editor.needle_resolution.text())
    panel.sign("Lena")
    assert editor.read_only


def test_copy_last_visit_and_protocols(panel: NotePanel, qtbot: QtBot) -> None:
    older = panel.visits[1].id
    panel.open_visit(older)
    panel.add_protocol("CIPN hands")
    assert panel.editor.points.codes() == ["LI4", "LI11", "PC7", "TE5", "EX-UE9"]
    panel.editor.retention.setValue(25)
    saved_note(panel, qtbot)
    panel.open_visit(panel.visits[0].id)
    assert panel.editor.points.codes() == []
    panel.editor.points.copy_last.click()
    assert panel.editor.points.codes() == ["LI4", "LI11", "PC7", "TE5", "EX-UE9"]
    assert panel.editor.retention.value_or_none() == 25
    assert saved_note(panel, qtbot).note.plan.retention_minutes == 25


def test_switching_visits_right_after_typing_keeps_the_words(
    panel: NotePanel, qtbot: QtBot
) -> None:
    first = panel.visits[0].id
    qtbot.keyClicks(panel.editor.subjective_text, "typed just now")
    panel.open_visit(panel.visits[1].id)  # before the autosave timer fired
    assert notes.load_note(panel.database, first).note.subjective.text == "typed just now"


CHILD = textwrap.dedent(
    """
    import sys, time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from PySide6.QtTest import QTest
    from acuchart.db.database import open_database
    from acuchart.ui.notes.panel import NotePanel
    from acuchart.ui.tasks import TaskRunner
    from acuchart.services.visits import list_visits

    app = QApplication([])
    database = open_database(sys.argv[1])
    panel = NotePanel(database, TaskRunner())
    panel.show()
    panel.show_visits(list_visits(database, int(sys.argv[2])))
    box = panel.editor.subjective_text
    box.setFocus()
    typed = ""

    def type_more():
        global typed
        word = f"word{len(typed.split()):03d} "
        QTest.keyClicks(box, word)
        typed += word
        print(f"TYPED {len(typed)} {time.monotonic():.3f}", flush=True)
        QTimer.singleShot(100, type_more)

    QTimer.singleShot(0, type_more)
    app.exec()
    """
)


def test_a_killed_app_loses_at_most_two_seconds_of_typing(
    database: Database, db_path: Path, tmp_path: Path
) -> None:
    patient = patients.create_patient(database, make_draft())
    visit = visits.create_visit(database, patient.id, VisitDraft(dt.datetime.now(dt.UTC), "L"))
    database.close()
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, str(script), str(db_path), str(patient.id)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert child.stdout is not None
    typed_at: list[tuple[int, float]] = []
    for line in child.stdout:
        _, length, when = line.split()
        typed_at.append((int(length), float(when)))
        if typed_at[-1][1] - typed_at[0][1] > 6:
            break
    child.send_signal(signal.SIGKILL)  # mid-typing, no chance to save anything more
    child.wait(timeout=30)
    child.stdout.close()
    killed_at = typed_at[-1][1]
    reopened = open_database(str(db_path))
    try:
        kept = notes.load_note(reopened, visit.id).note.subjective.text
    finally:
        reopened.close()
    typed_two_seconds_before = max(length for length, when in typed_at if when <= killed_at - 2)
    assert len(kept) + 1 >= typed_two_seconds_before  # (the saved text is trimmed)
    assert kept.startswith("word000 word001")


def test_enter_in_the_diagnosis_box_adds_the_best_code(panel: NotePanel, qtbot: QtBot) -> None:
    search = panel.editor.diagnosis_search
    qtbot.keyClicks(search, "drug induced polyneuropathy")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.editor.diagnoses.count() == 1, timeout=20000)
    assert search.text() == ""
    note = saved_note(panel, qtbot).note
    assert [d.code for d in note.assessment.diagnoses] == ["G62.0"]
