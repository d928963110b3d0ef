"""Backups and restore on real SQLite files: checks, rotation, live writes, damaged files, CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from acuchart import backups
from acuchart.backups import (
    BackupError,
    backups_to_keep,
    describe_backup,
    make_backup,
    restore_backup,
    rotate_backups,
)
from acuchart.db import sqlite as sqlite_support
from acuchart.db.database import open_database
from acuchart.db.errors import DatabaseOpenError
from acuchart.db.migrate import BACKUP_FOLDER_NAME, head_revision
from acuchart.notes.model import SessionNote, Subjective
from acuchart.services import notes, patients, visits
from acuchart.services.demo import fill_demo_clinic
from acuchart.visits import VisitDraft
from tests.conftest import make_draft

NOW = dt.datetime(2026, 3, 20, 20, 0, tzinfo=dt.UTC)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def row_counts(path: Path) -> dict[str, int]:
    with sqlite_support.read_only_connection(path) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in names
        }


def signed_note(path: Path) -> tuple[int, str, str]:
    with sqlite_support.read_only_connection(path) as connection:
        row = connection.execute(
            "SELECT visit_id, content, content_hash FROM visit_notes"
            " WHERE signed_at IS NOT NULL ORDER BY visit_id LIMIT 1"
        ).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def good_backups(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if backups.backup_time(p.name) is not None)


@pytest.fixture
def clinic(db_path: Path) -> Path:
    """A closed database file holding the demo clinic's first eight patients."""
    database = open_database(str(db_path))
    try:
        fill_demo_clinic(database, patients=8)
    finally:
        database.close()
    return db_path


def test_backup_and_restore_round_trip(clinic: Path) -> None:
    result = make_backup(clinic, None, now=NOW)
    assert result.path == clinic.parent / BACKUP_FOLDER_NAME / "acuchart-20260320-200000.db"
    assert result.summary.patients == 8
    assert result.summary.visits == row_counts(clinic)["visits"] > 0
    assert result.summary.schema_revision == head_revision()
    assert result.summary.made_at == NOW
    assert result.summary.size_bytes == result.path.stat().st_size
    assert not list(result.path.parent.glob("*.partial"))
    counts, note = row_counts(clinic), signed_note(clinic)

    database = open_database(str(clinic))
    try:
        patients.create_patient(database, make_draft(family_name="Added-After-Backup"))
    finally:
        database.close()
    assert row_counts(clinic)["patients"] == 9

    safety = restore_backup(result.path, str(clinic), now=NOW + dt.timedelta(minutes=5))
    assert row_counts(clinic) == counts
    assert signed_note(clinic) == note
    assert safety == clinic.parent / BACKUP_FOLDER_NAME / "chart-before-restore-20260320-200500.db"
    assert row_counts(safety)["patients"] == 9
    reopened = open_database(str(clinic))  # the restored file opens and verifies as usual
    try:
        assert notes.verify_visit(reopened, note[0]) is not None
    finally:
        reopened.close()


def test_a_backup_taken_during_live_writes_holds_every_earlier_note(clinic: Path) -> None:
    database = open_database(str(clinic))
    patient = patients.create_patient(database, make_draft())
    committed: list[int] = []
    started = threading.Event()
    stop = threading.Event()

    def write_notes() -> None:
        number = 0
        while not stop.is_set():
            visit = visits.create_visit(
                database,
                patient.id,
                VisitDraft(started_at=NOW - dt.timedelta(days=1), practitioner_name="Dr Lee"),
                now=NOW,
            )
            note = SessionNote(subjective=Subjective(chief_complaint=f"note {number}"))
            notes.save_draft(database, visit.id, note)
            committed.append(visit.id)
            number += 1
            if number == 20:
                started.set()

    writer = threading.Thread(target=write_notes)
    writer.start()
    try:
        assert started.wait(timeout=60)
        before = list(committed)
        result = make_backup(clinic, clinic.parent / "usb", now=NOW)
        after = len(committed)
    finally:
        stop.set()
        writer.join(timeout=60)
        database.close()
    assert after > len(before)  # the writer really ran during the backup
    with sqlite3.connect(result.path) as copy:
        assert sqlite_support.integrity_problems(copy) == []
        saved = dict(copy.execute("SELECT visit_id, content FROM visit_notes").fetchall())
    for number, visit_id in enumerate(before):
        assert f'"note {number}"' in saved[visit_id]


@pytest.mark.parametrize("damage", ["truncated", "random bytes", "sqlite header then noise"])
def test_a_damaged_backup_is_refused_and_the_database_left_alone(
    clinic: Path, tmp_path: Path, damage: str
) -> None:
    good = make_backup(clinic, None, now=NOW).path
    bad = tmp_path / "bad.db"
    data = good.read_bytes()
    if damage == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "random bytes":
        bad.write_bytes(os.urandom(len(data)))
    else:
        bad.write_bytes(data[:4096] + os.urandom(len(data) - 4096))
    before = digest(clinic)
    with pytest.raises(BackupError, match=r"bad\.db") as described:
        describe_backup(bad)
    if damage == "truncated":
        assert "truncated" in str(described.value)
    with pytest.raises(BackupError):
        restore_backup(bad, clinic, now=NOW)
    assert digest(clinic) == before
    assert good_backups(good.parent) == [good]
    assert not list(good.parent.glob("*before-restore*"))


