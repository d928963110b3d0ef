"""Printed documents: read what they show in one transaction, then lay out the PDF.

Each function writes one PDF to ``output`` (a path or an in-memory buffer).
ReportLab is imported here, never at start-up: the app calls these in a worker.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from acuchart.audit import AuditAction
from acuchart.bodymap.exam import MONOFILAMENT_SET_SETTING, parse_monofilament_set
from acuchart.bodymap.metrics import summarise
from acuchart.collector import collector_paused
from acuchart.dates import describe_date
from acuchart.db import repositories
from acuchart.db.body_map_rows import load_body_maps
from acuchart.db.database import Database
from acuchart.db.models import ClinicSetting, Visit, VisitNote
from acuchart.errors import ChartError, RecordNotFoundError
from acuchart.notes.validation import MAX_TEXT
from acuchart.patients import PatientRecord
from acuchart.reports.chart_export import write_chart
from acuchart.reports.handout_text import (
    MAX_TEMPLATE,
    Handout,
    check_template,
    default_template,
)
from acuchart.reports.handouts import HandoutContext, write_handout
from acuchart.reports.progress_report import Audience, Course, CourseVisit, write_progress_report
from acuchart.reports.visit_summary import VisitRecord, write_visit_summary
from acuchart.services.audit import record
from acuchart.services.clinic import load_clinic_profile
from acuchart.services.notes import (
    _check,
    _read_stored,
    _signature_of,
    addenda_of,
    flowsheet_of,
)
from acuchart.validation import ValidationError, clean_text
from acuchart.visits import VisitStatus

Output = Path | io.BytesIO


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def _visit_records(
    session: Session, visits: list[Visit], *, check_signatures: bool = True
) -> list[VisitRecord]:
    """What the documents print of each visit. ``check_signatures``: hash each signed note
    again, for the documents that show its signature (a visit summary, the whole chart);
    a progress report or a handout does not, and a long course has hundreds."""
    setting = session.get(ClinicSetting, MONOFILAMENT_SET_SETTING)
    sites = parse_monofilament_set(setting.value if setting else "")
    ids = [visit.id for visit in visits]
    notes = {
        row.visit_id: row
        for row in session.scalars(select(VisitNote).where(VisitNote.visit_id.in_(ids)))
    }
    maps = load_body_maps(session, ids)
    addenda = addenda_of(session, ids)
    records = []
    for visit in visits:
        row = notes.get(visit.id)
        note, document = _read_stored(row)
        intact = None
        if check_signatures and visit.status is VisitStatus.SIGNED:
            intact = not _check(visit, row, maps[visit.id], document)
        records.append(
            VisitRecord(
                visit=repositories.to_visit_summary(visit),
                note=note,
                signature=_signature_of(row),
                addenda=addenda[visit.id],
                body_map=maps[visit.id],
                signature_intact=intact,
                monofilament_set=sites,
            )
        )
    return records


def _patient(session: Session, patient_id: int) -> PatientRecord:
    patient = repositories.load_patient(session, patient_id)
    return repositories.to_record(patient, repositories.count_visits(session, patient_id))


def visit_summary_pdf(
    database: Database, visit_id: int, output: Output, *, today: dt.date | None = None
) -> None:
    clinic = load_clinic_profile(database)
    with database.reading() as session:
        visit = repositories.load_visit(session, visit_id)
        patient = _patient(session, visit.patient_id)
        (record,) = _visit_records(session, [visit])
    write_visit_summary(clinic, patient, record, output, printed_on=_today(today))


# -- Handouts ---------------------------------------------------------------------------------


def handout_template(database: Database, handout: Handout) -> str:
    """The clinic's edited text of a handout, or the shipped default."""
    with database.reading() as session:
        setting = session.get(ClinicSetting, handout.setting_key)
        return setting.value if setting and setting.value else default_template(handout)


def save_handout_template(database: Database, handout: Handout, template: str) -> str:
    """Check and store the clinic's text (one transaction); an empty text restores the default.

    The text is cleaned like every other field first (NFC, and no control characters or
    lone surrogates, which SQLite cannot store and the PDF cannot print).
    """
    errors: dict[str, str] = {}
    template = clean_text(
        template,
        label="Handout",
        max_length=MAX_TEMPLATE,
        multiline=True,
        errors=errors,
        field="template",
    )
    if errors:
        raise ValidationError(errors)
    cleaned = check_template(template) if template else ""
    with database.unit_of_work() as session:
        session.merge(ClinicSetting(key=handout.setting_key, value=cleaned))
        record(
            session,
            AuditAction.SETTING_CHANGE,
            object=f"handout {handout.value}",
            detail="edited" if cleaned else "default restored",
        )
    return cleaned or default_template(handout)


