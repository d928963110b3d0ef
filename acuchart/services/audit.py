"""Audit-log actions: record an entry, verify the chain, list and export entries.

``record`` appends inside the caller's transaction, so a failed action leaves
no entry and a committed one always has its entry. Appending reads the last
entry's HMAC and inserts under the write lock: SQLite's ``BEGIN IMMEDIATE``
(``Database.unit_of_work``) serialises writers; on PostgreSQL a transaction
advisory lock does.
"""

from __future__ import annotations

import csv
import datetime as dt
import hmac
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from acuchart.audit import (
    GENESIS_HASH,
    MAX_DETAIL,
    MAX_OBJECT,
    AuditAction,
    AuditCheck,
    AuditPage,
    AuditProblem,
    AuditQuery,
    AuditRow,
    AuditSort,
    audit_key,
    audit_key_path,
    canonical,
    current_account,
    entry_hmac,
)
from acuchart.db.database import Database
from acuchart.db.models import AuditEntry
from acuchart.db.types import utc_now

# pg_advisory_xact_lock key for appending to the chain ("AcuAudit" as a number).
POSTGRESQL_CHAIN_LOCK = 0x4163754175646974
CSV_HEADER = ("id", "at_utc", "account", "action", "patient_id", "object", "detail")
_EXPORT_BATCH = 1000


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(POSTGRESQL_CHAIN_LOCK)))


