"""The whole chart of one patient in one PDF, for a records request."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from reportlab.platypus import Flowable, PageBreak

from acuchart.clinic import ClinicProfile
from acuchart.dates import describe_date, describe_moment, describe_partial
from acuchart.patients import PatientRecord
from acuchart.reports.blocks import fields_table, gap, grid_table, section, text
from acuchart.reports.layout import PageSetup, Styles, build_pdf, content_width, make_styles
from acuchart.reports.visit_summary import VisitRecord, patient_fields, visit_story


def _record_fields(patient: PatientRecord) -> list[tuple[str, str]]:
    return [
        ("Preferred name", patient.preferred_name),
        ("Sex", patient.sex.label),
        ("Phone", patient.phone),
        ("E-mail", patient.email),
        ("Address", patient.address),
        ("Emergency contact", patient.emergency_contact),
        ("Referring physician", patient.referring_physician),
        ("Onset", describe_partial(patient.onset) if patient.onset else ""),
        ("Cause details", patient.cause_details),
        ("Conditions", patient.conditions),
        ("Medications", patient.medications),
        ("Allergies", patient.allergies),
        ("Consent signed", describe_date(patient.consent_date) if patient.consent_date else ""),
        ("Notes", patient.notes),
    ]


def _visit_index(records: list[VisitRecord], styles: Styles, width: float) -> list[Flowable]:
    if not records:
        return [text("No visits are recorded.", styles.muted)]
    rows = []
    for record in records:
        if record.signature is None:
            state = "Draft"
        elif record.signature_intact is False:
            state = "Signed – DOES NOT MATCH its signature"
        else:
            state = "Signed, verified"
        rows.append(
            [
                describe_moment(record.visit.started_at),
                record.visit.practitioner_name,
                state,
                str(len(record.addenda)) if record.addenda else "",
            ]
        )
    shares = [0.3, 0.3, 0.28, 0.12]
    return [
        grid_table(
            ["Visit", "Practitioner", "Note", "Addenda"],
            rows,
            styles,
            [width * share for share in shares],
            align_right=[3],
        )
    ]


def chart_story(
    clinic: ClinicProfile,
    patient: PatientRecord,
    records: list[VisitRecord],
    styles: Styles,
    width: float,
    *,
    printed_on: dt.date,
) -> list[Flowable]:
    story: list[Flowable] = [text("Complete chart", styles.title), gap(4)]
    header = fields_table(
        [*patient_fields(patient, printed_on), *_record_fields(patient)],
        styles,
        width,
        label_share=0.22,
    )
    if header:
        story.append(header)
    story += section("Visits", _visit_index(records, styles, width), styles)
    for record in records:
        story += [PageBreak(), *visit_story(clinic, patient, record, styles, width)]
    return story


def write_chart(
    clinic: ClinicProfile,
    patient: PatientRecord,
    records: list[VisitRecord],
    output: Path | io.BytesIO,
    *,
    printed_on: dt.date,
) -> None:
    setup = PageSetup(
        clinic=clinic, title="Complete chart", subject=patient.display_name, printed_on=printed_on
    )
    styles = make_styles()
    story = chart_story(
        clinic, patient, records, styles, content_width(setup), printed_on=printed_on
    )
    build_pdf(setup, story, output)
