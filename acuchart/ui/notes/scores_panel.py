"""The chart's Scores tab: every outcome score as a flowsheet across visits, and a trend chart.

Rows are measures (NRS items, PGIC, MNSI, named scores), columns the visits that
recorded any, oldest to newest, then what changed since the first. Selecting
rows charts them; the pain scores are charted when the tab opens.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from acuchart.db.database import Database
from acuchart.notes.scores import Improvement, nrs_band
from acuchart.notes.timeline import (
    PAIN_MEASURES,
    Measure,
    ScoreFlowsheet,
    ScoreRow,
    change_text,
    describe_value,
    format_value,
    nrs_improvement,
)
from acuchart.ui.naming import named
from acuchart.ui.patient_tab import PatientTab
from acuchart.ui.tasks import TaskRunner
from acuchart.ui.trend_chart import Series, TrendChart

Index = QModelIndex | QPersistentModelIndex
BAND_TINTS = {"none": "#f3f8f1", "mild": "#fbf6dc", "moderate": "#fde6cc", "severe": "#f9d3cf"}
CHANGE_TINTS = {
    Improvement.SUBSTANTIAL: "#d4edd9",
    Improvement.MODERATE: "#e3f2e6",
    Improvement.WORSE: "#f9d3cf",
}
# Okabe–Ito: tells the lines apart for colour-blind readers too.
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def visit_heading(sheet: ScoreFlowsheet, column: int) -> str:
    visit = sheet.visits[column]
    local = visit.started_at.astimezone()
    return f"{local:%d %b}\n{local:%Y}" + ("" if visit.signed else "\ndraft")


def swatch(colour: str | None) -> QPixmap:
    """A short line in the chart colour of a charted row; blank for the others."""
    chip = QPixmap(18, 12)
    chip.fill(Qt.GlobalColor.transparent)
    if colour:
        painter = QPainter(chip)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(colour), 3))
        painter.drawLine(2, 6, 16, 6)
        painter.end()
    return chip


class ScoreTableModel(QAbstractTableModel):
    """Measures down, visits across, then the change since the first value."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sheet = ScoreFlowsheet((), ())
        self.charted: dict[int, str] = {}  # row → its line colour in the chart

    def set_charted(self, charted: dict[int, str]) -> None:
        self.charted = charted
        if self.sheet.rows:
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self.sheet.rows) - 1)

    def set_sheet(self, sheet: ScoreFlowsheet) -> None:
        self.beginResetModel()
        self.sheet = sheet
        self.endResetModel()

    @property
    def change_column(self) -> int:
        return len(self.sheet.visits)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.sheet.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or not self.sheet.rows else len(self.sheet.visits) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.sheet.rows[section].measure.label
            if role == Qt.ItemDataRole.DecorationRole:
                return swatch(self.charted.get(section))
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == self.change_column:
                return "Since first"
            return visit_heading(self.sheet, section)
        if role == Qt.ItemDataRole.ToolTipRole and section < self.change_column:
            visit = self.sheet.visits[section]
            state = "signed" if visit.signed else "draft, not signed yet"
            return f"Visit of {visit.started_at.astimezone():%A %d %B %Y, %H:%M} ({state})"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.sheet.rows[index.row()]
        if index.column() == self.change_column:
            return self._change_data(row, role)
        value = row.values[index.column()]
        if value is None:
            return None
        measure = row.measure
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(measure, value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return describe_value(measure, value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.BackgroundRole and measure.kind == "nrs":
            return QBrush(QColor(BAND_TINTS[nrs_band(int(value))]))
        return None

    def _change_data(self, row: ScoreRow, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return change_text(row)
        if role == Qt.ItemDataRole.BackgroundRole:
            tint = CHANGE_TINTS.get(nrs_improvement(row))  # type: ignore[arg-type]
            return QBrush(QColor(tint)) if tint else None
        return None


def chart_axis(measures: list[Measure], rows: list[ScoreRow]) -> tuple[float, dict[float, str]]:
    """A y-axis that fits the selected measures: 0–10 for NRS, 1–7 for PGIC, 0–13 for MNSI."""
    scale = max((m.scale_max for m in measures if m.scale_max is not None), default=0.0)
    seen = [v for row in rows for v in row.values if v is not None]
    peak = max([scale, *seen, 1.0])
    if peak <= 10:
        return 10.0, {float(v): str(v) for v in range(0, 11, 2)}
    step = next(s * 10.0**e for e in range(7) for s in (1, 2, 5) if peak / (s * 10.0**e) <= 8)
    top = math.ceil(peak / step) * step
    return top, {step * i: f"{step * i:g}" for i in range(round(top / step) + 1)}


class ScoresPanel(PatientTab):
    def __init__(self, database: Database, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("scoresPanel")
        self.database, self.tasks = database, tasks
        self.model = ScoreTableModel(self)
        self.table = named(QTableView(), "scoreTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setCornerButtonEnabled(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.chart = named(TrendChart(self.tr("Pain (NRS 0–10)")), "scoreChart")
        self.hint = QLabel(
            self.tr(
                "Select rows to chart them (Shift or Ctrl for several). "
                "Shaded: NRS mild, moderate, severe; change ≥30% (IMMPACT) in green."
            )
        )
        self.hint.setProperty("role", "fieldHint")
        self.hint.setWordWrap(True)
        self.empty = named(
            QLabel(self.tr("No scores yet: the scores typed in a visit's note appear here.")),
            "scoresEmpty",
        )
        self.empty.setProperty("role", "placeholder")
        self.empty.setWordWrap(True)
        self.split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        top_layout.addWidget(self.hint)
        self.split.addWidget(top)
        self.split.addWidget(self.chart)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.split, 1)
        self.empty.hide()
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._chart_selection())

    # -- loading ------------------------------------------------------------
    def show_patient(self, patient_id: int) -> None:
        """A new patient: the scores load when the tab is shown."""
        self.patient_id = patient_id
        self.mark_stale()

    def load(self, patient_id: int) -> None:
        from acuchart.services.notes import score_flowsheet

        self.tasks.run(
            lambda: score_flowsheet(self.database, patient_id),
            lambda sheet: self._loaded(patient_id, sheet),
            lambda error: self.empty.setText(f"Could not load the scores: {error}"),
        )

    def _loaded(self, patient_id: int, sheet: ScoreFlowsheet) -> None:
        if patient_id != self.patient_id:
            return  # another patient was opened meanwhile
        chosen = self.selected_names() or set(PAIN_MEASURES)
        self.model.set_sheet(sheet)
        self.empty.setVisible(not sheet.rows)
        self.split.setVisible(bool(sheet.rows))
        self._fit_rows()
        self.select_measures(chosen)
        self.table.scrollTo(
            self.model.index(0, self.model.change_column),
            QAbstractItemView.ScrollHint.PositionAtCenter,
        )

    def _fit_rows(self) -> None:
        height = self.table.fontMetrics().height() + 10
        self.table.verticalHeader().setDefaultSectionSize(height)

    # -- selection and chart -------------------------------------------------
    def selected_names(self) -> set[str]:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return {self.model.sheet.rows[row].measure.name for row in rows}

    def select_measures(self, names: set[str]) -> None:
        """Select the rows of these measures (the first row when none is recorded)."""
        rows = [i for i, row in enumerate(self.model.sheet.rows) if row.measure.name in names]
        if not rows and self.model.sheet.rows:
            rows = [0]
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for row in rows:
            selection.select(self.model.index(row, 0), self.model.index(row, last))
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().select(selection, flags)
        if rows:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        self._chart_selection()

    def _chart_selection(self) -> None:
        sheet = self.model.sheet
        chosen = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        rows = [sheet.rows[i] for i in chosen]
        measures = [row.measure for row in rows]
        y_max, ticks = chart_axis(measures, rows)
        series = [
            Series(
                row.measure.short_label,
                SERIES_COLOURS[n % len(SERIES_COLOURS)],
                row.values,
                dashed=n >= len(SERIES_COLOURS),
                join_gaps=True,
            )
            for n, row in enumerate(rows)
        ]
        self.model.set_charted({i: s.colour for i, s in zip(chosen, series, strict=True)})
        self.chart.title = self._chart_title(measures)
        labels = [f"{v.started_at.astimezone():%d %b}" for v in sheet.visits]
        self.chart.set_data(labels, series, y_max=y_max, y_ticks=ticks)

    def _chart_title(self, measures: list[Measure]) -> str:
        if not measures:
            return self.tr("Select a score above to chart it")
        kinds = {m.kind for m in measures}
        if kinds == {"nrs"}:
            pain = all(m.name in PAIN_MEASURES for m in measures)
            return self.tr("Pain (NRS 0–10)") if pain else self.tr("NRS 0–10")
        if len(measures) == 1:
            return measures[0].label
        return self.tr("Scores")
