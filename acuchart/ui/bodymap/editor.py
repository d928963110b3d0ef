"""Editing one visit's body map: tools, symptom and intensity, undo, mirror, sensory exam.

Every change becomes a new map value pushed on a ``QUndoStack`` and reported
through ``mapChanged``; the panel that owns the editor saves it at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from acuchart.bodymap.exam import MonofilamentSet, VibrationResult
from acuchart.bodymap.geometry import FOOT_LIMBS, VIEW_IDS, get_view
from acuchart.bodymap.metrics import MapSummary, summarise
from acuchart.bodymap.model import (
    BodyMap,
    make_stroke,
    monofilament_counts,
    next_monofilament_result,
)
from acuchart.bodymap.symptoms import MAX_INTENSITY, MIN_INTENSITY, SYMPTOM_STYLES, Symptom
from acuchart.patients import Limb
from acuchart.ui.bodymap.canvas import BodyMapCanvas, Tool
from acuchart.ui.bodymap.painting import swatch
from acuchart.ui.naming import named

SIDE_PANEL_WIDTH = 262
TOOL_LABELS = {
    Tool.REGION: (
        "Regions",
        "R",
        "Click a region to mark it (right-click or click again to unmark)",
    ),
    Tool.BRUSH: ("Brush", "F", "Draw freehand areas that do not follow region lines"),
    Tool.ERASER: (
        "Eraser",
        "E",
        "Erase freehand drawing (click a region with Regions to unmark it)",
    ),
    Tool.SENSORY: ("Monofilament", "M", "Click a site: not tested → felt → not felt"),
}


HANDS, FEET = "hands", "feet"
VIEW_GROUPS = {
    "": VIEW_IDS,
    HANDS: tuple(v for v in VIEW_IDS if "hand" in v),
    FEET: tuple(v for v in VIEW_IDS if "foot" in v),
}


class MapChange(QUndoCommand):
    """One edit: the map before and after, so undo and redo are exact."""

    def __init__(self, editor: BodyMapEditor, before: BodyMap, after: BodyMap, text: str) -> None:
        super().__init__(text)
        self.editor, self.before, self.after = editor, before, after

    def redo(self) -> None:
        self.editor.show_map(self.after, changed=True)

    def undo(self) -> None:
        self.editor.show_map(self.before, changed=True)


def percent(value: float) -> str:
    return "0%" if value == 0 else f"{value:.1f}%" if value >= 0.1 else "<0.1%"


class BodyMapEditor(QWidget):
    mapChanged = Signal(object)  # BodyMap
    copyPreviousRequested = Signal()
    monofilamentSetChosen = Signal(str)  # a MonofilamentSet value: the clinic's choice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bodyMapEditor")
        self.body_map = BodyMap()
        self.read_only = False
        self.undo_stack = QUndoStack(self)
        self.canvas = BodyMapCanvas()
        self.intensity = named(QSpinBox(), "intensity")
        self.intensity.setRange(MIN_INTENSITY, MAX_INTENSITY)
        self.intensity.setValue(5)
        self.canvas.intensity = self.intensity.value()
        self.intensity.valueChanged.connect(lambda value: setattr(self.canvas, "intensity", value))
        self.intensity.setToolTip(self.tr("Intensity 1–10: keys 1–9, and 0 for 10"))
        self.brush = named(QSpinBox(), "brushWidth")
        self.brush.setRange(2, 30)
        self.brush.setValue(8)
        self.brush.setSuffix(" mm")
        self.brush.setToolTip(self.tr("Brush width on the real hand or foot"))
        self.view_choice = named(QComboBox(), "viewChoice")
        self.view_choice.addItem(self.tr("All eight views"), "")
        self.view_choice.addItem(self.tr("Both hands"), HANDS)
        self.view_choice.addItem(self.tr("Both feet"), FEET)
        for view_id in VIEW_IDS:
            self.view_choice.addItem(get_view(view_id).label, view_id)
        self.view_choice.setToolTip(self.tr("Zoom to one view (Z, or double-click a view)"))
        self.show_points = named(QCheckBox(self.tr("Points")), "showPoints")
        self.show_points.setToolTip(self.tr("Show the hand and foot acupuncture points"))
        self.tool_group = QButtonGroup(self)
        self.tool_buttons: dict[Tool, QToolButton] = {}
        for tool, (label, key, tip) in TOOL_LABELS.items():
            button = named(QToolButton(), f"tool_{tool.value}")
            button.setText(f"{label} ({key})")
            button.setToolTip(self.tr(tip))
            button.setCheckable(True)
            self.tool_group.addButton(button)
            self.tool_buttons[tool] = button
        self.tool_buttons[Tool.REGION].setChecked(True)
        self.symptom_group = QButtonGroup(self)
        self.symptom_buttons: dict[Symptom, QToolButton] = {}
        for symptom, style in SYMPTOM_STYLES.items():
            button = named(QToolButton(), f"symptom_{symptom.value}")
            button.setText(f"{style.label} ({style.key})")
            button.setIcon(QIcon(swatch(symptom)))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setCheckable(True)
            button.setAutoRaise(True)
            self.symptom_group.addButton(button)
            self.symptom_buttons[symptom] = button
        self.symptom_buttons[Symptom.BURNING].setChecked(True)

        self.undo_button = named(QPushButton(self.tr("Undo")), "undoMap")
        self.redo_button = named(QPushButton(self.tr("Redo")), "redoMap")
        self.clear_button = named(QPushButton(self.tr("Clear view")), "clearView")
        self.clear_button.setToolTip(self.tr("Remove the marks of the zoomed view"))
        self.mirror_to_right = named(QPushButton(self.tr("Left → right")), "mirrorLeftToRight")
        self.mirror_to_right.setToolTip(self.tr("Copy the left side's drawing onto the right side"))
        self.mirror_to_left = named(QPushButton(self.tr("Right → left")), "mirrorRightToLeft")
        self.mirror_to_left.setToolTip(self.tr("Copy the right side's drawing onto the left side"))
        self.copy_previous = named(QPushButton(self.tr("Copy previous visit")), "copyPrevious")
        self.copy_previous.setToolTip(self.tr("Start from the last visit's drawing"))
        self.figures = named(QLabel(), "mapFigures")
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        # Short lines, no wrapping: wrapped labels get too little height in a layout.
        self.vibration: dict[str, QComboBox] = {}
        self.monofilament_summary = named(QLabel(), "monofilamentSummary")
        self.monofilament_set = named(QComboBox(), "monofilamentSet")
        for choice in MonofilamentSet:
            self.monofilament_set.addItem(choice.label, choice.value)
        self.monofilament_set.setToolTip(
            self.tr("Which monofilament sites this clinic tests (a setting for every patient)")
        )
        self.hover_line = named(QLabel(" "), "hoverLine")
        self.hover_line.setProperty("role", "fieldHint")
        self._figures_timer = QTimer(self)
        self._figures_timer.setSingleShot(True)
        self._figures_timer.setInterval(0)
        self._build_layout()
        self._connect()
        self.show_map(BodyMap(), changed=False)

    # -- layout -----------------------------------------------------------------
    def _build_layout(self) -> None:
        tools = QHBoxLayout()
        tools.setSpacing(4)
        for button in self.tool_buttons.values():
            tools.addWidget(button)
        tools.addSpacing(12)
        tools.addWidget(QLabel(self.tr("Intensity")))
        tools.addWidget(self.intensity)
        tools.addWidget(QLabel(self.tr("Brush")))
        tools.addWidget(self.brush)
        tools.addStretch(1)
        tools.addWidget(self.show_points)
        tools.addWidget(self.view_choice)

        symptoms = QGridLayout()
        symptoms.setHorizontalSpacing(2)
        symptoms.setVerticalSpacing(0)
        for index, button in enumerate(self.symptom_buttons.values()):
            symptoms.addWidget(button, index // 5, index % 5)

        side = QVBoxLayout()
        side.setSpacing(6)
        edit_row = QGridLayout()
        edit_row.addWidget(self.undo_button, 0, 0)
        edit_row.addWidget(self.redo_button, 0, 1)
        edit_row.addWidget(self.clear_button, 1, 0, 1, 2)
        edit_row.addWidget(QLabel(self.tr("Mirror:")), 2, 0, 1, 2)
        edit_row.addWidget(self.mirror_to_right, 3, 0)
        edit_row.addWidget(self.mirror_to_left, 3, 1)
        edit_row.addWidget(self.copy_previous, 4, 0, 1, 2)
        side.addLayout(edit_row)
        side.addSpacing(6)
        heading = QLabel(self.tr("Extent"))
        heading.setProperty("role", "section")
        side.addWidget(heading)
        side.addWidget(self.figures)
        exam_heading = QLabel(self.tr("Sensory exam"))
        exam_heading.setProperty("role", "section")
        side.addWidget(exam_heading)
        exam = QFormLayout()
        for limb in FOOT_LIMBS:
            combo = named(QComboBox(), f"vibration_{limb.value}")
            combo.addItem(self.tr("Not tested"), "")
            for result in VibrationResult:
                combo.addItem(result.label, result.value)
            self.vibration[limb.value] = combo
            exam.addRow(self.tr(f"Vibration, {limb.label.lower()}:"), combo)
        exam.addRow(self.tr("Monofilament set:"), self.monofilament_set)
        side.addLayout(exam)
        side.addWidget(self.monofilament_summary)
        side.addStretch(1)
        side_box = QWidget()
        side_box.setLayout(side)
        side_box.setFixedWidth(SIDE_PANEL_WIDTH)
        side_scroll = QScrollArea()
        side_scroll.setWidget(side_box)
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Room for the scroll bar, so a short window never clips the buttons.
        bar = side_scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        side_scroll.setFixedWidth(SIDE_PANEL_WIDTH + bar + 2)

        body = QHBoxLayout()
        body.addWidget(self.canvas, 1)
        body.addWidget(side_scroll)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tools)
        layout.addLayout(symptoms)
        layout.addLayout(body, 1)
        layout.addWidget(self.hover_line)

    def _connect(self) -> None:
        canvas = self.canvas
        canvas.regionActivated.connect(self.region_activated)
        canvas.strokeDrawn.connect(self.stroke_drawn)
        canvas.siteClicked.connect(self.site_clicked)
        canvas.hoverChanged.connect(lambda text: self.hover_line.setText(text or " "))
        canvas.zoomChanged.connect(self._zoom_changed)
        self.view_choice.currentIndexChanged.connect(self._view_chosen)
        self.show_points.toggled.connect(self._toggle_points)
        self.brush.valueChanged.connect(lambda value: setattr(canvas, "brush_mm", float(value)))
        for tool, button in self.tool_buttons.items():
            button.toggled.connect(partial(self._tool_toggled, tool))
        for symptom, button in self.symptom_buttons.items():
            button.toggled.connect(partial(self._symptom_toggled, symptom))
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self._update_buttons)
        self.undo_stack.canRedoChanged.connect(self._update_buttons)
        self.clear_button.clicked.connect(self.clear_view)
        self.mirror_to_right.clicked.connect(lambda: self.mirror("left"))
        self.mirror_to_left.clicked.connect(lambda: self.mirror("right"))
        self.copy_previous.clicked.connect(self.copyPreviousRequested)
        for limb in FOOT_LIMBS:
            self.vibration[limb.value].activated.connect(
                lambda _, limb=limb: self._vibration_chosen(limb)
            )
        self.monofilament_set.activated.connect(self._monofilament_set_chosen)
        self._figures_timer.timeout.connect(self._show_figures)
        self._shortcuts()

    def _shortcuts(self) -> None:
        """Single keys pick symptom, intensity and tool; the platform's undo and redo keys work,
        and Ctrl+Shift+Z redoes everywhere. Each key sequence is bound once: two shortcuts on
        one sequence are ambiguous and neither fires."""
        bound: set[str] = set()

        def add(sequences: list[QKeySequence], slot: Callable[[], object]) -> None:
            for sequence in unique_sequences(sequences):
                key = sequence.toString(QKeySequence.SequenceFormat.PortableText)
                if key in bound:
                    continue
                bound.add(key)
                shortcut = QShortcut(sequence, self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)

        for digit in range(10):
            add([QKeySequence(str(digit))], partial(self.intensity.setValue, digit or 10))
        for symptom, style in SYMPTOM_STYLES.items():
            add([QKeySequence(style.key)], partial(self.symptom_buttons[symptom].setChecked, True))
        for tool, (_, key, _) in TOOL_LABELS.items():
            add([QKeySequence(key)], partial(self.tool_buttons[tool].setChecked, True))
        add(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo), self.undo_stack.undo)
        redo = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
        add([*redo, QKeySequence("Ctrl+Shift+Z")], self.undo_stack.redo)

    # -- state --------------------------------------------------------------------
    def load(self, body_map: BodyMap, *, read_only: bool) -> None:
        """Show a visit's saved map; the undo history starts afresh."""
        self.undo_stack.clear()
        self.read_only = read_only
        self.canvas.read_only = read_only
        for widget in (
            *self.tool_buttons.values(),
            self.clear_button,
            self.mirror_to_left,
            self.mirror_to_right,
            self.copy_previous,
            *self.vibration.values(),
        ):
            widget.setEnabled(not read_only)
        self.show_map(body_map, changed=False)
        self._update_buttons()

    def show_map(self, body_map: BodyMap, *, changed: bool) -> None:
        self.body_map = body_map
        self.canvas.set_map(body_map)
        for limb in FOOT_LIMBS:
            combo = self.vibration[limb.value]
            result = body_map.vibration.get(limb)
            with QSignalBlocker(combo):
                combo.setCurrentIndex(combo.findData(result.value if result else ""))
        self._figures_timer.start()
        if changed:
            self.mapChanged.emit(body_map)

    def change(self, after: BodyMap, text: str) -> None:
        """Apply a user's edit (ignored on a signed visit or when nothing changes)."""
        if self.read_only or after == self.body_map:
            return
        self.undo_stack.push(MapChange(self, self.body_map, after, text))

    def _tool_toggled(self, tool: Tool, on: bool) -> None:
        if on:
            self.set_tool(tool)

    def _symptom_toggled(self, symptom: Symptom, on: bool) -> None:
        if on:
            self.set_symptom(symptom)

    def set_tool(self, tool: Tool) -> None:
        self.canvas.tool = tool
        self.canvas.layers.show_sensory = True
        self.canvas.setCursor(
            Qt.CursorShape.CrossCursor
            if tool is not Tool.REGION
            else Qt.CursorShape.PointingHandCursor
        )
        if tool is Tool.SENSORY and self.canvas.zoomed is None:
            self.view_choice.setCurrentIndex(self.view_choice.findData("left_foot.plantar"))

    def set_symptom(self, symptom: Symptom) -> None:
        self.canvas.symptom = symptom
        if self.canvas.tool in (Tool.ERASER, Tool.SENSORY):
            self.tool_buttons[Tool.REGION].setChecked(True)

    @property
    def symptom(self) -> Symptom:
        return self.canvas.symptom

    def _toggle_points(self, shown: bool) -> None:
        self.canvas.layers.show_points = shown
        self.canvas.update()

    def _monofilament_set_chosen(self, index: int) -> None:
        choice = MonofilamentSet(self.monofilament_set.itemData(index))
        self.set_monofilament_set(choice)
        self.monofilamentSetChosen.emit(choice.value)

    def set_monofilament_set(self, choice: MonofilamentSet) -> None:
        """Show the sites of the clinic's set (sites that already hold a result stay shown)."""
        with QSignalBlocker(self.monofilament_set):
            self.monofilament_set.setCurrentIndex(self.monofilament_set.findData(choice.value))
        self.canvas.layers.monofilament_sites = choice.site_ids
        self.canvas.update()
        self._figures_timer.start()

    def set_needled_points(self, codes: frozenset[str]) -> None:
        self.canvas.layers.highlighted_points = codes
        self.canvas.update()

    def _view_chosen(self, _: int) -> None:
        choice = self.view_choice.currentData() or ""
        if choice in (HANDS, FEET, ""):
            with QSignalBlocker(self.canvas):
                self.canvas.set_views(VIEW_GROUPS[choice])
            self.canvas.set_zoom(None)
        else:
            self.canvas.set_zoom(choice)

    def _zoom_changed(self, view_id: str) -> None:
        shown = view_id or next(k for k, v in VIEW_GROUPS.items() if v == self.canvas.view_ids)
        with QSignalBlocker(self.view_choice):
            self.view_choice.setCurrentIndex(self.view_choice.findData(shown))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.undo_button.setEnabled(self.undo_stack.canUndo())
        self.redo_button.setEnabled(self.undo_stack.canRedo())
        self.clear_button.setEnabled(not self.read_only and self.canvas.zoomed is not None)

    # -- user actions -------------------------------------------------------------
    def region_activated(self, view_id: str, region_id: str, remove: bool) -> None:
        symptom, intensity = self.symptom, self.intensity.value()
        current = self.body_map.marks_in(view_id, region_id).get(symptom)
        label = get_view(view_id).regions[region_id].label
        if remove or current == intensity:
            if current is None and not remove:
                return
            after = self.body_map.without_marks(view_id, region_id, None if remove else symptom)
            self.change(after, self.tr(f"Unmark {label}"))
        else:
            self.change(
                self.body_map.with_mark(view_id, region_id, symptom, intensity),
                self.tr(f"Mark {label}: {symptom.label.lower()} {intensity}"),
            )

    def stroke_drawn(self, view_id: str, points: list[tuple[float, float]]) -> None:
        eraser = self.canvas.tool is Tool.ERASER
        stroke = make_stroke(
            view_id,
            None if eraser else self.symptom,
            self.intensity.value(),
            float(self.brush.value()),
            points,
        )
        if eraser and not any(
            s.view_id == view_id and not s.is_eraser for s in self.body_map.strokes
        ):
            return  # nothing to erase on this view
        self.change(self.body_map.with_stroke(stroke), self.tr("Erase" if eraser else "Draw"))

    def site_clicked(self, view_id: str, site_id: str) -> None:
        limb = get_view(view_id).limb
        current = self.body_map.monofilament.get((limb, site_id))
        result = next_monofilament_result(current)
        self.change(
            self.body_map.with_monofilament(limb, site_id, result),
            self.tr("Monofilament result"),
        )

    def _vibration_chosen(self, limb: Limb) -> None:
        value = self.vibration[limb.value].currentData()
        result = VibrationResult(value) if value else None
        self.change(self.body_map.with_vibration(limb, result), self.tr("Vibration result"))

    def clear_view(self) -> None:
        if self.canvas.zoomed:
            self.change(self.body_map.cleared(self.canvas.zoomed), self.tr("Clear view"))

    def mirror(self, from_side: str) -> None:
        self.change(self.body_map.mirrored(from_side), self.tr(f"Mirror {from_side} side"))

    def copy_from(self, previous: BodyMap) -> None:
        self.change(self.body_map.with_drawing_of(previous), self.tr("Copy previous visit"))

    # -- figures --------------------------------------------------------------------
    def _show_figures(self) -> None:
        summary = summarise(self.body_map)
        self.figures.setText(describe_summary(summary))
        lines = []
        for limb in FOOT_LIMBS:
            yes, no, untested = monofilament_counts(
                self.body_map, limb, self.canvas.layers.monofilament_sites
            )
            lines.append(f"Monofilament, {limb.label.lower()}:")
            lines.append(f"    {yes} felt · {no} not felt · {untested} not tested")
        self.monofilament_summary.setText("\n".join(lines))


