"""Migrations never lose data: a filled old chart upgrades whole, with every trigger in place.

Each schema step is filled with raw SQL as that revision's tables stood, so
the data is what an older AcuChart really wrote.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from acuchart.bodymap.model import BodyMap
from acuchart.bodymap.symptoms import Symptom
from acuchart.db import sqlite as sqlite_support
from acuchart.db.database import Database, open_database
from acuchart.db.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    migration_connection,
)
from acuchart.db.signing_guard import SIGNED_MESSAGE
from acuchart.patient_search import PatientQuery
from acuchart.services import body_maps, notes, patients
from tests.conftest import make_draft
from tests.unit.test_body_map_service import new_visit
from tests.unit.test_note_service import charted_note

PATIENT_COLUMNS = (
    "family_name, given_names, preferred_name, date_of_birth, sex, phone, email, address,"
    " emergency_contact, referring_physician, chemotherapy_agent, cause_details,"
    " onset_precision, left_hand_affected, right_hand_affected, left_foot_affected,"
    " right_foot_affected, conditions, medications, allergies, notes, created_at, updated_at,"
    " name_sort_key, name_search_text, phone_digits, phone_digits_reversed"
)
WHEN = "'2026-01-05 09:30:00'"


def upgrade_plainly(db_path: Path, revision: str) -> None:
    """Bring the file to one revision, as the AcuChart of that time would have left it."""
    database = open_database(str(db_path), upgrade=False)
    try:
        with database.engine.connect() as connection:
            command.upgrade(alembic_config(connection), revision)
            connection.commit()
    finally:
        database.close()


def fill_revision_0001(raw: sqlite3.Connection) -> None:
    people = [("Müller", "Zoë", "muller", "zoe"), ("Okafor", "Nkechi", "okafor", "nkechi")]
    for number, (family, given, folded_family, folded_given) in enumerate(people, 1):
        raw.execute(
            f"INSERT INTO patients (id, {PATIENT_COLUMNS}) VALUES (?, ?, ?, '', '1950-01-01',"
            " 'female', '', '', '', '', '', '', '', 'day', 0, 0, 1, 1, '', '', '', '',"
            f" {WHEN}, {WHEN}, ?, ?, '', '')",
            (
                number,
                family,
                given,
                f"{folded_family}\x1f{folded_given}",
                f" {folded_family} {folded_given} ",
            ),
        )
    raw.execute("INSERT INTO patient_precautions VALUES (1, 'bleeding_risk')")
    raw.execute("INSERT INTO patient_precautions VALUES (2, 'pacemaker_or_implant')")
    for visit_id, patient_id, status in [(1, 1, "signed"), (2, 1, "draft"), (3, 2, "draft")]:
        raw.execute(
            "INSERT INTO visits (id, patient_id, started_at, practitioner_name, status,"
            " signed_at, created_at, updated_at) VALUES (?, ?, ?, 'R. Decicco', ?, ?, ?, ?)",
            (
                visit_id,
                patient_id,
                f"2026-01-0{visit_id} 09:30:00",
                status,
                "2026-01-01 10:30:00" if status == "signed" else None,
                "2026-01-01 09:30:00",
                "2026-01-01 09:30:00",
            ),
        )
    raw.execute("INSERT INTO clinic_settings VALUES ('clinic_name', 'Decicco Acupuncture')")


def fill_revision_0003(raw: sqlite3.Connection) -> None:
    for visit_id in (1, 2):
        raw.execute(
            "INSERT INTO body_map_marks VALUES (?, 'left_foot.plantar', 'heel', 'burning', 7)",
            (visit_id,),
        )
        raw.execute(
            "INSERT INTO body_map_strokes VALUES (?, 0, 'left_foot.plantar', 'sharp', 5, 6.5,"
            " '[[0.0,250.0],[3.3,251.0]]')",
            (visit_id,),
        )
        raw.execute(
            "INSERT INTO sensory_findings VALUES (?, 'left_foot', 'monofilament', 'hallux',"
            " 'not_felt')",
            (visit_id,),
        )


def fill_revision_0004(raw: sqlite3.Connection) -> None:
    content = '{"subjective":{"chief_complaint":"Burning soles","nrs":{"pain_now":6}}}'
    raw.execute(
        "INSERT INTO visit_notes (visit_id, content, format_version, saved_at, signed_by,"
        " signed_at, content_hash) VALUES (1, ?, 1, ?, 'R. Decicco', ?, ?)",
        (content, "2026-01-01 10:30:00", "2026-01-01 10:30:00", "0" * 64),
    )
    raw.execute(
        "INSERT INTO visit_notes (visit_id, content, format_version, saved_at)"
        " VALUES (2, ?, 1, '2026-01-02 10:00:00')",
        (content,),
    )
    for visit_id in (1, 2):
        raw.execute("INSERT INTO visit_scores VALUES (?, 'nrs.pain_now', 6)", (visit_id,))
    raw.execute(
        "INSERT INTO note_addenda (visit_id, author, created_at, text)"
        f" VALUES (1, 'R. Decicco', {WHEN}, 'SP6 too.')"
    )


def filled_old_chart(db_path: Path) -> None:
    """A chart begun at the first schema and used through every later one up to 0004."""
    for revision, fill in [
        ("0001", fill_revision_0001),
        ("0003", fill_revision_0003),
        ("0004", fill_revision_0004),
    ]:
        upgrade_plainly(db_path, revision)
        with sqlite3.connect(db_path) as raw:
            fill(raw)


def table_counts(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(db_path) as raw:
        names = [
            row[0]
            for row in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            if not sqlite_support.is_fts_shadow_table(row[0]) and row[0] != "alembic_version"
        ]
        return {name: raw.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in names}


def triggers_of(db_path: Path) -> set[str]:
    with sqlite3.connect(db_path) as raw:
        rows = raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in rows}


def test_a_filled_chart_from_the_first_schema_upgrades_without_losing_a_row(
    db_path: Path,
) -> None:
    filled_old_chart(db_path)
    before = table_counts(db_path)
    assert all(before.values()), before  # every table holds data before the upgrade
    database = open_database(str(db_path))  # the app's own upgrade: backup, migrate, check
    try:
        assert current_revision(database) == head_revision()
        after = table_counts(db_path)
        assert {table: after[table] for table in before} == before  # new tables start empty
        assert set(sqlite_support.EXPECTED_TRIGGERS) <= triggers_of(db_path)
        with sqlite3.connect(db_path) as raw:
            assert sqlite_support.integrity_problems(raw) == []
            assert raw.execute("SELECT DISTINCT version FROM visit_notes").fetchall() == [(1,)]
            assert raw.execute("SELECT DISTINCT version FROM patients").fetchall() == [(1,)]
        # The old signed visit is locked now; its draft sibling is not.
        with (
            pytest.raises(sqlite3.IntegrityError, match=SIGNED_MESSAGE),
            sqlite3.connect(db_path) as raw,
        ):
            raw.execute("UPDATE visit_notes SET content = '{}' WHERE visit_id = 1")
        state = notes.load_note(database, 2)
        assert state.version == 1
        notes.save_draft(database, 2, charted_note(), expected_version=state.version)
        page = patients.search_patients(database, PatientQuery(text="zoe"))
        assert [row.family_name for row in page.rows] == ["Müller"]
    finally:
        database.close()


def rebuild_tables(connection: Connection, *tables: str) -> None:
    """What a batch migration does on SQLite: copy each table, drop it, rename the copy."""
    operations = Operations(MigrationContext.configure(connection))
    for name in tables:
        with operations.batch_alter_table(name, recreate="always"):
            pass


def filled_chart(database: Database) -> None:
    patient = patients.create_patient(database, make_draft())
    for days_ago, sign in [(2, True), (1, False)]:
        visit_id = new_visit(database, patient.id, days_ago)
        body_maps.save_body_map(
            database, visit_id, BodyMap().with_mark("left_foot.plantar", "heel", Symptom.COLD, 4)
        )
        notes.save_draft(database, visit_id, charted_note())
        if sign:
            notes.sign_note(database, visit_id, "Lena")
            notes.add_addendum(database, visit_id, "Lena", "SP6 too.")


def test_a_batch_migration_keeps_child_rows_and_gets_its_triggers_back(
    database: Database, db_path: Path
) -> None:
    """Rebuilding ``visits`` and ``patients`` (parents of cascading rows) deletes nothing."""
    filled_chart(database)
    before = table_counts(db_path)
    with migration_connection(database) as connection, connection.begin():
        rebuild_tables(connection, "patients", "visits")
        assert not {"visits_signed_no_update", "patients_fts_insert"} & triggers_of_connection(
            connection
        )
        restored = sqlite_support.restore_missing_triggers(connection)
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    assert {"visits_signed_no_update", "patients_signed_no_delete", "patients_fts_insert"} <= set(
        restored
    )
    assert table_counts(db_path) == before
    assert set(sqlite_support.EXPECTED_TRIGGERS) <= triggers_of(db_path)
    with (
        pytest.raises(sqlite3.IntegrityError, match=SIGNED_MESSAGE),
        sqlite3.connect(db_path) as raw,
    ):
        raw.execute("UPDATE visits SET status = 'draft'")


def test_with_foreign_keys_on_the_same_rebuild_would_cascade_delete(
    database: Database, db_path: Path
) -> None:
    """Why migrations run with foreign keys off: the control case, on draft visits only."""
    patient = patients.create_patient(database, make_draft())
    visit_id = new_visit(database, patient.id, 1)
    notes.save_draft(database, visit_id, charted_note())
    assert table_counts(db_path)["visit_scores"] > 0
    with database.engine.connect() as connection, connection.begin():
        # The notes index's trigger cannot write while DROP TABLE cascades (SQLite reports
        # the table locked): one more reason migrations never run with foreign keys on.
        for name in sqlite_support.NOTE_FTS_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER {name}")
        connection.exec_driver_sql("PRAGMA legacy_alter_table=ON")  # as migrations run
        rebuild_tables(connection, "visits")
    counts = table_counts(db_path)
    assert counts["visits"] == 1
    assert counts["visit_notes"] == counts["visit_scores"] == 0


def triggers_of_connection(connection: Connection) -> set[str]:
    return sqlite_support.trigger_names(connection)


def test_the_revision_checked_at_start_is_the_newest_script() -> None:
    from acuchart.db.schema_version import HEAD_REVISION

    assert head_revision() == HEAD_REVISION


def test_a_current_chart_opens_without_loading_alembic(database: Database, db_path: Path) -> None:
    """Start-up reads the stored revision; Alembic loads only when a file needs upgrading."""
    import subprocess
    import sys

    database.close()
    script = (
        "import sys\n"
        "from acuchart.db.database import open_database\n"
        f"open_database({str(db_path)!r}).close()\n"
        "print('alembic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
