"""Signed visits locked in the database; save counters for notes and patients.

Triggers refuse UPDATE and DELETE of a signed visit, its note, body map and
scores, so raw SQL and bulk statements are refused as well as the ORM
(SQLite triggers, or a plpgsql function on PostgreSQL). ``version`` columns
let a save made from a stale copy be told apart (SQLAlchemy's
``version_id_col``). On SQLite a table rebuilt here loses its triggers, so
the name index triggers are put back as well.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from acuchart.db import signing_guard, sqlite

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _restore_name_index_triggers() -> None:
    """A batch rebuild of ``patients`` drops the FTS triggers on SQLite: recreate any missing."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    present = sqlite.trigger_names(bind)
    for name, statement in zip(
        sqlite.PATIENT_FTS_TRIGGER_NAMES, sqlite.PATIENT_FTS_TRIGGERS, strict=True
    ):
        if name not in present:
            op.execute(statement)


def upgrade() -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))

    with op.batch_alter_table("visit_notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))

    _restore_name_index_triggers()
    signing_guard.create_database_locks(op.get_bind())


def downgrade() -> None:
    signing_guard.drop_database_locks(op.get_bind())
    with op.batch_alter_table("visit_notes", schema=None) as batch_op:
        batch_op.drop_column("version")

    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_column("version")

    _restore_name_index_triggers()
