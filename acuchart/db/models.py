"""Typed SQLAlchemy models: the tables of the chart.

Columns named ``*_key``, ``*_search_text`` and ``*_digits*`` are derived from
the record by :mod:`acuchart.search_text` when it is written; they exist so
search and sort run on indexes in the database, never in Python.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from acuchart.accounts import Role
from acuchart.audit import MAX_ACCOUNT, MAX_DETAIL, MAX_OBJECT, AuditAction
from acuchart.bodymap.exam import SensoryTest
from acuchart.bodymap.symptoms import Symptom
from acuchart.dates import DatePrecision
from acuchart.db.types import UTCDateTime, string_enum, utc_now
from acuchart.patients import Limb, NeuropathyCause, Precaution, Sex
from acuchart.visits import VisitStatus

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


SORT_KEY_LENGTH = 420
SEARCH_TEXT_LENGTH = 700


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Patient(Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_name: Mapped[str] = mapped_column(String(200))
    given_names: Mapped[str] = mapped_column(String(200), default="")
    preferred_name: Mapped[str] = mapped_column(String(200), default="")
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[Sex] = mapped_column(string_enum(Sex, "sex"), default=Sex.NOT_RECORDED)
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    emergency_contact: Mapped[str] = mapped_column(Text, default="")
    referring_physician: Mapped[str] = mapped_column(Text, default="")

    neuropathy_cause: Mapped[NeuropathyCause | None] = mapped_column(
        string_enum(NeuropathyCause, "neuropathy_cause")
    )
    chemotherapy_agent: Mapped[str] = mapped_column(String(200), default="")
    cause_details: Mapped[str] = mapped_column(Text, default="")
    onset_date: Mapped[dt.date | None] = mapped_column(Date)
    onset_precision: Mapped[DatePrecision] = mapped_column(
        string_enum(DatePrecision, "onset_precision"), default=DatePrecision.DAY
    )
    left_hand_affected: Mapped[bool] = mapped_column(Boolean, default=False)
    right_hand_affected: Mapped[bool] = mapped_column(Boolean, default=False)
    left_foot_affected: Mapped[bool] = mapped_column(Boolean, default=False)
    right_foot_affected: Mapped[bool] = mapped_column(Boolean, default=False)

    conditions: Mapped[str] = mapped_column(Text, default="")
    medications: Mapped[str] = mapped_column(Text, default="")
    allergies: Mapped[str] = mapped_column(Text, default="")
    consent_date: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_visit_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)

    name_sort_key: Mapped[str] = mapped_column(String(SORT_KEY_LENGTH), index=True)
    name_search_text: Mapped[str] = mapped_column(String(SEARCH_TEXT_LENGTH))
    phone_digits: Mapped[str] = mapped_column(String(50), default="", index=True)
    phone_digits_reversed: Mapped[str] = mapped_column(String(50), default="", index=True)
    # Counts saves: an ORM update based on an older version raises StaleDataError.
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    precaution_rows: Mapped[list[PatientPrecaution]] = relationship(
        back_populates="patient", cascade="all, delete-orphan", passive_deletes=True
    )
    visits: Mapped[list[Visit]] = relationship(back_populates="patient", passive_deletes="all")

    __table_args__ = (
        Index("ix_patients_active_name", "archived_at", "name_sort_key"),
        Index("ix_patients_date_of_birth", "date_of_birth"),
    )
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (read once, by the mapper)


class PatientPrecaution(Base):
    """One precaution flag raised for a patient."""

    __tablename__ = "patient_precautions"

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True
    )
    precaution: Mapped[Precaution] = mapped_column(
        string_enum(Precaution, "precaution"), primary_key=True
    )

    patient: Mapped[Patient] = relationship(back_populates="precaution_rows")


class Visit(Base):
    """An encounter. Clinical content attaches to it; the patient cannot be deleted under it."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="RESTRICT"))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    practitioner_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[VisitStatus] = mapped_column(
        string_enum(VisitStatus, "visit_status"), default=VisitStatus.DRAFT
    )
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)

    patient: Mapped[Patient] = relationship(back_populates="visits")

    __table_args__ = (
        Index("ix_visits_patient_started", "patient_id", "started_at"),
        Index("ix_visits_started", "started_at", "id"),  # the clinic's notes, newest first
    )


class BodyMapMark(Base):
    """One symptom marked on one region of one view, at a visit."""

    __tablename__ = "body_map_marks"

    visit_id: Mapped[int] = mapped_column(
        ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True
    )
    view_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    region_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    symptom: Mapped[Symptom] = mapped_column(
        string_enum(Symptom, "body_map_symptom"), primary_key=True
    )
    intensity: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint("intensity BETWEEN 1 AND 10", name="intensity_range"),)


