"""Starting the app: first set-up of an encrypted chart, signing in, recovery, the demo."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from acuchart import keystore, session
from acuchart.accounts import Role
from acuchart.db.database import Database, open_database
from acuchart.keystore import WRONG_LOGIN, Argon2Parameters
from acuchart.locations import keystore_path
from acuchart.services.accounts import create_owner
from acuchart.services.clinic import CLINIC_NAME, get_setting, set_setting
from acuchart.services.demo import DEMO_MARKER
from acuchart.ui.login import LoginDialog, RecoveryKeyDialog, SetupDialog
from acuchart.ui.main_window import DEMO_NOTE, PLAIN_LABEL, MainWindow
from acuchart.ui.settings import UiSettings

NewWindow = Callable[[UiSettings], MainWindow]
D = TypeVar("D", bound=QDialog)

FAST = Argon2Parameters(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)
PASSWORD = "correct horse battery"
SQLITE_HEADER = b"SQLite format 3\x00"


@pytest.fixture(autouse=True)
def signed_out() -> Iterator[None]:
    yield
    session.sign_out()


@pytest.fixture
def encrypted_chart(db_path: Path) -> str:
    """An encrypted chart with its owner (cheap Argon2 so the test stays quick); returns
    the recovery key."""
    data_key, recovery_key = keystore.create_keystore(db_path, "lena", PASSWORD, argon2=FAST)
    database = open_database(str(db_path), key=data_key)
    create_owner(database, "lena", "Lena Decicco, L.Ac.", PASSWORD, argon2=FAST)
    database.close()
    return recovery_key


def start_dialog(qtbot: QtBot, window: MainWindow, kind: type[D]) -> D:
    qtbot.waitUntil(
        lambda: isinstance(window.start_dialog, kind) and window.start_dialog.isVisible(),
        timeout=20_000,
    )
    dialog = window.start_dialog
    assert isinstance(dialog, kind)
    return dialog


def has_chart(window: MainWindow) -> bool:
    """Read through a call: mypy would otherwise keep an earlier assert's narrowing."""
    return window.database is not None


def sign_in(qtbot: QtBot, dialog: LoginDialog, password: str) -> None:
    dialog.password.setText(password)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: not dialog.gate.busy, timeout=20_000)


