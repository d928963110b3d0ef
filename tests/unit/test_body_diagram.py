"""Body maps as ReportLab drawings: real PDFs, read back, and hatching checked on the geometry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Circle, Drawing, Group
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Spacer
from shapely import affinity
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from acuchart.bodymap import palette
from acuchart.bodymap.exam import MonofilamentResult
from acuchart.bodymap.geometry import VIEW_IDS, get_view
from acuchart.bodymap.metrics import Change, painted_strokes
from acuchart.bodymap.model import BodyMap, make_stroke
from acuchart.bodymap.svg_export import GAP
from acuchart.bodymap.symptoms import Symptom
from acuchart.patients import Limb
from acuchart.reports.blocks import fitted
from acuchart.reports.body_diagram import (
    CHANGE_COLOURS,
    change_diagram,
    change_legend,
    diagram_height,
    diagram_legend,
    visit_diagram,
)

SOLE = "left_foot.plantar"
PALM = "right_hand.palmar"
BACK = "left_hand.dorsal"
Transform = tuple[float, float, float, float, float, float]


def charted_map() -> BodyMap:
    return (
        BodyMap()
        .with_mark(SOLE, "heel", Symptom.BURNING, 7)
        .with_mark(PALM, "thumb.distal", Symptom.NUMBNESS, 3)
        .with_stroke(
            make_stroke(
                BACK, Symptom.SHARP, 6, 14.0, [(-40.0, -60.0), (-20.0, -20.0), (-30.0, 40.0)]
            )
        )
        .with_stroke(make_stroke(BACK, Symptom.TINGLING, 5, 12.0, [(0.0, -140.0), (10.0, -100.0)]))
        .with_monofilament(Limb.LEFT_FOOT, "hallux", MonofilamentResult.NOT_FELT)
    )


def walk(node: Any) -> Iterator[Any]:
    """Every shape under a node, groups included."""
    yield node
    for child in getattr(node, "contents", []):
        yield from walk(child)


def view_group(drawing: Drawing, view_id: str) -> Group:
    group = getattr(drawing, view_id)
    assert isinstance(group, Group)
    return group


def in_drawing(shape: BaseGeometry, transform: Transform) -> BaseGeometry:
    """View millimetres → drawing points, with the view group's own transform."""
    a, b, c, d, e, f = transform
    return affinity.affine_transform(shape, [a, c, b, d, e, f])


def fills(group: Group, symptom: Symptom) -> list[Group]:
    """The tint-and-hatch groups of one symptom within a view."""
    colour = colors.HexColor(symptom.style.colour)
    return [
        child
        for child in group.contents
        if isinstance(child, Group) and child.contents[0].fillColor == colour
    ]


def hatch_lines(group: Group, symptom: Symptom) -> list[list[tuple[float, float]]]:
    """The hatch polylines (move, line, line …) drawn over one symptom's fills."""
    lines: list[list[tuple[float, float]]] = []
    for fill in fills(group, symptom):
        for shape in fill.contents[1:]:
            if not set(shape.operators) <= {0, 1}:
                continue
            points = list(zip(shape.points[::2], shape.points[1::2], strict=True))
            for operator, point in zip(shape.operators, points, strict=True):
                if operator == 0:
                    lines.append([])
                lines[-1].append(point)
    return lines


