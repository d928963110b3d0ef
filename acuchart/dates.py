"""Parsing and showing dates as a practitioner types and reads them."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass


class DatePrecision(enum.StrEnum):
    """How much of a date is known: onset is often remembered only as a month or year."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class PartialDate:
    """A date known to day, month or year precision; stored as its first day."""

    value: dt.date
    precision: DatePrecision = DatePrecision.DAY

    def __str__(self) -> str:
        if self.precision is DatePrecision.YEAR:
            return f"{self.value.year}"
        if self.precision is DatePrecision.MONTH:
            return self.value.strftime("%Y-%m")
        return self.value.isoformat()


class DateParseError(ValueError):
    """Text that is not a date; the message says which forms are understood."""


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")

DATE_FORMS_HINT = "Use YYYY-MM-DD (e.g. 1952-03-14), DD.MM.YYYY or MM/DD/YYYY."


def _make(year: str, month: str, day: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as error:
        raise DateParseError(f"There is no such date ({error}).") from None


def parse_date(text: str) -> dt.date:
    """Parse a full date in ISO, day.month.year or month/day/year form."""
    text = text.strip()
    for pattern, order in ((_ISO, (1, 2, 3)), (_COMPACT, (1, 2, 3))):
        if match := pattern.match(text):
            return _make(*(match.group(i) for i in order))
    if match := _DOTTED.match(text):
        return _make(match.group(3), match.group(2), match.group(1))
    if match := _SLASHED.match(text):
        return _make(match.group(3), match.group(1), match.group(2))
    raise DateParseError(f"“{text}” is not a date. {DATE_FORMS_HINT}")


def parse_partial_date(text: str) -> PartialDate:
    """Parse a full date, a year and month (2019-03) or a year (2019)."""
    text = text.strip()
    if match := _YEAR.match(text):
        return PartialDate(_make(match.group(1), "1", "1"), DatePrecision.YEAR)
    if match := _YEAR_MONTH.match(text):
        return PartialDate(_make(match.group(1), match.group(2), "1"), DatePrecision.MONTH)
    try:
        return PartialDate(parse_date(text))
    except DateParseError:
        raise DateParseError(
            f"“{text}” is not a date. Use YYYY-MM-DD, YYYY-MM or just the year."
        ) from None


def truncate_to(value: dt.date, precision: DatePrecision) -> dt.date:
    """The first day of the month or year holding ``value``, to compare with a partial date."""
    if precision is DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision is DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years between ``birth`` and ``day``."""
    before_birthday = (day.month, day.day) < (birth.month, birth.day)
    return day.year - birth.year - int(before_birthday)


def describe_date(value: dt.date) -> str:
    """A long, unambiguous form for reading back what was typed: '14 March 1952'."""
    return f"{value.day} {value.strftime('%B')} {value.year}"


def describe_partial(value: PartialDate) -> str:
    """'2019', 'March 2019' or '14 March 2019'."""
    if value.precision is DatePrecision.YEAR:
        return str(value.value.year)
    if value.precision is DatePrecision.MONTH:
        return f"{value.value.strftime('%B')} {value.value.year}"
    return describe_date(value.value)


def describe_moment(moment: dt.datetime) -> str:
    """A stored UTC time in local time, as printed on documents: '5 November 2026, 15:30'."""
    local = moment.astimezone()
    return f"{describe_date(local.date())}, {local:%H:%M}"
