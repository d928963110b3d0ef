"""The model-layer lock on signed visits: any flush that would change one raises.

Services check first and say so plainly; this guard is the second wall, for a
code path that forgets. It watches every ORM change to a visit's clinical
content (note, body map, scores) and to the signed visit itself. Bulk
statements bypass the ORM, so code that issues them calls ``ensure_unsigned``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

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

SIGNED_MESSAGE = "This visit is signed and locked. Corrections go in an addendum."
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


def _changes_signed_record(session: Session, instance: object) -> bool:
    """Whether flushing this changed instance would alter a signed visit."""
    if isinstance(instance, Visit):
        return _committed(instance, "status") is VisitStatus.SIGNED
    if isinstance(instance, VisitNote) and _committed(instance, "signed_at") is not None:
        return True
    return isinstance(instance, VISIT_CONTENT) and is_signed(session, instance.visit_id)


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_signed_visits(session: Session, _context: Any, _instances: Any) -> None:
    changed = [instance for instance in session.dirty if session.is_modified(instance)]
    for instance in (*changed, *session.new, *session.deleted):
        if _changes_signed_record(session, instance):
            raise VisitSignedError(SIGNED_MESSAGE)
