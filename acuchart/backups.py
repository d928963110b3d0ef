"""Backups of the SQLite database file, their rotation, and restoring one.

Plain Python for a worker thread or a command: nothing is printed, results come
back as values and refusals as ``BackupError`` with a message for the user.
Every copy goes through ``acuchart.db.sqlite.copy_database`` (the backup API in
one step), is checked before it is trusted, and is renamed into place only then.

Restoring replaces the database file: close the app (or ``Database.close()``
every engine on the file) first. A database still open elsewhere is refused.

Encrypted charts (SQLCipher, ``acuchart.db.encryption``): each function takes the
data key as ``key``. A file's own first bytes decide how it is read: an encrypted
file needs the key and is only ever copied encrypted with it (no plain copy is
written anywhere, not even a temporary one); a plain file is read as before,
whatever ``key`` is. Beside an encrypted backup lies a copy of the chart's key
file, ``<backup>.keys``, so the backup opens with a password or the recovery key
wherever it is kept; it is rotated and restored together with its backup.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
import urllib.parse
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlcipher3 import dbapi2 as sqlcipher

from acuchart import audit_anchor
from acuchart.audit_anchor import AuditAnchor
from acuchart.backup_names import (
    BACKUP_NAME_FORMAT as BACKUP_NAME_FORMAT,
)
from acuchart.backup_names import (
    backup_name as backup_name,
)
from acuchart.backup_names import (
    backup_time as backup_time,
)
from acuchart.backup_names import (
    default_backup_folder as default_backup_folder,
)
from acuchart.db import encryption, sqlite
from acuchart.db.errors import DatabaseOpenError
from acuchart.errors import ChartError
from acuchart.keystore import WrongPasswordError
from acuchart.locations import keystore_path

KEEP_DAILY = 7
KEEP_WEEKLY = 4
_SIDE_FILES = ("-wal", "-shm", "-journal")

Name = TypeVar("Name", bound=Hashable)
ENCRYPTED_BACKUP = (
    "This backup is encrypted; it opens with the password of the chart it was made from."
)
# Any error from either SQLite library: sqlcipher3 has its own exception classes.
_DATABASE_ERRORS = (sqlite3.DatabaseError, sqlcipher.DatabaseError)


class BackupError(ChartError):
    """A backup could not be made, or a file cannot be restored; nothing good was replaced."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup file holds, for the person choosing one to restore."""

    path: Path
    patients: int
    visits: int
    newest_visit_at: dt.datetime | None  # UTC
    schema_revision: str | None
    size_bytes: int
    made_at: dt.datetime | None  # UTC, from the file name when AcuChart named it


@dataclass(frozen=True)
class BackupResult:
    path: Path
    summary: BackupSummary
    removed: tuple[Path, ...]  # older backups deleted by the rotation


def database_file(location: str | Path) -> Path:
    """The SQLite file behind a path or URL; anything else is refused with a clear message."""
    if isinstance(location, Path):
        return location.expanduser().resolve()
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    from acuchart.db.database import sqlite_path, url_from_path_or_url

    try:
        url = make_url(url_from_path_or_url(location))
    except ArgumentError as error:
        raise DatabaseOpenError(location, f"is not a valid database location ({error}).") from error
    path = sqlite_path(url)
    if path is None:
        raise DatabaseOpenError(
            url.render_as_string(hide_password=True),
            "is not an SQLite file: AcuChart backs up only its own database files. "
            "Use the database server's own backups for it.",
        )
    return path


def backups_to_keep(
    names_with_times: Iterable[tuple[Name, dt.datetime]],
    now: dt.datetime,
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
) -> set[Name]:
    """The backups a rotation keeps: the newest of each of the last ``daily`` days and of
    the last ``weekly`` ISO weeks that have backups (UTC), and any dated after ``now``.

    Days without backups do not count, so time away from the clinic never
    empties the folder. Times must be timezone-aware.
    """
    entries = sorted(names_with_times, key=lambda entry: entry[1], reverse=True)
    keep = {name for name, at in entries if at > now}
    days: dict[dt.date, Name] = {}
    weeks: dict[tuple[int, int], Name] = {}
    for name, at in entries:
        if at > now:
            continue
        day = at.astimezone(dt.UTC).date()
        week = day.isocalendar()[:2]
        if day not in days and len(days) < daily:
            days[day] = name
        if week not in weeks and len(weeks) < weekly:
            weeks[week] = name
    return keep | set(days.values()) | set(weeks.values())


