"""Drawing the hand and foot views with QPainter, from the shared geometry.

Paths are built once per view in millimetres and mapped to pixels per layout;
hatch brushes are pixel tiles, so hatching stays crisp at every zoom.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
)

from acuchart.bodymap import palette
from acuchart.bodymap.exam import MonofilamentResult
from acuchart.bodymap.geometry import Ring, View, get_view
from acuchart.bodymap.metrics import Change, painted_strokes
from acuchart.bodymap.model import BodyMap, sites_shown
from acuchart.bodymap.symptoms import HATCH_TILES, Symptom, fill_opacity

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

SKIN = QColor(palette.SKIN)
REGION_LINE = QColor(palette.REGION_LINE)
OUTLINE = QColor(palette.OUTLINE)
POINT = QColor(palette.POINT)
SITE = QColor(palette.SITE)
HIGHLIGHT = QColor("#111111")
CHANGE_COLOURS = {
    Change.BETTER: QColor("#0072B2"),
    Change.WORSE: QColor("#D55E00"),
    Change.SAME: QColor("#9a9a9a"),
}
CHANGE_HATCH = {
    Change.BETTER: Symptom.NUMBNESS,  # horizontal lines
    Change.WORSE: Symptom.BURNING,  # diagonal lines
    Change.SAME: None,
}
TILE_PX = 10


def ring_polygon(ring: Ring) -> QPolygonF:
    return QPolygonF([QPointF(x, y) for x, y in ring])


def rings_path(rings: tuple[Ring, ...]) -> QPainterPath:
    path = QPainterPath()
    for ring in rings:
        path.addPolygon(ring_polygon(ring))
        path.closeSubpath()
    return path


def shape_path(shape: BaseGeometry) -> QPainterPath:
    """A shapely area (holes included) as a painter path in the same coordinates."""
    from shapely.geometry import Polygon

    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    polygons = [shape] if isinstance(shape, Polygon) else getattr(shape, "geoms", [])
    for polygon in polygons:
        if not isinstance(polygon, Polygon) or polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            path.addPolygon(ring_polygon(tuple(ring.coords)))
            path.closeSubpath()
    return path


@functools.cache
def view_paths(view_id: str) -> tuple[QPainterPath, dict[str, QPainterPath]]:
    """Outline and region paths of a view, in millimetres."""
    view = get_view(view_id)
    outline = rings_path((view.outline_ring,))
    return outline, {rid: rings_path(region.rings) for rid, region in view.regions.items()}


@functools.cache
def hatch_brush(symptom: Symptom) -> QBrush:
    """The symptom's hatch as a repeating pixel tile in a darker shade of its colour."""
    style = symptom.style
    tile = QPixmap(TILE_PX, TILE_PX)
    tile.fill(Qt.GlobalColor.transparent)
    painter = QPainter(tile)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(style.colour).darker(135)
    painter.setPen(QPen(colour, 1.4))
    pattern = HATCH_TILES[style.hatch]
    for (x1, y1), (x2, y2) in pattern.lines:
        painter.drawLine(QPointF(x1 * TILE_PX, y1 * TILE_PX), QPointF(x2 * TILE_PX, y2 * TILE_PX))
    painter.setBrush(colour)
    painter.setPen(Qt.PenStyle.NoPen)
    for x, y, r in pattern.dots:
        painter.drawEllipse(QPointF(x * TILE_PX, y * TILE_PX), r * TILE_PX, r * TILE_PX)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(colour, 1.2))
    for x, y, r in pattern.rings:
        painter.drawEllipse(QPointF(x * TILE_PX, y * TILE_PX), r * TILE_PX, r * TILE_PX)
    painter.end()
    return QBrush(tile)


def tint(colour: str, opacity: float) -> QColor:
    result = QColor(colour)
    result.setAlphaF(opacity)
    return result


def fill_symptom(painter: QPainter, path: QPainterPath, symptom: Symptom, intensity: int) -> None:
    painter.fillPath(path, tint(symptom.style.colour, fill_opacity(intensity)))
    painter.fillPath(path, hatch_brush(symptom))


