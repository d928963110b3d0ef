"""Trend charts for printed reports, drawn as vector shapes.

Each series has its own colour, dash pattern and marker, so lines stay apart
in grayscale print. Gaps (a visit without that score) are bridged by a thin
dotted line, as on screen.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
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


@dataclass(frozen=True)
class TrendSeries:
    label: str
    values: tuple[float | None, ...]  # one per date of the chart


def _marker(kind: str, x: float, y: float, colour: colors.Color) -> object:
    r = 2.1
    if kind == "circle":
        return Circle(x, y, r, fillColor=colour, strokeColor=colors.white, strokeWidth=0.5)
    if kind == "square":
        return Rect(x - r, y - r, 2 * r, 2 * r, fillColor=colour, strokeColor=colors.white)
    if kind == "triangle":
        points = [x - r * 1.2, y - r, x + r * 1.2, y - r, x, y + r * 1.3]
    else:
        points = [x, y - r * 1.4, x + r * 1.3, y, x, y + r * 1.4, x - r * 1.3, y]
    return Polygon(points, fillColor=colour, strokeColor=colors.white, strokeWidth=0.5)


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


def _labelled_indices(count: int, span: float, label_room: float) -> list[int]:
    """Which visit dates get a label: evenly spread, the first and the latest always."""
    if count <= 1:
        return list(range(count))
    spacing = span / (count - 1)
    step = max(1, -(-int(label_room) // max(int(spacing), 1)))
    shown = list(range(0, count, step))
    if shown[-1] != count - 1:
        if count - 1 - shown[-1] < step and len(shown) > 1:
            shown.pop()
        shown.append(count - 1)
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
    shown = _labelled_indices(count, (right - left - 16), text_width("30 Sep 2026", SANS, 6.5) + 8)
    for index in shown:
        anchor = "end" if index == count - 1 and count > 1 else "middle"
        if index == 0 and count > 1:
            anchor = "start"
        x = x_at(index)
        drawing.add(
            String(
                x,
                bottom - 10,
                _date_label(dates[index], with_year),
                fontName=SANS,
                fontSize=6.5,
                fillColor=MUTED,
                textAnchor=anchor,
            )
        )
    drawing.add(Line(left, bottom, right, bottom, strokeColor=MUTED, strokeWidth=0.6))
    for index, item in enumerate(series):
        colour_hex, dash, marker = _STYLES[index % len(_STYLES)]
        colour = colors.HexColor(colour_hex)
        known = [(x_at(i), y_at(v)) for i, v in enumerate(item.values) if v is not None]
        for (x1, y1), (x2, y2) in itertools.pairwise(known):
            drawing.add(
                Line(x1, y1, x2, y2, strokeColor=colour, strokeWidth=1.4, strokeDashArray=dash)
            )
        for x, y in known:
            drawing.add(_marker(marker, x, y, colour))
    return drawing
