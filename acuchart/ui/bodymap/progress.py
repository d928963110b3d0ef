"""The chart's progress tab: a visit beside the baseline, what changed, and the trend."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from acuchart.bodymap.geometry import FOOT_LIMBS, FOOT_ZONES, HAND_LIMBS, HAND_ZONES
from acuchart.bodymap.metrics import Change, jaccard, region_changes
from acuchart.db.database import Database
from acuchart.patients import Limb
from acuchart.services.body_maps import VisitFigures
from acuchart.ui.bodymap.canvas import BodyMapCanvas
from acuchart.ui.bodymap.editor import FEET, HANDS, VIEW_GROUPS
from acuchart.ui.bodymap.painting import CHANGE_COLOURS
from acuchart.ui.naming import named
from acuchart.ui.patient_tab import PatientTab
from acuchart.ui.tasks import TaskRunner
from acuchart.ui.trend_chart import Series, TrendChart


def short_date(figures: VisitFigures) -> str:
    return f"{figures.visit.started_at.astimezone():%d %b}"


def change_legend() -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for change in Change:
        chip = QPixmap(14, 14)
        colour = QColor(CHANGE_COLOURS[change])
        colour.setAlphaF(0.6)
        chip.fill(colour)
        icon = QLabel()
        icon.setPixmap(chip)
        row.addWidget(icon)
        row.addWidget(QLabel(change.label))
        row.addSpacing(8)
    row.addStretch(1)
    return box


class ProgressPanel(PatientTab):
    def __init__(self, database: Database, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("progressPanel")
        self.database, self.tasks = database, tasks
        self.course: list[VisitFigures] = []
        self.visit_choice = named(QComboBox(), "compareVisit")
        self.group_choice = named(QComboBox(), "compareViews")
        self.group_choice.addItem(self.tr("Both feet"), FEET)
        self.group_choice.addItem(self.tr("Both hands"), HANDS)
        self.group_choice.addItem(self.tr("All eight views"), "")
        self.baseline = BodyMapCanvas(interactive=False)
        self.current = BodyMapCanvas(interactive=False)
        self.change = BodyMapCanvas(interactive=False)
        self.change.setObjectName("changeCanvas")
        self.titles = [named(QLabel(), f"compareTitle{i}") for i in range(3)]
        self.summary = named(QLabel(), "progressSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setMinimumWidth(200)
        self.visit_choice.setMinimumContentsLength(11)
        self.change.layers.show_sensory = False
        self.area_chart = TrendChart(self.tr("Affected area (%)"))
        self.extent_chart = TrendChart(self.tr("Proximal extent"))
        self.empty = named(QLabel(self.tr("No visits yet.")), "progressEmpty")
        self.empty.setProperty("role", "placeholder")

        head = QHBoxLayout()
        head.addWidget(QLabel(self.tr("Compare")))
        head.addWidget(self.visit_choice)
        head.addWidget(QLabel(self.tr("with the first visit · show")))
        head.addWidget(self.group_choice)
        head.addStretch(1)
        grid = QGridLayout()
        for column, (title, canvas) in enumerate(
            zip(self.titles, (self.baseline, self.current, self.change), strict=True)
        ):
            title.setAlignment(Qt.AlignmentFlag.AlignCenter)
            title.setProperty("role", "section")
            grid.addWidget(title, 0, column)
            grid.addWidget(canvas, 1, column)
        grid.addWidget(change_legend(), 2, 2)
        charts = QHBoxLayout()
        charts.addWidget(self.area_chart)
        charts.addWidget(self.extent_chart)
        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        content.addLayout(head)
        content.addLayout(grid, 3)
        content.addWidget(self.summary)
        content.addLayout(charts, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.content, 1)
        self.visit_choice.activated.connect(lambda _: self._compare())
        self.group_choice.activated.connect(lambda _: self._set_group())
        self._set_group()

    def show_patient(self, patient_id: int, limbs: frozenset[Limb]) -> None:
        """A new patient: the course loads when the tab is shown."""
        if patient_id != self.patient_id:
            wants_hands = bool(limbs & set(HAND_LIMBS)) and not limbs & set(FOOT_LIMBS)
            self.group_choice.setCurrentIndex(
                self.group_choice.findData(HANDS if wants_hands else FEET)
            )
            self._set_group()
        self.patient_id = patient_id
        self.mark_stale()

    def load(self, patient_id: int) -> None:
        """Compute every visit's figures in the worker; the tab fills in when they arrive."""
        from acuchart.services.body_maps import course_figures

        self.tasks.run(
            lambda: course_figures(self.database, patient_id),
            lambda course: self._loaded(patient_id, course),
            lambda error: self.summary.setText(f"Could not load the course: {error}"),
        )

    def _loaded(self, patient_id: int, course: list[VisitFigures]) -> None:
        if patient_id != self.patient_id:
            return  # another patient was opened meanwhile
        self.course = course
        self.empty.setVisible(not course)
        self.content.setVisible(bool(course))
        self.visit_choice.clear()
        for figures in reversed(course):
            self.visit_choice.addItem(
                f"{figures.visit.started_at.astimezone():%d %b %Y}", figures.visit.id
            )
        self._compare()
        self._trends()

    def _set_group(self) -> None:
        views = VIEW_GROUPS[self.group_choice.currentData() or ""]
        for canvas in (self.baseline, self.current, self.change):
            canvas.set_views(views)

    def _compare(self) -> None:
        if not self.course:
            return
        visit_id = self.visit_choice.currentData()
        first = self.course[0]
        chosen = next((f for f in self.course if f.visit.id == visit_id), self.course[-1])
        self.baseline.set_map(first.body_map)
        self.current.set_map(chosen.body_map)
        self.change.layers.changes = region_changes(first.body_map, chosen.body_map)
        self.change.update()
        self.titles[0].setText(self.tr(f"First visit · {short_date(first)}"))
        self.titles[1].setText(self.tr(f"Visit · {short_date(chosen)}"))
        self.titles[2].setText(self.tr("Change by region"))
        before, after = first.summary.overall, chosen.summary.overall
        overlap = jaccard(first.body_map, chosen.body_map)
        parts = [f"Affected area <b>{before:.1f}% → {after:.1f}%</b>"]
        if before > 0:
            parts[0] += f" ({(after - before) / before * 100:+.0f}%)"
        if overlap is not None:
            parts.append(f"overlap with the first map {overlap * 100:.0f}%")
        for limb in (*FOOT_LIMBS, *HAND_LIMBS):
            was, now = first.summary.extent[limb], chosen.summary.extent[limb]
            if was or now:
                before_text, after_text = (z.label if z else "none" for z in (was, now))
                parts.append(f"{limb.label.lower()}: {before_text} → {after_text}")
        self.summary.setText(" · ".join(parts))

    def _trends(self) -> None:
        labels = [short_date(f) for f in self.course]
        overall = tuple(f.summary.overall for f in self.course)
        peak = max([*overall, *(v for f in self.course for v in f.summary.by_limb.values()), 1.0])
        step = 5.0 if peak <= 20 else 10.0 if peak <= 50 else 25.0
        y_max = min(100.0, (int(peak // step) + 1) * step)
        colours = {
            Limb.LEFT_FOOT: "#0072B2",
            Limb.RIGHT_FOOT: "#56B4E9",
            Limb.LEFT_HAND: "#D55E00",
            Limb.RIGHT_HAND: "#E69F00",
        }
        area_series = [Series("All", "#333333", overall)]
        area_series += [
            Series(
                limb.label, colours[limb], tuple(f.summary.by_limb[limb] for f in self.course), True
            )
            for limb in colours
            if any(f.summary.by_limb[limb] for f in self.course)
        ]
        self.area_chart.set_data(
            labels,
            area_series,
            y_max=y_max,
            y_ticks={step * i: f"{step * i:.0f}%" for i in range(int(y_max // step) + 1)},
        )
        extent_series = []
        for limb, colour in colours.items():
            zones = FOOT_ZONES if limb in FOOT_LIMBS else HAND_ZONES
            values = tuple(
                float(zones.index(zone) + 1) if (zone := f.summary.extent[limb]) else 0.0
                for f in self.course
            )
            if any(values):
                extent_series.append(Series(limb.label, colour, values, limb in HAND_LIMBS))
        ticks = {0.0: "none"} | {float(i + 1): zone.label for i, zone in enumerate(FOOT_ZONES)}
        if not any(s.name.endswith("foot") for s in extent_series):
            ticks = {0.0: "none"} | {float(i + 1): zone.label for i, zone in enumerate(HAND_ZONES)}
        self.extent_chart.set_data(labels, extent_series, y_max=max(ticks), y_ticks=ticks)
