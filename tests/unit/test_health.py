"""The quick check apart from opening: sound, damaged, cancelled, and before an upgrade."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from alembic import command

from acuchart.db.database import Database, DatabaseClosedError, open_database
from acuchart.db.errors import DatabaseOpenError
from acuchart.db.health import HealthCheck, quick_check_problems
from acuchart.db.migrate import alembic_config
from acuchart.services import patients
from tests.conftest import make_draft
from tests.unit.test_database import digest


def filled(database: Database, count: int = 300) -> None:
    for number in range(count):
        patients.create_patient(
            database, make_draft(family_name=f"Patient {number}", notes="n" * 500)
        )


def scribble(db_path: Path) -> None:
    data = bytearray(db_path.read_bytes())
    for offset in range(4096 * 3, 4096 * 6):  # a few pages of patient rows
        data[offset] = 0x5A
    db_path.write_bytes(bytes(data))


def test_a_sound_file_has_no_problems_and_gets_statistics(
    database: Database, db_path: Path
) -> None:
    filled(database, 20)
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TABLE IF EXISTS sqlite_stat1")
    assert HealthCheck(db_path).check_and_refresh() == []
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0


def test_damage_is_found_and_the_file_left_as_it_was(database: Database, db_path: Path) -> None:
    filled(database)
    database.close()
    scribble(db_path)
    before = digest(db_path)
    check = HealthCheck(db_path)
    problems = check.check_and_refresh()
    assert problems
    assert quick_check_problems(db_path) == problems
    assert digest(db_path) == before  # no statistics written to a damaged file


def test_a_damaged_file_that_needs_an_upgrade_is_refused_before_anything_is_written(
    database: Database, db_path: Path
) -> None:
    filled(database)
    with database.engine.connect() as connection:
        command.downgrade(alembic_config(connection), "0007")
        connection.commit()
    database.close()
    scribble(db_path)
    before = digest(db_path)
    with pytest.raises(DatabaseOpenError, match="damaged"):
        open_database(str(db_path), quick_check=False)
    assert digest(db_path) == before


def test_a_cancelled_check_ends_at_once_without_a_verdict(
    database: Database, db_path: Path
) -> None:
    filled(database, 50)
    check = HealthCheck(db_path)
    check.cancel()
    assert check.check_and_refresh() == []
    assert check.was_cancelled()
    running = HealthCheck(db_path)
    done = threading.Event()

    def check_then_signal() -> None:
        running.problems()
        done.set()

    threading.Thread(target=check_then_signal, daemon=True).start()
    running.cancel()
    assert done.wait(10)


def test_a_closed_database_refuses_writes(database: Database) -> None:
    database.close()
    with pytest.raises(DatabaseClosedError), database.unit_of_work():
        pass
