"""Printed trend charts: readable at 3 visits and at 360 (labels apart, markers apart)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from reportlab.graphics.shapes import Drawing, Path, PolyLine, String

from acuchart.reports.charts import (
    LABEL_GAP,
    MARKER_GAP,
    TrendSeries,
    date_labels,
    marked,
    trend_chart,
)
from acuchart.reports.fonts import SANS, text_width


def course_dates(count: int) -> list[dt.date]:
    return [dt.date(2017, 1, 6) + dt.timedelta(days=7 * n) for n in range(count)]


def chart(count: int, gaps: bool = False) -> Drawing:
    values = tuple(None if gaps and n % 3 == 1 else float((n * 7) % 11) for n in range(count))
    return trend_chart(
        "Pain",
        course_dates(count),
        [TrendSeries("Pain now", values), TrendSeries("Worst pain", values)],
        width=250,
        height=165,
        y_max=10,
    )


def axis_labels(drawing: Drawing) -> list[String]:
    return [node for node in drawing.contents if isinstance(node, String) and node.y < 10]


def extent(label: String) -> tuple[float, float]:
    width = text_width(label.text, SANS, label.fontSize)
    start = {"start": label.x, "middle": label.x - width / 2, "end": label.x - width}
    return start[label.textAnchor], start[label.textAnchor] + width


@pytest.mark.parametrize("count", [1, 2, 3, 12, 40, 200, 360])
def test_date_labels_never_overlap_and_show_the_first_and_latest_visit(count: int) -> None:
    drawing = chart(count)
    labels = axis_labels(drawing)
    spans = sorted(extent(label) for label in labels)
    for (_, right), (left, _) in itertools.pairwise(spans):
        assert left >= right + LABEL_GAP - 0.01
    assert all(left >= 0 and right <= drawing.width for left, right in spans)
    texts = [label.text for label in labels]
    assert texts[0].startswith("6 Jan")
    if count > 1:
        latest = course_dates(count)[-1]
        assert texts[-1].startswith(f"{latest.day} {latest:%b}")
        assert len(texts) >= 2


@pytest.mark.parametrize("count", [3, 360])
def test_each_series_is_one_line_through_every_score(count: int) -> None:
    drawing = chart(count, gaps=True)
    lines = [node for node in drawing.contents if isinstance(node, PolyLine)]
    assert len(lines) == 2
    scored = [n for n in range(count) if n % 3 != 1]
    assert all(len(line.points) == 2 * len(scored) for line in lines)


def test_a_short_course_marks_every_visit() -> None:
    drawing = chart(5)
    markers = [node for node in drawing.contents if isinstance(node, Path)]
    assert len(markers) == 2  # one path per series
    assert all(path.operators.count(0) == 5 for path in markers)  # a subpath per visit


def test_a_long_course_spreads_markers_apart_and_marks_first_and_latest() -> None:
    xs = [24 + 0.6 * n for n in range(360)]
    chosen = marked(xs)
    assert chosen[0] == 0
    assert chosen[-1] == 359
    gaps = [xs[b] - xs[a] for a, b in itertools.pairwise(chosen)]
    assert min(gaps) >= MARKER_GAP
    assert max(gaps) < 2 * MARKER_GAP  # spread evenly, not thinned out
    assert marked([0.0, 10.0, 20.0]) == [0, 1, 2]
    assert marked([]) == []


def test_labels_are_measured_only_where_one_could_fit() -> None:
    asked: list[int] = []

    def width_of(index: int) -> float:
        asked.append(index)
        return 40.0

    shown = date_labels([n * 0.5 for n in range(1000)], width_of)
    assert shown[0].index == 0
    assert shown[-1].index == 999
    assert len(shown) > 5
    assert len(asked) < 200
