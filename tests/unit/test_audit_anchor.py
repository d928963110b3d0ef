"""The audit anchor: entries removed from the end of the log are found; restores are not."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from acuchart import audit_anchor, keystore
from acuchart.audit import AuditAction, AuditProblem, AuditQuery, audit_key
from acuchart.backups import make_backup, restore_backup
from acuchart.db import encryption
from acuchart.db import sqlite as sqlite_support
from acuchart.db.database import Database, open_database
from acuchart.errors import ChartError
from acuchart.keystore import Argon2Parameters
from acuchart.services import audit, patients
from tests.conftest import make_draft
from tests.unit.test_audit import run_check

FAST = Argon2Parameters(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)


@pytest.fixture(params=["plain", "encrypted"])
def chart(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Database]:
    """A chart of either kind with four entries."""
    key = None
    if request.param == "encrypted":
        key, _ = keystore.create_keystore(db_path, "lena", "river stones calm", argon2=FAST)
    opened = open_database(str(db_path), key=key)
    for number in range(4):
        audit.record_now(opened, AuditAction.VIEW_CHART, patient_id=number, object="chart")
    yield opened
    opened.close()


def anchor_of(database: Database) -> audit_anchor.AuditAnchor | None:
    assert database.path is not None
    return audit_anchor.read_anchor(
        database.path, audit_key(database.key), encrypted=database.encrypted
    )


def last_ids(database: Database) -> int:
    with database.reading() as session:
        newest = audit.last_entry(session)
    assert newest is not None
    return newest.entry_id


def raw_sql(database: Database, *statements: str) -> None:
    """Someone with the file (and, for an encrypted one, its key) and an SQLite shell."""
    assert database.path is not None
    if database.key is None:
        connection: sqlite3.Connection = sqlite3.connect(database.path, isolation_level=None)
        try:
            for statement in statements:
                connection.execute(statement)
        finally:
            connection.close()
        return
    with encryption.keyed_connection(database.path, database.key) as keyed:
        for statement in statements:
            keyed.execute(statement)


def drop_triggers_and(database: Database, *statements: str) -> None:
    drops = [f"DROP TRIGGER {name}" for name in sqlite_support.AUDIT_LOG_TRIGGERS]
    raw_sql(database, *drops, *statements)


def test_every_commit_moves_the_anchor_to_the_newest_entry(chart: Database) -> None:
    newest = anchor_of(chart)
    assert newest is not None
    assert newest.entry_id == last_ids(chart) == 4
    patients.create_patient(chart, make_draft())
    moved = anchor_of(chart)
    assert moved is not None
    assert moved.entry_id == last_ids(chart) == 5
    check = audit.verify_audit_log(chart)
    assert (check.ok, check.rows_checked, check.anchor_set) == (True, 5, False)


def test_the_anchor_lives_outside_the_database_folder_only_for_an_encrypted_chart(
    chart: Database,
) -> None:
    assert chart.path is not None
    where = audit_anchor.anchor_path(chart.path, encrypted=chart.encrypted)
    assert where.is_file()
    if chart.encrypted:
        assert where.parent == chart.path.parent  # beside the key file, travels with the chart
    else:
        assert where.parent != chart.path.parent  # beside audit.key, in the config folder


def test_entries_removed_from_the_end_are_reported(chart: Database) -> None:
    assert audit.verify_audit_log(chart).ok
    drop_triggers_and(chart, "DELETE FROM audit_log WHERE id > 2")
    check = audit.verify_audit_log(chart)
    assert not check.ok
    assert (check.problem, check.problem_row_id) == (AuditProblem.MISSING_NEWEST, 2)
    assert "entries after #2 are missing" in check.message
    assert "#4" in check.message


def test_every_entry_removed_is_reported(chart: Database) -> None:
    drop_triggers_and(chart, "DELETE FROM audit_log")
    check = audit.verify_audit_log(chart)
    assert (check.ok, check.problem) == (False, AuditProblem.MISSING_NEWEST)
    assert "every entry is missing" in check.message


def test_a_log_replaced_by_another_is_reported(chart: Database, tmp_path: Path) -> None:
    """An older copy of the file put back by hand, then used: the chain is whole and longer
    than the anchor, but the anchored entry is another."""
    assert chart.path is not None
    older = tmp_path / "older.db"
    chart.close()  # the file alone holds every entry then (no -wal beside it)
    shutil.copyfile(chart.path, older)
    used = open_database(str(chart.path), key=chart.key)
    for number in range(3):  # up to #7, anchored
        audit.record_now(used, AuditAction.VIEW_CHART, patient_id=number, object="chart")
    anchored = anchor_of(used)
    used.close()
    shutil.copyfile(older, chart.path)  # back to #4, not through a restore
    copy = open_database(str(chart.path), key=chart.key)
    try:
        for number in range(5):  # on to #9: the anchor's #7 is now another entry
            audit.record_now(copy, AuditAction.VIEW_CHART, patient_id=number, object="again")
        assert anchor_of(copy) == anchored  # a commit never moves an anchor it disagrees with
        check = audit.verify_audit_log(copy)
    finally:
        copy.close()
    assert (check.ok, check.problem, check.problem_row_id) == (False, AuditProblem.ANCHOR, 7)
    assert "replaced" in check.message


def test_a_chart_without_an_anchor_gets_one_without_an_alarm(chart: Database) -> None:
    assert chart.path is not None
    audit_anchor.remove_anchor(chart.path, encrypted=chart.encrypted)
    check = audit.verify_audit_log(chart)
    assert (check.ok, check.anchor_set) == (True, True)
    made = anchor_of(chart)
    assert made is not None
    assert made.entry_id == 4
    assert audit.verify_audit_log(chart).anchor_set is False  # made once
    drop_triggers_and(chart, "DELETE FROM audit_log WHERE id = 4")
    assert audit.verify_audit_log(chart).problem is AuditProblem.MISSING_NEWEST


def test_an_anchor_written_by_hand_is_refused(chart: Database) -> None:
    assert chart.path is not None
    where = audit_anchor.anchor_path(chart.path, encrypted=chart.encrypted)
    document = json.loads(where.read_text())
    document["entry_id"] = 2  # to hide #3 and #4
    where.write_text(json.dumps(document))
    check = audit.verify_audit_log(chart)
    assert (check.ok, check.problem) == (False, AuditProblem.ANCHOR)
    assert "not written by AcuChart" in check.message
    where.write_text("{ half a file")
    assert audit.verify_audit_log(chart).problem is AuditProblem.ANCHOR


def test_a_plain_charts_anchor_cannot_stand_in_for_another_charts(
    database: Database, db_path: Path, tmp_path: Path
) -> None:
    """Plain charts share the computer's key; each anchor is bound to its chart's path.
    (An encrypted chart's anchor is signed with the chart's own key.)"""
    audit.record_now(database, AuditAction.VIEW_CHART, object="chart")
    other = open_database(str(tmp_path / "other.db"))
    try:
        audit.record_now(other, AuditAction.VIEW_CHART, object="chart")
        assert other.path is not None
        shutil.copyfile(
            audit_anchor.anchor_path(other.path, encrypted=False),
            audit_anchor.anchor_path(db_path, encrypted=False),
        )
    finally:
        other.close()
    assert audit.verify_audit_log(database).problem is AuditProblem.ANCHOR


def test_a_failed_action_does_not_move_the_anchor(chart: Database) -> None:
    before = anchor_of(chart)

    def refused_after_recording() -> None:
        with chart.unit_of_work() as session:
            audit.record(session, AuditAction.CHANGE, object="patient 1")
            raise ChartError("refused after recording")

    with pytest.raises(ChartError):
        refused_after_recording()
    assert anchor_of(chart) == before
    assert audit.verify_audit_log(chart).ok


def test_restoring_an_older_backup_resets_the_anchor_and_is_recorded(chart: Database) -> None:
    assert chart.path is not None
    path, key = chart.path, chart.key
    backup = make_backup(path, now=dt.datetime.now(dt.UTC), key=key)  # #5: the backup
    for number in range(4):  # #6 … #9
        audit.record_now(chart, AuditAction.VIEW_CHART, patient_id=number, object="chart")
    chart.close()
    restore_backup(backup.path, path, now=dt.datetime.now(dt.UTC), key=key)
    restored = open_database(str(path), key=key)
    try:
        check = audit.verify_audit_log(restored)
        assert (check.ok, check.anchor_set, check.rows_checked) == (True, False, 5)
        newest = anchor_of(restored)
        assert newest is not None
        assert newest.entry_id == 5  # the backup held #1 … #4; the restore's own entry is #5
        page = audit.list_audit(restored, AuditQuery(action=AuditAction.RESTORE))
        assert [row.id for row in page.rows] == [5]
    finally:
        restored.close()
    # The copy restored under a temporary name left no anchor of its own behind.
    strays = [p.name for p in path.parent.iterdir() if audit_anchor.ANCHOR_SUFFIX in p.name]
    assert strays == ([path.name + audit_anchor.ANCHOR_SUFFIX] if key else [])


def test_check_reports_entries_missing_from_the_end(db_path: Path) -> None:
    database = open_database(str(db_path))
    try:
        for number in range(4):
            audit.record_now(database, AuditAction.VIEW_CHART, patient_id=number)
        audit_anchor.remove_anchor(db_path, encrypted=False)  # a chart from before anchors
    finally:
        database.close()
    first = run_check(db_path)
    assert first.returncode == 0, first.stderr
    assert "Audit log: 4 entries, chain intact (its end is now anchored)" in first.stdout
    again = run_check(db_path)
    assert "Audit log: 4 entries, chain intact\n" in again.stdout
    with sqlite3.connect(db_path) as raw:
        for name in sqlite_support.AUDIT_LOG_TRIGGERS:
            raw.execute(f"DROP TRIGGER {name}")
        raw.execute("DELETE FROM audit_log WHERE id > 1")
    raw.close()
    broken = run_check(db_path)
    assert broken.returncode == 1
    assert "Audit log: chain broken: entries after #1 are missing" in broken.stderr
