"""Small building blocks the documents share: labelled fields, tables, text, a keep-together box."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from acuchart.reports.fonts import font_runs, markup
from acuchart.reports.layout import MUTED, RULE, SHADE, Styles

CELL_PADDING = 3


def fits_one_line(value: str, style: ParagraphStyle, width: float) -> bool:
    """Plain text in the main font that fits ``width``: no paragraph needed to draw it.

    Only text whose spaces a paragraph would keep as they are (single spaces, none at
    either end): a paragraph collapses the rest, a plain string would not.
    """
    if value != " ".join(value.split()):
        return False
    runs = list(font_runs(value, style.fontName))
    if len(runs) > 1 or (runs and runs[0][0] != style.fontName):
        return False
    return bool(pdfmetrics.stringWidth(value, style.fontName, style.fontSize) <= width)


def text(value: str, style: object) -> Paragraph:
    """User text (any script, any length, line breaks kept) as a paragraph."""
    return Paragraph(markup(value), style)


def bold_label(label: str, value: str) -> str:
    return f"<b>{markup(label)}</b> {markup(value)}"


def fields_table(
    rows: Iterable[tuple[str, str]], styles: Styles, width: float, label_share: float = 0.26
) -> Table | None:
    """Label / value pairs in two columns; empty values are left out. None when all are empty."""
    widths = [width * label_share, width * (1 - label_share)]
    room = [widths[0] - 6, widths[1] - 6]  # less the right padding
    data: list[list[str | Paragraph]] = [
        [
            label if fits_one_line(label, styles.label, room[0]) else text(label, styles.label),
            value if fits_one_line(value, styles.cell, room[1]) else text(value, styles.cell),
        ]
        for label, value in rows
        if value
    ]
    if not data:
        return None
    table = Table(data, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                # One-line cells are plain strings in their column's style (see grid_table).
                ("FONT", (0, 0), (0, -1), styles.label.fontName, styles.label.fontSize),
                ("LEADING", (0, 0), (0, -1), styles.label.leading),
                ("TEXTCOLOR", (0, 0), (0, -1), styles.label.textColor),
                ("FONT", (1, 0), (1, -1), styles.cell.fontName, styles.cell.fontSize),
                ("LEADING", (1, 0), (1, -1), styles.cell.leading),
                ("TEXTCOLOR", (1, 0), (1, -1), styles.cell.textColor),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def grid_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    styles: Styles,
    widths: Sequence[float],
    *,
    align_right: Iterable[int] = (),
) -> Table:
    """A ruled table with a shaded header row that repeats on each page."""
    right = set(align_right)
    cell_right = ParagraphStyle("cell_right", parent=styles.cell, alignment=TA_RIGHT)
    bold_right = ParagraphStyle("bold_right", parent=styles.cell_bold, alignment=TA_RIGHT)
    data = [
        [
            text(cell, bold_right if i in right else styles.cell_bold)
            for i, cell in enumerate(header)
        ]
    ]
    data += [
        [
            cell
            if fits_one_line(cell, styles.cell, widths[i] - 2 * CELL_PADDING)
            else text(cell, cell_right if i in right else styles.cell)
            for i, cell in enumerate(row)
        ]
        for row in rows
    ]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    commands: list[tuple[object, ...]] = [
        # Cells that fit on one line are drawn as plain strings in the cell style: a long
        # course's table has thousands of them, and a paragraph each is slow to lay out.
        ("FONT", (0, 1), (-1, -1), styles.cell.fontName, styles.cell.fontSize),
        ("LEADING", (0, 1), (-1, -1), styles.cell.leading),
        ("TEXTCOLOR", (0, 1), (-1, -1), styles.cell.textColor),
        *(("ALIGN", (i, 1), (i, -1), "RIGHT") for i in sorted(right)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, MUTED),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    table.setStyle(TableStyle(commands))
    return table


def boxed(flowables: list[Flowable], width: float, *, background: colors.Color = SHADE) -> Table:
    """Flowables in a softly shaded box (signature block, draft notice, summaries)."""
    table = Table([[flowables]], colWidths=[width])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), background),
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def section(title: str, body: list[Flowable], styles: Styles) -> list[Flowable]:
    """A heading kept with the start of its body."""
    if not body:
        return []
    heading = text(title, styles.heading)
    first = body[0]
    # A KeepTogether inside a KeepTogether is measured wrongly and pushed to the next page.
    opening = list(first._content) if isinstance(first, KeepTogether) else [first]
    return [KeepTogether([heading, *opening]), *body[1:]]


def gap(points: float) -> Spacer:
    return Spacer(1, points)


def fitted(
    make: Callable[[float], Drawing],
    width: float,
    max_height: float,
    height_of: Callable[[float], float],
) -> Drawing:
    """A drawing as wide as allowed but no taller than ``max_height``, centred.

    ``height_of(width)`` is the drawing's height at a width, known before it is made:
    the drawing is made once, at the width that fits.
    """
    natural = height_of(width)
    if natural > max_height:
        width *= max_height / natural
    drawing = make(width)
    drawing.hAlign = "CENTER"
    return drawing