def describe_summary(summary: MapSummary) -> str:
    rows = [f"<b>{percent(summary.overall)}</b> of hands and feet affected"]
    for limb, value in summary.by_limb.items():
        extent = summary.extent[limb]
        reach = f" · to {extent.label}" if extent else ""
        rows.append(f"{limb.label}: {percent(value)}{reach}")
    for name, overlap in (("hands", summary.hand_symmetry), ("feet", summary.foot_symmetry)):
        if overlap is not None:
            rows.append(f"Left–right overlap, {name}: {overlap * 100:.0f}%")
    for symptom, share in sorted(summary.by_symptom.items(), key=lambda item: -item[1]):
        rows.append(f"&nbsp;&nbsp;{symptom.label}: {percent(share)}")
    return "<br>".join(rows)


def unique_sequences(sequences: list[QKeySequence]) -> list[QKeySequence]:
    """The non-empty sequences in order, each once (the platform's standard keys may already
    hold one we add by hand, such as Ctrl+Shift+Z for redo on X11 and macOS)."""
    seen: set[str] = set()
    unique: list[QKeySequence] = []
    for sequence in sequences:
        key = sequence.toString(QKeySequence.SequenceFormat.PortableText)
        if key and key not in seen:
            seen.add(key)
            unique.append(sequence)
    return unique
