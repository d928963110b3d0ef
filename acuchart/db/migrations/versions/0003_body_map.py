"""Body map of a visit: region marks, freehand strokes and the foot sensory exam.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "body_map_marks",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("view_id", sa.String(length=40), nullable=False),
        sa.Column("region_id", sa.String(length=40), nullable=False),
        sa.Column(
            "symptom",
            sa.Enum(
                "burning",
                "tingling",
                "numbness",
                "sharp",
                "throbbing",
                "cold",
                "allodynia",
                "itching",
                "other",
                name="body_map_symptom",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("intensity", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "intensity BETWEEN 1 AND 10", name=op.f("ck_body_map_marks_intensity_range")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
            name=op.f("fk_body_map_marks_visit_id_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "visit_id", "view_id", "region_id", "symptom", name=op.f("pk_body_map_marks")
        ),
    )
    op.create_table(
        "body_map_strokes",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("view_id", sa.String(length=40), nullable=False),
        sa.Column(
            "symptom",
            sa.Enum(
                "burning",
                "tingling",
                "numbness",
                "sharp",
                "throbbing",
                "cold",
                "allodynia",
                "itching",
                "other",
                name="body_map_symptom",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("intensity", sa.Integer(), nullable=False),
        sa.Column("width_mm", sa.Float(), nullable=False),
        sa.Column("points", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
            name=op.f("fk_body_map_strokes_visit_id_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("visit_id", "position", name=op.f("pk_body_map_strokes")),
    )
    op.create_table(
        "sensory_findings",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column(
            "limb",
            sa.Enum(
                "left_hand",
                "right_hand",
                "left_foot",
                "right_foot",
                name="limb",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "test",
            sa.Enum(
                "monofilament",
                "vibration",
                name="sensory_test",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
            name=op.f("fk_sensory_findings_visit_id_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "visit_id", "limb", "test", "site_id", name=op.f("pk_sensory_findings")
        ),
    )


def downgrade() -> None:
    op.drop_table("sensory_findings")
    op.drop_table("body_map_strokes")
    op.drop_table("body_map_marks")
