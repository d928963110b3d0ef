"""The audit log viewer: filter, sort and page the log in the database, export it, verify it.

The table model holds one page. Every filter, header click and page turn is a new
``AuditQuery`` run by ``list_audit`` in the worker, and the model is reset with the
result (no proxy model: the log grows by an entry per chart opened).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QIntValidator, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from acuchart.audit import (
    AuditAction,
    AuditCheck,
    AuditPage,
    AuditQuery,
    AuditRow,
    AuditSort,
    current_account,
)
from acuchart.db.database import Database
from acuchart.ui.messages import describe_error
from acuchart.ui.naming import named
from acuchart.ui.style import ERROR, MUTED
from acuchart.ui.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
TEXT_DELAY_MS = 200
INTACT_COLOUR = "#2e6b34"

ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.VIEW_CHART: "Viewed chart",
    AuditAction.CREATE: "Created",
    AuditAction.CHANGE: "Changed",
    AuditAction.DELETE: "Deleted",
    AuditAction.ARCHIVE: "Archived / restored",
    AuditAction.SIGN: "Signed",
    AuditAction.ADDENDUM: "Addendum",
    AuditAction.PRINT: "Printed",
    AuditAction.EXPORT: "Exported",
    AuditAction.BACKUP: "Backup",
    AuditAction.RESTORE: "Restored backup",
    AuditAction.LOGIN: "Logged in",
    AuditAction.FAILED_LOGIN: "Failed login",
    AuditAction.LOCK: "Locked",
    AuditAction.SETTING_CHANGE: "Setting changed",
    AuditAction.ACCOUNT_CHANGE: "Account changed",
}

# Column title, the database sort it stands for, and its first order when clicked.
COLUMNS: tuple[tuple[str, AuditSort, Qt.SortOrder], ...] = (
    ("When", AuditSort.AT, Qt.SortOrder.DescendingOrder),
    ("Account", AuditSort.ACCOUNT, Qt.SortOrder.AscendingOrder),
    ("Action", AuditSort.ACTION, Qt.SortOrder.AscendingOrder),
    ("Patient", AuditSort.PATIENT, Qt.SortOrder.AscendingOrder),
    ("Object", AuditSort.OBJECT, Qt.SortOrder.AscendingOrder),
    ("Detail", AuditSort.DETAIL, Qt.SortOrder.AscendingOrder),
)
WHEN, ACCOUNT, ACTION, PATIENT, OBJECT, DETAIL = range(len(COLUMNS))


@dataclass(frozen=True)
class AuditResult:
    """One page as the worker returns it: the query, its rows, and patient names by id
    (``None`` for a patient no longer in the database)."""

    query: AuditQuery
    page: AuditPage
    names: dict[int, str | None]


def fetch_audit_page(database: Database, query: AuditQuery) -> AuditResult:
    """Run in the worker: the page, then the name of each distinct patient on it."""
    from acuchart.errors import RecordNotFoundError
    from acuchart.services.audit import list_audit
    from acuchart.services.patients import get_patient

    page = list_audit(database, query)
    names: dict[int, str | None] = {}
    for patient_id in {row.patient_id for row in page.rows if row.patient_id is not None}:
        try:
            names[patient_id] = get_patient(database, patient_id).display_name
        except RecordNotFoundError:
            names[patient_id] = None
    return AuditResult(query, page, names)


def python_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def local_time(value: dt.datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def patient_text(patient_id: int | None, names: dict[int, str | None]) -> str:
    if patient_id is None:
        return ""
    name = names.get(patient_id)
    if patient_id in names and name is None:
        return f"patient {patient_id} (deleted)"
    return f"patient {patient_id} · {name}" if name else f"patient {patient_id}"


class AuditTableModel(QAbstractTableModel):
    """One page of audit entries, read-only. ``sort`` asks for a new database query."""

    sortRequested = Signal(object, bool)  # AuditSort, descending

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.query = AuditQuery()
        self.total = 0
        self._rows: list[AuditRow] = []
        self._names: dict[int, str | None] = {}

    def show_result(self, result: AuditResult) -> None:
        self.beginResetModel()
        self.query = result.query
        self.total = result.page.total
        self._rows = list(result.page.rows)
        self._names = dict(result.names)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            return COLUMNS[section][2]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == WHEN:
                stamp = row.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
                return f"{stamp} UTC · entry {row.id}"
            return self.text(row, index.column()) or None
        if role == ROW_ROLE:
            return row
        return None

    def text(self, row: AuditRow, column: int) -> str:
        if column == WHEN:
            return local_time(row.at)
        if column == ACCOUNT:
            return row.account
        if column == ACTION:
            return ACTION_LABELS.get(AuditAction(row.action), str(row.action))
        if column == PATIENT:
            return patient_text(row.patient_id, self._names)
        if column == OBJECT:
            return row.object
        return row.detail

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS):
            self.sortRequested.emit(COLUMNS[column][1], order == Qt.SortOrder.DescendingOrder)

    def rows_as_text(self, rows: Iterable[int]) -> str:
        """Rows as tab-separated lines, as shown, with the column titles first."""
        lines = ["\t".join(title for title, _, _ in COLUMNS)]
        for number in rows:
            row = self._rows[number]
            lines.append("\t".join(self.text(row, column) for column in range(len(COLUMNS))))
        return "\n".join(lines) + "\n"


class AuditViewer(QDialog):
    """Read the audit log: who did what to which chart, and whether the log is intact."""

    def __init__(self, database: Database, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("auditViewer")
        self.setWindowTitle(self.tr("Audit log"))
        self.database = database
        self.tasks = tasks
        self.query = AuditQuery()
        self._generation = 0  # only the newest query's answer is shown
        self.loading = False

        # -- filters
        self.patient = named(QLineEdit(), "auditPatient")
        self.patient.setValidator(QIntValidator(1, 2_147_483_647, self.patient))
        self.patient.setPlaceholderText(self.tr("all"))
        self.patient.setClearButtonEnabled(True)
        self.patient.setMaximumWidth(110)
        self.account = named(QComboBox(), "auditAccount")
        self.account.setEditable(True)
        self.account.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.account.addItem("")  # keeps the typed text when accounts are added later
        self._accounts: set[str] = set()
        self._add_accounts([current_account()])
        line = self.account.lineEdit()
        assert line is not None
        line.setPlaceholderText(self.tr("all"))
        line.setClearButtonEnabled(True)
        self.account.setMinimumContentsLength(12)
        self.action = named(QComboBox(), "auditAction")
        self.action.addItem(self.tr("All actions"), None)
        for action, label in ACTION_LABELS.items():
            self.action.addItem(self.tr(label), action.value)
        today = QDate.currentDate()
        self.use_since = named(QCheckBox(self.tr("&From")), "auditUseSince")
        self.since = self._date_edit("auditSince", today.addDays(-30))
        self.use_until = named(QCheckBox(self.tr("&To")), "auditUseUntil")
        self.until = self._date_edit("auditUntil", today)
        clear = named(QPushButton(self.tr("C&lear filters")), "auditClear")
        clear.setAutoDefault(False)
        clear.clicked.connect(self.clear_filters)

        filters = QHBoxLayout()
        filters.setSpacing(6)
        for text, field in (
            (self.tr("&Patient id"), self.patient),
            (self.tr("A&ccount"), self.account),
            (self.tr("&Action"), self.action),
        ):
            caption = QLabel(text)
            caption.setBuddy(field)
            filters.addWidget(caption)
            filters.addWidget(field)
            filters.addSpacing(10)
        for box, edit in ((self.use_since, self.since), (self.use_until, self.until)):
            filters.addWidget(box)
            filters.addWidget(edit)
            filters.addSpacing(6)
        filters.addStretch()
        filters.addWidget(clear)

        # -- the page
        self.model = AuditTableModel(self)
        self.table = named(QTableView(), "auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        width = self.fontMetrics().horizontalAdvance
        for column, sample in (
            (WHEN, "2026-03-20 20:00:00__"),
            (ACCOUNT, "practitioner___"),
            (ACTION, "Archived / restored__"),
            (PATIENT, "patient 12345 · Andersson, Francesca__"),
            (OBJECT, "body map of visit 12345__"),
        ):
            header.resizeSection(column, width(sample))
        header.setSortIndicator(WHEN, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.model.sortRequested.connect(self.sort_by)
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.table)
        copy.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy.activated.connect(self.copy_selection)

        self.empty = named(QLabel(self.tr("No entries match.")), "auditEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setProperty("role", "placeholder")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.position = named(QLabel(), "auditPosition")
        self.previous_button = named(QPushButton(self.tr("◀ P&revious page")), "auditPrevious")
        self.next_button = named(QPushButton(self.tr("Ne&xt page ▶")), "auditNext")
        self.previous_button.clicked.connect(lambda: self.turn_page(-1))
        self.next_button.clicked.connect(lambda: self.turn_page(1))
        paging = QHBoxLayout()
        paging.addWidget(self.position)
        paging.addStretch()
        paging.addWidget(self.previous_button)
        paging.addWidget(self.next_button)

        # -- verify, export, messages
        self.verify_button = named(QPushButton(self.tr("&Verify the log")), "auditVerify")
        self.verify_button.clicked.connect(self.verify)
        self.verify_result = named(QLabel(), "auditVerifyResult")
        self.verify_result.setWordWrap(True)
        self.export_button = named(QPushButton(self.tr("&Export CSV…")), "auditExport")
        self.export_button.clicked.connect(self.export_csv)
        self.message = named(QLabel(), "auditMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in (
            clear, self.previous_button, self.next_button, self.verify_button, self.export_button,
        ):  # fmt: skip
            button.setAutoDefault(False)
        actions = QHBoxLayout()
        actions.addWidget(self.verify_button)
        actions.addWidget(self.verify_result, 1)
        actions.addWidget(self.export_button)
        actions.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)
        layout.addLayout(paging)
        layout.addWidget(self.message)
        layout.addLayout(actions)

        # -- re-query on change: at once for choices, 200 ms after the last keystroke for text
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TEXT_DELAY_MS)
        self._typing.timeout.connect(self.apply_filters)
        self.patient.textChanged.connect(self._typing.start)
        self.account.currentTextChanged.connect(self._typing.start)
        self.action.currentIndexChanged.connect(self.apply_filters)
        for box, edit in ((self.use_since, self.since), (self.use_until, self.until)):
            box.toggled.connect(edit.setEnabled)
            box.toggled.connect(self.apply_filters)
            edit.dateChanged.connect(self.apply_filters)

        self.resize(1240, 660)
        self.table.setFocus()
        self.load(self.query)

    def _date_edit(self, name: str, value: QDate) -> QDateEdit:
        edit = named(QDateEdit(value), name)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setCalendarPopup(True)
        edit.setEnabled(False)
        return edit

    def _add_accounts(self, accounts: Iterable[str]) -> None:
        for account in sorted(set(accounts) - self._accounts):
            self._accounts.add(account)
            self.account.addItem(account)

    # -- querying -----------------------------------------------------------
    def filtered_query(self) -> AuditQuery:
        """The query the filters describe, on its first page, in the current order."""
        patient = self.patient.text().strip()
        action = self.action.currentData()
        since = until = None
        if self.use_since.isChecked():
            since = dt.datetime.combine(python_date(self.since.date()), dt.time()).astimezone()
        if self.use_until.isChecked():
            day = python_date(self.until.date()) + dt.timedelta(days=1)  # the whole day "to"
            until = dt.datetime.combine(day, dt.time()).astimezone()
        return replace(
            self.query,
            patient_id=int(patient) if patient.isdigit() else None,
            account=self.account.currentText().strip() or None,
            action=AuditAction(action) if action else None,
            since=since,
            until=until,
            offset=0,
        )

    def apply_filters(self) -> None:
        self._typing.stop()
        query = self.filtered_query()
        if query != self.query:
            self.load(query)

    def clear_filters(self) -> None:
        for widget in (self.patient, self.account, self.action, self.use_since, self.use_until):
            widget.blockSignals(True)
        self.patient.clear()
        self.account.setCurrentIndex(0)
        self.account.setEditText("")
        self.action.setCurrentIndex(0)
        self.use_since.setChecked(False)
        self.use_until.setChecked(False)
        for widget in (self.patient, self.account, self.action, self.use_since, self.use_until):
            widget.blockSignals(False)
        self.since.setEnabled(False)
        self.until.setEnabled(False)
        self.apply_filters()

    def sort_by(self, sort: AuditSort, descending: bool) -> None:
        if (sort, descending) != (self.query.sort, self.query.descending):
            self.load(replace(self.query, sort=sort, descending=descending, offset=0))

    def turn_page(self, step: int) -> None:
        offset = self.query.offset + step * self.query.limit
        if 0 <= offset < max(self.model.total, 1):
            self.load(replace(self.query, offset=offset))

    def refresh(self) -> None:
        self.load(self.query)

    def load(self, query: AuditQuery) -> None:
        self.query = query
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.position.setText(self.tr("Loading…"))
        database = self.database
        self.tasks.run(
            lambda: fetch_audit_page(database, query),
            lambda result: self._loaded(generation, result),
            lambda error: self._load_failed(generation, error),
        )

    def _loaded(self, generation: int, result: AuditResult) -> None:
        if generation != self._generation:
            return
        self.loading = False
        if self.message.property("fromLoad"):  # a failed load's error, now stale
            self._show_message("")
        self.model.show_result(result)
        self._add_accounts(row.account for row in result.page.rows)
        total, offset, shown = result.page.total, result.query.offset, len(result.page.rows)
        self.stack.setCurrentWidget(self.table if shown else self.empty)
        if shown:
            self.position.setText(
                self.tr(f"Entries {offset + 1:,}–{offset + shown:,} of {total:,}")
            )
        else:
            self.position.setText(self.tr("0 entries"))
        self.previous_button.setEnabled(offset > 0)
        self.next_button.setEnabled(offset + shown < total)

    def _load_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.position.setText("")
        self._show_message(describe_error(error), error=True)
        self.message.setProperty("fromLoad", True)

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setProperty("fromLoad", False)
        self.message.setStyleSheet(f"color: {ERROR if error else MUTED};")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- copy, export, verify ----------------------------------------------
    def copy_selection(self) -> None:
        selection = self.table.selectionModel()
        rows = sorted(index.row() for index in selection.selectedRows())
        clipboard = QApplication.clipboard()
        if rows and clipboard is not None:
            clipboard.setText(self.model.rows_as_text(rows))

    def export_csv(self) -> None:
        from acuchart.ui import file_dialogs

        suggested = Path(f"audit-log-{dt.date.today().isoformat()}.csv")
        chosen = file_dialogs.ask_save_path(
            self, self.tr("Export the audit log"), suggested, self.tr("CSV files (*.csv)")
        )
        if not chosen:
            return
        path = Path(chosen)
        query = self.filtered_query()
        database = self.database
        self.export_button.setEnabled(False)
        self._show_message(self.tr("Exporting…"))

        def job() -> int:
            from acuchart.services.audit import export_audit_csv

            return export_audit_csv(database, query, path)

        self.tasks.run(job, lambda count: self._exported(count, path), self._export_failed)

    def _exported(self, count: int, path: Path) -> None:
        self.export_button.setEnabled(True)
        noun = "entry" if count == 1 else "entries"
        self._show_message(self.tr(f"Exported {count:,} {noun} to {path}."))
        self.refresh()  # the export itself is now in the log

    def _export_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        self._show_message(describe_error(error), error=True)

    def verify(self) -> None:
        from acuchart.services.audit import verify_audit_log

        database = self.database
        self.verify_button.setEnabled(False)
        self.verify_result.setStyleSheet(f"color: {MUTED};")
        self.verify_result.setText(self.tr("Verifying…"))
        self.tasks.run(lambda: verify_audit_log(database), self._verified, self._verify_failed)

    def _verified(self, check: AuditCheck) -> None:
        self.verify_button.setEnabled(True)
        if check.ok:
            self.verify_result.setStyleSheet(f"color: {INTACT_COLOUR};")
            self.verify_result.setText(self.tr(f"Chain intact: {check.rows_checked:,} entries"))
        else:
            self.verify_result.setStyleSheet(f"color: {ERROR}; font-weight: 600;")
            self.verify_result.setText(self.tr(f"The log is not intact: {check.message}."))

    def _verify_failed(self, error: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self.verify_result.setStyleSheet(f"color: {ERROR};")
        self.verify_result.setText(describe_error(error))