def test_first_start_sets_up_an_encrypted_chart_and_shows_the_recovery_key(
    qtbot: QtBot, db_path: Path, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    window = new_window(ui_settings)
    window.start(str(db_path))
    setup = start_dialog(qtbot, window, SetupDialog)
    assert "not even you" in setup.warning.text()
    setup.clinic.setText("Decicco Acupuncture")
    qtbot.keyClicks(setup.display_name, "Lena Decicco, L.Ac.")
    assert setup.login.text() == "lena"  # offered from the name until one is typed
    setup.password.setText("short")
    assert "at least 10" in setup.password_hint.text()
    setup.create_button.click()
    assert "at least 10 characters" in setup.message.text()
    setup.password.setText(PASSWORD)
    setup.password_again.setText(PASSWORD + "!")
    setup.create_button.click()
    assert "not the same" in setup.message.text()
    assert not db_path.exists()
    assert not keystore_path(db_path).exists()

    setup.password_again.setText(PASSWORD)
    setup.create_button.click()
    shown = start_dialog(qtbot, window, RecoveryKeyDialog)
    assert db_path.read_bytes()[:16] != SQLITE_HEADER
    assert keystore_path(db_path).is_file()
    key = shown.recovery_key
    assert shown.key_label.text().replace("\n", "-") == key
    keystore.parse_recovery_key(key)
    assert not shown.continue_button.isEnabled()
    shown.reject()  # Esc does not dismiss the key before it is confirmed
    assert shown.isVisible()
    assert not has_chart(window)
    shown.copy_button.click()
    clipboard = QApplication.clipboard()
    assert clipboard.text() == key
    clipboard.clear()
    shown.confirmed.setChecked(True)
    assert shown.continue_button.isEnabled()
    shown.continue_button.click()

    qtbot.waitUntil(lambda: window.database is not None)
    database = window.database
    assert database is not None
    assert database.encrypted
    account = session.current_account()
    assert account is not None
    assert (account.login, account.display_name, account.role) == (
        "lena",
        "Lena Decicco, L.Ac.",
        Role.OWNER,
    )
    assert window.note_panel.signed_by == "Lena Decicco, L.Ac."
    assert window.windowTitle() == "AcuChart — Decicco Acupuncture"
    assert get_setting(database, CLINIC_NAME) == "Decicco Acupuncture"
    assert window.demo_label is None
    assert window.lock_action.isEnabled()


def test_the_clinic_name_is_optional_at_set_up_but_checked_when_given(
    qtbot: QtBot, db_path: Path, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    window = new_window(ui_settings)
    window.start(str(db_path))
    setup = start_dialog(qtbot, window, SetupDialog)
    assert "Optional" in setup.clinic.placeholderText()
    qtbot.keyClicks(setup.display_name, "Lena Decicco, L.Ac.")
    setup.password.setText(PASSWORD)
    setup.password_again.setText(PASSWORD)
    assert setup.problems() == []
    setup.clinic.setText("   ")
    assert setup.problems() == []
    setup.clinic.setText("Decicco Acupuncture " * 100)
    assert any("Clinic name" in problem for problem in setup.problems())


def test_a_wrong_password_says_so_and_the_right_one_opens_the_chart(
    qtbot: QtBot,
    db_path: Path,
    encrypted_chart: str,
    ui_settings: UiSettings,
    new_window: NewWindow,
) -> None:
    files_before = sorted(db_path.parent.iterdir())
    window = new_window(ui_settings)
    window.start(str(db_path))
    dialog = start_dialog(qtbot, window, LoginDialog)
    assert dialog.login.currentText() == "lena"
    assert dialog.forgot_button.isVisibleTo(dialog)

    sign_in(qtbot, dialog, "not the password")
    assert dialog.message.text() == WRONG_LOGIN
    assert dialog.message.isVisible()
    assert dialog.password.text() == ""
    assert dialog.focusWidget() is dialog.password
    assert dialog.isVisible()
    assert not has_chart(window)
    assert session.current_account() is None
    assert sorted(db_path.parent.iterdir()) == files_before  # nothing new written

    sign_in(qtbot, dialog, PASSWORD)
    qtbot.waitUntil(lambda: window.database is not None)
    assert not dialog.isVisible()
    account = session.current_account()
    assert account is not None
    assert account.login == "lena"
    assert window.account == account
    assert window.note_panel.signed_by == "Lena Decicco, L.Ac."


def test_repeated_failures_hold_the_sign_in_button_with_a_countdown(
    qtbot: QtBot,
    db_path: Path,
    encrypted_chart: str,
    ui_settings: UiSettings,
    new_window: NewWindow,
) -> None:
    now = [1000.0]
    window = new_window(ui_settings)
    window.clock = lambda: now[0]
    window.start(str(db_path))
    dialog = start_dialog(qtbot, window, LoginDialog)
    for _ in range(2):  # two typos cost nothing
        sign_in(qtbot, dialog, "wrong password")
        assert dialog.sign_in_button.isEnabled()
    sign_in(qtbot, dialog, "wrong password")
    assert not dialog.sign_in_button.isEnabled()
    assert dialog.sign_in_button.text() == "Try again in 2 s"
    dialog.password.setText(PASSWORD)
    dialog.submit()  # Enter while held does nothing
    assert not dialog.gate.busy
    now[0] += 1.2
    dialog.gate.refresh()
    assert dialog.sign_in_button.text() == "Try again in 1 s"
    now[0] += 1.0
    dialog.gate.refresh()
    assert dialog.sign_in_button.isEnabled()
    assert dialog.sign_in_button.text() == "Sign in"
    sign_in(qtbot, dialog, PASSWORD)
    qtbot.waitUntil(lambda: window.database is not None)
    assert window.throttle.wait_seconds("lena", now=now[0]) == 0


def test_the_recovery_key_sets_a_new_password(
    qtbot: QtBot,
    db_path: Path,
    encrypted_chart: str,
    ui_settings: UiSettings,
    new_window: NewWindow,
) -> None:
    window = new_window(ui_settings)
    window.start(str(db_path))
    dialog = start_dialog(qtbot, window, LoginDialog)
    dialog.forgot_button.click()
    recovery = dialog.recovery
    assert recovery is not None
    assert recovery.isVisible()
    assert recovery.login.text() == "lena"
    new_password = "a brand new passphrase"
    recovery.key.setText("AAAAA-" * 7 + "AAAAA")
    recovery.password.setText(new_password)
    recovery.password_again.setText(new_password)
    recovery.save_button.click()
    qtbot.waitUntil(lambda: recovery.message.isVisible(), timeout=20_000)
    assert "recovery key does not open the chart" in recovery.message.text()
    keystore.unlock(db_path, "lena", PASSWORD)  # nothing changed

    recovery.key.setText(encrypted_chart.lower().replace("-", " "))
    recovery.save_button.click()
    qtbot.waitUntil(lambda: window.database is not None, timeout=20_000)
    account = session.current_account()
    assert account is not None
    assert account.login == "lena"
    keystore.unlock(db_path, "lena", new_password)
    with pytest.raises(keystore.WrongPasswordError):
        keystore.unlock(db_path, "lena", PASSWORD)


def test_the_demo_opens_directly_and_says_it_is_not_encrypted(
    qtbot: QtBot, database: Database, db_path: Path, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    set_setting(database, DEMO_MARKER, "2026-03-20T20:00:00+00:00")
    database.close()  # made plain, without accounts, as `acuchart demo` does
    window = new_window(ui_settings)
    window.start(str(db_path))
    qtbot.waitUntil(lambda: window.database is not None)
    assert window.start_dialog is None
    assert window.windowTitle().endswith(DEMO_NOTE)
    label = window.demo_label
    assert label is not None
    qtbot.waitUntil(label.isVisible)  # the status bar shows a widget it is given when idle
    assert label.text() == DEMO_NOTE
    assert session.current_account() is None
    assert not window.lock_action.isEnabled()


def test_a_plain_chart_with_accounts_asks_for_the_password(
    qtbot: QtBot, database: Database, db_path: Path, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    create_owner(database, "lena", "Lena Decicco, L.Ac.", PASSWORD, argon2=FAST)
    database.close()
    window = new_window(ui_settings)
    window.start(str(db_path))
    dialog = start_dialog(qtbot, window, LoginDialog)
    assert not dialog.forgot_button.isVisibleTo(dialog)  # no recovery key without encryption
    sign_in(qtbot, dialog, "wrong password")
    assert dialog.message.text() == WRONG_LOGIN
    dialog.login.setEditText("LENA")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.database is not None)
    assert window.demo_label is not None
    assert window.demo_label.text() == PLAIN_LABEL  # plain, though it has accounts
    assert not window.encrypt_action.isVisible()  # their passwords are not known here
    account = session.current_account()
    assert account is not None
    assert account.display_name == "Lena Decicco, L.Ac."


def test_quitting_at_the_sign_in_closes_the_window(
    qtbot: QtBot,
    db_path: Path,
    encrypted_chart: str,
    ui_settings: UiSettings,
    new_window: NewWindow,
) -> None:
    window = new_window(ui_settings)
    window.start(str(db_path))
    dialog = start_dialog(qtbot, window, LoginDialog)
    dialog.reject()
    qtbot.waitUntil(lambda: window.closed)
    assert not has_chart(window)


def test_the_printed_recovery_key_names_the_clinic(qtbot: QtBot, tmp_path: Path) -> None:
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrinter

    key = "K7Q2M-ABCDE-FGH23-JKLMN-PQRS4-TUVWX-YZ567-ABCDE"
    dialog = RecoveryKeyDialog(key, "Decicco Acupuncture")
    qtbot.addWidget(dialog)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "key.pdf"))
    dialog.paint_key_page(printer)
    text = PdfReader(tmp_path / "key.pdf").pages[0].extract_text().replace("\t", " ")
    assert key in text.replace("\n", "-")
    assert "Decicco Acupuncture" in text


def test_a_key_file_without_its_chart_is_not_a_new_chart(
    qtbot: QtBot,
    db_path: Path,
    encrypted_chart: str,
    ui_settings: UiSettings,
    new_window: NewWindow,
) -> None:
    db_path.unlink()
    window = new_window(ui_settings)
    window.start(str(db_path))
    qtbot.waitUntil(lambda: window.error_box is not None, timeout=10_000)
    assert window.error_box is not None
    assert "is missing, though its key file is there" in window.error_box.text()
    window.error_box.close()
    assert window.start_dialog is None
    assert not db_path.exists()
