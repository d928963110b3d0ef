"""Kept path outlines: the same PDF operators as ReportLab's own renderer, made once."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Path
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from acuchart.bodymap.symptoms import Symptom
from acuchart.reports.body_diagram import change_diagram, diagram_legend, visit_diagram
from acuchart.reports.kept_paths import KeptDrawing
from tests.unit.test_body_diagram import SOLE, charted_map, walk


def operators(drawing: Drawing, *, stock: bool) -> list[str]:
    """The content-stream operators a drawing writes onto a fresh page."""
    canvas = Canvas("unused.pdf")
    drawing.canv = canvas
    if stock:
        Drawing.draw(drawing)  # ReportLab's own renderer
    else:
        drawing.draw()
    del drawing.canv
    return list(canvas._code)


def test_every_body_drawing_writes_what_reportlab_writes_first_time_and_after() -> None:
    body_map = charted_map()
    for region, symptom, intensity in (
        ("heel", Symptom.NUMBNESS, 4),  # a second symptom on a region
        ("midfoot.medial", Symptom.BURNING, 7),  # joined with the heel's burning
        ("midfoot.lateral", Symptom.BURNING, 3),
        ("hallux.distal", Symptom.TINGLING, 10),
        ("forefoot.1", Symptom.TINGLING, 10),
    ):
        body_map = body_map.with_mark(SOLE, region, symptom, intensity)
    drawings = [
        visit_diagram(body_map, width=420, needled_points=frozenset({"ST36", "LR3"})),
        change_diagram(body_map, body_map.without_marks("left_foot.plantar", "heel"), width=400),
        diagram_legend(list(body_map.symptoms), width=400),
    ]
    for drawing in drawings:
        assert isinstance(drawing, KeptDrawing)
        expected = operators(drawing, stock=True)
        assert len(expected) > 100
        assert operators(drawing, stock=False) == expected
        assert operators(drawing, stock=False) == expected  # from the kept outlines
    shared = [node for node in walk(drawings[0]) if isinstance(node, Path)]
    assert shared
    assert any("_acuchart_parts" in path.__dict__ for path in shared)  # regions joined
    assert all("_acuchart_pdf_outline" in path.__dict__ for path in shared)


def test_a_path_drawn_open_and_closed_keeps_both_outlines() -> None:
    path = Path([0, 0, 10, 0, 10, 10], [0, 1, 1], autoclose="pdf", strokeColor=None)
    filled, outlined = KeptDrawing(20, 20), KeptDrawing(20, 20)
    path.fillColor = colors.red
    filled.add(path)
    first = operators(filled, stock=False)
    assert first == operators(filled, stock=True)
    assert any(code.endswith("h") or " h " in code for code in first)  # closed to be filled
    path.fillColor = None
    path.strokeColor = colors.black
    outlined.add(path)
    assert operators(outlined, stock=False) == operators(outlined, stock=True)
