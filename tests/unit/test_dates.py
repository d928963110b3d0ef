from __future__ import annotations

import datetime as dt

import pytest

from acuchart.dates import (
    DateParseError,
    DatePrecision,
    PartialDate,
    age_on,
    describe_partial,
    parse_date,
    parse_partial_date,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1952-03-14", dt.date(1952, 3, 14)),
        (" 1952-3-4 ", dt.date(1952, 3, 4)),
        ("14.03.1952", dt.date(1952, 3, 14)),
        ("03/14/1952", dt.date(1952, 3, 14)),
        ("19520314", dt.date(1952, 3, 14)),
    ],
)
def test_full_dates_in_the_forms_practitioners_type(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2023-02-30", "31.04.1990", "13/13/1990", "yesterday", "", "1952"]
)
def test_impossible_or_unreadable_dates_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(DateParseError) as raised:
        parse_date(text)
    assert str(raised.value)


def test_partial_dates_keep_their_precision() -> None:
    assert parse_partial_date("2019") == PartialDate(dt.date(2019, 1, 1), DatePrecision.YEAR)
    assert parse_partial_date("2019-03") == PartialDate(dt.date(2019, 3, 1), DatePrecision.MONTH)
    assert parse_partial_date("2019-03-09").precision is DatePrecision.DAY
    assert describe_partial(parse_partial_date("2019-03")) == "March 2019"
    with pytest.raises(DateParseError):
        parse_partial_date("2019-13")


def test_age_counts_whole_years() -> None:
    assert age_on(dt.date(1950, 6, 15), dt.date(2026, 6, 14)) == 75
    assert age_on(dt.date(1950, 6, 15), dt.date(2026, 6, 15)) == 76
