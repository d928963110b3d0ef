"""Auto-lock and Lock now: the chart is hidden until the password, and nothing typed is lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from acuchart import session
from acuchart.accounts import Account
from acuchart.audit import AuditAction, AuditQuery
from acuchart.db.database import Database
from acuchart.keystore import WRONG_LOGIN, Argon2Parameters
from acuchart.patients import PatientRecord
from acuchart.services import notes, patients, visits
from acuchart.services.accounts import create_owner
from acuchart.services.audit import list_audit
from acuchart.ui.main_window import MainWindow
from acuchart.ui.settings import UiSettings
from acuchart.visits import VisitDraft, VisitSummary
from tests.conftest import make_draft

NewWindow = Callable[[UiSettings], MainWindow]
FAST = Argon2Parameters(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)
PASSWORD = "correct horse battery"
DRAFT = "Burning soles, worse at night"


@dataclass
class Desk:
    window: MainWindow
    database: Database
    account: Account
    patient: PatientRecord
    visit: VisitSummary
    now: list[float]

    def idle_for(self, minutes: float) -> None:
        """Move the clock on and let the watcher's periodic check run."""
        self.now[0] += minutes * 60
        assert self.window.idle_watcher is not None
        self.window.idle_watcher.timeout()


@pytest.fixture
def desk(
    qtbot: QtBot, database: Database, ui_settings: UiSettings, new_window: NewWindow
) -> Iterator[Desk]:
    """A signed-in window with a note being written (the idle clock is the test's)."""
    account = create_owner(database, "lena", "Lena Decicco, L.Ac.", PASSWORD, argon2=FAST)
    patient = patients.create_patient(database, make_draft())
    visit = visits.create_visit(database, patient.id, VisitDraft(dt.datetime.now(dt.UTC), "Lena"))
    now = [0.0]
    window = new_window(ui_settings)
    window.clock = lambda: now[0]
    session.sign_in(account)
    window.attach_database(database, account)
    assert window.list_panel is not None
    window.list_panel.select_patient(patient.id)
    window.open_visit_note(visit.id)
    qtbot.keyClicks(window.note_panel.editor.chief_complaint, DRAFT)
    yield Desk(window, database, account, patient, visit, now)
    session.sign_out()


def is_locked(window: MainWindow) -> bool:
    """Read through a call: mypy would otherwise keep an earlier assert's narrowing."""
    return window.locked


def unlock_with(qtbot: QtBot, window: MainWindow, password: str) -> None:
    screen = window.lock_screen
    assert screen is not None
    screen.password.setText(password)
    screen.unlock_button.click()
    qtbot.waitUntil(lambda: not screen.gate.busy, timeout=20_000)


def test_idle_time_locks_the_window_and_hides_the_chart(qtbot: QtBot, desk: Desk) -> None:
    window = desk.window
    assert window.chart is not None
    name_label = window.chart.name_label
    assert name_label.isVisible()
    desk.idle_for(9)
    assert not is_locked(window)
    desk.idle_for(1.5)  # the default is 10 minutes
    assert is_locked(window)
    screen = window.lock_screen
    assert screen is not None
    assert screen.isVisible()
    assert screen.title.text() == "AcuChart is locked — Lena Decicco, L.Ac."
    assert not name_label.isVisible()
    assert not window.note_panel.isVisible()
    assert window.list_panel is not None
    assert not window.list_panel.isVisible()
    assert not window.menuBar().isEnabled()
    assert not any(action.isEnabled() for action in window.actions())
    # The draft was saved when the window locked.
    assert notes.load_note(desk.database, desk.visit.id).note.subjective.chief_complaint == DRAFT
    qtbot.waitUntil(
        lambda: list_audit(desk.database, AuditQuery(action=AuditAction.LOCK)).total == 1
    )
    entry = list_audit(desk.database, AuditQuery(action=AuditAction.LOCK)).rows[0]
    assert (entry.object, entry.account) == ("workstation", "lena")


