"""The fonts every PDF embeds, shipped in ``resources/fonts`` with their licences.

DejaVu Sans covers Latin, Greek, Cyrillic and most symbols; Droid Sans Fallback
covers Chinese, Japanese and Korean. ReportLab does not fall back from one font
to another by itself, so text is split into runs by which font has the glyph
(`markup` for platypus paragraphs, `draw_text` for the canvas). Nothing depends
on the fonts installed on the machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics import shapes
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import tables

from acuchart.resources import resource_path

SANS = "AcuSans"
SANS_BOLD = "AcuSans-Bold"
SANS_ITALIC = "AcuSans-Italic"
SANS_BOLD_ITALIC = "AcuSans-BoldItalic"
CJK = "AcuSansCJK"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    SANS_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    CJK: "DroidSansFallbackFull.ttf",
}


@cache
def register_fonts() -> None:
    """Register the shipped fonts with ReportLab once per process."""
    for name, file_name in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file_name))))
    pdfmetrics.registerFontFamily(
        SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD_ITALIC
    )
    pdfmetrics.registerFontFamily(CJK, normal=CJK, bold=CJK, italic=CJK, boldItalic=CJK)
    # ReportLab's starting font (pages, drawings, table cells) is otherwise Helvetica, which a
    # PDF only names and never embeds; this process prints nothing but our own documents.
    rl_config.canvas_basefontname = SANS
    shapes.STATE_DEFAULTS["fontName"] = SANS
    tables.CellStyle.fontname = SANS


@cache
def _glyphs(font_name: str) -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(font_name)
    return frozenset(font.face.charToGlyph)


def needs_fallback(character: str) -> bool:
    """True when DejaVu lacks the glyph but the CJK font has it."""
    code = ord(character)
    return code not in _glyphs(SANS) and code in _glyphs(CJK)


def font_runs(text: str, font_name: str = SANS) -> Iterator[tuple[str, str]]:
    """Split text into (font, run) pieces, each drawable in one font."""
    if all(map(_glyphs(SANS).__contains__, map(ord, text))):  # the usual case: one run
        if text:
            yield font_name, text
        return
    run: list[str] = []
    current = font_name
    for character in text:
        wanted = CJK if needs_fallback(character) else font_name
        if wanted != current and run:
            yield current, "".join(run)
            run = []
        current = wanted
        run.append(character)
    if run:
        yield current, "".join(run)


def markup(text: str) -> str:
    """Escape text for a platypus Paragraph, switching to the CJK font where needed."""
    pieces = []
    for font, run in font_runs(text):
        escaped = escape(run).replace("\n", "<br/>")
        pieces.append(f'<font name="{CJK}">{escaped}</font>' if font == CJK else escaped)
    return "".join(pieces)


def text_width(text: str, font_name: str, size: float) -> float:
    register_fonts()
    return float(
        sum(pdfmetrics.stringWidth(run, font, size) for font, run in font_runs(text, font_name))
    )


def draw_text(
    canvas: Canvas, x: float, y: float, text: str, font_name: str, size: float, align: str = "left"
) -> None:
    """Draw one line on the canvas with font fallback; align is left, right or centre."""
    width = text_width(text, font_name, size)
    if align == "right":
        x -= width
    elif align == "centre":
        x -= width / 2
    for font, run in font_runs(text, font_name):
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, font, size)
