"""The audit viewer over a real database: entries from real actions, filtered, sorted and
paged by the database, exported, and the chain verified before and after tampering."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from acuchart.audit import PAGE_SIZE, AuditAction, AuditQuery, AuditSort
from acuchart.db import sqlite as sqlite_support
from acuchart.db.database import Database
from acuchart.services import audit, notes, patients, visits
from acuchart.services.audit import CSV_HEADER
from acuchart.ui import file_dialogs
from acuchart.ui.audit_viewer import ACTION, ACTION_LABELS, PATIENT, AuditViewer
from acuchart.ui.tasks import TaskRunner
from acuchart.visits import VisitDraft
from tests.conftest import make_draft
from tests.unit.test_note_service import charted_note

Viewer = Callable[[], AuditViewer]


@pytest.fixture
def open_viewer(qtbot: QtBot, database: Database) -> Iterator[Viewer]:
    runners: list[TaskRunner] = []

    def make() -> AuditViewer:
        tasks = TaskRunner()
        runners.append(tasks)
        viewer = AuditViewer(database, tasks)
        qtbot.addWidget(viewer)
        viewer.show()
        qtbot.waitExposed(viewer)
        qtbot.waitUntil(lambda: not viewer.loading)
        return viewer

    yield make
    for tasks in runners:
        tasks.shutdown()


def charted_patient(database: Database, family_name: str = "Okafor") -> int:
    """A patient with a signed visit, a draft visit and a chart view: six entries."""
    patient_id = patients.create_patient(database, make_draft(family_name=family_name)).id
    when = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    signed = visits.create_visit(database, patient_id, VisitDraft(when, "Lena Decicco")).id
    notes.save_draft(database, signed, charted_note())
    notes.sign_note(database, signed, "Lena Decicco")
    visits.create_visit(database, patient_id, VisitDraft(when, "Lena Decicco"))
    audit.record_now(
        database, AuditAction.VIEW_CHART, patient_id=patient_id, object=f"patient {patient_id}"
    )
    return patient_id


def column(viewer: AuditViewer, number: int) -> list[str]:
    model = viewer.model
    return [model.index(row, number).data() for row in range(model.rowCount())]


def all_entries(database: Database) -> int:
    return audit.list_audit(database, AuditQuery(limit=0)).total


def settled(viewer: AuditViewer) -> Callable[[], bool]:
    """True once the filters' query has been answered (text filters wait 200 ms)."""
    return lambda: viewer.model.query == viewer.filtered_query() and not viewer.loading


def click_header(qtbot: QtBot, viewer: AuditViewer, section: int) -> None:
    header = viewer.table.horizontalHeader()
    where = QPoint(header.sectionViewportPosition(section) + 20, header.height() // 2)
    viewport = header.viewport()
    assert isinstance(viewport, QWidget)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=where)


