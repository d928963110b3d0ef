"""A clinic-scale database for the benchmarks, the same every time it is built.

50,000 patients (the demo clinic's generator, through the app's models, so every
derived search column and index is the app's own) and 500,000 visits charted week by
week over up to seven years: a SOAP note of realistic length per visit, outcome scores derived
by the app's own rules, needled points, and a body map at intake, at every review
(every sixth visit) and at the latest visit. Fifty patients have 200 visits each, fully
mapped: the long charts the "open a chart" figure uses; two more have 360 (a 20-page
progress report). All visits but each patient's latest are signed, with the app's own
content hash.

Visits are inserted in the order they happened across the clinic, as a clinic charts
them, in batches of one transaction each through the models' tables.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text, update
from sqlalchemy.orm import Session

from acuchart.bodymap.exam import SensoryTest
from acuchart.bodymap.model import BodyMap
from acuchart.db import sqlite as sqlite_support
from acuchart.db.body_map_rows import VIBRATION_SITE, encode_points
from acuchart.db.database import Database, open_database
from acuchart.db.models import Patient, Visit, VisitNote, VisitScore
from acuchart.db.repositories import apply_draft
from acuchart.notes.model import FORMAT_VERSION, SessionNote, to_dict
from acuchart.notes.signature import SignedIdentity, body_map_dict, document_hash
from acuchart.patients import Limb, NeuropathyCause, PatientDraft
from acuchart.services.clinic import save_clinic_profile
from acuchart.services.demo import DEMO_CLINIC, PRACTITIONERS, demo_patient
from acuchart.services.demo_maps import demo_body_map
from acuchart.services.demo_notes import demo_note
from acuchart.services.notes import derive_scores
from acuchart.visits import VisitStatus

DATA_DIR = Path(__file__).with_name(".data")
PATIENTS = 50_000
VISITS = 500_000
LONG_CHARTS = 50  # patients with LONG_CHART_VISITS visits each
LONG_CHART_VISITS = 200
LONGEST_CHARTS = 2  # and two seven-year courses: their progress report runs to 20 pages
LONGEST_CHART_VISITS = 360
TODAY = dt.date(2026, 11, 25)
SEED = 50_000
BATCH = 5_000
MAP_VARIANTS = 6  # body maps drawn per (limbs, severity, stage); visits pick among them

# Free text a practitioner adds to the structured note: enough variety that word
# searches behave as they would over a real clinic's notes.
HISTORY = (
    "Reports the soles feel like walking on pebbles by late afternoon.",
    "Gabapentin dose raised by the GP last month; drowsy in the mornings.",
    "Duloxetine continued; sleeping through most nights now.",
    "Finished the last oxaliplatin cycle in spring; cold sensitivity in the fingers persists.",
    "Paclitaxel completed two years ago; numbness stable since.",
    "Blood glucose better controlled, HbA1c down according to the patient.",
    "Fell once on the stairs at home, no injury; uses the handrail now.",
    "Burning wakes her around 3 a.m. two or three nights a week.",
    "Tingling spreads to the ankles after long car journeys.",
    "Buttoning shirts and writing are easier than at intake.",
    "Cramps in both calves at night, eased by stretching.",
    "Walks the dog twenty minutes daily without stopping.",
    "Feet swell by evening in warm weather.",
    "Daughter helps with foot checks; no new sores noticed.",
    "Stopped the topical capsaicin because of stinging.",
)
INSPECTION = (
    "Skin intact, no ulcers; mild fissuring at both heels.",
    "Nails thickened on both halluces; dorsalis pedis pulses palpable.",
    "Feet cool to touch, capillary refill under three seconds.",
    "Callus under the first metatarsal heads, no breakdown.",
    "Fingertips pale and cool; no trophic changes.",
    "Slight oedema around both ankles, pitting on pressure.",
)
PATTERN_NOTES = (
    "Blood stasis signs less marked than at intake.",
    "Dampness pattern with heaviness of the legs.",
    "Yin deficiency signs: night sweats, dry mouth.",
    "Liver Qi stagnation with stress-related flares.",
    "Kidney Yang deficiency: cold feet, frequent urination at night.",
)


@dataclass(frozen=True)
class PlannedVisit:
    """One visit to insert: which patient, when, and where it falls in that patient's course."""

    started_at: dt.datetime
    patient_index: int
    number: int  # 0 for the first visit of the course
    course_length: int


