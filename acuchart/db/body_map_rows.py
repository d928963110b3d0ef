"""Body maps to rows and back: marks, strokes and sensory findings of a visit."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from acuchart.bodymap.exam import MonofilamentResult, SensoryTest, VibrationResult
from acuchart.bodymap.model import BodyMap, MarkKey, Stroke
from acuchart.bodymap.symptoms import Symptom
from acuchart.collector import collector_paused
from acuchart.db.models import BodyMapMark, BodyMapStroke, SensoryFinding
from acuchart.patients import Limb

VIBRATION_SITE = "hallux"


def encode_points(points: Iterable[tuple[float, float]]) -> str:
    return json.dumps([[x, y] for x, y in points], separators=(",", ":"))


def decode_points(text: str) -> tuple[tuple[float, float], ...]:
    return tuple((float(x), float(y)) for x, y in json.loads(text))


def replace_body_map(session: Session, visit_id: int, body_map: BodyMap) -> None:
    """Write a visit's whole map in place of the stored one (inside the caller's transaction)."""
    from acuchart.db.signing_guard import ensure_unsigned

    ensure_unsigned(session, visit_id)  # the bulk delete below is out of the ORM guard's sight
    for table in (BodyMapMark, BodyMapStroke, SensoryFinding):
        session.execute(delete(table).where(table.visit_id == visit_id))
    session.add_all(
        BodyMapMark(visit_id=visit_id, view_id=v, region_id=r, symptom=s, intensity=i)
        for (v, r, s), i in sorted(body_map.marks.items())
    )
    session.add_all(
        BodyMapStroke(
            visit_id=visit_id,
            position=position,
            view_id=stroke.view_id,
            symptom=stroke.symptom,
            intensity=stroke.intensity,
            width_mm=stroke.width,
            points=encode_points(stroke.points),
        )
        for position, stroke in enumerate(body_map.strokes)
    )
    findings: list[tuple[Limb, SensoryTest, str, str]] = [
        (limb, SensoryTest.MONOFILAMENT, site_id, result.value)
        for (limb, site_id), result in body_map.monofilament.items()
    ]
    findings += [
        (limb, SensoryTest.VIBRATION, VIBRATION_SITE, result.value)
        for limb, result in body_map.vibration.items()
    ]
    session.add_all(
        SensoryFinding(visit_id=visit_id, limb=limb, test=test, site_id=site_id, result=result)
        for limb, test, site_id, result in findings
    )


def _driver_rows(session: Session, sql: str) -> list[Any]:
    """Rows straight from the database driver, on the session's connection and transaction.

    A long course has tens of thousands of marks: SQLAlchemy's result rows and type
    processing cost three times the query itself, and maps are plain values anyway.
    ``sql`` carries no parameters (visit ids are written in as integers), so it runs
    unchanged on SQLite, SQLCipher and PostgreSQL.
    """
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def load_body_maps(session: Session, visit_ids: list[int]) -> dict[int, BodyMap]:
    """The maps of several visits in three queries (an empty map where nothing is charted).

    Reads what the session's transaction has written to the database (it does not flush).
    """
    with collector_paused():
        return _read_body_maps(session, visit_ids)


def _read_body_maps(session: Session, visit_ids: list[int]) -> dict[int, BodyMap]:
    marks: dict[int, dict[MarkKey, int]] = {v: {} for v in visit_ids}
    strokes: dict[int, list[Stroke]] = {v: [] for v in visit_ids}
    monofilament: dict[int, dict[tuple[Limb, str], MonofilamentResult]] = {v: {} for v in visit_ids}
    vibration: dict[int, dict[Limb, VibrationResult]] = {v: {} for v in visit_ids}
    symptoms = {member.value: member for member in Symptom}
    limbs = {member.value: member for member in Limb}
    touch = {member.value: member for member in MonofilamentResult}
    vibration_results = {member.value: member for member in VibrationResult}
    monofilament_test = SensoryTest.MONOFILAMENT.value
    # One key object per region or site however many visits mark it: a long course repeats
    # a hundred keys twenty thousand times, and every distinct key is another object for
    # the garbage collector to walk for as long as the maps are kept.
    mark_keys: dict[MarkKey, MarkKey] = {}
    site_keys: dict[tuple[Limb, str], tuple[Limb, str]] = {}
    for chunk_start in range(0, len(visit_ids), 500):
        ids = ",".join(str(int(v)) for v in visit_ids[chunk_start : chunk_start + 500])
        for visit_id, view_id, region_id, symptom, intensity in _driver_rows(
            session,
            "SELECT visit_id, view_id, region_id, symptom, intensity"
            f" FROM {BodyMapMark.__tablename__} WHERE visit_id IN ({ids})",
        ):
            key = (view_id, region_id, symptoms[symptom])
            marks[visit_id][mark_keys.setdefault(key, key)] = intensity
        for visit_id, view_id, paint, intensity, width, points in _driver_rows(
            session,
            "SELECT visit_id, view_id, symptom, intensity, width_mm, points"
            f" FROM {BodyMapStroke.__tablename__} WHERE visit_id IN ({ids})"
            " ORDER BY visit_id, position",
        ):
            strokes[visit_id].append(
                Stroke(
                    view_id,
                    None if paint is None else symptoms[paint],
                    intensity,
                    float(width),
                    decode_points(points),
                )
            )
        for visit_id, limb, test, site_id, result in _driver_rows(
            session,
            "SELECT visit_id, limb, test, site_id, result"
            f" FROM {SensoryFinding.__tablename__} WHERE visit_id IN ({ids})",
        ):
            if test == monofilament_test:
                site = (limbs[limb], site_id)
                monofilament[visit_id][site_keys.setdefault(site, site)] = touch[result]
            else:
                vibration[visit_id][limbs[limb]] = vibration_results[result]
    return {
        v: BodyMap(
            marks=marks[v],
            strokes=tuple(strokes[v]),
            monofilament=monofilament[v],
            vibration=vibration[v],
        )
        for v in visit_ids
    }
