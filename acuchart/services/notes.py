"""Session-note actions: save a draft, sign, add an addendum, verify signatures, scores.

Every write is one transaction. A signed visit is refused here with a clear
message, again by the model-layer guard and by database triggers
(``acuchart.db.signing_guard``). A draft saved from a copy that another window
or workstation has saved over since is refused (``EditConflictError``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from acuchart.audit import AuditAction
from acuchart.bodymap.model import BodyMap
from acuchart.db import repositories
from acuchart.db.body_map_rows import load_body_maps
from acuchart.db.database import Database
from acuchart.db.models import NoteAddendum, PointProtocol, Visit, VisitNote, VisitScore
from acuchart.db.signing_guard import SIGNED_MESSAGE, refused_if_signed
from acuchart.db.types import utc_now
from acuchart.errors import ChartError, EditConflictError, RecordNotFoundError, VisitSignedError
from acuchart.notes.model import FORMAT_VERSION, NeedledPoint, Plan, SessionNote, from_dict, to_dict
from acuchart.notes.points import point_library
from acuchart.notes.scores import MNSI_ITEM_COUNT, mnsi_score
from acuchart.notes.signature import SignedIdentity, body_map_dict, content_hash, document_hash
from acuchart.notes.timeline import ScoredVisit, ScoreFlowsheet, build_flowsheet
from acuchart.notes.validation import MAX_TEXT, signing_problems, validate_note
from acuchart.patients import Precaution
from acuchart.services.audit import record
from acuchart.validation import ValidationError, clean_text
from acuchart.visits import MAX_PRACTITIONER_NAME, VisitStatus, VisitSummary

EDIT_CONFLICT_MESSAGE = (
    "This note was changed on another window or workstation since you opened it, so it was "
    "not saved; your text is kept. Reload the note to see theirs."
)


class SigningRefusedError(ChartError):
    """The note cannot be signed yet; ``problems`` lists what to settle first."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The note cannot be signed yet:\n• " + "\n• ".join(problems))


@dataclass(frozen=True)
class Signature:
    signed_by: str
    signed_at: dt.datetime
    content_hash: str


@dataclass(frozen=True)
class Addendum:
    id: int
    author: str
    created_at: dt.datetime
    text: str


@dataclass(frozen=True)
class NoteState:
    """A visit's note as the editor needs it.

    ``version`` counts the note's saves (0 before the first): pass it to
    ``save_draft`` as ``expected_version``; each successful save adds one.
    """

    visit: VisitSummary
    note: SessionNote
    saved_at: dt.datetime | None
    signature: Signature | None
    addenda: tuple[Addendum, ...]
    precautions: frozenset[Precaution]
    version: int = 0

    @property
    def is_signed(self) -> bool:
        return self.signature is not None


def _note_of(row: VisitNote | None) -> SessionNote:
    return SessionNote() if row is None else from_dict(json.loads(row.content))


def _read_stored(row: VisitNote | None) -> tuple[SessionNote, dict[str, Any] | None]:
    """The stored note and its JSON document, read once (for ``_check`` as well)."""
    if row is None:
        return SessionNote(), None
    document = json.loads(row.content)
    return from_dict(document), document


def _signature_of(row: VisitNote | None) -> Signature | None:
    if row is None or row.signed_at is None or row.signed_by is None:
        return None
    return Signature(row.signed_by, row.signed_at, row.content_hash or "")


def _addenda(session: Session, visit_id: int) -> tuple[Addendum, ...]:
    return addenda_of(session, [visit_id])[visit_id]


def addenda_of(session: Session, visit_ids: list[int]) -> dict[int, tuple[Addendum, ...]]:
    """The addenda of several visits, oldest first, in one query per 500 visits."""
    found: dict[int, list[Addendum]] = {visit_id: [] for visit_id in visit_ids}
    for start in range(0, len(visit_ids), 500):
        rows = session.scalars(
            select(NoteAddendum)
            .where(NoteAddendum.visit_id.in_(visit_ids[start : start + 500]))
            .order_by(NoteAddendum.created_at, NoteAddendum.id)
        )
        for r in rows:
            found[r.visit_id].append(Addendum(r.id, r.author, r.created_at, r.text))
    return {visit_id: tuple(items) for visit_id, items in found.items()}