@dataclass
class PatientCourse:
    """What the generator keeps about each patient between batches."""

    patient_id: int
    limbs: frozenset[Limb]
    cause: NeuropathyCause | None
    severity: int
    response: float


def default_path(patients: int = PATIENTS, visits: int = VISITS) -> Path:
    return DATA_DIR / f"clinic-{patients}-{visits}.db"


def course_lengths(rng: random.Random, patients: int, visits: int) -> list[int]:
    """Visits per patient: the long charts (at most half of all visits), the rest spread
    at random to add up to ``visits``."""
    budget = visits // 2
    longest = min(LONGEST_CHARTS, patients, budget // LONGEST_CHART_VISITS)
    budget -= longest * LONGEST_CHART_VISITS
    long_charts = min(LONG_CHARTS, patients - longest, budget // LONG_CHART_VISITS)
    lengths = [LONGEST_CHART_VISITS] * longest + [LONG_CHART_VISITS] * long_charts
    first_ordinary = len(lengths)
    rest = patients - first_ordinary
    remaining = visits - sum(lengths)
    mean = remaining / rest if rest else 0
    lengths += [rng.randint(0, max(0, round(2 * mean) - 1)) for _ in range(rest)]
    difference = visits - sum(lengths)
    ordinary = range(first_ordinary, patients)
    while difference and ordinary:
        index = rng.choice(ordinary)
        step = 1 if difference > 0 else -1
        if 0 <= lengths[index] + step < LONG_CHART_VISITS:
            lengths[index] += step
            difference -= step
    return lengths


def plan_visits(rng: random.Random, lengths: list[int]) -> list[PlannedVisit]:
    """Weekly courses ending before today, in the order the clinic saw them."""
    planned: list[PlannedVisit] = []
    for patient_index, length in enumerate(lengths):
        span_days = length * 10 + 10
        last_start = (TODAY - dt.timedelta(days=span_days)).toordinal()
        first_start = min(last_start, (TODAY - dt.timedelta(days=5 * 365)).toordinal())
        day = dt.date.fromordinal(rng.randint(first_start, last_start))
        for number in range(length):
            local = dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice((0, 30))))
            planned.append(
                PlannedVisit(local.replace(tzinfo=dt.UTC), patient_index, number, length)
            )
            day += dt.timedelta(days=7 + rng.choice((0, 0, 0, 1, -1, 3)))
    planned.sort(key=lambda visit: (visit.started_at, visit.patient_index))
    return planned


def add_patients(database: Database, rng: random.Random, patients: int) -> list[PatientCourse]:
    courses: list[PatientCourse] = []
    for start in range(0, patients, BATCH):
        with database.unit_of_work() as session:
            drafts: list[PatientDraft] = []
            rows: list[Patient] = []
            for _ in range(min(BATCH, patients - start)):
                draft = demo_patient(rng, TODAY)
                patient = Patient()
                apply_draft(patient, draft)
                session.add(patient)
                drafts.append(draft)
                rows.append(patient)
            session.flush()
            for draft, row in zip(drafts, rows, strict=True):
                courses.append(
                    PatientCourse(
                        patient_id=row.id,
                        limbs=draft.limbs_affected or frozenset({Limb.LEFT_FOOT, Limb.RIGHT_FOOT}),
                        cause=draft.neuropathy_cause,
                        severity=rng.randint(1, 4),
                        response=rng.random(),
                    )
                )
    return courses


@dataclass(frozen=True)
class DrawnMap:
    """A body map with what every visit that uses it needs: its rows and its signed form."""

    body_map: BodyMap
    signed_form: dict[str, Any]
    rows: dict[str, list[tuple[Any, ...]]]


def drawn(body_map: BodyMap) -> DrawnMap:
    return DrawnMap(body_map, body_map_dict(body_map), map_rows(body_map))


