"""Where backups go and what they are called: light enough for the window's start.

(``acuchart.backups`` makes, checks and restores them; it loads SQLCipher.)
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from acuchart.locations import BACKUP_FOLDER_NAME

BACKUP_NAME_FORMAT = "acuchart-%Y%m%d-%H%M%S.db"
_BACKUP_NAME = re.compile(r"acuchart-(\d{8}-\d{6})\.db")


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
