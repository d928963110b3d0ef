"""Database figures: patient search, note search, opening a long chart, saving a note.

The floor of each is raw ``sqlite3`` on the same file with the app's own pragmas,
asking for the same rows the app's services ask for (checked equal before timing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import sqlite3
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from acuchart.db import sqlite as sqlite_support
from acuchart.db.database import Database
from acuchart.note_search import NoteOrder, NoteQuery
from acuchart.notes.model import to_dict
from acuchart.patient_search import PAGE_SIZE, PatientQuery
from acuchart.search_text import words
from acuchart.validation import phone_digits
from bench.measure import Figure, medians, summed_medians

NAME_PREFIXES = ("m", "mu", "mül", "müll", "ok", "oka", "kim", "ga", "gar")
NAME_WORDS = ("garcia m", "kim j", "muller z", "okafor n", "nguyen t")
NOTE_WORDS = ("duloxetine", "feet", "oxaliplatin cold", "st36", "walk dog")


def raw_connection(path: Path, key: bytes | None = None) -> Any:
    if key is None:
        connection: Any = sqlite3.connect(path)
    else:
        from sqlcipher3 import dbapi2 as sqlcipher

        connection = sqlcipher.connect(str(path))
        connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    for pragma in sqlite_support.CONNECTION_PRAGMAS:
        connection.execute(pragma)
    return connection


# -- patients --------------------------------------------------------------------------------


def raw_patient_page(connection: Any, text: str) -> list[int]:
    """The count, the page and its precautions, as the app asks, by hand (the same indexes
    and FTS5 table)."""
    columns = (
        "id, family_name, given_names, preferred_name, date_of_birth, phone, "
        "neuropathy_cause, last_visit_at, archived_at"
    )
    order = f"ORDER BY name_sort_key, id LIMIT {PAGE_SIZE}"
    digits = phone_digits(text)
    if text[:1].isdigit() and "-" in text:
        where, args = "date_of_birth = ?", [text]
    elif digits and digits == text.replace(" ", ""):
        reverse = digits[::-1]
        ranges = [
            "SELECT id FROM patients WHERE phone_digits >= ? AND phone_digits < ?",
            "SELECT id FROM patients"
            " WHERE phone_digits_reversed >= ? AND phone_digits_reversed < ?",
        ]
        args = [digits, digits + ":", reverse, reverse + ":"]
        where = f"id IN ({' UNION ALL '.join(ranges)})"
    else:
        where = f"id IN (SELECT rowid FROM {sqlite_support.PATIENT_FTS_TABLE} WHERE "
        where += f"{sqlite_support.PATIENT_FTS_TABLE} MATCH ?)"
        args = [sqlite_support.fts_prefix_query(words(text))]
    sql = f"SELECT {columns} FROM patients WHERE archived_at IS NULL AND ({where}) {order}"
    count = f"SELECT count(*) FROM patients WHERE archived_at IS NULL AND ({where})"
    connection.execute(count, args).fetchone()
    ids = [row[0] for row in connection.execute(sql, args).fetchall()]
    if ids:  # the precaution badges of the rows shown
        marks = ",".join("?" * len(ids))
        connection.execute(
            f"SELECT patient_id, precaution FROM patient_precautions WHERE patient_id IN ({marks})",
            ids,
        ).fetchall()
    return ids


def patient_search_figures(database: Database, connection: Any, runs: int) -> list[Figure]:
    """Keystrokes through the list model (query, rows, model reset) and FTS5 word searches."""
    from acuchart.services.patients import search_patients
    from acuchart.ui.patient_list_model import PatientListModel

    model = PatientListModel(lambda query: search_patients(database, query))

    def keystroke(text: str) -> None:
        """What typing a character does: the list model asks for the new text's page."""
        model.set_query(dataclasses.replace(model.query, text=text))

    def service(text: str) -> list[int]:
        return [row.id for row in search_patients(database, PatientQuery(text=text)).rows]

    for text in NAME_PREFIXES + NAME_WORDS:
        assert service(text) == raw_patient_page(connection, text), text
    keystrokes = [
        (partial(keystroke, text), partial(raw_patient_page, connection, text))
        for text in NAME_PREFIXES
    ]
    app, floor = summed_medians(keystrokes, runs)
    searches = [
        (partial(service, text), partial(raw_patient_page, connection, text)) for text in NAME_WORDS
    ]
    fts_app, fts_floor = summed_medians(searches, runs)
    n, m = len(NAME_PREFIXES), len(NAME_WORDS)
    return [
        Figure(
            "patient search keystroke → list model updated",
            app / n,
            floor / n,
            6,
            floor_name="raw sqlite3 query, same rows",
            note=f"mean of the medians over {n} name prefixes",
        ),
        Figure(
            "patient full-text search (FTS5)",
            fts_app / m,
            fts_floor / m,
            2,
            floor_name="raw FTS5 query, same rows",
            note=f"mean over {m} two-word searches",
        ),
    ]


