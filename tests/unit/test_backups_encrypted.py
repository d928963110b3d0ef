"""Backups of an encrypted chart: encrypted copies with their key files, checks, restore."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from acuchart import keystore
from acuchart.audit import AuditAction, AuditQuery
from acuchart.backups import (
    ENCRYPTED_BACKUP,
    BackupError,
    backup_name,
    describe_backup,
    make_backup,
    newest_good_backup,
    restore_backup,
)
from acuchart.db import encryption
from acuchart.db import sqlite as sqlite_support
from acuchart.db.database import open_database
from acuchart.db.migrate import BACKUP_FOLDER_NAME
from acuchart.locations import keystore_path
from acuchart.services import audit, patients
from tests.conftest import make_draft
from tests.unit.test_encryption import (
    FAST,
    OWNER,
    PASSWORD,
    add_sentinel_patient,
    files_with_sentinel,
)

NOW = dt.datetime(2026, 3, 20, 20, 0, tzinfo=dt.UTC)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def row_counts(path: Path, key: bytes) -> dict[str, int]:
    with encryption.keyed_connection(path, key, read_only=True) as connection:
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


@pytest.fixture
def chart(tmp_path: Path) -> tuple[Path, bytes]:
    """A closed encrypted chart holding the sentinel patient and one more: (path, data key)."""
    path = tmp_path / "clinic" / "chart.db"
    data_key, _ = keystore.create_keystore(path, OWNER, PASSWORD, argon2=FAST)
    database = open_database(str(path), key=data_key)
    try:
        add_sentinel_patient(database)
        patients.create_patient(database, make_draft(family_name="Second"))
    finally:
        database.close()
    return path, data_key


def test_an_encrypted_chart_gets_an_encrypted_backup_with_its_key_file(
    chart: tuple[Path, bytes],
) -> None:
    path, key = chart
    result = make_backup(path, None, now=NOW, key=key)
    folder = path.parent / BACKUP_FOLDER_NAME
    assert result.path == folder / "acuchart-20260320-200000.db"
    assert encryption.looks_encrypted(result.path)
    assert keystore_path(result.path).read_bytes() == keystore_path(path).read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == [
        "acuchart-20260320-200000.db",
        "acuchart-20260320-200000.db.keys",
    ]
    assert files_with_sentinel(folder) == []
    assert (result.summary.patients, result.summary.made_at) == (2, NOW)
    described = describe_backup(result.path, key=key)
    assert (described.patients, described.visits) == (2, 0)
    # The backup opens with the password, through its own key file (as on a USB stick).
    assert keystore.unlock(result.path, OWNER, PASSWORD) == key


@pytest.mark.parametrize("given", [None, bytes(32)], ids=["no key", "wrong key"])
def test_an_encrypted_backup_without_its_key_is_refused_plainly(
    chart: tuple[Path, bytes], given: bytes | None
) -> None:
    path, key = chart
    backup = make_backup(path, None, now=NOW, key=key).path
    with pytest.raises(BackupError, match=ENCRYPTED_BACKUP):
        describe_backup(backup, key=given)
    before = digest(path)
    with pytest.raises(BackupError, match=ENCRYPTED_BACKUP):
        restore_backup(backup, path, now=NOW, key=given)
    assert digest(path) == before
    assert newest_good_backup(backup.parent, key=given) is None


def test_an_encrypted_chart_is_not_backed_up_without_its_key(chart: tuple[Path, bytes]) -> None:
    path, _ = chart
    with pytest.raises(BackupError, match="encrypted: it can be backed up only"):
        make_backup(path, None, now=NOW)
    assert not (path.parent / BACKUP_FOLDER_NAME).exists()


def test_restore_round_trip_swaps_the_key_file_and_keeps_safety_copies(
    chart: tuple[Path, bytes],
) -> None:
    path, key = chart
    backup = make_backup(path, None, now=NOW, key=key).path
    counts = row_counts(backup, key)
    backup_key_file = keystore_path(backup).read_bytes()

    database = open_database(str(path), key=key)
    try:
        patients.create_patient(database, make_draft(family_name="Added-After-Backup"))
    finally:
        database.close()
    keystore.add_account(path, key, "Dr Added Later", "another long password", argon2=FAST)
    current_key_file = keystore_path(path).read_bytes()

    safety = restore_backup(backup, path, now=NOW + dt.timedelta(minutes=5), key=key)
    assert safety == path.parent / BACKUP_FOLDER_NAME / "chart-before-restore-20260320-200500.db"
    restored = row_counts(path, key)
    assert restored.pop("audit_log") == counts.pop("audit_log") + 1  # the restore itself
    assert restored == counts
    assert keystore_path(path).read_bytes() == backup_key_file
    assert encryption.looks_encrypted(safety)
    assert row_counts(safety, key)["patients"] == 3
    assert keystore_path(safety).read_bytes() == current_key_file
    assert files_with_sentinel(path.parent) == []
    assert not list(path.parent.rglob("*.partial"))

    # The restored chart unlocks with the same password and opens.
    assert keystore.unlock(path, OWNER, PASSWORD) == key
    with pytest.raises(keystore.WrongPasswordError):
        keystore.unlock(path, "Dr Added Later", "another long password")
    reopened = open_database(str(path), key=key)
    try:
        assert reopened.key == key
    finally:
        reopened.close()


def test_restore_onto_a_new_machine_brings_the_key_file(
    chart: tuple[Path, bytes], tmp_path: Path
) -> None:
    path, key = chart
    backup = make_backup(path, tmp_path / "stick", now=NOW, key=key).path
    target = tmp_path / "new laptop" / "acuchart.db"
    assert restore_backup(backup, target, now=NOW, key=key) is None
    assert keystore.unlock(target, OWNER, PASSWORD) == key
    assert row_counts(target, key)["patients"] == 2


@pytest.mark.parametrize("cut", ["half", "inside the last page", "not whole pages"])
def test_a_truncated_encrypted_backup_is_refused_and_the_chart_left_alone(
    chart: tuple[Path, bytes], cut: str
) -> None:
    path, key = chart
    good = make_backup(path, None, now=NOW, key=key).path
    data = good.read_bytes()
    keep = {
        "half": len(data) // 2 // 4096 * 4096,
        "inside the last page": len(data) - 1024,
        "not whole pages": len(data) - 100,
    }[cut]
    bad = good.with_name(backup_name(NOW + dt.timedelta(hours=1)))
    bad.write_bytes(data[:keep])
    keystore_path(bad).write_bytes(keystore_path(good).read_bytes())
    with pytest.raises(BackupError, match="truncated"):
        describe_backup(bad, key=key)
    before, key_file = digest(path), keystore_path(path).read_bytes()
    with pytest.raises(BackupError, match="truncated"):
        restore_backup(bad, path, now=NOW, key=key)
    assert (digest(path), keystore_path(path).read_bytes()) == (before, key_file)
    assert not list(good.parent.glob("*before-restore*"))
    found = newest_good_backup(good.parent, key=key)
    assert found is not None
    assert found.path == good


def test_an_encrypted_backup_without_its_key_file_is_refused(chart: tuple[Path, bytes]) -> None:
    path, key = chart
    backup = make_backup(path, None, now=NOW, key=key).path
    keystore_path(backup).unlink()
    with pytest.raises(BackupError, match=r"key file “acuchart-20260320-200000\.db\.keys”"):
        restore_backup(backup, path, now=NOW, key=key)
    with pytest.raises(BackupError, match="is missing"):
        describe_backup(backup, key=key)


def test_a_chart_whose_key_file_is_missing_is_not_backed_up(chart: tuple[Path, bytes]) -> None:
    path, key = chart
    keystore_path(path).unlink()
    with pytest.raises(BackupError, match="is missing"):
        make_backup(path, None, now=NOW, key=key)
    assert not (path.parent / BACKUP_FOLDER_NAME).exists()


def test_rotation_removes_key_files_with_their_backups(chart: tuple[Path, bytes]) -> None:
    path, key = chart
    folder = path.parent / "usb"
    results = [
        make_backup(path, folder, now=NOW - dt.timedelta(days=days), key=key, daily=2, weekly=1)
        for days in (3, 2, 1, 0)
    ]
    assert {removed.name for result in results for removed in result.removed} == {
        backup_name(NOW - dt.timedelta(days=3)),
        backup_name(NOW - dt.timedelta(days=2)),
    }
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        name
        for days in (1, 0)
        for name in (
            backup_name(NOW - dt.timedelta(days=days)),
            backup_name(NOW - dt.timedelta(days=days)) + ".keys",
        )
    )


def test_restore_refuses_an_encrypted_chart_that_is_open(chart: tuple[Path, bytes]) -> None:
    path, key = chart
    backup = make_backup(path, None, now=NOW, key=key).path
    database = open_database(str(path), key=key)
    try:
        with database.engine.connect():  # the pool keeps it open, as in the running app
            pass
        before = digest(path)
        with pytest.raises(BackupError, match="is open in AcuChart"):
            restore_backup(backup, path, now=NOW, key=key)
        assert digest(path) == before
        assert not list(backup.parent.glob("*before-restore*"))
    finally:
        database.close()


def test_an_unencrypted_backup_is_not_restored_over_an_encrypted_chart(
    chart: tuple[Path, bytes], tmp_path: Path
) -> None:
    path, key = chart
    plain = tmp_path / "plain.db"
    open_database(str(plain)).close()
    old = tmp_path / "old" / backup_name(NOW)
    make_backup(plain, old.parent, now=NOW)
    assert not encryption.looks_encrypted(old)
    assert describe_backup(old, key=key).patients == 0  # a plain file reads as before
    before = digest(path)
    with pytest.raises(BackupError, match="would leave the chart unencrypted"):
        restore_backup(old, path, now=NOW, key=key)
    assert digest(path) == before
    assert newest_good_backup(old.parent, key=key) is None
    assert newest_good_backup(old.parent) is not None


def test_a_backup_during_live_writes_is_encrypted_and_sound(chart: tuple[Path, bytes]) -> None:
    path, key = chart
    database = open_database(str(path), key=key)
    try:
        patients.create_patient(database, make_draft(family_name="InTheWal"))
        result = make_backup(path, None, now=NOW, key=key)  # the app keeps the chart open
    finally:
        database.close()
    assert result.summary.patients == 3
    with encryption.keyed_connection(result.path, key, read_only=True) as connection:
        assert sqlite_support.integrity_problems(connection) == []
    assert files_with_sentinel(path.parent) == []


def test_a_password_finds_the_newest_backup_its_own_key_file_opens(
    chart: tuple[Path, bytes],
) -> None:
    """For a chart whose key cannot be had from its own files: each backup's key file."""
    from acuchart.backups import newest_backup_opened_by

    path, key = chart
    older = make_backup(path, now=NOW - dt.timedelta(days=1), key=key).path
    keystore.change_password(path, OWNER, PASSWORD, "a newer password", argon2=FAST)
    newer = make_backup(path, now=NOW, key=key).path
    folder = older.parent
    found = newest_backup_opened_by(folder, OWNER, "a newer password")
    assert found is not None
    assert (found.summary.path, found.key) == (newer, key)
    old_password = newest_backup_opened_by(folder, OWNER, PASSWORD)
    assert old_password is not None
    assert old_password.summary.path == older  # the newer one knows only the new password
    assert newest_backup_opened_by(folder, OWNER, "nobody's password") is None
    assert newest_backup_opened_by(folder, "someone else", PASSWORD) is None
    newer.write_bytes(newer.read_bytes()[:5000])  # damaged: passed over
    assert newest_backup_opened_by(folder, OWNER, "a newer password") is None


def test_a_key_file_is_put_back_only_when_it_opens_the_chart(
    chart: tuple[Path, bytes], tmp_path: Path
) -> None:
    from acuchart.backups import restore_key_file

    path, key = chart
    backup = make_backup(path, now=NOW, key=key).path
    keystore_path(path).write_text("damaged", encoding="utf-8")
    kept = restore_key_file(backup, path, now=NOW, key=key)
    assert kept is not None
    assert kept.read_text(encoding="utf-8") == "damaged"
    assert keystore_path(path).read_bytes() == keystore_path(backup).read_bytes()
    assert keystore.unlock(path, OWNER, PASSWORD) == key
    repaired = open_database(str(path), key=key)
    try:
        page = audit.list_audit(repaired, AuditQuery(action=AuditAction.RESTORE))
        assert [row.detail for row in page.rows] == [f"key file from {backup.name}"]
        assert audit.verify_audit_log(repaired).ok
    finally:
        repaired.close()
    other = tmp_path / "other.db"
    other_key, _ = keystore.create_keystore(other, OWNER, PASSWORD, argon2=FAST)
    open_database(str(other), key=other_key).close()
    with pytest.raises(BackupError, match="does not open"):
        restore_key_file(backup, other, now=NOW, key=key)
