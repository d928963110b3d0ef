"""Audit-log actions: record an entry, verify the chain, list and export entries.

``record`` appends inside the caller's transaction, so a failed action leaves
no entry and a committed one always has its entry. Appending reads the last
entry's HMAC and inserts under the write lock: SQLite's ``BEGIN IMMEDIATE``
(``Database.unit_of_work``) serialises writers; on PostgreSQL a transaction
advisory lock does.

After a commit that added entries the newest is written to the audit anchor
outside the database (``acuchart.audit_anchor``); verifying compares the log's
end with it, so entries cut off the end are found too.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import hmac
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, event, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from acuchart import audit_anchor
from acuchart.audit import (
    GENESIS_HASH,
    MAX_DETAIL,
    MAX_OBJECT,
    AuditAction,
    AuditCheck,
    AuditKeyError,
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
_PENDING_ANCHOR = "audit_anchor_pending"  # session.info: the newest entry, until the commit
_anchor_lock = threading.Lock()


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
    path = session.info.get("audit_anchor")
    if path is not None and _anchor_may_move(session, path, entry.id):
        session.info[_PENDING_ANCHOR] = audit_anchor.AuditAnchor(entry.id, entry.hmac)
        if not event.contains(session, "after_commit", _anchor_after_commit):
            event.listen(session, "after_commit", _anchor_after_commit)
            event.listen(session, "after_rollback", _forget_pending_anchor)
    return entry


def _anchor_may_move(session: Session, path: Path, entry_id: int) -> bool:
    """True unless the anchor disagrees with the log: damaged, ahead of it, or naming an
    entry the log does not hold. Such an anchor is left for verifying to report."""
    data_key = session.info.get("data_key")
    try:
        current = audit_anchor.read_anchor(
            path, audit_key(data_key), encrypted=data_key is not None
        )
    except (audit_anchor.AnchorError, AuditKeyError, OSError):
        return False
    if current is None:
        return True
    if current.entry_id >= entry_id:
        return False
    with session.no_autoflush:
        stored = session.scalar(select(AuditEntry.hmac).where(AuditEntry.id == current.entry_id))
    return stored is not None and hmac.compare_digest(stored, current.entry_hmac)


def _anchor_after_commit(session: Session) -> None:
    """The entries are committed: the anchor moves to the newest.

    An anchor that could not be written (a full disk) only lags behind the log, which
    verifying accepts; an entry is never refused for it. Writers in several threads may
    commit in one order and get here in another: the anchor never moves backwards here
    (only a restore moves it back, with ``reset_anchor``).
    """
    pending = session.info.pop(_PENDING_ANCHOR, None)
    path = session.info.get("audit_anchor")
    if pending is None or path is None:
        return
    data_key = session.info.get("data_key")
    encrypted = data_key is not None
    with _anchor_lock:
        try:
            key = audit_key(data_key)
            current = audit_anchor.read_anchor(path, key, encrypted=encrypted)
            if current is not None and current.entry_id > pending.entry_id:
                return
            audit_anchor.write_anchor(path, key, pending, encrypted=encrypted)
        except (OSError, AuditKeyError, audit_anchor.AnchorError):
            return


def _forget_pending_anchor(session: Session) -> None:
    session.info.pop(_PENDING_ANCHOR, None)


def last_entry(session: Session) -> audit_anchor.AuditAnchor | None:
    """The newest entry of the log, as an anchor names it."""
    row = session.execute(
        select(AuditEntry.id, AuditEntry.hmac).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return None if row is None else audit_anchor.AuditAnchor(row.id, row.hmac)


def reset_anchor(database: Database) -> None:
    """Set the anchor to the log's newest entry, whatever it said before: after a restore
    legitimately rolled the log back, or when a chart changes its key (encryption).
    The other kind of anchor (plain or encrypted) of the same file is removed."""
    path = database.path
    if path is None:
        return
    with database.reading() as session:
        newest = last_entry(session)
    audit_anchor.write_anchor(path, audit_key(database.key), newest, encrypted=database.encrypted)
    audit_anchor.remove_anchor(path, encrypted=not database.encrypted)


def reseal(session: Session, key: bytes) -> int:
    """Chain every entry again under ``key``, in the caller's transaction: for a plain chart
    becoming encrypted, whose log moves from the computer's key to the chart's. Only the
    chain columns change; the caller verifies the log first and records that it did this.
    The caller lifts the append-only triggers (SQLite) around it. Returns the entries."""
    previous = GENESIS_HASH
    count = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        entry.prev_hash = previous
        entry.hmac = entry_hmac(key, _message(entry))
        previous = entry.hmac
        count += 1
    session.flush()
    return count


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
    predecessor (deleted), out of order, or not signed with this computer's key; then
    compare the log's end with its anchor, which finds entries removed from the end.

    A chart without an anchor yet (from before anchors, or moved) gets one now.
    """
    if key is None and database.key is not None:
        key = audit_key(database.key)  # an encrypted chart's own key
    anchor: audit_anchor.AuditAnchor | None = None
    anchor_problem = ""
    # The anchor is read before the log: it only ever names committed entries, so every
    # entry it names is in the snapshot read next, however busy other writers are.
    if database.anchored and database.path is not None and (key or audit_key_path().exists()):
        try:
            anchor = audit_anchor.read_anchor(
                database.path, key or audit_key(), encrypted=database.encrypted
            )
        except audit_anchor.AnchorError as error:
            anchor_problem = str(error)
    with database.reading() as session:
        total = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        if total == 0 and anchor is None and not anchor_problem:
            return AuditCheck(ok=True, rows_checked=0)
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
        chain = _verify_chain(session, key)
        if not chain.ok:
            return chain
        if anchor_problem:
            return AuditCheck(
                False,
                chain.rows_checked,
                None,
                AuditProblem.ANCHOR,
                f"{anchor_problem}, so it cannot confirm that the newest entries are all there",
            )
        return _compare_with_anchor(database, session, key, anchor, chain)