class BodyMapStroke(Base):
    """A freehand stroke (or eraser stroke, with no symptom), in drawing order."""

    __tablename__ = "body_map_strokes"

    visit_id: Mapped[int] = mapped_column(
        ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    view_id: Mapped[str] = mapped_column(String(40))
    symptom: Mapped[Symptom | None] = mapped_column(string_enum(Symptom, "body_map_symptom"))
    intensity: Mapped[int] = mapped_column(Integer)
    width_mm: Mapped[float] = mapped_column(Float)
    # JSON list of [x, y] pairs in view millimetres, rounded to 0.1 mm.
    points: Mapped[str] = mapped_column(Text)


class SensoryFinding(Base):
    """A monofilament site or the great-toe vibration result of one foot, at a visit."""

    __tablename__ = "sensory_findings"

    visit_id: Mapped[int] = mapped_column(
        ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True
    )
    limb: Mapped[Limb] = mapped_column(string_enum(Limb, "limb"), primary_key=True)
    test: Mapped[SensoryTest] = mapped_column(
        string_enum(SensoryTest, "sensory_test"), primary_key=True
    )
    site_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    result: Mapped[str] = mapped_column(String(20))


class VisitNote(Base):
    """The session note of a visit as one JSON document, and its signature once signed.

    The document is the note exactly as :mod:`acuchart.notes.model` writes it;
    ``content_hash`` is the SHA-256 of the canonical signed content (note, body
    map, visit, signer, time), so a change made behind the app's back shows.
    Once signed, database triggers refuse any change to the row (see
    ``acuchart.db.signing_guard``).
    """

    __tablename__ = "visit_notes"

    visit_id: Mapped[int] = mapped_column(
        ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[str] = mapped_column(Text)
    format_version: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    signed_by: Mapped[str | None] = mapped_column(String(200))
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # Counts saves, so a draft saved from a stale copy (another window) is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (read once, by the mapper)


class NoteAddendum(Base):
    """A correction or later addition to a signed note; the original stays as it was."""

    __tablename__ = "note_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    text: Mapped[str] = mapped_column(Text)


class VisitScore(Base):
    """One outcome score of a visit (``nrs.pain_average``, ``pgic``, ``mnsi``, ``named:DN4``).

    Derived from the note on every save, so timelines and trends are one indexed query.
    """

    __tablename__ = "visit_scores"

    visit_id: Mapped[int] = mapped_column(
        ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class PointProtocol(Base):
    """A saved set of points ("CIPN hands") to start a plan from."""

    __tablename__ = "point_protocols"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # JSON list of needled points, as in the note's plan.
    points: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)


class ClinicSetting(Base):
    """Clinic-wide settings kept with the data (clinic name, ...), shared by every workstation."""

    __tablename__ = "clinic_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(Base):
    """One entry of the append-only audit log: who did what, when, to which record.

    ``patient_id`` is a plain id, not a foreign key, so entries outlive the
    records they name. ``hmac`` chains each entry to the one before
    (``prev_hash``); see :mod:`acuchart.audit`. Database triggers refuse UPDATE
    and DELETE. ``detail`` never holds names or note text, only ids and codes.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    account: Mapped[str] = mapped_column(String(MAX_ACCOUNT))
    action: Mapped[AuditAction] = mapped_column(string_enum(AuditAction, "audit_action"))
    patient_id: Mapped[int | None] = mapped_column(Integer)
    object: Mapped[str] = mapped_column(String(MAX_OBJECT), default="")
    detail: Mapped[str] = mapped_column(String(MAX_DETAIL), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hmac: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_patient_at", "patient_id", "at"),
        Index("ix_audit_log_account_at", "account", "at"),
        Index("ix_audit_log_action_at", "action", "at"),
    )


LOGIN_LENGTH = 100
DISPLAY_NAME_LENGTH = 200


class UserAccount(Base):
    """Someone who signs in: the owner (set up first) or a practitioner the owner added.

    ``login`` is stored casefolded and NFC (``acuchart.accounts.login_key``), so
    the unique index compares names as people do. ``password_hash`` is an
    Argon2id hash in PHC form. Accounts are disabled, never deleted: notes and
    audit entries keep naming them.
    """

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(LOGIN_LENGTH), unique=True)
    display_name: Mapped[str] = mapped_column(String(DISPLAY_NAME_LENGTH))
    role: Mapped[Role] = mapped_column(string_enum(Role, "account_role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
