"""The locks on signed visits below the services: an ORM guard and database triggers.

Services check first and say so plainly; this guard is the second wall, for a
code path that forgets. It watches every ORM change to a visit's clinical
content (note, body map, scores) and to the signed visit itself. Bulk
statements bypass the ORM, so code that issues them calls ``ensure_unsigned``.
The third wall is in the database itself: triggers (SQLite's are in
``acuchart.db.sqlite``, PostgreSQL's here) refuse raw SQL as well, and
``refused_if_signed`` turns their error into ``VisitSignedError``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, event, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

from acuchart.db import sqlite
from acuchart.db.models import (
    BodyMapMark,
    BodyMapStroke,
    SensoryFinding,
    Visit,
    VisitNote,
    VisitScore,
)
from acuchart.errors import VisitSignedError
from acuchart.visits import VisitStatus

SIGNED_MESSAGE = sqlite.SIGNED_REFUSAL  # the same words whichever wall refuses
VISIT_CONTENT = (BodyMapMark, BodyMapStroke, SensoryFinding, VisitNote, VisitScore)


def _committed(instance: Any, attribute: str) -> Any:
    """The value of an attribute as it is in the database (before this flush)."""
    history = get_history(instance, attribute)
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else None


def is_signed(session: Session, visit_id: int) -> bool:
    with session.no_autoflush:
        status = session.scalar(select(Visit.status).where(Visit.id == visit_id))
    return status is VisitStatus.SIGNED


def ensure_unsigned(session: Session, visit_id: int) -> None:
    """Raise ``VisitSignedError`` if the visit is signed (for bulk writes the guard cannot see)."""
    if is_signed(session, visit_id):
        raise VisitSignedError(SIGNED_MESSAGE)


def _changes_signed_record(
    session: Session, instance: object, signed: dict[int, bool] | None = None
) -> bool:
    """Whether flushing this changed instance would alter a signed visit (``signed``: the
    answers already looked up in this flush, by visit id)."""
    if isinstance(instance, Visit):
        return _committed(instance, "status") is VisitStatus.SIGNED
    if isinstance(instance, VisitNote) and _committed(instance, "signed_at") is not None:
        return True
    if not isinstance(instance, VISIT_CONTENT):
        return False
    answers = {} if signed is None else signed
    visit_id = instance.visit_id
    if visit_id not in answers:
        answers[visit_id] = is_signed(session, visit_id)
    return answers[visit_id]


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_signed_visits(session: Session, _context: Any, _instances: Any) -> None:
    changed = [instance for instance in session.dirty if session.is_modified(instance)]
    signed: dict[int, bool] = {}  # one query per visit, not per row (a note's scores)
    for instance in (*changed, *session.new, *session.deleted):
        if _changes_signed_record(session, instance, signed):
            raise VisitSignedError(SIGNED_MESSAGE)


# -- the database triggers -----------------------------------------------------------------

# PostgreSQL: one plpgsql function for the visit rows, one for their content. Migrations
# use these statements: changing them needs a new migration.
POSTGRESQL_FUNCTIONS = {
    "acuchart_refuse_signed_visit_change": f"""
CREATE OR REPLACE FUNCTION acuchart_refuse_signed_visit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'patients' THEN
        IF EXISTS (SELECT 1 FROM visits WHERE patient_id = OLD.id AND status = 'signed') THEN
            RAISE EXCEPTION '{SIGNED_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    ELSIF OLD.status = 'signed' THEN
        RAISE EXCEPTION '{SIGNED_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$""",
    "acuchart_refuse_signed_content_change": f"""
CREATE OR REPLACE FUNCTION acuchart_refuse_signed_content_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    locked boolean := false;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        locked := EXISTS (SELECT 1 FROM visits WHERE id = OLD.visit_id AND status = 'signed');
        IF TG_TABLE_NAME = 'visit_notes' THEN
            locked := locked OR OLD.signed_at IS NOT NULL;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        locked := locked
            OR EXISTS (SELECT 1 FROM visits WHERE id = NEW.visit_id AND status = 'signed');
    END IF;
    IF locked THEN
        RAISE EXCEPTION '{SIGNED_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$""",
}
POSTGRESQL_TRIGGERS = {
    "visits_signed_lock": (
        "BEFORE UPDATE OR DELETE ON visits FOR EACH ROW "
        "EXECUTE FUNCTION acuchart_refuse_signed_visit_change()"
    ),
    "patients_signed_no_delete": (
        "BEFORE DELETE ON patients FOR EACH ROW "
        "EXECUTE FUNCTION acuchart_refuse_signed_visit_change()"
    ),
} | {
    f"{table_name}_signed_lock": (
        f"BEFORE INSERT OR UPDATE OR DELETE ON {table_name} FOR EACH ROW "
        "EXECUTE FUNCTION acuchart_refuse_signed_content_change()"
    )
    for table_name in ("visit_notes", *sqlite.VISIT_CONTENT_TABLES)
}