def load_note(database: Database, visit_id: int) -> NoteState:
    with database.reading() as session:
        visit = repositories.load_visit(session, visit_id)
        row = session.get(VisitNote, visit_id)
        return NoteState(
            visit=repositories.to_visit_summary(visit),
            note=_note_of(row),
            saved_at=row.saved_at if row else None,
            signature=_signature_of(row),
            addenda=_addenda(session, visit_id),
            precautions=frozenset(p.precaution for p in visit.patient.precaution_rows),
            version=row.version if row else 0,
        )


def needled_codes(session: Session, visit_id: int) -> frozenset[str]:
    """The point codes of a visit's note (highlighted on its body map and exports)."""
    return frozenset(point.code for point in _note_of(session.get(VisitNote, visit_id)).plan.points)


def needled_points(database: Database, visit_id: int) -> frozenset[str]:
    with database.reading() as session:
        return needled_codes(session, visit_id)


def derive_scores(note: SessionNote) -> dict[str, float]:
    """The note's outcome scores under the names the timeline uses."""
    scores: dict[str, float] = {f"nrs.{item.value}": v for item, v in note.subjective.nrs.items()}
    outcomes = note.outcomes
    if outcomes.pgic is not None:
        scores["pgic"] = int(outcomes.pgic)
    if len(outcomes.mnsi) == MNSI_ITEM_COUNT:
        scores["mnsi"] = mnsi_score(outcomes.mnsi).score
    for named in outcomes.named:
        scores[f"named:{named.name}"] = named.value
    return scores


# The statements a draft save runs, built once (a draft saves as the practitioner types):
# plain statements on the session's connection, with no ORM bookkeeping to pay for.
_DELETE_SCORES = delete(VisitScore).where(VisitScore.visit_id == bindparam("visit"))
_INSERT_SCORES = insert(VisitScore)
# The visit's status guards the UPDATE; on PostgreSQL it also locks the visit row, as
# ``SELECT ... FOR UPDATE`` would (SQLite's ``BEGIN IMMEDIATE`` already holds the file).
_TOUCH_UNSIGNED_VISIT = (
    update(Visit)
    .where(Visit.id == bindparam("visit"), Visit.status != VisitStatus.SIGNED)
    .values(updated_at=bindparam("at", type_=Visit.updated_at.type))
)
# The version moves on by one, as the mapper's version counter moves it.
_UPDATE_NOTE = (
    update(VisitNote)
    .where(VisitNote.visit_id == bindparam("visit"))
    .values(
        content=bindparam("document", type_=VisitNote.content.type),
        format_version=FORMAT_VERSION,
        saved_at=bindparam("at", type_=VisitNote.saved_at.type),
        version=VisitNote.version + 1,
    )
)
_UPDATE_NOTE_AT_VERSION = _UPDATE_NOTE.where(VisitNote.version == bindparam("expected"))


def _write_scores(session: Session, visit_id: int, note: SessionNote) -> None:
    # Callers have checked the visit is unsigned; so do the database triggers.
    connection = session.connection()
    connection.execute(_DELETE_SCORES, {"visit": visit_id})
    rows = [
        {"visit_id": visit_id, "name": name, "value": value}
        for name, value in sorted(derive_scores(note).items())
    ]
    if rows:
        connection.execute(_INSERT_SCORES, rows)


def _document(note: SessionNote) -> str:
    """The note as the JSON document stored in ``visit_notes.content``."""
    return json.dumps(to_dict(note), ensure_ascii=False, separators=(",", ":"))


def _store(session: Session, row: VisitNote, note: SessionNote, at: dt.datetime) -> None:
    """Write the note's document and its derived scores (inside the caller's transaction)."""
    row.content = _document(note)
    row.format_version = FORMAT_VERSION
    row.saved_at = at
    _write_scores(session, row.visit_id, note)


def _touch_unsigned_visit(connection: Connection, visit_id: int, at: dt.datetime) -> None:
    """Mark the visit changed at ``at``; ``VisitSignedError`` if it is signed (nothing changes)."""
    if connection.execute(_TOUCH_UNSIGNED_VISIT, {"visit": visit_id, "at": at}).rowcount == 1:
        return
    status = connection.scalar(select(Visit.status).where(Visit.id == visit_id))
    if status is None:
        raise RecordNotFoundError("This visit no longer exists.")
    raise VisitSignedError(SIGNED_MESSAGE)


