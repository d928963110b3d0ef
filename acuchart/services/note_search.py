"""Full-text search over every session note of the clinic."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, String, bindparam, cast, column, func, literal_column, select, table
from sqlalchemy.dialects.postgresql import JSONB

from acuchart.db import sqlite as sqlite_support
from acuchart.db.database import Database
from acuchart.db.models import Patient, Visit, VisitNote
from acuchart.note_search import NoteHit, NoteOrder, NoteQuery, excerpt
from acuchart.patients import format_display_name
from acuchart.visits import VisitStatus


def _sqlite_matches(query: NoteQuery) -> Select[Any]:
    fts = table(sqlite_support.NOTE_FTS_TABLE, column("rowid"), column("rank"))
    match = literal_column(sqlite_support.NOTE_FTS_TABLE).op("MATCH")(
        sqlite_support.fts_prefix_query(query.words)
    )
    if query.order is NoteOrder.BEST:
        return select(fts.c.rowid).where(match).order_by(fts.c.rank).limit(query.limit)
    return newest_first(select(fts.c.rowid).where(match), query.limit)


def newest_first(visit_ids: Select[Any], limit: int) -> Select[Any]:
    """The latest visits among ``visit_ids``, by visit date (``ix_visits_started``)."""
    return (
        select(Visit.id)
        .where(Visit.id.in_(visit_ids.scalar_subquery()))
        .order_by(Visit.started_at.desc(), Visit.id.desc())
        .limit(limit)
    )


def _postgresql_matches(query: NoteQuery) -> Select[Any]:
    """The notes' text values as a tsvector, each word a prefix; no index (a clinic's size)."""
    vector = func.jsonb_to_tsvector(
        literal_column("'simple'"), cast(VisitNote.content, JSONB), literal_column("'[\"string\"]'")
    )
    terms = " & ".join(word.replace("'", "''") + ":*" for word in query.words)
    tsquery = func.to_tsquery(literal_column("'simple'"), bindparam("terms", terms, String))
    order = (
        func.ts_rank(vector, tsquery).desc()
        if query.order is NoteOrder.BEST
        else VisitNote.visit_id.desc()
    )
    return (
        select(VisitNote.visit_id)
        .where(vector.op("@@")(tsquery))
        .order_by(order)
        .limit(query.limit)
    )


def search_notes(database: Database, query: NoteQuery) -> list[NoteHit]:
    """Notes containing words that start with every query word, in the query's order."""
    if not query.words:
        return []
    with database.reading() as session:
        if session.get_bind().dialect.name == "sqlite":
            matches = _sqlite_matches(query)
        else:
            matches = _postgresql_matches(query)
        visit_ids = list(session.scalars(matches))
        rows = session.execute(
            select(
                Visit.id,
                Visit.patient_id,
                Visit.started_at,
                Visit.status,
                Patient.family_name,
                Patient.given_names,
                VisitNote.content,
            )
            .join(Patient, Patient.id == Visit.patient_id)
            .join(VisitNote, VisitNote.visit_id == Visit.id)
            .where(Visit.id.in_(visit_ids))
        ).all()
    by_id = {row.id: row for row in rows}
    return [
        NoteHit(
            visit_id=row.id,
            patient_id=row.patient_id,
            patient_name=format_display_name(row.family_name, row.given_names),
            started_at=row.started_at,
            signed=row.status is VisitStatus.SIGNED,
            excerpt=excerpt(row.content, query.words),
        )
        for visit_id in visit_ids
        if (row := by_id.get(visit_id)) is not None
    ]
