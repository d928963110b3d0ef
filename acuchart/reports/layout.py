"""The frame every printed document shares: clinic header, footer with "Page x of y",
a DRAFT mark on unsigned notes, and one calm set of paragraph styles.

Plain ReportLab (platypus); no Qt. Text goes through ``fonts.markup`` so any
script prints with the shipped fonts.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from acuchart.clinic import ClinicProfile, PaperSize
from acuchart.dates import describe_date
from acuchart.reports.fonts import SANS, SANS_BOLD, draw_text, register_fonts, text_width

ACCENT = colors.HexColor("#2f6f73")
INK = colors.HexColor("#1f2425")
MUTED = colors.HexColor("#5f6b6d")
RULE = colors.HexColor("#c8d1d2")
SHADE = colors.HexColor("#eef3f3")
CALLOUT = colors.HexColor("#f3efe4")
DRAFT_INK = colors.HexColor("#b3261e")

MARGIN = 18 * mm
HEADER_HEIGHT = 22 * mm
FOOTER_HEIGHT = 12 * mm


def page_size(paper: PaperSize) -> tuple[float, float]:
    width, height = A4 if paper is PaperSize.A4 else LETTER
    return float(width), float(height)


@dataclass(frozen=True)
class PageSetup:
    clinic: ClinicProfile
    title: str  # "Visit summary", shown in the footer and the PDF's metadata
    subject: str  # the patient's name
    printed_on: dt.date
    draft: bool = False  # an unsigned note: "DRAFT" across every page
    large_print: bool = False


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    bullet: ParagraphStyle
    callout: ParagraphStyle

    @property
    def size(self) -> float:
        return float(self.body.fontSize)


def make_styles(large_print: bool = False) -> Styles:
    """Body 10 pt (15 pt for large print), generous leading, headings in the accent colour."""
    register_fonts()
    size = 15.0 if large_print else 10.0
    body = ParagraphStyle(
        "body",
        fontName=SANS,
        bulletFontName=SANS,
        fontSize=size,
        leading=size * 1.38,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=size * 0.5,
    )
    small_size = max(size * 0.82, 8.0)
    return Styles(
        title=ParagraphStyle(
            "title",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=size * 1.8,
            leading=size * 2.2,
            textColor=INK,
            spaceAfter=size * 0.4,
        ),
        heading=ParagraphStyle(
            "heading",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=size * 1.25,
            leading=size * 1.6,
            textColor=ACCENT,
            spaceBefore=size * 1.0,
            spaceAfter=size * 0.35,
            keepWithNext=True,
        ),
        subheading=ParagraphStyle(
            "subheading",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=size * 1.02,
            leading=size * 1.35,
            spaceBefore=size * 0.5,
            spaceAfter=size * 0.2,
            keepWithNext=True,
        ),
        body=body,
        small=ParagraphStyle(
            "small", parent=body, fontSize=small_size, leading=small_size * 1.35, spaceAfter=2
        ),
        muted=ParagraphStyle(
            "muted",
            parent=body,
            fontSize=small_size,
            leading=small_size * 1.35,
            textColor=MUTED,
            spaceAfter=2,
        ),
        label=ParagraphStyle(
            "label",
            parent=body,
            fontSize=small_size,
            leading=small_size * 1.3,
            textColor=MUTED,
            spaceAfter=0,
        ),
        cell=ParagraphStyle(
            "cell", parent=body, fontSize=small_size, leading=small_size * 1.3, spaceAfter=0
        ),
        cell_bold=ParagraphStyle(
            "cell_bold",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=small_size,
            leading=small_size * 1.3,
            spaceAfter=0,
        ),
        bullet=ParagraphStyle(
            "bullet",
            parent=body,
            leftIndent=size * 1.4,
            bulletIndent=size * 0.4,
            spaceAfter=size * 0.25,
        ),
        callout=ParagraphStyle(
            "callout",
            parent=body,
            backColor=CALLOUT,
            borderColor=colors.HexColor("#d9cfb5"),
            borderWidth=0.6,
            borderPadding=(size * 0.6, size * 0.8, size * 0.6, size * 0.8),
            leftIndent=size * 0.8,
            rightIndent=size * 0.8,
            spaceBefore=size * 0.9,
            spaceAfter=size * 1.2,
        ),
    )


def _small_print(setup: PageSetup) -> float:
    """Header and footer text: small, but readable on a large-print handout too."""
    return 9.0 if setup.large_print else 7.5


def _draw_header(canvas: Canvas, setup: PageSetup, width: float, height: float) -> None:
    clinic = setup.clinic
    top = height - MARGIN + 4 * mm
    x = MARGIN
    if clinic.logo_png:
        logo = ImageReader(io.BytesIO(clinic.logo_png))
        logo_width, logo_height = logo.getSize()
        box = 14 * mm
        scale = min(box / logo_height, 40 * mm / logo_width)
        canvas.drawImage(
            logo,
            x,
            top - box + (box - logo_height * scale) / 2 - 1 * mm,
            logo_width * scale,
            logo_height * scale,
            mask="auto",
        )
        x += logo_width * scale + 4 * mm
    canvas.setFillColor(ACCENT)
    draw_text(canvas, x, top - 5 * mm, clinic.name or "Clinic", SANS_BOLD, 13)
    canvas.setFillColor(MUTED)
    small = _small_print(setup)
    lines = [line for line in [*clinic.address.splitlines(), clinic.contact_line] if line][:4]
    right_width = max((text_width(line, SANS, small) for line in lines), default=0.0)
    if clinic.practitioner_list:
        # Names on the left, address on the right: the names shrink rather than overlap.
        room = width - MARGIN - right_width - 6 * mm - x
        names = " · ".join(clinic.practitioner_list)
        size = small
        while size > 5.5 and text_width(names, SANS, size) > room:
            size -= 0.25
        draw_text(canvas, x, top - 10 * mm, names, SANS, size)
    y = top - 3.5 * mm
    for line in lines:
        draw_text(canvas, width - MARGIN, y, line, SANS, small, align="right")
        y -= small * 1.3
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    rule_y = height - MARGIN - HEADER_HEIGHT + 8 * mm
    canvas.line(MARGIN, rule_y, width - MARGIN, rule_y)


def _draw_draft_mark(canvas: Canvas, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setFillColor(DRAFT_INK)
    canvas.setFillAlpha(0.09)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(40)
    canvas.setFont(SANS_BOLD, 110)
    canvas.drawCentredString(0, -38, "DRAFT")
    canvas.restoreState()


def _draw_footer(canvas: Canvas, setup: PageSetup, width: float) -> None:
    y = MARGIN - 6 * mm
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, y + 4.5 * mm, width - MARGIN, y + 4.5 * mm)
    canvas.setFillColor(MUTED)
    left = f"{setup.title} · {setup.subject}"
    if setup.draft:
        left = f"DRAFT · {left}"
    small = _small_print(setup)
    draw_text(canvas, MARGIN, y, left, SANS, small)
    printed = f"Printed {describe_date(setup.printed_on)}"
    draw_text(canvas, width - MARGIN - 28 * mm, y, printed, SANS, small, align="right")


def _numbered_canvas(width: float, size: float) -> type[Canvas]:
    """A canvas that writes "Page x of y" once the number of pages is known."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._page_states: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._page_states)
            for state in self._page_states:
                self.__dict__.update(state)
                self.setFillColor(MUTED)
                draw_text(
                    self,
                    width - MARGIN,
                    MARGIN - 6 * mm,
                    f"Page {self._pageNumber} of {total}",
                    SANS,
                    size,
                    align="right",
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def content_width(setup: PageSetup) -> float:
    return page_size(setup.clinic.paper)[0] - 2 * float(MARGIN)


def build_pdf(
    setup: PageSetup,
    story: Sequence[Flowable],
    output: Path | io.BytesIO,
    *,
    on_page: Callable[[Canvas], None] | None = None,
) -> None:
    """Lay out the story on the clinic's paper and write the PDF."""
    register_fonts()
    width, height = page_size(setup.clinic.paper)
    frame = Frame(
        MARGIN,
        MARGIN + FOOTER_HEIGHT - 6 * mm,
        width - 2 * MARGIN,
        height - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT + 14 * mm,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )

    def decorate(canvas: Canvas, _document: BaseDocTemplate) -> None:
        canvas.saveState()
        if setup.draft:
            _draw_draft_mark(canvas, width, height)
        _draw_header(canvas, setup, width, height)
        _draw_footer(canvas, setup, width)
        if on_page is not None:
            on_page(canvas)
        canvas.restoreState()

    target = str(output) if isinstance(output, Path) else output
    document = BaseDocTemplate(
        target,
        pagesize=(width, height),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{setup.title} – {setup.subject}",
        author=setup.clinic.name,
        subject=setup.title,
        creator="AcuChart",
        initialFontName=SANS,  # otherwise every page names Helvetica, which is not embedded
        pageTemplates=[PageTemplate(id="page", frames=[frame], onPage=decorate)],
    )
    document.build(list(story), canvasmaker=_numbered_canvas(width, _small_print(setup)))
