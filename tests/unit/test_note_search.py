"""Searching every note of the clinic on a real SQLite file: the index follows every write."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command

from acuchart.db.database import Database, open_database
from acuchart.db.migrate import alembic_config, current_revision, head_revision
from acuchart.note_search import NoteOrder, NoteQuery, excerpt
from acuchart.notes.model import Objective, SessionNote, Subjective, to_dict
from acuchart.services import notes, patients
from acuchart.services.note_search import search_notes
from tests.conftest import make_draft
from tests.unit.test_body_map_service import new_visit
from tests.unit.test_note_service import charted_note


def note_saying(text: str, **changes: object) -> SessionNote:
    note = charted_note(**changes)
    return dataclasses.replace(note, subjective=dataclasses.replace(note.subjective, text=text))


def found(database: Database, text: str, order: NoteOrder = NoteOrder.NEWEST) -> list[int]:
    return [hit.visit_id for hit in search_notes(database, NoteQuery(text, order))]


@pytest.fixture
def clinic(database: Database) -> dict[str, int]:
    """Two patients, three visits: an old signed note, a newer signed one, a draft."""
    muller = patients.create_patient(database, make_draft(family_name="Müller", given_names="Zoë"))
    okafor = patients.create_patient(database, make_draft(family_name="Okafor"))
    old = new_visit(database, muller.id, 30)
    newer = new_visit(database, okafor.id, 10)
    draft = new_visit(database, muller.id, 1)
    notes.sign_note(
        database, old, "Lena", note_saying("Stopped duloxetine; nausea. Brûlure plantaire.")
    )
    notes.sign_note(database, newer, "Lena", note_saying("Started duloxetine last week."))
    notes.save_draft(database, draft, note_saying("Feet warmer; duloxetine helps sleep."))
    return {"old": old, "newer": newer, "draft": draft, "muller": muller.id}


def test_words_are_found_by_prefix_newest_first_with_patient_and_excerpt(
    database: Database, clinic: dict[str, int]
) -> None:
    assert found(database, "duloxetine") == [clinic["draft"], clinic["newer"], clinic["old"]]
    assert found(database, "DULOX") == found(database, "duloxetine")
    assert found(database, "dulox nause") == [clinic["old"]]
    hits = search_notes(database, NoteQuery("nausea"))
    assert hits[0].patient_id == clinic["muller"]
    assert hits[0].patient_name.startswith("Müller")
    assert hits[0].signed
    assert "nausea" in hits[0].excerpt
    assert hits[0].excerpt.startswith("S: ")
    assert not search_notes(database, NoteQuery("feet warmer"))[0].signed


def test_newest_first_goes_by_visit_date_not_by_when_it_was_charted(
    database: Database, clinic: dict[str, int]
) -> None:
    """A paper note typed in today for a visit two months ago comes last."""
    backdated = new_visit(database, clinic["muller"], 60)
    notes.save_draft(database, backdated, note_saying("Duloxetine first prescribed."))
    assert found(database, "duloxetine") == [
        clinic["draft"],
        clinic["newer"],
        clinic["old"],
        backdated,
    ]


def test_accents_case_and_structured_values_are_searchable(
    database: Database, clinic: dict[str, int]
) -> None:
    assert found(database, "brulure") == [clinic["old"]]  # typed without the accent
    assert found(database, "BRÛLURE") == [clinic["old"]]
    assert set(found(database, "st36")) == {clinic["old"], clinic["newer"], clinic["draft"]}
    assert set(found(database, "EX-LE10")) == set(found(database, "st36"))  # point codes
    assert found(database, "polyneuropathy")  # the diagnosis text


def test_best_match_first_ranks_the_closest_note_on_top(
    database: Database, clinic: dict[str, int]
) -> None:
    patient = patients.create_patient(database, make_draft(family_name="Reyes"))
    visit = new_visit(database, patient.id, 5)
    notes.save_draft(
        database, visit, note_saying("Oxaliplatin cold pain. Oxaliplatin finished. Oxaliplatin.")
    )
    other = new_visit(database, patient.id, 4)
    notes.save_draft(database, other, note_saying("Oxaliplatin once, long ago." + " filler" * 80))
    assert found(database, "oxaliplatin", NoteOrder.BEST) == [visit, other]
    assert found(database, "oxaliplatin") == [other, visit]


def test_a_changed_draft_is_found_by_its_new_words_only(
    database: Database, clinic: dict[str, int]
) -> None:
    state = notes.load_note(database, clinic["draft"])
    notes.save_draft(
        database,
        clinic["draft"],
        note_saying("Tingling in the thumbs since Sunday."),
        expected_version=state.version,
    )
    assert found(database, "thumbs") == [clinic["draft"]]
    assert clinic["draft"] not in found(database, "warmer")


def test_raw_sql_writes_keep_the_index_in_step(
    database: Database, clinic: dict[str, int], db_path: Path
) -> None:
    with sqlite3.connect(db_path) as raw:
        raw.execute(
            "UPDATE visit_notes SET content = json_set(content, '$.subjective.text', 'zebra')"
            " WHERE visit_id = ?",
            (clinic["draft"],),
        )
    assert found(database, "zebra") == [clinic["draft"]]
    with sqlite3.connect(db_path) as raw:
        raw.execute("DELETE FROM visit_notes WHERE visit_id = ?", (clinic["draft"],))
    assert found(database, "zebra") == []


@pytest.mark.parametrize(
    "text",
    ['"', 'dulox"', "NEAR(a b)", "a OR b AND NOT c", "*", "^dulox", "col:dulox", "—", "  ", "🦶"],
)
def test_search_syntax_in_the_box_is_taken_as_words(
    database: Database, clinic: dict[str, int], text: str
) -> None:
    assert isinstance(found(database, text), list)
    assert isinstance(found(database, text, NoteOrder.BEST), list)


def test_many_hits_are_cut_to_one_page(database: Database) -> None:
    patient = patients.create_patient(database, make_draft())
    for day in range(7):
        notes.save_draft(database, new_visit(database, patient.id, day + 1), charted_note())
    hits = search_notes(database, NoteQuery("burning", limit=5))
    assert len(hits) == 5


def test_notes_written_before_the_index_existed_are_found_after_the_upgrade(
    db_path: Path,
) -> None:
    database = open_database(str(db_path))
    patient = patients.create_patient(database, make_draft())
    signed = new_visit(database, patient.id, 3)
    notes.sign_note(database, signed, "Lena", note_saying("Capsaicin cream stings."))
    with database.engine.connect() as connection:
        command.downgrade(alembic_config(connection), "0007")
        connection.commit()
    database.close()
    database = open_database(str(db_path))  # the app's own upgrade
    try:
        assert current_revision(database) == head_revision()
        assert found(database, "capsaicin") == [signed]
    finally:
        database.close()


def test_excerpt_shows_the_words_in_their_section() -> None:
    note = SessionNote(
        subjective=Subjective(chief_complaint="Numb toes", text="x " * 200 + "gabapentin raised"),
        objective=Objective(inspection="Skin intact"),
    )
    content = json.dumps(to_dict(note))
    shown = excerpt(content, ["gabap"])
    assert shown.startswith("S: …")
    assert "gabapentin raised" in shown
    assert excerpt(content, ["skin"]) == "O: Skin intact"
    assert excerpt("not json", ["x"]) == ""


def test_a_note_that_is_not_json_is_still_indexed_and_replaceable(
    database: Database, clinic: dict[str, int], db_path: Path
) -> None:
    with sqlite3.connect(db_path) as raw:
        raw.execute(
            "UPDATE visit_notes SET content = 'not json: walrus' WHERE visit_id = ?",
            (clinic["draft"],),
        )
    assert found(database, "walrus") == [clinic["draft"]]
    with sqlite3.connect(db_path) as raw:
        raw.execute(
            'UPDATE visit_notes SET content = \'{"subjective": {"text": "otter"}}\''
            " WHERE visit_id = ?",
            (clinic["draft"],),
        )
    assert found(database, "walrus") == []
    assert found(database, "otter") == [clinic["draft"]]
