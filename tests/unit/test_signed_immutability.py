"""Signed visits are locked in the database itself, and two windows cannot overwrite a draft.

Real SQLite files: raw SQL through the ``sqlite3`` module and bulk SQLAlchemy
statements bypass the services and the ORM guard, and the triggers refuse them.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import IntegrityError

from acuchart.bodymap.exam import MonofilamentResult
from acuchart.bodymap.model import BodyMap, make_stroke
from acuchart.bodymap.symptoms import Symptom
from acuchart.db import sqlite as sqlite_support
from acuchart.db.database import Database
from acuchart.db.models import BodyMapMark, Patient, Visit, VisitNote, VisitScore
from acuchart.db.signing_guard import SIGNED_MESSAGE
from acuchart.errors import EditConflictError, PatientHasVisitsError, VisitSignedError
from acuchart.notes.model import Subjective
from acuchart.patients import Limb
from acuchart.services import body_maps, notes, patients
from tests.conftest import make_draft
from tests.unit.test_body_map_service import new_visit
from tests.unit.test_note_service import charted_note, stored_draft

SOLE = "left_foot.plantar"


def charted_map() -> BodyMap:
    return (
        BodyMap()
        .with_mark(SOLE, "heel", Symptom.BURNING, 6)
        .with_stroke(make_stroke(SOLE, Symptom.SHARP, 5, 6.5, [(0.0, 250.0), (3.3, 251.0)]))
        .with_monofilament(Limb.LEFT_FOOT, "hallux", MonofilamentResult.NOT_FELT)
    )


@pytest.fixture
def patient_id(database: Database) -> int:
    return patients.create_patient(database, make_draft()).id


@pytest.fixture
def signed_visit(database: Database, patient_id: int) -> int:
    visit_id = new_visit(database, patient_id, 1)
    body_maps.save_body_map(database, visit_id, charted_map())
    notes.sign_note(database, visit_id, "Lena Decicco", charted_note())
    return visit_id


@pytest.fixture
def draft_visit(database: Database, patient_id: int) -> int:
    visit_id = new_visit(database, patient_id, 0)
    body_maps.save_body_map(database, visit_id, charted_map())
    notes.save_draft(database, visit_id, charted_note())
    return visit_id


def raw_sql(db_path: Path, statement: str) -> None:
    """Behind the app's back: a plain sqlite3 connection (foreign keys off, as by default)."""
    with sqlite3.connect(db_path) as raw:
        raw.execute(statement)


def row_counts(db_path: Path, visit_id: int) -> dict[str, int]:
    tables = ("visit_notes", "visit_scores", *sqlite_support.VISIT_CONTENT_TABLES[:3])
    with sqlite3.connect(db_path) as raw:
        return {
            name: raw.execute(
                f"SELECT count(*) FROM {name} WHERE visit_id = ?", (visit_id,)
            ).fetchone()[0]
            for name in tables
        }


SIGNED_VISIT_CHANGES = [
    "UPDATE visit_notes SET content = 'rewritten' WHERE visit_id = {id}",
    "UPDATE visit_notes SET signed_at = NULL, signed_by = NULL WHERE visit_id = {id}",
    "DELETE FROM visit_notes WHERE visit_id = {id}",
    "UPDATE body_map_marks SET intensity = 1 WHERE visit_id = {id}",
    "DELETE FROM body_map_marks WHERE visit_id = {id}",
    "INSERT INTO body_map_marks VALUES ({id}, 'left_foot.plantar', 'toe2', 'cold', 3)",
    "UPDATE body_map_strokes SET width_mm = 1 WHERE visit_id = {id}",
    "DELETE FROM body_map_strokes WHERE visit_id = {id}",
    "UPDATE sensory_findings SET result = 'felt' WHERE visit_id = {id}",
    "DELETE FROM sensory_findings WHERE visit_id = {id}",
    "UPDATE visit_scores SET value = 0 WHERE visit_id = {id}",
    "DELETE FROM visit_scores WHERE visit_id = {id}",
    "INSERT INTO visit_scores VALUES ({id}, 'named:extra', 1)",
    "UPDATE visits SET status = 'draft' WHERE id = {id}",
    "UPDATE visits SET practitioner_name = 'Someone else' WHERE id = {id}",
    "DELETE FROM visits WHERE id = {id}",
]


@pytest.mark.parametrize("statement", SIGNED_VISIT_CHANGES)
def test_raw_sql_cannot_change_a_signed_visit(
    database: Database, db_path: Path, signed_visit: int, statement: str
) -> None:
    before = row_counts(db_path, signed_visit)
    with pytest.raises(sqlite3.IntegrityError, match="This visit is signed"):
        raw_sql(db_path, statement.format(id=signed_visit))
    assert row_counts(db_path, signed_visit) == before
    state = notes.load_note(database, signed_visit)
    assert state.is_signed
    assert state.note == charted_note()
    assert all(check.ok for check in notes.verify_signatures(database, state.visit.patient_id))