def record(
    session: Session,
    action: AuditAction | str,
    *,
    patient_id: int | None = None,
    object: str = "",
    detail: str = "",
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Append one entry to the chain inside the caller's (write) transaction.

    ``object`` names the record ("visit 12"), ``detail`` adds ids or codes only:
    never a name or note text.
    """
    _lock_chain(session)
    with session.no_autoflush:
        previous = session.scalar(select(AuditEntry.hmac).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        at=(at or utc_now()).astimezone(dt.UTC),
        account=current_account(),
        action=AuditAction(action),
        patient_id=patient_id,
        object=object[:MAX_OBJECT],
        detail=detail[:MAX_DETAIL],
        prev_hash=previous or GENESIS_HASH,
    )
    entry.hmac = entry_hmac(audit_key(session.info.get("data_key")), _message(entry))
    session.add(entry)
    session.flush()
    return entry


def record_now(
    database: Database,
    action: AuditAction | str,
    *,
    patient_id: int | None = None,
    object: str = "",
    detail: str = "",
) -> None:
    """Record an action that has no transaction of its own (a chart viewed, a page printed)."""
    with database.unit_of_work() as session:
        record(session, action, patient_id=patient_id, object=object, detail=detail)


def _message(entry: Any) -> bytes:
    return canonical(
        entry.prev_hash,
        entry.at,
        entry.account,
        entry.action,
        entry.patient_id,
        entry.object,
        entry.detail,
    )


# -- verification ------------------------------------------------------------------------------


_ENTRY_COLUMNS = (
    AuditEntry.id,
    AuditEntry.at,
    AuditEntry.account,
    AuditEntry.action,
    AuditEntry.patient_id,
    AuditEntry.object,
    AuditEntry.detail,
    AuditEntry.prev_hash,
    AuditEntry.hmac,
)


def _rows(
    session: Session,
    *,
    where: Sequence[ColumnElement[bool]] = (),
    order: Sequence[ColumnElement[Any]] = (AuditEntry.id.asc(),),
    offset: int | None = None,
    limit: int | None = None,
) -> Iterator[Any]:
    """Entries as rows (attribute access by column name), streamed in batches."""
    statement = select(*_ENTRY_COLUMNS).where(*where).order_by(*order)
    if offset is not None:
        statement = statement.offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    yield from session.execute(statement).yield_per(_EXPORT_BATCH)


def _intact(key: bytes, row: Any) -> bool:
    return hmac.compare_digest(entry_hmac(key, _message(row)), row.hmac)


def verify_audit_log(database: Database, *, key: bytes | None = None) -> AuditCheck:
    """Walk the chain in id order and report the first entry that is edited, missing a
    predecessor (deleted), out of order, or not signed with this computer's key.

    Removing the newest entries leaves a shorter chain that is still whole: that is
    not detectable from the database alone.
    """
    with database.reading() as session:
        total = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        if total == 0:
            return AuditCheck(ok=True, rows_checked=0)
        if key is None and database.key is not None:
            key = audit_key(database.key)  # an encrypted chart's own key
        if key is None:
            if not audit_key_path().exists():
                return AuditCheck(
                    False,
                    0,
                    None,
                    AuditProblem.NO_KEY,
                    f"there is no audit key on this computer ({audit_key_path()}), "
                    "so the chain cannot be verified",
                )
            key = audit_key()
        previous = GENESIS_HASH
        checked = 0
        for row in _rows(session):
            checked += 1
            if not _intact(key, row):
                if checked == 1 and not _any_intact(session, key, after=row.id):
                    return AuditCheck(
                        False,
                        checked,
                        row.id,
                        AuditProblem.WRONG_KEY,
                        "no entry matches this computer's audit key: the log was written with "
                        "another key (another computer, or a lost audit.key), or every entry "
                        "was altered",
                    )
                return AuditCheck(
                    False,
                    checked,
                    row.id,
                    AuditProblem.EDITED,
                    f"entry {row.id} was changed after it was written",
                )
            if row.prev_hash != previous:
                if row.prev_hash == GENESIS_HASH or _hash_exists(session, row.prev_hash):
                    return AuditCheck(
                        False,
                        checked,
                        row.id,
                        AuditProblem.REORDERED,
                        f"entry {row.id} is out of order (entries were moved or renumbered)",
                    )
                return AuditCheck(
                    False,
                    checked,
                    row.id,
                    AuditProblem.MISSING,
                    f"the entry written before entry {row.id} is missing (deleted)",
                )
            previous = row.hmac
        return AuditCheck(ok=True, rows_checked=checked)


def _any_intact(session: Session, key: bytes, *, after: int) -> bool:
    return any(_intact(key, row) for row in _rows(session, where=[AuditEntry.id > after]))


def _hash_exists(session: Session, value: str) -> bool:
    return (
        session.scalar(select(AuditEntry.id).where(AuditEntry.hmac == value).limit(1)) is not None
    )


# -- the viewer ---------------------------------------------------------------------------------

_SORT_COLUMNS: dict[AuditSort, InstrumentedAttribute[Any]] = {
    AuditSort.ID: AuditEntry.id,
    AuditSort.AT: AuditEntry.at,
    AuditSort.ACCOUNT: AuditEntry.account,
    AuditSort.ACTION: AuditEntry.action,
    AuditSort.PATIENT: AuditEntry.patient_id,
    AuditSort.OBJECT: AuditEntry.object,
    AuditSort.DETAIL: AuditEntry.detail,
}


def _conditions(query: AuditQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.patient_id is not None:
        conditions.append(AuditEntry.patient_id == query.patient_id)
    if query.account:
        conditions.append(AuditEntry.account == query.account)
    if query.action is not None:
        conditions.append(AuditEntry.action == AuditAction(query.action))
    if query.since is not None:
        conditions.append(AuditEntry.at >= query.since)
    if query.until is not None:
        conditions.append(AuditEntry.at < query.until)
    return conditions


def _order(query: AuditQuery) -> list[ColumnElement[Any]]:
    column = _SORT_COLUMNS[AuditSort(query.sort)]
    order: list[ColumnElement[Any]]
    if query.descending:
        order = [column.desc(), AuditEntry.id.desc()]
    else:
        order = [column.asc(), AuditEntry.id.asc()]
    if query.sort is AuditSort.PATIENT:  # entries without a patient last, either way
        order.insert(0, AuditEntry.patient_id.is_(None))
    return order


def _row(row: Any) -> AuditRow:
    return AuditRow(row.id, row.at, row.account, row.action, row.patient_id, row.object, row.detail)


def list_audit(database: Database, query: AuditQuery) -> AuditPage:
    """One page of entries, filtered, sorted and paged by the database."""
    with database.reading() as session:
        total = (
            session.scalar(select(func.count()).select_from(AuditEntry).where(*_conditions(query)))
            or 0
        )
        rows = _rows(
            session,
            where=_conditions(query),
            order=_order(query),
            offset=max(query.offset, 0),
            limit=max(query.limit, 0),
        )
        return AuditPage([_row(row) for row in rows], total)


def export_audit_csv(database: Database, query: AuditQuery, path: Path) -> int:
    """Write every entry matching the query's filters (all pages, in its order) to a CSV
    file, replaced in one step; the number of entries written. The export is recorded."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".acuchart-audit-", suffix=".csv", dir=path.parent)
    written = 0
    try:
        with (
            os.fdopen(handle, "w", encoding="utf-8", newline="") as file,
            database.reading() as session,
        ):
            writer = csv.writer(file)
            writer.writerow(CSV_HEADER)
            for row in _rows(session, where=_conditions(query), order=_order(query)):
                writer.writerow(
                    [
                        row.id,
                        row.at.astimezone(dt.UTC).isoformat(),
                        row.account,
                        str(row.action),
                        "" if row.patient_id is None else row.patient_id,
                        row.object,
                        row.detail,
                    ]
                )
                written += 1
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    record_now(
        database,
        AuditAction.EXPORT,
        patient_id=query.patient_id,
        object="audit log",
        detail=f"{written} entries to CSV",
    )
    return written