class MapPool:
    """Body maps drawn once per (limbs, severity, stage) and reused: drawing is the slow part."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._maps: dict[tuple[frozenset[Limb], int, int, int], DrawnMap] = {}

    def pick(self, course: PatientCourse, progress: float, rng: random.Random) -> DrawnMap:
        stage = round(progress * course.response * 4)
        key = (course.limbs, course.severity, stage, rng.randrange(MAP_VARIANTS))
        if key not in self._maps:
            self._maps[key] = drawn(
                demo_body_map(self._rng, course.limbs, course.severity, stage / 4, 1.0)
            )
        return self._maps[key]


def written_note(rng: random.Random, course: PatientCourse, visit: PlannedVisit) -> SessionNote:
    """The demo note plus the free text a practitioner types around it."""
    progress = visit.number / max(1, visit.course_length - 1)
    note = demo_note(rng, course.cause, course.limbs, visit.number, progress, course.response)
    return replace(
        note,
        subjective=replace(note.subjective, text=" ".join(rng.sample(HISTORY, rng.randint(1, 3)))),
        objective=replace(note.objective, inspection=rng.choice(INSPECTION)),
        assessment=replace(note.assessment, pattern_notes=rng.choice(PATTERN_NOTES)),
    )


MAP_TABLES = {
    "body_map_marks": ("view_id", "region_id", "symptom", "intensity"),
    "body_map_strokes": ("position", "view_id", "symptom", "intensity", "width_mm", "points"),
    "sensory_findings": ("limb", "test", "site_id", "result"),
}


def map_rows(body_map: BodyMap) -> dict[str, list[tuple[Any, ...]]]:
    """The map's rows as stored (enums by value), without the visit id."""
    return {
        "body_map_marks": [
            (view_id, region_id, symptom.value, intensity)
            for (view_id, region_id, symptom), intensity in sorted(body_map.marks.items())
        ],
        "body_map_strokes": [
            (
                position,
                stroke.view_id,
                stroke.symptom.value if stroke.symptom else None,
                stroke.intensity,
                stroke.width,
                encode_points(stroke.points),
            )
            for position, stroke in enumerate(body_map.strokes)
        ],
        "sensory_findings": [
            (limb.value, SensoryTest.MONOFILAMENT.value, site_id, result.value)
            for (limb, site_id), result in body_map.monofilament.items()
        ]
        + [
            (limb.value, SensoryTest.VIBRATION.value, VIBRATION_SITE, result.value)
            for limb, result in body_map.vibration.items()
        ],
    }


def is_mapped(visit: PlannedVisit) -> bool:
    """Long charts are mapped at every visit; others at intake and at the latest visit."""
    return (
        visit.course_length >= LONG_CHART_VISITS
        or visit.number == 0
        or visit.number == visit.course_length - 1
    )


EMPTY_MAP = DrawnMap(BodyMap(), body_map_dict(BodyMap()), map_rows(BodyMap()))


def insert_rows(
    session: Session, table_name: str, columns: tuple[str, ...], rows: list[Any]
) -> None:
    if rows:
        marks = ", ".join("?" for _ in columns)
        session.connection().exec_driver_sql(
            f"INSERT INTO {table_name} ({', '.join(columns)}) VALUES ({marks})", rows
        )


