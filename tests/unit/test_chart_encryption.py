"""Encrypting a plain chart: everything kept, the log re-sealed and honest, or nothing done."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from acuchart import audit_anchor, keystore
from acuchart.accounts import AccountError
from acuchart.audit import AuditAction, AuditQuery
from acuchart.db import sqlite as sqlite_support
from acuchart.db.database import Database, open_database
from acuchart.locations import keystore_path
from acuchart.patient_search import PatientQuery
from acuchart.services import audit, chart_encryption, patients
from acuchart.services.accounts import create_owner
from tests.conftest import make_draft
from tests.unit.test_encryption import FAST

NOW = dt.datetime(2026, 3, 20, 20, 0, tzinfo=dt.UTC)
PASSWORD = "river stones calm"
SQLITE_HEADER = b"SQLite format 3\x00"


def encrypt(path: Path) -> chart_encryption.EncryptedChart:
    return chart_encryption.encrypt_chart(path, "Lena D", "lena", PASSWORD, now=NOW, argon2=FAST)


def test_the_chart_is_encrypted_whole_and_its_log_re_sealed(
    database: Database, db_path: Path
) -> None:
    patients.create_patient(database, make_draft())
    database.close()
    made = encrypt(db_path)
    assert db_path.read_bytes()[:16] != SQLITE_HEADER
    assert made.plain_backup.read_bytes()[:16] == SQLITE_HEADER  # the backup made first
    assert keystore.unlock(db_path, "lena", PASSWORD) == made.data_key
    assert not audit_anchor.anchor_path(db_path, encrypted=False).exists()
    assert audit_anchor.anchor_path(db_path, encrypted=True).is_file()
    assert not db_path.with_name(db_path.name + "-wal").exists()
    chart = open_database(str(db_path), key=made.data_key)
    try:
        found = patients.search_patients(chart, PatientQuery()).rows
        assert [p.family_name for p in found] == ["Okafor"]
        assert audit.verify_audit_log(chart).ok
        rows = audit.list_audit(chart, AuditQuery(limit=100)).rows
        assert {row.action for row in rows} >= {
            AuditAction.CREATE,
            AuditAction.BACKUP,
            AuditAction.ACCOUNT_CHANGE,
            AuditAction.SETTING_CHANGE,
        }
    finally:
        chart.close()


def test_a_log_broken_before_is_said_so_in_the_encryption_entry(
    database: Database, db_path: Path
) -> None:
    for number in range(3):
        audit.record_now(database, AuditAction.VIEW_CHART, patient_id=number)
    database.close()
    with sqlite3.connect(db_path) as raw:
        for name in sqlite_support.AUDIT_LOG_TRIGGERS:
            raw.execute(f"DROP TRIGGER {name}")
        raw.execute("UPDATE audit_log SET detail = 'edited' WHERE id = 2")
    raw.close()
    made = encrypt(db_path)
    chart = open_database(str(db_path), key=made.data_key)
    try:
        [sealed] = audit.list_audit(chart, AuditQuery(action=AuditAction.SETTING_CHANGE)).rows
        assert "NOT intact before (entry 2 was changed after it was written)" in sealed.detail
    finally:
        chart.close()


def test_a_chart_with_accounts_is_left_as_it_was(database: Database, db_path: Path) -> None:
    create_owner(database, "sam", "Sam O", "mountain tea quiet", argon2=FAST)
    database.close()
    before = db_path.read_bytes()
    with pytest.raises(AccountError, match="has accounts already"):
        encrypt(db_path)
    assert db_path.read_bytes() == before
    assert not keystore_path(db_path).exists()
