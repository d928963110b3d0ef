"""Full-text index over session notes (SQLite FTS5), kept in step by triggers; visits by date.

PostgreSQL searches the notes' JSON text values directly, so this revision does
nothing there. The index is filled from the notes already written; signed notes
are only read, never changed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from acuchart.db import sqlite

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_visits_started", "visits", ["started_at", "id"], unique=False)
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(sqlite.CREATE_NOTE_FTS)
    for trigger in sqlite.NOTE_FTS_TRIGGERS.values():
        op.execute(trigger)
    op.execute(sqlite.FILL_NOTE_FTS)


def downgrade() -> None:
    op.drop_index("ix_visits_started", table_name="visits")
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in sqlite.NOTE_FTS_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {sqlite.NOTE_FTS_TABLE}")