def add_visits(
    database: Database,
    planned: list[PlannedVisit],
    courses: list[PatientCourse],
    seed: int,
    report: bool,
) -> None:
    maps = MapPool(seed + 1)
    started = time.perf_counter()
    for start in range(0, len(planned), BATCH):
        batch = planned[start : start + BATCH]
        rng = random.Random(seed * 7919 + start)
        with database.unit_of_work() as session:
            visit_rows: list[dict[str, Any]] = [
                {
                    "patient_id": courses[visit.patient_index].patient_id,
                    "started_at": visit.started_at,
                    "practitioner_name": PRACTITIONERS[visit.patient_index % 4 == 3],
                    "status": VisitStatus.DRAFT,
                    "created_at": visit.started_at,
                    "updated_at": visit.started_at,
                }
                for visit in batch
            ]
            ids = session.scalars(
                insert(Visit).returning(Visit.id, sort_by_parameter_order=True), visit_rows
            ).all()
            notes: list[dict[str, Any]] = []
            scores: list[dict[str, Any]] = []
            content: dict[str, list[tuple[Any, ...]]] = {table: [] for table in MAP_TABLES}
            signed: list[int] = []
            for visit_id, visit, row in zip(ids, batch, visit_rows, strict=True):
                course = courses[visit.patient_index]
                note = written_note(rng, course, visit)
                note_dict = to_dict(note)
                progress = visit.number / max(1, visit.course_length - 1)
                chosen = maps.pick(course, progress, rng) if is_mapped(visit) else EMPTY_MAP
                for table_name, rows in chosen.rows.items():
                    content[table_name] += [(visit_id, *values) for values in rows]
                scores += [
                    {"visit_id": visit_id, "name": name, "value": value}
                    for name, value in sorted(derive_scores(note).items())
                ]
                saved_at = visit.started_at + dt.timedelta(minutes=50)
                note_row: dict[str, Any] = {
                    "visit_id": visit_id,
                    "content": json.dumps(note_dict, ensure_ascii=False, separators=(",", ":")),
                    "format_version": FORMAT_VERSION,
                    "saved_at": saved_at,
                    "signed_by": None,
                    "signed_at": None,
                    "content_hash": None,
                }
                if visit.number < visit.course_length - 1:  # the latest note is still a draft
                    by = row["practitioner_name"]
                    identity = SignedIdentity(
                        visit_id, course.patient_id, visit.started_at, by, saved_at
                    )
                    note_row |= {
                        "signed_by": by,
                        "signed_at": saved_at,
                        "content_hash": document_hash(identity, note_dict, chosen.signed_form),
                    }
                    signed.append(visit_id)
                notes.append(note_row)
            session.execute(insert(VisitNote), notes)
            session.execute(insert(VisitScore), scores)
            for table_name, columns in MAP_TABLES.items():
                insert_rows(session, table_name, ("visit_id", *columns), content[table_name])
            stored_at = {n["visit_id"]: n["signed_at"] for n in notes if n["signed_at"]}
            session.execute(
                update(Visit),
                [
                    {"id": visit_id, "status": VisitStatus.SIGNED, "signed_at": stored_at[visit_id]}
                    for visit_id in signed
                ],
            )
        if report:
            done = start + len(batch)
            rate = done / (time.perf_counter() - started)
            print(f"  {done:>7,} visits ({rate:,.0f}/s)", flush=True)
    with database.unit_of_work() as session:
        session.execute(
            text(
                "UPDATE patients SET last_visit_at ="
                " (SELECT max(started_at) FROM visits WHERE visits.patient_id = patients.id)"
            )
        )


def build(path: Path, patients: int = PATIENTS, visits: int = VISITS, report: bool = True) -> None:
    """Write the database to ``path`` (which must not exist)."""
    rng = random.Random(SEED)
    database = open_database(str(path))
    try:
        save_clinic_profile(database, DEMO_CLINIC)
        if report:
            print(f"Adding {patients:,} patients …", flush=True)
        courses = add_patients(database, rng, patients)
        planned = plan_visits(rng, course_lengths(rng, patients, visits))
        if report:
            print(f"Adding {len(planned):,} visits …", flush=True)
        # The notes' full-text index is filled once at the end with the app's own statement
        # (as its migration does), rather than note by note through the trigger.
        with database.engine.begin() as connection:
            for name in sqlite_support.NOTE_FTS_TRIGGERS:
                connection.exec_driver_sql(f"DROP TRIGGER {name}")
        add_visits(database, planned, courses, SEED, report)
        if report:
            print("Indexing the notes …", flush=True)
        with database.engine.begin() as connection:
            connection.exec_driver_sql(sqlite_support.FILL_NOTE_FTS)
            sqlite_support.restore_missing_triggers(connection)
        with database.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
    finally:
        database.close()


def ensure(patients: int = PATIENTS, visits: int = VISITS, report: bool = True) -> Path:
    """The cached database, built first if it is not there yet (an unfinished build is redone)."""
    path = default_path(patients, visits)
    if path.exists():
        return path
    DATA_DIR.mkdir(exist_ok=True)
    unfinished = path.with_suffix(".partial")
    for leftover in DATA_DIR.glob(unfinished.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    build(unfinished, patients, visits, report)
    unfinished.rename(path)
    if report:
        print(f"Built {path} in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=PATIENTS)
    parser.add_argument("--visits", type=int, default=VISITS)
    args = parser.parse_args(argv)
    ensure(args.patients, args.visits)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
