"""Body-map actions: load and save a visit's map, and the maps of a course of treatment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from acuchart.audit import AuditAction
from acuchart.bodymap.metrics import MapSummary, summarise
from acuchart.bodymap.model import BodyMap, validate_body_map
from acuchart.db import repositories
from acuchart.db.body_map_rows import load_body_maps, replace_body_map
from acuchart.db.database import Database
from acuchart.db.models import AuditEntry, Visit
from acuchart.db.signing_guard import refused_if_signed
from acuchart.db.types import utc_now
from acuchart.errors import VisitSignedError
from acuchart.services.audit import record
from acuchart.visits import VisitStatus, VisitSummary

SIGNED_MESSAGE = "This visit is signed, so its body map is locked. Corrections go in an addendum."


@dataclass(frozen=True)
class VisitMap:
    visit: VisitSummary
    body_map: BodyMap


def load_body_map(database: Database, visit_id: int) -> VisitMap:
    with database.reading() as session:
        visit = repositories.load_visit(session, visit_id)
        return VisitMap(
            repositories.to_visit_summary(visit), load_body_maps(session, [visit_id])[visit_id]
        )


def save_body_map(database: Database, visit_id: int, body_map: BodyMap) -> dt.datetime:
    """Replace a draft visit's map in one transaction (a signed one is refused); the save time."""
    validate_body_map(body_map)
    with refused_if_signed(), database.unit_of_work() as session:
        visit = repositories.load_visit(session, visit_id, for_update=True)
        if visit.status is VisitStatus.SIGNED:
            raise VisitSignedError(SIGNED_MESSAGE)
        replace_body_map(session, visit_id, body_map)
        saved_at = utc_now()
        visit.updated_at = saved_at
        _record_first_save(session, visit)
        return saved_at


def _record_first_save(session: Session, visit: Visit) -> None:
    """Every stroke is saved at once, so only a visit's first map save is recorded."""
    what = f"body map of visit {visit.id}"
    recorded = session.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.patient_id == visit.patient_id,
            AuditEntry.action == AuditAction.CHANGE,
            AuditEntry.object == what,
        )
        .limit(1)
    )
    if recorded is None:
        record(session, AuditAction.CHANGE, patient_id=visit.patient_id, object=what)


def course_maps(database: Database, patient_id: int) -> list[VisitMap]:
    """Every visit of a patient with its map, oldest first (the first is the baseline)."""
    with database.reading() as session:
        visits = list(
            session.scalars(
                select(Visit)
                .where(Visit.patient_id == patient_id)
                .order_by(Visit.started_at, Visit.id)
            )
        )
        maps = load_body_maps(session, [v.id for v in visits])
        return [VisitMap(repositories.to_visit_summary(v), maps[v.id]) for v in visits]


def previous_map(database: Database, visit_id: int) -> VisitMap | None:
    """The most recent earlier visit of the same patient that has a drawing, for copying forward."""
    with database.reading() as session:
        visit = repositories.load_visit(session, visit_id)
        earlier = list(
            session.scalars(
                select(Visit)
                .where(
                    Visit.patient_id == visit.patient_id,
                    Visit.id != visit.id,
                    Visit.started_at <= visit.started_at,
                )
                .order_by(Visit.started_at.desc(), Visit.id.desc())
                .limit(50)
            )
        )
        maps = load_body_maps(session, [v.id for v in earlier])
        for candidate in earlier:
            if maps[candidate.id].has_drawing:
                return VisitMap(repositories.to_visit_summary(candidate), maps[candidate.id])
        return None


@dataclass(frozen=True)
class VisitFigures:
    visit: VisitSummary
    body_map: BodyMap
    summary: MapSummary


def course_figures(database: Database, patient_id: int) -> list[VisitFigures]:
    """Each visit's map with its figures, oldest first: for the progress tab (run in a worker)."""
    return [
        VisitFigures(item.visit, item.body_map, summarise(item.body_map))
        for item in course_maps(database, patient_id)
    ]


def visit_map_svg(database: Database, visit_id: int, *, show_points: bool = False) -> str:
    """A visit's map as an SVG document headed with the patient and the visit."""
    from acuchart.bodymap.exam import MONOFILAMENT_SET_SETTING, parse_monofilament_set
    from acuchart.bodymap.svg_export import MapDocument, body_map_svg
    from acuchart.patients import format_display_name
    from acuchart.services.clinic import get_setting
    from acuchart.services.notes import needled_codes

    site_set = parse_monofilament_set(get_setting(database, MONOFILAMENT_SET_SETTING))
    with database.reading() as session:
        visit = repositories.load_visit(session, visit_id)
        patient = visit.patient
        body_map = load_body_maps(session, [visit_id])[visit_id]
        local = visit.started_at.astimezone()
        document = MapDocument(
            title=f"{format_display_name(patient.family_name, patient.given_names)} · body map",
            subtitle=(
                f"Born {patient.date_of_birth:%d %b %Y} · visit {local:%d %b %Y, %H:%M} · "
                f"{visit.practitioner_name} · {visit.status.label}"
            ),
            show_points=show_points,
            needled_points=needled_codes(session, visit_id),
            monofilament_sites=site_set.site_ids,
        )
    return body_map_svg(body_map, document)
