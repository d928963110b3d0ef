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

from acuchart.cli_password import add_password_option, unlock_for_command

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
    add_password_option(backup)
    restore = commands.add_parser(
        "restore",
        parents=[database],
        help="replace the database with a backup (a safety copy of it is kept)",
    )
    restore.add_argument("file", metavar="FILE", type=Path)
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_password_option(restore)


def run_backup_command(
    location: str, folder: Path | None, args: argparse.Namespace | None = None
) -> int:
    """An encrypted database asks for its password (``--password-file`` in ``args``); its
    backup is encrypted with the same key."""
    from acuchart.backups import make_backup
    from acuchart.db.errors import DatabaseOpenError
    from acuchart.errors import ChartError

    try:
        unlocked = unlock_for_command(location, args or argparse.Namespace())
        key = unlocked[1] if unlocked else None
        result = make_backup(location, folder, now=dt.datetime.now(dt.UTC), key=key)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    except (ChartError, OSError) as error:
        print(f"No backup was made: {error}", file=sys.stderr)
        return 1
    print(f"Backup written: {result.path}")
    print(f"It holds {describe(result.summary)}.")
    if result.removed:
        print(f"Older backups removed by the rotation: {len(result.removed)}")
    return 0


def run_restore_command(
    location: str, backup: Path, *, assume_yes: bool, args: argparse.Namespace | None = None
) -> int:
    """An encrypted chart or backup asks for the password (``--password-file`` in ``args``)."""
    from acuchart.backups import database_file, describe_backup, restore_backup
    from acuchart.db.errors import DatabaseOpenError
    from acuchart.errors import ChartError

    try:
        database = database_file(location)
        key = _restore_key(database, backup, args or argparse.Namespace())
        summary = describe_backup(backup, key=key)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    except ChartError as error:
        print(f"Not restored: {error}", file=sys.stderr)
        return 1
    taken = f", made {_local(summary.made_at)}" if summary.made_at else ""
    print(f"Backup {backup}{taken}: {describe(summary)}.")
    print(f"It will replace the database {database}; a safety copy of that is kept first.")
    if not assume_yes and not _confirmed("Restore this backup? [y/N] "):
        print("Nothing was restored.", file=sys.stderr)
        return 1
    try:
        safety = restore_backup(backup, database, now=dt.datetime.now(dt.UTC), key=key)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    except (ChartError, OSError) as error:
        print(f"Not restored: {error}", file=sys.stderr)
        return 1
    print(f"Restored {backup} into {database}.")
    if safety is not None:
        print(f"Safety copy of the replaced database: {safety}")
    return 0


def _restore_key(database: Path, backup: Path, args: argparse.Namespace) -> bytes | None:
    """The data key for a restore: one key serves both files when the backup is of the
    same chart, so it comes from the key file beside the database; a chart without one
    (restoring to a new file) uses the key file that came with an encrypted backup."""
    from acuchart.db.encryption import looks_encrypted
    from acuchart.keystore import has_keystore

    unlocked = unlock_for_command(str(database), args)
    if unlocked is None and looks_encrypted(backup) and has_keystore(backup):
        unlocked = unlock_for_command(str(backup), args)
    return unlocked[1] if unlocked else None


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
