"""Saving and loading body maps on a real SQLite file; signed visits stay as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from acuchart.bodymap.exam import MonofilamentResult, VibrationResult
from acuchart.bodymap.model import BodyMap, Stroke, make_stroke
from acuchart.bodymap.symptoms import Symptom
from acuchart.db.database import Database, open_database
from acuchart.db.models import BodyMapStroke, Visit
from acuchart.errors import VisitSignedError
from acuchart.patients import Limb
from acuchart.services import body_maps, patients, visits
from acuchart.validation import ValidationError
from acuchart.visits import VisitDraft, VisitStatus
from tests.conftest import make_draft

SOLE = "left_foot.plantar"


def new_visit(database: Database, patient_id: int, days_ago: int) -> int:
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
    return visits.create_visit(database, patient_id, VisitDraft(when, "R. Decicco")).id


def full_map() -> BodyMap:
    wiggle = [(x / 3, 250 + (x % 7) * 1.37) for x in range(-60, 60)]
    return (
        BodyMap()
        .with_mark(SOLE, "heel", Symptom.BURNING, 7)
        .with_mark(SOLE, "heel", Symptom.NUMBNESS, 3)
        .with_mark("right_hand.palmar", "index.distal", Symptom.TINGLING, 10)
        .with_stroke(make_stroke(SOLE, Symptom.SHARP, 5, 6.5, wiggle))
        .with_stroke(make_stroke(SOLE, None, 0, 12.0, [(0.0, 250.0), (3.33, 251.0)]))
        .with_stroke(make_stroke("left_foot.dorsal", Symptom.COLD, 1, 1.0, [(2.0, 300.0)]))
        .with_monofilament(Limb.LEFT_FOOT, "hallux", MonofilamentResult.NOT_FELT)
        .with_monofilament(Limb.RIGHT_FOOT, "dorsum", MonofilamentResult.FELT)
        .with_vibration(Limb.LEFT_FOOT, VibrationResult.REDUCED)
    )


def test_a_map_round_trips_exactly(database: Database, db_path: object) -> None:
    patient = patients.create_patient(database, make_draft())
    visit_id = new_visit(database, patient.id, 0)
    assert body_maps.load_body_map(database, visit_id).body_map == BodyMap()
    saved = full_map()
    body_maps.save_body_map(database, visit_id, saved)
    database.close()
    reopened = open_database(str(db_path))
    try:
        loaded = body_maps.load_body_map(reopened, visit_id).body_map
    finally:
        reopened.close()
    assert loaded == saved
    assert loaded.strokes[0].points == saved.strokes[0].points
    assert loaded.strokes[1].is_eraser


def test_saving_replaces_the_whole_map(database: Database) -> None:
    patient = patients.create_patient(database, make_draft())
    visit_id = new_visit(database, patient.id, 0)
    body_maps.save_body_map(database, visit_id, full_map())
    smaller = BodyMap().with_mark(SOLE, "toe2", Symptom.ITCHING, 2)
    body_maps.save_body_map(database, visit_id, smaller)
    assert body_maps.load_body_map(database, visit_id).body_map == smaller
    with database.reading() as session:
        assert session.scalars(select(BodyMapStroke)).all() == []


@pytest.mark.parametrize(
    "bad",
    [
        BodyMap().with_mark(SOLE, "elbow", Symptom.BURNING, 4),
        BodyMap().with_mark("left_knee.front", "patella", Symptom.BURNING, 4),
        BodyMap().with_mark(SOLE, "heel", Symptom.BURNING, 11),
        BodyMap().with_mark(SOLE, "heel", Symptom.BURNING, 0),
        BodyMap().with_stroke(Stroke(SOLE, Symptom.COLD, 3, 0.2, ((0.0, 200.0),))),
        BodyMap().with_stroke(Stroke(SOLE, Symptom.COLD, 3, 5.0, ())),
        BodyMap().with_stroke(Stroke(SOLE, Symptom.COLD, 3, 5.0, ((float("nan"), 1.0),))),
        BodyMap().with_stroke(Stroke(SOLE, Symptom.COLD, 3, 5.0, ((9000.0, 1.0),))),
        BodyMap().with_monofilament(Limb.LEFT_HAND, "hallux", MonofilamentResult.FELT),
        BodyMap().with_monofilament(Limb.LEFT_FOOT, "knee", MonofilamentResult.FELT),
    ],
)
def test_impossible_maps_are_refused_and_the_saved_one_kept(
    database: Database, bad: BodyMap
) -> None:
    patient = patients.create_patient(database, make_draft())
    visit_id = new_visit(database, patient.id, 0)
    body_maps.save_body_map(database, visit_id, full_map())
    with pytest.raises(ValidationError):
        body_maps.save_body_map(database, visit_id, bad)
    assert body_maps.load_body_map(database, visit_id).body_map == full_map()


def test_the_map_of_a_signed_visit_cannot_change(database: Database) -> None:
    patient = patients.create_patient(database, make_draft())
    visit_id = new_visit(database, patient.id, 0)
    body_maps.save_body_map(database, visit_id, full_map())
    with database.unit_of_work() as session:
        session.execute(update(Visit).where(Visit.id == visit_id).values(status=VisitStatus.SIGNED))
    with pytest.raises(VisitSignedError, match="signed"):
        body_maps.save_body_map(database, visit_id, BodyMap())
    assert body_maps.load_body_map(database, visit_id).body_map == full_map()


def test_previous_map_and_course_of_treatment(database: Database) -> None:
    patient = patients.create_patient(database, make_draft())
    other = patients.create_patient(database, make_draft(family_name="Other"))
    first = new_visit(database, patient.id, 20)
    empty = new_visit(database, patient.id, 10)
    today = new_visit(database, patient.id, 0)
    foreign = new_visit(database, other.id, 5)
    body_maps.save_body_map(database, first, full_map())
    body_maps.save_body_map(database, foreign, BodyMap().with_mark(SOLE, "heel", Symptom.COLD, 1))
    previous = body_maps.previous_map(database, today)
    assert previous is not None
    assert previous.visit.id == first
    assert previous.body_map == full_map()
    assert body_maps.previous_map(database, first) is None
    course = body_maps.course_maps(database, patient.id)
    assert [m.visit.id for m in course] == [first, empty, today]
    assert course[1].body_map.is_empty
