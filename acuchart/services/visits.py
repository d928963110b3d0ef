"""Visit actions: open a new visit and list a patient's visits."""

from __future__ import annotations

import datetime as dt

from acuchart.audit import AuditAction
from acuchart.db import repositories
from acuchart.db.database import Database
from acuchart.db.models import Visit
from acuchart.errors import PatientArchivedError
from acuchart.services.audit import record
from acuchart.visits import VisitDraft, VisitStatus, VisitSummary, validate_visit


def create_visit(
    database: Database, patient_id: int, draft: VisitDraft, *, now: dt.datetime | None = None
) -> VisitSummary:
    """Open a draft visit for a patient who is not archived."""
    with database.unit_of_work() as session:
        patient = repositories.load_patient(session, patient_id, for_update=True)
        if patient.archived_at is not None:
            raise PatientArchivedError("This patient is archived. Restore the patient first.")
        clean = validate_visit(draft, date_of_birth=patient.date_of_birth, now=now)
        visit = Visit(
            patient_id=patient_id,
            started_at=clean.started_at,
            practitioner_name=clean.practitioner_name,
            status=VisitStatus.DRAFT,
        )
        session.add(visit)
        if patient.last_visit_at is None or clean.started_at > patient.last_visit_at:
            patient.last_visit_at = clean.started_at
        session.flush()
        record(session, AuditAction.CREATE, patient_id=patient_id, object=f"visit {visit.id}")
        return repositories.to_visit_summary(visit)


def list_visits(database: Database, patient_id: int) -> list[VisitSummary]:
    """The patient's visits, newest first."""
    with database.reading() as session:
        return repositories.visits_of(session, patient_id)