def _first_name(patient: PatientRecord) -> str:
    if patient.preferred_name:
        return patient.preferred_name
    return patient.given_names.split()[0] if patient.given_names.split() else patient.family_name


def handout_context(
    database: Database,
    patient_id: int,
    *,
    visit_id: int | None = None,
    today: dt.date | None = None,
) -> HandoutContext:
    """Field values from the patient, the clinic and the chosen (default: latest) visit."""
    clinic = load_clinic_profile(database)
    with database.reading() as session:
        patient = _patient(session, patient_id)
        query = select(Visit).where(Visit.patient_id == patient_id)
        if visit_id is not None:
            query = query.where(Visit.id == visit_id)
        visit = session.scalars(query.order_by(Visit.started_at.desc(), Visit.id.desc())).first()
        if visit_id is not None and visit is None:
            raise RecordNotFoundError(f"Visit {visit_id} of this patient was not found.")
        record = (
            _visit_records(session, [visit], check_signatures=False)[0]
            if visit is not None
            else None
        )
    plan = record.note.plan if record else None
    values = {
        "patient_first_name": _first_name(patient),
        "patient_name": " ".join(p for p in (patient.given_names, patient.family_name) if p),
        "clinic_name": clinic.name,
        "clinic_phone": clinic.phone,
        "clinic_email": clinic.email,
        "clinic_address": ", ".join(clinic.address.splitlines()),
        "practitioner": clinic.credentials_of(record.visit.practitioner_name) if record else "",
        "visit_date": describe_date(record.visit.started_at.astimezone().date()) if record else "",
        "next_visit": (plan.next_visit if plan else "")
        or "Not booked yet: please call us to arrange it.",
        "home_care": (plan.home_care if plan else "")
        or "No home-care advice was written at your last visit.",
        "today": describe_date(_today(today)),
    }
    return HandoutContext(
        values=values,
        patient_name=patient.display_name,
        body_map=record.body_map if record else None,
        needled_points=record.needled_codes if record else frozenset(),
    )


def handout_pdf(
    database: Database,
    handout: Handout,
    patient_id: int,
    output: Output,
    *,
    large_print: bool = False,
    visit_id: int | None = None,
    today: dt.date | None = None,
) -> None:
    context = handout_context(database, patient_id, visit_id=visit_id, today=today)
    write_handout(
        load_clinic_profile(database),
        handout,
        handout_template(database, handout),
        context,
        output,
        printed_on=_today(today),
        large_print=large_print,
    )


# -- Progress report and whole chart -----------------------------------------------------------


def _course_visits(session: Session, patient_id: int) -> list[Visit]:
    return list(
        session.scalars(
            select(Visit).where(Visit.patient_id == patient_id).order_by(Visit.started_at, Visit.id)
        )
    )


def load_course(database: Database, patient_id: int) -> Course:
    """Everything a progress report shows of a course, read in one transaction."""
    with database.reading() as session, collector_paused():
        patient = _patient(session, patient_id)
        visits = _course_visits(session, patient_id)
        records = _visit_records(session, visits, check_signatures=False)
        flowsheet = flowsheet_of(
            session, patient_id, [(v.id, v.started_at, v.status) for v in visits]
        )
        return Course(
            patient=patient,
            visits=tuple(
                CourseVisit(r.visit, r.note, r.body_map, summarise(r.body_map)) for r in records
            ),
            flowsheet=flowsheet,
        )


def progress_report_pdf(
    database: Database,
    patient_id: int,
    output: Output,
    *,
    audience: Audience = Audience.PHYSICIAN,
    comments: str = "",
    today: dt.date | None = None,
) -> None:
    errors: dict[str, str] = {}
    comments = clean_text(
        comments,
        label="Comments",
        max_length=MAX_TEXT,
        multiline=True,
        errors=errors,
        field="comments",
    )
    if errors:
        raise ValidationError(errors)
    write_progress_report(
        load_clinic_profile(database),
        load_course(database, patient_id),
        output,
        audience=audience,
        comments=comments,
        printed_on=_today(today),
    )