def apply(transform: Transform, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = transform
    return a * x + c * y + e, b * x + d * y + f


def pdf_text(drawing: Drawing, path: Path) -> str:
    renderPDF.drawToFile(drawing, str(path))
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_pdf_holds_every_view_with_its_caption_at_the_requested_width(
    tmp_path: Path,
) -> None:
    drawing = visit_diagram(charted_map(), width=480.0)
    assert drawing.width == pytest.approx(480.0)
    assert drawing.height > drawing.width  # two rows of tall views
    text = pdf_text(drawing, tmp_path / "map.pdf")
    for view_id in VIEW_IDS:
        assert get_view(view_id).label in text
    right, left = view_group(drawing, VIEW_IDS[0]), view_group(drawing, VIEW_IDS[1])
    assert right.transform[3] < 0 < right.transform[0]  # y flipped: millimetres go down
    assert apply(right.transform, 0, 0)[0] < apply(left.transform, 0, 0)[0]


def test_region_hatching_is_clipped_to_the_region(tmp_path: Path) -> None:
    drawing = visit_diagram(charted_map(), width=400.0)
    group = view_group(drawing, SOLE)
    heel = in_drawing(get_view(SOLE).regions["heel"].shape, group.transform).buffer(0.01)
    lines = hatch_lines(group, Symptom.BURNING)
    assert len(lines) > 10
    covered = 0.0
    for line in lines:
        for x, y in line:
            assert heel.covers(Point(apply(group.transform, x, y)))
        covered += abs(apply(group.transform, *line[-1])[1] - apply(group.transform, *line[0])[1])
    assert covered > heel.bounds[3] - heel.bounds[1]  # hatching spans the region, not a corner
    renderPDF.drawToFile(drawing, str(tmp_path / "hatch.pdf"))


def test_stroke_hatching_is_clipped_to_the_stroke() -> None:
    body_map = charted_map()
    drawing = visit_diagram(body_map, width=400.0)
    group = view_group(drawing, BACK)
    shapes = {stroke.symptom: shape for stroke, shape in painted_strokes(body_map, BACK)}
    sharp = in_drawing(shapes[Symptom.SHARP], group.transform).buffer(0.01)
    lines = hatch_lines(group, Symptom.SHARP)
    assert len(lines) > 5
    assert all(sharp.covers(Point(apply(group.transform, *p))) for line in lines for p in line)
    # Tingling is dots: round-capped zero-length lines, each centred inside the stroke.
    tingling = in_drawing(shapes[Symptom.TINGLING], group.transform)
    (fill,) = fills(group, Symptom.TINGLING)
    (dots,) = fill.contents[1:]
    assert dots.strokeLineCap == 1
    centres = list(zip(dots.points[::4], dots.points[1::4], strict=True))
    assert centres == list(zip(dots.points[2::4], dots.points[3::4], strict=True))
    assert len(centres) > 5
    inner = tingling.buffer(-dots.strokeWidth / 2 * group.transform[0] + 0.01)
    assert all(inner.covers(Point(apply(group.transform, *c))) for c in centres)


def test_change_diagram_tells_better_from_worse_in_colour_and_hatch(tmp_path: Path) -> None:
    baseline = (
        BodyMap()
        .with_mark(SOLE, "heel", Symptom.BURNING, 8)
        .with_mark(SOLE, "hallux.distal", Symptom.NUMBNESS, 2)
        .with_mark(SOLE, "toe3", Symptom.COLD, 4)
    )
    current = (
        BodyMap()
        .with_mark(SOLE, "heel", Symptom.BURNING, 3)
        .with_mark(SOLE, "hallux.distal", Symptom.NUMBNESS, 7)
        .with_mark(SOLE, "toe3", Symptom.COLD, 4)
    )
    drawing = change_diagram(baseline, current, width=420.0)
    assert drawing.width == pytest.approx(420.0)
    group = view_group(drawing, SOLE)
    regions = get_view(SOLE).regions

    def fill_of(region_id: str) -> Group:
        flat = [v for ring in regions[region_id].rings for point in ring for v in point]
        for child in group.contents:
            if isinstance(child, Group) and list(child.contents[0].points) == flat:
                return child
        raise AssertionError(region_id)

    better, worse, same = fill_of("heel"), fill_of("hallux.distal"), fill_of("toe3")
    assert better.contents[0].fillColor == colors.HexColor(CHANGE_COLOURS[Change.BETTER])
    assert worse.contents[0].fillColor == colors.HexColor(CHANGE_COLOURS[Change.WORSE])
    assert same.contents[0].fillColor == colors.HexColor(CHANGE_COLOURS[Change.SAME])
    assert better.contents[0].fillColor != worse.contents[0].fillColor
    # In grayscale: better is level lines, worse a cross-hatch, same a flat tint.
    assert len(same.contents) == 1
    better_ys = better.contents[1].points[1::2]
    assert all(a == pytest.approx(b) for a, b in zip(better_ys[::2], better_ys[1::2], strict=True))
    worse_points = worse.contents[1].points
    slopes = {
        (y2 - y1) / (x2 - x1) > 0
        for x1, y1, x2, y2 in zip(*(worse_points[i::4] for i in range(4)), strict=True)
    }
    assert slopes == {True, False}
    assert "Left foot · sole" in pdf_text(drawing, tmp_path / "change.pdf")


def test_an_empty_map_draws_only_the_outlines() -> None:
    drawing = visit_diagram(BodyMap(), width=400.0, monofilament_sites=frozenset())
    skin = colors.HexColor(palette.SKIN)
    for view_id in VIEW_IDS:
        shapes = [s for s in walk(view_group(drawing, view_id)) if not isinstance(s, Group)]
        fills = [s.fillColor for s in shapes if s.fillColor is not None]
        assert fills == [skin]
        assert len(shapes) == 3  # skin, region lines, outline


def test_exam_sites_and_needled_points_are_drawn() -> None:
    body_map = BodyMap().with_monofilament(Limb.LEFT_FOOT, "hallux", MonofilamentResult.FELT)
    drawing = visit_diagram(body_map, width=400.0, needled_points=frozenset({"LI4"}))
    circles = [s for s in walk(view_group(drawing, SOLE)) if isinstance(s, Circle)]
    assert any(c.fillColor == colors.HexColor(palette.SITE) for c in circles)  # felt
    assert sum(c.strokeDashArray is not None for c in circles) == 8  # the others, not tested
    needled = [
        s
        for s in walk(view_group(drawing, "right_hand.dorsal"))
        if isinstance(s, Circle) and s.fillColor == colors.HexColor(palette.NEEDLED)
    ]
    assert len(needled) == 1
    others = visit_diagram(body_map, width=400.0, show_points=True)
    assert any(
        isinstance(s, Circle) and s.fillColor == colors.HexColor(palette.POINT)
        for s in walk(view_group(others, "right_hand.dorsal"))
    )


def test_a_few_views_share_one_row_and_max_height_shrinks_them(tmp_path: Path) -> None:
    two = visit_diagram(charted_map(), width=300.0, views=[SOLE, BACK], captions=False)
    tops = [apply(view_group(two, v).transform, *get_view(v).view_box[:2])[1] for v in (BACK, SOLE)]
    assert tops == [pytest.approx(two.height)] * 2  # side by side, in one row
    widths = get_view(BACK).view_box[2] + get_view(SOLE).view_box[2] + GAP
    assert two.height == pytest.approx(300.0 * get_view(SOLE).view_box[3] / widths)
    short = visit_diagram(charted_map(), width=480.0, max_height=400.0)
    assert short.width == pytest.approx(480.0)
    assert short.height == pytest.approx(400.0)
    with pytest.raises(ValueError, match="unknown"):
        visit_diagram(BodyMap(), width=300.0, views=["left_foot.side"])
    document = SimpleDocTemplate(str(tmp_path / "story.pdf"), pagesize=A4)
    document.build([short, Spacer(1, 6), diagram_legend([Symptom.BURNING], width=480.0)])


def test_legends_name_each_symptom_and_each_change(tmp_path: Path) -> None:
    symptoms = [Symptom.BURNING, Symptom.TINGLING, Symptom.ALLODYNIA]
    legend = diagram_legend(symptoms, width=300.0, monofilament=True, needled=True)
    assert legend.width == pytest.approx(300.0)
    text = pdf_text(legend, tmp_path / "legend.pdf")
    for symptom in symptoms:
        assert symptom.label in text
    assert "Cold" not in text
    assert "Not felt" in text
    assert "Needled at this visit" in text
    narrow = diagram_legend(list(Symptom), width=150.0)
    assert narrow.height > legend.height  # wraps onto more lines
    changes = pdf_text(change_legend(300.0), tmp_path / "changes.pdf")
    assert all(change.label in changes for change in Change)


@pytest.mark.parametrize("width", [300.0, 360.0, 420.0, 480.0, 560.0])
def test_captions_are_all_long_or_all_short(tmp_path: Path, width: float) -> None:
    """ "Right palm" beside "Left hand · palm" reads like two different things."""
    drawing = visit_diagram(charted_map(), width=width, max_height=width)
    text = pdf_text(drawing, tmp_path / "map.pdf")
    long_labels = [get_view(v).label in text for v in VIEW_IDS]
    assert all(long_labels) or not any(long_labels), (width, long_labels)


def test_shared_parts_leave_each_drawing_as_drawn_alone(tmp_path: Path) -> None:
    """Region fills and outlines are made once and shared between drawings: drawing one
    map, then another, then the first again, draws the first the same both times."""

    def page_content(drawing: Drawing, name: str) -> bytes:
        path = tmp_path / name
        renderPDF.drawToFile(drawing, str(path))
        contents = PdfReader(path).pages[0].get_contents()
        assert contents is not None
        return bytes(contents.get_data())

    first = page_content(visit_diagram(charted_map(), width=400.0), "a.pdf")
    other = BodyMap().with_mark(SOLE, "heel", Symptom.NUMBNESS, 2)
    page_content(visit_diagram(other, width=300.0), "b.pdf")
    assert page_content(visit_diagram(charted_map(), width=400.0), "c.pdf") == first


@pytest.mark.parametrize("views", [None, [SOLE, BACK], ["left_hand.palmar"]])
def test_the_height_is_known_before_the_drawing_is_made(views: list[str] | None) -> None:
    for width in (120.0, 297.9, 510.0):
        drawing = visit_diagram(charted_map(), width=width, views=views)
        assert diagram_height(width, views=views) == pytest.approx(drawing.height)


def test_fitted_makes_the_drawing_once_at_the_width_that_fits() -> None:
    widths: list[float] = []

    def make(width: float) -> Drawing:
        widths.append(width)
        return visit_diagram(charted_map(), width=width)

    tall = fitted(make, 510.0, 400.0, height_of=diagram_height)
    assert len(widths) == 1
    assert tall.height == pytest.approx(400.0, rel=0.02)
    assert tall.width < 510.0
    wide = fitted(make, 200.0, 400.0, height_of=diagram_height)
    assert wide.width == pytest.approx(200.0)
    assert widths == [pytest.approx(tall.width), pytest.approx(200.0)]