def test_bulk_statements_cannot_change_a_signed_visit(
    database: Database, signed_visit: int
) -> None:
    """SQLAlchemy ``update()`` and ``delete()`` bypass the ORM guard; the database refuses."""
    statements = [
        update(VisitNote).where(VisitNote.visit_id == signed_visit).values(content="{}"),
        delete(VisitNote).where(VisitNote.visit_id == signed_visit),
        update(BodyMapMark).where(BodyMapMark.visit_id == signed_visit).values(intensity=1),
        delete(BodyMapMark).where(BodyMapMark.visit_id == signed_visit),
        update(VisitScore).where(VisitScore.visit_id == signed_visit).values(value=0),
        delete(VisitScore).where(VisitScore.visit_id == signed_visit),
        update(Visit).where(Visit.id == signed_visit).values(status="draft"),
        delete(Visit).where(Visit.id == signed_visit),
    ]
    for statement in statements:
        with (
            pytest.raises(IntegrityError, match="This visit is signed"),
            database.unit_of_work() as session,
        ):
            session.execute(statement)
    assert notes.load_note(database, signed_visit).note == charted_note()


def test_the_services_report_a_database_refusal_as_a_signed_visit(
    database: Database, signed_visit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the service check and the ORM guard skipped, the trigger's refusal reads the same."""
    from acuchart.db import signing_guard

    monkeypatch.setattr(signing_guard, "_changes_signed_record", lambda *_: False)

    def rewrite_note() -> None:
        with signing_guard.refused_if_signed(), database.unit_of_work() as session:
            row = session.get(VisitNote, signed_visit)
            assert row is not None
            row.content = "{}"

    with pytest.raises(VisitSignedError, match=SIGNED_MESSAGE) as raised:
        rewrite_note()
    assert isinstance(raised.value.__cause__, IntegrityError)


def test_addenda_stay_insertable_under_a_signed_note(
    database: Database, db_path: Path, signed_visit: int
) -> None:
    notes.add_addendum(database, signed_visit, "Lena", "SP6 was needled on both sides too.")
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    raw_sql(
        db_path,
        "INSERT INTO note_addenda (visit_id, author, created_at, text) "
        f"VALUES ({signed_visit}, 'R. Decicco', '{later}', 'Reviewed.')",
    )
    assert [a.author for a in notes.load_note(database, signed_visit).addenda] == [
        "Lena",
        "R. Decicco",
    ]


def test_a_draft_stays_writable_by_every_route(
    database: Database, db_path: Path, patient_id: int, signed_visit: int, draft_visit: int
) -> None:
    raw_sql(db_path, f"UPDATE body_map_marks SET intensity = 2 WHERE visit_id = {draft_visit}")
    raw_sql(db_path, f"UPDATE visit_scores SET value = 1 WHERE visit_id = {draft_visit}")
    with database.unit_of_work() as session:
        session.execute(
            update(VisitNote)
            .where(VisitNote.visit_id == draft_visit)
            .values(content=VisitNote.content)  # a no-op rewrite, still an UPDATE
        )
    notes.save_draft(database, draft_visit, charted_note(subjective=Subjective(text="Better.")))
    body_maps.save_body_map(database, draft_visit, BodyMap())
    assert notes.load_note(database, draft_visit).note.subjective.text == "Better."
    notes.sign_note(database, draft_visit, "Lena")  # signing writes the note one last time
    assert notes.load_note(database, draft_visit).is_signed
    # A draft visit can still be removed, its content going with it (foreign keys on).
    mistaken = new_visit(database, patient_id, 3)
    body_maps.save_body_map(database, mistaken, charted_map())
    with database.unit_of_work() as session:
        session.execute(delete(Visit).where(Visit.id == mistaken))
    assert set(row_counts(db_path, mistaken).values()) == {0}


def test_a_patient_with_a_signed_visit_cannot_be_deleted(
    database: Database, db_path: Path, patient_id: int, signed_visit: int
) -> None:
    """Visits hold their patient (RESTRICT); a trigger holds even with foreign keys off."""
    with pytest.raises(PatientHasVisitsError):
        patients.delete_patient(database, patient_id)
    with pytest.raises(IntegrityError), database.unit_of_work() as session:
        session.execute(delete(Patient).where(Patient.id == patient_id))
    with pytest.raises(sqlite3.IntegrityError, match="This visit is signed"):
        raw_sql(db_path, f"DELETE FROM patients WHERE id = {patient_id}")
    assert row_counts(db_path, signed_visit)["visit_notes"] == 1
    assert patients.get_patient(database, patient_id).family_name == "Okafor"
    # A patient entered by mistake, without visits, is still deleted as before.
    mistake = patients.create_patient(database, make_draft(family_name="Typo"))
    patients.delete_patient(database, mistake.id)


def test_every_lock_trigger_is_in_a_new_database(database: Database) -> None:
    with database.engine.connect() as connection:
        present = sqlite_support.trigger_names(connection)
        assert set(sqlite_support.EXPECTED_TRIGGERS) <= present
        assert connection.execute(text("SELECT count(*) FROM visit_notes")).scalar() == 0


# -- two windows editing the same draft ---------------------------------------------------


def test_a_save_from_a_stale_copy_is_refused_and_the_newer_text_kept(
    database: Database, patient_id: int
) -> None:
    visit_id = new_visit(database, patient_id, 0)
    first_window = notes.load_note(database, visit_id)
    second_window = notes.load_note(database, visit_id)
    assert first_window.version == second_window.version == 0
    mine = charted_note(subjective=Subjective(text="Typed in the first window."))
    theirs = charted_note(subjective=Subjective(text="Typed in the second window."))

    notes.save_draft(database, visit_id, mine, expected_version=first_window.version)
    with pytest.raises(EditConflictError, match="another window or workstation"):
        notes.save_draft(database, visit_id, theirs, expected_version=second_window.version)
    stored = notes.load_note(database, visit_id)
    assert stored.note == mine
    assert stored.version == first_window.version + 1

    # The first window goes on saving from the version its save produced.
    notes.save_draft(database, visit_id, mine, expected_version=first_window.version + 1)
    with pytest.raises(EditConflictError):
        notes.save_draft(database, visit_id, theirs, expected_version=first_window.version + 1)
    # After reloading, the second window saves again; saves without a version are not checked.
    reloaded = notes.load_note(database, visit_id)
    assert reloaded.version == 2
    notes.save_draft(database, visit_id, theirs, expected_version=reloaded.version)
    notes.save_draft(database, visit_id, mine)
    assert notes.load_note(database, visit_id).version == 4


def test_a_refused_save_leaves_note_scores_and_visit_as_they_were(
    database: Database, patient_id: int
) -> None:
    """A save from a stale copy changes nothing: not the note, its scores, nor the visit's
    time of change (the visit is stamped in the same transaction, before the check)."""
    visit_id = new_visit(database, patient_id, 0)
    notes.save_draft(database, visit_id, charted_note(), expected_version=0)
    before = stored_draft(database, visit_id)
    theirs = charted_note(subjective=Subjective(text="Typed in the second window."))
    for stale in (0, 2, 7):
        with pytest.raises(EditConflictError):
            notes.save_draft(database, visit_id, theirs, expected_version=stale)
    assert stored_draft(database, visit_id) == before

    # A window that believes the note was saved, for a visit whose note never was.
    unsaved = new_visit(database, patient_id, 1)
    before = stored_draft(database, unsaved)
    with pytest.raises(EditConflictError):
        notes.save_draft(database, unsaved, theirs, expected_version=1)
    assert stored_draft(database, unsaved) == before
    assert before.content is None


def test_a_save_racing_another_sees_its_version(database: Database, patient_id: int) -> None:
    """Two windows save from version 1 in turn: the second finds version 2 and is refused,
    even though it reads nothing first (the check is in the UPDATE itself)."""
    visit_id = new_visit(database, patient_id, 0)
    notes.save_draft(database, visit_id, charted_note(), expected_version=0)
    mine = charted_note(subjective=Subjective(text="Mine."))
    theirs = charted_note(subjective=Subjective(text="Theirs."))
    with database.reading() as session:  # a session that has the note in its identity map
        held = session.get(VisitNote, visit_id)
        assert held is not None
        assert held.version == 1
        notes.save_draft(database, visit_id, mine, expected_version=1)
        with pytest.raises(EditConflictError):
            notes.save_draft(database, visit_id, theirs, expected_version=held.version)
    state = notes.load_note(database, visit_id)
    assert (state.note, state.version) == (mine, 2)


def test_a_note_signed_behind_the_visits_back_is_refused_by_the_database(
    database: Database, db_path: Path, draft_visit: int
) -> None:
    """A note row carrying a signature under a draft visit (the visit's status passes): the
    save is refused and the whole transaction undone, the visit's time of change too."""
    raw_sql(
        db_path,
        "UPDATE visit_notes SET signed_by = 'Lena', signed_at = '2026-01-01 09:00:00.000000'"
        f" WHERE visit_id = {draft_visit}",
    )
    before = stored_draft(database, draft_visit)
    for expected in (None, 1):
        with pytest.raises(VisitSignedError, match=SIGNED_MESSAGE):
            notes.save_draft(database, draft_visit, charted_note(), expected_version=expected)
    assert stored_draft(database, draft_visit) == before


def test_patients_count_their_saves(database: Database, patient_id: int) -> None:
    with database.reading() as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        assert patient.version == 1
    patients.update_patient(database, patient_id, make_draft(family_name="Brennan"))
    patients.set_archived(database, patient_id, True)
    with database.reading() as session:
        assert session.get(Patient, patient_id).version == 3  # type: ignore[union-attr]
