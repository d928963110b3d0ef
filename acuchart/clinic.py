"""The clinic's own details, printed on every document: who, where, how to reach them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from acuchart.validation import ValidationError, check_email, check_phone, clean_text

MAX_CLINIC_TEXT = 500
MAX_LOGO_BYTES = 2_000_000


class PaperSize(enum.StrEnum):
    LETTER = "letter"
    A4 = "a4"

    @property
    def label(self) -> str:
        return {"letter": "US Letter", "a4": "A4"}[self.value]


@dataclass(frozen=True)
class ClinicProfile:
    name: str = ""
    address: str = ""  # several lines
    phone: str = ""
    email: str = ""
    practitioners: str = ""  # one per line: "Lena Decicco, L.Ac., Dipl. Ac. (NCCAOM)"
    paper: PaperSize = PaperSize.LETTER
    logo_png: bytes | None = None  # kept in the database so it travels with backups

    @property
    def contact_line(self) -> str:
        return "  ·  ".join(part for part in (self.phone, self.email) if part)

    @property
    def practitioner_list(self) -> list[str]:
        return [line.strip() for line in self.practitioners.splitlines() if line.strip()]

    def credentials_of(self, practitioner: str) -> str:
        """The practitioner's line with credentials, when the clinic lists them."""
        wanted = practitioner.strip().casefold()
        for line in self.practitioner_list:
            if wanted and line.casefold().startswith(wanted.split(",")[0].strip()):
                return line
        return practitioner


def validate_clinic(profile: ClinicProfile) -> ClinicProfile:
    """Trimmed text within bounds; the logo must be a PNG or JPEG of sensible size."""
    errors: dict[str, str] = {}
    cleaned = {
        name: clean_text(
            getattr(profile, name),
            label=label,
            max_length=MAX_CLINIC_TEXT,
            multiline=multiline,
            errors=errors,
            field=name,
        )
        for name, label, multiline in (
            ("name", "Clinic name", False),
            ("address", "Address", True),
            ("phone", "Phone", False),
            ("email", "E-mail", False),
            ("practitioners", "Practitioners", True),
        )
    }
    check_email(cleaned["email"], errors)
    check_phone(cleaned["phone"], errors)
    if "name" not in errors and not cleaned["name"]:
        errors["name"] = "Enter the clinic's name: it heads every printed page."
    logo = profile.logo_png
    if logo is not None:
        if len(logo) > MAX_LOGO_BYTES:
            errors["logo_png"] = "The logo is larger than 2 MB; choose a smaller picture."
        elif not logo.startswith((b"\x89PNG", b"\xff\xd8")):
            errors["logo_png"] = "The logo must be a PNG or JPEG picture."
    if errors:
        raise ValidationError(errors)
    return ClinicProfile(**cleaned, paper=profile.paper, logo_png=logo)
