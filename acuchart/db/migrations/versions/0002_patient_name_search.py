"""Full-text index over patient names (SQLite FTS5), kept in step by triggers.

Other databases search the ``name_search_text`` column directly, so this
revision does nothing there.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from acuchart.db import sqlite

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(sqlite.CREATE_PATIENT_FTS)
    for trigger in sqlite.PATIENT_FTS_TRIGGERS:
        op.execute(trigger)
    op.execute(sqlite.REBUILD_PATIENT_FTS)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in sqlite.PATIENT_FTS_TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {sqlite.PATIENT_FTS_TABLE}")
