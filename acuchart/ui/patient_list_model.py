"""The patient list as a Qt table model over pages fetched from the database.

No proxy model: filtering and sorting are done by the database and the model
is reset with the result (a Python-side proxy is far too slow at clinic scale).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from acuchart.dates import age_on
from acuchart.patient_search import PAGE_SIZE, PatientQuery, PatientSort

if TYPE_CHECKING:
    from acuchart.db.repositories import PatientListRow, PatientPage

Index = QModelIndex | QPersistentModelIndex
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS: tuple[tuple[str, PatientSort], ...] = (
    ("Name", PatientSort.NAME),
    ("Born", PatientSort.DATE_OF_BIRTH),
    ("Phone", PatientSort.PHONE),
    ("Cause", PatientSort.CAUSE),
    ("Last visit", PatientSort.LAST_VISIT),
)
NAME, BORN, PHONE, CAUSE, LAST_VISIT = range(len(COLUMNS))


class PatientListModel(QAbstractTableModel):
    """Rows are one page at a time; scrolling to the end fetches the next page."""

    totalChanged = Signal(int)

    def __init__(
        self,
        fetch_page: Callable[[PatientQuery], PatientPage] | None,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self._fetch_page = fetch_page
        self._query = PatientQuery(limit=page_size)
        self._rows: list[PatientListRow] = []
        self._loaded = False
        self._total = 0
        self._today = dt.date.today()

    # -- what the view asks -------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == PATIENT_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME and row.precautions:
            return "Precautions: " + ", ".join(sorted(flag.label for flag in row.precautions))
        if role == Qt.ItemDataRole.ToolTipRole and column == CAUSE and row.neuropathy_cause:
            return row.neuropathy_cause.label
        if role == Qt.ItemDataRole.ForegroundRole and row.archived:
            return QColor("#8a9496")
        return None

    def _display(self, row: PatientListRow, column: int) -> str:
        if column == NAME:
            name = f"{row.family_name}, {row.given_names}" if row.given_names else row.family_name
            if row.preferred_name:
                name += f" “{row.preferred_name}”"
            if row.precautions:
                name = "⚠ " + name
            return name + ("  (archived)" if row.archived else "")
        if column == BORN:
            return f"{row.date_of_birth.isoformat()}  ({age_on(row.date_of_birth, self._today)})"
        if column == PHONE:
            return row.phone
        if column == CAUSE:
            return row.neuropathy_cause.short_label if row.neuropathy_cause else ""
        if column == LAST_VISIT and row.last_visit_at:
            return row.last_visit_at.astimezone().date().isoformat()
        return ""

    # -- paging and sorting, done by the database ---------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetch_page is None:
            return
        page = self._fetch_page(replace(self._query, offset=len(self._rows)))
        self._total = page.total
        if not page.rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
        self._rows.extend(page.rows)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._change_query(
            self._replace(sort=COLUMNS[column][1], descending=order == Qt.SortOrder.DescendingOrder)
        )

    # -- what the panel asks ------------------------------------------------
    @property
    def query(self) -> PatientQuery:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    def set_search_text(self, text: str) -> None:
        self._change_query(self._replace(text=text))

    def set_include_archived(self, include: bool) -> None:
        self._change_query(self._replace(include_archived=include))

    def _change_query(self, query: PatientQuery) -> None:
        """Fetch for a new query; the same query again (a header set up twice) costs nothing."""
        if not self._loaded or query != self._query:
            self.set_query(query)

    def refresh(self) -> None:
        self.set_query(self._query)

    def open(self, fetch_page: Callable[[PatientQuery], PatientPage]) -> None:
        """Fetch from now on: a list built while its database was still opening (``fetch_page``
        None) has kept its query, sorting and archived choice until this first fetch."""
        self._fetch_page = fetch_page
        self.set_query(self._query)

    def set_query(self, query: PatientQuery) -> None:
        if self._fetch_page is None:  # not open yet: kept for ``open``
            self._query = query
            return
        page = self._fetch_page(query)
        self.beginResetModel()
        self._query = query
        self._rows = list(page.rows)
        self._loaded = True
        self._total = page.total
        self._today = dt.date.today()
        self.endResetModel()
        self.totalChanged.emit(self._total)

    def patient_id_at(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, patient_id: int, start: int = 0) -> int | None:
        return next(
            (i for i in range(start, len(self._rows)) if self._rows[i].id == patient_id), None
        )

    def _replace(self, **changes: Any) -> PatientQuery:
        return replace(self._query, offset=0, **changes)
