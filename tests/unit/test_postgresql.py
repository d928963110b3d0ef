"""The same services on PostgreSQL, for a clinic with several workstations.

Runs when ACUCHART_TEST_POSTGRESQL_URL names an empty, disposable database
(e.g. postgresql+psycopg://postgres@127.0.0.1:55432/acuchart_test) and the
`postgresql` extra is installed; skipped otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from acuchart.bodymap.model import BodyMap
from acuchart.db.database import Database, open_database
from acuchart.db.migrate import check_models_match_migrations, current_revision, head_revision
from acuchart.errors import EditConflictError, PatientHasVisitsError, VisitSignedError
from acuchart.patient_search import PatientQuery, PatientSort
from acuchart.patients import Precaution
from acuchart.services import body_maps, notes, patients, reports, visits
from acuchart.visits import VisitDraft
from tests.conftest import make_draft
from tests.unit.test_body_map_service import full_map, new_visit
from tests.unit.test_note_service import charted_note, stored_draft

POSTGRESQL_URL = os.environ.get("ACUCHART_TEST_POSTGRESQL_URL", "")
pytestmark = pytest.mark.skipif(
    not POSTGRESQL_URL, reason="set ACUCHART_TEST_POSTGRESQL_URL to test on PostgreSQL"
)


@pytest.fixture
def clinic_database() -> Iterator[Database]:
    engine = create_engine(POSTGRESQL_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    database = open_database(POSTGRESQL_URL)
    yield database
    database.close()


def names(database: Database, search: str = "", **options: object) -> list[str]:
    page = patients.search_patients(database, PatientQuery(text=search, **options))  # type: ignore[arg-type]
    return [row.family_name for row in page.rows]


def test_schema_is_created_and_matches_the_models(clinic_database: Database) -> None:
    assert current_revision(clinic_database) == head_revision()
    check_models_match_migrations(clinic_database)


def test_records_search_and_sort_on_postgresql(clinic_database: Database) -> None:
    now = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
    muller = patients.create_patient(
        clinic_database,
        make_draft(
            family_name="Müller",
            given_names="Zoë",
            phone="555-201-7788",
            precautions=frozenset({Precaution.BLEEDING_RISK}),
        ),
    )
    patients.create_patient(
        clinic_database,
        make_draft(family_name="O'Brien_100%", phone="", date_of_birth=dt.date(1961, 7, 8)),
    )
    patients.create_patient(clinic_database, make_draft(family_name="渡辺", phone="0412 555 678"))
    assert names(clinic_database, "mul") == ["Müller"]
    assert names(clinic_database, "zoe muller") == ["Müller"]
    assert names(clinic_database, "100%") == ["O'Brien_100%"]
    assert names(clinic_database, "渡") == ["渡辺"]
    assert names(clinic_database, "7788") == ["Müller"]
    assert names(clinic_database, "1961-07-08") == ["O'Brien_100%"]
    assert names(clinic_database, "1961") == ["O'Brien_100%"]
    assert names(clinic_database, sort=PatientSort.NAME) == ["Müller", "O'Brien_100%", "渡辺"]

    visits.create_visit(clinic_database, muller.id, VisitDraft(now, "Lena Decicco"), now=now)
    assert patients.get_patient(clinic_database, muller.id).last_visit_at == now
    assert names(clinic_database, sort=PatientSort.LAST_VISIT)[0] == "Müller"
    with pytest.raises(PatientHasVisitsError):
        patients.delete_patient(clinic_database, muller.id)
    patients.set_archived(clinic_database, muller.id, True)
    assert names(clinic_database, "mul") == []


def test_drafts_save_with_their_version_and_lock_on_postgresql(clinic_database: Database) -> None:
    now = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
    patient = patients.create_patient(clinic_database, make_draft())
    visit_id = visits.create_visit(clinic_database, patient.id, VisitDraft(now, "L")).id
    first = notes.save_draft(clinic_database, visit_id, charted_note(), expected_version=0)
    second = notes.save_draft(clinic_database, visit_id, charted_note(), expected_version=1)
    stored = stored_draft(clinic_database, visit_id)
    assert (stored.version, stored.saved_at, stored.visit_updated_at) == (2, second, second)
    assert stored.audit_entries == 1
    assert first <= second
    with pytest.raises(EditConflictError):
        notes.save_draft(clinic_database, visit_id, charted_note(), expected_version=1)
    assert stored_draft(clinic_database, visit_id) == stored
    notes.sign_note(clinic_database, visit_id, "Lena Decicco")
    signed = stored_draft(clinic_database, visit_id)
    with pytest.raises(VisitSignedError):
        notes.save_draft(clinic_database, visit_id, charted_note(), expected_version=None)
    assert stored_draft(clinic_database, visit_id) == signed


def test_a_course_with_maps_and_findings_reads_back_on_postgresql(
    clinic_database: Database,
) -> None:
    """Maps are read with the driver's own cursor: the same rows and values on PostgreSQL."""
    patient = patients.create_patient(clinic_database, make_draft())
    charted = new_visit(clinic_database, patient.id, days_ago=14)
    new_visit(clinic_database, patient.id, days_ago=7)
    body_maps.save_body_map(clinic_database, charted, full_map())
    notes.save_draft(clinic_database, charted, charted_note())
    course = reports.load_course(clinic_database, patient.id)
    assert [v.body_map for v in course.visits] == [full_map(), BodyMap()]
    assert course.visits[0].note == charted_note()
    assert course.flowsheet == notes.score_flowsheet(clinic_database, patient.id)
    assert course.flowsheet.rows
    notes.sign_note(clinic_database, charted, "Lena Decicco")
    assert [check.ok for check in notes.verify_signatures(clinic_database, patient.id)] == [True]
