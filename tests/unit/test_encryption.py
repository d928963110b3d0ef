"""Encryption at rest: SQLCipher files, the key file beside them, and ``acuchart init``.

Real files in temporary folders. Keystore operations use cheap Argon2id
parameters (they are stored per account, so unlocking reads them back); the
command-line test uses the real ones.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlcipher3 import dbapi2 as sqlcipher

from acuchart import keystore
from acuchart.db import encryption
from acuchart.db.database import Database, open_database
from acuchart.db.migrate import BACKUP_FOLDER_NAME, current_revision, head_revision
from acuchart.db.sqlite import SQLITE_HEADER
from acuchart.init_command import RECOVERY_WARNING
from acuchart.keystore import Argon2Parameters, WrongPasswordError
from acuchart.locations import keystore_path
from acuchart.patient_search import PatientQuery
from acuchart.services.demo import fill_demo_clinic
from acuchart.services.patients import create_patient, search_patients
from tests.conftest import make_draft
from tests.unit.test_migrations import filled_old_chart

FAST = Argon2Parameters(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)
OWNER, PASSWORD = "Dr Mei Chen", "correct horse battery"
# Long enough that encrypted bytes never hold one by chance: "zoë" alone is four UTF-8
# bytes, which turn up in a few megabytes of ciphertext about once in a few hundred scans.
SENTINEL_WORDS = ("sentinelname", "zoëbelline")


@pytest.fixture
def chart(tmp_path: Path) -> tuple[Path, bytes, str]:
    """An encrypted database with its key file: (path, data key, recovery key)."""
    path = tmp_path / "clinic" / "chart.db"
    data_key, recovery_key = keystore.create_keystore(path, OWNER, PASSWORD, argon2=FAST)
    open_database(str(path), key=data_key).close()
    return path, data_key, recovery_key


def add_sentinel_patient(database: Database) -> None:
    create_patient(database, make_draft(family_name="Sentinelname", given_names="Zoëbelline"))


def files_with_sentinel(folder: Path, words: tuple[str, ...] = SENTINEL_WORDS) -> list[str]:
    """Files under ``folder`` holding a sentinel word in UTF-8 or UTF-16, any ASCII case."""
    needles = [
        word.encode(encoding) for word in words for encoding in ("utf-8", "utf-16-le", "utf-16-be")
    ]
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            content = path.read_bytes().lower()
            where = str(path.relative_to(folder))  # with its folder: a failure says which file
            found += [where for needle in needles if needle in content][:1]
    return found


def header(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_HEADER))


def folder_listing(folder: Path) -> dict[str, int]:
    return {str(path.relative_to(folder)): path.stat().st_size for path in folder.rglob("*")}


def found_by_name(database: Database, words: str) -> list[str]:
    page = search_patients(database, PatientQuery(text=words))
    return [row.family_name for row in page.rows]


def test_the_sentinel_is_found_in_a_plain_database(tmp_path: Path) -> None:
    """The control for the next test: the scan does find a name stored in plain text."""
    database = open_database(str(tmp_path / "plain.db"))
    add_sentinel_patient(database)
    database.close()
    assert files_with_sentinel(tmp_path) == ["plain.db"]


def test_no_file_of_an_encrypted_chart_holds_patient_text(chart: tuple[Path, bytes, str]) -> None:
    path, data_key, _ = chart
    folder = path.parent
    database = open_database(str(path), key=data_key)
    add_sentinel_patient(database)
    backup = folder / BACKUP_FOLDER_NAME / "copy.db"
    encryption.copy_encrypted(path, backup, data_key)
    assert path.with_name("chart.db-wal").stat().st_size > 0  # the write sits in the -wal
    assert files_with_sentinel(folder) == []
    database.close()

    assert sorted(p.name for p in folder.rglob("*")) == [
        BACKUP_FOLDER_NAME,
        "chart.db",
        "chart.db.audit-anchor",
        "chart.db.keys",
        "copy.db",
    ]
    assert files_with_sentinel(folder) == []
    for written in (path, backup):
        assert header(written) != SQLITE_HEADER
    with pytest.raises(sqlite3.DatabaseError, match="not a database"), sqlite3.connect(path) as raw:
        raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
    copy = open_database(str(backup), key=data_key)
    assert found_by_name(copy, "zoe sentinel") == ["Sentinelname"]
    copy.close()


def test_reopening_with_the_password_finds_the_patient(chart: tuple[Path, bytes, str]) -> None:
    path, data_key, _ = chart
    database = open_database(str(path), key=data_key)
    add_sentinel_patient(database)
    database.close()

    reopened = open_database(str(path), key=keystore.unlock(path, OWNER, PASSWORD))
    assert reopened.encrypted
    assert current_revision(reopened) == head_revision()
    assert found_by_name(reopened, "senti") == ["Sentinelname"]  # FTS5 prefix search
    assert found_by_name(reopened, "zoe") == ["Sentinelname"]  # accents folded
    with reopened.reading() as session:
        [mode] = session.execute(text("PRAGMA journal_mode")).one()
    assert mode == "wal"
    reopened.close()


def test_a_wrong_password_is_refused_cleanly(
    chart: tuple[Path, bytes, str], capfd: pytest.CaptureFixture[str]
) -> None:
    path, _, _ = chart
    before = folder_listing(path.parent)
    with pytest.raises(WrongPasswordError) as wrong:
        keystore.unlock(path, OWNER, "not the password")
    with pytest.raises(WrongPasswordError) as unknown:
        keystore.unlock(path, "Nobody", PASSWORD)
    assert str(wrong.value) == str(unknown.value) == "The name or password is not right."
    with pytest.raises(WrongPasswordError):
        open_database(str(path), key=os.urandom(32))
    assert folder_listing(path.parent) == before
    assert capfd.readouterr() == ("", "")


def test_a_wrong_key_prints_nothing_on_the_terminal(chart: tuple[Path, bytes, str]) -> None:
    """A fresh process, so nothing earlier has quietened SQLCipher's process-wide log."""
    path, _, _ = chart
    before = folder_listing(path.parent)
    script = textwrap.dedent(
        """
        import os, sys
        from pathlib import Path
        from acuchart.db.database import open_database
        from acuchart.keystore import WrongPasswordError, unlock
        path = Path(sys.argv[1])
        for attempt in (lambda: open_database(str(path), key=os.urandom(32)),
                        lambda: unlock(path, "Dr Mei Chen", "not the password")):
            try:
                attempt()
            except WrongPasswordError:
                print("refused")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "refused\nrefused\n", "")
    assert folder_listing(path.parent) == before


def test_an_encrypted_file_asks_for_its_password(chart: tuple[Path, bytes, str]) -> None:
    path, _, _ = chart
    with pytest.raises(encryption.PasswordRequiredError, match="needs your password"):
        open_database(str(path))


def test_changing_the_password(chart: tuple[Path, bytes, str]) -> None:
    path, data_key, _ = chart
    keystore.change_password(path, OWNER, PASSWORD, "a new and longer password", argon2=FAST)
    with pytest.raises(WrongPasswordError):
        keystore.unlock(path, OWNER, PASSWORD)
    assert keystore.unlock(path, OWNER, "a new and longer password") == data_key
    with pytest.raises(WrongPasswordError):
        keystore.change_password(path, OWNER, PASSWORD, "yet another password", argon2=FAST)
    with pytest.raises(keystore.PasswordPolicyError, match="at least 10 characters"):
        keystore.change_password(path, OWNER, "a new and longer password", "short", argon2=FAST)


def test_the_recovery_key_resets_the_password(chart: tuple[Path, bytes, str]) -> None:
    path, data_key, recovery_key = chart
    groups = recovery_key.split("-")
    assert len(groups) == 8
    assert all(len(group) == 5 for group in groups)
    typed = recovery_key.lower().replace("-", " ")
    assert keystore.reset_with_recovery(path, typed, OWNER, "remembered at last", argon2=FAST)
    with pytest.raises(WrongPasswordError):
        keystore.unlock(path, OWNER, PASSWORD)
    assert keystore.unlock(path, OWNER, "remembered at last") == data_key
    wrong = ("A" if recovery_key[0] != "A" else "B") + recovery_key[1:]
    with pytest.raises(WrongPasswordError, match="recovery key does not open"):
        keystore.reset_with_recovery(path, wrong, OWNER, "something else entirely", argon2=FAST)


def test_a_second_account_opens_the_same_data(chart: tuple[Path, bytes, str]) -> None:
    path, data_key, _ = chart
    database = open_database(str(path), key=data_key)
    add_sentinel_patient(database)
    database.close()
    keystore.add_account(path, data_key, "Front Desk", "another good password", argon2=FAST)
    with pytest.raises(keystore.KeystoreError, match="already exists"):
        keystore.add_account(path, data_key, "front desk", "another good password", argon2=FAST)
    assert keystore.account_names(path) == [OWNER, "Front Desk"]
    for name, password in ((OWNER, PASSWORD), ("front desk", "another good password")):
        key = keystore.unlock(path, name, password)
        assert key == data_key
        opened = open_database(str(path), key=key)
        assert found_by_name(opened, "sentinel") == ["Sentinelname"]
        opened.close()


def test_the_key_file_is_private_and_tamper_evident(chart: tuple[Path, bytes, str]) -> None:
    path, _, _ = chart
    keys = keystore_path(path)
    if os.name == "posix":
        assert keys.stat().st_mode & 0o777 == 0o600
    document = json.loads(keys.read_text(encoding="utf-8"))
    assert document["format"] == "acuchart-keystore"
    assert [w["kind"] for w in document["wrappers"]] == ["account", "recovery"]
    document["wrappers"][0]["name"] = "Mallory"  # the wrapped key is bound to its name
    keys.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(WrongPasswordError):
        keystore.unlock(path, "Mallory", PASSWORD)
    keys.unlink()
    with pytest.raises(keystore.KeystoreError, match="missing"):
        keystore.unlock(path, OWNER, PASSWORD)


def test_passwords_and_names_are_checked_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "chart.db"
    with pytest.raises(keystore.PasswordPolicyError, match="at least 10 characters"):
        keystore.create_keystore(path, OWNER, "too short", argon2=FAST)
    with pytest.raises(keystore.PasswordPolicyError, match="name"):
        keystore.create_keystore(path, "  ", PASSWORD, argon2=FAST)
    assert list(tmp_path.iterdir()) == []
    keystore.create_keystore(path, OWNER, PASSWORD, argon2=FAST)
    with pytest.raises(keystore.KeystoreError, match="already exists"):
        keystore.create_keystore(path, OWNER, PASSWORD, argon2=FAST)


def table_counts(connection: sqlite3.Connection | sqlcipher.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND rootpage > 0"
        )
    ]
    return {
        name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names
    }


@pytest.mark.parametrize("keep_plain_copy", [True, False])
def test_encrypting_an_existing_database(tmp_path: Path, keep_plain_copy: bool) -> None:
    path = tmp_path / "chart.db"
    plain = open_database(str(path))
    fill_demo_clinic(plain, patients=6)
    add_sentinel_patient(plain)
    plain.close()
    with contextlib.closing(sqlite3.connect(path)) as raw:
        before = table_counts(raw)
    assert before["patients"] == 7
    assert before["visits"] > 0

    data_key, _ = keystore.create_keystore(path, OWNER, PASSWORD, argon2=FAST)
    safety_copy = encryption.encrypt_existing(path, data_key, keep_plain_copy=keep_plain_copy)

    assert header(path) != SQLITE_HEADER
    with encryption.keyed_connection(path, data_key, read_only=True) as encrypted:
        assert table_counts(encrypted) == before
    if keep_plain_copy:
        assert safety_copy is not None
        assert safety_copy.parent == path.parent / BACKUP_FOLDER_NAME
        assert "unencrypted" in safety_copy.name
        assert header(safety_copy) == SQLITE_HEADER
        safety_copy.unlink()
    else:
        assert safety_copy is None
    assert files_with_sentinel(tmp_path) == []
    database = open_database(str(path), key=keystore.unlock(path, OWNER, PASSWORD))
    assert found_by_name(database, "sentinelname zo") == ["Sentinelname"]
    database.close()


def test_an_old_chart_is_encrypted_then_upgraded_with_an_encrypted_backup(tmp_path: Path) -> None:
    path = tmp_path / "chart.db"
    filled_old_chart(path)  # plain, schema 0004, with "Müller, Zoë"
    gc.collect()  # closes the raw sqlite3 connections it leaves to the garbage collector
    with contextlib.closing(sqlite3.connect(path)) as raw:
        before = table_counts(raw)
    data_key, _ = keystore.create_keystore(path, OWNER, PASSWORD, argon2=FAST)
    encryption.encrypt_existing(path, data_key, keep_plain_copy=False)

    upgraded = open_database(str(path), key=data_key)
    assert current_revision(upgraded) == head_revision()
    assert found_by_name(upgraded, "zoe mul") == ["Müller"]
    upgraded.close()
    [backup] = (path.parent / BACKUP_FOLDER_NAME).glob("chart-before-upgrade-from-0004-*.db")
    assert header(backup) != SQLITE_HEADER
    with encryption.keyed_connection(backup, data_key, read_only=True) as copy:
        assert table_counts(copy) == before
    assert files_with_sentinel(tmp_path, ("müller", "muller")) == []


def run_init(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``acuchart init`` in a real process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "acuchart", "init", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_init_sets_up_an_encrypted_database(tmp_path: Path) -> None:
    path = tmp_path / "new" / "chart.db"
    password_file = tmp_path / "password.txt"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    made = run_init("--database", str(path), "--name", OWNER, "--password-file", str(password_file))
    assert made.returncode == 0, made.stderr
    assert made.stderr == ""
    assert RECOVERY_WARNING in made.stdout
    [recovery_key] = [line.strip() for line in made.stdout.splitlines() if line.startswith("    ")]
    assert len(recovery_key) == 8 * 5 + 7
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "chart.db",
        "chart.db.audit-anchor",  # the audit log's newest entry, outside the database
        "chart.db.keys",
    ]
    assert header(path) != SQLITE_HEADER

    data_key = keystore.unlock(path, OWNER, PASSWORD)
    assert keystore.reset_with_recovery(path, recovery_key, OWNER, "a new password", argon2=FAST)
    database = open_database(str(path), key=data_key)
    assert current_revision(database) == head_revision()
    database.close()

    before = folder_listing(path.parent)
    again = run_init(
        "--database", str(path), "--name", OWNER, "--password-file", str(password_file)
    )
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert folder_listing(path.parent) == before


def test_init_refuses_a_weak_password_or_a_missing_name(tmp_path: Path) -> None:
    path = tmp_path / "chart.db"
    password_file = tmp_path / "password.txt"
    password_file.write_text("short\n", encoding="utf-8")
    weak = run_init("--database", str(path), "--name", OWNER, "--password-file", str(password_file))
    assert weak.returncode == 1
    assert "at least 10 characters" in weak.stderr
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    nameless = run_init("--database", str(path), "--password-file", str(password_file))
    assert nameless.returncode == 1
    assert "--name" in nameless.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["password.txt"]


def test_init_asks_for_the_password_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from acuchart.init_command import run_init as run_init_in_process

    path = tmp_path / "chart.db"
    answers = iter(["short", PASSWORD, "a typo in it", PASSWORD, PASSWORD])
    args = argparse.Namespace(name=OWNER, password_file=None)
    status = run_init_in_process(str(path), args, ask_secret=lambda _prompt: next(answers))
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "at least 10 characters" in err
    assert "not the same" in err
    assert RECOVERY_WARNING in out
    assert keystore.unlock(path, OWNER, PASSWORD)
