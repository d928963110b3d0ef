from __future__ import annotations

import datetime as dt

from acuchart.patient_search import PatientSearch, interpret_search
from acuchart.search_text import fold, name_sort_key, words

TODAY = dt.date(2026, 11, 25)


def test_fold_ignores_case_and_accents_but_keeps_other_scripts() -> None:
    assert fold("MÜLLER") == "muller"
    assert fold("Ødegaard") == "odegaard"
    assert fold("Łukasz") == "lukasz"
    assert fold("Weiß") == "weiss"
    assert fold("渡辺") == "渡辺"
    assert words("García-Márquez, José") == ["garcia", "marquez", "jose"]


def test_accented_names_sort_among_plain_ones() -> None:
    names = ["Zimmer", "Ødegaard", "Abbott", "Émile"]
    ordered = sorted(names, key=lambda name: name_sort_key(name, ""))
    assert ordered == ["Abbott", "Émile", "Ødegaard", "Zimmer"]


def test_search_box_entries_are_read_as_dates_phones_or_names() -> None:
    assert interpret_search("1952-03-14", today=TODAY) == PatientSearch(
        birth_date=dt.date(1952, 3, 14)
    )
    assert interpret_search("14.03.1952", today=TODAY).birth_date == dt.date(1952, 3, 14)
    assert interpret_search("(555) 201", today=TODAY) == PatientSearch(phone_digits="555201")
    assert interpret_search("1952", today=TODAY) == PatientSearch(
        phone_digits="1952", birth_year=1952
    )
    assert interpret_search("smi jo", today=TODAY) == PatientSearch(name_words=("smi", "jo"))
    assert interpret_search("   ", today=TODAY).is_empty