def _update_note(
    connection: Connection, visit_id: int, document: str, at: dt.datetime, expected: int | None
) -> bool:
    """Overwrite the stored draft if it is at version ``expected`` (any, if None); whether it
    was (False: no note yet, or another version)."""
    parameters = {"visit": visit_id, "document": document, "at": at}
    if expected is None:
        return connection.execute(_UPDATE_NOTE, parameters).rowcount == 1
    parameters["expected"] = expected
    return connection.execute(_UPDATE_NOTE_AT_VERSION, parameters).rowcount == 1


def _insert_first_draft(session: Session, visit_id: int, document: str, at: dt.datetime) -> None:
    """The visit's first save: the note row (version 1) and its audit entry."""
    connection = session.connection()
    stored = connection.scalar(select(VisitNote.version).where(VisitNote.visit_id == visit_id))
    if stored is not None:  # saved elsewhere since the editor's copy was loaded
        raise EditConflictError(EDIT_CONFLICT_MESSAGE)
    connection.execute(
        insert(VisitNote).values(
            visit_id=visit_id,
            content=document,
            format_version=FORMAT_VERSION,
            saved_at=at,
            version=1,
        )
    )
    patient_id = connection.scalar(select(Visit.patient_id).where(Visit.id == visit_id))
    record(  # drafts save as one types: only the first save is recorded
        session,
        AuditAction.CHANGE,
        patient_id=patient_id,
        object=f"note of visit {visit_id}",
        detail="first draft saved",
    )


def save_draft(
    database: Database, visit_id: int, note: SessionNote, *, expected_version: int | None = None
) -> dt.datetime:
    """Store the draft as typed so far (one transaction); the time it was saved.

    ``expected_version`` is the ``NoteState.version`` the editor's copy is based on
    (0 for a note never saved). If the stored note has moved on since (a save from
    another window or workstation), nothing is written and ``EditConflictError`` is
    raised. After a successful save the note's version is ``expected_version + 1``.
    """
    # The hot path while typing is two guarded UPDATEs and the scores: no ORM objects are
    # loaded, so none can be stale in any session, and the version check is part of the
    # UPDATE itself. The database triggers refuse the note and scores of a signed visit too.
    clean = validate_note(note, point_library())
    document = _document(clean)
    with refused_if_signed(), database.unit_of_work() as session:
        connection = session.connection()
        saved_at = utc_now()
        _touch_unsigned_visit(connection, visit_id, saved_at)
        if expected_version == 0:  # the editor's copy was never saved
            _insert_first_draft(session, visit_id, document, saved_at)
        elif not _update_note(connection, visit_id, document, saved_at, expected_version):
            if expected_version is not None:  # the stored note is at another version, or gone
                raise EditConflictError(EDIT_CONFLICT_MESSAGE)
            _insert_first_draft(session, visit_id, document, saved_at)
        _write_scores(session, visit_id, clean)
        return saved_at


def _identity(visit: Visit, signed_by: str, signed_at: dt.datetime) -> SignedIdentity:
    return SignedIdentity(visit.id, visit.patient_id, visit.started_at, signed_by, signed_at)


def sign_note(
    database: Database, visit_id: int, signed_by: str, note: SessionNote | None = None
) -> Signature:
    """Sign the visit's note (``note`` if given, else the saved draft) and lock the visit."""
    errors: dict[str, str] = {}
    signer = clean_text(
        signed_by,
        label="Practitioner name",
        max_length=MAX_PRACTITIONER_NAME,
        errors=errors,
        field="signed_by",
    )
    if not signer and not errors:
        errors["signed_by"] = "Who signs the note? The practitioner's name is required."
    if errors:
        raise ValidationError(errors)
    with refused_if_signed(), database.unit_of_work() as session:
        visit = repositories.load_visit(session, visit_id, for_update=True)
        if visit.status is VisitStatus.SIGNED:
            raise VisitSignedError("This visit is already signed.")
        row = session.get(VisitNote, visit_id)
        clean = validate_note(note if note is not None else _note_of(row), point_library())
        problems = signing_problems(clean)
        if problems:
            raise SigningRefusedError(problems)
        body_map = load_body_maps(session, [visit_id])[visit_id]
        if row is None:
            row = VisitNote(visit_id=visit_id)
            session.add(row)
        signed_at = utc_now()
        _store(session, row, clean, signed_at)
        row.signed_by = signer
        row.signed_at = signed_at
        row.content_hash = content_hash(_identity(visit, signer, signed_at), clean, body_map)
        # The note and its scores are written before the visit turns signed: from then on
        # the database refuses any write to them.
        session.flush()
        visit.status = VisitStatus.SIGNED
        visit.signed_at = signed_at
        visit.updated_at = signed_at
        record(
            session,
            AuditAction.SIGN,
            patient_id=visit.patient_id,
            object=f"note of visit {visit_id}",
            detail=f"content sha256 {row.content_hash}",
        )
        return Signature(signer, signed_at, row.content_hash)


