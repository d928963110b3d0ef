"""Field validation shared by every record type: clear messages keyed by field name."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)

_CONTROL_CATEGORIES = {"Cc", "Cs", "Co", "Cn"}
_MULTILINE_ALLOWED = {"\n", "\t"}


class ValidationError(ValueError):
    """A record cannot be saved; ``errors`` maps each field name to a message for the user."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


def clean_text(
    value: str,
    *,
    label: str,
    max_length: int,
    multiline: bool = False,
    errors: dict[str, str],
    field: str,
) -> str:
    """Return ``value`` NFC-normalised and trimmed, recording a message if it cannot be stored.

    Any script is accepted; only characters that cannot be stored or printed
    (control characters, lone surrogates, unassigned code points) are refused.
    """
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    allowed = _MULTILINE_ALLOWED if multiline else set()
    for char in value:
        if char not in allowed and unicodedata.category(char) in _CONTROL_CATEGORIES:
            errors[field] = (
                f"{label} contains a character that cannot be stored (U+{ord(char):04X})."
            )
            return value
    value = unicodedata.normalize("NFC", value).strip()
    if len(value) > max_length:
        errors[field] = f"{label} is too long: {len(value):,} characters (at most {max_length:,})."
    return value


_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-/]+((x|ext\.?)\s*\d{1,6})?$", re.IGNORECASE)


def check_email(value: str, errors: dict[str, str], field: str = "email") -> None:
    """Record a message unless ``value`` is empty or looks like an e-mail address."""
    if value and not _EMAIL.match(value):
        errors[field] = "E-mail address should look like name@example.com."


def phone_digits(value: str) -> str:
    """The digits of a phone number, ignoring an extension: the form used for search."""
    main = re.split(r"(?i)x|ext", value, maxsplit=1)[0]
    return "".join(char for char in main if char.isdigit() and char.isascii())


def check_phone(value: str, errors: dict[str, str], field: str = "phone") -> None:
    """Record a message unless ``value`` is empty or a plausible phone number (6-15 digits)."""
    if not value:
        return
    if not _PHONE_CHARS.match(value):
        errors[field] = "Phone number may hold digits, spaces, + - ( ) . / and an extension (x123)."
        return
    if not 6 <= len(phone_digits(value)) <= 15:
        errors[field] = "Phone number should have between 6 and 15 digits."


def check_past_date(
    value: dt.date | None,
    *,
    label: str,
    today: dt.date,
    errors: dict[str, str],
    field: str,
    not_before: dt.date = EARLIEST_BIRTH_DATE,
    not_before_label: str = "1900",
) -> None:
    """Record a message if a date lies in the future or before ``not_before``."""
    if value is None:
        return
    if value > today:
        errors[field] = f"{label} cannot be in the future."
    elif value < not_before:
        errors[field] = f"{label} cannot be before {not_before_label}."
