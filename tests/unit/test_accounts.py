"""Accounts: the owner, practitioners, signing in, password changes, the login delay, auto-lock.

Real database files in temporary folders; cheap Argon2id parameters except where
the default strength is the point.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from acuchart import keystore, session
from acuchart.accounts import Account, AccountError, LoginThrottle, Role, login_key
from acuchart.audit import AuditAction, current_account
from acuchart.db.database import Database, open_database
from acuchart.db.models import AuditEntry, UserAccount
from acuchart.keystore import Argon2Parameters, PasswordPolicyError, WrongPasswordError
from acuchart.locations import keystore_path
from acuchart.services import accounts
from acuchart.services.audit import record_now, verify_audit_log
from acuchart.validation import ValidationError

FAST = Argon2Parameters(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)
OWNER, OWNER_SHOWN, PASSWORD = "Lena", "Lena Decicco, L.Ac.", "correct horse battery"
PRACTITIONER, PRACTITIONER_PASSWORD = "Sam", "staple battery horse"


@pytest.fixture(autouse=True)
def nobody_signed_in() -> Iterator[None]:
    session.sign_out()
    yield
    session.sign_out()


@pytest.fixture
def owner(database: Database) -> Account:
    return accounts.create_owner(database, OWNER, OWNER_SHOWN, PASSWORD, argon2=FAST)


@pytest.fixture
def encrypted(tmp_path: Path) -> Iterator[tuple[Database, Account]]:
    path = tmp_path / "clinic" / "chart.db"
    data_key, _recovery = keystore.create_keystore(path, OWNER, PASSWORD, argon2=FAST)
    database = open_database(str(path), key=data_key)
    owner = accounts.create_owner(database, OWNER, OWNER_SHOWN, PASSWORD, argon2=FAST)
    yield database, owner
    database.close()


def audit_rows(database: Database) -> list[AuditEntry]:
    with database.reading() as reading:
        return list(reading.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_the_owner_signs_in_with_the_right_password_only(
    database: Database, owner: Account
) -> None:
    assert accounts.has_accounts(database)
    assert owner == Account(owner.id, "lena", OWNER_SHOWN, Role.OWNER)
    assert accounts.authenticate(database, "  LENA ", PASSWORD, argon2=FAST) == owner
    with pytest.raises(WrongPasswordError) as wrong:
        accounts.authenticate(database, OWNER, "not the password", argon2=FAST)
    with pytest.raises(WrongPasswordError) as unknown:
        accounts.authenticate(database, "Nobody", PASSWORD, argon2=FAST)
    assert str(wrong.value) == str(unknown.value) == "The name or password is not right."


def test_logins_and_failed_logins_are_audited_without_the_password(
    database: Database, owner: Account
) -> None:
    typed_as_name = "hunter2-typed-in-the-name-box-" + "x" * 80
    accounts.authenticate(database, OWNER, PASSWORD, argon2=FAST)
    for name, password in ((OWNER, "wrong password one"), (typed_as_name, "wrong password two")):
        with pytest.raises(WrongPasswordError):
            accounts.authenticate(database, name, password, argon2=FAST)
    rows = audit_rows(database)
    assert [row.action for row in rows] == [
        AuditAction.ACCOUNT_CHANGE,
        AuditAction.LOGIN,
        AuditAction.FAILED_LOGIN,
        AuditAction.FAILED_LOGIN,
    ]
    assert rows[1].account == "lena"
    assert "hunter2-typed" in rows[3].detail
    assert typed_as_name not in rows[3].detail  # truncated
    with database.reading() as reading:
        dump = "\n".join(str(row) for row in reading.execute(text("SELECT * FROM audit_log")))
    for password in (PASSWORD, "wrong password one", "wrong password two"):
        assert password not in dump
    assert verify_audit_log(database).ok


def test_a_second_owner_is_refused(database: Database, owner: Account) -> None:
    with pytest.raises(AccountError):
        accounts.create_owner(database, "Other", "Other, L.Ac.", PASSWORD, argon2=FAST)
    assert accounts.list_accounts(database) == [owner]


def test_weak_passwords_and_empty_names_are_refused(database: Database) -> None:
    with pytest.raises(PasswordPolicyError):
        accounts.create_owner(database, OWNER, OWNER_SHOWN, "short", argon2=FAST)
    with pytest.raises(PasswordPolicyError):
        accounts.create_owner(database, "   ", OWNER_SHOWN, PASSWORD, argon2=FAST)
    with pytest.raises(PasswordPolicyError):
        accounts.create_owner(database, OWNER, "", PASSWORD, argon2=FAST)
    assert not accounts.has_accounts(database)


def test_only_the_owner_adds_practitioners(database: Database, owner: Account) -> None:
    sam = accounts.add_account(
        database, owner, PRACTITIONER, "Sam Ortiz, L.Ac.", PRACTITIONER_PASSWORD, argon2=FAST
    )
    assert sam.role is Role.PRACTITIONER
    assert accounts.authenticate(database, "sam", PRACTITIONER_PASSWORD, argon2=FAST) == sam
    with pytest.raises(AccountError):
        accounts.add_account(database, sam, "Kim", "Kim", PASSWORD, argon2=FAST)
    forged = Account(sam.id, sam.login, sam.display_name, Role.OWNER)
    with pytest.raises(AccountError):
        accounts.add_account(database, forged, "Kim", "Kim", PASSWORD, argon2=FAST)
    with pytest.raises(AccountError):
        accounts.add_account(database, owner, "SAM", "Another Sam", PASSWORD, argon2=FAST)
    assert accounts.list_accounts(database) == [owner, sam]


def test_a_practitioner_added_to_an_encrypted_chart_can_open_it(
    encrypted: tuple[Database, Account],
) -> None:
    database, owner = encrypted
    assert database.path is not None
    sam = accounts.add_account(
        database, owner, PRACTITIONER, "Sam Ortiz", PRACTITIONER_PASSWORD, argon2=FAST
    )
    data_key = keystore.unlock(database.path, PRACTITIONER, PRACTITIONER_PASSWORD)
    database.close()
    reopened = open_database(str(database.path), key=data_key)
    try:
        assert accounts.authenticate(reopened, PRACTITIONER, PRACTITIONER_PASSWORD) == sam
    finally:
        reopened.close()


def test_the_key_file_is_put_back_when_the_database_refuses_a_new_account(
    encrypted: tuple[Database, Account], monkeypatch: pytest.MonkeyPatch
) -> None:
    database, owner = encrypted
    assert database.path is not None
    key_file = keystore_path(database.path)
    before = key_file.read_bytes()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(accounts, "record", refuse)
    with pytest.raises(OSError, match="disk full"):
        accounts.add_account(database, owner, PRACTITIONER, "Sam", PASSWORD, argon2=FAST)
    assert key_file.read_bytes() == before
    assert keystore.account_names(database.path) == [OWNER]
    assert accounts.list_accounts(database) == [owner]


def test_changing_a_password_changes_the_key_file_too(
    encrypted: tuple[Database, Account],
) -> None:
    database, owner = encrypted
    assert database.path is not None
    new = "a brand new passphrase"
    with pytest.raises(WrongPasswordError):
        accounts.change_password(database, owner, "not the password", new, argon2=FAST)
    with pytest.raises(PasswordPolicyError):
        accounts.change_password(database, owner, PASSWORD, "short", argon2=FAST)
    accounts.change_password(database, owner, PASSWORD, new, argon2=FAST)
    with pytest.raises(WrongPasswordError):
        accounts.authenticate(database, OWNER, PASSWORD, argon2=FAST)
    assert accounts.authenticate(database, OWNER, new, argon2=FAST) == owner
    with pytest.raises(WrongPasswordError):
        keystore.unlock(database.path, OWNER, PASSWORD)
    assert keystore.unlock(database.path, OWNER, new) == database.key


def test_a_weaker_hash_is_renewed_at_login(database: Database, owner: Account) -> None:
    stronger = Argon2Parameters(time_cost=2, memory_cost_kib=8 * 1024, parallelism=1)
    with database.reading() as reading:
        before = reading.scalars(select(UserAccount.password_hash)).one()
    accounts.authenticate(database, OWNER, PASSWORD, argon2=stronger)
    with database.reading() as reading:
        after = reading.scalars(select(UserAccount.password_hash)).one()
    assert before.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    assert after.startswith("$argon2id$v=19$m=8192,t=2,p=1$")
    assert accounts.authenticate(database, OWNER, PASSWORD, argon2=stronger) == owner


def test_login_names_are_compared_casefolded_and_nfc() -> None:
    assert login_key(" Le\u0301na ") == login_key("LÉNA") == "léna"
    assert login_key("STRASSE") == login_key("straße")


def test_the_login_delay_grows_after_the_second_failure() -> None:
    throttle = LoginThrottle()
    now = 1000.0
    waits = []
    for _ in range(9):
        throttle.failed("Lena", now=now)
        waits.append(throttle.wait_seconds("LENA", now=now))
    assert waits == [0, 0, 2, 4, 8, 16, 30, 60, 60]
    assert throttle.wait_seconds("lena", now=now + 59) == pytest.approx(1)
    assert throttle.wait_seconds("lena", now=now + 60) == 0
    assert throttle.wait_seconds("Sam", now=now) == 0
    throttle.succeeded("lena")
    throttle.failed("lena", now=now)
    assert throttle.wait_seconds("lena", now=now) == 0


def test_auto_lock_minutes_are_the_owners_to_set_within_bounds(
    database: Database, owner: Account
) -> None:
    assert accounts.get_auto_lock_minutes(database) == 10
    sam = accounts.add_account(database, owner, PRACTITIONER, "Sam", PASSWORD, argon2=FAST)
    for minutes in (0, 31, -5):
        with pytest.raises(ValidationError):
            accounts.set_auto_lock_minutes(database, owner, minutes)
    with pytest.raises(AccountError):
        accounts.set_auto_lock_minutes(database, sam, 5)
    accounts.set_auto_lock_minutes(database, owner, 1)
    assert accounts.get_auto_lock_minutes(database) == 1
    accounts.set_auto_lock_minutes(database, owner, 30)
    assert accounts.get_auto_lock_minutes(database) == 30
    changes = [row for row in audit_rows(database) if row.action == AuditAction.SETTING_CHANGE]
    assert [(row.account, row.detail) for row in changes] == [
        ("lena", "auto_lock_minutes=1"),
        ("lena", "auto_lock_minutes=30"),
    ]


def test_the_audit_log_names_the_signed_in_account(database: Database, owner: Account) -> None:
    operating_system_user = current_account()
    assert operating_system_user != owner.login
    session.sign_in(owner)
    assert session.current_account() == owner
    assert current_account() == "lena"
    record_now(database, AuditAction.LOCK, object="window")
    session.sign_out()
    assert session.current_account() is None
    assert current_account() == operating_system_user
    assert audit_rows(database)[-1].account == "lena"


def test_the_default_strength_is_the_key_files(database: Database) -> None:
    owner = accounts.create_owner(database, OWNER, OWNER_SHOWN, PASSWORD)
    with database.reading() as reading:
        stored = reading.scalars(select(UserAccount.password_hash)).one()
    assert stored.startswith("$argon2id$v=19$m=131072,t=3,p=2$")
    assert accounts.authenticate(database, OWNER, PASSWORD) == owner
