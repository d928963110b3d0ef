"""Floor: bare ReportLab drawing the same content as one of AcuChart's PDFs.

The same text, page by page (read back from the app's PDF), in the same embedded
fonts; the same body diagrams (every region of every view, the marked ones filled);
the same chart lines (one point per visit and series). What the floor leaves out
is what the app adds to be readable: layout, tables, hatching, legends.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

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


def _font_for(line: str) -> str:
    return CJK if any(ord(char) > 0x2E80 for char in line) else SANS


def build(content: PdfContent) -> bytes:
    register_fonts()
    output = io.BytesIO()
    canvas = Canvas(output, pagesize=A4)
    width, height = A4
    views = list(all_views().values())
    diagrams_left = content.diagrams
    points_left = content.chart_points
    for lines in content.pages:
        y = height - 50
        for line in lines:
            canvas.setFont(_font_for(line), 8)
            canvas.drawString(40, y, line)
            y -= 10
        if diagrams_left:
            diagrams_left -= 1
            for number, view in enumerate(views):
                canvas.saveState()
                canvas.translate(60 + (number % 4) * 120, 80 + (number // 4) * 170)
                canvas.scale(0.8, 0.8)
                for region in view.regions.values():
                    path = canvas.beginPath()
                    for ring in region.rings:
                        path.moveTo(*ring[0])
                        for point in ring[1:]:
                            path.lineTo(*point)
                        path.close()
                    filled = (view.id, region.id) in content.marked
                    canvas.setFillColorRGB(0.9, 0.5, 0.3)
                    canvas.drawPath(path, stroke=1, fill=1 if filled else 0)
                canvas.restoreState()
        if points_left:
            line_points = min(points_left, 400)
            points_left -= line_points
            path = canvas.beginPath()
            path.moveTo(40, 100)
            for step in range(line_points):
                path.lineTo(40 + step * (width - 80) / line_points, 100 + (step * 37) % 60)
            canvas.drawPath(path, stroke=1, fill=0)
        canvas.showPage()
    canvas.save()
    return output.getvalue()
