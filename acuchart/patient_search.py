"""What a search-box entry means: a name, a date of birth, a birth year or phone digits."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from acuchart.dates import DateParseError, parse_date
from acuchart.search_text import words

_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")
_DATE_LIKE = re.compile(r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$")
MIN_PHONE_DIGITS = 3
PAGE_SIZE = 200


class PatientSort(enum.StrEnum):
    NAME = "name"
    DATE_OF_BIRTH = "date_of_birth"
    PHONE = "phone"
    CAUSE = "cause"
    LAST_VISIT = "last_visit"


@dataclass(frozen=True)
class PatientSearch:
    """A search-box entry split into what the database should match."""

    name_words: tuple[str, ...] = ()
    birth_date: dt.date | None = None
    birth_year: int | None = None
    phone_digits: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name_words or self.birth_date or self.birth_year or self.phone_digits)


@dataclass(frozen=True)
class PatientQuery:
    """One request of the patient list: filter, order and page."""

    text: str = ""
    include_archived: bool = False
    sort: PatientSort = PatientSort.NAME
    descending: bool = False
    offset: int = 0
    limit: int = PAGE_SIZE


def interpret_search(text: str, *, today: dt.date | None = None) -> PatientSearch:
    """Read the search box: '1952-03-14' is a birth date, '0412 555' phone digits
    (or a birth year when four digits fit one), anything else name-word prefixes."""
    text = text.strip()
    if not text:
        return PatientSearch()
    if _DATE_LIKE.match(text):
        try:
            return PatientSearch(birth_date=parse_date(text))
        except DateParseError:
            pass
    if _PHONE_LIKE.match(text):
        digits = "".join(char for char in text if char.isdigit())
        year = int(digits) if len(digits) == 4 else None
        this_year = (today or dt.date.today()).year
        birth_year = year if year is not None and 1900 <= year <= this_year else None
        if len(digits) >= MIN_PHONE_DIGITS or birth_year:
            return PatientSearch(phone_digits=digits, birth_year=birth_year)
    return PatientSearch(name_words=tuple(words(text)))
