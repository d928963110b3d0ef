"""Patients, their precaution flags, visits and clinic settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clinic_settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_clinic_settings")),
    )
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("given_names", sa.String(length=200), nullable=False),
        sa.Column("preferred_name", sa.String(length=200), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column(
            "sex",
            sa.Enum(
                "female",
                "male",
                "intersex",
                "not_recorded",
                name="sex",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=50), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("emergency_contact", sa.Text(), nullable=False),
        sa.Column("referring_physician", sa.Text(), nullable=False),
        sa.Column(
            "neuropathy_cause",
            sa.Enum(
                "diabetes_type_1",
                "diabetes_type_2",
                "chemotherapy",
                "alcohol",
                "idiopathic",
                "other",
                name="neuropathy_cause",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("chemotherapy_agent", sa.String(length=200), nullable=False),
        sa.Column("cause_details", sa.Text(), nullable=False),
        sa.Column("onset_date", sa.Date(), nullable=True),
        sa.Column(
            "onset_precision",
            sa.Enum(
                "day",
                "month",
                "year",
                name="onset_precision",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("left_hand_affected", sa.Boolean(), nullable=False),
        sa.Column("right_hand_affected", sa.Boolean(), nullable=False),
        sa.Column("left_foot_affected", sa.Boolean(), nullable=False),
        sa.Column("right_foot_affected", sa.Boolean(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=False),
        sa.Column("medications", sa.Text(), nullable=False),
        sa.Column("allergies", sa.Text(), nullable=False),
        sa.Column("consent_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("last_visit_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("name_sort_key", sa.String(length=420), nullable=False),
        sa.Column("name_search_text", sa.String(length=700), nullable=False),
        sa.Column("phone_digits", sa.String(length=50), nullable=False),
        sa.Column("phone_digits_reversed", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
    )
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.create_index(
            "ix_patients_active_name", ["archived_at", "name_sort_key"], unique=False
        )
        batch_op.create_index("ix_patients_date_of_birth", ["date_of_birth"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_patients_last_visit_at"), ["last_visit_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_patients_name_sort_key"), ["name_sort_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_patients_phone_digits"), ["phone_digits"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_patients_phone_digits_reversed"), ["phone_digits_reversed"], unique=False
        )

    op.create_table(
        "patient_precautions",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column(
            "precaution",
            sa.Enum(
                "bleeding_risk",
                "pregnancy",
                "pacemaker_or_implant",
                "open_wound_or_lops",
                "lymphoedema",
                "fainting_history",
                "metal_allergy",
                "low_blood_counts",
                name="precaution",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_patient_precautions_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("patient_id", "precaution", name=op.f("pk_patient_precautions")),
    )
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("practitioner_name", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "signed", name="visit_status", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_visits_patient_id_patients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_visits_patient_started", ["patient_id", "started_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_patient_started")

    op.drop_table("visits")
    op.drop_table("patient_precautions")
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patients_phone_digits_reversed"))
        batch_op.drop_index(batch_op.f("ix_patients_phone_digits"))
        batch_op.drop_index(batch_op.f("ix_patients_name_sort_key"))
        batch_op.drop_index(batch_op.f("ix_patients_last_visit_at"))
        batch_op.drop_index("ix_patients_date_of_birth")
        batch_op.drop_index("ix_patients_active_name")

    op.drop_table("patients")
    op.drop_table("clinic_settings")
