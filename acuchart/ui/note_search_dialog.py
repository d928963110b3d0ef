"""Search every session note of the clinic, newest first or best match first.

Each pause in typing runs one ``search_notes`` in this window's own worker thread
(a ranked search of a common word reads every match; it must not hold up the
chart's autosave, which runs in the main worker). Results that arrive after a
newer search has started are dropped. Enter or a double-click opens the visit's
note in the chart.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from acuchart.db.database import Database
from acuchart.note_search import NoteHit, NoteOrder, NoteQuery
from acuchart.ui.messages import describe_error
from acuchart.ui.naming import named
from acuchart.ui.style import ERROR, MUTED
from acuchart.ui.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex
TYPING_PAUSE_MS = 150
COLUMNS = ("Visit", "Patient", "Note", "Found")


class NoteHitModel(QAbstractTableModel):
    """The hits of the latest search, replaced as a whole (at most one page of results)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hits: list[NoteHit] = []

    def show_hits(self, hits: list[NoteHit]) -> None:
        self.beginResetModel()
        self.hits = hits
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                hit.started_at.astimezone().strftime("%a %Y-%m-%d"),
                hit.patient_name,
                "signed" if hit.signed else "draft",
                hit.excerpt,
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return hit.excerpt
        return None


class NoteSearchDialog(QDialog):
    """A window beside the chart: type words, see the notes that contain them."""

    visit_chosen = Signal(int, int)  # patient id, visit id

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Search notes"))
        self.setObjectName("noteSearchDialog")
        self.database = database
        self.tasks = TaskRunner(self)
        self._generation = 0
        self.searching = False

        self.search = named(QLineEdit(), "noteSearchText")
        self.search.setPlaceholderText(
            self.tr("Words in any note: a complaint, a medicine, a point (ST36)…")
        )
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(300)
        self.best_first = named(QCheckBox(self.tr("Best matches first")), "noteSearchRanked")
        self.best_first.setToolTip(
            self.tr("Off: the latest visits first. On: the closest matches first.")
        )
        self.status = named(QLabel(), "noteSearchStatus")
        self.status.setStyleSheet(f"color: {MUTED};")

        self.model = NoteHitModel(self)
        self.table = named(QTableView(), "noteSearchResults")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.choose(index.row()))

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.best_first)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.resize(900, 520)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(TYPING_PAUSE_MS)
        self.timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self.timer.start())
        self.best_first.toggled.connect(lambda _on: self.run_search())
        self.search.installEventFilter(self)
        self._show_status(self.tr("Type a word to search every note."))

    def query(self) -> NoteQuery:
        order = NoteOrder.BEST if self.best_first.isChecked() else NoteOrder.NEWEST
        return NoteQuery(self.search.text(), order)

    def run_search(self) -> None:
        self.timer.stop()
        query = self.query()
        self._generation += 1
        generation = self._generation
        if not query.words:
            self.searching = False
            self.model.show_hits([])
            self._show_status(self.tr("Type a word to search every note."))
            return
        from acuchart.services.note_search import search_notes

        self.searching = True
        self._show_status(self.tr("Searching…"))
        database = self.database
        self.tasks.run(
            lambda: search_notes(database, query),
            lambda hits: self._found(generation, hits),
            lambda error: self._failed(generation, error),
        )

    def _found(self, generation: int, hits: list[NoteHit]) -> None:
        if generation != self._generation:
            return
        self.searching = False
        self.model.show_hits(hits)
        if hits:
            self.table.selectRow(0)
        limit = self.query().limit
        if not hits:
            self._show_status(self.tr("No note contains these words."))
        elif len(hits) >= limit:
            self._show_status(
                self.tr(f"The first {limit} notes found. Add a word to narrow the search.")
            )
        else:
            self._show_status(self.tr(f"{len(hits)} notes found."))

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.searching = False
        self._show_status(describe_error(error), error=True)

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {ERROR if error else MUTED};")
        self.status.setText(text)

    def choose(self, row: int) -> None:
        if 0 <= row < len(self.model.hits):
            hit = self.model.hits[row]
            self.visit_chosen.emit(hit.patient_id, hit.visit_id)

    def eventFilter(self, watched: QObject, event: Any) -> bool:
        """Up and Down in the search box move through the results; Enter opens one."""
        typed = isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress
        if watched is self.search and typed:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.model.hits:
                current = self.table.currentIndex().row()
                step = 1 if key == Qt.Key.Key_Down else -1
                self.table.selectRow(max(0, min(len(self.model.hits) - 1, current + step)))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.timer.isActive():
                    self.run_search()
                else:
                    self.choose(self.table.currentIndex().row())
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.choose(self.table.currentIndex().row())
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.timer.stop()
        self._generation += 1
        super().closeEvent(event)