def add_addendum(database: Database, visit_id: int, author: str, text: str) -> Addendum:
    """Add a dated correction under a signed note; the note itself stays unchanged."""
    errors: dict[str, str] = {}
    name = clean_text(
        author, label="Author", max_length=MAX_PRACTITIONER_NAME, errors=errors, field="author"
    )
    body = clean_text(
        text, label="Addendum", max_length=MAX_TEXT, multiline=True, errors=errors, field="text"
    )
    if not name and "author" not in errors:
        errors["author"] = "Who writes the addendum? A name is required."
    if not body and "text" not in errors:
        errors["text"] = "The addendum is empty."
    if errors:
        raise ValidationError(errors)
    with refused_if_signed(), database.unit_of_work() as session:
        visit = repositories.load_visit(session, visit_id, for_update=True)
        if visit.status is not VisitStatus.SIGNED:
            raise ChartError(
                "This note is still a draft: change it directly; addenda follow signing."
            )
        row = NoteAddendum(visit_id=visit_id, author=name, created_at=utc_now(), text=body)
        session.add(row)
        session.flush()
        record(
            session,
            AuditAction.ADDENDUM,
            patient_id=visit.patient_id,
            object=f"addendum {row.id} of visit {visit_id}",
        )
        return Addendum(row.id, row.author, row.created_at, row.text)


@dataclass(frozen=True)
class SignatureCheck:
    visit_id: int
    started_at: dt.datetime
    ok: bool
    problem: str = ""


def _check(
    visit: Visit,
    row: VisitNote | None,
    body_map: BodyMap,
    document: dict[str, Any] | None = None,
) -> str:
    """The stored note, exactly as stored, hashed again (a key the app does not know, added
    behind its back, changes the hash too). ``document``: the row's content already read
    with ``_read_stored``, so it is not read twice."""
    if row is None or row.signed_at is None or not row.signed_by or not row.content_hash:
        return "The visit is marked signed but its note carries no signature."
    if document is None:
        try:
            document = json.loads(row.content)
            from_dict(document)  # still a note the app can read
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            return f"The signed note can no longer be read ({error})."
    identity = _identity(visit, row.signed_by, row.signed_at)
    if document_hash(identity, document, body_map_dict(body_map)) != row.content_hash:
        return "The note or body map differs from what was signed."
    return ""


def verify_signatures(database: Database, patient_id: int) -> list[SignatureCheck]:
    """Recompute every signed note's hash of a patient; mismatches are flagged, newest first."""
    with database.reading() as session:
        visits = list(
            session.scalars(
                select(Visit)
                .where(Visit.patient_id == patient_id, Visit.status == VisitStatus.SIGNED)
                .order_by(Visit.started_at.desc(), Visit.id.desc())
            )
        )
        ids = [visit.id for visit in visits]
        rows = {
            row.visit_id: row
            for row in session.scalars(select(VisitNote).where(VisitNote.visit_id.in_(ids)))
        }
        maps = load_body_maps(session, ids)
        checks = []
        for visit in visits:
            problem = _check(visit, rows.get(visit.id), maps[visit.id])
            checks.append(SignatureCheck(visit.id, visit.started_at, not problem, problem))
        return checks


def score_flowsheet(database: Database, patient_id: int) -> ScoreFlowsheet:
    """Every outcome score of a patient's visits, one column per visit that recorded any."""
    with database.reading() as session:
        visits = session.execute(
            select(Visit.id, Visit.started_at, Visit.status).where(Visit.patient_id == patient_id)
        )
        return flowsheet_of(session, patient_id, visits)


