"""Backups from the window: now, daily, at close, to a second folder; restoring one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from acuchart.backups import default_backup_folder, describe_backup
from acuchart.db.database import Database, open_database
from acuchart.patients import PatientRecord
from acuchart.services import patients
from acuchart.ui import file_dialogs
from acuchart.ui import settings as keys
from acuchart.ui.main_window import MainWindow
from acuchart.ui.settings import UiSettings
from tests.conftest import make_draft
from tests.gui.test_main_window import NewWindow


def backups_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("acuchart-*.db"))


def test_back_up_now_and_to_a_second_folder(
    qtbot: QtBot,
    window: MainWindow,
    database: Database,
    db_path: Path,
    ui_settings: UiSettings,
    tmp_path: Path,
) -> None:
    patients.create_patient(database, make_draft())
    qtbot.waitUntil(lambda: not window.backups.busy)  # the first-day backup at start
    folder = default_backup_folder(db_path)
    assert len(backups_in(folder)) == 1
    second = tmp_path / "usb"
    second.mkdir()
    ui_settings.set(keys.BACKUP_SECOND_FOLDER, str(second))
    with qtbot.waitSignal(window.backups.backed_up, timeout=10_000):
        window.backup_action.trigger()
    assert len(backups_in(second)) == 1
    assert "Backed up 1 patients" in window.statusBar().currentMessage()


def test_a_day_after_the_newest_backup_another_is_made(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    qtbot.waitUntil(lambda: not window.backups.busy)
    newest = window.backups.newest_backup_at()
    assert newest is not None
    assert not window.backups.check_daily(newest + dt.timedelta(hours=23))
    with qtbot.waitSignal(window.backups.backed_up, timeout=10_000):
        assert window.backups.check_daily(newest + dt.timedelta(hours=25))


def test_closing_the_window_backs_up(
    qtbot: QtBot, database: Database, db_path: Path, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    window = new_window(ui_settings)
    window.attach_database(database)
    qtbot.waitUntil(lambda: not window.backups.busy)
    folder = default_backup_folder(db_path)
    before = {p.name for p in backups_in(folder)}
    patients.create_patient(database, make_draft(family_name="Latecomer"))
    qtbot.wait(1100)  # a new second, so a new backup name
    window.close()
    after = backups_in(folder)
    assert after[-1].name not in before  # a new one (the same day's older one is rotated out)
    assert describe_backup(after[-1]).patients == 1  # the patient added last is in it


def test_restoring_a_backup_replaces_the_chart_and_keeps_a_safety_copy(
    qtbot: QtBot,
    database: Database,
    db_path: Path,
    ui_settings: UiSettings,
    new_window: NewWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patients.create_patient(database, make_draft(family_name="Before"))
    window = new_window(ui_settings)
    window.attach_database(database)
    qtbot.waitUntil(lambda: not window.backups.busy)
    [backup] = backups_in(default_backup_folder(db_path))
    patients.create_patient(database, make_draft(family_name="After"))
    monkeypatch.setattr(file_dialogs, "ask_open_path", lambda *_args: str(backup))
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Yes)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: window.closed, timeout=10_000)
    assert "restored" in told[0]
    assert "before-restore" in told[0]
    reopened = open_database(str(db_path))
    try:
        names = {p.family_name for p in reopened_patients(reopened)}
    finally:
        reopened.close()
    assert names == {"Before"}


def reopened_patients(database: Database) -> list[PatientRecord]:
    from acuchart.patient_search import PatientQuery

    return [
        patients.get_patient(database, row.id)
        for row in patients.search_patients(database, PatientQuery()).rows
    ]


def test_a_damaged_chart_at_start_offers_the_newest_good_backup(
    qtbot: QtBot, db_path: Path, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    from acuchart.backups import make_backup

    first = open_database(str(db_path))
    patients.create_patient(first, make_draft(family_name="Kept"))
    make_backup(db_path, now=dt.datetime.now(dt.UTC))
    first.close()
    raw = bytearray(db_path.read_bytes())
    raw[4096:8192] = b"\xff" * 4096  # a page of garbage: the quick check at start fails
    db_path.write_bytes(bytes(raw))

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(100, answer)
            return
        for button in box.buttons():
            if isinstance(button, QPushButton) and button.text() == "Restore the backup":
                button.click()

    window = new_window(ui_settings)
    QTimer.singleShot(100, answer)
    window.open_database_in_background(str(db_path))
    # Opened without waiting for the check; the check in the background finds the damage,
    # the chart stops and the backup is offered, restored, and the restored chart opens.
    qtbot.waitUntil(
        lambda: (
            bool(list(default_backup_folder(db_path).glob("*damaged*")))
            and window.database is not None
            and window.health_problems == []
        ),
        timeout=30_000,
    )
    assert window.database is not None
    assert [p.family_name for p in reopened_patients(window.database)] == ["Kept"]


def test_damage_found_after_opening_stops_the_chart_and_says_so(
    qtbot: QtBot, db_path: Path, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    first = open_database(str(db_path))
    for number in range(300):
        patients.create_patient(first, make_draft(family_name=f"P{number}", notes="n" * 700))
    first.close()
    raw = bytearray(db_path.read_bytes())
    raw[-4 * 4096 :] = b"\x5a" * (4 * 4096)  # the last pages: the list still opens
    db_path.write_bytes(bytes(raw))

    window = new_window(ui_settings)
    window.open_database_in_background(str(db_path))
    qtbot.waitUntil(lambda: window.health_problems is not None, timeout=30_000)
    assert window.health_problems
    assert window.database is None  # nothing more is written to the file
    assert window.splitter is not None
    assert not window.splitter.isEnabled()
    assert window.error_box is not None
    assert "damaged" in window.error_box.text()
    assert "damaged" in window.status_placeholder.text()
    assert not window.new_patient_action.isEnabled()
