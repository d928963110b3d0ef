"""Report building blocks: one-line cells drawn as strings only where a paragraph would
look the same."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate

from acuchart.reports.blocks import fields_table, fits_one_line
from acuchart.reports.fonts import register_fonts
from acuchart.reports.layout import make_styles

ROWS = [
    ("Patient", "Dubois, José"),
    ("Diagnoses", "E10.42  Type 1 diabetes mellitus"),  # two spaces: a paragraph has one
    ("Name", "Zusanli 足三里"),  # a second font
    ("Notes", "Stopped the topical capsaicin because of stinging. " * 6),  # wraps
    ("Empty", ""),  # left out
    (" Spaced", "value "),
]


def test_fields_table_draws_plain_strings_only_where_a_paragraph_looks_the_same() -> None:
    register_fonts()
    styles = make_styles()
    table = fields_table(ROWS, styles, 480.0)
    assert table is not None
    cells = table._cellvalues
    assert len(cells) == 5
    kinds = [[isinstance(cell, Paragraph) for cell in row] for row in cells]
    assert kinds == [
        [False, False],
        [False, True],
        [False, True],
        [False, True],
        [True, True],
    ]
    output = io.BytesIO()
    SimpleDocTemplate(output, pagesize=A4).build([table])
    text = PdfReader(output).pages[0].extract_text()
    assert "Dubois, José" in text
    assert "E10.42 Type 1 diabetes mellitus" in text


def test_fits_one_line_refuses_what_a_string_would_draw_differently() -> None:
    styles = make_styles()
    assert fits_one_line("4 / 10", styles.cell, 100)
    assert not fits_one_line("4  / 10", styles.cell, 100)
    assert not fits_one_line("two\nlines", styles.cell, 100)
    assert not fits_one_line(" 4", styles.cell, 100)
    assert not fits_one_line("x" * 200, styles.cell, 100)
    assert not fits_one_line("足三里", styles.cell, 100)