def rotate_backups(
    folder: Path, now: dt.datetime, daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY
) -> tuple[Path, ...]:
    """Delete the backups ``backups_to_keep`` does not keep; other files are never touched."""
    dated = [(path, at) for path in folder.iterdir() if (at := backup_time(path.name)) is not None]
    keep = backups_to_keep(dated, now, daily, weekly)
    removed = []
    for path, _ in dated:
        if path not in keep:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
            keystore_path(path).unlink(missing_ok=True)  # an encrypted backup's key file
    return tuple(sorted(removed))


def make_backup(
    database_path: str | Path,
    folder: Path | None = None,
    *,
    now: dt.datetime,
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
    key: bytes | None = None,
) -> BackupResult:
    """Copy the database to ``folder/acuchart-YYYYMMDD-HHMMSS.db`` (UTC), check it, rotate.

    The copy is written under a temporary name, flushed, and checked with
    ``integrity_check`` and ``foreign_key_check``; only a sound copy gets a
    backup's name. A copy that fails is deleted and ``BackupError`` raised.
    The app may keep running (and writing) meanwhile. An encrypted database
    needs its data key (``key``); its backup is encrypted with the same key and
    gets a copy of the key file beside it (``<backup>.keys``).
    """
    source = database_file(database_path)
    if not source.is_file():
        raise DatabaseOpenError(source, "does not exist, so there is nothing to back up.")
    file_key = _key_for(source, key, "backed up")
    if file_key is not None:
        _check_key_file(source, file_key)
    target_folder = folder or default_backup_folder(source)
    final = target_folder / backup_name(now)
    copy = _checked_copy(source, target_folder, ".acuchart-backup-", file_key)
    with copy as (temp, summary):
        # Recorded before the copy gets its name: a backup that cannot be recorded is not kept.
        _record_in(source, "backup", detail=f"to {final.name}", key=file_key)
        with _key_file_copy(source if file_key else None, target_folder) as key_file:
            if key_file is not None:  # the key file first: an encrypted backup never lacks it
                os.replace(key_file, keystore_path(final))
            os.replace(temp, final)
    _sync_folder(target_folder)
    removed = rotate_backups(target_folder, now, daily, weekly)
    made_at = backup_time(final.name)
    return BackupResult(final, dataclasses.replace(summary, path=final, made_at=made_at), removed)


def describe_backup(path: Path, *, key: bytes | None = None) -> BackupSummary:
    """What a backup holds, read without changing it; ``BackupError`` for a truncated,
    damaged or foreign file, and for an encrypted one without its key or key file.
    A quick check: ``restore_backup`` checks every page."""
    return _inspect(path, full_check=False, key=key)


