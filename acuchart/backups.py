"""Backups of the SQLite database file, their rotation, and restoring one.

Plain Python for a worker thread or a command: nothing is printed, results come
back as values and refusals as ``BackupError`` with a message for the user.
Every copy goes through ``acuchart.db.sqlite.copy_database`` (the backup API in
one step), is checked before it is trusted, and is renamed into place only then.

Restoring replaces the database file: close the app (or ``Database.close()``
every engine on the file) first. A database still open elsewhere is refused.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from acuchart.db import sqlite
from acuchart.db.errors import DatabaseOpenError
from acuchart.db.migrate import BACKUP_FOLDER_NAME
from acuchart.errors import ChartError

BACKUP_NAME_FORMAT = "acuchart-%Y%m%d-%H%M%S.db"
_BACKUP_NAME = re.compile(r"acuchart-(\d{8}-\d{6})\.db")
KEEP_DAILY = 7
KEEP_WEEKLY = 4
_SIDE_FILES = ("-wal", "-shm", "-journal")

Name = TypeVar("Name", bound=Hashable)


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


def default_backup_folder(database_path: Path) -> Path:
    """``backups`` beside the database: ``<data dir>/backups`` for the default database."""
    return database_path.parent / BACKUP_FOLDER_NAME


def backup_name(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime(BACKUP_NAME_FORMAT)


def backup_time(name: str) -> dt.datetime | None:
    """When a backup was made, from a name ``acuchart-YYYYMMDD-HHMMSS.db``; None for other files."""
    match = _BACKUP_NAME.fullmatch(name)
    if match is None:
        return None
    try:
        return dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


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
    return tuple(sorted(removed))


def make_backup(
    database_path: str | Path,
    folder: Path | None = None,
    *,
    now: dt.datetime,
    daily: int = KEEP_DAILY,
    weekly: int = KEEP_WEEKLY,
) -> BackupResult:
    """Copy the database to ``folder/acuchart-YYYYMMDD-HHMMSS.db`` (UTC), check it, rotate.

    The copy is written under a temporary name, flushed, and checked with
    ``integrity_check`` and ``foreign_key_check``; only a sound copy gets a
    backup's name. A copy that fails is deleted and ``BackupError`` raised.
    The app may keep running (and writing) meanwhile.
    """
    source = database_file(database_path)
    if not source.is_file():
        raise DatabaseOpenError(source, "does not exist, so there is nothing to back up.")
    target_folder = folder or default_backup_folder(source)
    final = target_folder / backup_name(now)
    with _checked_copy(source, target_folder, ".acuchart-backup-") as (temp, summary):
        # Recorded before the copy gets its name: a backup that cannot be recorded is not kept.
        _record_in(source, "backup", detail=f"to {final.name}")
        os.replace(temp, final)
    _sync_folder(target_folder)
    removed = rotate_backups(target_folder, now, daily, weekly)
    made_at = backup_time(final.name)
    return BackupResult(final, dataclasses.replace(summary, path=final, made_at=made_at), removed)


def describe_backup(path: Path) -> BackupSummary:
    """What a backup holds, read without changing it; ``BackupError`` for a truncated,
    damaged or foreign file. A quick check: ``restore_backup`` checks every page."""
    return _inspect(path, full_check=False)


def restore_backup(
    backup_path: Path, database_path: str | Path, *, now: dt.datetime
) -> Path | None:
    """Replace the database with a backup; returns the safety copy of the replaced database.

    The backup is checked in full first; a damaged one is refused and the
    database is not touched. The current database is copied to
    ``backups/<name>-before-restore-YYYYMMDD-HHMMSS.db`` (None when there was
    no database yet). Close the app first: a database open elsewhere is refused.
    """
    summary = _inspect(backup_path, full_check=True)
    _refuse_newer_schema(summary)
    database = database_file(database_path)
    if database.resolve() == backup_path.resolve():
        raise BackupError(f"“{backup_path}” is the database itself, not a backup of it.")
    if database.is_dir():
        raise DatabaseOpenError(database, "is a folder, not a database file.")
    safety = None
    if database.exists():
        _refuse_if_open(database)
        safety = _keep_safety_copy(database, now)
    database.parent.mkdir(parents=True, exist_ok=True)
    with _checked_copy(backup_path, database.parent, f".{database.name}.restore-") as (temp, _):
        if safety is not None:
            shutil.copymode(database, temp)  # temporary files are private (0600)
        # The restore is recorded in the restored copy before it replaces the database, so
        # the restored chart always carries the entry (an older backup is upgraded first).
        _record_in(temp, "restore", detail=_restore_detail(backup_path, safety), upgrade=True)
        # A -wal or hot journal left beside the old file would be replayed into the new
        # one. Its content is in the safety copy, so it goes before the file is swapped.
        _remove_side_files(database)
        os.replace(temp, database)
    _sync_folder(database.parent)
    return safety


@contextlib.contextmanager
def _checked_copy(source: Path, folder: Path, prefix: str) -> Iterator[tuple[Path, BackupSummary]]:
    """A checked copy under a temporary name in ``folder``, removed unless the caller moves it."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".partial", dir=folder)
    os.close(handle)
    temp = Path(name)
    try:
        try:
            sqlite.copy_database(source, temp)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"“{source}” could not be copied to {folder} ({error}).") from error
        try:
            summary = _inspect(temp, full_check=True)
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


