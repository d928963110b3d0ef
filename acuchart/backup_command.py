"""``acuchart backup`` and ``acuchart restore``: the backup functions, with terminal messages.

Only the standard library is imported at the top: ``acuchart.cli`` imports this
module before the window appears.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from acuchart.backups import BackupSummary


def add_backup_parsers(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    database: argparse.ArgumentParser,
) -> None:
    backup = commands.add_parser(
        "backup", parents=[database], help="copy the database to a checked, dated backup file"
    )
    backup.add_argument(
        "--to",
        metavar="DIR",
        type=Path,
        help="folder for the backup (default: backups beside the database)",
    )
    restore = commands.add_parser(
        "restore",
        parents=[database],
        help="replace the database with a backup (a safety copy of it is kept)",
    )
    restore.add_argument("file", metavar="FILE", type=Path)
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def run_backup_command(location: str, folder: Path | None) -> int:
    from acuchart.backups import BackupError, make_backup
    from acuchart.db.errors import DatabaseOpenError

    try:
        result = make_backup(location, folder, now=dt.datetime.now(dt.UTC))
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    except (BackupError, OSError) as error:
        print(f"No backup was made: {error}", file=sys.stderr)
        return 1
    print(f"Backup written: {result.path}")
    print(f"It holds {describe(result.summary)}.")
    if result.removed:
        print(f"Older backups removed by the rotation: {len(result.removed)}")
    return 0


def run_restore_command(location: str, backup: Path, *, assume_yes: bool) -> int:
    from acuchart.backups import BackupError, database_file, describe_backup, restore_backup
    from acuchart.db.errors import DatabaseOpenError

    try:
        summary = describe_backup(backup)
        database = database_file(location)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    except BackupError as error:
        print(f"Not restored: {error}", file=sys.stderr)
        return 1
    taken = f", made {_local(summary.made_at)}" if summary.made_at else ""
    print(f"Backup {backup}{taken}: {describe(summary)}.")
    print(f"It will replace the database {database}; a safety copy of that is kept first.")
    if not assume_yes and not _confirmed("Restore this backup? [y/N] "):
        print("Nothing was restored.", file=sys.stderr)
        return 1
    try:
        safety = restore_backup(backup, database, now=dt.datetime.now(dt.UTC))
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    except (BackupError, OSError) as error:
        print(f"Not restored: {error}", file=sys.stderr)
        return 1
    print(f"Restored {backup} into {database}.")
    if safety is not None:
        print(f"Safety copy of the replaced database: {safety}")
    return 0


def describe(summary: BackupSummary) -> str:
    """``8 patients, 31 visits (newest 2026-05-04), schema 0007, 1.2 MB``."""
    newest = f" (newest {_local(summary.newest_visit_at)})" if summary.newest_visit_at else ""
    return (
        f"{_count(summary.patients, 'patient')}, {_count(summary.visits, 'visit')}{newest}, "
        f"schema {summary.schema_revision}, {_size(summary.size_bytes)}"
    )


def _confirmed(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes"}


def _local(moment: dt.datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _size(size: int) -> str:
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB"