def chart_pdf(
    database: Database, patient_id: int, output: Output, *, today: dt.date | None = None
) -> None:
    """Every visit, note, addendum and body map of one patient: a records request."""
    clinic = load_clinic_profile(database)
    with database.reading() as session:
        patient = _patient(session, patient_id)
        records = _visit_records(session, _course_visits(session, patient_id))
    write_chart(clinic, patient, records, output, printed_on=_today(today))


def save_pdf(output: Path, write: Callable[[io.BytesIO], None]) -> Path:
    """Build a PDF in memory, then replace ``output`` in one step: never a half-written file."""
    buffer = io.BytesIO()
    write(buffer)
    output = output.expanduser()
    if output.suffix.lower() != ".pdf":
        output = output.with_name(output.name + ".pdf")
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".acuchart-", suffix=".pdf", dir=output.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(buffer.getvalue())
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return output


# -- One entry point for the app ----------------------------------------------------------------


class Document(enum.StrEnum):
    VISIT_SUMMARY = "visit"
    PROGRESS_REPORT = "progress"
    HANDOUT = "handout"
    WHOLE_CHART = "chart"


@dataclass(frozen=True)
class ReportRequest:
    """What the practitioner chose to print."""

    document: Document
    patient_id: int
    visit_id: int | None = None  # the visit summary's visit; the home-care plan's visit
    audience: Audience = Audience.PHYSICIAN
    comments: str = ""
    handout: Handout = Handout.AFTERCARE
    large_print: bool = False


def write_report(
    database: Database,
    request: ReportRequest,
    output: Output,
    *,
    action: AuditAction = AuditAction.PRINT,
) -> None:
    """Write the chosen document, then record it in the audit log (``action``: print, or
    export for a file handed elsewhere). A document that fails is not recorded."""
    _write_document(database, request, output)
    _record_document(database, request, action)


def _write_document(database: Database, request: ReportRequest, output: Output) -> None:
    if request.document is Document.VISIT_SUMMARY:
        if request.visit_id is None:
            raise ChartError("Choose a visit to print its summary.")
        visit_summary_pdf(database, request.visit_id, output)
    elif request.document is Document.PROGRESS_REPORT:
        progress_report_pdf(
            database,
            request.patient_id,
            output,
            audience=request.audience,
            comments=request.comments,
        )
    elif request.document is Document.HANDOUT:
        handout_pdf(
            database,
            request.handout,
            request.patient_id,
            output,
            large_print=request.large_print,
            visit_id=request.visit_id if request.handout is Handout.HOME_CARE_PLAN else None,
        )
    else:
        chart_pdf(database, request.patient_id, output)


def _record_document(database: Database, request: ReportRequest, action: AuditAction) -> None:
    patient_id, detail = request.patient_id, ""
    if request.document is Document.VISIT_SUMMARY:
        what = f"visit summary of visit {request.visit_id}"
    elif request.document is Document.PROGRESS_REPORT:
        what = f"progress report of patient {request.patient_id}"
        detail = f"for the {request.audience.value}"
    elif request.document is Document.HANDOUT:
        what = f"handout {request.handout.value} for patient {request.patient_id}"
        detail = "large print" if request.large_print else ""
    else:
        what = f"whole chart of patient {request.patient_id}"
    with database.unit_of_work() as session:
        if request.visit_id is not None and request.document is Document.VISIT_SUMMARY:
            # the visit's own patient, whatever the request says
            patient_id = (
                session.scalar(select(Visit.patient_id).where(Visit.id == request.visit_id))
                or patient_id
            )
        record(session, action, patient_id=patient_id, object=what, detail=detail)


def suggested_file_name(request: ReportRequest, patient_name: str, day: dt.date) -> str:
    """'Kowalski, Dolores – progress report 2026-11-30.pdf', safe on every file system."""
    what = {
        Document.VISIT_SUMMARY: "visit summary",
        Document.PROGRESS_REPORT: "progress report",
        Document.HANDOUT: request.handout.label.lower(),
        Document.WHOLE_CHART: "chart",
    }[request.document]
    name = f"{patient_name} – {what} {day.isoformat()}.pdf"
    return "".join("_" if char in '<>:"/\\|?*' or ord(char) < 32 else char for char in name)