# -- notes -----------------------------------------------------------------------------------


def raw_note_search(connection: Any, text: str) -> list[tuple[Any, ...]]:
    """Newest visits whose notes match, with the patient and the note (for the excerpt)."""
    match = sqlite_support.fts_prefix_query(NoteQuery(text).words)
    ids = [
        row[0]
        for row in connection.execute(
            "SELECT id FROM visits WHERE id IN (SELECT rowid FROM visit_note_fts"
            " WHERE visit_note_fts MATCH ?) ORDER BY started_at DESC, id DESC LIMIT 50",
            (match,),
        )
    ]
    marks = ",".join("?" * len(ids))
    rows: list[tuple[Any, ...]] = connection.execute(
        "SELECT v.id, v.patient_id, v.started_at, v.status, p.family_name, p.given_names,"
        " n.content FROM visits v JOIN patients p ON p.id = v.patient_id"
        f" JOIN visit_notes n ON n.visit_id = v.id WHERE v.id IN ({marks})",
        ids,
    ).fetchall()
    return rows


def note_search_figures(database: Database, connection: Any, runs: int) -> list[Figure]:
    from acuchart.services.note_search import search_notes

    def newest(text: str) -> list[int]:
        return [hit.visit_id for hit in search_notes(database, NoteQuery(text))]

    for text in NOTE_WORDS:
        raw = sorted(row[0] for row in raw_note_search(connection, text))
        assert sorted(newest(text)) == raw, text
    cases = [
        (partial(newest, text), partial(raw_note_search, connection, text)) for text in NOTE_WORDS
    ]
    app, floor = summed_medians(cases, runs)
    ranked = [
        medians(partial(search_notes, database, NoteQuery(text, NoteOrder.BEST)), None, 3)[0]
        for text in NOTE_WORDS
    ]
    n = len(NOTE_WORDS)
    return [
        Figure(
            "note full-text search, newest first",
            app / n,
            floor / n,
            7,
            floor_name="raw FTS5 + visits query, same rows",
            note=f"mean over {n} searches; ranked search (off the GUI thread) "
            f"took {sum(ranked) / n:.0f} ms",
            details={"ranked_ms": dict(zip(NOTE_WORDS, ranked, strict=True))},
        )
    ]


# -- a long chart ----------------------------------------------------------------------------


def longest_chart(connection: Any, visits: int = 200) -> int:
    row = connection.execute(
        "SELECT patient_id FROM visits GROUP BY patient_id HAVING count(*) = ? LIMIT 1",
        (visits,),
    ).fetchone()
    return int(row[0])


def open_chart(database: Database, patient_id: int) -> None:
    """What opening a chart loads, tab by tab: the record, the visits, the latest map, the
    score trends and the map figures over the course."""
    from acuchart.services.body_maps import course_figures, load_body_map
    from acuchart.services.notes import score_flowsheet
    from acuchart.services.patients import get_patient
    from acuchart.services.visits import list_visits

    get_patient(database, patient_id)
    visits = list_visits(database, patient_id)
    load_body_map(database, visits[0].id)
    score_flowsheet(database, patient_id)
    course_figures(database, patient_id)