def flowsheet_of(
    session: Session,
    patient_id: int,
    visits: Iterable[tuple[int, dt.datetime, VisitStatus]],
) -> ScoreFlowsheet:
    """The flowsheet of a patient's ``visits`` (all of them: id, start, status), read in
    the caller's transaction.

    Scores are read without their visit's columns: a long course has thousands of scores,
    and each would otherwise carry (and convert) its visit's time again."""
    scores: dict[int, dict[str, float]] = {}
    for visit_id, name, value in session.execute(
        select(VisitScore.visit_id, VisitScore.name, VisitScore.value)
        .join(Visit, Visit.id == VisitScore.visit_id)
        .where(Visit.patient_id == patient_id)
    ):
        scores.setdefault(visit_id, {})[name] = value
    scored = [ScoredVisit(i, at, status is VisitStatus.SIGNED) for i, at, status in visits]
    return build_flowsheet(scored, scores)


def previous_plan(database: Database, visit_id: int) -> tuple[VisitSummary, Plan] | None:
    """The treatment of the patient's latest earlier visit that has points, for copying forward."""
    with database.reading() as session:
        visit = repositories.load_visit(session, visit_id)
        earlier = session.execute(
            select(Visit, VisitNote)
            .join(VisitNote, VisitNote.visit_id == Visit.id)
            .where(
                Visit.patient_id == visit.patient_id,
                Visit.id != visit.id,
                Visit.started_at <= visit.started_at,
            )
            .order_by(Visit.started_at.desc(), Visit.id.desc())
            .limit(30)
        )
        for other, row in earlier:
            plan = _note_of(row).plan
            if plan.points:
                return repositories.to_visit_summary(other), plan.treatment
        return None


# -- point protocols ------------------------------------------------------------------------


@dataclass(frozen=True)
class Protocol:
    id: int
    name: str
    points: tuple[NeedledPoint, ...]


def _protocol_points(text: str) -> tuple[NeedledPoint, ...]:
    plan = from_dict({"plan": {"points": json.loads(text)}}).plan
    return plan.points


def list_protocols(database: Database) -> list[Protocol]:
    with database.reading() as session:
        rows = session.scalars(select(PointProtocol).order_by(PointProtocol.name))
        return [Protocol(r.id, r.name, _protocol_points(r.points)) for r in rows]


def save_protocol(database: Database, name: str, points: tuple[NeedledPoint, ...]) -> Protocol:
    """Save a set of points under a name, replacing a protocol of the same name."""
    errors: dict[str, str] = {}
    clean = clean_text(name, label="Protocol name", max_length=120, errors=errors, field="name")
    if not clean and not errors:
        errors["name"] = "Give the protocol a name."
    if not points:
        errors["points"] = "A protocol needs at least one point."
    unknown = [p.code for p in points if p.code not in point_library()]
    if unknown:
        errors["points"] = f"Not in the point library: {', '.join(unknown)}."
    if errors:
        raise ValidationError(errors)
    stored = json.dumps(to_dict(SessionNote(plan=Plan(points=points)))["plan"]["points"])
    with database.unit_of_work() as session:
        row = session.scalar(select(PointProtocol).where(PointProtocol.name == clean))
        if row is None:
            row = PointProtocol(name=clean)
            session.add(row)
        row.points = stored
        row.updated_at = utc_now()
        session.flush()
        return Protocol(row.id, row.name, points)


def delete_protocol(database: Database, protocol_id: int) -> None:
    with database.unit_of_work() as session:
        row = session.get(PointProtocol, protocol_id)
        if row is None:
            raise RecordNotFoundError("This protocol no longer exists.")
        session.delete(row)


def verify_visit(database: Database, visit_id: int) -> SignatureCheck | None:
    """Check one signed note against its hash; None for a draft."""
    with database.reading() as session:
        visit = repositories.load_visit(session, visit_id)
        if visit.status is not VisitStatus.SIGNED:
            return None
        row = session.get(VisitNote, visit_id)
        problem = _check(visit, row, load_body_maps(session, [visit_id])[visit_id])
        return SignatureCheck(visit.id, visit.started_at, not problem, problem)