def test_entries_of_real_actions_are_listed_with_patient_names(
    qtbot: QtBot, database: Database, open_viewer: Viewer, qtmodeltester: ModelTester
) -> None:
    first = charted_patient(database)
    gone = patients.create_patient(database, make_draft(family_name="Brennan")).id
    patients.delete_patient(database, gone)
    viewer = open_viewer()
    qtmodeltester.check(viewer.model)
    total = all_entries(database)
    assert viewer.model.rowCount() == viewer.model.total == total
    assert viewer.position.text() == f"Entries 1–{total} of {total}"
    actions = column(viewer, ACTION)
    assert actions[0] == ACTION_LABELS[AuditAction.DELETE]  # newest first
    assert {"Created", "Changed", "Signed", "Viewed chart"} <= set(actions)
    shown = set(column(viewer, PATIENT))
    assert f"patient {first} · Okafor, Nkechi" in shown
    assert f"patient {gone} (deleted)" in shown
    assert not viewer.next_button.isEnabled()
    assert not viewer.previous_button.isEnabled()
    assert viewer.table.editTriggers() == viewer.table.EditTrigger.NoEditTriggers

    viewer.table.setFocus()
    viewer.table.selectRow(0)
    qtbot.keyClick(viewer.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    clipboard = QApplication.clipboard()
    assert clipboard is not None
    lines = clipboard.text().splitlines()
    assert lines[0].split("\t")[:3] == ["When", "Account", "Action"]
    assert lines[1].split("\t")[2:4] == ["Deleted", f"patient {gone} (deleted)"]


def test_filters_by_action_patient_and_date_narrow_the_rows_and_the_total(
    qtbot: QtBot, database: Database, open_viewer: Viewer
) -> None:
    first = charted_patient(database)
    charted_patient(database, "Haddad")
    viewer = open_viewer()
    everything = viewer.model.total
    assert everything == all_entries(database)

    viewer.action.setCurrentIndex(viewer.action.findData(AuditAction.SIGN.value))
    qtbot.waitUntil(settled(viewer))
    assert viewer.model.query.action is AuditAction.SIGN
    assert viewer.model.total == viewer.model.rowCount() == 2
    assert set(column(viewer, ACTION)) == {"Signed"}

    qtbot.keyClicks(viewer.patient, str(first))
    qtbot.waitUntil(settled(viewer))
    assert viewer.model.query.patient_id == first
    assert viewer.model.total == viewer.model.rowCount() == 1
    assert column(viewer, PATIENT) == [f"patient {first} · Okafor, Nkechi"]

    viewer.action.setCurrentIndex(0)
    qtbot.waitUntil(settled(viewer))
    assert 1 < viewer.model.total < everything
    assert set(column(viewer, PATIENT)) == {f"patient {first} · Okafor, Nkechi"}

    viewer.patient.setText("999")
    qtbot.waitUntil(settled(viewer))
    assert viewer.model.total == 0
    assert viewer.stack.currentWidget() is viewer.empty
    assert viewer.empty.text() == "No entries match."

    viewer.clear_filters()
    qtbot.waitUntil(settled(viewer))
    assert viewer.model.total == everything
    assert viewer.stack.currentWidget() is viewer.table

    viewer.since.setDate(QDate.currentDate().addDays(1))
    viewer.use_since.setChecked(True)
    qtbot.waitUntil(settled(viewer))
    assert viewer.model.total == 0
    viewer.since.setDate(QDate.currentDate().addDays(-1))
    qtbot.waitUntil(settled(viewer))
    assert viewer.model.total == everything


def test_a_header_click_sorts_in_the_database_and_a_second_click_reverses(
    qtbot: QtBot, database: Database, open_viewer: Viewer
) -> None:
    charted_patient(database)
    viewer = open_viewer()
    present = sorted({str(row.action) for row in audit.list_audit(database, AuditQuery()).rows})
    assert viewer.model.query == AuditQuery()  # newest first
    newest_first = column(viewer, ACTION)[0]

    click_header(qtbot, viewer, ACTION)
    qtbot.waitUntil(lambda: viewer.model.query.sort is AuditSort.ACTION and not viewer.loading)
    assert not viewer.model.query.descending
    ascending = column(viewer, ACTION)
    assert ascending[0] == ACTION_LABELS[AuditAction(present[0])]
    assert ascending[0] != newest_first

    click_header(qtbot, viewer, ACTION)
    qtbot.waitUntil(lambda: viewer.model.query.descending and not viewer.loading)
    assert viewer.model.query.sort is AuditSort.ACTION
    descending = column(viewer, ACTION)
    assert descending[0] == ACTION_LABELS[AuditAction(present[-1])]
    assert descending == list(reversed(ascending))  # the same rows: ties go by id both ways


def test_pages_move_through_more_entries_than_one_page(
    qtbot: QtBot, database: Database, open_viewer: Viewer
) -> None:
    patient_id = patients.create_patient(database, make_draft()).id
    for _ in range(250):
        audit.record_now(database, AuditAction.VIEW_CHART, patient_id=patient_id, object="chart")
    total = all_entries(database)
    viewer = open_viewer()
    assert viewer.model.rowCount() == PAGE_SIZE
    assert viewer.position.text() == f"Entries 1–{PAGE_SIZE} of {total}"
    assert viewer.next_button.isEnabled()
    assert not viewer.previous_button.isEnabled()
    first_page = column(viewer, ACTION)

    viewer.next_button.click()
    qtbot.waitUntil(lambda: viewer.model.query.offset == PAGE_SIZE and not viewer.loading)
    assert viewer.model.rowCount() == total - PAGE_SIZE
    assert viewer.position.text() == f"Entries {PAGE_SIZE + 1}–{total} of {total}"
    assert column(viewer, ACTION)[-1] == "Created"  # the oldest entry: the patient
    assert not viewer.next_button.isEnabled()

    viewer.previous_button.click()
    qtbot.waitUntil(lambda: viewer.model.query.offset == 0 and not viewer.loading)
    assert column(viewer, ACTION) == first_page


def test_export_writes_every_matching_entry_not_just_the_page(
    qtbot: QtBot,
    database: Database,
    open_viewer: Viewer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patient_id = charted_patient(database)
    for _ in range(PAGE_SIZE + 5):
        audit.record_now(database, AuditAction.VIEW_CHART, patient_id=patient_id, object="chart")
    target = tmp_path / "exports" / "audit.csv"
    monkeypatch.setattr(file_dialogs, "ask_save_path", lambda *args: str(target))
    viewer = open_viewer()
    viewer.action.setCurrentIndex(viewer.action.findData(AuditAction.VIEW_CHART.value))
    qtbot.waitUntil(settled(viewer))
    matching = viewer.model.total
    assert matching == PAGE_SIZE + 6 > viewer.model.rowCount()

    viewer.export_button.click()
    qtbot.waitUntil(lambda: "Exported" in viewer.message.text())
    assert viewer.message.text() == f"Exported {matching} entries to {target}."
    with target.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert tuple(rows[0]) == CSV_HEADER
    assert len(rows) - 1 == matching
    assert {row[3] for row in rows[1:]} == {AuditAction.VIEW_CHART.value}
    viewer.action.setCurrentIndex(viewer.action.findData(AuditAction.EXPORT.value))
    qtbot.waitUntil(settled(viewer))
    assert viewer.model.total == 1  # the export itself is recorded


def test_export_cancelled_writes_nothing(
    database: Database, open_viewer: Viewer, monkeypatch: pytest.MonkeyPatch
) -> None:
    charted_patient(database)
    monkeypatch.setattr(file_dialogs, "ask_save_path", lambda *args: "")
    viewer = open_viewer()
    before = all_entries(database)
    viewer.export_button.click()
    assert viewer.message.text() == ""
    assert all_entries(database) == before


def test_verify_reports_an_intact_chain_then_the_edited_entry(
    qtbot: QtBot, database: Database, db_path: Path, open_viewer: Viewer
) -> None:
    charted_patient(database)
    total = all_entries(database)
    viewer = open_viewer()
    viewer.verify_button.click()
    qtbot.waitUntil(lambda: viewer.verify_button.isEnabled())
    assert viewer.verify_result.text() == f"Chain intact: {total} entries"

    # What someone with the file and an SQLite shell could do: drop the triggers, then edit.
    with sqlite3.connect(db_path) as raw:
        for name in sqlite_support.AUDIT_LOG_TRIGGERS:
            raw.execute(f"DROP TRIGGER {name}")
        raw.execute("UPDATE audit_log SET detail = 'nothing to see' WHERE id = 2")
    raw.close()
    viewer.verify_button.click()
    qtbot.waitUntil(lambda: viewer.verify_button.isEnabled())
    assert "not intact" in viewer.verify_result.text()
    assert "entry 2 was changed after it was written" in viewer.verify_result.text()
    assert "#b3261e" in viewer.verify_result.styleSheet()


def test_verify_reports_entries_removed_from_the_end(
    qtbot: QtBot, database: Database, db_path: Path, open_viewer: Viewer
) -> None:
    charted_patient(database)
    total = all_entries(database)
    viewer = open_viewer()
    with sqlite3.connect(db_path) as raw:
        for name in sqlite_support.AUDIT_LOG_TRIGGERS:
            raw.execute(f"DROP TRIGGER {name}")
        raw.execute("DELETE FROM audit_log WHERE id > 2")
    raw.close()
    viewer.verify_button.click()
    qtbot.waitUntil(lambda: viewer.verify_button.isEnabled())
    assert "not intact" in viewer.verify_result.text()
    assert f"entries after #2 are missing: the newest entry written was #{total}" in (
        viewer.verify_result.text()
    )
