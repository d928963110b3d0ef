"""Search box, archived toggle and the patient table: the left side of the main window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from acuchart.ui.naming import named
from acuchart.ui.patient_list_model import BORN, CAUSE, LAST_VISIT, NAME, PHONE, PatientListModel

if TYPE_CHECKING:
    from acuchart.db.repositories import PatientPage
    from acuchart.patient_search import PatientQuery

# What the columns must fit: a typical name in full, the others just their usual text.
_TYPICAL_NAME = "⚠ Thompson, Margaret “Peggy”"
_COMPACT_SAMPLES = {
    BORN: "0000-00-00  (00)",
    PHONE: "(000) 000-0000",
    CAUSE: "Chemo (CIPN)",
    LAST_VISIT: "0000-00-00",
}
_CELL_PADDING = 14
_SORT_ARROW = 18

_NAVIGATION_KEYS = {
    Qt.Key.Key_Down,
    Qt.Key.Key_Up,
    Qt.Key.Key_PageDown,
    Qt.Key.Key_PageUp,
}


class PatientListPanel(QWidget):
    """Typing filters at once; arrow keys move through results; Enter opens the chart."""

    currentPatientChanged = Signal(object)  # int | None
    patientActivated = Signal(int)

    def __init__(self, model: PatientListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._opening = False
        self.search = named(QLineEdit(), "patientSearch")
        self.search.setPlaceholderText(self.tr("Search name, birth date or phone  (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.show_archived = named(QCheckBox(self.tr("Show archived")), "showArchived")
        self.table = named(QTableView(), "patientTable")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        # The indicator first: enabling sorting sorts by it (one fetch, by name A–Z).
        self.table.horizontalHeader().setSortIndicator(NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        # Tab leaves the table (to the chart); rows change with the arrow keys only, so
        # tabbing through never opens another patient's chart.
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        self._size_columns()
        self.table.viewport().installEventFilter(self)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.count_label = named(QLabel(), "patientCount")
        self.count_label.setProperty("role", "fieldHint")

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_archived)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self.search.textChanged.connect(self._on_search_changed)
        self.search.returnPressed.connect(self._activate_current)
        self.search.installEventFilter(self)
        self.show_archived.toggled.connect(self.model.set_include_archived)
        self.table.activated.connect(self._on_activated)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.model.totalChanged.connect(self._show_total)
        self.model.modelReset.connect(self._after_reset)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def current_patient_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.patient_id_at(index.row()) if index.isValid() else None

    def select_patient(self, patient_id: int) -> bool:
        """Select a patient, loading further pages if they are beyond those already shown."""
        row = self.model.row_of(patient_id)
        while row is None and self.model.canFetchMore():
            loaded = self.model.rowCount()
            self.model.fetchMore()
            if self.model.rowCount() == loaded:
                break
            row = self.model.row_of(patient_id, start=loaded)
        if row is None:
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, NAME),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        return True

    def refresh(self, keep_patient: int | None = None) -> None:
        keep = keep_patient if keep_patient is not None else self.current_patient_id()
        self.model.refresh()
        if keep is not None:
            self.select_patient(keep)

    def _size_columns(self) -> None:
        """Born, phone, cause and last visit as narrow as their usual text; names get the rest."""
        cells = self.table.fontMetrics()
        headers = self.table.horizontalHeader().fontMetrics()
        for column, sample in _COMPACT_SAMPLES.items():
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            width = max(
                cells.horizontalAdvance(sample) + _CELL_PADDING,
                headers.horizontalAdvance(title) + _CELL_PADDING + _SORT_ARROW,
            )
            self.table.setColumnWidth(column, width)
        self._name_width = cells.horizontalAdvance(_TYPICAL_NAME) + _CELL_PADDING
        self._fit_name_column()

    def _fit_name_column(self) -> None:
        """Like a stretched column, but never narrower than a typical name: on a narrow
        panel the other columns scroll sideways instead of the names being cut short."""
        others = sum(
            self.table.columnWidth(column)
            for column in range(self.model.columnCount())
            if column != NAME
        )
        spare = self.table.viewport().width() - others
        self.table.setColumnWidth(NAME, max(self._name_width, spare))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Arrow keys in the search box move through the results; Escape clears it."""
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_name_column()
            return False
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in _NAVIGATION_KEYS and self.model.rowCount():
                self._move_selection(event.key())
                return True
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        return super().eventFilter(watched, event)

    def _move_selection(self, key: int) -> None:
        current = self.table.currentIndex().row()
        steps: dict[int, int] = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 10}
        step = steps.get(key, -10)
        row = max(0, min(self.model.rowCount() - 1, (current if current >= 0 else -1) + step))
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, NAME),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _on_search_changed(self, text: str) -> None:
        self.model.set_search_text(text)

    def open(self, fetch_page: Callable[[PatientQuery], PatientPage]) -> None:
        """Show the first page of a list built while its database was opening. Nothing is
        selected: no patient's chart opens by itself at the start."""
        self._opening = True
        try:
            self.model.open(fetch_page)
        finally:
            self._opening = False

    def _after_reset(self) -> None:
        if self._opening:
            return
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self.currentPatientChanged.emit(None)

    def _activate_current(self) -> None:
        patient_id = self.current_patient_id()
        if patient_id is not None:
            self.patientActivated.emit(patient_id)

    def _on_activated(self, index: QModelIndex) -> None:
        patient_id = self.model.patient_id_at(index.row())
        if patient_id is not None:
            self.patientActivated.emit(patient_id)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        patient_id = self.model.patient_id_at(current.row()) if current.isValid() else None
        self.currentPatientChanged.emit(patient_id)

    def _show_total(self, total: int) -> None:
        noun = "patient" if total == 1 else "patients"
        if self.model.query.text.strip():
            self.count_label.setText(self.tr(f"{total:,} {noun} match"))
        else:
            self.count_label.setText(self.tr(f"{total:,} {noun}"))
