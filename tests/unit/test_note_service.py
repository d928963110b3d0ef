"""Session notes on a real SQLite file: drafts, signing and its lock, addenda, hash checks."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from acuchart.bodymap.model import BodyMap
from acuchart.bodymap.symptoms import Symptom
from acuchart.db.database import Database
from acuchart.db.models import AuditEntry, BodyMapMark, Visit, VisitNote, VisitScore
from acuchart.db.sqlite import SIGNED_VISIT_TRIGGERS
from acuchart.errors import ChartError, RecordNotFoundError, VisitSignedError
from acuchart.notes.model import (
    AdverseEvent,
    AdverseKind,
    Assessment,
    Diagnosis,
    ElectroPair,
    NeedleCount,
    NeedledPoint,
    Outcomes,
    Plan,
    SessionNote,
    Side,
    Subjective,
)
from acuchart.notes.scores import NamedScore, NrsItem, Pgic
from acuchart.services import body_maps, notes, patients
from acuchart.validation import ValidationError
from acuchart.visits import VisitStatus
from tests.conftest import make_draft
from tests.unit.test_body_map_service import new_visit


def charted_note(**changes: object) -> SessionNote:
    note = SessionNote(
        subjective=Subjective(
            chief_complaint="Burning soles, worse at night",
            nrs={NrsItem.PAIN_NOW: 6, NrsItem.PAIN_AVERAGE: 7, NrsItem.BURNING: 8},
        ),
        assessment=Assessment(
            patterns=("Qi deficiency with Blood stasis",),
            diagnoses=(Diagnosis("G62.0", "Drug-induced polyneuropathy"),),
        ),
        plan=Plan(
            points=(
                NeedledPoint("ST36"),
                NeedledPoint("EX-LE10"),
                NeedledPoint("GV20", Side.MIDLINE),
            ),
            retention_minutes=25,
            electro=(ElectroPair("ST36", "EX-LE10", "2/100", minutes=20),),
            home_care="Warm foot soaks; check feet daily.",
        ),
        needles=NeedleCount(inserted=13, removed=13),
        outcomes=Outcomes(pgic=Pgic.MUCH_IMPROVED, named=(NamedScore("DN4", 5),)),
    )
    return dataclasses.replace(note, **changes)  # type: ignore[arg-type]


def in_one_transaction(database: Database, change: Callable[[Session], None]) -> None:
    with database.unit_of_work() as session:
        change(session)


@pytest.fixture
def visit_id(database: Database) -> int:
    patient = patients.create_patient(database, make_draft())
    return new_visit(database, patient.id, 0)


def test_a_draft_round_trips_and_feeds_the_score_flowsheet(
    database: Database, visit_id: int
) -> None:
    state = notes.load_note(database, visit_id)
    assert state.note == SessionNote()
    assert state.saved_at is None
    assert not state.is_signed
    note = charted_note()
    saved_at = notes.save_draft(database, visit_id, note)
    again = notes.load_note(database, visit_id)
    assert again.note == note
    assert again.saved_at == saved_at
    sheet = notes.score_flowsheet(database, state.visit.patient_id)
    assert [v.visit_id for v in sheet.visits] == [visit_id]
    assert not sheet.visits[0].signed
    assert sheet.row("nrs.pain_average").values == (7,)  # type: ignore[union-attr]
    assert sheet.row("pgic").values == (2,)  # type: ignore[union-attr]
    assert sheet.row("named:DN4").values == (5,)  # type: ignore[union-attr]
    # A later save replaces the scores, never adds to them.
    notes.save_draft(database, visit_id, charted_note(outcomes=Outcomes()))
    sheet = notes.score_flowsheet(database, state.visit.patient_id)
    assert sheet.row("pgic") is None
    assert sheet.row("nrs.pain_now").values == (6,)  # type: ignore[union-attr]


@dataclasses.dataclass(frozen=True)
class StoredDraft:
    """What a save writes, read back from the file."""

    content: str | None
    version: int | None
    saved_at: object
    visit_updated_at: object
    scores: dict[str, float]
    audit_entries: int


def stored_draft(database: Database, visit_id: int) -> StoredDraft:
    with database.reading() as session:
        note = session.execute(
            select(VisitNote.content, VisitNote.version, VisitNote.saved_at).where(
                VisitNote.visit_id == visit_id
            )
        ).one_or_none()
        scores = session.execute(
            select(VisitScore.name, VisitScore.value).where(VisitScore.visit_id == visit_id)
        )
        return StoredDraft(
            content=note.content if note else None,
            version=note.version if note else None,
            saved_at=note.saved_at if note else None,
            visit_updated_at=session.scalar(select(Visit.updated_at).where(Visit.id == visit_id)),
            scores={row.name: row.value for row in scores},
            audit_entries=session.scalar(
                select(func.count()).where(AuditEntry.object == f"note of visit {visit_id}")
            )
            or 0,
        )


def test_each_save_counts_a_version_and_stamps_the_visit(database: Database, visit_id: int) -> None:
    """The first save inserts the note and is audited; later ones overwrite it, one version on."""
    first = notes.save_draft(database, visit_id, charted_note(), expected_version=0)
    after_first = stored_draft(database, visit_id)
    assert (after_first.version, after_first.saved_at) == (1, first)
    assert after_first.visit_updated_at == first
    assert after_first.audit_entries == 1
    assert after_first.scores["pgic"] == 2

    second_note = charted_note(
        subjective=Subjective(text="Feet warmer.", nrs={NrsItem.PAIN_NOW: 3}),
        outcomes=Outcomes(),
    )
    second = notes.save_draft(database, visit_id, second_note, expected_version=1)
    after_second = stored_draft(database, visit_id)
    assert second >= first
    assert (after_second.version, after_second.saved_at) == (2, second)
    assert after_second.visit_updated_at == second
    assert after_second.audit_entries == 1  # drafts save as one types: only the first is logged
    assert after_second.scores == {"nrs.pain_now": 3}
    state = notes.load_note(database, visit_id)
    assert (state.note, state.version, state.saved_at) == (second_note, 2, second)

    third = notes.save_draft(database, visit_id, charted_note())  # no version: not checked
    assert stored_draft(database, visit_id).version == 3
    assert notes.load_note(database, visit_id).saved_at == third
    assert stored_draft(database, visit_id).visit_updated_at == third


def test_a_first_save_without_a_version_inserts_the_note(database: Database, visit_id: int) -> None:
    saved_at = notes.save_draft(database, visit_id, charted_note())
    stored = stored_draft(database, visit_id)
    assert (stored.version, stored.saved_at, stored.audit_entries) == (1, saved_at, 1)
    assert notes.load_note(database, visit_id).note == charted_note()


def test_a_draft_for_a_visit_that_is_gone_is_refused(database: Database) -> None:
    with pytest.raises(RecordNotFoundError, match="no longer exists"):
        notes.save_draft(database, 9999, charted_note())
    with pytest.raises(RecordNotFoundError):
        notes.save_draft(database, 9999, charted_note(), expected_version=0)
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(VisitNote)) == 0


def test_saving_a_signed_visit_writes_nothing(database: Database, visit_id: int) -> None:
    notes.save_draft(database, visit_id, charted_note())
    notes.sign_note(database, visit_id, "Lena Decicco")
    before = stored_draft(database, visit_id)
    for expected in (None, 0, 1, 2):
        with pytest.raises(VisitSignedError, match="signed"):
            notes.save_draft(database, visit_id, SessionNote(), expected_version=expected)
    assert stored_draft(database, visit_id) == before


def test_impossible_values_are_refused_and_the_saved_draft_kept(
    database: Database, visit_id: int
) -> None:
    notes.save_draft(database, visit_id, charted_note())
    bad = [
        charted_note(subjective=Subjective(nrs={NrsItem.PAIN_NOW: 11})),
        charted_note(plan=Plan(points=(NeedledPoint("ST99"),))),
        charted_note(plan=Plan(retention_minutes=0)),
        charted_note(plan=Plan(electro=(ElectroPair("ST36", "SP6", "2/900"),))),
        charted_note(subjective=Subjective(text="x" * 20_001)),
        charted_note(subjective=Subjective(text="bell \x07")),
        charted_note(needles=NeedleCount(inserted=-1, removed=0)),
    ]
    for note in bad:
        with pytest.raises(ValidationError):
            notes.save_draft(database, visit_id, note)
    assert notes.load_note(database, visit_id).note == charted_note()


def test_any_script_and_long_text_are_kept(database: Database, visit_id: int) -> None:
    words = "灼热感 в стопах — ‘brûlure’ 🔥\n" * 500
    note = charted_note(subjective=Subjective(text=words.strip()))
    notes.save_draft(database, visit_id, note)
    assert notes.load_note(database, visit_id).note.subjective.text == words.strip()


def test_needle_count_gate(database: Database, visit_id: int) -> None:
    uncounted = charted_note(needles=NeedleCount())
    with pytest.raises(notes.SigningRefusedError, match="Count the needles"):
        notes.sign_note(database, visit_id, "Lena Decicco", uncounted)
    differ = charted_note(needles=NeedleCount(inserted=13, removed=12))
    with pytest.raises(notes.SigningRefusedError, match=r"in \(13\) and out \(12\) differ"):
        notes.sign_note(database, visit_id, "Lena Decicco", differ)
    assert notes.load_note(database, visit_id).visit.status is VisitStatus.DRAFT
    resolved = charted_note(
        needles=NeedleCount(13, 12, "One needle found on the couch and disposed of.")
    )
    signature = notes.sign_note(database, visit_id, "Lena Decicco", resolved)
    assert len(signature.content_hash) == 64


def test_adverse_events_need_the_action_taken(database: Database, visit_id: int) -> None:
    event = AdverseEvent(AdverseKind.DIZZINESS)
    with pytest.raises(notes.SigningRefusedError, match="action taken"):
        notes.sign_note(database, visit_id, "L", charted_note(adverse_events=(event,)))
    fine = AdverseEvent(AdverseKind.DIZZINESS, action="Needles out, lay flat, water; recovered")
    notes.sign_note(database, visit_id, "L", charted_note(adverse_events=(fine,)))


def test_a_signed_visit_is_locked_in_the_service_and_the_model(
    database: Database, visit_id: int
) -> None:
    body_maps.save_body_map(
        database, visit_id, BodyMap().with_mark("left_foot.plantar", "heel", Symptom.BURNING, 6)
    )
    notes.save_draft(database, visit_id, charted_note())
    signature = notes.sign_note(database, visit_id, "  Lena Decicco, L.Ac. ")
    state = notes.load_note(database, visit_id)
    assert state.signature == signature
    assert signature.signed_by == "Lena Decicco, L.Ac."
    assert state.visit.status is VisitStatus.SIGNED
    with pytest.raises(VisitSignedError, match="signed"):
        notes.save_draft(database, visit_id, SessionNote())
    with pytest.raises(VisitSignedError):
        notes.sign_note(database, visit_id, "Someone else")
    with pytest.raises(VisitSignedError):
        body_maps.save_body_map(database, visit_id, BodyMap())

    # Below the services: the ORM refuses to flush a change to anything of a signed visit.
    def rewrite_note(session: Session) -> None:
        row = session.get(VisitNote, visit_id)
        assert row is not None
        row.content = json.dumps({"subjective": {"text": "rewritten"}})

    def soften_mark(session: Session) -> None:
        mark = session.scalars(select(BodyMapMark).where(BodyMapMark.visit_id == visit_id)).one()
        mark.intensity = 1

    def add_mark(session: Session) -> None:
        session.add(
            BodyMapMark(
                visit_id=visit_id,
                view_id="left_foot.plantar",
                region_id="toe2",
                symptom=Symptom.COLD,
                intensity=3,
            )
        )

    def rename_practitioner(session: Session) -> None:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        visit.practitioner_name = "Someone else"

    for change in (rewrite_note, soften_mark, add_mark, rename_practitioner):
        with pytest.raises(VisitSignedError):
            in_one_transaction(database, change)
    assert notes.load_note(database, visit_id).note == charted_note()
    assert all(check.ok for check in notes.verify_signatures(database, state.visit.patient_id))


def test_addenda_go_under_a_signed_note_only(database: Database, visit_id: int) -> None:
    with pytest.raises(ChartError, match="draft"):
        notes.add_addendum(database, visit_id, "Lena", "Forgot to add SP6.")
    notes.sign_note(database, visit_id, "Lena", charted_note())
    with pytest.raises(ValidationError):
        notes.add_addendum(database, visit_id, "Lena", "   ")
    with pytest.raises(ValidationError):
        notes.add_addendum(database, visit_id, "", "text")
    first = notes.add_addendum(database, visit_id, "Lena", "SP6 was needled on both sides too.")
    second = notes.add_addendum(database, visit_id, "R. Decicco", "Reviewed.")
    state = notes.load_note(database, visit_id)
    assert [a.id for a in state.addenda] == [first.id, second.id]
    assert state.addenda[0].author == "Lena"
    assert state.note == charted_note()  # the original stays as signed
    assert all(check.ok for check in notes.verify_signatures(database, state.visit.patient_id))


def test_verification_catches_changes_made_behind_the_apps_back(
    database: Database, visit_id: int, db_path: Path
) -> None:
    body_maps.save_body_map(
        database, visit_id, BodyMap().with_mark("left_foot.plantar", "heel", Symptom.BURNING, 6)
    )
    notes.sign_note(database, visit_id, "Lena", charted_note())
    patient_id = notes.load_note(database, visit_id).visit.patient_id
    assert [c.ok for c in notes.verify_signatures(database, patient_id)] == [True]

    def tamper(sql: str) -> None:
        """Someone with the file and a SQLite shell: drops the locking triggers, then edits."""
        with sqlite3.connect(db_path) as raw:
            for name in SIGNED_VISIT_TRIGGERS:
                raw.execute(f"DROP TRIGGER IF EXISTS {name}")
            raw.execute(sql)

    tamper("UPDATE visit_notes SET content = replace(content, '\"pain_now\":6', '\"pain_now\":2')")
    [check] = notes.verify_signatures(database, patient_id)
    assert not check.ok
    assert "differs from what was signed" in check.problem
    tamper("UPDATE visit_notes SET content = replace(content, '\"pain_now\":2', '\"pain_now\":6')")
    assert notes.verify_signatures(database, patient_id)[0].ok
    tamper("UPDATE body_map_marks SET intensity = 2")  # the body map is covered too
    assert not notes.verify_signatures(database, patient_id)[0].ok
    tamper("UPDATE body_map_marks SET intensity = 6")
    tamper("UPDATE visit_notes SET signed_by = 'Somebody else'")
    assert not notes.verify_signatures(database, patient_id)[0].ok
    tamper("UPDATE visit_notes SET signed_by = 'Lena', content = 'not json'")
    assert "can no longer be read" in notes.verify_signatures(database, patient_id)[0].problem


def test_copy_forward_and_protocols(database: Database) -> None:
    patient = patients.create_patient(database, make_draft())
    earlier, today = new_visit(database, patient.id, 7), new_visit(database, patient.id, 0)
    assert notes.previous_plan(database, today) is None
    notes.save_draft(database, earlier, charted_note())
    found = notes.previous_plan(database, today)
    assert found is not None
    visit, plan = found
    assert visit.id == earlier
    assert plan.points == charted_note().plan.points
    assert plan.home_care == ""  # advice is given afresh each visit
    names = [p.name for p in notes.list_protocols(database)]
    assert names == ["CIPN feet", "CIPN hands", "Diabetic neuropathy"]
    hands = next(p for p in notes.list_protocols(database) if p.name == "CIPN hands")
    assert [p.code for p in hands.points] == ["LI4", "LI11", "PC7", "TE5", "EX-UE9"]
    mine = notes.save_protocol(database, "Sleep", (NeedledPoint("HT7"), NeedledPoint("N-Anmian")))
    assert notes.save_protocol(database, "Sleep", (NeedledPoint("HT7"),)).id == mine.id
    with pytest.raises(ValidationError):
        notes.save_protocol(database, "", (NeedledPoint("HT7"),))
    with pytest.raises(ValidationError):
        notes.save_protocol(database, "Odd", (NeedledPoint("XX1"),))
    notes.delete_protocol(database, mine.id)
    assert "Sleep" not in [p.name for p in notes.list_protocols(database)]


def test_a_key_added_to_a_signed_note_behind_the_apps_back_is_caught(
    database: Database, visit_id: int, db_path: Path
) -> None:
    """What is checked is the note exactly as stored, not what the app reads out of it."""
    notes.sign_note(database, visit_id, "Lena", charted_note())
    patient_id = notes.load_note(database, visit_id).visit.patient_id
    with sqlite3.connect(db_path) as raw:
        for name in SIGNED_VISIT_TRIGGERS:
            raw.execute(f"DROP TRIGGER IF EXISTS {name}")
        raw.execute("UPDATE visit_notes SET content = json_set(content, '$.extra', 'added')")
    [check] = notes.verify_signatures(database, patient_id)
    assert not check.ok
    assert notes.load_note(database, visit_id).note == charted_note()  # the app reads it the same