def _verify_chain(session: Session, key: bytes) -> AuditCheck:
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


def _compare_with_anchor(
    database: Database,
    session: Session,
    key: bytes,
    anchor: audit_anchor.AuditAnchor | None,
    chain: AuditCheck,
) -> AuditCheck:
    """The intact chain must reach the entry the anchor names, and that entry must be the
    one written then. A lagging anchor is moved up; a missing one is made."""
    path = database.path
    if path is None or not database.anchored:
        return chain
    newest = last_entry(session)
    if anchor is None:
        if newest is None:
            return chain
        _move_anchor(path, key, newest, database.encrypted)
        return dataclasses.replace(chain, anchor_set=True)
    last_id = newest.entry_id if newest is not None else 0
    if anchor.entry_id > last_id:
        if last_id == 0:
            message = f"every entry is missing: the log had entries up to #{anchor.entry_id}"
        else:
            message = (
                f"entries after #{last_id} are missing: the newest entry written was "
                f"#{anchor.entry_id} (entries were removed from the end of the log)"
            )
        return AuditCheck(
            False, chain.rows_checked, last_id or None, AuditProblem.MISSING_NEWEST, message
        )
    found = session.scalar(select(AuditEntry.hmac).where(AuditEntry.id == anchor.entry_id))
    if found is None or not hmac.compare_digest(found, anchor.entry_hmac):
        return AuditCheck(
            False,
            chain.rows_checked,
            anchor.entry_id,
            AuditProblem.ANCHOR,
            f"entry #{anchor.entry_id} is not the entry written as #{anchor.entry_id}: the log "
            "was replaced by another one (an older copy of the chart, or another chart's)",
        )
    if newest is not None and newest.entry_id > anchor.entry_id:
        _move_anchor(path, key, newest, database.encrypted)
    return chain


def _move_anchor(path: Path, key: bytes, newest: audit_anchor.AuditAnchor, encrypted: bool) -> None:
    with _anchor_lock, contextlib.suppress(OSError, audit_anchor.AnchorError):
        current = audit_anchor.read_anchor(path, key, encrypted=encrypted)
        if current is None or current.entry_id < newest.entry_id:
            audit_anchor.write_anchor(path, key, newest, encrypted=encrypted)


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
