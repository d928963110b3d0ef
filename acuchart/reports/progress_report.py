"""The progress report over a course of treatment, for the patient or the referring physician."""

from __future__ import annotations

import datetime as dt
import enum
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.shapes import Drawing
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Table, TableStyle

from acuchart.bodymap.geometry import VIEW_IDS
from acuchart.bodymap.metrics import Change, MapSummary, region_changes
from acuchart.bodymap.model import BodyMap
from acuchart.clinic import ClinicProfile
from acuchart.dates import describe_date
from acuchart.notes.model import SessionNote
from acuchart.notes.scores import NrsItem
from acuchart.notes.timeline import ScoreFlowsheet
from acuchart.patients import PatientRecord
from acuchart.reports.blocks import fields_table, gap, grid_table, section, text
from acuchart.reports.charts import TrendSeries, trend_chart
from acuchart.reports.fonts import markup
from acuchart.reports.layout import PageSetup, Styles, build_pdf, content_width, make_styles
from acuchart.reports.progress_summary import CourseFigure, summary_sentences
from acuchart.reports.visit_summary import patient_fields
from acuchart.visits import VisitSummary

HAND_VIEWS = VIEW_IDS[:4]
FOOT_VIEWS = VIEW_IDS[4:]


CHARTED_NRS = (
    ("Pain (NRS 0–10)", (NrsItem.PAIN_NOW, NrsItem.PAIN_AVERAGE, NrsItem.PAIN_WORST)),
    ("Numbness, tingling, burning", (NrsItem.NUMBNESS, NrsItem.TINGLING, NrsItem.BURNING)),
    ("Sleep interference", (NrsItem.SLEEP,)),
)


class Audience(enum.StrEnum):
    PATIENT = "patient"
    PHYSICIAN = "physician"


@dataclass(frozen=True)
class CourseVisit:
    visit: VisitSummary
    note: SessionNote
    body_map: BodyMap
    summary: MapSummary


@dataclass(frozen=True)
class Course:
    patient: PatientRecord
    visits: tuple[CourseVisit, ...]  # oldest first
    flowsheet: ScoreFlowsheet

    @property
    def charted(self) -> list[CourseVisit]:
        """Visits with something drawn on the body map."""
        return [v for v in self.visits if v.body_map.has_drawing]


def _day(visit: VisitSummary) -> dt.date:
    return visit.started_at.astimezone().date()


def _nrs_series(course: Course, items: tuple[NrsItem, ...]) -> list[TrendSeries]:
    series = []
    for item in items:
        values = tuple(
            float(v.note.subjective.nrs[item]) if item in v.note.subjective.nrs else None
            for v in course.visits
        )
        if any(value is not None for value in values):
            series.append(TrendSeries(item.short_label, values))
    return series


def trend_charts(course: Course, styles: Styles, width: float) -> list[Flowable]:
    dates = [_day(v.visit) for v in course.visits]
    half = (width - 14) / 2
    height = 165.0
    charts = []
    for title, items in CHARTED_NRS:
        series = _nrs_series(course, items)
        if series:
            charts.append(trend_chart(title, dates, series, width=half, height=height, y_max=10))
    charted = course.charted
    if charted:
        area = TrendSeries(
            "Hands and feet",
            tuple(v.summary.overall if v.body_map.has_drawing else None for v in course.visits),
        )
        peak = max(v.summary.overall for v in charted)
        y_max = 100.0 if peak > 50 else 50.0 if peak > 20 else 20.0
        charts.append(
            trend_chart(
                "Affected area (% of hands and feet)",
                dates,
                [area],
                width=half,
                height=height,
                y_max=y_max,
                unit="%",
            )
        )
    if not charts:
        return [text("No scores have been recorded yet.", styles.muted)]
    if len(charts) % 2:
        charts.append(Drawing(half, 1))
    rows: list[Flowable] = []
    for i in range(0, len(charts), 2):
        row = Table([charts[i : i + 2]], colWidths=[half + 14, half])
        row.setStyle(
            TableStyle(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 12),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        rows.append(row)
    return rows


def _diagram_pair(first: CourseVisit, latest: CourseVisit, styles: Styles, width: float) -> Table:
    from acuchart.reports.body_diagram import visit_diagram

    half = (width - 12) / 2
    cells: list[list[object]] = [
        [
            text(f"First visit, {describe_date(_day(first.visit))}", styles.subheading),
            text(f"Latest visit, {describe_date(_day(latest.visit))}", styles.subheading),
        ]
    ]
    for views in (HAND_VIEWS, FOOT_VIEWS):
        cells.append(
            [
                visit_diagram(v.body_map, width=half, views=views, max_height=190)
                for v in (first, latest)
            ]
        )
    table = Table(cells, colWidths=[half + 12, half])
    table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEAFTER", (0, 1), (0, -1), 0.4, "#c8d1d2"),
            ]
        )
    )
    return table


