"""A patient's visits, newest first, as a Qt table model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from acuchart.visits import VisitSummary

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Date", "Time", "Practitioner", "Status")


class VisitListModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._visits: list[VisitSummary] = []

    def set_visits(self, visits: list[VisitSummary]) -> None:
        self.beginResetModel()
        self._visits = list(visits)
        self.endResetModel()

    def visit_at(self, row: int) -> VisitSummary | None:
        return self._visits[row] if 0 <= row < len(self._visits) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        visit = self.visit_at(index.row()) if index.isValid() else None
        if visit is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        local = visit.started_at.astimezone()
        return (
            local.strftime("%a %Y-%m-%d"),
            local.strftime("%H:%M"),
            visit.practitioner_name,
            visit.status.label,
        )[index.column()]
