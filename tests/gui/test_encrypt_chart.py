"""Clinic → Encrypt this chart…: a plain chart made before encryption, encrypted from the
window end to end on a real file, its patients and audit log kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from acuchart import keystore, session
from acuchart.audit import AuditAction, AuditQuery
from acuchart.backups import default_backup_folder
from acuchart.db import encryption
from acuchart.db.database import open_database
from acuchart.locations import keystore_path
from acuchart.services import audit, patients
from acuchart.services.chart_encryption import ENCRYPTED_OBJECT
from acuchart.services.clinic import set_setting
from acuchart.services.demo import DEMO_MARKER
from acuchart.ui.encrypt_dialog import EncryptChartDialog
from acuchart.ui.login import RecoveryKeyDialog
from acuchart.ui.main_window import DEMO_NOTE, PLAIN_LABEL, PLAIN_NOTE, MainWindow
from acuchart.ui.settings import UiSettings
from tests.conftest import make_draft
from tests.gui.test_backups_ui import reopened_patients

NewWindow = Callable[[UiSettings], MainWindow]
PASSWORD = "river stones calm"
SQLITE_HEADER = b"SQLite format 3\x00"


@pytest.fixture(autouse=True)
def signed_out() -> Iterator[None]:
    yield
    session.sign_out()


def plain_chart(db_path: Path, *, demo: bool = False) -> None:
    """A chart from before encryption: plain, no accounts, two patients."""
    database = open_database(str(db_path))
    try:
        patients.create_patient(database, make_draft(family_name="Okafor"))
        patients.create_patient(database, make_draft(family_name="Nguyễn"))
        if demo:
            set_setting(database, DEMO_MARKER, "2026-03-20T20:00:00+00:00")
    finally:
        database.close()


def started(qtbot: QtBot, new_window: NewWindow, ui_settings: UiSettings, path: Path) -> MainWindow:
    window = new_window(ui_settings)
    window.start(str(path))
    qtbot.waitUntil(lambda: window.database is not None, timeout=20_000)
    return window


def shown_dialog(qtbot: QtBot, window: MainWindow) -> EncryptChartDialog:
    window.encrypt_action.trigger()
    qtbot.waitUntil(lambda: getattr(window, "encrypt_dialog", None) is not None)
    dialog = window.encrypt_dialog
    qtbot.waitExposed(dialog)
    return dialog


def test_a_plain_chart_says_not_encrypted_and_is_encrypted_from_the_window(
    qtbot: QtBot, db_path: Path, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    plain_chart(db_path)
    window = started(qtbot, new_window, ui_settings, db_path)
    assert window.demo_label is not None
    assert window.demo_label.text() == PLAIN_LABEL  # not "demo"
    assert window.windowTitle().endswith(PLAIN_NOTE)
    assert window.encrypt_action.isVisible()
    assert window.encrypt_action.isEnabled()

    dialog = shown_dialog(qtbot, window)
    dialog.grab().save(str(db_path.parent / "encrypt-dialog.png"))
    intro = dialog.findChild(QLabel, "setupIntro")
    assert intro is not None
    assert "not encrypted" in intro.text()
    qtbot.keyClicks(dialog.display_name, "Lena Decicco, L.Ac.")
    assert dialog.login.text() == "lena"
    dialog.password.setText(PASSWORD)
    dialog.password_again.setText(PASSWORD + "?")
    dialog.create_button.click()
    assert "not the same" in dialog.message.text()
    assert db_path.read_bytes()[:16] == SQLITE_HEADER  # nothing done yet
    assert not keystore_path(db_path).exists()

    dialog.password_again.setText(PASSWORD)
    dialog.create_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=30_000)
    assert not dialog.message.isVisible(), dialog.message.text()
    qtbot.waitUntil(lambda: isinstance(window.__dict__.get("recovery_dialog"), RecoveryKeyDialog))
    shown: RecoveryKeyDialog = window.recovery_dialog
    qtbot.waitExposed(shown)
    recovery_key = shown.recovery_key
    window.close()  # not before the recovery key is confirmed
    assert not window.closed
    shown.confirmed.setChecked(True)
    shown.continue_button.click()
    qtbot.waitUntil(lambda: window.account is not None)

    # The file on disk is encrypted, with its key file; the plain backup was made first.
    assert db_path.read_bytes()[:16] != SQLITE_HEADER
    assert encryption.looks_encrypted(db_path)
    data_key = keystore.unlock(db_path, "lena", PASSWORD)
    assert keystore.reset_with_recovery(db_path, recovery_key, "lena", PASSWORD) == data_key
    plain_backups = [
        path
        for path in default_backup_folder(db_path).glob("acuchart-*.db")
        if path.read_bytes()[:16] == SQLITE_HEADER
    ]
    assert len(plain_backups) == 1
    # The window carries on with the encrypted chart, signed in as its owner.
    assert_encrypted_and_signed_in(window)
    database = window.database
    assert database is not None
    assert database.encrypted
    patients.create_patient(database, make_draft(family_name="After"))

    reopened = open_database(str(db_path), key=data_key)
    try:
        names = sorted(p.family_name for p in reopened_patients(reopened))
        assert names == ["After", "Nguyễn", "Okafor"]
        check = audit.verify_audit_log(reopened)  # re-sealed under the chart's key
        assert check.ok, check.message
        [sealed] = audit.list_audit(reopened, AuditQuery(action=AuditAction.SETTING_CHANGE)).rows
        assert sealed.object == ENCRYPTED_OBJECT
        assert "verified intact before" in sealed.detail
        assert sealed.account == "lena"
    finally:
        reopened.close()


def assert_encrypted_and_signed_in(window: MainWindow) -> None:
    """(A function of its own: mypy keeps the narrowing of the asserts above otherwise.)"""
    assert session.current_account() == window.account
    assert window.demo_label is None
    assert not window.encrypt_action.isVisible()
    assert window.lock_action.isEnabled()
    assert window.windowTitle() == "AcuChart"


def test_the_demo_keeps_its_label_and_has_nothing_to_encrypt(
    qtbot: QtBot, db_path: Path, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    plain_chart(db_path, demo=True)
    window = started(qtbot, new_window, ui_settings, db_path)
    assert window.demo_label is not None
    assert window.demo_label.text() == DEMO_NOTE
    assert not window.encrypt_action.isVisible()


def test_a_failed_encryption_leaves_the_plain_chart_working(
    qtbot: QtBot, db_path: Path, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    plain_chart(db_path)
    window = started(qtbot, new_window, ui_settings, db_path)
    keystore_path(db_path).write_text("someone else's", encoding="utf-8")  # in the way
    dialog = shown_dialog(qtbot, window)
    dialog.display_name.setText("Lena Decicco")
    dialog.login.setText("lena")
    dialog.password.setText(PASSWORD)
    dialog.password_again.setText(PASSWORD)
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.message.isVisible() and not dialog.busy, timeout=20_000)
    assert "already exists" in dialog.message.text()
    assert db_path.read_bytes()[:16] == SQLITE_HEADER
    assert keystore_path(db_path).read_text(encoding="utf-8") == "someone else's"
    dialog.reject()
    database = window.database
    assert database is not None
    assert not database.encrypted
    patients.create_patient(database, make_draft(family_name="Still plain"))
    assert len(reopened_patients(database)) == 3  # the window's chart is still usable
