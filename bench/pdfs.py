"""PDF figures: a visit summary and a 20-page progress report against bare ReportLab."""

from __future__ import annotations

import io
from functools import partial
from typing import Any

from acuchart.db.database import Database
from bench.floors import reportlab_floor
from bench.measure import Figure, medians
from bench.queries import longest_chart

CHART_SERIES = 8  # pain ×3, numbness, tingling, burning, sleep, affected area


def visit_summary(database: Database, visit_id: int) -> bytes:
    from acuchart.services.reports import visit_summary_pdf

    output = io.BytesIO()
    visit_summary_pdf(database, visit_id, output)
    return output.getvalue()


def progress_report(database: Database, patient_id: int) -> bytes:
    from acuchart.services.reports import progress_report_pdf

    output = io.BytesIO()
    progress_report_pdf(database, patient_id, output)
    return output.getvalue()


def marked_regions(database: Database, visit_id: int) -> frozenset[tuple[str, str]]:
    from acuchart.services.body_maps import load_body_map

    body_map = load_body_map(database, visit_id).body_map
    return frozenset((view, region) for view, region, _ in body_map.marks)


def pdf_figures(database: Database, connection: Any, runs: int) -> list[Figure]:
    from pypdf import PdfReader

    long_chart = longest_chart(connection)
    latest_signed = connection.execute(
        "SELECT id FROM visits WHERE patient_id = ? AND status = 'signed'"
        " ORDER BY started_at DESC LIMIT 1",
        (long_chart,),
    ).fetchone()[0]
    summary = visit_summary(database, latest_signed)
    summary_content = reportlab_floor.content_of(
        summary, 1, marked_regions(database, latest_signed), 0
    )
    app, floor = medians(
        partial(visit_summary, database, latest_signed),
        partial(reportlab_floor.build, summary_content),
        runs,
    )
    longest = longest_chart(connection, 360)
    report = progress_report(database, longest)
    pages = len(PdfReader(io.BytesIO(report)).pages)
    visits = connection.execute(
        "SELECT id FROM visits WHERE patient_id = ? ORDER BY started_at DESC", (longest,)
    ).fetchall()
    report_content = reportlab_floor.content_of(
        report, 3, marked_regions(database, visits[0][0]), CHART_SERIES * len(visits)
    )
    report_app, report_floor = medians(
        partial(progress_report, database, longest),
        partial(reportlab_floor.build, report_content),
        max(3, runs // 2),
    )
    return [
        Figure(
            "visit summary PDF (2 pages, body map)",
            app,
            floor,
            1.5,
            floor_name="bare ReportLab, same text, fonts and diagram",
        ),
        Figure(
            f"progress report PDF ({pages} pages, {len(visits)} visits)",
            report_app,
            report_floor,
            1.3,
            floor_name="bare ReportLab, same text, fonts, diagrams, lines",
        ),
    ]
