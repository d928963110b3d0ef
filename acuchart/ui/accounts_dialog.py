"""Accounts and security: who may sign in, adding practitioners, passwords, auto-lock.

Thin on purpose: each user action is one service call in ``acuchart.services.accounts``
run in the worker (adding an account or changing a password costs an Argon2id hash);
the service, not this dialog, enforces that only the owner adds accounts or changes
the auto-lock time. The dialog only disables what the signed-in account cannot do.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from acuchart.accounts import Account, Role, login_key
from acuchart.db.database import Database
from acuchart.keystore import DEFAULT_ARGON2, Argon2Parameters
from acuchart.ui.login import heading, password_field, wrapped
from acuchart.ui.messages import describe_error
from acuchart.ui.naming import named
from acuchart.ui.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex
ACCOUNT_ROLE = Qt.ItemDataRole.UserRole + 1

ROLE_LABELS = {Role.OWNER: "Owner", Role.PRACTITIONER: "Practitioner"}
COLUMNS = ("Name on notes", "Login name", "Role")
NAME, LOGIN, ROLE = range(len(COLUMNS))
ENCRYPTED_NOTE = (
    "Each practitioner's password opens the encrypted chart; the recovery key shown at "
    "set-up still works."
)
NOT_THE_SAME = "The two passwords are not the same."


@dataclass(frozen=True)
class AccountsOverview:
    """What the dialog shows, read in the worker in one go."""

    accounts: list[Account]
    auto_lock_minutes: int


def load_accounts_overview(database: Database) -> AccountsOverview:
    from acuchart.services.accounts import get_auto_lock_minutes, list_accounts

    return AccountsOverview(list_accounts(database), get_auto_lock_minutes(database))


def password_hint(typed: str) -> str:
    """One short line under a new password as it is typed."""
    from acuchart.keystore import MIN_PASSWORD_LENGTH, PasswordPolicyError, check_password

    if not typed:
        return f"At least {MIN_PASSWORD_LENGTH} characters: a few unrelated words."
    try:
        check_password(typed)
    except PasswordPolicyError as error:
        length = len(unicodedata.normalize("NFC", typed))
        if length >= MIN_PASSWORD_LENGTH:
            return str(error)
        return f"{length} characters; at least {MIN_PASSWORD_LENGTH} are needed."
    return "Long enough."


def new_password_problem(password: str, again: str) -> str | None:
    """The first reason the new password (typed twice) is refused, or None."""
    from acuchart.keystore import PasswordPolicyError, check_password

    try:
        check_password(password)
    except PasswordPolicyError as error:
        return str(error)
    return NOT_THE_SAME if password != again else None


class AccountListModel(QAbstractTableModel):
    """The accounts, read-only; the signed-in one marked "(you)"."""

    def __init__(self, me: Account, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.me = me
        self.accounts: list[Account] = []

    def set_accounts(self, accounts: list[Account]) -> None:
        self.beginResetModel()
        self.accounts = list(accounts)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.accounts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return self.tr(COLUMNS[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.accounts):
            return None
        account = self.accounts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(account, index.column())
        if role == ACCOUNT_ROLE:
            return account
        return None

    def text(self, account: Account, column: int) -> str:
        if column == NAME:
            you = account.id == self.me.id
            return f"{account.display_name} {self.tr('(you)')}" if you else account.display_name
        if column == LOGIN:
            return account.login
        return self.tr(ROLE_LABELS.get(account.role, str(account.role)))


class _PasswordFormDialog(QDialog):
    """Shared shape of the two small forms: fields, a live hint, a message, two buttons."""

    def set_up_form(self, title: str, name: str, action: str) -> None:
        """Called by the subclass after ``QDialog.__init__`` (``tr`` needs a live object)."""
        self.setObjectName(f"{name}Dialog")
        self.setWindowTitle(title)
        self.action_text = action
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setVerticalSpacing(8)
        self.message = wrapped("", f"{name}Message", "fieldError")
        self.message.hide()
        self.submit_button = named(QPushButton(action), f"{name}Submit")
        self.submit_button.setDefault(True)
        self.cancel_button = named(QPushButton(self.tr("Cancel")), f"{name}Cancel")
        self.cancel_button.setAutoDefault(False)
        self.submit_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)

    def finish_layout(self, intro: str) -> None:
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(wrapped(intro, f"{self.objectName()}Intro"))
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def hint_label(self, name: str) -> QLabel:
        return wrapped("", name, "fieldHint")

    @staticmethod
    def set_hint(label: QLabel, text: str, *, problem: bool = False) -> None:
        """A hint in the muted colour, or in the error colour when it says what is wrong."""
        label.setText(text)
        role = "fieldError" if problem else "fieldHint"
        if label.property("role") != role:
            label.setProperty("role", role)
            label.style().unpolish(label)
            label.style().polish(label)

    def submit(self) -> None:
        raise NotImplementedError

    def show_message(self, text: str, focus: QWidget | None = None) -> None:
        self.message.setText(text)
        self.message.show()
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_busy(self, busy: bool, busy_text: str) -> None:
        self.submit_button.setEnabled(not busy)
        self.submit_button.setText(busy_text if busy else self.action_text)


class AddPractitionerDialog(_PasswordFormDialog):
    """The owner adds a practitioner: the name on notes, a login name and a password."""

    added = Signal(object)  # the new Account

    def __init__(
        self,
        database: Database,
        tasks: TaskRunner,
        owner: Account,
        taken: set[str],
        *,
        argon2: Argon2Parameters = DEFAULT_ARGON2,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.set_up_form(self.tr("Add practitioner"), "addPractitioner", self.tr("Add"))
        self.database, self.tasks, self.owner, self.taken = database, tasks, owner, taken
        self.argon2 = argon2

        self.display_name = named(QLineEdit(), "newDisplayName")
        self.display_name.setPlaceholderText(self.tr("e.g. Sam Okafor, L.Ac."))
        self.login = named(QLineEdit(), "newLogin")
        self.login.setPlaceholderText(self.tr("e.g. sam"))
        self.login_hint = self.hint_label("newLoginHint")
        self.password = password_field("newPassword")
        self.password_hint = self.hint_label("newPasswordHint")
        self.password_again = password_field("newPasswordAgain")
        self.again_hint = self.hint_label("newPasswordAgainHint")
        self.form.addRow(self.tr("&Name as shown on notes:"), self.display_name)
        self.form.addRow(self.tr("&Login name:"), self.login)
        self.form.addRow("", self.login_hint)
        self.form.addRow(self.tr("&Password:"), self.password)
        self.form.addRow("", self.password_hint)
        self.form.addRow(self.tr("Password &again:"), self.password_again)
        self.form.addRow("", self.again_hint)
        self.finish_layout(
            self.tr(
                "The new practitioner signs in with this login name and password, and their "
                "signed notes show the name below. Tell them the password in person."
            )
        )
        self.login.textChanged.connect(self._show_login_hint)
        self.password.textChanged.connect(self._show_password_hints)
        self.password_again.textChanged.connect(self._show_password_hints)
        self._show_login_hint()
        self._show_password_hints()
        self.display_name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _login_problem(self) -> str | None:
        from acuchart.keystore import PasswordPolicyError, check_account_name

        try:
            check_account_name(self.login.text())
        except PasswordPolicyError as error:
            return str(error)
        if login_key(self.login.text()) in self.taken:
            return self.tr(f"An account named “{login_key(self.login.text())}” already exists.")
        return None

    def _show_login_hint(self) -> None:
        problem = self._login_problem() if self.login.text().strip() else None
        self.set_hint(
            self.login_hint,
            problem or self.tr("Typed to sign in; upper and lower case count as the same."),
            problem=problem is not None,
        )

    def _show_password_hints(self) -> None:
        self.set_hint(self.password_hint, self.tr(password_hint(self.password.text())))
        again = self.password_again.text()
        same = again == self.password.text()
        self.set_hint(
            self.again_hint,
            self.tr("Both the same.") if same else self.tr(NOT_THE_SAME),
            problem=not same,
        )
        self.form.setRowVisible(self.again_hint, bool(again))

    def submit(self) -> None:
        from acuchart.services.accounts import add_account

        if not self.display_name.text().strip():
            self.show_message(self.tr("Enter the name to show on signed notes."), self.display_name)
            return
        if problem := self._login_problem():
            self.show_message(problem, self.login)
            return
        if problem := new_password_problem(self.password.text(), self.password_again.text()):
            self.show_message(self.tr(problem), self.password)
            return
        self.message.hide()
        self.set_busy(True, self.tr("Adding…"))
        database, owner, argon2 = self.database, self.owner, self.argon2
        login, shown, password = self.login.text(), self.display_name.text(), self.password.text()
        self.tasks.run(
            lambda: add_account(
                database, owner, login, shown, password, Role.PRACTITIONER, argon2=argon2
            ),
            self._done,
            self._failed,
        )

    def _done(self, account: Account) -> None:
        self.set_busy(False, "")
        self.password.clear()
        self.password_again.clear()
        self.accept()
        self.added.emit(account)

    def _failed(self, error: BaseException) -> None:
        from acuchart.accounts import AccountError

        self.set_busy(False, "")
        self.show_message(
            describe_error(error), self.login if isinstance(error, AccountError) else None
        )


class ChangePasswordDialog(_PasswordFormDialog):
    """The signed-in account changes its own password (and its key-file wrapper)."""

    changed = Signal()

    def __init__(
        self,
        database: Database,
        tasks: TaskRunner,
        account: Account,
        *,
        argon2: Argon2Parameters = DEFAULT_ARGON2,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.set_up_form(
            self.tr("Change my password"), "changePassword", self.tr("Change password")
        )
        self.database, self.tasks, self.account, self.argon2 = database, tasks, account, argon2

        self.old = password_field("oldPassword")
        self.new = password_field("changedPassword")
        self.new_hint = self.hint_label("changedPasswordHint")
        self.new_again = password_field("changedPasswordAgain")
        self.form.addRow(self.tr("&Current password:"), self.old)
        self.form.addRow(self.tr("&New password:"), self.new)
        self.form.addRow("", self.new_hint)
        self.form.addRow(self.tr("New password &again:"), self.new_again)
        self.finish_layout(self.tr(f"A new password for {account.display_name} ({account.login})."))
        self.new.textChanged.connect(
            lambda text: self.new_hint.setText(self.tr(password_hint(text)))
        )
        self.new_hint.setText(self.tr(password_hint("")))
        self.old.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        from acuchart.services.accounts import change_password

        if not self.old.text():
            self.show_message(self.tr("Enter your current password."), self.old)
            return
        if problem := new_password_problem(self.new.text(), self.new_again.text()):
            self.show_message(self.tr(problem), self.new)
            return
        if self.new.text() == self.old.text():
            self.show_message(self.tr("The new password is the same as the current one."), self.new)
            return
        self.message.hide()
        self.set_busy(True, self.tr("Changing…"))
        database, account, argon2 = self.database, self.account, self.argon2
        old, new = self.old.text(), self.new.text()
        self.tasks.run(
            lambda: change_password(database, account, old, new, argon2=argon2),
            self._done,
            self._failed,
        )

    def _done(self, _result: object) -> None:
        self.set_busy(False, "")
        for field in (self.old, self.new, self.new_again):
            field.clear()
        self.accept()
        self.changed.emit()

    def _failed(self, error: BaseException) -> None:
        from acuchart.keystore import WrongPasswordError

        self.set_busy(False, "")
        if isinstance(error, WrongPasswordError):
            self.old.clear()
            self.show_message(describe_error(error), self.old)
        else:
            self.show_message(describe_error(error))


class AccountsDialog(QDialog):
    """Clinic → Accounts and security: the accounts, adding one, a new password, auto-lock."""

    auto_lock_changed = Signal(int)  # minutes, once stored

    def __init__(
        self,
        database: Database,
        tasks: TaskRunner,
        account: Account,
        parent: QWidget | None = None,
        *,
        argon2: Argon2Parameters = DEFAULT_ARGON2,
    ) -> None:
        from acuchart.services.accounts import MAX_AUTO_LOCK_MINUTES, MIN_AUTO_LOCK_MINUTES

        super().__init__(parent)
        self.setObjectName("accountsDialog")
        self.setWindowTitle(self.tr("Accounts and security"))
        self.database, self.tasks, self.account, self.argon2 = database, tasks, account, argon2
        self.is_owner = account.role is Role.OWNER
        self.stored_minutes: int | None = None
        self.add_dialog: AddPractitionerDialog | None = None
        self.password_dialog: ChangePasswordDialog | None = None

        # -- accounts
        self.model = AccountListModel(account, self)
        self.table = named(QTableView(), "accountsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(LOGIN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ROLE, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 5 + 8)
        self.add_button = named(QPushButton(self.tr("&Add practitioner…")), "addPractitioner")
        self.add_button.setEnabled(False)  # until the list is loaded (and only for the owner)
        if not self.is_owner:
            self.add_button.setToolTip(self.tr("Only the clinic's owner adds accounts."))
        self.password_button = named(
            QPushButton(self.tr("&Change my password…")), "changeMyPassword"
        )
        account_buttons = QHBoxLayout()
        account_buttons.addWidget(self.add_button)
        account_buttons.addWidget(self.password_button)
        account_buttons.addStretch(1)
        accounts_box = named(QGroupBox(self.tr("Who can sign in")), "accountsBox")
        accounts_layout = QVBoxLayout(accounts_box)
        accounts_layout.setSpacing(10)
        accounts_layout.addWidget(self.table)
        accounts_layout.addLayout(account_buttons)

        # -- auto-lock
        self.minutes = named(QSpinBox(), "autoLockMinutes")
        self.minutes.setRange(MIN_AUTO_LOCK_MINUTES, MAX_AUTO_LOCK_MINUTES)
        self.minutes.setEnabled(False)  # until loaded (and only for the owner)
        self.minutes.setAccessibleName(self.tr("Minutes idle before the window locks"))
        self.save_lock_button = named(QPushButton(self.tr("&Save")), "saveAutoLock")
        self.save_lock_button.setEnabled(False)
        self.save_lock_button.setVisible(self.is_owner)
        lock_before = QLabel(self.tr("&Lock after"))
        lock_before.setBuddy(self.minutes)
        lock_row = QHBoxLayout()
        lock_row.addWidget(lock_before)
        lock_row.addWidget(self.minutes)
        lock_row.addWidget(QLabel(self.tr("minutes idle")))
        lock_row.addStretch(1)
        lock_row.addWidget(self.save_lock_button)
        self.lock_hint = wrapped(
            self.tr("Set by the clinic's owner.")
            if not self.is_owner
            else self.tr("The window hides the chart and asks for the password again."),
            "autoLockHint",
            "fieldHint",
        )
        lock_box = named(QGroupBox(self.tr("Auto-lock")), "autoLockBox")
        lock_layout = QVBoxLayout(lock_box)
        lock_layout.setSpacing(6)
        lock_layout.addLayout(lock_row)
        lock_layout.addWidget(self.lock_hint)

        # -- notes, messages, close
        self.encrypted_note = wrapped(self.tr(ENCRYPTED_NOTE), "encryptedNote", "fieldHint")
        self.encrypted_note.setVisible(database.encrypted)
        self.status = wrapped("", "accountsStatus")
        self.status.hide()
        self.message = wrapped("", "accountsMessage", "fieldError")
        self.message.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = named(
            buttons.button(QDialogButtonBox.StandardButton.Close), "accountsClose"
        )
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)
        layout.addWidget(heading(self.tr("Accounts and security"), "accountsHeading"))
        layout.addWidget(accounts_box, 1)
        layout.addWidget(lock_box)
        layout.addWidget(self.encrypted_note)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(600)
        self.resize(640, self.sizeHint().height())

        for first, second in (
            (self.table, self.add_button),
            (self.add_button, self.password_button),
            (self.password_button, self.minutes),
            (self.minutes, self.save_lock_button),
            (self.save_lock_button, self.close_button),
        ):
            QWidget.setTabOrder(first, second)

        self.add_button.clicked.connect(self.add_practitioner)
        self.password_button.clicked.connect(self.change_password)
        self.save_lock_button.clicked.connect(self.save_auto_lock)
        self.minutes.valueChanged.connect(self._minutes_edited)
        line = self.minutes.lineEdit()
        if line is not None:  # Enter in the box saves, as the button would
            line.returnPressed.connect(self.save_auto_lock)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.refresh()

    # -- loading ------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        database = self.database
        self.tasks.run(
            lambda: load_accounts_overview(database),
            lambda overview: self._show(overview, select_id),
            self._failed,
        )

    def _show(self, overview: AccountsOverview, select_id: int | None) -> None:
        self.model.set_accounts(overview.accounts)
        wanted = self.account.id if select_id is None else select_id
        for row, account in enumerate(overview.accounts):
            if account.id == wanted:
                self.table.selectRow(row)
        self.add_button.setEnabled(self.is_owner)
        if self.stored_minutes is None:  # a refresh after adding keeps what is being typed
            self.stored_minutes = overview.auto_lock_minutes
            self.minutes.setValue(overview.auto_lock_minutes)
            self.minutes.setEnabled(self.is_owner)
        self._minutes_edited()

    # -- actions ------------------------------------------------------------
    def add_practitioner(self) -> None:
        if not self.is_owner:
            return
        taken = {account.login for account in self.model.accounts}
        self.add_dialog = AddPractitionerDialog(
            self.database, self.tasks, self.account, taken, argon2=self.argon2, parent=self
        )
        self.add_dialog.added.connect(self._added)
        self.add_dialog.open()

    def _added(self, account: Account) -> None:
        self.say(self.tr(f"{account.display_name} can now sign in as “{account.login}”."))
        self.refresh(select_id=account.id)

    def change_password(self) -> None:
        self.password_dialog = ChangePasswordDialog(
            self.database, self.tasks, self.account, argon2=self.argon2, parent=self
        )
        self.password_dialog.changed.connect(lambda: self.say(self.tr("Password changed.")))
        self.password_dialog.open()

    def _minutes_edited(self) -> None:
        self.save_lock_button.setEnabled(
            self.is_owner
            and self.stored_minutes is not None
            and self.minutes.value() != self.stored_minutes
        )

    def save_auto_lock(self) -> None:
        from acuchart.services.accounts import set_auto_lock_minutes

        if not self.save_lock_button.isEnabled():
            return
        database, account, minutes = self.database, self.account, self.minutes.value()
        self.save_lock_button.setEnabled(False)
        self.tasks.run(
            lambda: set_auto_lock_minutes(database, account, minutes),
            lambda _result: self._auto_lock_saved(minutes),
            self._lock_failed,
        )

    def _auto_lock_saved(self, minutes: int) -> None:
        self.stored_minutes = minutes
        self._minutes_edited()
        unit = self.tr("minute") if minutes == 1 else self.tr("minutes")
        self.say(self.tr(f"The window now locks after {minutes} {unit} without input."))
        self.auto_lock_changed.emit(minutes)

    def _lock_failed(self, error: BaseException) -> None:
        self._minutes_edited()
        self._failed(error)

    # -- messages -----------------------------------------------------------
    def say(self, text: str) -> None:
        self.message.hide()
        self.status.setText(text)
        self.status.show()

    def _failed(self, error: BaseException) -> None:
        self.status.hide()
        self.message.setText(describe_error(error))
        self.message.show()