def restore_backup(
    backup_path: Path, database_path: str | Path, *, now: dt.datetime, key: bytes | None = None
) -> Path | None:
    """Replace the database with a backup; returns the safety copy of the replaced database.

    The backup is checked in full first; a damaged one is refused and the
    database is not touched. The current database is copied to
    ``backups/<name>-before-restore-YYYYMMDD-HHMMSS.db`` (None when there was
    no database yet), its key file beside it as ``….db.keys``. Close the app
    first: a database open elsewhere is refused. An encrypted backup needs its
    data key and brings its key file, which replaces the chart's. An unencrypted
    backup is not restored over an encrypted chart: that would decrypt it.
    """
    summary = _inspect(backup_path, full_check=True, key=key)
    _refuse_newer_schema(summary)
    database = database_file(database_path)
    if database.resolve() == backup_path.resolve():
        raise BackupError(f"“{backup_path}” is the database itself, not a backup of it.")
    if database.is_dir():
        raise DatabaseOpenError(database, "is a folder, not a database file.")
    backup_key = key if encryption.looks_encrypted(backup_path) else None
    chart_encrypted = encryption.looks_encrypted(database)
    if backup_key is None and chart_encrypted and keystore_path(database).is_file():
        raise BackupError(
            f"“{backup_path}” is not encrypted, and the chart “{database}” is: restoring it "
            "would leave the chart unencrypted, so nothing was changed. Restore it to "
            "another file instead (acuchart restore FILE --database NEW-FILE)."
        )
    chart_key = key if chart_encrypted else None
    safety = None
    if database.exists():
        _refuse_if_open(database, chart_key)
        safety = _keep_safety_copy(database, now, chart_key)
    database.parent.mkdir(parents=True, exist_ok=True)
    copy = _checked_copy(backup_path, database.parent, f".{database.name}.restore-", backup_key)
    with copy as (temp, _):
        if safety is not None:
            shutil.copymode(database, temp)  # temporary files are private (0600)
        # The restore is recorded in the restored copy before it replaces the database, so
        # the restored chart always carries the entry (an older backup is upgraded first).
        detail = _restore_detail(backup_path, safety)
        newest = _record_in(temp, "restore", detail=detail, upgrade=True, key=backup_key)
        with _key_file_copy(backup_path if backup_key else None, database.parent) as key_file:
            # A -wal or hot journal left beside the old file would be replayed into the new
            # one. Its content is in the safety copy, so it goes before the file is swapped.
            _remove_side_files(database)
            os.replace(temp, database)
            if key_file is not None:  # the chart's key file is in the safety copy's
                os.replace(key_file, keystore_path(database))
    _sync_folder(database.parent)
    _reset_anchor(database, backup_key, newest)
    return safety


def _reset_anchor(database: Path, key: bytes | None, newest: AuditAnchor | None) -> None:
    """The restored log legitimately ends earlier than the replaced one: its anchor moves
    back to the restore's own entry (None: a chart from before the audit log)."""
    from acuchart.audit import AuditKeyError, audit_key

    encrypted = key is not None
    try:
        audit_anchor.write_anchor(database, audit_key(key), newest, encrypted=encrypted)
    except (OSError, AuditKeyError):
        # The chart is restored; an anchor that cannot be moved back must not stay ahead of
        # it (verifying would report the restore as entries removed): without one, the next
        # check makes a new one.
        with contextlib.suppress(OSError):
            audit_anchor.remove_anchor(database, encrypted=encrypted)
    with contextlib.suppress(OSError):
        audit_anchor.remove_anchor(database, encrypted=not encrypted)


