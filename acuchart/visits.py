"""A visit (encounter): when it happened, who saw the patient, whether its note is signed."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, replace

from acuchart.validation import ValidationError, clean_text

MAX_PRACTITIONER_NAME = 200
# A visit is charted while it happens; a small allowance covers a clock set slightly wrong.
FUTURE_ALLOWANCE = dt.timedelta(hours=12)


class VisitStatus(enum.StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class VisitDraft:
    """A new visit as the practitioner enters it; ``started_at`` is timezone-aware."""

    started_at: dt.datetime
    practitioner_name: str


@dataclass(frozen=True)
class VisitSummary:
    """One row of a patient's visit list."""

    id: int
    patient_id: int
    started_at: dt.datetime
    practitioner_name: str
    status: VisitStatus


def validate_visit(
    draft: VisitDraft, *, date_of_birth: dt.date, now: dt.datetime | None = None
) -> VisitDraft:
    """Return the draft cleaned, or raise ``ValidationError`` with a message per field."""
    now = now or dt.datetime.now(dt.UTC)
    errors: dict[str, str] = {}
    name = clean_text(
        draft.practitioner_name,
        label="Practitioner name",
        max_length=MAX_PRACTITIONER_NAME,
        errors=errors,
        field="practitioner_name",
    )
    if "practitioner_name" not in errors and not name:
        errors["practitioner_name"] = "Practitioner name is required."
    if draft.started_at.tzinfo is None:
        errors["started_at"] = "Visit time must carry a time zone."
    elif draft.started_at > now + FUTURE_ALLOWANCE:
        errors["started_at"] = "A visit cannot be charted in the future."
    elif draft.started_at.date() < date_of_birth:
        errors["started_at"] = "A visit cannot be before the patient's date of birth."
    if errors:
        raise ValidationError(errors)
    return replace(draft, practitioner_name=name)
