from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuchart.dates import DatePrecision, PartialDate
from acuchart.patients import MAX_LONG_TEXT, MAX_NAME, validate_patient
from acuchart.validation import ValidationError
from tests.conftest import make_draft

TODAY = dt.date(2026, 11, 25)


def errors_of(**changes: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        validate_patient(make_draft(**changes), today=TODAY)
    return raised.value.errors


def test_a_complete_draft_is_cleaned_not_changed() -> None:
    draft = validate_patient(make_draft(family_name="  Okafor  "), today=TODAY)
    assert draft.family_name == "Okafor"


def test_family_name_and_birth_date_are_required_and_both_reported_at_once() -> None:
    errors = errors_of(family_name="   ", date_of_birth=None)
    assert errors["family_name"] == "Family name is required."
    assert errors["date_of_birth"] == "Date of birth is required."


@pytest.mark.parametrize(
    ("born", "message"),
    [
        (dt.date(2026, 11, 26), "Date of birth cannot be in the future."),
        (dt.date(1899, 12, 31), "Date of birth cannot be before 1900."),
    ],
)
def test_birth_date_outside_plausible_range(born: dt.date, message: str) -> None:
    assert errors_of(date_of_birth=born)["date_of_birth"] == message


@pytest.mark.parametrize("email", ["nkechi", "nkechi@", "@example.com", "a b@example.com", "a@b"])
def test_implausible_email(email: str) -> None:
    assert "E-mail" in errors_of(email=email)["email"]


@pytest.mark.parametrize("email", ["n.okafor@example.com", "zoë@exämple.de", "a+b@x.co.uk"])
def test_plausible_email(email: str) -> None:
    assert validate_patient(make_draft(email=email), today=TODAY).email == email


@pytest.mark.parametrize("phone", ["call me", "12345", "+1 555 123 4567 8901 234", "555-12ab"])
def test_implausible_phone(phone: str) -> None:
    assert "Phone" in errors_of(phone=phone)["phone"]


@pytest.mark.parametrize("phone", ["(555) 201-7788", "+44 20 7946 0958", "0412 555 678 x12", ""])
def test_plausible_phone(phone: str) -> None:
    validate_patient(make_draft(phone=phone), today=TODAY)


def test_huge_text_is_reported_with_its_length_not_cut() -> None:
    errors = errors_of(notes="x" * (MAX_LONG_TEXT + 1), family_name="y" * (MAX_NAME + 5))
    assert errors["notes"] == "Notes is too long: 20,001 characters (at most 20,000)."
    assert "205 characters" in errors["family_name"]


def test_control_characters_are_refused_but_newlines_kept_in_notes() -> None:
    assert "U+0000" in errors_of(family_name="Oka\x00for")["family_name"]
    assert validate_patient(make_draft(notes="line 1\r\nline 2"), today=TODAY).notes == (
        "line 1\nline 2"
    )


def test_onset_and_consent_cannot_precede_birth_or_be_in_the_future() -> None:
    errors = errors_of(
        onset=PartialDate(dt.date(1950, 1, 1), DatePrecision.YEAR),
        consent_date=dt.date(2027, 1, 1),
    )
    assert errors["onset"] == "Onset cannot be before the date of birth."
    assert errors["consent_date"] == "Consent date cannot be in the future."


def test_onset_in_the_birth_year_is_accepted_when_only_the_year_is_known() -> None:
    onset = PartialDate(dt.date(1956, 1, 1), DatePrecision.YEAR)
    assert validate_patient(make_draft(onset=onset), today=TODAY).onset == onset


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")),
        min_size=1,
        max_size=60,
    )
)
def test_any_script_is_accepted_as_a_name(name: str) -> None:
    cleaned = validate_patient(make_draft(family_name=name, given_names=name), today=TODAY)
    assert cleaned.family_name
    assert len(cleaned.family_name) <= MAX_NAME


@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes_validation(text: str) -> None:
    errors: dict[str, str] = {}
    try:
        validate_patient(make_draft(family_name=text, notes=text, phone=text), today=TODAY)
    except ValidationError as error:
        errors = error.errors
        assert errors, "a refusal always says why"
    assert all(isinstance(message, str) and message for message in errors.values())
