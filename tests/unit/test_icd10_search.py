"""ICD-10-CM search over the full code set: the neuropathy short-list first, then code or words."""

from __future__ import annotations

from acuchart.notes.icd10 import search_codes, short_list


def test_nothing_typed_offers_the_short_list() -> None:
    assert search_codes("  ") == short_list()
    assert short_list()[0].code == "E11.42"


def test_codes_by_prefix_and_descriptions_by_words() -> None:
    assert search_codes("e11.42")[0].code == "E11.42"
    assert search_codes("E1142")[0].code == "E11.42"
    assert [c.code for c in search_codes("g62")[:3]] == ["G62.0", "G62.1", "G62.9"]
    first = search_codes("pain in right foot")[0]
    assert (first.code, first.billable) == ("M79.671", True)
    assert all("carpal" in c.description.lower() for c in search_codes("carpal tunnel")[:5])
    assert search_codes("zzzz") == []
    assert len(search_codes("diabetes", limit=7)) == 7
