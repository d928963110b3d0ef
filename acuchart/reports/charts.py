"""Trend charts for printed reports, drawn as vector shapes.

Each series has its own colour, dash pattern and marker, so lines stay apart
in grayscale print. A line joins every visit that has the score, across visits
without it, as on screen. Over a long course the visits are closer than a
marker is wide: markers are then spread out (at least ``MARKER_GAP`` apart,
the first and the latest always marked) so the lines stay readable.

Each series is one line and one path of markers, whatever the number of
visits: a 360-visit report draws in a few shapes, not thousands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Line, Path, Polygon, PolyLine, Rect, String
from reportlab.lib import colors

from acuchart.reports.fonts import SANS, SANS_BOLD, register_fonts, text_width
from acuchart.reports.layout import INK, MUTED, RULE

# Colour-blind-safe (Okabe–Ito) with distinct dashes and markers.
_STYLES = (
    ("#0072b2", None, "circle"),
    ("#d55e00", (4, 2), "square"),
    ("#009e73", (1.2, 1.6), "triangle"),
    ("#cc79a7", (6, 2, 1.5, 2), "diamond"),
)


MARKER_RADIUS = 2.1
MARKER_GAP = 7.0  # points between markers, at least: they never touch
_MOVE, _LINE, _CURVE, _CLOSE = range(4)
_KAPPA = 0.5523  # Bézier control distance for a quarter circle


@dataclass(frozen=True)
class TrendSeries:
    label: str
    values: tuple[float | None, ...]  # one per date of the chart


def _marker(kind: str, x: float, y: float, colour: colors.Color) -> object:
    """One marker, for the legend."""
    r = MARKER_RADIUS
    if kind == "circle":
        return Circle(x, y, r, fillColor=colour, strokeColor=colors.white, strokeWidth=0.5)
    if kind == "square":
        return Rect(x - r, y - r, 2 * r, 2 * r, fillColor=colour, strokeColor=colors.white)
    if kind == "triangle":
        points = [x - r * 1.2, y - r, x + r * 1.2, y - r, x, y + r * 1.3]
    else:
        points = [x, y - r * 1.4, x + r * 1.3, y, x, y + r * 1.4, x - r * 1.3, y]
    return Polygon(points, fillColor=colour, strokeColor=colors.white, strokeWidth=0.5)


def _outline(kind: str, x: float, y: float) -> tuple[list[float], list[int]]:
    """A marker's outline as path points and operators (the shapes of ``_marker``)."""
    r = MARKER_RADIUS
    if kind == "circle":
        k = r * _KAPPA
        points = [x + r, y]
        for curve in (
            (x + r, y + k, x + k, y + r, x, y + r),
            (x - k, y + r, x - r, y + k, x - r, y),
            (x - r, y - k, x - k, y - r, x, y - r),
            (x + k, y - r, x + r, y - k, x + r, y),
        ):
            points += curve
        return points, [_MOVE, _CURVE, _CURVE, _CURVE, _CURVE, _CLOSE]
    if kind == "square":
        corners = [x - r, y - r, x + r, y - r, x + r, y + r, x - r, y + r]
    elif kind == "triangle":
        corners = [x - r * 1.2, y - r, x + r * 1.2, y - r, x, y + r * 1.3]
    else:
        corners = [x, y - r * 1.4, x + r * 1.3, y, x, y + r * 1.4, x - r * 1.3, y]
    return corners, [_MOVE] + [_LINE] * (len(corners) // 2 - 1) + [_CLOSE]


def _markers(kind: str, centres: Sequence[tuple[float, float]], colour: colors.Color) -> Path:
    """All of a series' markers as one path: filled, with a white edge."""
    points: list[float] = []
    operators: list[int] = []
    for x, y in centres:
        more_points, more_operators = _outline(kind, x, y)
        points += more_points
        operators += more_operators
    return Path(
        points,
        operators,
        autoclose="pdf",
        fillColor=colour,
        strokeColor=colors.white,
        strokeWidth=0.5,
    )


def marked(xs: Sequence[float]) -> list[int]:
    """Which points (at ``xs``, left to right) get a marker: every one when there is room,
    else as many as fit ``MARKER_GAP`` apart, the first and the latest always."""
    chosen: list[int] = []
    for index, x in enumerate(xs):
        if not chosen or x - xs[chosen[-1]] >= MARKER_GAP:
            chosen.append(index)
    last = len(xs) - 1
    if chosen and chosen[-1] != last:
        if len(chosen) > 1 and xs[last] - xs[chosen[-1]] < MARKER_GAP:
            chosen.pop()
        chosen.append(last)
    return chosen


def _ticks(maximum: float) -> list[float]:
    if maximum <= 10:
        return [0.0, 2.0, 4.0, 6.0, 8.0, 10.0][: int(maximum // 2) + 1]
    step = 10 if maximum <= 50 else 20 if maximum <= 100 else round(maximum / 5, -1)
    ticks: list[float] = []
    value = 0.0
    while value <= maximum + 1e-9:
        ticks.append(value)
        value += step
    return ticks


LABEL_GAP = 8.0  # points between two date labels, at least


@dataclass(frozen=True)
class DateLabel:
    index: int  # of the visit
    x: float  # where its point is
    anchor: str  # "start", "middle" or "end", as ReportLab's textAnchor
    left: float  # the text's extent on the axis
    right: float


def date_labels(xs: Sequence[float], width_of: Callable[[int], float]) -> list[DateLabel]:
    """Which visit dates get a label, none overlapping: the first (starting at its point)
    and the latest (ending at it) always, and as many between as fit, left to right.

    ``width_of(index)`` is the width of a visit's label; it is asked only of visits far
    enough from the last label to be candidates (a long course has hundreds)."""
    count = len(xs)

    def label(index: int) -> DateLabel:
        x, width = xs[index], width_of(index)
        if count > 1 and index == 0:
            return DateLabel(index, x, "start", x, x + width)
        if count > 1 and index == count - 1:
            return DateLabel(index, x, "end", x - width, x)
        return DateLabel(index, x, "middle", x - width / 2, x + width / 2)

    if count == 0:
        return []
    shown = [label(0)]
    if count == 1:
        return shown
    latest = label(count - 1)
    narrowest = min(shown[0].right - shown[0].left, latest.right - latest.left)
    for index in range(1, count - 1):
        if xs[index] + narrowest / 2 + LABEL_GAP > latest.left:
            break
        if xs[index] - narrowest / 2 < shown[-1].right + LABEL_GAP:
            continue
        candidate = label(index)
        narrowest = min(narrowest, candidate.right - candidate.left)
        if (
            candidate.left >= shown[-1].right + LABEL_GAP
            and candidate.right + LABEL_GAP <= latest.left
        ):
            shown.append(candidate)
    if latest.left >= shown[-1].right + LABEL_GAP or len(shown) == 1:
        shown.append(latest)
    else:  # only when the first and the latest alone would touch: the latest wins
        shown[-1] = latest
    return shown


def _date_label(day: dt.date, with_year: bool) -> str:
    return f"{day.day} {day:%b} {day.year}" if with_year else f"{day.day} {day:%b}"


def trend_chart(
    title: str,
    dates: Sequence[dt.date],
    series: Sequence[TrendSeries],
    *,
    width: float,
    height: float,
    y_max: float,
    unit: str = "",
) -> Drawing:
    """A line chart of values over visit dates (evenly spaced, one column per visit)."""
    register_fonts()
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 10, title, fontName=SANS_BOLD, fontSize=9, fillColor=INK))
    legend_x, legend_y = 24.0, height - 22
    for index, item in enumerate(series):
        colour_hex, dash, marker = _STYLES[index % len(_STYLES)]
        colour = colors.HexColor(colour_hex)
        drawing.add(
            Line(
                legend_x,
                legend_y + 2.5,
                legend_x + 14,
                legend_y + 2.5,
                strokeColor=colour,
                strokeWidth=1.4,
                strokeDashArray=dash,
            )
        )
        drawing.add(_marker(marker, legend_x + 7, legend_y + 2.5, colour))
        legend_x += 18
        drawing.add(String(legend_x, legend_y, item.label, fontName=SANS, fontSize=7))
        legend_x += text_width(item.label, SANS, 7) + 10
    left, right, bottom, top = 24.0, width - 6, 16.0, height - 32
    ticks = _ticks(y_max)
    for tick in ticks:
        y = bottom + (top - bottom) * tick / y_max
        drawing.add(Line(left, y, right, y, strokeColor=RULE, strokeWidth=0.4))
        drawing.add(
            String(
                left - 4,
                y - 2.5,
                f"{tick:g}{unit}",
                fontName=SANS,
                fontSize=6.5,
                fillColor=MUTED,
                textAnchor="end",
            )
        )
    count = len(dates)
    if count == 0:
        drawing.add(
            String(
                (left + right) / 2,
                (bottom + top) / 2,
                "Nothing recorded yet",
                fontName=SANS,
                fontSize=8,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
        return drawing

    def x_at(index: int) -> float:
        if count == 1:
            return (left + right) / 2
        return left + 8 + (right - left - 16) * index / (count - 1)

    def y_at(value: float) -> float:
        return bottom + (top - bottom) * min(max(value, 0.0), y_max) / y_max

    with_year = dates[0].year != dates[-1].year
    texts = [_date_label(day, with_year) for day in dates]
    xs = [x_at(index) for index in range(count)]
    for shown in date_labels(xs, lambda index: text_width(texts[index], SANS, 6.5)):
        drawing.add(
            String(
                shown.x,
                bottom - 10,
                texts[shown.index],
                fontName=SANS,
                fontSize=6.5,
                fillColor=MUTED,
                textAnchor=shown.anchor,
            )
        )
    drawing.add(Line(left, bottom, right, bottom, strokeColor=MUTED, strokeWidth=0.6))
    for index, item in enumerate(series):
        colour_hex, dash, marker = _STYLES[index % len(_STYLES)]
        colour = colors.HexColor(colour_hex)
        known = [(x_at(i), y_at(v)) for i, v in enumerate(item.values) if v is not None]
        if len(known) > 1:
            drawing.add(
                PolyLine(
                    [value for point in known for value in point],
                    strokeColor=colour,
                    strokeWidth=1.4,
                    strokeDashArray=dash,
                    strokeLineJoin=1,
                )
            )
        if known:
            centres = [known[i] for i in marked([x for x, _y in known])]
            drawing.add(_markers(marker, centres, colour))
    return drawing
