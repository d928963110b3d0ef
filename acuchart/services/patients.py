"""Patient actions: create, edit, search, archive, restore and (only when empty) delete."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, inspect

from acuchart.audit import AuditAction
from acuchart.db import repositories
from acuchart.db.database import Database
from acuchart.db.models import Patient
from acuchart.db.repositories import PatientPage
from acuchart.db.types import utc_now
from acuchart.errors import ChangedElsewhereError, PatientArchivedError, PatientHasVisitsError
from acuchart.patient_search import PatientQuery
from acuchart.patients import PatientDraft, PatientRecord, validate_patient
from acuchart.services.audit import record

# Columns that follow from others or count saves: not named as changed in the audit log.
_DERIVED_COLUMNS = frozenset(
    {
        "updated_at",
        "version",
        "name_sort_key",
        "name_search_text",
        "phone_digits",
        "phone_digits_reversed",
    }
)


def _changed_fields(patient: Patient) -> list[str]:
    """The names (never the values) of the fields this save changes, for the audit log."""
    state = inspect(patient)
    changed = [
        attribute.key
        for attribute in state.mapper.column_attrs
        if attribute.key not in _DERIVED_COLUMNS
        and state.attrs[attribute.key].history.has_changes()
    ]
    if state.attrs["precaution_rows"].history.has_changes():
        changed.append("precautions")
    return changed


def create_patient(
    database: Database, draft: PatientDraft, *, today: dt.date | None = None
) -> PatientRecord:
    """Validate and store a new patient; raises ``ValidationError`` with a message per field."""
    clean = validate_patient(draft, today=today)
    with database.unit_of_work() as session:
        patient = Patient()
        repositories.apply_draft(patient, clean)
        session.add(patient)
        session.flush()
        record(session, AuditAction.CREATE, patient_id=patient.id, object=f"patient {patient.id}")
        return repositories.to_record(patient, visit_count=0)


def update_patient(
    database: Database,
    patient_id: int,
    draft: PatientDraft,
    *,
    read_at: dt.datetime | None = None,
    today: dt.date | None = None,
) -> PatientRecord:
    """Validate and store changes to a patient who is not archived.

    ``read_at`` is the ``updated_at`` of the record the form was filled from; if
    the record has been saved since (another workstation), nothing is written.
    """
    clean = validate_patient(draft, today=today)
    with database.unit_of_work() as session:
        patient = repositories.load_patient(session, patient_id, for_update=True)
        if patient.archived_at is not None:
            raise PatientArchivedError("This patient is archived. Restore the patient to edit.")
        if read_at is not None and patient.updated_at != read_at:
            raise ChangedElsewhereError(
                "This patient was changed on another workstation after you opened the form, "
                "so nothing was saved. Your typing is still in the form: copy what you need, "
                "cancel, and open the patient again."
            )
        repositories.apply_draft(patient, clean)
        changed = _changed_fields(patient)
        patient.updated_at = utc_now()
        session.flush()
        record(
            session,
            AuditAction.CHANGE,
            patient_id=patient_id,
            object=f"patient {patient_id}",
            detail="fields: " + ", ".join(changed) if changed else "saved unchanged",
        )
        return repositories.to_record(patient, repositories.count_visits(session, patient_id))


def get_patient(database: Database, patient_id: int) -> PatientRecord:
    with database.reading() as session:
        patient = repositories.load_patient(session, patient_id)
        return repositories.to_record(patient, repositories.count_visits(session, patient_id))


def search_patients(database: Database, query: PatientQuery) -> PatientPage:
    """One page of the patient list: filtered and sorted by the database."""
    with database.reading() as session:
        return repositories.search_patients(session, query)


def set_archived(database: Database, patient_id: int, archived: bool) -> PatientRecord:
    """Archive (hide from the list, keep every record) or restore a patient."""
    with database.unit_of_work() as session:
        patient = repositories.load_patient(session, patient_id, for_update=True)
        if archived and patient.archived_at is None:
            patient.archived_at = utc_now()
        elif not archived:
            patient.archived_at = None
        patient.updated_at = utc_now()
        session.flush()
        record(
            session,
            AuditAction.ARCHIVE,
            patient_id=patient_id,
            object=f"patient {patient_id}",
            detail="archived" if archived else "restored from the archive",
        )
        return repositories.to_record(patient, repositories.count_visits(session, patient_id))


def delete_patient(database: Database, patient_id: int) -> None:
    """Delete a patient entered by mistake. Refused once any visit exists: archive instead."""
    with database.unit_of_work() as session:
        repositories.load_patient(session, patient_id, for_update=True)
        visits = repositories.count_visits(session, patient_id)
        if visits:
            raise PatientHasVisitsError(
                f"This patient has {visits} visit{'s' if visits != 1 else ''} on record, so the "
                "chart is kept. Archive the patient instead."
            )
        session.execute(delete(Patient).where(Patient.id == patient_id))
        record(session, AuditAction.DELETE, patient_id=patient_id, object=f"patient {patient_id}")
