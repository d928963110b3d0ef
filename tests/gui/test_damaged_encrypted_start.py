"""An encrypted chart damaged at start: the password unlocks a backup's own key file, the
newest good backup is offered at sign-in, and the damaged file is kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from acuchart import keystore, session
from acuchart.backups import default_backup_folder, make_backup
from acuchart.db.database import Database, open_database
from acuchart.locations import keystore_path
from acuchart.services import audit, patients
from acuchart.services.accounts import create_owner
from acuchart.ui.backup_offer import KEY_FILE_BUTTON, RESTORE_BUTTON
from acuchart.ui.login import LoginDialog
from acuchart.ui.main_window import MainWindow
from acuchart.ui.settings import UiSettings
from tests.conftest import make_draft
from tests.gui.test_backups_ui import reopened_patients
from tests.gui.test_login import FAST, PASSWORD, sign_in, start_dialog

NewWindow = Callable[[UiSettings], MainWindow]
PAGE = 4096


@pytest.fixture(autouse=True)
def signed_out() -> Iterator[None]:
    yield
    session.sign_out()


@pytest.fixture
def backed_up_chart(db_path: Path) -> Path:
    """An encrypted chart with "Kept" in its backup and "Later" added after it; returns the
    backup."""
    data_key, _ = keystore.create_keystore(db_path, "lena", PASSWORD, argon2=FAST)
    database = open_database(str(db_path), key=data_key)
    try:
        create_owner(database, "lena", "Lena Decicco, L.Ac.", PASSWORD, argon2=FAST)
        patients.create_patient(database, make_draft(family_name="Kept"))
        backup = make_backup(db_path, now=dt.datetime.now(dt.UTC), key=data_key).path
        patients.create_patient(database, make_draft(family_name="Later"))
    finally:
        database.close()
    return backup


def garble_first_page(path: Path) -> None:
    """The first page unreadable: the key check itself cannot run."""
    raw = bytearray(path.read_bytes())
    raw[:PAGE] = b"\x5a" * PAGE
    path.write_bytes(bytes(raw))


def truncate(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2 + 100])


def garble_key_file(path: Path) -> None:
    keystore_path(path).write_text("{ half a key file", encoding="utf-8")


def answer_offer(answer: str, seen: list[str]) -> None:
    box = QApplication.activeModalWidget()
    if not isinstance(box, QMessageBox) or box.objectName() != "offerBackup":
        QTimer.singleShot(50, lambda: answer_offer(answer, seen))
        return
    seen.append(box.text())
    for button in box.buttons():
        if isinstance(button, QPushButton) and button.text() == answer:
            button.click()


def login_dialog(
    qtbot: QtBot, new_window: NewWindow, ui_settings: UiSettings, db_path: Path
) -> tuple[MainWindow, LoginDialog]:
    window = new_window(ui_settings)
    window.start(str(db_path))
    return window, start_dialog(qtbot, window, LoginDialog)


@pytest.mark.parametrize(
    "damage", [garble_first_page, truncate], ids=["first page garbled", "truncated"]
)
def test_the_password_unlocks_the_newest_backup_which_replaces_the_damaged_chart(
    qtbot: QtBot,
    db_path: Path,
    backed_up_chart: Path,
    ui_settings: UiSettings,
    new_window: NewWindow,
    damage: Callable[[Path], None],
) -> None:
    damage(db_path)
    damaged_bytes = db_path.read_bytes()
    window, dialog = login_dialog(qtbot, new_window, ui_settings, db_path)
    seen: list[str] = []
    QTimer.singleShot(50, lambda: answer_offer(RESTORE_BUTTON, seen))
    sign_in(qtbot, dialog, PASSWORD)
    qtbot.waitUntil(lambda: window.database is not None, timeout=30_000)

    assert "1 patients" in seen[0]
    assert window.database is not None
    database: Database = window.database
    assert database.encrypted
    assert [p.family_name for p in reopened_patients(database)] == ["Kept"]
    assert audit.verify_audit_log(database).ok  # the restore moved the anchor back
    kept = list(default_backup_folder(db_path).glob("*before-restore*"))
    assert [p.read_bytes() for p in kept if p.suffix == ".db"] == [damaged_bytes]
    assert any(p.name.endswith(".db.keys") for p in kept)  # its key file, as it was


def test_a_damaged_key_file_is_put_back_from_a_backup_and_nothing_since_is_lost(
    qtbot: QtBot,
    db_path: Path,
    backed_up_chart: Path,
    ui_settings: UiSettings,
    new_window: NewWindow,
) -> None:
    garble_key_file(db_path)
    chart_bytes = db_path.read_bytes()
    window, dialog = login_dialog(qtbot, new_window, ui_settings, db_path)
    assert dialog.login.currentText() == ""  # the names were in the damaged key file
    dialog.login.setEditText("lena")
    seen: list[str] = []
    QTimer.singleShot(50, lambda: answer_offer(KEY_FILE_BUTTON, seen))
    sign_in(qtbot, dialog, PASSWORD)
    qtbot.waitUntil(lambda: window.database is not None, timeout=30_000)

    assert "chart.db.keys” cannot be read" in seen[0]
    assert "Nothing written since is lost" in seen[0]
    assert window.database is not None
    database: Database = window.database
    names = {p.family_name for p in reopened_patients(database)}
    assert names == {"Kept", "Later"}  # the chart itself was not rolled back
    assert audit.verify_audit_log(database).ok
    [kept] = default_backup_folder(db_path).glob("*.keys-before-restore-*")
    assert kept.read_text(encoding="utf-8") == "{ half a key file"
    assert chart_bytes  # the chart file was opened where it was, not replaced


def test_not_now_leaves_the_damaged_chart_as_it_is(
    qtbot: QtBot,
    db_path: Path,
    backed_up_chart: Path,
    ui_settings: UiSettings,
    new_window: NewWindow,
) -> None:
    garble_first_page(db_path)
    damaged_bytes = db_path.read_bytes()
    window, dialog = login_dialog(qtbot, new_window, ui_settings, db_path)
    seen: list[str] = []
    QTimer.singleShot(50, lambda: answer_offer("Not now", seen))
    sign_in(qtbot, dialog, PASSWORD)
    qtbot.waitUntil(lambda: bool(seen) and dialog.message.isVisible(), timeout=30_000)
    assert "is damaged: the password is right" in dialog.message.text()
    assert window.database is None
    assert db_path.read_bytes() == damaged_bytes
    assert not list(default_backup_folder(db_path).glob("*before-restore*"))


def test_a_wrong_password_on_a_damaged_chart_offers_nothing(
    qtbot: QtBot,
    db_path: Path,
    backed_up_chart: Path,
    ui_settings: UiSettings,
    new_window: NewWindow,
) -> None:
    truncate(db_path)
    _window, dialog = login_dialog(qtbot, new_window, ui_settings, db_path)
    sign_in(qtbot, dialog, "not the password")
    assert dialog.message.text() == keystore.WRONG_LOGIN


def test_without_a_backup_the_password_opens_the_damage_is_named(
    qtbot: QtBot,
    db_path: Path,
    backed_up_chart: Path,
    ui_settings: UiSettings,
    new_window: NewWindow,
) -> None:
    keystore.change_password(db_path, "lena", PASSWORD, "a newer password", argon2=FAST)
    truncate(db_path)
    _window, dialog = login_dialog(qtbot, new_window, ui_settings, db_path)
    sign_in(qtbot, dialog, "a newer password")  # the backup's key file knows only the old one
    assert "is damaged" in dialog.message.text()
    assert "No backup in" in dialog.message.text()
    assert "password change" in dialog.message.text()


def test_damage_found_after_sign_in_offers_a_backup_opened_with_the_charts_key(
    qtbot: QtBot,
    db_path: Path,
    backed_up_chart: Path,
    ui_settings: UiSettings,
    new_window: NewWindow,
) -> None:
    """Sign-in does not wait for the whole file to be read: the check in the background
    finds the damage, and the chart's own key opens its backups."""
    raw = bytearray(db_path.read_bytes())
    raw[-2 * PAGE :] = b"\x5a" * (2 * PAGE)  # the last pages: the chart still opens
    db_path.write_bytes(bytes(raw))
    window, dialog = login_dialog(qtbot, new_window, ui_settings, db_path)
    seen: list[str] = []
    QTimer.singleShot(50, lambda: answer_offer(RESTORE_BUTTON, seen))
    sign_in(qtbot, dialog, PASSWORD)
    qtbot.waitUntil(lambda: bool(seen), timeout=30_000)
    assert "damaged" in seen[0]
    qtbot.waitUntil(
        lambda: window.database is not None and window.health_problems == [], timeout=30_000
    )
    assert window.database is not None
    assert window.database.encrypted
    assert [p.family_name for p in reopened_patients(window.database)] == ["Kept"]
    assert list(default_backup_folder(db_path).glob("*before-restore*"))
