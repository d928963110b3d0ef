"""The patient record: what is charted about a person, and the rules it must satisfy.

Plain Python, no database and no Qt: the form fills a ``PatientDraft``, the
service validates it and stores it, and the chart reads back a ``PatientRecord``.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, fields, replace
from typing import Any

from acuchart.dates import PartialDate, truncate_to
from acuchart.validation import (
    EARLIEST_BIRTH_DATE,
    ValidationError,
    check_email,
    check_past_date,
    check_phone,
    clean_text,
)


class Sex(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    INTERSEX = "intersex"
    NOT_RECORDED = "not_recorded"

    @property
    def label(self) -> str:
        return _SEX_LABELS[self]


_SEX_LABELS = {
    Sex.FEMALE: "Female",
    Sex.MALE: "Male",
    Sex.INTERSEX: "Intersex",
    Sex.NOT_RECORDED: "Not recorded",
}


class NeuropathyCause(enum.StrEnum):
    DIABETES_TYPE_1 = "diabetes_type_1"
    DIABETES_TYPE_2 = "diabetes_type_2"
    CHEMOTHERAPY = "chemotherapy"
    ALCOHOL = "alcohol"
    IDIOPATHIC = "idiopathic"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _CAUSE_LABELS[self]

    @property
    def short_label(self) -> str:
        """For narrow list columns."""
        return _CAUSE_SHORT_LABELS[self]


_CAUSE_LABELS = {
    NeuropathyCause.DIABETES_TYPE_1: "Type 1 diabetes",
    NeuropathyCause.DIABETES_TYPE_2: "Type 2 diabetes",
    NeuropathyCause.CHEMOTHERAPY: "Chemotherapy-induced",
    NeuropathyCause.ALCOHOL: "Alcohol-related",
    NeuropathyCause.IDIOPATHIC: "Idiopathic",
    NeuropathyCause.OTHER: "Other",
}

_CAUSE_SHORT_LABELS = {
    NeuropathyCause.DIABETES_TYPE_1: "Diabetes T1",
    NeuropathyCause.DIABETES_TYPE_2: "Diabetes T2",
    NeuropathyCause.CHEMOTHERAPY: "Chemo (CIPN)",
    NeuropathyCause.ALCOHOL: "Alcohol",
    NeuropathyCause.IDIOPATHIC: "Idiopathic",
    NeuropathyCause.OTHER: "Other",
}


class Limb(enum.StrEnum):
    LEFT_HAND = "left_hand"
    RIGHT_HAND = "right_hand"
    LEFT_FOOT = "left_foot"
    RIGHT_FOOT = "right_foot"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Precaution(enum.StrEnum):
    """Flags a practitioner must see before needling; each shows as a badge on the chart."""

    BLEEDING_RISK = "bleeding_risk"
    PREGNANCY = "pregnancy"
    PACEMAKER_OR_IMPLANT = "pacemaker_or_implant"
    OPEN_WOUND_OR_LOPS = "open_wound_or_lops"
    LYMPHOEDEMA = "lymphoedema"
    FAINTING_HISTORY = "fainting_history"
    METAL_ALLERGY = "metal_allergy"
    LOW_BLOOD_COUNTS = "low_blood_counts"

    @property
    def label(self) -> str:
        return _PRECAUTION_TEXT[self][0]

    @property
    def description(self) -> str:
        return _PRECAUTION_TEXT[self][1]


_PRECAUTION_TEXT = {
    Precaution.BLEEDING_RISK: (
        "Anticoagulant / bleeding",
        "Takes an anticoagulant or has a bleeding disorder: use fewer, finer needles "
        "and hold pressure after removal.",
    ),
    Precaution.PREGNANCY: ("Pregnancy", "Pregnant: avoid points contraindicated in pregnancy."),
    Precaution.PACEMAKER_OR_IMPLANT: (
        "Pacemaker / implant",
        "Pacemaker or electronic implant: no electro-stimulation across the chest.",
    ),
    Precaution.OPEN_WOUND_OR_LOPS: (
        "Open wound / no protective sensation",
        "Open wound or loss of protective sensation in the feet: inspect, avoid the area.",
    ),
    Precaution.LYMPHOEDEMA: ("Lymphoedema", "Lymphoedema: do not needle the affected limb."),
    Precaution.FAINTING_HISTORY: (
        "Fainting history",
        "Has fainted before: treat lying down and watch closely.",
    ),
    Precaution.METAL_ALLERGY: ("Metal allergy", "Metal allergy: check needle material."),
    Precaution.LOW_BLOOD_COUNTS: (
        "Neutropenia / low platelets",
        "Neutropenia or low platelets (chemotherapy): check recent counts before needling.",
    ),
}

# Longest text each field may hold; the form shows the same limits.
MAX_NAME = 200
MAX_PHONE = 50
MAX_EMAIL = 254
MAX_SHORT_TEXT = 1_000
MAX_LONG_TEXT = 20_000


@dataclass(frozen=True)
class PatientDraft:
    """What the patient form holds; validated by :func:`validate_patient` before saving."""

    family_name: str = ""
    given_names: str = ""
    preferred_name: str = ""
    date_of_birth: dt.date | None = None
    sex: Sex = Sex.NOT_RECORDED
    phone: str = ""
    email: str = ""
    address: str = ""
    emergency_contact: str = ""
    referring_physician: str = ""
    neuropathy_cause: NeuropathyCause | None = None
    chemotherapy_agent: str = ""
    cause_details: str = ""
    onset: PartialDate | None = None
    limbs_affected: frozenset[Limb] = frozenset()
    conditions: str = ""
    medications: str = ""
    allergies: str = ""
    precautions: frozenset[Precaution] = frozenset()
    consent_date: dt.date | None = None
    notes: str = ""


@dataclass(frozen=True)
class PatientRecord(PatientDraft):
    """A stored patient as the chart shows it."""

    id: int = 0
    updated_at: dt.datetime | None = None
    archived_at: dt.datetime | None = None
    last_visit_at: dt.datetime | None = None
    visit_count: int = 0

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def display_name(self) -> str:
        return format_display_name(self.family_name, self.given_names)

    def to_draft(self) -> PatientDraft:
        """The editable part of the record, for the form."""
        names = {f.name for f in fields(PatientDraft)}
        return PatientDraft(**{name: getattr(self, name) for name in names})


def describe_limbs(limbs: frozenset[Limb]) -> str:
    """'both feet, left hand' rather than four checkbox names."""
    parts = []
    for side_pair, both in (
        ((Limb.LEFT_FOOT, Limb.RIGHT_FOOT), "both feet"),
        ((Limb.LEFT_HAND, Limb.RIGHT_HAND), "both hands"),
    ):
        if all(limb in limbs for limb in side_pair):
            parts.append(both)
        else:
            parts += [limb.label.lower() for limb in side_pair if limb in limbs]
    return ", ".join(parts)


def format_display_name(family_name: str, given_names: str) -> str:
    """'FAMILY, Given' style used in lists, without shouting non-Latin scripts."""
    return f"{family_name}, {given_names}" if given_names else family_name


# Text fields: (label shown in messages, maximum length, multiline).
_TEXT_FIELDS: dict[str, tuple[str, int, bool]] = {
    "family_name": ("Family name", MAX_NAME, False),
    "given_names": ("Given names", MAX_NAME, False),
    "preferred_name": ("Preferred name", MAX_NAME, False),
    "phone": ("Phone", MAX_PHONE, False),
    "email": ("E-mail", MAX_EMAIL, False),
    "address": ("Address", MAX_SHORT_TEXT, True),
    "emergency_contact": ("Emergency contact", MAX_SHORT_TEXT, True),
    "referring_physician": ("Referring physician", MAX_SHORT_TEXT, True),
    "chemotherapy_agent": ("Chemotherapy agent", MAX_NAME, False),
    "cause_details": ("Cause details", MAX_SHORT_TEXT, True),
    "conditions": ("Conditions", MAX_LONG_TEXT, True),
    "medications": ("Medications", MAX_LONG_TEXT, True),
    "allergies": ("Allergies", MAX_LONG_TEXT, True),
    "notes": ("Notes", MAX_LONG_TEXT, True),
}


def validate_patient(draft: PatientDraft, *, today: dt.date | None = None) -> PatientDraft:
    """Return the draft with text cleaned (trimmed, NFC), or raise ``ValidationError``.

    Every problem is reported at once, keyed by field, so the form can show
    each message beside its field.
    """
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    cleaned = {
        name: clean_text(
            getattr(draft, name),
            label=label,
            max_length=limit,
            multiline=multiline,
            errors=errors,
            field=name,
        )
        for name, (label, limit, multiline) in _TEXT_FIELDS.items()
    }
    if "family_name" not in errors and not cleaned["family_name"]:
        errors["family_name"] = "Family name is required."
    if draft.date_of_birth is None:
        errors["date_of_birth"] = "Date of birth is required."
    check_past_date(
        draft.date_of_birth,
        label="Date of birth",
        today=today,
        errors=errors,
        field="date_of_birth",
    )
    birth = draft.date_of_birth or EARLIEST_BIRTH_DATE
    birth_label = "the date of birth" if draft.date_of_birth else "1900"
    if draft.onset is not None:
        check_past_date(
            draft.onset.value,
            label="Onset",
            today=today,
            errors=errors,
            field="onset",
            not_before=truncate_to(birth, draft.onset.precision),
            not_before_label=birth_label,
        )
    check_past_date(
        draft.consent_date,
        label="Consent date",
        today=today,
        errors=errors,
        field="consent_date",
        not_before=birth,
        not_before_label=birth_label,
    )
    if "email" not in errors:
        check_email(cleaned["email"], errors)
    if "phone" not in errors:
        check_phone(cleaned["phone"], errors)
    if errors:
        raise ValidationError(errors)
    text_fields: dict[str, Any] = cleaned
    return replace(draft, **text_fields)


__all__ = [
    "Limb",
    "NeuropathyCause",
    "PatientDraft",
    "PatientRecord",
    "Precaution",
    "Sex",
    "ValidationError",
    "validate_patient",
]
