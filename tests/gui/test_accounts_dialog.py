"""Accounts and security: the owner adds practitioners, everyone changes their own password,
the owner sets the auto-lock time. Real database files; cheap Argon2id parameters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from acuchart import keystore, session
from acuchart.accounts import Account, Role
from acuchart.db.database import Database, open_database
from acuchart.keystore import Argon2Parameters, WrongPasswordError
from acuchart.services.accounts import (
    WRONG_CURRENT_PASSWORD,
    add_account,
    authenticate,
    create_owner,
    get_auto_lock_minutes,
    list_accounts,
)
from acuchart.ui.accounts_dialog import (
    ENCRYPTED_NOTE,
    LOGIN,
    NAME,
    ROLE,
    AccountsDialog,
    AddPractitionerDialog,
    ChangePasswordDialog,
)
from acuchart.ui.tasks import TaskRunner

FAST = Argon2Parameters(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)
PASSWORD = "correct horse battery"
SAM_PASSWORD = "staple battery horse"
WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def signed_out() -> Iterator[None]:
    session.sign_out()
    yield
    session.sign_out()


@pytest.fixture
def tasks() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def owner(database: Database) -> Account:
    account = create_owner(database, "lena", "Lena Decicco, L.Ac.", PASSWORD, argon2=FAST)
    session.sign_in(account)
    return account


def open_dialog(
    qtbot: QtBot, database: Database, tasks: TaskRunner, account: Account
) -> AccountsDialog:
    dialog = AccountsDialog(database, tasks, account, argon2=FAST)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=WAIT_MS)
    return dialog


def cell(dialog: AccountsDialog, row: int, column: int) -> str:
    return str(dialog.model.data(dialog.model.index(row, column)))


def add_form(qtbot: QtBot, dialog: AccountsDialog) -> AddPractitionerDialog:
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    form = dialog.add_dialog
    assert form is not None
    assert form.isVisible()
    return form


def fill(form: AddPractitionerDialog, shown: str, login: str, password: str, again: str) -> None:
    form.display_name.setText(shown)
    form.login.setText(login)
    form.password.setText(password)
    form.password_again.setText(again)


def test_the_owner_adds_a_practitioner_who_can_then_sign_in(
    qtbot: QtBot, database: Database, tasks: TaskRunner, owner: Account
) -> None:
    dialog = open_dialog(qtbot, database, tasks, owner)
    assert cell(dialog, 0, NAME) == "Lena Decicco, L.Ac. (you)"
    assert (cell(dialog, 0, LOGIN), cell(dialog, 0, ROLE)) == ("lena", "Owner")
    assert dialog.add_button.isEnabled()
    assert not dialog.encrypted_note.isVisible()  # a plain chart has no key file

    form = add_form(qtbot, dialog)
    qtbot.keyClicks(form.display_name, "Sam Okafor, L.Ac.")
    qtbot.keyClicks(form.login, "Sam")
    qtbot.keyClicks(form.password, SAM_PASSWORD)
    qtbot.keyClicks(form.password_again, SAM_PASSWORD)
    assert form.again_hint.text() == "Both the same."
    qtbot.keyClick(form.password_again, Qt.Key.Key_Return)  # Enter adds
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=WAIT_MS)

    assert not form.isVisible()
    assert cell(dialog, 1, NAME) == "Sam Okafor, L.Ac."
    assert (cell(dialog, 1, LOGIN), cell(dialog, 1, ROLE)) == ("sam", "Practitioner")
    assert dialog.table.currentIndex().row() == 1  # the new account is selected
    assert "can now sign in as “sam”" in dialog.status.text()
    sam = authenticate(database, "sam", SAM_PASSWORD, argon2=FAST)
    assert (sam.display_name, sam.role) == ("Sam Okafor, L.Ac.", Role.PRACTITIONER)


def test_a_short_or_mismatched_password_is_explained_and_nothing_is_added(
    qtbot: QtBot, database: Database, tasks: TaskRunner, owner: Account
) -> None:
    dialog = open_dialog(qtbot, database, tasks, owner)
    form = add_form(qtbot, dialog)

    fill(form, "Sam Okafor", "sam", "short", "short")
    assert "at least 10 are needed" in form.password_hint.text()
    form.submit_button.click()
    assert "at least 10 characters" in form.message.text()
    assert form.focusWidget() is form.password

    fill(form, "Sam Okafor", "sam", SAM_PASSWORD, SAM_PASSWORD + "!")
    assert form.again_hint.text() == "The two passwords are not the same."
    form.submit_button.click()
    assert form.message.text() == "The two passwords are not the same."

    fill(form, "Sam Okafor", "LENA", SAM_PASSWORD, SAM_PASSWORD)  # taken, in any case
    assert "“lena” already exists" in form.login_hint.text()
    form.submit_button.click()
    assert "“lena” already exists" in form.message.text()

    fill(form, "   ", "sam", SAM_PASSWORD, SAM_PASSWORD)
    form.submit_button.click()
    assert "name to show on signed notes" in form.message.text()

    assert form.isVisible()
    assert [account.login for account in list_accounts(database)] == ["lena"]


def test_a_refusal_from_the_service_is_shown_in_the_form(
    qtbot: QtBot, database: Database, tasks: TaskRunner, owner: Account
) -> None:
    dialog = open_dialog(qtbot, database, tasks, owner)
    form = add_form(qtbot, dialog)
    # Another workstation adds "sam" after this dialog read the list.
    add_account(database, owner, "sam", "Sam Okafor", SAM_PASSWORD, argon2=FAST)
    fill(form, "Sam Lee", "sam", "another long password", "another long password")
    form.submit_button.click()
    qtbot.waitUntil(lambda: "“sam” already exists" in form.message.text(), timeout=WAIT_MS)
    assert form.isVisible()
    assert form.submit_button.isEnabled()
    assert [account.display_name for account in list_accounts(database)] == [
        "Lena Decicco, L.Ac.",
        "Sam Okafor",
    ]


def test_a_practitioner_can_neither_add_accounts_nor_change_the_auto_lock(
    qtbot: QtBot, database: Database, tasks: TaskRunner, owner: Account
) -> None:
    sam = add_account(database, owner, "sam", "Sam Okafor, L.Ac.", SAM_PASSWORD, argon2=FAST)
    session.sign_in(sam)
    dialog = open_dialog(qtbot, database, tasks, sam)
    assert cell(dialog, 1, NAME) == "Sam Okafor, L.Ac. (you)"
    assert cell(dialog, 0, NAME) == "Lena Decicco, L.Ac."
    assert not dialog.add_button.isEnabled()
    assert dialog.password_button.isEnabled()
    assert not dialog.minutes.isEnabled()
    assert dialog.minutes.value() == get_auto_lock_minutes(database)
    assert not dialog.save_lock_button.isVisible()
    assert dialog.lock_hint.text() == "Set by the clinic's owner."

    dialog.add_practitioner()  # even if called, nothing opens
    assert dialog.add_dialog is None
    with qtbot.assertNotEmitted(dialog.auto_lock_changed):
        dialog.minutes.setValue(3)
        dialog.save_auto_lock()
    tasks.wait_for_pending()
    assert get_auto_lock_minutes(database) == 10


def test_changing_my_password_and_a_wrong_current_one(
    qtbot: QtBot, database: Database, tasks: TaskRunner, owner: Account
) -> None:
    dialog = open_dialog(qtbot, database, tasks, owner)
    qtbot.mouseClick(dialog.password_button, Qt.MouseButton.LeftButton)
    form = dialog.password_dialog
    assert isinstance(form, ChangePasswordDialog)
    new = "a brand new passphrase"

    form.old.setText("not my password")
    form.new.setText(new)
    form.new_again.setText(new)
    form.submit_button.click()
    qtbot.waitUntil(lambda: form.message.text() == WRONG_CURRENT_PASSWORD, timeout=WAIT_MS)
    assert form.old.text() == ""
    assert form.focusWidget() is form.old
    assert form.isVisible()
    authenticate(database, "lena", PASSWORD, argon2=FAST)  # unchanged

    form.new_again.setText(new + "?")
    form.old.setText(PASSWORD)
    form.submit_button.click()
    assert form.message.text() == "The two passwords are not the same."

    form.new_again.setText(new)
    form.submit_button.click()
    qtbot.waitUntil(lambda: dialog.status.text() == "Password changed.", timeout=WAIT_MS)
    assert not form.isVisible()
    assert authenticate(database, "lena", new, argon2=FAST).id == owner.id
    with pytest.raises(WrongPasswordError):
        authenticate(database, "lena", PASSWORD, argon2=FAST)


def test_the_owner_changes_the_auto_lock_time(
    qtbot: QtBot, database: Database, tasks: TaskRunner, owner: Account
) -> None:
    dialog = open_dialog(qtbot, database, tasks, owner)
    assert dialog.minutes.value() == 10
    assert dialog.minutes.isEnabled()
    assert not dialog.save_lock_button.isEnabled()  # nothing changed yet

    dialog.minutes.setValue(5)
    assert dialog.save_lock_button.isEnabled()
    with qtbot.waitSignal(dialog.auto_lock_changed, timeout=WAIT_MS) as changed:
        dialog.save_lock_button.click()
    assert changed.args == [5]
    assert get_auto_lock_minutes(database) == 5
    assert "locks after 5 minutes" in dialog.status.text()
    assert not dialog.save_lock_button.isEnabled()

    # From the keyboard: type a value and press Enter in the box.
    dialog.minutes.setFocus()
    dialog.minutes.selectAll()
    qtbot.keyClicks(dialog.minutes, "1")
    with qtbot.waitSignal(dialog.auto_lock_changed, timeout=WAIT_MS) as changed:
        qtbot.keyClick(dialog.minutes, Qt.Key.Key_Return)
    assert changed.args == [1]
    assert get_auto_lock_minutes(database) == 1
    assert dialog.status.text() == "The window now locks after 1 minute without input."
    assert dialog.isVisible()  # Enter saved; it did not close the dialog


def test_tab_runs_list_buttons_auto_lock_close(
    qtbot: QtBot, database: Database, tasks: TaskRunner, owner: Account
) -> None:
    dialog = open_dialog(qtbot, database, tasks, owner)
    dialog.minutes.setValue(7)  # Save is enabled, so Tab stops on it
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    dialog.table.setFocus()
    visited: list[QWidget | None] = []
    for _ in range(7):
        focused = QApplication.focusWidget()
        visited.append(focused)
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert visited == [
        dialog.table,
        dialog.add_button,
        dialog.password_button,
        dialog.minutes,
        dialog.save_lock_button,
        dialog.close_button,
        dialog.table,
    ]


def test_on_an_encrypted_chart_a_new_practitioner_can_open_the_file(
    qtbot: QtBot, tasks: TaskRunner, tmp_path: Path
) -> None:
    path = tmp_path / "chart.db"
    data_key, _recovery = keystore.create_keystore(path, "lena", PASSWORD, argon2=FAST)
    database = open_database(str(path), key=data_key)
    try:
        owner = create_owner(database, "lena", "Lena Decicco, L.Ac.", PASSWORD, argon2=FAST)
        session.sign_in(owner)
        dialog = open_dialog(qtbot, database, tasks, owner)
        assert dialog.encrypted_note.isVisible()
        assert dialog.encrypted_note.text() == ENCRYPTED_NOTE
        form = add_form(qtbot, dialog)
        fill(form, "Sam Okafor, L.Ac.", "sam", SAM_PASSWORD, SAM_PASSWORD)
        form.submit_button.click()
        qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=WAIT_MS)
        assert keystore.unlock(path, "sam", SAM_PASSWORD) == data_key
    finally:
        tasks.wait_for_pending()
        database.close()