def _record_in(path: Path, action: str, *, detail: str, upgrade: bool = False) -> None:
    """Append an audit entry to the database file at ``path`` (own short transaction).

    With ``upgrade``, a copy from an older AcuChart is first brought to the current schema
    (without the usual copy beforehand: the backup itself is that copy). A database
    from before the audit log that is not upgraded has nowhere to record.
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
    from acuchart.services.audit import record_now

    database = open_database(str(path), upgrade=False, quick_check=False)
    try:
        if upgrade and current_revision(database) != head_revision():
            with migration_connection(database) as connection, connection.begin():
                command.upgrade(alembic_config(connection), "head")
                sqlite.restore_missing_triggers(connection)
        with database.engine.connect() as connection:
            if not inspect(connection).has_table("audit_log"):
                return
        record_now(database, action, object="database", detail=detail)
    except DBAPIError as error:
        raise BackupError(
            f"The {action} could not be recorded in the audit log of “{path}” "
            f"({error.orig}), so it was not made."
        ) from error
    finally:
        database.close()


def _inspect(path: Path, *, full_check: bool) -> BackupSummary:
    if not path.is_file():
        raise BackupError(f"“{path}” is not a file.")
    with path.open("rb") as handle:
        header = handle.read(len(sqlite.SQLITE_HEADER))
    if header != sqlite.SQLITE_HEADER:
        raise BackupError(f"“{path}” is not an AcuChart backup (it is not an SQLite database).")
    problem = sqlite.truncation_problem(path)
    if problem:
        raise BackupError(f"“{path}” {problem} It cannot be used.")
    try:
        with sqlite.read_only_connection(path) as connection:
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
        return _read_summary(path)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"“{path}” is damaged or not a database ({error}).") from error


def _read_summary(path: Path) -> BackupSummary:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import URL, func, select
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    from acuchart.db.database import create_database_engine
    from acuchart.db.models import Patient, Visit

    url = URL.create("sqlite", database=str(path))
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


def _refuse_if_open(database: Path) -> None:
    try:
        in_use = sqlite.is_open_elsewhere(database)
    except sqlite3.DatabaseError:
        return  # damaged: it cannot be checked, and its raw bytes go to the safety copy
    if in_use:
        raise BackupError(
            f"The database “{database}” is open in AcuChart or another program. "
            "Close it there first; nothing was changed."
        )


def _keep_safety_copy(database: Path, now: dt.datetime) -> Path:
    """Copy the database before it is replaced; a damaged one is kept byte for byte."""
    folder = default_backup_folder(database)
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{database.stem}-before-restore-{stamp}.db"
    try:
        with _checked_copy(database, folder, f".{database.stem}-before-restore-") as (temp, _):
            os.replace(temp, target)
    except BackupError:
        target = target.with_name(f"{database.stem}-before-restore-{stamp}-damaged.db")
        for suffix in ("", "-wal", "-journal"):  # -shm is only an index of the -wal
            original = database.with_name(database.name + suffix)
            if original.exists():
                copy = target.with_name(target.name + suffix)
                shutil.copyfile(original, copy)
                sqlite.sync_file(copy)
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


def newest_good_backup(folder: Path) -> BackupSummary | None:
    """The newest backup in ``folder`` that reads as sound (quick check), or None."""
    named = sorted(
        ((made, path) for path in folder.glob("*.db") if (made := backup_time(path.name))),
        reverse=True,
    )
    for _, path in named:
        try:
            return describe_backup(path)
        except (BackupError, DatabaseOpenError):
            continue
    return None
