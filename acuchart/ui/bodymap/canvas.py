"""The drawing surface: several views in a grid (or one zoomed), marking by mouse or keyboard.

The canvas only reports what the user did (a region picked, a stroke drawn, a
site clicked); the editor turns that into a new map.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QTransform,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from acuchart.bodymap.geometry import VIEW_IDS, Region, View, get_view
from acuchart.bodymap.model import BodyMap, sites_shown
from acuchart.bodymap.symptoms import Symptom
from acuchart.ui.bodymap.painting import Layers, paint_view, view_transform

CAPTION_PX = 20
GAP_PX = 10
SITE_HIT_MM = 7.0
# Where keyboard focus starts on a view: neuropathy begins at the fingertips and toes.
DISTAL_START = ("index.distal", "hallux.distal")


class Tool(enum.StrEnum):
    REGION = "region"
    BRUSH = "brush"
    ERASER = "eraser"
    SENSORY = "sensory"


@dataclass(frozen=True)
class PlacedView:
    view: View
    caption: QRectF
    area: QRectF
    transform: QTransform

    def to_mm(self, point: QPointF) -> tuple[float, float]:
        inverse, _ = self.transform.inverted()
        mapped = inverse.map(point)
        return (mapped.x(), mapped.y())


def _slot(placed: PlacedView) -> QRectF:
    """A view's share of the canvas: its caption and area, to half the gap around them."""
    half = GAP_PX / 2
    return QRectF(
        placed.caption.left(),
        placed.caption.top() - half,
        placed.caption.width(),
        placed.caption.height() + placed.area.height() + 2 * half,
    )


def distal_start(view: View) -> str:
    """The region keyboard focus starts on: the index fingertip or the big toe tip, else
    the region nearest the distal end (fingertips are at the top, toes at the bottom)."""
    for region_id in DISTAL_START:
        if region_id in view.regions:
            return region_id
    sign = 1.0 if view.is_foot else -1.0
    return max(view.regions.values(), key=lambda r: sign * r.shape.representative_point().y).id


