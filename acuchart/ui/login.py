"""Getting into the chart: first set-up, the recovery key, sign-in and password recovery.

The dialogs stay thin: each user action is one call of a plain function of
``acuchart.services.opening`` (``set_up_chart``, ``LoginPlan.sign_in``,
``LoginPlan.recover``), run in the worker because unwrapping a key costs about half
a second of Argon2id. ``plan_start`` decides, also in the worker, which of them the
start needs.
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from acuchart.services.opening import (
    ChartSetUp,
    DamagedChartError,
    LoginPlan,
    SignedIn,
    set_up_chart,
)
from acuchart.ui.messages import describe_error
from acuchart.ui.naming import named
from acuchart.ui.style import CAUTION_BADGE, MUTED
from acuchart.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from acuchart.accounts import LoginThrottle
    from acuchart.backups import UnlockedBackup

Clock = Callable[[], float]

SETUP_WARNING = (
    "Your chart will be encrypted. Without your password or the recovery key shown next, "
    "nobody — not even you — can read it."
)


def error_text(error: BaseException) -> str:
    from acuchart.db.errors import DatabaseOpenError

    return str(error) if isinstance(error, DatabaseOpenError) else describe_error(error)


# -- small shared pieces -------------------------------------------------------------------
def key_lines(recovery_key: str) -> list[str]:
    """The recovery key in two lines of four groups: easier to copy by hand than one."""
    groups = recovery_key.split("-")
    half = (len(groups) + 1) // 2
    return ["-".join(groups[:half]), "-".join(groups[half:])]


def heading(text: str, name: str) -> QLabel:
    label = named(QLabel(text), name)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.45)
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    return label


def wrapped(text: str, name: str, role: str = "") -> QLabel:
    label = named(QLabel(text), name)
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label


def password_field(name: str) -> QLineEdit:
    field = named(QLineEdit(), name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMinimumWidth(280)
    return field


class ThrottledButton(QObject):
    """Keeps a sign-in button disabled, counting down, while the throttle says wait."""

    def __init__(
        self,
        button: QPushButton,
        throttle: LoginThrottle,
        login: Callable[[], str],
        clock: Clock,
    ) -> None:
        super().__init__(button)
        self.button, self.throttle, self.login, self.clock = button, throttle, login, clock
        self.text = button.text()
        self.busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.refresh)

    def wait_seconds(self) -> float:
        return self.throttle.wait_seconds(self.login(), now=self.clock())

    def refresh(self) -> None:
        """The countdown's tick: button text and state from the throttle and the worker."""
        wait = self.wait_seconds()
        if wait > 0:
            self.button.setEnabled(False)
            self.button.setText(self.tr(f"Try again in {math.ceil(wait)} s"))
            if not self.timer.isActive():
                self.timer.start()
            return
        self.timer.stop()
        self.button.setText(self.tr("Checking…") if self.busy else self.text)
        self.button.setEnabled(not self.busy)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.refresh()

    def failed(self) -> None:
        self.throttle.failed(self.login(), now=self.clock())
        self.refresh()

    def succeeded(self) -> None:
        self.throttle.succeeded(self.login())