def _postgresql_trigger_table(definition: str) -> str:
    return definition.split(" ON ", 1)[1].split()[0]


def create_database_locks(connection: Connection) -> None:
    """Install the triggers that refuse changes to signed visits (in a migration)."""
    if connection.dialect.name == "sqlite":
        for statement in sqlite.SIGNED_VISIT_TRIGGERS.values():
            connection.exec_driver_sql(statement)
    elif connection.dialect.name == "postgresql":
        for statement in POSTGRESQL_FUNCTIONS.values():
            connection.exec_driver_sql(statement)
        for name, definition in POSTGRESQL_TRIGGERS.items():
            connection.exec_driver_sql(f"CREATE TRIGGER {name} {definition}")


def drop_database_locks(connection: Connection) -> None:
    """Remove those triggers again (downgrade)."""
    if connection.dialect.name == "sqlite":
        for name in sqlite.SIGNED_VISIT_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    elif connection.dialect.name == "postgresql":
        for name, definition in POSTGRESQL_TRIGGERS.items():
            table_name = _postgresql_trigger_table(definition)
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table_name}")
        for function in POSTGRESQL_FUNCTIONS:
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}()")


# -- the append-only audit log ---------------------------------------------------------------
# Kept here beside the signed-visit locks because they are installed the same way. SQLite's
# triggers are in acuchart.db.sqlite. Migrations use these statements: changing them needs a
# new migration.
AUDIT_REFUSAL = sqlite.AUDIT_REFUSAL
POSTGRESQL_AUDIT_FUNCTION = f"""
CREATE OR REPLACE FUNCTION acuchart_refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{AUDIT_REFUSAL}' USING ERRCODE = 'integrity_constraint_violation';
END
$$"""
POSTGRESQL_AUDIT_TRIGGERS = {
    "audit_log_no_change": (
        "BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW "
        "EXECUTE FUNCTION acuchart_refuse_audit_change()"
    ),
    "audit_log_no_truncate": (
        "BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT "
        "EXECUTE FUNCTION acuchart_refuse_audit_change()"
    ),
}


def create_audit_log_locks(connection: Connection) -> None:
    """Install the triggers that keep the audit log append-only (in a migration)."""
    if connection.dialect.name == "sqlite":
        for statement in sqlite.AUDIT_LOG_TRIGGERS.values():
            connection.exec_driver_sql(statement)
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(POSTGRESQL_AUDIT_FUNCTION)
        for name, definition in POSTGRESQL_AUDIT_TRIGGERS.items():
            connection.exec_driver_sql(f"CREATE TRIGGER {name} {definition}")


def drop_audit_log_locks(connection: Connection) -> None:
    """Remove those triggers again (downgrade)."""
    if connection.dialect.name == "sqlite":
        for name in sqlite.AUDIT_LOG_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    elif connection.dialect.name == "postgresql":
        for name in POSTGRESQL_AUDIT_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON audit_log")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS acuchart_refuse_audit_change()")


def is_signed_refusal(error: DBAPIError) -> bool:
    """Whether the database refused a statement because it would change a signed visit."""
    return SIGNED_MESSAGE in str(error.orig)


@contextlib.contextmanager
def refused_if_signed() -> Iterator[None]:
    """Turn the database triggers' refusal into ``VisitSignedError`` with the same words."""
    try:
        yield
    except DBAPIError as error:
        if is_signed_refusal(error):
            raise VisitSignedError(SIGNED_MESSAGE) from error
        raise