def swatch(symptom: Symptom, size: int = 18) -> QPixmap:
    """A small legend square: the symptom's tint and hatch."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor("white"))
    painter = QPainter(pixmap)
    path = QPainterPath()
    path.addRect(QRectF(0.5, 0.5, size - 1, size - 1))
    fill_symptom(painter, path, symptom, 6)
    painter.setPen(QPen(QColor("#555555"), 1))
    painter.drawPath(path)
    painter.end()
    return pixmap


@dataclass
class Layers:
    """What to draw on top of the outline."""

    show_points: bool = False
    show_sensory: bool = True
    monofilament_sites: frozenset[str] | None = None  # the clinic's set; None = all ten
    highlighted_points: frozenset[str] = frozenset()
    changes: Mapping[tuple[str, str], Change] | None = None
    focus_region: str | None = None
    hover_region: str | None = None
    draft_path: QPainterPath | None = None  # a stroke being drawn, in pixels
    draft_symptom: Symptom | None = None
    labels: bool = False


def view_transform(view: View, target: QRectF) -> QTransform:
    """Millimetres of a view → pixels, fitted and centred in ``target``."""
    x, y, width, height = view.view_box
    scale = min(target.width() / width, target.height() / height)
    dx = target.x() + (target.width() - width * scale) / 2 - x * scale
    dy = target.y() + (target.height() - height * scale) / 2 - y * scale
    return QTransform(scale, 0, 0, scale, dx, dy)


def paint_view(
    painter: QPainter, view: View, transform: QTransform, body_map: BodyMap, layers: Layers
) -> None:
    outline_mm, regions_mm = view_paths(view.id)
    outline = transform.map(outline_mm)
    painter.fillPath(outline, SKIN)
    regions = {rid: transform.map(path) for rid, path in regions_mm.items()}
    if layers.changes is not None:
        for (view_id, region_id), change in layers.changes.items():
            if view_id == view.id:
                painter.fillPath(regions[region_id], tint(CHANGE_COLOURS[change].name(), 0.45))
                if (hatch := CHANGE_HATCH[change]) is not None:
                    painter.fillPath(regions[region_id], hatch_brush(hatch))
    else:
        for (view_id, region_id, symptom), intensity in sorted(body_map.marks.items()):
            if view_id == view.id:
                fill_symptom(painter, regions[region_id], symptom, intensity)
        for stroke, shape in painted_strokes(body_map, view.id):
            assert stroke.symptom is not None
            fill_symptom(
                painter, transform.map(shape_path(shape)), stroke.symptom, stroke.intensity
            )
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(REGION_LINE, 0.8))
    for path in regions.values():
        painter.drawPath(path)
    if layers.draft_path is not None and layers.draft_symptom is not None:
        painter.save()
        painter.setClipPath(outline)
        fill_symptom(painter, layers.draft_path, layers.draft_symptom, 6)
        painter.restore()
    elif layers.draft_path is not None:  # the eraser
        painter.fillPath(layers.draft_path, QColor(255, 255, 255, 150))
    painter.setPen(QPen(OUTLINE, 1.6))
    painter.drawPath(outline)
    if layers.show_sensory and view.sites:
        paint_sites(painter, view, transform, body_map, layers.monofilament_sites)
    if layers.show_points:
        paint_points(painter, view, transform, layers)
    highlights = (
        (layers.hover_region, Qt.PenStyle.DotLine),
        (layers.focus_region, Qt.PenStyle.DashLine),
    )
    painter.setBrush(Qt.BrushStyle.NoBrush)  # an outline only: the marks stay visible
    for highlighted, style in highlights:
        if highlighted is not None and highlighted in regions:
            painter.setPen(QPen(HIGHLIGHT, 2.0, style))
            painter.drawPath(regions[highlighted])


def paint_sites(
    painter: QPainter,
    view: View,
    transform: QTransform,
    body_map: BodyMap,
    chosen: frozenset[str] | None = None,
) -> None:
    """Monofilament sites: open ring = not tested, filled dot = felt, cross = not felt."""
    radius = max(4.0, 4.5 * transform.m11())
    for site in sites_shown(view, body_map, chosen):
        centre = transform.map(QPointF(*site.at))
        result = body_map.monofilament.get((view.limb, site.id))
        painter.setPen(QPen(SITE, 1.6))
        if result is MonofilamentResult.FELT:
            painter.setBrush(SITE)
            painter.drawEllipse(centre, radius * 0.75, radius * 0.75)
        elif result is MonofilamentResult.NOT_FELT:
            painter.setBrush(QColor("white"))
            painter.setPen(QPen(QColor(palette.NOT_FELT), 2.2))
            painter.drawEllipse(centre, radius, radius)
            d = radius * 0.6
            painter.drawLine(centre + QPointF(-d, -d), centre + QPointF(d, d))
            painter.drawLine(centre + QPointF(-d, d), centre + QPointF(d, -d))
        else:
            painter.setBrush(QColor(255, 255, 255, 170))
            painter.setPen(QPen(SITE, 1.2, Qt.PenStyle.DashLine))
            painter.drawEllipse(centre, radius, radius)


def paint_points(painter: QPainter, view: View, transform: QTransform, layers: Layers) -> None:
    scale = transform.m11()
    for point in view.points:
        centre = transform.map(QPointF(*point.at))
        needled = point.is_among(layers.highlighted_points)
        radius = max(2.5, (2.4 if needled else 1.5) * scale)
        painter.setPen(QPen(QColor("white"), 1.0))
        painter.setBrush(QColor(palette.NEEDLED) if needled else POINT)
        painter.drawEllipse(centre, radius, radius)
        if layers.labels and scale > 0.8:
            painter.setPen(QPen(POINT.darker(130)))
            text = point.group_code if point.code.startswith("EX-") else point.code
            painter.drawText(centre + QPointF(radius + 2, -radius), text)
