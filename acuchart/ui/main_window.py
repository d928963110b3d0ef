"""The main window: patient list on the left, the open chart on the right.

It appears before the database layer is imported; the database is opened in
the worker thread and the panels are built when it is ready. ``start`` first
asks what the chart needs (set-up, a password, nothing: ``acuchart.services.opening``);
``lock`` hides the chart behind the password again (``acuchart.ui.lock``).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from acuchart.ui import settings as keys
from acuchart.ui.backup_keeper import BackupKeeper
from acuchart.ui.messages import describe_error, open_message
from acuchart.ui.naming import named
from acuchart.ui.settings import UiSettings
from acuchart.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from acuchart.accounts import Account
    from acuchart.backups import BackupResult, BackupSummary
    from acuchart.clinic import ClinicProfile
    from acuchart.db.database import Database
    from acuchart.db.health import HealthCheck
    from acuchart.patients import PatientRecord
    from acuchart.services.opening import ChartSetUp, LoginPlan, SignedIn, StartPlan
    from acuchart.ui.bodymap.panel import BodyMapPanel
    from acuchart.ui.bodymap.progress import ProgressPanel
    from acuchart.ui.chart_view import PatientChartView
    from acuchart.ui.lock import IdleWatcher, LockScreen
    from acuchart.ui.note_search_dialog import NoteSearchDialog
    from acuchart.ui.notes.panel import NotePanel
    from acuchart.ui.notes.scores_panel import ScoresPanel
    from acuchart.ui.patient_form import PatientForm, SaveFunction
    from acuchart.ui.patient_list_panel import PatientListPanel
    from acuchart.visits import VisitSummary

APP_TITLE = "AcuChart"


def forget_module_sources() -> None:
    """Drop the source text Qt for Python's import hook reads from every module imported
    after it (to look for ``from __feature__``): megabytes nobody needs afterwards. A
    traceback reads the lines it shows again."""
    import linecache

    linecache.clearcache()


class FirstPaint(QObject):
    """Says once when ``widget`` has been painted for the first time."""

    painted = Signal()

    def __init__(self, widget: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.widget = widget
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget and event.type() == QEvent.Type.Paint:
            self.widget.removeEventFilter(self)
            self.painted.emit()
        return False


@dataclass(frozen=True)
class ListSide:
    """The list and the (empty) chart area of a chart not yet open."""

    panel: PatientListPanel
    stack: QStackedWidget
    empty: QLabel
    splitter: QSplitter


@dataclass(frozen=True)
class ChartTabs:
    note: NotePanel
    body_map: BodyMapPanel
    progress: ProgressPanel
    scores: ScoresPanel


DEMO_NOTE = "Demo chart — not encrypted"
PLAIN_NOTE = "Not encrypted"
PLAIN_LABEL = "Not encrypted: anyone with this file can read it"
DEMO_LABEL_STYLE = (
    "background: #ffe066; color: #3d3000; font-weight: 600; padding: 2px 10px; border-radius: 4px;"
)


def placeholder(text: str, name: str) -> QLabel:
    label = named(QLabel(text), name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setProperty("role", "placeholder")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class MainWindow(QMainWindow):
    def __init__(self, settings: UiSettings) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        self.settings = settings
        self.tasks = TaskRunner(self)
        self.location = ""
        self.backups = BackupKeeper(self.tasks, settings, self)
        self.backups.backed_up.connect(self._backed_up)
        self.backups.failed.connect(
            lambda message: self.show_error(self.tr("Backup failed"), message)
        )
        self.database: Database | None = None
        self.list_panel: PatientListPanel | None = None
        self._chart: PatientChartView | None = None  # see ``chart``
        self._list_side: ListSide | None = None  # see ``_build_list_side``
        self.current: PatientRecord | None = None
        self.open_forms: list[PatientForm] = []
        self.error_box: QMessageBox | None = None
        self.splitter: QSplitter | None = None
        self.closed = False
        # Signing in and locking: who is signed in, the delay after failed passwords, the clock
        # both use (tests move it), and what the lock hid.
        from acuchart.accounts import LoginThrottle

        self.account: Account | None = None
        self.throttle = LoginThrottle()
        self.clock: Callable[[], float] = time.monotonic
        self.locked = False
        self.idle_watcher: IdleWatcher | None = None
        self.lock_screen: LockScreen | None = None
        self.start_dialog: QDialog | None = None
        self._login_plan: LoginPlan | None = None  # a server or plain file open, not signed in
        self._actions_before_lock: dict[QAction, bool] = {}
        self._waiting_for_owner: SignedIn | None = None  # set up; recovery key not confirmed
        self._hidden_by_lock: list[QWidget] = []
        self._focus_before_lock: QWidget | None = None
        self._title_note = ""
        self._clinic_name = ""
        self.demo_label: QLabel | None = None
        self._chart_tabs: ChartTabs | None = None
        self.note_search: NoteSearchDialog | None = None
        self.health_check: HealthCheck | None = None
        self.health_worker: TaskRunner | None = None
        self.health_problems: list[str] | None = None  # None until the check has run

        self.status_placeholder = placeholder(self.tr("Opening the chart…"), "startupMessage")
        # Page 0 is the app (this message, then the list and chart); page 1 the lock screen.
        self.pages = named(QStackedWidget(), "windowPages")
        self.pages.addWidget(self.status_placeholder)
        self.setCentralWidget(self.pages)
        self._create_actions()
        self._update_actions()
        if not self.restoreGeometry(settings.get(keys.MAIN_WINDOW_GEOMETRY)):
            self.resize(1280, 800)
        self.restoreState(settings.get(keys.MAIN_WINDOW_STATE))

    # -- actions ------------------------------------------------------------
    def _action(
        self,
        text: str,
        name: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setToolTip(f"{text.rstrip('…')} ({QKeySequence(shortcut).toString()})")
        self.addAction(action)
        return action

    def _create_actions(self) -> None:
        self.new_patient_action = self._action(
            self.tr("New patient…"), "actionNewPatient", "Ctrl+N"
        )
        self.edit_patient_action = self._action(
            self.tr("Edit patient…"), "actionEditPatient", "Ctrl+E"
        )
        self.new_visit_action = self._action(
            self.tr("New visit…"), "actionNewVisit", "Ctrl+Shift+N"
        )
        self.export_map_action = self._action(
            self.tr("Export body map…"), "actionExportMap", "Ctrl+Shift+E"
        )
        self.print_action = self._action(
            self.tr("Print or save as PDF…"), "actionPrint", QKeySequence.StandardKey.Print
        )
        self.clinic_action = self._action(self.tr("Clinic details…"), "actionClinicDetails")
        self.handouts_action = self._action(self.tr("Handout texts…"), "actionHandoutTexts")
        self.audit_action = self._action(self.tr("Audit log…"), "actionAuditLog")
        self.accounts_action = self._action(self.tr("Accounts and security…"), "actionAccounts")
        self.backup_action = self._action(self.tr("Back up now"), "actionBackUp", "Ctrl+Shift+B")
        self.backup_folder_action = self._action(
            self.tr("Second backup folder…"), "actionBackupFolder"
        )
        self.restore_action = self._action(self.tr("Restore from a backup…"), "actionRestore")
        self.encrypt_action = self._action(self.tr("Encrypt this chart…"), "actionEncryptChart")
        self.encrypt_action.setVisible(False)  # shown for a clinic's own plain chart
        self.archive_action = self._action(self.tr("Archive"), "actionArchive")
        self.delete_action = self._action(self.tr("Delete…"), "actionDeletePatient")
        self.find_action = self._action(self.tr("Find patient"), "actionFind", "Ctrl+F")
        self.search_notes_action = self._action(
            self.tr("Search notes…"), "actionSearchNotes", "Ctrl+Shift+F"
        )
        self.lock_action = self._action(self.tr("Lock now"), "actionLock", "Ctrl+L")
        self.quit_action = self._action(
            self.tr("Quit"), "actionQuit", QKeySequence.StandardKey.Quit
        )
        self.new_patient_action.triggered.connect(self.new_patient)
        self.edit_patient_action.triggered.connect(self.edit_patient)
        self.new_visit_action.triggered.connect(self.new_visit)
        self.export_map_action.triggered.connect(self.export_body_map)
        self.print_action.triggered.connect(self.open_print_dialog)
        self.clinic_action.triggered.connect(self.edit_clinic)
        self.handouts_action.triggered.connect(self.edit_handouts)
        self.audit_action.triggered.connect(self.open_audit_log)
        self.accounts_action.triggered.connect(self.open_accounts)
        self.backup_action.triggered.connect(self.back_up_now)
        self.backup_folder_action.triggered.connect(self.choose_backup_folder)
        self.restore_action.triggered.connect(self.restore_from_backup)
        self.encrypt_action.triggered.connect(self.encrypt_chart)
        self.archive_action.triggered.connect(self.toggle_archived)
        self.delete_action.triggered.connect(self.delete_patient)
        self.find_action.triggered.connect(self.focus_search)
        self.search_notes_action.triggered.connect(self.open_note_search)
        self.lock_action.triggered.connect(self.lock)
        self.quit_action.triggered.connect(self.close)

        toolbar = self.toolbar = named(QToolBar(self.tr("Patient")), "patientToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_patient_action, self.edit_patient_action, self.new_visit_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.archive_action)
        toolbar.addAction(self.delete_action)
        self.addToolBar(toolbar)
        menu = self.patient_menu = self.menuBar().addMenu(self.tr("&Patient"))
        for action in (
            self.new_patient_action, self.edit_patient_action, self.new_visit_action,
            self.export_map_action, self.print_action, self.find_action,
            self.search_notes_action, self.archive_action, self.delete_action,
        ):  # fmt: skip
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.lock_action)
        menu.addAction(self.quit_action)
        clinic_menu = self.menuBar().addMenu(self.tr("&Clinic"))
        clinic_menu.addAction(self.clinic_action)
        clinic_menu.addAction(self.handouts_action)
        clinic_menu.addAction(self.audit_action)
        clinic_menu.addAction(self.accounts_action)
        clinic_menu.addAction(self.encrypt_action)
        clinic_menu.addSeparator()
        for action in (self.backup_action, self.backup_folder_action, self.restore_action):
            clinic_menu.addAction(action)

    def _update_actions(self) -> None:
        ready = self.database is not None
        record = self.current
        active = record is not None and not record.is_archived
        self.new_patient_action.setEnabled(ready)
        self.find_action.setEnabled(ready)
        self.search_notes_action.setEnabled(ready)
        self.clinic_action.setEnabled(ready)
        self.handouts_action.setEnabled(ready)
        self.audit_action.setEnabled(ready)
        has_file = ready and self.database is not None and self.database.path is not None
        for action in (self.backup_action, self.backup_folder_action, self.restore_action):
            action.setEnabled(has_file)
        self.edit_patient_action.setEnabled(active)
        self.new_visit_action.setEnabled(active)
        self.export_map_action.setEnabled(record is not None and record.visit_count > 0)
        self.archive_action.setEnabled(record is not None)
        self.archive_action.setText(
            self.tr("Restore") if record is not None and record.is_archived else self.tr("Archive")
        )
        self.delete_action.setEnabled(record is not None and record.visit_count == 0)
        self.print_action.setEnabled(record is not None)
        self.lock_action.setEnabled(ready and self.account is not None)
        self.encrypt_action.setEnabled(self.encrypt_action.isVisible() and has_file)
        self.accounts_action.setEnabled(ready and self.account is not None)
        if self.locked:  # a result landing while locked enables nothing
            for action in self.actions():
                action.setEnabled(False)

    # -- starting: set-up, sign-in or straight in ---------------------------
    def start(self, location: str) -> None:
        """Open the chart at ``location`` as it needs: set up a new encrypted one, ask for a
        password, or (a chart without accounts, such as the demo) open it directly."""
        # Not the sign-in dialogs: a chart without accounts needs none.
        from acuchart.services.opening import plan_start

        self.location = location
        self.status_placeholder.setText(self.tr(f"Opening the chart…\n{location}"))
        self.tasks.run(lambda: plan_start(location), self._planned, self._open_failed)
        QTimer.singleShot(0, self._prebuild_list_side)  # while the worker opens the chart

    def _planned(self, plan: StartPlan) -> None:
        from acuchart.services.opening import LoginPlan, NeedsSetup, Opened

        if self.closed:
            if isinstance(plan, LoginPlan):
                plan.close()
            elif isinstance(plan, Opened):
                plan.database.close()
            return
        if isinstance(plan, NeedsSetup):
            from acuchart.ui.login import SetupDialog

            self.status_placeholder.setText(self.tr("Setting up a new chart…"))
            setup = SetupDialog(plan.path, self.tasks, self)
            setup.created.connect(self._chart_created)
            setup.rejected.connect(self.close)
            self._open_start_dialog(setup)
        elif isinstance(plan, LoginPlan):
            from acuchart.ui.login import LoginDialog

            self.status_placeholder.setText(self.tr("Sign in to open the chart."))
            where = str(plan.path) if plan.path else self.location
            login = LoginDialog(
                plan, self.tasks, self.throttle, clock=self.clock, where=where, parent=self
            )
            login.signed_in.connect(self._signed_in)
            login.rejected.connect(self.close)
            self._login_plan = plan
            self._open_start_dialog(login)
        else:
            self.attach_database(plan.database)
            if plan.unencrypted_file:
                self.mark_unencrypted(demo=plan.demo)

    def _open_start_dialog(self, dialog: QDialog) -> None:
        self.start_dialog = dialog
        dialog.open()

    def _chart_created(self, made: ChartSetUp) -> None:
        """The new chart is open: show the recovery key once, then sign the owner in."""
        from acuchart.services.opening import SignedIn
        from acuchart.ui.login import RecoveryKeyDialog

        self._waiting_for_owner = SignedIn(made.database, made.account)
        dialog = RecoveryKeyDialog(made.recovery_key, made.clinic_name, self)
        dialog.accepted.connect(self._recovery_key_kept)
        self._open_start_dialog(dialog)

    def _recovery_key_kept(self) -> None:
        signed, self._waiting_for_owner = self._waiting_for_owner, None
        if signed is not None:
            self._signed_in(signed)

    def _signed_in(self, signed: SignedIn) -> None:
        from acuchart import session

        self.start_dialog = self._login_plan = None
        if self.closed:
            signed.database.close()
            return
        session.sign_in(signed.account)
        self.attach_database(signed.database, signed.account)
        if signed.database.path is not None and not signed.database.encrypted:
            self.mark_unencrypted(demo=False)  # a plain file with accounts
        # The sign-in dialog has gone: give the keyboard back to the window (some desktops
        # leave no window active after a modal dialog closes, and shortcuts then do nothing).
        self.raise_()
        self.activateWindow()

    def mark_unencrypted(self, *, demo: bool) -> None:
        """A chart file anyone can read: say so in the title and the status bar. A clinic's
        own chart without accounts (made before encryption) can be encrypted from here."""
        self._title_note = self.tr(DEMO_NOTE if demo else PLAIN_NOTE)
        self._set_title(self._clinic_name)
        if self.demo_label is None:
            self.demo_label = named(QLabel(), "demoLabel")
            self.demo_label.setStyleSheet(DEMO_LABEL_STYLE)
            self.statusBar().addPermanentWidget(self.demo_label)
        self.demo_label.setText(self.tr(DEMO_NOTE if demo else PLAIN_LABEL))
        can_encrypt = not demo and self.account is None
        self.demo_label.setToolTip(
            self.tr("Clinic → Encrypt this chart… sets a password.") if can_encrypt else ""
        )
        self.encrypt_action.setVisible(can_encrypt)
        self._update_actions()

    def _marked_encrypted(self) -> None:
        self._title_note = ""
        self._set_title(self._clinic_name)
        if self.demo_label is not None:
            self.statusBar().removeWidget(self.demo_label)
            self.demo_label.deleteLater()
            self.demo_label = None
        self.encrypt_action.setVisible(False)

    def _set_title(self, clinic: str) -> None:
        self._clinic_name = clinic
        parts = [APP_TITLE, clinic, self._title_note]
        self.setWindowTitle(" — ".join(part for part in parts if part))

    # -- opening the database ----------------------------------------------
    def open_database_in_background(self, location: str) -> None:
        """Open the chart as it is, without asking for anything (``start`` decides first)."""

        def job() -> Database:
            from acuchart.db.database import open_database

            return open_database(location, quick_check=False)

        self.location = location
        self.status_placeholder.setText(self.tr(f"Opening the chart…\n{location}"))
        self.tasks.run(job, self.attach_database, self._open_failed)

    def _open_failed(self, error: BaseException) -> None:
        from acuchart.db.errors import DatabaseOpenError

        if isinstance(error, DatabaseOpenError):
            message = str(error)
        else:
            message = self.tr(f"The chart could not be opened: {error}")
        self.status_placeholder.setText(message)
        self.offer_newest_backup(message)
        self.show_error(self.tr("Cannot open the chart"), message)

    def show_error(self, title: str, message: str) -> None:
        """A non-blocking error box the user closes; kept in ``error_box`` for tests."""
        self.error_box = open_message(self, title, message, "errorBox", critical=True)

    def attach_database(self, database: Database, account: Account | None = None) -> None:
        """Show the list and chart now that the database is open; ``account`` is who signed
        in (None for a chart without accounts: then nothing locks)."""
        if self.closed:  # closed while the worker was still opening it
            database.close()
            return
        from acuchart.services.clinic import CLINIC_NAME, get_setting
        from acuchart.services.patients import search_patients

        side = self._list_side or self._build_list_side()
        self._list_side = None
        forget_module_sources()
        self.database = database
        self.account = account
        self.backups.start(database.path, database.key)
        self._set_title(get_setting(database, CLINIC_NAME))
        self.list_panel, self.chart_stack, self.no_patient = side.panel, side.stack, side.empty
        self.splitter = side.splitter
        self._chart = None  # built once the list is on screen (see ``chart``)
        self._chart_tabs = None  # the note, body map, progress and scores tabs: built on demand
        side.panel.open(lambda query: search_patients(database, query))
        self.pages.setCurrentWidget(self.splitter)
        self.pages.removeWidget(self.status_placeholder)
        self.statusBar().showMessage(self.tr(f"Database: {database.display_name}"))
        self.list_panel.currentPatientChanged.connect(self.show_patient)
        self.list_panel.patientActivated.connect(self.open_chart)
        if account is not None:
            self._watch_idle(database)
        self._update_actions()
        self.list_panel.focus_search()
        self.return_to_open_draft()
        # The file's check and the chart's tabs start once the list is on screen, while the
        # first name is typed: the check reads the whole file, and would compete with the
        # list's first page for the disk and the interpreter.
        self._after_first_paint = FirstPaint(self.list_panel.table.viewport(), self)
        self._after_first_paint.painted.connect(
            lambda: QTimer.singleShot(0, lambda: self._after_list_shown(database))
        )

    def _after_list_shown(self, database: Database) -> None:
        from acuchart.collector import end_of_start

        if database is self.database and not self.closed:
            self.check_health(database)
        self._prepare_chart_tabs()
        end_of_start()  # what the start made is kept for good (see acuchart.ui.app)

    def _prebuild_list_side(self) -> None:
        if self._list_side is None and self.database is None and not self.closed:
            self._list_side = self._build_list_side()

    def _build_list_side(self) -> ListSide:
        """The patient list, the empty chart area and the splitter, made before the database
        is open: the GUI thread builds them while the worker imports and opens (a start's
        critical path); hidden behind the opening message until ``attach_database``."""
        from acuchart.ui.patient_list_model import PatientListModel
        from acuchart.ui.patient_list_panel import PatientListPanel

        model = PatientListModel(None, self)
        panel = PatientListPanel(model)
        stack = named(QStackedWidget(), "chartStack")
        empty = placeholder(
            self.tr("Find a patient on the left, or add one with New patient (Ctrl+N)."),
            "noPatientMessage",
        )
        stack.addWidget(empty)
        splitter = named(QSplitter(Qt.Orientation.Horizontal), "mainSplitter")
        splitter.addWidget(panel)
        splitter.addWidget(stack)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([560, 720])
        splitter.restoreState(self.settings.get(keys.MAIN_SPLITTER))
        show_archived = self.settings.get(keys.SHOW_ARCHIVED)
        panel.show_archived.setChecked(show_archived)
        model.set_include_archived(show_archived)
        panel.show_archived.toggled.connect(
            lambda checked: self.settings.set(keys.SHOW_ARCHIVED, checked)
        )
        self.pages.insertWidget(0, splitter)  # behind the opening message until attached
        return ListSide(panel, stack, empty, splitter)

    @property
    def chart(self) -> PatientChartView | None:
        """The open patient's chart (None until a database is attached), built the first time
        it is needed: after the list is on screen, or when a patient is opened sooner."""
        if self._chart is None and self.database is not None and self.list_panel is not None:
            from acuchart.ui.chart_view import PatientChartView

            chart = self._chart = PatientChartView()
            self.chart_stack.addWidget(chart)
            chart.splitter.restoreState(self.settings.get(keys.CHART_SPLITTER))
            chart.visitOpened.connect(self.open_visit_note)
            chart.newVisitRequested.connect(self.new_visit)
            chart.editRequested.connect(self.edit_patient)
        return self._chart

    def _prepare_chart_tabs(self) -> None:
        if self.database is not None and self.chart is not None and not self.closed:
            self.chart_tabs()

    def chart_tabs(self) -> ChartTabs:
        """The note, body map, progress and scores tabs, built the first time they are needed."""
        if self._chart_tabs is None:
            assert self.database is not None
            assert self.chart is not None
            self._chart_tabs = self._build_chart_tabs(self.database, self.chart)
            forget_module_sources()
        return self._chart_tabs

    def _build_chart_tabs(self, database: Database, chart: PatientChartView) -> ChartTabs:
        from acuchart.ui.bodymap.panel import BodyMapPanel
        from acuchart.ui.bodymap.progress import ProgressPanel
        from acuchart.ui.notes.panel import NotePanel
        from acuchart.ui.notes.scores_panel import ScoresPanel

        note = NotePanel(database, self.tasks)
        body_map = BodyMapPanel(database, self.tasks)
        progress = ProgressPanel(database, self.tasks)
        scores = ScoresPanel(database, self.tasks)
        tabs = ChartTabs(note, body_map, progress, scores)
        chart.add_tab(note, self.tr("Note"))
        chart.add_tab(body_map, self.tr("Body map"))
        chart.add_tab(progress, self.tr("Progress"))
        chart.add_tab(scores, self.tr("Scores"))
        note.signed.connect(self._visit_signed)
        note.saved.connect(self._remember_draft)
        note.saved.connect(lambda *_: scores.mark_stale())
        note.saved.connect(self._refresh_needled_points)
        body_map.saved.connect(lambda _: progress.mark_stale())
        self._add_tab_shortcuts()
        self.patient_menu.addAction(note.sign_action)
        if self.account is not None:
            note.signed_by = self.account.display_name
        if self.locked:
            note.sign_action.setEnabled(False)
        if self.current is not None:  # a patient shown before the tabs were built
            self._show_in_tabs(tabs, self.current)
        return tabs

    @property
    def note_panel(self) -> NotePanel:
        return self.chart_tabs().note

    @property
    def body_map_panel(self) -> BodyMapPanel:
        return self.chart_tabs().body_map

    @property
    def progress_panel(self) -> ProgressPanel:
        return self.chart_tabs().progress

    @property
    def scores_panel(self) -> ScoresPanel:
        return self.chart_tabs().scores

    def check_health(self, database: Database) -> None:
        """SQLite's quick_check, in a thread of its own: it reads the whole file, and the
        chart is usable meanwhile. Damage stops the chart (nothing more is written to the
        file) and offers the newest good backup; a sound file gets fresh planner statistics."""
        from acuchart.db.health import HealthCheck

        if database.path is None:
            return
        check = self.health_check = HealthCheck(database.path, database.key)
        if self.health_worker is None:
            self.health_worker = TaskRunner(self)
        self.health_worker.run(
            check.check_and_refresh,
            lambda problems: self._checked(database, problems),
            lambda error: self._checked(database, [describe_error(error)]),
        )

    def _checked(self, database: Database, problems: list[str]) -> None:
        from acuchart.db.health import damage_error

        self.health_problems = problems
        if not problems or database is not self.database or database.path is None:
            return
        message = str(damage_error(database.path, problems))
        self.backups.start(None)  # no backup is made of a damaged file
        self.database = None
        database.close()
        if self.splitter is not None:
            self.splitter.setEnabled(False)
        self.status_placeholder = placeholder(message, "damagedMessage")
        self.pages.addWidget(self.status_placeholder)
        self.pages.setCurrentWidget(self.status_placeholder)
        self._update_actions()
        self.offer_newest_backup(message, key=database.key)
        self.show_error(self.tr("The chart is damaged"), message)

    # -- showing a patient --------------------------------------------------
    def show_patient(self, patient_id: int | None) -> None:
        from acuchart.errors import RecordNotFoundError
        from acuchart.services.patients import get_patient
        from acuchart.services.visits import list_visits

        assert self.database is not None
        assert self.chart is not None
        shown_before = self.current.id if self.current is not None else None
        self.current = None
        if patient_id is not None:
            try:
                self.current = get_patient(self.database, patient_id)
            except RecordNotFoundError:
                self.current = None
        if self.current is None:
            self.chart_stack.setCurrentWidget(self.no_patient)
        else:
            visits = list_visits(self.database, self.current.id)
            self.chart.show_patient(self.current, visits)
            self._show_in_tabs(self.chart_tabs(), self.current, visits)
            self.chart_stack.setCurrentWidget(self.chart)
            if self.current.id != shown_before:  # a refresh after a save is not a new view
                self._record_view(self.current.id)
        self._update_actions()

    def _show_in_tabs(
        self, tabs: ChartTabs, record: PatientRecord, visits: list[VisitSummary] | None = None
    ) -> None:
        if visits is None:
            from acuchart.services.visits import list_visits

            assert self.database is not None
            visits = list_visits(self.database, record.id)
        tabs.note.show_visits(visits)
        tabs.body_map.show_visits(visits, patient_name=record.display_name)
        tabs.progress.show_patient(record.id, record.limbs_affected)
        tabs.scores.show_patient(record.id)

    def _record_view(self, patient_id: int) -> None:
        """Each chart opened is in the audit log (in the worker: the chart does not wait)."""
        from acuchart.audit import AuditAction
        from acuchart.services.audit import record_now

        database = self.database
        if database is None:
            return
        self.tasks.run(
            lambda: record_now(
                database,
                AuditAction.VIEW_CHART,
                patient_id=patient_id,
                object=f"patient {patient_id}",
            ),
            lambda _: None,
            lambda error: self.statusBar().showMessage(
                self.tr(f"The audit log could not record this view: {describe_error(error)}"), 8000
            ),
        )

    def open_chart(self, patient_id: int) -> None:
        """Enter on a patient: show the chart and move the keyboard into it."""
        if self.current is None or self.current.id != patient_id:
            self.show_patient(patient_id)
        if self.chart is not None and self.current is not None:
            self.chart.tabs.setCurrentIndex(0)  # the visits table lives on the overview
            self.chart.visits_table.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_visit_note(self, visit_id: int) -> None:
        """Enter on a visit: write its note, starting with the subjective section."""
        if self.chart is None:
            return
        self.note_panel.open_visit(visit_id)
        self.chart.tabs.setCurrentWidget(self.note_panel)
        self.note_panel.editor.chief_complaint.setFocus(Qt.FocusReason.OtherFocusReason)

    def _visit_signed(self, visit_id: int) -> None:
        """The list shows the visit signed and the body map locks with it."""
        self.settings.set(keys.OPEN_DRAFT, "")
        if self.current is None:
            return
        from acuchart.services.visits import list_visits

        assert self.database is not None
        visits = list_visits(self.database, self.current.id)
        assert self.chart is not None
        self.chart.show_patient(self.current, visits)
        self.body_map_panel.visit = None
        self.body_map_panel.show_visits(
            visits, current=visit_id, patient_name=self.current.display_name
        )
        self.note_panel.retitle_visits(visits)
        self.scores_panel.mark_stale()
        self.statusBar().showMessage(self.tr("Note signed."), 5000)

    def _remember_draft(self, visit_id: int) -> None:
        """Reopening the app returns to the draft being written."""
        if self.current is not None:
            self.settings.set(keys.OPEN_DRAFT, f"{self.current.id}:{visit_id}")

    def return_to_open_draft(self) -> None:
        """At start: open the chart and note that were being written when the app last closed."""
        value = self.settings.get(keys.OPEN_DRAFT)
        if not value or self.database is None or self.list_panel is None:
            return
        from acuchart.errors import RecordNotFoundError
        from acuchart.services.notes import load_note

        try:
            patient_id, visit_id = (int(part) for part in value.split(":"))
            state = load_note(self.database, visit_id)
        except (ValueError, RecordNotFoundError):
            self.settings.set(keys.OPEN_DRAFT, "")
            return
        if state.is_signed or state.visit.patient_id != patient_id:
            return
        self.list_panel.select_patient(patient_id)
        self.show_patient(patient_id)
        self.open_visit_note(visit_id)

    def open_visit_map(self, visit_id: int) -> None:
        """Enter on a visit: chart its body map."""
        if self.chart is None:
            return
        self.body_map_panel.open_visit(visit_id)
        self.chart.tabs.setCurrentWidget(self.body_map_panel)
        self.body_map_panel.editor.canvas.setFocus(Qt.FocusReason.OtherFocusReason)

    def _refresh_needled_points(self, visit_id: int) -> None:
        """Points typed in the note show on that visit's body map without reopening it."""
        from acuchart.services.notes import needled_points

        shown = self.body_map_panel.visit
        if self.database is None or shown is None or shown.id != visit_id:
            return
        database = self.database
        self.tasks.run(
            lambda: needled_points(database, visit_id),
            lambda codes: self._show_needled(visit_id, codes),
            lambda _error: None,  # the map keeps its last points; the next open reloads them
        )

    def _show_needled(self, visit_id: int, codes: frozenset[str]) -> None:
        shown = self.body_map_panel.visit
        if shown is not None and shown.id == visit_id:
            self.body_map_panel.editor.set_needled_points(codes)

    def _add_tab_shortcuts(self) -> None:
        """Ctrl+1 … Ctrl+5 bring a chart tab forward and put the keyboard in it."""
        assert self.chart is not None
        for index in range(self.chart.tabs.count()):
            title = self.chart.tabs.tabText(index).replace("&", "")
            action = self._action(
                self.tr(f"Show {title}"), f"actionTab{index + 1}", f"Ctrl+{index + 1}"
            )
            action.triggered.connect(lambda _=False, i=index: self.show_chart_tab(i))

    def show_chart_tab(self, index: int) -> None:
        if self.chart is None or self.current is None:
            return
        widget = self.chart.tabs.widget(index)
        if widget is self.body_map_panel and self.note_panel.visit is not None:
            self.open_visit_map(self.note_panel.visit.id)
            return
        if widget is self.note_panel and self.note_panel.visit is not None:
            self.open_visit_note(self.note_panel.visit.id)
            return
        self.chart.tabs.setCurrentIndex(index)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def export_body_map(self) -> None:
        """Save the shown visit's body map as a picture (the newest visit when none is open)."""
        if self.chart is not None and self.current is not None:
            self.body_map_panel.ask_export()

    def open_print_dialog(self) -> None:
        """Print or save a document of the open chart; the open or selected visit is the default."""
        from acuchart.ui.print_dialog import PrintDialog

        record = self.current
        if self.database is None or record is None or self.chart is None:
            return
        visit_id = None
        if self.note_panel.visit is not None and self.note_panel.visit.patient_id == record.id:
            visit_id = self.note_panel.visit.id
        else:
            visit_id = self.chart.selected_visit_id()
        self.print_dialog = PrintDialog(
            self.database, self.tasks, record.id, record.display_name, visit_id, self
        )
        self.print_dialog.open()

    def edit_clinic(self) -> None:
        from acuchart.ui.clinic_dialog import ClinicDialog

        if self.database is None:
            return
        self.clinic_dialog = ClinicDialog(self.database, self.tasks, self)
        self.clinic_dialog.saved.connect(self._show_clinic_name)
        self.clinic_dialog.open()

    def _show_clinic_name(self, profile: ClinicProfile) -> None:
        self._set_title(profile.name)

    def open_accounts(self) -> None:
        from acuchart.ui.accounts_dialog import AccountsDialog

        if self.database is None or self.account is None:
            return
        self.accounts_dialog = AccountsDialog(self.database, self.tasks, self.account, self)
        self.accounts_dialog.auto_lock_changed.connect(self._auto_lock_changed)
        self.accounts_dialog.open()

    def _auto_lock_changed(self, minutes: int) -> None:
        """The owner saved a new auto-lock time: it applies from the watcher's next check."""
        if self.idle_watcher is not None:
            self.idle_watcher.minutes = minutes

    def open_audit_log(self) -> None:
        from acuchart.ui.audit_viewer import AuditViewer

        if self.database is None:
            return
        self.audit_viewer = AuditViewer(self.database, self.tasks, self)
        self.audit_viewer.open()

    def open_note_search(self) -> None:
        from acuchart.ui.note_search_dialog import NoteSearchDialog

        if self.database is None:
            return
        if self.note_search is None or self.note_search.database is not self.database:
            self.note_search = NoteSearchDialog(self.database, self)
            self.note_search.visit_chosen.connect(self.show_visit_note)
        self.note_search.show()
        self.note_search.raise_()
        self.note_search.activateWindow()
        self.note_search.search.setFocus(Qt.FocusReason.OtherFocusReason)
        self.note_search.search.selectAll()

    def show_visit_note(self, patient_id: int, visit_id: int) -> None:
        """A note found by search: that patient's chart, open at that visit's note."""
        if self.current is None or self.current.id != patient_id:
            self.show_patient(patient_id)
        if self.current is not None and self.current.id == patient_id:
            self.open_visit_note(visit_id)

    def edit_handouts(self) -> None:
        from acuchart.ui.handout_editor import HandoutEditor

        if self.database is None:
            return
        self.handout_editor = HandoutEditor(self.database, self.tasks, self)
        self.handout_editor.open()

    # -- backups -------------------------------------------------------------
    def back_up_now(self) -> None:
        self.statusBar().showMessage(self.tr("Backing up…"))
        self.backups.back_up_now()

    def _backed_up(self, results: list[BackupResult]) -> None:
        main = results[0]
        where = " and ".join(str(result.path.parent) for result in results)
        self.statusBar().showMessage(
            self.tr(
                f"Backed up {main.summary.patients} patients and {main.summary.visits} visits "
                f"to {where}."
            ),
            8000,
        )

    def choose_backup_folder(self) -> None:
        from acuchart.ui import file_dialogs

        chosen = file_dialogs.ask_folder(
            self, self.tr("A second folder for backups"), self.backups.second_folder
        )
        if chosen:
            self.settings.set(keys.BACKUP_SECOND_FOLDER, chosen)
            self.back_up_now()

    def restore_from_backup(self) -> None:
        """Choose a backup, see what it holds, then replace the chart with it and close."""
        from acuchart.backups import default_backup_folder, describe_backup
        from acuchart.ui import file_dialogs

        if self.database is None or self.database.path is None:
            return
        chosen = file_dialogs.ask_open_path(
            self,
            self.tr("Restore from a backup"),
            self.tr("AcuChart backups (*.db)"),
            default_backup_folder(self.database.path),
        )
        if not chosen:
            return
        key = self.database.key
        self.tasks.run(
            lambda: describe_backup(Path(chosen), key=key),
            self._confirm_restore,
            lambda error: self.show_error(self.tr("Not restored"), describe_error(error)),
        )

    def _confirm_restore(self, summary: BackupSummary) -> None:
        newest = (
            f"{summary.newest_visit_at.astimezone():%d %b %Y}" if summary.newest_visit_at else "—"
        )
        made = f"{summary.made_at.astimezone():%d %b %Y, %H:%M}" if summary.made_at else "unknown"
        answer = QMessageBox.question(
            self,
            self.tr("Restore this backup?"),
            self.tr(
                f"{summary.path.name}\nmade {made}\n\n{summary.patients} patients, "
                f"{summary.visits} visits, newest visit {newest}.\n\nThe chart as it is now "
                "is kept as a safety copy in the backups folder. AcuChart closes after the "
                "restore; start it again to open the restored chart."
            ),
        )
        if answer != QMessageBox.StandardButton.Yes or self.database is None:
            return
        self.restore_now(summary.path)

    def restore_now(self, backup: Path) -> None:
        from acuchart.backups import restore_backup

        if self.database is None or self.database.path is None:
            return
        target, key = self.database.path, self.database.key
        if self._chart_tabs is not None:
            self.note_panel.flush()
        self.backups.start(None)  # nothing of the old chart is copied over the restored one
        self.database.close()  # the restore refuses a database still open
        self.database = None
        self._update_actions()
        now = dt.datetime.now(dt.UTC)
        self.tasks.run(
            lambda: restore_backup(backup, target, now=now, key=key),
            self._restored,
            lambda error: self.show_error(self.tr("Not restored"), describe_error(error)),
        )

    def _restored(self, safety: Path | None) -> None:
        kept = self.tr(f"\n\nThe chart as it was is kept in {safety}.") if safety else ""
        QMessageBox.information(
            self,
            self.tr("Restored"),
            self.tr(f"The backup was restored. Start AcuChart again to open it.{kept}"),
        )
        self.close()

    def offer_newest_backup(self, problem: str, key: bytes | None = None) -> None:
        """The chart would not open, or is damaged: offer the newest good backup (the file
        stays as it is). ``key``: the data key of an encrypted chart, which opens its
        backups."""
        from acuchart.backups import database_file, default_backup_folder, newest_good_backup

        try:
            path = database_file(self.location)
        except Exception:
            return  # a server database: its own backups apply
        folder = default_backup_folder(path)
        if not folder.is_dir():
            return
        self.tasks.run(
            lambda: newest_good_backup(folder, key=key),
            lambda found: self._offer(found, path, problem, key),
            lambda _error: None,
        )

    def _offer(
        self, found: BackupSummary | None, target: Path, problem: str, key: bytes | None = None
    ) -> None:
        from acuchart.backups import restore_backup
        from acuchart.ui.backup_offer import ask_to_restore

        if found is None or self.closed or not ask_to_restore(self, problem, found):
            return
        now = dt.datetime.now(dt.UTC)
        self.status_placeholder.setText(self.tr("Restoring the backup…"))
        self.tasks.run(
            lambda: restore_backup(found.path, target, now=now, key=key),
            lambda _safety: self.start(self.location),
            lambda error: self.status_placeholder.setText(describe_error(error)),
        )

    # -- encrypting a plain chart ---------------------------------------------
    def encrypt_chart(self) -> None:
        """Back up, encrypt and reopen this plain chart, with a new owner."""
        from acuchart.ui.encrypt_dialog import EncryptChartDialog

        database = self.database
        if database is None or database.path is None or database.encrypted:
            return
        if self.open_forms:
            self.show_error(
                self.tr("Not encrypted"),
                self.tr("Save or close the open patient forms first, then encrypt the chart."),
            )
            return
        dialog = self.encrypt_dialog = EncryptChartDialog(database.path, self.tasks, self)
        dialog.releasing.connect(self._release_for_encryption)
        dialog.kept_plain.connect(self._encryption_failed)
        dialog.created.connect(self._chart_encrypted)
        dialog.open()

    def _release_for_encryption(self) -> None:
        """The file is about to be replaced: the last words typed are saved and every
        connection to it is closed (nothing is written while it is encrypted)."""
        if self._chart_tabs is not None:
            self.note_panel.flush()
        self.backups.start(None)
        if self.database is not None:
            self.database.close()

    def _encryption_failed(self) -> None:
        if self.database is not None:  # the plain chart, as it was: its engine reconnects
            self.database.reopen()
            self.backups.start(self.database.path, None)

    def _chart_encrypted(self, made: ChartSetUp) -> None:
        """Every panel keeps its ``Database``, now the encrypted chart; the recovery key is
        shown once, then the owner is signed in."""
        from acuchart.services.opening import SignedIn
        from acuchart.ui.login import RecoveryKeyDialog

        if self.database is None:
            made.database.close()
            return
        self.database.take_over(made.database)
        self._waiting_for_owner = SignedIn(self.database, made.account)
        dialog = self.recovery_dialog = RecoveryKeyDialog(made.recovery_key, made.clinic_name, self)
        dialog.accepted.connect(self._encrypted_owner_kept_key)
        dialog.open()

    def _encrypted_owner_kept_key(self) -> None:
        from acuchart import session

        signed, self._waiting_for_owner = self._waiting_for_owner, None
        if signed is None or self.database is None:
            return
        session.sign_in(signed.account)
        self.account = signed.account
        self._marked_encrypted()
        self.backups.start(self.database.path, self.database.key)
        if self.chart is not None:
            self.note_panel.signed_by = signed.account.display_name
        self._watch_idle(self.database)
        self._update_actions()
        self.statusBar().showMessage(
            self.tr("The chart is encrypted. AcuChart will ask for your password from now on."),
            10_000,
        )

    def focus_search(self) -> None:
        if self.list_panel is not None:
            self.list_panel.focus_search()

    def reload_patient(self, patient_id: int) -> None:
        """Refresh the list and show ``patient_id``, clearing a search that would hide them."""
        assert self.list_panel is not None
        self.list_panel.refresh(keep_patient=patient_id)
        if self.list_panel.current_patient_id() != patient_id:
            self.list_panel.search.clear()
            self.list_panel.select_patient(patient_id)
        self.show_patient(patient_id)

    # -- patient actions ----------------------------------------------------
    def new_patient(self) -> None:
        from acuchart.services.patients import create_patient

        database = self.database
        if database is None:
            return
        self._open_form(lambda draft: create_patient(database, draft), None)

    def edit_patient(self) -> None:
        from acuchart.services.patients import update_patient

        database, record = self.database, self.current
        if database is None or record is None or record.is_archived:
            return
        self._open_form(
            lambda draft: update_patient(database, record.id, draft, read_at=record.updated_at),
            record,
        )

    def _open_form(self, save: SaveFunction, record: PatientRecord | None) -> None:
        from acuchart.ui.patient_form import PatientForm

        form = PatientForm(save, record, parent=self)
        form.restoreGeometry(self.settings.get(keys.PATIENT_FORM_GEOMETRY))
        self.open_forms.append(form)

        def finished() -> None:
            self.settings.set(keys.PATIENT_FORM_GEOMETRY, form.saveGeometry())
            if form in self.open_forms:
                self.open_forms.remove(form)
            if form.saved_record is not None:
                self.reload_patient(form.saved_record.id)
                self.statusBar().showMessage(
                    self.tr(f"Saved {form.saved_record.display_name}."), 5000
                )
            form.deleteLater()

        form.finished.connect(finished)
        form.open()

    def new_visit(self) -> None:
        from acuchart.services.visits import create_visit
        from acuchart.ui.visit_dialog import NewVisitDialog

        database, record = self.database, self.current
        if database is None or record is None or record.is_archived:
            return
        dialog = NewVisitDialog(
            record,
            lambda draft: create_visit(database, record.id, draft),
            self._default_practitioner(),
            parent=self,
        )

        def finished() -> None:
            if dialog.created is not None:
                self.settings.set(keys.PRACTITIONER_NAME, dialog.created.practitioner_name)
                self.reload_patient(record.id)
                self.open_visit_note(dialog.created.id)
                self.statusBar().showMessage(self.tr("Visit started."), 5000)
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    def _default_practitioner(self) -> str:
        """The signed-in account; else who charted last at this desk; on a new desk, the
        clinic's first practitioner."""
        if self.account is not None:
            return self.account.display_name
        remembered = str(self.settings.get(keys.PRACTITIONER_NAME) or "")
        if remembered or self.database is None:
            return remembered
        from acuchart.services.clinic import load_clinic_profile

        listed = load_clinic_profile(self.database).practitioner_list
        return listed[0] if listed else ""

    def toggle_archived(self) -> None:
        from acuchart.services.patients import set_archived

        record = self.current
        if self.database is None or record is None or self.list_panel is None:
            return
        updated = set_archived(self.database, record.id, not record.is_archived)
        verb = "Archived" if updated.is_archived else "Restored"
        self.list_panel.refresh(keep_patient=updated.id)
        self.show_patient(self.list_panel.current_patient_id())
        self.statusBar().showMessage(self.tr(f"{verb} {updated.display_name}."), 5000)

    def delete_patient(self) -> None:
        from acuchart.errors import ChartError
        from acuchart.services.patients import delete_patient

        record = self.current
        if self.database is None or record is None or self.list_panel is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete patient"),
            self.tr(
                f"Delete {record.display_name} (born {record.date_of_birth}) for good?\n\n"
                "Only a patient entered by mistake, with no visits, can be deleted."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            delete_patient(self.database, record.id)
        except ChartError as error:
            self.show_error(self.tr("Not deleted"), str(error))
            return
        self.list_panel.refresh()
        self.show_patient(self.list_panel.current_patient_id())
        self.statusBar().showMessage(self.tr(f"Deleted {record.display_name}."), 5000)

    # -- locking ------------------------------------------------------------
    def _watch_idle(self, database: Database) -> None:
        from acuchart.services.accounts import get_auto_lock_minutes
        from acuchart.ui.lock import IdleWatcher

        minutes = get_auto_lock_minutes(database)
        if self.idle_watcher is None:
            self.idle_watcher = IdleWatcher(minutes, clock=self.clock, parent=self)
            self.idle_watcher.idle.connect(self.lock)
        self.idle_watcher.minutes = minutes
        self.idle_watcher.start()

    def lock(self) -> None:
        """Hide every patient detail behind the password; drafts are saved, forms kept."""
        from acuchart.services.accounts import authenticate
        from acuchart.ui.lock import LockScreen, hide_windows_over

        database, account = self.database, self.account
        if self.locked or database is None or account is None or self.splitter is None:
            return
        if self._chart_tabs is not None:
            self.note_panel.flush()
        self.locked = True
        if self.idle_watcher is not None:
            self.idle_watcher.pause()
        self._focus_before_lock = QApplication.focusWidget()
        self._hidden_by_lock = hide_windows_over(self)
        self.statusBar().clearMessage()  # "Saved <patient>." and the like
        self._actions_before_lock = {action: action.isEnabled() for action in self.actions()}
        self.menuBar().setEnabled(False)
        self.toolbar.setEnabled(False)
        self.splitter.setEnabled(False)
        self._update_actions()
        login = account.login
        self.lock_screen = LockScreen(
            account,
            lambda password: authenticate(database, login, password),
            self.tasks,
            self.throttle,
            clock=self.clock,
        )
        self.lock_screen.unlocked.connect(self.unlock)
        self.pages.addWidget(self.lock_screen)
        self.pages.setCurrentWidget(self.lock_screen)
        self.lock_screen.password.setFocus(Qt.FocusReason.OtherFocusReason)
        self.tasks.run(
            lambda: self._record_lock(database),
            lambda _: None,
            lambda error: self.lock_screen_message(
                self.tr(f"The audit log could not record the lock: {describe_error(error)}")
            ),
        )

    @staticmethod
    def _record_lock(database: Database) -> None:
        from acuchart.audit import AuditAction
        from acuchart.services.audit import record_now

        record_now(database, AuditAction.LOCK, object="workstation")

    def lock_screen_message(self, text: str) -> None:
        if self.lock_screen is not None:
            self.lock_screen.message.setText(text)
            self.lock_screen.message.show()

    def unlock(self, account: Account) -> None:
        """The password was right: everything back as it was."""
        import shiboken6

        from acuchart.ui.lock import show_again

        if not self.locked or self.splitter is None:
            return
        self.locked = False
        self.account = account
        screen, self.lock_screen = self.lock_screen, None
        self.pages.setCurrentWidget(self.splitter)
        if screen is not None:
            self.pages.removeWidget(screen)
            screen.deleteLater()
        self.splitter.setEnabled(True)
        self.menuBar().setEnabled(True)
        self.toolbar.setEnabled(True)
        for action, enabled in self._actions_before_lock.items():
            action.setEnabled(enabled)
        self._actions_before_lock = {}
        self._update_actions()
        show_again(self._hidden_by_lock)
        self._hidden_by_lock = []
        focus, self._focus_before_lock = self._focus_before_lock, None
        if focus is not None and shiboken6.isValid(focus) and focus.isVisible():
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.database is not None:
            self._watch_idle(self.database)

    # -- closing ------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self._waiting_for_owner is not None:  # the recovery key is not confirmed yet
            event.ignore()
            return
        if self.locked and any(form.is_dirty() for form in self.open_forms):
            self.lock_screen_message(
                self.tr("A patient form has unsaved changes: unlock to save or discard them.")
            )
            event.ignore()
            return
        for form in list(self.open_forms):
            if not form.confirm_close():
                event.ignore()
                return
            if form.isVisible():  # saving from the prompt has already closed it
                form.done(0)
        if self._chart_tabs is not None:
            self.note_panel.flush()  # the last words typed are written before the app goes
        if self.database is not None and (problem := self.backups.back_up_at_close()):
            QMessageBox.warning(
                self, self.tr("Backup failed"), self.tr(f"The closing backup failed: {problem}")
            )
        self.settings.set(keys.MAIN_WINDOW_GEOMETRY, self.saveGeometry())
        self.settings.set(keys.MAIN_WINDOW_STATE, self.saveState())
        if self.splitter is not None:
            self.settings.set(keys.MAIN_SPLITTER, self.splitter.saveState())
        if self._chart is not None:
            self.settings.set(keys.CHART_SPLITTER, self._chart.splitter.saveState())
        self.settings.sync()
        self.closed = True
        if self._login_plan is not None:  # closed at the sign-in: what was opened is closed
            self._login_plan.close()
            self._login_plan = None
        if self.idle_watcher is not None:
            self.idle_watcher.stop()
        if self.health_check is not None:
            self.health_check.cancel()  # a check of a big file must not hold the app open
        self.tasks.shutdown()
        if self.database is not None:
            self.database.close()
        if self.account is not None:
            from acuchart import session

            session.sign_out()
        event.accept()