def test_typing_or_the_mouse_keeps_the_window_open(qtbot: QtBot, desk: Desk) -> None:
    window = desk.window
    desk.idle_for(9)
    qtbot.keyClicks(window.note_panel.editor.chief_complaint, ".")
    desk.idle_for(9)
    assert not is_locked(window)
    assert window.list_panel is not None
    qtbot.mouseMove(window.list_panel, window.list_panel.rect().center())
    qtbot.mouseClick(window.list_panel.search, Qt.MouseButton.LeftButton)
    desk.idle_for(9)
    assert not is_locked(window)
    desk.idle_for(2)
    assert is_locked(window)


def test_a_wrong_password_keeps_it_locked_and_the_right_one_brings_the_draft_back(
    qtbot: QtBot, desk: Desk
) -> None:
    window = desk.window
    desk.idle_for(11)
    assert is_locked(window)
    unlock_with(qtbot, window, "not my password")
    screen = window.lock_screen
    assert screen is not None
    assert screen.message.text() == WRONG_LOGIN
    assert screen.password.text() == ""
    assert is_locked(window)
    assert window.chart is not None
    assert not window.chart.name_label.isVisible()

    unlock_with(qtbot, window, PASSWORD)
    assert not is_locked(window)
    assert window.lock_screen is None
    assert window.chart.name_label.isVisible()
    assert window.chart.name_label.text() == desk.patient.display_name
    editor = window.note_panel.editor
    assert editor.chief_complaint.isVisible()
    assert editor.chief_complaint.toPlainText() == DRAFT
    assert window.menuBar().isEnabled()
    assert window.new_visit_action.isEnabled()
    assert window.lock_action.isEnabled()
    # The watcher starts again: another idle spell locks again.
    desk.idle_for(11)
    assert is_locked(window)


def test_ctrl_l_locks_now(qtbot: QtBot, desk: Desk) -> None:
    window = desk.window
    assert window.lock_action.shortcut() == QKeySequence("Ctrl+L")
    assert window.lock_action in window.patient_menu.actions()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window.note_panel.editor.chief_complaint, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier
    )
    assert is_locked(window)
    assert window.lock_screen is not None
    assert window.lock_screen.password.hasFocus()
    window.lock_action.trigger()  # a second lock does nothing
    assert window.pages.count() == 2


def test_an_open_patient_form_is_hidden_while_locked_and_comes_back(
    qtbot: QtBot, desk: Desk
) -> None:
    window = desk.window
    window.edit_patient_action.trigger()
    form = window.open_forms[-1]
    assert form.isVisible()
    family = form.editors["family_name"]
    assert isinstance(family, QLineEdit)
    family.setText("Okafor-Eze")
    window.lock()
    assert not form.isVisible()
    assert not window.close()  # unsaved changes stay until someone unlocks
    assert window.lock_screen is not None
    assert "unsaved changes" in window.lock_screen.message.text()
    unlock_with(qtbot, window, PASSWORD)
    assert form.isVisible()
    assert family.text() == "Okafor-Eze"
    form.done(0)


def test_the_search_notes_window_is_hidden_while_locked(qtbot: QtBot, desk: Desk) -> None:
    window = desk.window
    window.open_note_search()
    dialog = window.note_search
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    window.lock()
    assert is_locked(window)
    assert not dialog.isVisible()
    unlock_with(qtbot, window, PASSWORD)
    assert dialog.isVisible()


def test_a_chart_without_accounts_never_locks(
    database: Database, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    window = new_window(ui_settings)
    window.attach_database(database)
    assert window.idle_watcher is None
    assert not window.lock_action.isEnabled()
    window.lock()
    assert not is_locked(window)


def test_a_new_auto_lock_time_from_the_accounts_dialog_applies_at_once(
    qtbot: QtBot, desk: Desk
) -> None:
    window = desk.window
    assert window.accounts_action.isEnabled()
    window.accounts_action.trigger()
    dialog = window.accounts_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert window.idle_watcher is not None
    dialog.auto_lock_changed.emit(2)  # what Save sends once the setting is stored
    assert window.idle_watcher.minutes == 2
    dialog.reject()
    desk.idle_for(2.5)
    assert is_locked(window)
