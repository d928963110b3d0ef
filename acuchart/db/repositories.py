"""Queries and record mapping for patients and visits. Sessions come from the caller.

Search and sort run in the database on indexed, pre-folded columns; the list
model only ever receives one page of plain rows.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    UnaryExpression,
    and_,
    bindparam,
    func,
    select,
    union_all,
)
from sqlalchemy.orm import Session, selectinload

from acuchart.dates import DatePrecision, PartialDate
from acuchart.db import sqlite
from acuchart.db.models import (
    SEARCH_TEXT_LENGTH,
    SORT_KEY_LENGTH,
    Patient,
    PatientPrecaution,
    Visit,
)
from acuchart.errors import RecordNotFoundError
from acuchart.patient_search import PatientQuery, PatientSearch, PatientSort, interpret_search
from acuchart.patients import Limb, NeuropathyCause, PatientDraft, PatientRecord, Precaution
from acuchart.search_text import name_search_text, name_sort_key, reversed_digits
from acuchart.validation import phone_digits
from acuchart.visits import VisitSummary


@dataclass(frozen=True)
class PatientListRow:
    """One row of the patient list: only what the list shows."""

    id: int
    family_name: str
    given_names: str
    preferred_name: str
    date_of_birth: dt.date
    phone: str
    neuropathy_cause: NeuropathyCause | None
    last_visit_at: dt.datetime | None
    archived: bool
    precautions: frozenset[Precaution]


@dataclass(frozen=True)
class PatientPage:
    rows: list[PatientListRow]
    total: int


_LIMB_COLUMNS = {
    Limb.LEFT_HAND: "left_hand_affected",
    Limb.RIGHT_HAND: "right_hand_affected",
    Limb.LEFT_FOOT: "left_foot_affected",
    Limb.RIGHT_FOOT: "right_foot_affected",
}
_PLAIN_FIELDS = (
    "family_name",
    "given_names",
    "preferred_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "address",
    "emergency_contact",
    "referring_physician",
    "neuropathy_cause",
    "chemotherapy_agent",
    "cause_details",
    "conditions",
    "medications",
    "allergies",
    "consent_date",
    "notes",
)


def apply_draft(patient: Patient, draft: PatientDraft) -> None:
    """Copy a validated draft onto a model, with the derived search and sort columns."""
    for name in _PLAIN_FIELDS:
        setattr(patient, name, getattr(draft, name))
    patient.onset_date = draft.onset.value if draft.onset else None
    patient.onset_precision = draft.onset.precision if draft.onset else DatePrecision.DAY
    for limb, column_name in _LIMB_COLUMNS.items():
        setattr(patient, column_name, limb in draft.limbs_affected)
    wanted = set(draft.precautions)
    patient.precaution_rows = [row for row in patient.precaution_rows if row.precaution in wanted]
    present = {row.precaution for row in patient.precaution_rows}
    patient.precaution_rows += [
        PatientPrecaution(precaution=flag) for flag in sorted(wanted - present)
    ]
    # Folding can lengthen text ("ß" -> "ss"); the derived columns keep what fits.
    patient.name_sort_key = name_sort_key(draft.family_name, draft.given_names)[:SORT_KEY_LENGTH]
    patient.name_search_text = name_search_text(
        draft.family_name, draft.given_names, draft.preferred_name
    )[:SEARCH_TEXT_LENGTH]
    patient.phone_digits = phone_digits(draft.phone)
    patient.phone_digits_reversed = reversed_digits(patient.phone_digits)


def to_record(patient: Patient, visit_count: int) -> PatientRecord:
    onset = PartialDate(patient.onset_date, patient.onset_precision) if patient.onset_date else None
    return PatientRecord(
        **{name: getattr(patient, name) for name in _PLAIN_FIELDS},
        onset=onset,
        limbs_affected=frozenset(
            limb for limb, column_name in _LIMB_COLUMNS.items() if getattr(patient, column_name)
        ),
        precautions=frozenset(row.precaution for row in patient.precaution_rows),
        id=patient.id,
        updated_at=patient.updated_at,
        archived_at=patient.archived_at,
        last_visit_at=patient.last_visit_at,
        visit_count=visit_count,
    )


def load_patient(session: Session, patient_id: int, *, for_update: bool = False) -> Patient:
    query = select(Patient).where(Patient.id == patient_id)
    query = query.options(selectinload(Patient.precaution_rows))
    if for_update:
        query = query.with_for_update()
    patient = session.scalars(query).one_or_none()
    if patient is None:
        raise RecordNotFoundError(f"Patient {patient_id} no longer exists.")
    return patient


def load_visit(session: Session, visit_id: int, *, for_update: bool = False) -> Visit:
    visit = session.get(Visit, visit_id, with_for_update=for_update)
    if visit is None:
        raise RecordNotFoundError("This visit no longer exists.")
    return visit


def count_visits(session: Session, patient_id: int) -> int:
    return session.scalar(select(func.count()).where(Visit.patient_id == patient_id)) or 0


# The patient list's statements use the tables' own columns, not the mapped attributes: a
# statement over mapped attributes sets up every mapper the first time it runs (≈10 ms),
# and the list is the first thing asked for at start; the chart needs the ORM only later.
_PATIENT_TABLE = Patient.__table__
_PATIENT = _PATIENT_TABLE.c
_PRECAUTION = PatientPrecaution.__table__.c
# The list's statements start from these, made once: building a select's columns anew at
# every keystroke cost a third of the SQL a two-word name search runs.
_COUNT_PATIENTS = select(func.count()).select_from(_PATIENT_TABLE)
_LIST_COLUMNS = select(
    _PATIENT.id,
    _PATIENT.family_name,
    _PATIENT.given_names,
    _PATIENT.preferred_name,
    _PATIENT.date_of_birth,
    _PATIENT.phone,
    _PATIENT.neuropathy_cause,
    _PATIENT.last_visit_at,
    _PATIENT.archived_at.is_not(None),  # the list shows whether, not when
)
_PAGE_PRECAUTIONS = select(_PRECAUTION.patient_id, _PRECAUTION.precaution).where(
    _PRECAUTION.patient_id.in_(bindparam("shown", expanding=True))  # ids given as one list
)


def _digit_prefix(column: ColumnElement[str], digits: str) -> ColumnElement[bool]:
    """``column`` starts with ``digits``, as an index range (':' sorts right after '9')."""
    return and_(column >= digits, column < digits + ":")


def _is_fts_name_search(search: PatientSearch, *, use_fts: bool) -> bool:
    return use_fts and bool(search.name_words) and search.birth_date is None


def _search_condition(search: PatientSearch) -> ColumnElement[bool] | None:
    """What a search matches, except a name search on SQLite's FTS5 index: that one's
    statements are kept (``_name_search_statements``) and take the words as a parameter."""
    if search.birth_date is not None:
        return _PATIENT.date_of_birth == search.birth_date
    if search.name_words:  # the portable word-prefix match (PostgreSQL)
        return and_(
            *(
                _PATIENT.name_search_text.contains(" " + word, autoescape=True)
                for word in search.name_words
            )
        )
    # Digits may be the start or end of a phone number, or a birth year. Each is an index
    # range; as one OR the planner would rather walk the name order looking for matches
    # (70 ms with none at 50,000 patients), so the matching ids are gathered first.
    matches: list[ColumnElement[bool]] = []
    if search.phone_digits:  # interpret_search sets it only with enough digits
        matches.append(_digit_prefix(_PATIENT.phone_digits, search.phone_digits))
        matches.append(
            _digit_prefix(_PATIENT.phone_digits_reversed, reversed_digits(search.phone_digits))
        )
    if search.birth_year is not None:
        year = search.birth_year
        matches.append(_PATIENT.date_of_birth.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    if not matches:
        return None
    return _PATIENT.id.in_(union_all(*(select(_PATIENT.id).where(match) for match in matches)))


def _ordering(sort: PatientSort, descending: bool) -> list[UnaryExpression[Any]]:
    primary: ColumnElement[Any] = {
        PatientSort.NAME: _PATIENT.name_sort_key,
        PatientSort.DATE_OF_BIRTH: _PATIENT.date_of_birth,
        PatientSort.PHONE: _PATIENT.phone_digits,
        PatientSort.CAUSE: _PATIENT.neuropathy_cause,
        PatientSort.LAST_VISIT: _PATIENT.last_visit_at,
    }[sort]
    ordered = primary.desc() if descending else primary.asc()
    tie_break: list[UnaryExpression[Any]] = [_PATIENT.name_sort_key.asc(), _PATIENT.id.asc()]
    if sort is PatientSort.NAME:  # the name is the sort key already: only the id breaks ties
        tie_break = tie_break[1:]
    if sort is PatientSort.LAST_VISIT:
        return [ordered.nulls_last(), *tie_break]
    return [ordered, *tie_break]


def _list_statements(
    include_archived: bool,
    matching: ColumnElement[bool] | None,
    sort: PatientSort,
    descending: bool,
    offset: int | BindParameter[int],
    limit: int | BindParameter[int],
) -> tuple[Select[Any], Select[Any]]:
    """The count and the page statements of the list for one search and order."""
    conditions: list[ColumnElement[bool]] = []
    if not include_archived:
        conditions.append(_PATIENT.archived_at.is_(None))
    if matching is not None:
        conditions.append(matching)
    count = _COUNT_PATIENTS.where(*conditions)
    page = (
        _LIST_COLUMNS.where(*conditions)
        .order_by(*_ordering(sort, descending))
        .offset(offset)
        .limit(limit)
    )
    return count, page


@functools.lru_cache(maxsize=32)
def _name_search_statements(
    include_archived: bool, sort: PatientSort, descending: bool
) -> tuple[Select[Any], Select[Any]]:
    """The count and page statements of a name search, made once per list order: each
    keystroke gives only the words, the page's offset and its length, as parameters
    (making and keying the statements anew cost more than a short search's SQL)."""
    matching = _PATIENT.id.in_(sqlite.patient_ids_matching(bindparam("match")))
    offset: BindParameter[int] = bindparam("offset")
    limit: BindParameter[int] = bindparam("limit")
    return _list_statements(include_archived, matching, sort, descending, offset, limit)


def search_patients(
    session: Session, query: PatientQuery, *, use_fts: bool | None = None
) -> PatientPage:
    """One page of the patient list for a search-box entry, filtered and sorted in SQL.

    Names are matched through SQLite's FTS5 index, or by the portable
    word-prefix match elsewhere (``use_fts=False`` forces it, for tests).
    """
    if use_fts is None:
        use_fts = session.get_bind().dialect.name == "sqlite"
    interpreted = interpret_search(query.text)
    # Plain statements on the session's connection, over the tables' columns: a keystroke's
    # query needs no ORM loading, and the first list at start no mapper set-up (see _PATIENT).
    connection = session.connection()
    values: dict[str, object] = {}
    if _is_fts_name_search(interpreted, use_fts=use_fts):
        count, page = _name_search_statements(query.include_archived, query.sort, query.descending)
        match = sqlite.fts_prefix_query(list(interpreted.name_words))
        values = {"match": match, "offset": query.offset, "limit": query.limit}
    else:
        count, page = _list_statements(
            query.include_archived,
            _search_condition(interpreted),
            query.sort,
            query.descending,
            query.offset,
            query.limit,
        )
    total = connection.execute(count, values).scalar() or 0
    fetched = connection.execute(page, values).all()
    flags: dict[int, set[Precaution]] = defaultdict(set)
    if fetched:
        shown = [row[0] for row in fetched]
        for patient_id, flag in connection.execute(_PAGE_PRECAUTIONS, {"shown": shown}).all():
            flags[patient_id].add(flag)
    badges = {patient_id: frozenset(found) for patient_id, found in flags.items()}
    no_badges: frozenset[Precaution] = frozenset()
    rows = [
        PatientListRow(
            id=row[0],
            family_name=row[1],
            given_names=row[2],
            preferred_name=row[3],
            date_of_birth=row[4],
            phone=row[5],
            neuropathy_cause=row[6],
            last_visit_at=row[7],
            archived=bool(row[8]),
            precautions=badges.get(row[0], no_badges),
        )
        for row in fetched
    ]
    return PatientPage(rows=rows, total=total)


def to_visit_summary(visit: Visit) -> VisitSummary:
    return VisitSummary(
        id=visit.id,
        patient_id=visit.patient_id,
        started_at=visit.started_at,
        practitioner_name=visit.practitioner_name,
        status=visit.status,
    )


def visits_of(session: Session, patient_id: int) -> list[VisitSummary]:
    """A patient's visits, newest first."""
    visits = session.scalars(
        select(Visit)
        .where(Visit.patient_id == patient_id)
        .order_by(Visit.started_at.desc(), Visit.id.desc())
    )
    return [to_visit_summary(visit) for visit in visits]
