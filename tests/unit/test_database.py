"""Opening, migrating and refusing databases, on real files."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from acuchart.db import sqlite as sqlite_support
from acuchart.db.database import Database, open_database, url_from_path_or_url
from acuchart.db.errors import DatabaseOpenError
from acuchart.db.migrate import (
    BACKUP_FOLDER_NAME,
    alembic_config,
    check_models_match_migrations,
    current_revision,
    head_revision,
)
from acuchart.locations import DATABASE_ENV, default_database_path, resolve_database
from acuchart.patient_search import PatientQuery
from acuchart.services import patients
from tests.conftest import make_draft


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_connection_gets_the_safety_pragmas(database: Database) -> None:
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_a_new_database_is_created_at_the_newest_schema(database: Database) -> None:
    assert current_revision(database) == head_revision()
    check_models_match_migrations(database)  # `alembic check`: models and migrations agree


def test_migrations_run_from_empty_to_head_and_back(db_path: Path) -> None:
    database = open_database(str(db_path), upgrade=False)
    try:
        with database.engine.connect() as connection:
            command.upgrade(alembic_config(connection), "head")
            command.downgrade(alembic_config(connection), "base")
            command.upgrade(alembic_config(connection), "head")
            connection.commit()
        assert current_revision(database) == head_revision()
        check_models_match_migrations(database)
    finally:
        database.close()


def test_upgrading_a_database_with_data_backs_it_up_first(db_path: Path) -> None:
    """An older chart (revision 0001) is copied before the upgrade, and its data survives."""
    old = open_database(str(db_path), upgrade=False)
    with old.engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0001")
        connection.commit()
    old.close()
    with sqlite3.connect(db_path) as raw:
        raw.execute(
            "INSERT INTO patients (family_name, given_names, preferred_name, date_of_birth, sex,"
            " phone, email, address, emergency_contact, referring_physician, chemotherapy_agent,"
            " cause_details, onset_precision, left_hand_affected, right_hand_affected,"
            " left_foot_affected, right_foot_affected, conditions, medications, allergies, notes,"
            " created_at, updated_at, name_sort_key, name_search_text, phone_digits,"
            " phone_digits_reversed) VALUES ('Müller', 'Zoë', '', '1950-01-01', 'female', '', '',"
            " '', '', '', '', '', 'day', 0, 0, 1, 1, '', '', '', '', '2026-01-01 00:00:00',"
            " '2026-01-01 00:00:00', 'muller\x1fzoe', ' muller zoe ', '', '')"
        )
    upgraded = open_database(str(db_path))
    try:
        backups = list((db_path.parent / BACKUP_FOLDER_NAME).glob("*.db"))
        assert len(backups) == 1
        assert "before-upgrade-from-0001" in backups[0].name
        with sqlite3.connect(backups[0]) as copy:
            assert copy.execute("SELECT family_name FROM patients").fetchall() == [("Müller",)]
        page = patients.search_patients(upgraded, PatientQuery(text="zoe"))
        assert [row.family_name for row in page.rows] == ["Müller"]  # index built for old rows
    finally:
        upgraded.close()


def test_opening_an_up_to_date_database_makes_no_backup(db_path: Path) -> None:
    open_database(str(db_path)).close()
    open_database(str(db_path)).close()
    assert not (db_path.parent / BACKUP_FOLDER_NAME).exists()


def test_name_index_follows_edits_and_deletes(database: Database) -> None:
    record = patients.create_patient(database, make_draft(family_name="Walsh"))
    patients.update_patient(database, record.id, make_draft(family_name="Brennan"))
    assert patients.search_patients(database, PatientQuery(text="walsh")).total == 0
    assert patients.search_patients(database, PatientQuery(text="bren")).total == 1
    patients.delete_patient(database, record.id)
    assert patients.search_patients(database, PatientQuery(text="bren")).total == 0
    with database.engine.connect() as connection:
        check = (
            f"INSERT INTO {sqlite_support.PATIENT_FTS_TABLE}({sqlite_support.PATIENT_FTS_TABLE})"
        )
        connection.exec_driver_sql(check + " VALUES ('integrity-check')")


def test_a_schema_from_a_newer_version_is_refused(database: Database, db_path: Path) -> None:
    with database.unit_of_work() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    database.close()
    before = digest(db_path)
    with pytest.raises(DatabaseOpenError, match="newer version of AcuChart"):
        open_database(str(db_path))
    assert digest(db_path) == before


# -- bad database locations: a clear message naming the file, and the file left as it was


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseOpenError) as raised:
        open_database(str(tmp_path))
    assert str(tmp_path) in str(raised.value)
    assert "is a folder" in str(raised.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"%PDF-1.7\n" + b"x" * 5000, "not an SQLite file"),
        ("Family name;Given\nMüller;Zoë\n".encode(), "not an SQLite file"),
    ],
)
def test_files_that_are_not_databases_are_refused_untouched(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "patients.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseOpenError) as raised:
        open_database(str(path))
    assert str(path) in str(raised.value)
    assert message in str(raised.value)
    assert "left as it was" in str(raised.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["patients.db"]


def test_an_sqlite_file_of_another_program_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE songs (title TEXT)")
    before = digest(path)
    with pytest.raises(DatabaseOpenError, match="not an AcuChart one"):
        open_database(str(path))
    assert digest(path) == before


def test_a_damaged_database_is_refused_untouched(database: Database, db_path: Path) -> None:
    for number in range(300):
        patients.create_patient(
            database, make_draft(family_name=f"Patient {number}", notes="n" * 500)
        )
    database.close()
    data = bytearray(db_path.read_bytes())
    page_size = 4096
    for offset in range(page_size * 3, page_size * 6):  # scribble over a few pages
        data[offset] = 0x5A
    db_path.write_bytes(bytes(data))
    before = digest(db_path)
    with pytest.raises(DatabaseOpenError) as raised:
        open_database(str(db_path))
    assert "damaged" in str(raised.value)
    assert str(db_path) in str(raised.value)
    assert digest(db_path) == before


def test_a_truncated_database_is_refused(database: Database, db_path: Path) -> None:
    for number in range(100):
        patients.create_patient(database, make_draft(family_name=f"P{number}", notes="n" * 900))
    database.close()
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatabaseOpenError, match="damaged"):
        open_database(str(db_path))


def test_a_location_that_cannot_be_created_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(DatabaseOpenError, match="cannot be created"):
        open_database(str(blocker / "chart.db"))
    assert blocker.read_text() == "a file where a folder should be"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to read-only files")
def test_a_read_only_file_is_refused(database: Database, db_path: Path) -> None:
    database.close()
    db_path.chmod(0o444)
    with pytest.raises(DatabaseOpenError, match="read-only"):
        open_database(str(db_path))


def test_an_unwritable_folder_is_refused() -> None:
    """/proc refuses new files even to root, so this runs everywhere."""
    with pytest.raises(DatabaseOpenError, match="cannot be created"):
        open_database("/proc/acuchart-test/chart.db")


def test_database_location_comes_from_option_then_environment_then_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert resolve_database(None) == str(default_database_path())
    assert str(default_database_path()).startswith(os.environ["XDG_DATA_HOME"])
    monkeypatch.setenv(DATABASE_ENV, "postgresql://clinic-server/acuchart")
    assert resolve_database(None) == "postgresql://clinic-server/acuchart"
    assert resolve_database(str(tmp_path / "x.db")) == str(tmp_path / "x.db")
    assert url_from_path_or_url(str(tmp_path / "a b.db")) == f"sqlite:///{tmp_path}/a b.db"


def test_the_default_database_is_created_on_first_open(tmp_path: Path) -> None:
    path = default_database_path()
    assert not path.exists()
    open_database(resolve_database(None)).close()
    assert path.exists()


def test_opening_gives_the_query_planner_statistics(database: Database, db_path: Path) -> None:
    """Without sqlite_stat1 a birth-date search walks every patient (see bench/README.md)."""
    import datetime as dt

    from acuchart.db.models import Patient
    from acuchart.db.repositories import apply_draft

    with database.unit_of_work() as session:
        for number in range(2_000):
            patient = Patient()
            born = dt.date(1930, 1, 1) + dt.timedelta(days=number * 11)
            apply_draft(patient, make_draft(family_name=f"P{number}", date_of_birth=born))
            session.add(patient)
    database.close()
    reopened = open_database(str(db_path))
    try:
        with reopened.engine.connect() as connection:
            tables = connection.exec_driver_sql("SELECT DISTINCT tbl FROM sqlite_stat1").scalars()
            assert "patients" in set(tables)
            plan = " ".join(
                row[3]
                for row in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT id FROM patients WHERE archived_at IS NULL "
                    "AND date_of_birth = '1956-04-02' ORDER BY name_sort_key LIMIT 200"
                )
            )
        assert "ix_patients_date_of_birth" in plan
    finally:
        reopened.close()


@pytest.mark.parametrize("revision", ["0001", "0002", "abc123"])
def test_another_programs_alembic_database_is_refused_untouched(
    tmp_path: Path, revision: str
) -> None:
    path = tmp_path / "inventory.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        other.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
        other.execute("CREATE TABLE items (name TEXT)")
    before = digest(path)
    with pytest.raises(DatabaseOpenError, match="not an AcuChart one"):
        open_database(str(path))
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inventory.db"]


def test_an_encrypted_chart_without_its_key_file_says_so(tmp_path: Path) -> None:
    """Random-looking bytes and no key file: the message points at the missing key file."""
    import os

    path = tmp_path / "chart.db"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(DatabaseOpenError, match=r"key file chart\.db\.keys is missing"):
        open_database(str(path))
    (tmp_path / "notes.db").write_bytes(b"%PDF-1.7\n" + b"x" * 5000)
    with pytest.raises(DatabaseOpenError) as raised:
        open_database(str(tmp_path / "notes.db"))
    assert "key file" not in str(raised.value)
