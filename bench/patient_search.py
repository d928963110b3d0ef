"""Patient search at clinic scale: one keystroke through the app vs the same raw query.

Builds (once, cached in bench/.data/) a database of 50,000 patients through
the app's own models, then times, per search-box entry, the list model's
fetch (service + repository + row mapping) against a raw sqlite3 query
returning the same rows, and reports medians and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from acuchart.db import sqlite as sqlite_support
from acuchart.db.database import Database, open_database
from acuchart.db.models import Patient
from acuchart.db.repositories import apply_draft
from acuchart.patient_search import PAGE_SIZE, PatientQuery
from acuchart.search_text import words
from acuchart.services.demo import demo_patient
from acuchart.services.patients import search_patients
from acuchart.validation import phone_digits

DATA_DIR = Path(__file__).with_name(".data")
PATIENTS = 50_000
QUERIES = ("m", "mu", "mül", "müll", "ok", "oka", "kim", "garcia m", "1961-07-08", "555", "1958")
RUNS = 25


def build(path: Path, patients: int) -> None:
    """Insert generated patients in batches, through the models (derived columns included)."""
    database = open_database(str(path))
    rng = random.Random(50_000)
    today = dt.date(2026, 11, 25)
    try:
        for start in range(0, patients, 5_000):
            with database.unit_of_work() as session:
                for _ in range(min(5_000, patients - start)):
                    patient = Patient()
                    apply_draft(patient, demo_patient(rng, today))
                    session.add(patient)
    finally:
        database.close()


def raw_fetch(connection: sqlite3.Connection, text: str) -> list[tuple[object, ...]]:
    """The same page the app asks for, written by hand against sqlite3 (the floor)."""
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
        if len(digits) == 4:
            ranges.append("SELECT id FROM patients WHERE date_of_birth BETWEEN ? AND ?")
            args += [f"{digits}-01-01", f"{digits}-12-31"]
        where = f"id IN ({' UNION ALL '.join(ranges)})"
    else:
        where = f"id IN (SELECT rowid FROM {sqlite_support.PATIENT_FTS_TABLE} WHERE "
        where += f"{sqlite_support.PATIENT_FTS_TABLE} MATCH ?)"
        args = [sqlite_support.fts_prefix_query(words(text))]
    sql = f"SELECT {columns} FROM patients WHERE archived_at IS NULL AND ({where}) {order}"
    count = f"SELECT count(*) FROM patients WHERE archived_at IS NULL AND ({where})"
    connection.execute(count, args).fetchone()
    return connection.execute(sql, args).fetchall()


def median_ms(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(database: Database, path: Path, runs: int) -> list[tuple[str, float, float]]:
    raw = sqlite3.connect(path)
    for pragma in sqlite_support.CONNECTION_PRAGMAS:
        raw.execute(pragma)
    results = []
    for text in QUERIES:
        app_page = search_patients(database, PatientQuery(text=text))
        assert [row.id for row in app_page.rows] == [row[0] for row in raw_fetch(raw, text)], text
        app = median_ms(partial(search_patients, database, PatientQuery(text=text)), runs)
        floor = median_ms(partial(raw_fetch, raw, text), runs)
        results.append((text, app, floor))
    raw.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=PATIENTS)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    path = DATA_DIR / f"patients-{args.patients}.db"
    if not path.exists():
        print(f"Building {args.patients:,} patients in {path} (once) …", flush=True)
        DATA_DIR.mkdir(exist_ok=True)
        unfinished = path.with_suffix(".partial")
        unfinished.unlink(missing_ok=True)
        build(unfinished, args.patients)
        unfinished.rename(path)
    database = open_database(str(path))
    try:
        results = measure(database, path, args.runs)
    finally:
        database.close()
    print(f"\nPatient search, {args.patients:,} patients, median of {args.runs} runs")
    print(f"{'search box':<14}{'app ms':>9}{'raw ms':>9}{'ratio':>8}")
    for text, app, floor in results:
        print(f"{text:<14}{app:>9.2f}{floor:>9.2f}{app / floor:>8.1f}")
    worst = max(app for _, app, _ in results)
    print(f"\nslowest keystroke: {worst:.1f} ms (a frame at 60 Hz is 16.7 ms)")
    return 0