def raw_open_chart(connection: Any, patient_id: int) -> None:
    connection.execute("SELECT * FROM patients WHERE id = ?", (patient_id,)).fetchall()
    connection.execute(
        "SELECT precaution FROM patient_precautions WHERE patient_id = ?", (patient_id,)
    ).fetchall()
    visits = connection.execute(
        "SELECT * FROM visits WHERE patient_id = ? ORDER BY started_at DESC, id DESC",
        (patient_id,),
    ).fetchall()
    latest = visits[0][0]
    for table in ("body_map_marks", "body_map_strokes", "sensory_findings"):
        connection.execute(f"SELECT * FROM {table} WHERE visit_id = ?", (latest,)).fetchall()
    connection.execute(
        "SELECT s.name, s.value, v.id, v.started_at, v.status FROM visit_scores s"
        " JOIN visits v ON v.id = s.visit_id WHERE v.patient_id = ?",
        (patient_id,),
    ).fetchall()
    ids = [row[0] for row in visits]
    marks = ",".join("?" * len(ids))
    for table in ("body_map_marks", "body_map_strokes", "sensory_findings"):
        connection.execute(f"SELECT * FROM {table} WHERE visit_id IN ({marks})", ids).fetchall()


def chart_figures(database: Database, connection: Any, runs: int) -> list[Figure]:
    patient_id = longest_chart(connection)
    app, floor = medians(
        partial(open_chart, database, patient_id),
        partial(raw_open_chart, connection, patient_id),
        runs,
    )
    return [
        Figure(
            "open a chart with 200 visits (data)",
            app,
            floor,
            4,
            floor_name="raw loading of the same rows",
        )
    ]


# -- saving a note ---------------------------------------------------------------------------


def scratch_visit(database: Database, connection: Any) -> int:
    """A draft visit for a patient with a long chart, made through the app (removed after)."""
    from acuchart.services.visits import create_visit
    from acuchart.visits import VisitDraft

    patient_id = longest_chart(connection)
    draft = VisitDraft(dt.datetime.now(dt.UTC).replace(microsecond=0), "Bench Practitioner")
    return create_visit(database, patient_id, draft).id


def remove_scratch_visit(connection: Any, visit_id: int) -> None:
    with connection:
        for table in ("visit_scores", "visit_notes", "visits"):
            column = "id" if table == "visits" else "visit_id"
            connection.execute(f"DELETE FROM {table} WHERE {column} = ?", (visit_id,))


def save_functions(
    database: Database, connection: Any, visit_id: int
) -> tuple[Callable[[], object], Callable[[], object]]:
    from acuchart.patients import Limb, NeuropathyCause
    from acuchart.services.demo_notes import demo_note
    from acuchart.services.notes import derive_scores, load_note, save_draft
    from bench.generate import HISTORY

    state = {"version": load_note(database, visit_id).version, "turn": 0}
    feet = frozenset({Limb.LEFT_FOOT, Limb.RIGHT_FOOT})
    base = demo_note(random.Random(7), NeuropathyCause.CHEMOTHERAPY, feet, 3, 0.5, 0.5)

    def note_for(turn: int) -> Any:
        text = HISTORY[turn % len(HISTORY)] + f" ({turn})"
        return dataclasses.replace(base, subjective=dataclasses.replace(base.subjective, text=text))

    def app() -> None:
        state["turn"] += 1
        save_draft(database, visit_id, note_for(state["turn"]), expected_version=state["version"])
        state["version"] += 1

    def raw() -> None:
        state["turn"] += 1
        note = note_for(state["turn"])
        content = json.dumps(to_dict(note), ensure_ascii=False, separators=(",", ":"))
        with connection:  # one transaction, committed with synchronous=FULL
            connection.execute(
                "UPDATE visit_notes SET content = ?, saved_at = ?, version = version + 1"
                " WHERE visit_id = ?",
                (content, dt.datetime.now(dt.UTC).isoformat(), visit_id),
            )
            connection.execute("DELETE FROM visit_scores WHERE visit_id = ?", (visit_id,))
            connection.executemany(
                "INSERT INTO visit_scores (visit_id, name, value) VALUES (?, ?, ?)",
                [(visit_id, name, value) for name, value in derive_scores(note).items()],
            )
        state["version"] += 1

    app()  # the first save inserts the note; the measured ones change it, as typing does
    return app, raw


def save_figures(database: Database, connection: Any, runs: int) -> list[Figure]:
    visit_id = scratch_visit(database, connection)
    try:
        app, raw = save_functions(database, connection, visit_id)
        app_ms, floor_ms = medians(app, raw, runs)
    finally:
        remove_scratch_visit(connection, visit_id)
    return [
        Figure(
            "save a note durably (synchronous=FULL)",
            app_ms,
            floor_ms,
            3,
            floor_name="raw sqlite3 write + commit, same rows",
        )
    ]