@contextlib.contextmanager
def _checked_copy(
    source: Path, folder: Path, prefix: str, key: bytes | None
) -> Iterator[tuple[Path, BackupSummary]]:
    """A checked copy under a temporary name in ``folder``, removed unless the caller moves it.

    With ``key`` the source is encrypted and so is the copy, from its first byte."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".partial", dir=folder)
    os.close(handle)
    temp = Path(name)
    try:
        try:
            if key is None:
                sqlite.copy_database(source, temp)
            else:
                encryption.copy_encrypted(source, temp, key)
        except WrongPasswordError as error:
            raise BackupError(f"“{source}” could not be copied: {error}") from error
        except _DATABASE_ERRORS as error:
            raise BackupError(f"“{source}” could not be copied to {folder} ({error}).") from error
        try:
            summary = _inspect(temp, full_check=True, key=key, need_key_file=False)
        except BackupError as error:
            raise BackupError(
                f"The copy of “{source}” failed its check and was deleted: {error} "
                "The database itself may be damaged; run `acuchart check` on it."
            ) from error
        yield temp, summary
    finally:
        _remove_side_files(temp)
        temp.unlink(missing_ok=True)


def _restore_detail(backup_path: Path, safety: Path | None) -> str:
    """Only names AcuChart made go in the audit log: a name someone typed may hold a name."""
    made = backup_time(backup_path.name)
    source = f"from {backup_path.name}" if made else "from a file not named by AcuChart"
    return source + ("; the replaced database was kept" if safety else "")


def _record_in(
    path: Path, action: str, *, detail: str, upgrade: bool = False, key: bytes | None = None
) -> AuditAnchor | None:
    """Append an audit entry to the database file at ``path`` (own short transaction);
    the log's newest entry after it.

    With ``upgrade``, a copy from an older AcuChart is first brought to the current schema
    (without the usual copy beforehand: the backup itself is that copy), and ``path`` is
    taken for a copy under a temporary name: its audit anchor is the caller's to write.
    A database from before the audit log that is not upgraded has nowhere to record.
    """
    from alembic import command
    from sqlalchemy import inspect
    from sqlalchemy.exc import DBAPIError

    from acuchart.db.database import open_database
    from acuchart.db.migrate import (
        alembic_config,
        current_revision,
        head_revision,
        migration_connection,
    )
    from acuchart.services.audit import last_entry, record_now

    database = open_database(
        str(path), key=key, upgrade=False, quick_check=False, audit_anchor=not upgrade
    )
    try:
        if upgrade and current_revision(database) != head_revision():
            with migration_connection(database) as connection, connection.begin():
                command.upgrade(alembic_config(connection), "head")
                sqlite.restore_missing_triggers(connection)
        with database.engine.connect() as connection:
            if not inspect(connection).has_table("audit_log"):
                return None
        record_now(database, action, object="database", detail=detail)
        with database.reading() as session:
            return last_entry(session)
    except DBAPIError as error:
        raise BackupError(
            f"The {action} could not be recorded in the audit log of “{path}” "
            f"({error.orig}), so it was not made."
        ) from error
    finally:
        database.close()


def _key_for(path: Path, key: bytes | None, doing: str) -> bytes | None:
    """The key to read ``path`` with: None for a plain file; refused when it is encrypted
    and no key was given."""
    if not encryption.looks_encrypted(path):
        return None
    if key is None:
        raise BackupError(
            f"The chart “{path}” is encrypted: it can be {doing} only with its password."
        )
    return key


def _check_key_file(database: Path, key: bytes) -> None:
    """Refuse an encrypted file whose key file is missing, unreadable or another chart's:
    restored without a fitting one, the chart would not open with a password."""
    from acuchart import keystore

    key_file = keystore_path(database)
    if not key_file.is_file():
        raise BackupError(
            f"The key file “{key_file.name}” of the encrypted file “{database}” is missing. "
            "Without it the file opens with neither the password nor the recovery key: "
            f"put it back beside “{database.name}” (every backup gets its own copy)."
        )
    try:
        # The keystore's own reading and key check (it has no public call for this yet).
        keystore._check_data_key(keystore._load(database), key)
    except keystore.KeystoreError as error:
        raise BackupError(str(error)) from error
    except WrongPasswordError as error:
        raise BackupError(
            f"The key file “{key_file}” belongs to another chart than “{database.name}”."
        ) from error


@contextlib.contextmanager
def _key_file_copy(database: Path | None, folder: Path) -> Iterator[Path | None]:
    """A flushed copy of ``database``'s key file under a temporary name in ``folder`` (None
    for no database), removed unless the caller moves it. It holds only wrapped keys."""
    if database is None:
        yield None
        return
    handle, name = tempfile.mkstemp(prefix=".acuchart-keys-", suffix=".partial", dir=folder)
    os.close(handle)
    temp = Path(name)
    try:
        try:
            shutil.copyfile(keystore_path(database), temp)  # keeps mkstemp's mode 0600
        except OSError as error:
            raise BackupError(
                f"The key file of “{database}” could not be copied ({error.strerror})."
            ) from error
        sqlite.sync_file(temp)
        yield temp
    finally:
        temp.unlink(missing_ok=True)


@contextlib.contextmanager
def _reading(path: Path, key: bytes | None) -> Iterator[sqlite3.Connection]:
    """A read-only connection: plain SQLite, or SQLCipher with the key applied and checked."""
    if key is None:
        with sqlite.read_only_connection(path) as connection:
            yield connection
        return
    try:
        with encryption.keyed_connection(path, key, read_only=True) as connection:
            yield connection
    except WrongPasswordError:
        raise BackupError(f"{ENCRYPTED_BACKUP} (“{path}”)") from None


def _encrypted_truncation(path: Path, key: bytes) -> str | None:
    """``sqlite.truncation_problem`` for an encrypted file, whose header is encrypted too.

    SQLCipher files are whole pages (of at least 512 bytes). Opened with the key,
    SQLite refuses a file shorter than the page count in its header as malformed
    (``writable_schema`` lifts exactly that refusal, which tells a cut-off file
    from a damaged one); a file cut inside its last page opens, and its
    ``page_count * page_size`` is then more than its size.
    """
    size = path.stat().st_size
    if size % 512:
        return f"is truncated: {size:,} bytes is not a whole number of pages."
    try:
        with _reading(path, key) as connection:
            page_count = connection.execute("PRAGMA page_count").fetchone()[0]
            page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
    except sqlcipher.DatabaseError as error:
        if "malformed" not in str(error) or not _opens_leniently(path, key):
            raise
        return "is truncated: it is shorter than its own first page says."
    if page_count * page_size > size:
        return (
            f"is truncated: it has {size:,} bytes of the {page_count * page_size:,} it should have."
        )
    return None


def _opens_leniently(path: Path, key: bytes) -> bool:
    """True when the file opens once SQLite stops comparing its size with its header."""
    connection = _keyed(path, key, mode="ro", timeout=sqlite.BUSY_TIMEOUT_MS / 1000)
    try:
        connection.execute("PRAGMA writable_schema = ON")  # before the first read; read only
        connection.execute("PRAGMA page_count").fetchone()
    except sqlcipher.DatabaseError:
        return False
    finally:
        connection.close()
    return True


def _keyed(path: Path, key: bytes, *, mode: str, timeout: float) -> sqlcipher.Connection:
    """An SQLCipher connection with the key applied but not yet checked (no page read)."""
    uri = "file:" + urllib.parse.quote(str(path)) + f"?mode={mode}"  # never creates a file
    connection = sqlcipher.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    try:
        connection.execute(encryption.QUIET_LOG_PRAGMA)
        connection.execute(f'PRAGMA key = "{encryption.key_text(key)}"')
    except BaseException:
        connection.close()
        raise
    return connection


def _inspect(
    path: Path, *, full_check: bool, key: bytes | None, need_key_file: bool = True
) -> BackupSummary:
    """Check a backup (or a fresh copy, which has no key file yet) and read its summary."""
    if not path.is_file():
        raise BackupError(f"“{path}” is not a file.")
    with path.open("rb") as handle:
        header = handle.read(len(sqlite.SQLITE_HEADER))
    encrypted = header != sqlite.SQLITE_HEADER
    if encrypted and (key is None or not header):
        if header and keystore_path(path).is_file():
            raise BackupError(f"{ENCRYPTED_BACKUP} (“{path}”)")
        raise BackupError(
            f"“{path}” is not an AcuChart backup: it is not an SQLite database (nor an "
            f"encrypted one with its key file “{keystore_path(path).name}” beside it)."
        )
    file_key = key if encrypted else None
    try:
        if file_key is None:
            problem = sqlite.truncation_problem(path)
        else:
            problem = _encrypted_truncation(path, file_key)
        if problem:
            raise BackupError(f"“{path}” {problem} It cannot be used.")
        if file_key is not None and need_key_file:
            _check_key_file(path, file_key)
        with _reading(path, file_key) as connection:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not sqlite.ACUCHART_MARKER_TABLES.issubset(tables):
                raise BackupError(
                    f"“{path}” is an SQLite database, but not an AcuChart one (no chart tables)."
                )
            if full_check:
                problems = sqlite.integrity_problems(connection)
            else:
                problems = [row[0] for row in connection.execute("PRAGMA quick_check(5)")]
                problems = [item for item in problems if item != "ok"]
            if problems:
                raise BackupError(f"“{path}” is damaged: " + "; ".join(problems[:5]))
        return _read_summary(path, file_key)
    except _DATABASE_ERRORS as error:
        raise BackupError(f"“{path}” is damaged or not a database ({error}).") from error


def _read_summary(path: Path, key: bytes | None) -> BackupSummary:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import URL, func, select
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    from acuchart.db.database import create_database_engine
    from acuchart.db.models import Patient, Visit

    if key is None:
        url = URL.create("sqlite", database=str(path))
    else:
        url = encryption.encrypted_url(path, key)
    engine = create_database_engine(url, read_only=True, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
            patients = connection.scalar(select(func.count()).select_from(Patient)) or 0
            visits = connection.scalar(select(func.count()).select_from(Visit)) or 0
            newest = connection.scalar(select(func.max(Visit.started_at)))
    except DBAPIError as error:
        raise BackupError(f"“{path}” cannot be read ({error.orig}).") from error
    finally:
        engine.dispose()
    return BackupSummary(
        path, patients, visits, newest, revision, path.stat().st_size, backup_time(path.name)
    )


def _refuse_newer_schema(summary: BackupSummary) -> None:
    from alembic.script import ScriptDirectory

    from acuchart.db.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config())
    known = {script.revision for script in scripts.walk_revisions()}
    if summary.schema_revision not in known:
        raise BackupError(
            f"“{summary.path}” was made by a newer version of AcuChart "
            f"(schema {summary.schema_revision}); update AcuChart before restoring it."
        )


def _refuse_if_open(database: Path, key: bytes | None) -> None:
    try:
        in_use = (
            sqlite.is_open_elsewhere(database)
            if key is None
            else _encrypted_open_elsewhere(database, key)
        )
    except (*_DATABASE_ERRORS, WrongPasswordError):
        return  # damaged: it cannot be checked, and its raw bytes go to the safety copy
    if in_use:
        raise BackupError(
            f"The database “{database}” is open in AcuChart or another program. "
            "Close it there first; nothing was changed."
        )


def _encrypted_open_elsewhere(path: Path, key: bytes) -> bool:
    """``sqlite.is_open_elsewhere`` for an encrypted file: SQLite's own exclusive lock, taken
    for a moment over a keyed connection.

    SQLCipher locks through SQLite's file locking, so the app's idle connections
    block this as they block a plain file. It must be sqlcipher3, the library the
    app uses for the file: locking the bytes by hand (or through another SQLite
    library) would not see this process's own connections, and closing that
    handle would drop their POSIX locks. A key that does not open the file raises
    (``sqlcipher3`` "file is not a database" or ``WrongPasswordError``).
    """
    connection = _keyed(path, key, mode="rw", timeout=0)
    try:
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        encryption.verify_key(connection, path)
        connection.execute("ROLLBACK")
    except sqlcipher.OperationalError as error:
        if error.sqlite_errorcode & 0xFF in (sqlcipher.SQLITE_BUSY, sqlcipher.SQLITE_LOCKED):
            return True
        raise
    finally:
        connection.close()
    return False


def _keep_safety_copy(database: Path, now: dt.datetime, key: bytes | None) -> Path:
    """Copy the database (and its key file) before it is replaced; a damaged or unreadable
    one is kept byte for byte (an encrypted one stays encrypted either way)."""
    folder = default_backup_folder(database)
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{database.stem}-before-restore-{stamp}.db"
    prefix = f".{database.stem}-before-restore-"
    try:
        with _checked_copy(database, folder, prefix, key) as (temp, _):
            os.replace(temp, target)
    except BackupError:
        target = target.with_name(f"{database.stem}-before-restore-{stamp}-damaged.db")
        for suffix in ("", "-wal", "-journal"):  # -shm is only an index of the -wal
            original = database.with_name(database.name + suffix)
            if original.exists():
                copy = target.with_name(target.name + suffix)
                shutil.copyfile(original, copy)
                sqlite.sync_file(copy)
    if keystore_path(database).is_file():
        with _key_file_copy(database, folder) as key_file:
            assert key_file is not None
            os.replace(key_file, keystore_path(target))
    _sync_folder(folder)
    return target


def _remove_side_files(database: Path) -> None:
    for suffix in _SIDE_FILES:
        database.with_name(database.name + suffix).unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` survive a power cut (POSIX; Windows has no folder fsync)."""
    if os.name == "nt":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def newest_good_backup(folder: Path, *, key: bytes | None = None) -> BackupSummary | None:
    """The newest backup in ``folder`` that reads as sound (quick check), or None.

    With ``key`` (an encrypted chart) only encrypted backups count: an unencrypted
    one would not be restored over the chart."""
    named = sorted(
        ((made, path) for path in folder.glob("*.db") if (made := backup_time(path.name))),
        reverse=True,
    )
    for _, path in named:
        if key is not None and not encryption.looks_encrypted(path):
            continue
        try:
            return describe_backup(path, key=key)
        except (BackupError, DatabaseOpenError):
            continue
    return None