def test_a_copy_that_fails_its_check_is_deleted_never_named_as_a_backup(
    clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_database = sqlite_support.copy_database

    def copy_then_damage(source: Path, destination: Path) -> None:
        copy_database(source, destination)
        data = bytearray(destination.read_bytes())
        page_size = int.from_bytes(data[16:18], "big")
        for page in range(2, len(data) // page_size, 3):  # every third page, not the header
            data[page * page_size : page * page_size + 64] = b"\xa5" * 64
        destination.write_bytes(bytes(data))

    monkeypatch.setattr(sqlite_support, "copy_database", copy_then_damage)
    folder = clinic.parent / BACKUP_FOLDER_NAME
    with pytest.raises(BackupError, match="failed its check and was deleted"):
        make_backup(clinic, folder, now=NOW)
    assert list(folder.iterdir()) == []


def test_a_database_with_broken_references_gives_no_backup(clinic: Path) -> None:
    with sqlite3.connect(clinic) as raw:
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute(
            "UPDATE visits SET patient_id = 99999"
            " WHERE id = (SELECT min(id) FROM visits WHERE status != 'signed')"
        )
    raw.close()
    folder = clinic.parent / "backups"
    with pytest.raises(BackupError, match="refers to a missing row of patients"):
        make_backup(clinic, folder, now=NOW)
    assert list(folder.iterdir()) == []


def test_rotation_keeps_seven_days_and_four_weeks() -> None:
    times = [
        dt.datetime(2026, 1, 1, hour, tzinfo=dt.UTC) + dt.timedelta(days=day)
        for day in range(79)  # 1 January to 20 March 2026 (a Friday of ISO week 12)
        for hour in (9, 18)
    ]
    future = dt.datetime(2026, 3, 21, 9, tzinfo=dt.UTC)  # the clock was ahead once: kept
    named = [(backups.backup_name(at), at) for at in [*times, future]]
    kept = backups_to_keep(named, NOW)
    expected_days = [dt.datetime(2026, 3, day, 18, tzinfo=dt.UTC) for day in range(14, 21)]
    expected_weeks = [  # weeks 12 and 11 are covered by the days; then 2-8 and 23 Feb-1 March
        dt.datetime(2026, 3, 8, 18, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 1, 18, tzinfo=dt.UTC),
    ]
    assert kept == {backups.backup_name(at) for at in [*expected_days, *expected_weeks, future]}


def test_rotation_never_empties_the_folder_after_time_away() -> None:
    old = [dt.datetime(2025, 6, day, 12, tzinfo=dt.UTC) for day in (2, 3, 10, 30)]
    kept = backups_to_keep([(at.isoformat(), at) for at in old], NOW, daily=2, weekly=3)
    assert kept == {old[3].isoformat(), old[2].isoformat(), old[1].isoformat()}


def test_rotation_in_a_folder_touches_only_acuchart_backups(tmp_path: Path) -> None:
    others = [
        "notes.txt",
        "chart-before-upgrade-from-0001-20250101T000000000000Z.db",
        "chart-before-restore-20250101-000000.db",
        "acuchart-20251399-000000.db",  # not a real date
        "acuchart-20250101-000000.db.partial",
    ]
    for name in others:
        (tmp_path / name).write_text("x")
    days = [NOW - dt.timedelta(days=number) for number in range(40)]
    for at in days:
        (tmp_path / backups.backup_name(at)).write_text("x")
    removed = rotate_backups(tmp_path, NOW)
    left = {path.name for path in tmp_path.iterdir()}
    kept = backups_to_keep([(backups.backup_name(at), at) for at in days], NOW)
    assert left == set(others) | kept
    assert {path.name for path in removed} == {backups.backup_name(at) for at in days} - kept
    assert len(kept) == 7 + 2  # seven days, and two more weeks beyond them


def test_make_backup_rotates_its_folder(clinic: Path, tmp_path: Path) -> None:
    folder = tmp_path / "stick"
    folder.mkdir()
    for number in range(1, 17):  # 4 to 19 March: ISO weeks 10, 11 and 12
        (folder / backups.backup_name(NOW - dt.timedelta(days=number))).write_text("old")
    result = make_backup(clinic, folder, now=NOW)
    kept = [path.name for path in good_backups(folder)]
    assert kept == ["acuchart-20260308-200000.db"] + [  # the newest of week 10
        f"acuchart-202603{day}-200000.db" for day in range(14, 21)
    ]
    assert result.path in good_backups(folder)
    assert len(result.removed) == 17 - 8


def test_restore_refuses_a_database_that_is_open(clinic: Path) -> None:
    backup = make_backup(clinic, None, now=NOW).path
    database = open_database(str(clinic))
    try:
        with database.engine.connect():  # the pool keeps it open, as in the running app
            pass
        before = digest(clinic)
        with pytest.raises(BackupError, match="is open in AcuChart"):
            restore_backup(backup, clinic, now=NOW)
        assert digest(clinic) == before
        assert not list(backup.parent.glob("*before-restore*"))
    finally:
        database.close()


def test_restore_keeps_what_a_crash_left_in_the_wal(clinic: Path) -> None:
    backup = make_backup(clinic, None, now=NOW).path
    crash = (
        "import os, sys\n"
        "from acuchart.db.database import open_database\n"
        "from sqlalchemy import text\n"
        "database = open_database(sys.argv[1])\n"
        "with database.unit_of_work() as session:\n"
        "    session.execute(text(\"UPDATE patients SET family_name = 'InTheWal' WHERE id = 1\"))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", crash, str(clinic)], check=True, timeout=120)
    assert Path(f"{clinic}-wal").stat().st_size > 0
    safety = restore_backup(backup, clinic, now=NOW)
    assert safety is not None
    assert not Path(f"{clinic}-wal").exists()
    with sqlite3.connect(safety) as copy:
        assert copy.execute(
            "SELECT count(*) FROM patients WHERE family_name='InTheWal'"
        ).fetchone() == (1,)
    copy.close()
    with sqlite_support.read_only_connection(clinic) as restored:
        assert restored.execute(
            "SELECT count(*) FROM patients WHERE family_name='InTheWal'"
        ).fetchone() == (0,)


def test_restore_onto_a_new_machine_needs_no_safety_copy(clinic: Path, tmp_path: Path) -> None:
    backup = make_backup(clinic, tmp_path / "stick", now=NOW).path
    target = tmp_path / "new laptop" / "acuchart.db"
    assert restore_backup(backup, target, now=NOW) is None
    assert row_counts(target) == row_counts(clinic)


def test_a_backup_from_a_newer_acuchart_is_refused(clinic: Path, tmp_path: Path) -> None:
    backup = make_backup(clinic, None, now=NOW).path
    newer = tmp_path / "newer.db"
    shutil.copyfile(backup, newer)
    with sqlite3.connect(newer) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999_future'")
    raw.close()
    assert describe_backup(newer).schema_revision == "9999_future"
    before = digest(clinic)
    with pytest.raises(BackupError, match="newer version of AcuChart"):
        restore_backup(newer, clinic, now=NOW)
    assert digest(clinic) == before


def test_only_sqlite_files_are_backed_up(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nurse:secret@clinic-server/acuchart"
    with pytest.raises(DatabaseOpenError, match="server's own backups") as refused:
        make_backup(url, tmp_path, now=NOW)
    assert "secret" not in str(refused.value)
    with pytest.raises(DatabaseOpenError, match="nothing to back up"):
        make_backup(tmp_path / "missing.db", tmp_path, now=NOW)


# -- command line -------------------------------------------------------------------------


def run(*args: str, answer: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "acuchart", *args],
        input=answer,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_backup_and_restore_commands(clinic: Path, tmp_path: Path) -> None:
    folder = tmp_path / "stick"
    made = run("backup", "--to", str(folder), "--database", str(clinic))
    assert made.returncode == 0, made.stderr
    [written] = good_backups(folder)
    assert f"Backup written: {written}" in made.stdout
    assert "8 patients" in made.stdout

    before = digest(clinic)
    declined = run("restore", str(written), "--database", str(clinic), answer="n\n")
    assert declined.returncode == 1
    assert "8 patients" in declined.stdout
    assert "Nothing was restored" in declined.stderr
    assert digest(clinic) == before

    restored = run("restore", str(written), "--database", str(clinic), "--yes")
    assert restored.returncode == 0, restored.stderr
    [safety] = (clinic.parent / BACKUP_FOLDER_NAME).glob("chart-before-restore-*.db")
    assert f"Safety copy of the replaced database: {safety}" in restored.stdout
    restored_counts, backup_counts = row_counts(clinic), row_counts(written)
    assert restored_counts.pop("audit_log") == backup_counts.pop("audit_log") + 1  # the restore
    assert restored_counts == backup_counts

    truncated = tmp_path / "half.db"
    truncated.write_bytes(written.read_bytes()[: written.stat().st_size // 2])
    before = digest(clinic)
    refused = run("restore", str(truncated), "--database", str(clinic), "--yes")
    assert refused.returncode == 1
    assert "truncated" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert digest(clinic) == before


def test_backup_command_refuses_a_server_database_and_a_missing_file(tmp_path: Path) -> None:
    server = run("backup", "--database", "postgresql://clinic-server/acuchart")
    assert server.returncode == 2
    assert "server's own backups" in server.stderr
    missing = run("backup", "--database", str(tmp_path / "nothing.db"))
    assert missing.returncode == 2
    assert "nothing.db" in missing.stderr
    assert "Traceback" not in missing.stderr + server.stderr