class BodyMapCanvas(QWidget):
    regionActivated = Signal(str, str, bool)  # view id, region id, remove (right button)
    strokeDrawn = Signal(str, object)  # view id, list of (x, y) in mm
    siteClicked = Signal(str, str)  # view id, site id
    hoverChanged = Signal(str)  # a sentence about what is under the mouse or the focus
    zoomChanged = Signal(str)  # the zoomed view id, or "" for all views

    def __init__(self, parent: QWidget | None = None, *, interactive: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("bodyMapCanvas")
        self.interactive = interactive
        self.body_map = BodyMap()
        self.layers = Layers()
        self.view_ids: tuple[str, ...] = VIEW_IDS
        self.zoomed: str | None = None
        self.tool = Tool.REGION
        self.symptom: Symptom = Symptom.BURNING
        self.intensity = 5  # the editor keeps this in step with its intensity box
        self.brush_mm = 8.0
        self.read_only = False
        self.focus: tuple[str, str] | None = None
        self._hover: tuple[str, str] | None = None
        self._placed: list[PlacedView] = []
        self._stroke_view: PlacedView | None = None
        self._stroke_points: list[QPointF] = []
        self._frame: QPixmap | None = None
        self._frame_key_drawn: tuple[object, ...] | None = None
        self._views_drawn: dict[str, tuple[object, ...]] = {}
        self.setMouseTracking(True)
        # Side-by-side comparisons (three canvases) must not crowd the patient list out.
        self.setMinimumSize(QSize(320, 260) if interactive else QSize(150, 150))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if interactive:
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- what to show ---------------------------------------------------------
    def set_map(self, body_map: BodyMap) -> None:
        self.body_map = body_map
        if self.focus is not None and self.hasFocus():
            # The status line names what the focused region carries now, after Space or undo.
            self.hoverChanged.emit(self.describe(*self.focus))
        self.update()

    def set_views(self, view_ids: Sequence[str]) -> None:
        self.view_ids = tuple(view_ids)
        self.zoomed = None
        self._relayout()

    def set_zoom(self, view_id: str | None) -> None:
        self.zoomed = view_id
        if view_id and (self.focus is None or self.focus[0] != view_id):
            self.focus = None
        self._relayout()
        self.zoomChanged.emit(view_id or "")

    def shown_views(self) -> tuple[str, ...]:
        return (self.zoomed,) if self.zoomed else self.view_ids

    def placed_views(self) -> list[PlacedView]:
        if not self._placed:
            self._relayout()
        return self._placed

    # -- layout ---------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        self._relayout()
        super().resizeEvent(event)

    def _relayout(self) -> None:
        """One scale for every view shown, so a hand and a foot keep their true sizes."""
        views = [get_view(v) for v in self.shown_views()]
        columns = min(4, len(views))
        rows = [views[i : i + columns] for i in range(0, len(views), columns)]
        widest = max(v.view_box[2] for v in views)
        heights = [max(v.view_box[3] for v in row) for row in rows]
        usable_w = self.width() - GAP_PX * (columns + 1)
        usable_h = self.height() - GAP_PX * (len(rows) + 1) - CAPTION_PX * len(rows)
        scale = max(0.1, min(usable_w / (columns * widest), usable_h / sum(heights)))
        total_w = columns * widest * scale + GAP_PX * (columns - 1)
        total_h = sum(heights) * scale + (CAPTION_PX + GAP_PX) * len(rows) - GAP_PX
        left = (self.width() - total_w) / 2
        top = (self.height() - total_h) / 2
        placed = []
        for row, row_height in zip(rows, heights, strict=True):
            for column, view in enumerate(row):
                x = left + column * (widest * scale + GAP_PX)
                caption = QRectF(x - GAP_PX / 2, top, widest * scale + GAP_PX, CAPTION_PX)
                area = QRectF(x, top + CAPTION_PX, widest * scale, row_height * scale)
                placed.append(PlacedView(view, caption, area, view_transform(view, area)))
            top += CAPTION_PX + row_height * scale + GAP_PX
        self._placed = placed
        self.update()

    def placed_at(self, point: QPointF) -> PlacedView | None:
        for placed in self.placed_views():
            if placed.area.adjusted(-4, -4, 4, 4).contains(point):
                return placed
        return None

    def region_at(self, point: QPointF) -> tuple[PlacedView, Region] | None:
        placed = self.placed_at(point)
        if placed is None:
            return None
        region = placed.view.region_at(*placed.to_mm(point))
        return (placed, region) if region is not None else None

    def widget_point(self, view_id: str, at: tuple[float, float]) -> QPointF:
        """Where a point of a view (mm) is on screen; tests click through this."""
        for placed in self.placed_views():
            if placed.view.id == view_id:
                return placed.transform.map(QPointF(*at))
        raise KeyError(view_id)

    # -- painting -------------------------------------------------------------
    def _frame_key(self) -> tuple[object, ...] | None:
        """What every view's picture depends on; None while a stroke is being drawn."""
        if self._stroke_view is not None:
            return None
        layers = self.layers
        return (
            self.size(),
            self.devicePixelRatioF(),
            self.view_ids,
            self.zoomed,
            self.tool,
            self.symptom,
            self.read_only,
            self.font().key(),
            layers.show_points,
            layers.show_sensory,
            layers.monofilament_sites,
            layers.highlighted_points,
            id(layers.changes),
        )

    def _view_keys(self) -> dict[str, tuple[object, ...]]:
        """What each view's picture depends on besides ``_frame_key``: its own marks,
        strokes and exam results, and the focus or hover when they are on it."""
        body_map = self.body_map
        marks: dict[str, list[tuple[str, str, int]]] = {}
        for (view_id, region_id, symptom), intensity in body_map.marks.items():
            marks.setdefault(view_id, []).append((region_id, symptom.value, intensity))
        focus = self.focus if self.hasFocus() else None
        hover = self._hover
        keys: dict[str, tuple[object, ...]] = {}
        for placed in self.placed_views():
            view = placed.view
            keys[view.id] = (
                tuple(sorted(marks.get(view.id, ()))),
                tuple(stroke for stroke in body_map.strokes if stroke.view_id == view.id),
                tuple(
                    sorted(
                        (site, result.value)
                        for (limb, site), result in body_map.monofilament.items()
                        if limb == view.limb
                    )
                ),
                body_map.vibration.get(view.limb) if view.limb else None,
                focus[1] if focus and focus[0] == view.id else None,
                hover[1] if hover and hover[0] == view.id else None,
            )
        return keys

    def paintEvent(self, event: QPaintEvent) -> None:
        """From the last picture, where nothing it shows has changed: a full map is thousands
        of filled paths, and a click changes one view (the others are not painted again)."""
        key = self._frame_key()
        views = self._view_keys() if key is not None else {}
        if key is None or key != self._frame_key_drawn or self._frame is None:
            ratio = self.devicePixelRatioF()
            frame = QPixmap(self.size() * ratio)
            frame.setDevicePixelRatio(ratio)
            self._paint_frame(frame, self.placed_views())
            self._frame, self._frame_key_drawn = frame, key
        else:
            changed = [
                p
                for p in self.placed_views()
                if views[p.view.id] != self._views_drawn.get(p.view.id)
            ]
            if changed:
                self._paint_frame(self._frame, changed, repaint=True)
        self._views_drawn = views
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._frame)
        painter.end()

    def _paint_frame(
        self, target: QPixmap, placed_views: list[PlacedView], *, repaint: bool = False
    ) -> None:
        """Paint ``placed_views`` onto ``target``: the whole frame, or (``repaint``) only
        their slots, each cleared first. Nothing a view draws leaves its slot, so the views
        around stay as they are; no clip is set (a clipped line is drawn a shade apart)."""
        painter = QPainter(target)
        painter.setFont(self.font())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not repaint:
            painter.fillRect(self.rect(), QColor("white"))
        caption_font = QFont(self.font())
        caption_font.setBold(True)
        hover = self._hover
        for placed in placed_views:
            if repaint:
                painter.fillRect(_slot(placed), QColor("white"))
            layers = self.layers
            layers.focus_region = (
                self.focus[1]
                if self.focus and self.focus[0] == placed.view.id and self.hasFocus()
                else None
            )
            layers.hover_region = hover[1] if hover and hover[0] == placed.view.id else None
            drafting = self._stroke_view is not None and self._stroke_view.view.id == placed.view.id
            layers.draft_path = self._draft_path() if drafting else None
            layers.draft_symptom = self.symptom if self.tool is Tool.BRUSH else None
            layers.labels = self.zoomed is not None
            painter.setFont(self.font())
            paint_view(painter, placed.view, placed.transform, self.body_map, layers)
            painter.setFont(caption_font)
            painter.setPen(QPen(QColor("#3a3430")))
            caption = placed.view.label if self.zoomed else placed.view.short_label
            painter.drawText(placed.caption, Qt.AlignmentFlag.AlignCenter, caption)
        painter.end()

    def _draft_path(self) -> QPainterPath | None:
        if self._stroke_view is None or not self._stroke_points:
            return None
        line = QPainterPath(self._stroke_points[0])
        for point in self._stroke_points[1:]:
            line.lineTo(point)
        if len(self._stroke_points) == 1:
            line.lineTo(self._stroke_points[0] + QPointF(0.01, 0))
        stroker = QPainterPathStroker()
        stroker.setWidth(self.brush_mm * self._stroke_view.transform.m11())
        stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
        stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        return stroker.createStroke(line)

    # -- mouse ------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self.interactive:
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        point = event.position()
        placed = self.placed_at(point)
        if placed is None or self.read_only:
            return
        if self.tool in (Tool.BRUSH, Tool.ERASER) and event.button() == Qt.MouseButton.LeftButton:
            self._stroke_view = placed
            self._stroke_points = [point]
            self.update()
        elif self.tool is Tool.SENSORY:
            site = self._site_near(placed, point)
            if site is not None:
                self.siteClicked.emit(placed.view.id, site)
        else:
            hit = self.region_at(point)
            if hit is not None:
                self.focus = (hit[0].view.id, hit[1].id)
                remove = event.button() == Qt.MouseButton.RightButton
                self.regionActivated.emit(hit[0].view.id, hit[1].id, remove)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        if self._stroke_view is not None:
            if (point - self._stroke_points[-1]).manhattanLength() >= 1.5:
                self._stroke_points.append(point)
                self.update()
            return
        hit = self.region_at(point)
        hover = (hit[0].view.id, hit[1].id) if hit else None
        if hover != self._hover:
            self._hover = hover
            self.hoverChanged.emit(self.describe(*hover) if hover else "")
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        placed, points = self._stroke_view, self._stroke_points
        self._stroke_view, self._stroke_points = None, []
        if placed is not None and points:
            self.strokeDrawn.emit(placed.view.id, [placed.to_mm(p) for p in points])
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.tool is not Tool.REGION:
            return
        placed = self.placed_at(event.position())
        if placed is not None:
            self.set_zoom(None if self.zoomed else placed.view.id)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def _site_near(self, placed: PlacedView, point: QPointF) -> str | None:
        x, y = placed.to_mm(point)
        best = min(
            sites_shown(placed.view, self.body_map, self.layers.monofilament_sites),
            key=lambda s: math.hypot(s.at[0] - x, s.at[1] - y),
            default=None,
        )
        if best is None or math.hypot(best.at[0] - x, best.at[1] - y) > SITE_HIT_MM:
            return None
        return best.id

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            hit = self.region_at(QPointF(event.pos()))
            if hit is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.describe(hit[0].view.id, hit[1].id), self)
            return True
        return super().event(event)

    def describe(self, view_id: str, region_id: str) -> str:
        view = get_view(view_id)
        marks = self.body_map.marks_in(view_id, region_id)
        what = ", ".join(f"{s.label.lower()} {i}" for s, i in sorted(marks.items()))
        text = f"{view.label} — {view.regions[region_id].label}"
        return f"{text}: {what}" if what else text

    # -- keyboard ---------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        moves: dict[int, tuple[float, float]] = {
            Qt.Key.Key_Left: (-1.0, 0.0),
            Qt.Key.Key_Right: (1.0, 0.0),
            Qt.Key.Key_Up: (0.0, -1.0),
            Qt.Key.Key_Down: (0.0, 1.0),
        }
        if key in moves:
            dx, dy = moves[key]
            self.move_focus(dx, dy)
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            self.step_view(1 if key == Qt.Key.Key_PageDown else -1)
        elif key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Delete):
            if self.focus is not None and not self.read_only and self.tool is Tool.REGION:
                remove = key == Qt.Key.Key_Delete
                if remove or not self._already_marked(*self.focus):
                    self.regionActivated.emit(*self.focus, remove)
        elif key == Qt.Key.Key_Z and not event.modifiers():
            self.set_zoom(
                None if self.zoomed else (self.focus[0] if self.focus else self.view_ids[0])
            )
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Coming in by keyboard shows where Space would mark, at once."""
        super().focusInEvent(event)
        if self.interactive and event.reason() != Qt.FocusReason.MouseFocusReason:
            self.hoverChanged.emit(self.describe(*self._ensure_focus()))
            self.update()

    def _already_marked(self, view_id: str, region_id: str) -> bool:
        """Whether the region holds the current symptom at the current intensity already.

        The keyboard marks and never toggles (a second Space must not unmark), while
        the editor's region handler toggles a repeated click.
        """
        current = self.body_map.marks_in(view_id, region_id).get(self.symptom)
        return current is not None and current == self.intensity

    def _ensure_focus(self) -> tuple[str, str]:
        if self.focus is None or self.focus[0] not in self.shown_views():
            view = get_view(self.shown_views()[0])
            self.focus = (view.id, distal_start(view))
        return self.focus

    def move_focus(self, dx: float, dy: float) -> None:
        """Arrow keys: to the nearest region centre in that direction on the same view."""
        view_id, region_id = self._ensure_focus()
        view = get_view(view_id)
        here = view.regions[region_id].shape.representative_point()
        best: tuple[float, str] | None = None
        for other in view.regions.values():
            if other.id == region_id:
                continue
            there = other.shape.representative_point()
            vx, vy = there.x - here.x, there.y - here.y
            ahead = vx * dx + vy * dy
            if ahead <= 0:
                continue
            sideways = abs(vx * dy - vy * dx)
            score = ahead + 2.5 * sideways
            if best is None or score < best[0]:
                best = (score, other.id)
        self.focus = (view_id, best[1] if best is not None else region_id)
        self.hoverChanged.emit(self.describe(*self.focus))
        self.update()

    def step_view(self, step: int) -> None:
        views = self.view_ids
        view_id, _ = self._ensure_focus()
        index = (views.index(view_id) + step) % len(views) if view_id in views else 0
        view = get_view(views[index])
        self.focus = (view.id, distal_start(view))
        if self.zoomed:
            self.set_zoom(view.id)
        self.hoverChanged.emit(self.describe(*self.focus))
        self.update()