@dataclass(frozen=True)
class UnlockedBackup:
    """An encrypted backup found sound, with the data key its own key file gave."""

    summary: BackupSummary
    key: bytes = dataclasses.field(repr=False)


def newest_backup_opened_by(folder: Path, login: str, password: str) -> UnlockedBackup | None:
    """The newest encrypted backup in ``folder`` whose own key file (``<backup>.keys``) opens
    with this account's password and that reads as sound (quick check), or None.

    For a chart whose file or key file is damaged: its key cannot be had from it, but each
    backup carries a copy of the key file as it was. A backup from before a password change
    opens only with the password of that time, and is passed over. Key files that are
    copies of one another are unlocked once (each unlock costs Argon2id's time).
    """
    from acuchart import keystore

    named = sorted(
        ((made, path) for path in folder.glob("*.db") if (made := backup_time(path.name))),
        reverse=True,
    )
    tried: dict[bytes, bytes | None] = {}
    for _, path in named:
        try:
            key_file = keystore_path(path).read_bytes()
        except OSError:
            continue
        if key_file not in tried:
            try:
                tried[key_file] = keystore.unlock(path, login, password)
            except (WrongPasswordError, keystore.KeystoreError):
                tried[key_file] = None
        key = tried[key_file]
        if key is None or not encryption.looks_encrypted(path):
            continue
        try:
            return UnlockedBackup(describe_backup(path, key=key), key)
        except (BackupError, DatabaseOpenError):
            continue
    return None