def body_map_section(course: Course, styles: Styles, width: float) -> list[Flowable]:
    from acuchart.reports.body_diagram import change_diagram, change_legend, diagram_legend

    charted = course.charted
    if len(charted) < 2:
        if charted:
            return [text("Only one visit has a body map so far.", styles.muted)]
        return [text("No body map has been charted yet.", styles.muted)]
    first, latest = charted[0], charted[-1]
    symptoms = list(dict.fromkeys([*first.body_map.symptoms, *latest.body_map.symptoms]))
    pair: list[Flowable] = [_diagram_pair(first, latest, styles, width)]
    if symptoms:
        pair.append(diagram_legend(symptoms, width=width))
    parts: list[Flowable] = [KeepTogether(pair)]
    changes = Counter(region_changes(first.body_map, latest.body_map).values())
    counts = ", ".join(
        f"{changes[change]} {change.label.lower()}" for change in Change if changes[change]
    )
    change = change_diagram(first.body_map, latest.body_map, width=width, max_height=330)
    change.hAlign = "CENTER"
    return [
        *parts,
        CondPageBreak(400),
        text("Change from the first to the latest visit", styles.subheading),
        text(f"Regions: {counts}." if counts else "No region changed.", styles.small),
        KeepTogether([change, change_legend(width)]),
    ]


def _score(note: SessionNote, item: NrsItem) -> str:
    value = note.subjective.nrs.get(item)
    return "" if value is None else str(value)


def visits_table(course: Course, audience: Audience, styles: Styles, width: float) -> Flowable:
    header = ["Date", "Practitioner", "Pain", "Numb", "Tingle", "Burn", "Sleep", "PGIC", "Area"]
    shares = [0.15, 0.2, 0.07, 0.07, 0.075, 0.07, 0.07, 0.065, 0.08]
    if audience is Audience.PHYSICIAN:
        header.append("Points")
        shares = [0.12, 0.14, 0.055, 0.06, 0.065, 0.055, 0.06, 0.055, 0.065, 0.225]
    rows = []
    for v in course.visits:
        note = v.note
        row = [
            f"{_day(v.visit):%d %b %Y}",
            v.visit.practitioner_name.split(",")[0],
            _score(note, NrsItem.PAIN_AVERAGE) or _score(note, NrsItem.PAIN_NOW),
            _score(note, NrsItem.NUMBNESS),
            _score(note, NrsItem.TINGLING),
            _score(note, NrsItem.BURNING),
            _score(note, NrsItem.SLEEP),
            str(int(note.outcomes.pgic)) if note.outcomes.pgic else "",
            f"{v.summary.overall:.0f}%" if v.body_map.has_drawing else "",
        ]
        if audience is Audience.PHYSICIAN:
            row.append(", ".join(p.code for p in note.plan.points))
        rows.append(row)
    total = sum(shares)
    return grid_table(
        header,
        rows,
        styles,
        [width * share / total for share in shares],
        align_right=range(2, 9),
    )


def _latest_diagnoses(course: Course) -> str:
    for v in reversed(course.visits):
        if v.note.assessment.diagnoses:
            return "\n".join(f"{d.code}  {d.description}" for d in v.note.assessment.diagnoses)
    return ""


def progress_story(
    clinic: ClinicProfile,
    course: Course,
    audience: Audience,
    comments: str,
    styles: Styles,
    width: float,
    *,
    printed_on: dt.date,
) -> list[Flowable]:
    patient = course.patient
    visits = course.visits
    story: list[Flowable] = [text("Progress report", styles.title)]
    if audience is Audience.PHYSICIAN:
        recipient = patient.referring_physician or "the referring physician"
        story.append(text(f"For {recipient}", styles.muted))
    else:
        story.append(text("For you, to keep", styles.muted))
    span = ""
    if visits:
        span = (
            f"{len(visits)} visit{'s' if len(visits) != 1 else ''}, "
            f"{describe_date(_day(visits[0].visit))} to {describe_date(_day(visits[-1].visit))}"
        )
    rows = [*patient_fields(patient, printed_on), ("Course", span)]
    if audience is Audience.PHYSICIAN:
        rows.append(("Diagnoses", _latest_diagnoses(course)))
    header = fields_table(rows, styles, width, label_share=0.18)
    story += [gap(4), *([header] if header else [])]
    figures = [CourseFigure(v.summary, v.body_map.has_drawing) for v in visits]
    sentences = summary_sentences(course.flowsheet, figures)
    summary: list[Flowable] = [
        Paragraph(markup(sentence), styles.bullet, bulletText="•") for sentence in sentences
    ] or [text("Too little has been recorded yet to describe a change.", styles.muted)]
    story += section("Summary", summary, styles)
    if comments.strip():
        story += section("Practitioner's comments", [text(comments, styles.body)], styles)
    story += section("Scores over the course", trend_charts(course, styles, width), styles)
    story.append(CondPageBreak(420))
    story += section("Body map", body_map_section(course, styles, width), styles)
    story += section("Visits", [visits_table(course, audience, styles, width)], styles)
    return story


def write_progress_report(
    clinic: ClinicProfile,
    course: Course,
    output: Path | io.BytesIO,
    *,
    audience: Audience,
    comments: str = "",
    printed_on: dt.date,
) -> None:
    setup = PageSetup(
        clinic=clinic,
        title="Progress report",
        subject=course.patient.display_name,
        printed_on=printed_on,
    )
    styles = make_styles()
    story = progress_story(
        clinic, course, audience, comments, styles, content_width(setup), printed_on=printed_on
    )
    build_pdf(setup, story, output)
