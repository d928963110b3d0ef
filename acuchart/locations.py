"""Where AcuChart keeps its files, and which database to open."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "AcuChart"
DATABASE_ENV = "ACUCHART_DATABASE_URL"
DEFAULT_DATABASE_NAME = "acuchart.db"
BACKUP_FOLDER_NAME = "backups"  # beside the database: its backups and upgrade copies
KEYSTORE_SUFFIX = ".keys"  # beside an encrypted database: its wrapped data key


def data_dir() -> Path:
    """The per-user data folder (platformdirs), e.g. ~/.local/share/AcuChart on Linux."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def default_database_path() -> Path:
    return data_dir() / DEFAULT_DATABASE_NAME


def resolve_database(cli_value: str | None) -> str:
    """``--database`` wins, then ``$ACUCHART_DATABASE_URL``, then the per-user default file."""
    if cli_value:
        return cli_value
    from_env = os.environ.get(DATABASE_ENV, "").strip()
    if from_env:
        return from_env
    return str(default_database_path())


def keystore_path(database_path: Path) -> Path:
    """The sidecar holding an encrypted database's wrapped key: ``acuchart.db.keys``."""
    return database_path.with_name(database_path.name + KEYSTORE_SUFFIX)