# -- first start ---------------------------------------------------------------------------
class SetupDialog(QDialog):
    """The owner account and an encrypted chart, made in the worker in one go.

    The texts and the job are class attributes and methods, so encrypting an existing
    chart (``acuchart.ui.encrypt_dialog``) asks for the owner the same way."""

    created = Signal(object)  # ChartSetUp
    TITLE, HEADING = "Set up AcuChart", "Set up your chart"
    ACTION, BUSY, CANCEL = "Create chart", "Creating…", "Quit"
    ASKS_CLINIC = True

    def __init__(self, path: Path, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setupDialog")
        self.setWindowTitle(self.tr(self.TITLE))
        self.path, self.tasks = path, tasks
        self._login_typed = False

        self.clinic = named(QLineEdit(), "setupClinic")
        self.clinic.setPlaceholderText(self.tr("Optional, e.g. Decicco Acupuncture"))
        self.display_name = named(QLineEdit(), "setupDisplayName")
        self.display_name.setPlaceholderText(self.tr("e.g. Lena Decicco, L.Ac."))
        self.login = named(QLineEdit(), "setupLogin")
        self.login.setPlaceholderText(self.tr("e.g. lena"))
        self.password = password_field("setupPassword")
        self.password_again = password_field("setupPasswordAgain")
        self.password_hint = named(QLabel(), "setupPasswordHint")
        self.password_hint.setProperty("role", "fieldHint")
        self.warning = wrapped(self.tr(SETUP_WARNING), "setupWarning")
        background, ink = CAUTION_BADGE
        self.warning.setStyleSheet(
            f"background: {background}; color: {ink}; border-radius: 6px; padding: 10px;"
        )
        self.message = wrapped("", "setupMessage", "fieldError")
        self.message.hide()
        self.create_button = named(QPushButton(self.tr(self.ACTION)), "createChart")
        self.create_button.setDefault(True)
        quit_button = self.quit_button = named(QPushButton(self.tr(self.CANCEL)), "setupQuit")
        quit_button.setAutoDefault(False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        if self.ASKS_CLINIC:
            form.addRow(self.tr("Clinic name:"), self.clinic)
        form.addRow(self.tr("Your name as shown on notes:"), self.display_name)
        form.addRow(self.tr("Login name:"), self.login)
        form.addRow(self.tr("Password:"), self.password)
        form.addRow("", self.password_hint)
        form.addRow(self.tr("Password again:"), self.password_again)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(quit_button)
        buttons.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(heading(self.tr(self.HEADING), "setupHeading"))
        layout.addWidget(wrapped(self.intro(), "setupIntro"))
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

        self.display_name.textEdited.connect(self._suggest_login)
        self.login.textEdited.connect(self._login_edited)
        self.password.textChanged.connect(self._show_policy)
        self.create_button.clicked.connect(self.submit)
        quit_button.clicked.connect(self.reject)
        self._show_policy()

    def intro(self) -> str:
        return self.tr(
            "AcuChart keeps your patients' records on this computer, in "
            f"{self.path}. You are its owner: you can add other practitioners later."
        )

    def job(self, display_name: str, login: str, password: str) -> Callable[[], ChartSetUp]:
        """What Create runs in the worker."""
        path, clinic = self.path, self.clinic.text()
        return lambda: set_up_chart(path, clinic, display_name, login, password)

    def _login_edited(self, text: str) -> None:
        self._login_typed = bool(text)

    def _suggest_login(self, text: str) -> None:
        """Until a login is typed, offer the first word of the name, lower case."""
        if self._login_typed:
            return
        words = text.replace(",", " ").split()
        self.login.setText("".join(c for c in words[0] if c.isalnum()).lower() if words else "")

    def _show_policy(self) -> None:
        """One short line under the password as it is typed; the full rule comes on Create."""
        from acuchart.keystore import MIN_PASSWORD_LENGTH, PasswordPolicyError, check_password

        typed = self.password.text()
        if not typed:
            self.password_hint.setText(
                self.tr(f"At least {MIN_PASSWORD_LENGTH} characters: a few unrelated words.")
            )
            return
        try:
            check_password(typed)
        except PasswordPolicyError:
            length = len(unicodedata.normalize("NFC", typed))
            self.password_hint.setText(
                self.tr(f"{length} characters; at least {MIN_PASSWORD_LENGTH} are needed.")
            )
        else:
            self.password_hint.setText(self.tr("Long enough."))

    def problems(self) -> list[str]:
        """What stops the set-up, checked before anything is written."""
        from acuchart.clinic import ClinicProfile, validate_clinic
        from acuchart.keystore import PasswordPolicyError, check_account_name, check_password
        from acuchart.validation import ValidationError

        found: list[str] = []
        try:
            if self.ASKS_CLINIC and self.clinic.text().strip():  # optional: Clinic → Details
                validate_clinic(ClinicProfile(name=self.clinic.text()))
        except ValidationError as error:
            found.extend(error.errors.values())
        if not self.display_name.text().strip():
            found.append(self.tr("Enter your name as it should appear on signed notes."))
        try:
            check_account_name(self.login.text())
            check_password(self.password.text())
        except PasswordPolicyError as error:
            found.append(str(error))
        if self.password.text() and self.password.text() != self.password_again.text():
            found.append(self.tr("The two passwords are not the same."))
        return found

    def submit(self) -> None:
        found = self.problems()
        if found:
            self._show_message("\n".join(found))
            return
        self.message.hide()
        self._set_busy(True)
        job = self.job(
            self.display_name.text().strip(), self.login.text().strip(), self.password.text()
        )
        self.tasks.run(job, self._done, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.create_button.setEnabled(not busy)
        self.create_button.setText(self.tr(self.BUSY) if busy else self.tr(self.ACTION))

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _done(self, made: ChartSetUp) -> None:
        self._set_busy(False)
        self.password.clear()
        self.password_again.clear()
        self.accept()
        self.created.emit(made)

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._show_message(error_text(error))


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown once: copy, print, and confirm it is written down."""

    def __init__(self, recovery_key: str, clinic_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("recoveryKeyDialog")
        self.setWindowTitle(self.tr("Your recovery key"))
        self.recovery_key, self.clinic_name = recovery_key, clinic_name

        self.key_label = named(QLabel("\n".join(key_lines(recovery_key))), "recoveryKey")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(22)
        font.setWeight(QFont.Weight.DemiBold)
        self.key_label.setFont(font)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setStyleSheet(
            "background: #ffffff; border: 1px solid #c9d1d2; border-radius: 6px; padding: 14px;"
        )
        self.copy_button = named(QPushButton(self.tr("Copy")), "copyRecoveryKey")
        self.print_button = named(QPushButton(self.tr("Print…")), "printRecoveryKey")
        self.feedback = wrapped("", "recoveryFeedback", "fieldHint")
        self.confirmed = named(
            QCheckBox(self.tr("I have written it down or printed it")), "recoveryConfirmed"
        )
        self.continue_button = named(QPushButton(self.tr("Continue")), "recoveryContinue")
        self.continue_button.setEnabled(False)
        self.continue_button.setDefault(True)

        actions = QHBoxLayout()
        actions.addWidget(self.copy_button)
        actions.addWidget(self.print_button)
        actions.addWidget(self.feedback, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.confirmed)
        bottom.addStretch(1)
        bottom.addWidget(self.continue_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(heading(self.tr("Write down your recovery key"), "recoveryHeading"))
        layout.addWidget(
            wrapped(
                self.tr(
                    "If your password is ever forgotten, this key lets you set a new one. "
                    "Nobody else has it: AcuChart shows it only now and does not keep it."
                ),
                "recoveryIntro",
            )
        )
        layout.addWidget(self.key_label)
        layout.addLayout(actions)
        layout.addWidget(
            wrapped(
                self.tr(
                    "Keep it somewhere safe away from this computer, with the clinic's "
                    "papers. Letters and digits only; the dashes do not matter."
                ),
                "recoveryAdvice",
                "fieldHint",
            )
        )
        layout.addLayout(bottom)
        self.setMinimumWidth(560)

        self.copy_button.clicked.connect(self.copy)
        self.print_button.clicked.connect(self.print_key)
        self.confirmed.toggled.connect(self.continue_button.setEnabled)
        self.continue_button.clicked.connect(self.accept)

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.recovery_key)
        self.feedback.setText(self.tr("Copied. Paste it where only you can read it."))

    def print_key(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.paint_key_page(printer)
        self.feedback.setText(self.tr("Sent to the printer."))

    def paint_key_page(self, printer: QPrinter) -> None:
        """One page: what the key is for, the clinic, the key in large type."""
        from PySide6.QtGui import QTextDocument

        clinic = f"<p>{escape(self.clinic_name)}</p>" if self.clinic_name else ""
        document = QTextDocument()
        document.setHtml(
            f"<h2>AcuChart recovery key</h2>{clinic}"
            f"<p>Printed {time.strftime('%d %B %Y')}.</p>"
            "<p style='font-family: monospace; font-size: 20pt; font-weight: 600;'>"
            f"{'<br>'.join(escape(line) for line in key_lines(self.recovery_key))}</p>"
            "<p>With this key the owner can set a new password for the chart. Without the "
            "password or this key nobody can read the chart. Keep this page somewhere safe, "
            "away from the computer.</p>"
        )
        document.print_(printer)

    def reject(self) -> None:
        """Esc does not dismiss the key: only Continue, after confirming it is kept."""
        if self.confirmed.isChecked():
            super().reject()


# -- signing in ----------------------------------------------------------------------------
class LoginDialog(QDialog):
    """Login name and password; the check runs in the worker, with a growing delay."""

    signed_in = Signal(object)  # SignedIn

    def __init__(
        self,
        plan: LoginPlan,
        tasks: TaskRunner,
        throttle: LoginThrottle,
        *,
        clock: Clock = time.monotonic,
        where: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("Sign in to AcuChart"))
        self.plan, self.tasks = plan, tasks
        self.recovery: RecoveryDialog | None = None

        self.login = named(QComboBox(), "loginName")
        self.login.setEditable(True)
        self.login.addItems(plan.names)
        self.login.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.password = password_field("loginPassword")
        self.message = wrapped("", "loginMessage", "fieldError")
        self.message.hide()
        self.sign_in_button = named(QPushButton(self.tr("Sign in")), "signInButton")
        self.sign_in_button.setDefault(True)
        self.gate = ThrottledButton(self.sign_in_button, throttle, self.login_name, clock)
        self.forgot_button = named(QPushButton(self.tr("Forgot password?")), "forgotPassword")
        self.forgot_button.setFlat(True)
        self.forgot_button.setAutoDefault(False)
        self.forgot_button.setVisible(plan.can_recover)
        self.forgot_button.setStyleSheet("text-decoration: underline;")
        quit_button = named(QPushButton(self.tr("Quit")), "loginQuit")
        quit_button.setAutoDefault(False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        form.addRow(self.tr("Login name:"), self.login)
        form.addRow(self.tr("Password:"), self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.forgot_button)
        buttons.addStretch(1)
        buttons.addWidget(quit_button)
        buttons.addWidget(self.sign_in_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(heading(self.tr("Sign in"), "loginHeading"))
        if where:
            place = wrapped(where, "loginWhere")
            place.setStyleSheet(f"color: {MUTED};")
            layout.addWidget(place)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)

        self.sign_in_button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.login.currentTextChanged.connect(lambda _text: self.gate.refresh())
        self.forgot_button.clicked.connect(self.ask_recovery)
        quit_button.clicked.connect(self.reject)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def login_name(self) -> str:
        return self.login.currentText().strip()

    def submit(self) -> None:
        login, password = self.login_name(), self.password.text()
        if self.gate.busy or self.gate.wait_seconds() > 0:
            return
        if not login or not password:
            self._refuse(self.tr("Enter your login name and password."))
            return
        self.message.hide()
        self.gate.set_busy(True)
        self.tasks.run(
            lambda: self.plan.sign_in(login, password),
            self._done,
            lambda error: self._failed(error, login, password),
        )

    def _done(self, signed: SignedIn) -> None:
        self.gate.set_busy(False)
        self.gate.succeeded()
        self.password.clear()
        self.accept()
        self.signed_in.emit(signed)

    def _failed(self, error: BaseException, login: str = "", password: str = "") -> None:
        from acuchart.keystore import WrongPasswordError

        self.gate.set_busy(False)
        if isinstance(error, WrongPasswordError):
            self.gate.failed()
        if isinstance(error, DamagedChartError) and error.backup is not None:
            self._offer_backup(error, error.backup, login, password)
            return
        self._refuse(error_text(error))

    def _offer_backup(
        self, error: DamagedChartError, backup: UnlockedBackup, login: str, password: str
    ) -> None:
        """The chart is damaged and the password opens a backup: repair from it and sign in?
        What is replaced is kept in the backups folder."""
        from acuchart.ui.backup_offer import ask_to_restore

        asked = ask_to_restore(self, error.problem, backup.summary, key_file=error.key_file_only)
        if not asked:
            self._refuse(error.problem)
            return
        self.message.hide()
        self.gate.set_busy(True)
        self.tasks.run(
            lambda: self.plan.restore_and_sign_in(error, login, password),
            self._done,
            self._failed,
        )

    def _refuse(self, text: str) -> None:
        """Say why, and put the keyboard back in an empty password field."""
        self.message.setText(text)
        self.message.show()
        self.password.clear()
        target = self.password if self.login_name() else self.login
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def ask_recovery(self) -> None:
        self.recovery = RecoveryDialog(self.plan, self.tasks, self.login_name(), self)
        self.recovery.signed_in.connect(self._recovered)
        self.recovery.open()

    def _recovered(self, signed: SignedIn) -> None:
        self.accept()
        self.signed_in.emit(signed)


class RecoveryDialog(QDialog):
    """A forgotten password: the recovery key sets a new one, then the chart opens."""

    signed_in = Signal(object)  # SignedIn

    def __init__(
        self, plan: LoginPlan, tasks: TaskRunner, login: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setWindowTitle(self.tr("Set a new password"))
        self.plan, self.tasks = plan, tasks

        self.login = named(QLineEdit(login), "recoveryLogin")
        self.key = named(QLineEdit(), "recoveryKeyInput")
        self.key.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.key.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.key.setMinimumWidth(self.key.fontMetrics().horizontalAdvance("M" * 50))
        self.password = password_field("recoveryPassword")
        self.password_again = password_field("recoveryPasswordAgain")
        self.message = wrapped("", "recoveryMessage", "fieldError")
        self.message.hide()
        self.save_button = named(QPushButton(self.tr("Set password and sign in")), "recoverSave")
        self.save_button.setDefault(True)
        cancel = named(QPushButton(self.tr("Cancel")), "recoveryCancel")
        cancel.setAutoDefault(False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Login name:"), self.login)
        form.addRow(self.tr("Recovery key:"), self.key)
        form.addRow(self.tr("New password:"), self.password)
        form.addRow(self.tr("New password again:"), self.password_again)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(
            wrapped(
                self.tr(
                    "Type the recovery key you wrote down or printed when the chart was set "
                    "up, and choose a new password."
                ),
                "recoveryHelp",
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.save_button.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        self.key.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        from acuchart.keystore import PasswordPolicyError, check_password

        login, key, password = self.login.text().strip(), self.key.text(), self.password.text()
        try:
            check_password(password)
        except PasswordPolicyError as error:
            self._show(str(error))
            return
        if password != self.password_again.text():
            self._show(self.tr("The two passwords are not the same."))
            return
        self.message.hide()
        self.save_button.setEnabled(False)
        self.tasks.run(lambda: self.plan.recover(key, login, password), self._done, self._failed)

    def _show(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _done(self, signed: SignedIn) -> None:
        self.save_button.setEnabled(True)
        self.accept()
        self.signed_in.emit(signed)

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self._show(error_text(error))
