"""Floor: a bare ReportLab script building a document with the same content as one of
AcuChart's PDFs.

A platypus document (``SimpleDocTemplate``) with the same text, page by page (read
back from the app's PDF), one paragraph per line in the same embedded fonts; the same
body diagrams (every region of every view as a path, the marked ones filled); the same
chart lines (one point per visit and series). What the floor leaves out is what the
app adds to make the content readable: the layout of fields and tables, hatching,
legends, axes, the header and footer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Path, PolyLine
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate
from reportlab.platypus.flowables import Flowable

from acuchart.bodymap.geometry import all_views
from acuchart.reports.fonts import CJK, SANS, register_fonts


@dataclass(frozen=True)
class PdfContent:
    pages: list[list[str]]  # text lines of each page
    diagrams: int  # body diagrams of all eight views
    marked: frozenset[tuple[str, str]]  # (view, region) filled in each diagram
    chart_points: int  # points over every chart line


def content_of(
    pdf: bytes, diagrams: int, marked: frozenset[tuple[str, str]], points: int
) -> PdfContent:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = [(page.extract_text() or "").splitlines() for page in reader.pages]
    return PdfContent(pages, diagrams, marked, points)


def _diagram(marked: frozenset[tuple[str, str]]) -> Drawing:
    drawing = Drawing(480, 330)
    for number, view in enumerate(all_views().values()):
        left, top = (number % 4) * 120, (number // 4) * 165
        for region in view.regions.values():
            points: list[float] = []
            operators: list[int] = []
            for ring in region.rings:
                for index, (x, y) in enumerate(ring):
                    points += (left + x * 0.4 + 50, top + y * 0.4)
                    operators.append(1 if index else 0)
                operators.append(3)
            filled = (view.id, region.id) in marked
            drawing.add(
                Path(
                    points,
                    operators,
                    fillColor=colors.orange if filled else None,
                    strokeColor=colors.grey,
                    strokeWidth=0.3,
                )
            )
    return drawing


def _chart(points: int) -> Drawing:
    drawing = Drawing(480, 120)
    line: list[float] = []
    for step in range(points):
        line += (step * 480 / max(1, points), 20 + (step * 37) % 80)
    drawing.add(PolyLine(line, strokeColor=colors.blue, strokeWidth=1))
    return drawing


def build(content: PdfContent) -> bytes:
    register_fonts()
    output = io.BytesIO()
    sans = ParagraphStyle("floor", fontName=SANS, fontSize=8, leading=10)
    cjk = ParagraphStyle("floor_cjk", parent=sans, fontName=CJK)
    story: list[Flowable] = []
    diagrams_left = content.diagrams
    points_left = content.chart_points
    for number, lines in enumerate(content.pages):
        if number:
            story.append(PageBreak())
        story += [
            Paragraph(escape(line), cjk if any(ord(c) > 0x2E80 for c in line) else sans)
            for line in lines
        ]
        if diagrams_left:
            diagrams_left -= 1
            story.append(_diagram(content.marked))
        if points_left:
            chart_points = min(points_left, 720)
            points_left -= chart_points
            story.append(_chart(chart_points))
    SimpleDocTemplate(output, pagesize=A4).build(story)
    return output.getvalue()
