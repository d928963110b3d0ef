"""The newest schema revision, known without importing Alembic.

Every start compares the file's revision with this one; only a file that needs
an upgrade pays for loading Alembic and its migration scripts (a test keeps
this constant equal to the newest script's revision).
"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

HEAD_REVISION = "0008"


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, or None for a new or unversioned one."""
    with engine.connect() as connection:
        try:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        except (OperationalError, ProgrammingError):  # no such table yet
            return None
    return rows[0][0] if len(rows) == 1 else None