def restore_key_file(
    backup_path: Path, database_path: str | Path, *, now: dt.datetime, key: bytes
) -> Path | None:
    """Put back the key file of a chart whose own key file is damaged or missing, from the
    copy beside ``backup_path``, when the key it gives opens the chart itself: the chart
    keeps everything written since that backup. The replaced key file is kept in the
    backups folder; the repair is recorded. Returns that kept copy (None if there was none).
    """
    database = database_file(database_path)
    _check_key_file(backup_path, key)
    try:
        encryption.preflight(database, key)
    except (DatabaseOpenError, WrongPasswordError) as error:
        raise BackupError(
            f"The key file kept with “{backup_path.name}” does not open “{database}”: {error}"
        ) from error
    folder = default_backup_folder(database)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    damaged = keystore_path(database)
    kept = None
    if damaged.exists():
        stamp = now.astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
        kept = folder / f"{damaged.name}-before-restore-{stamp}"
        shutil.copyfile(damaged, kept)
        sqlite.sync_file(kept)
    with _key_file_copy(backup_path, database.parent) as key_file:
        assert key_file is not None
        os.replace(key_file, damaged)
    _sync_folder(database.parent)
    detail = "key file " + _restore_detail(backup_path, None)
    _record_in(database, "restore", detail=detail, key=key)
    return kept
