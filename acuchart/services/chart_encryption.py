"""Encrypting a plain chart made before AcuChart encrypted charts, in one step.

A checked backup of the chart as it is comes first. Then the key file is made
with the new owner's password and the recovery key, and the chart is encrypted
beside itself (``acuchart.db.encryption.encrypt_existing``). Before the
encrypted copy replaces the original, one transaction in it adds the owner,
re-seals the audit log under the chart's own key (a plain chart's log is keyed
by the computer, an encrypted chart's by the chart) and records all of it. If
any step fails, the plain chart is left as it was and the key file is removed.
The chart must be closed everywhere while this runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from acuchart import keystore
from acuchart.accounts import Account, AccountError
from acuchart.audit import AuditAction, AuditCheck, acting_as, audit_key
from acuchart.backups import make_backup
from acuchart.db import encryption, sqlite
from acuchart.db.database import open_database
from acuchart.db.errors import DatabaseOpenError
from acuchart.db.models import UserAccount
from acuchart.keystore import DEFAULT_ARGON2, Argon2Parameters
from acuchart.locations import keystore_path
from acuchart.services import accounts, audit

ENCRYPTED_OBJECT = "chart encryption"


@dataclass(frozen=True)
class EncryptedChart:
    """What the owner needs after encrypting: the key to open the chart, the recovery key
    to show once, the owner account and the plain backup made first."""

    data_key: bytes = field(repr=False)
    recovery_key: str = field(repr=False)
    owner: Account
    plain_backup: Path


def encrypt_chart(
    path: Path,
    display_name: str,
    login: str,
    password: str,
    *,
    now: dt.datetime,
    argon2: Argon2Parameters = DEFAULT_ARGON2,
) -> EncryptedChart:
    """Encrypt the plain chart at ``path`` and make ``login`` its owner (see the module)."""
    path = path.expanduser().resolve()
    row = accounts.owner_row(login, display_name, password, argon2=argon2)  # refusals first
    if encryption.looks_encrypted(path):
        raise DatabaseOpenError(path, "is encrypted already.")
    if keystore_path(path).exists():
        raise DatabaseOpenError(
            keystore_path(path), "already exists beside a plain chart: move it away first."
        )
    before = _check_plain(path)
    backup = make_backup(path, now=now)
    data_key, recovery_key = keystore.create_keystore(path, login, password, argon2=argon2)
    owner: list[Account] = []

    def seal(temp: Path) -> None:
        owner.append(_seal(temp, data_key, row, before))

    try:
        encryption.encrypt_existing(path, data_key, keep_plain_copy=False, prepare=seal)
    except BaseException:
        keystore_path(path).unlink(missing_ok=True)
        raise
    database = open_database(str(path), key=data_key, upgrade=False, quick_check=False)
    try:
        audit.reset_anchor(database)  # the anchor moves beside the key file, under its key
    finally:
        database.close()
    return EncryptedChart(data_key, recovery_key, owner[0], backup.path)


def _check_plain(path: Path) -> AuditCheck:
    """The plain chart's log as verified with this computer's key, before it is re-sealed
    (and refusal of a chart that has accounts: their passwords are not known here)."""
    database = open_database(str(path), read_only=True, upgrade=False, quick_check=False)
    try:
        if accounts.has_accounts(database):
            raise AccountError(
                "This chart has accounts already; encrypting it from here would leave them "
                "without passwords. Use acuchart init for a new encrypted chart."
            )
        return audit.verify_audit_log(database)
    finally:
        database.close()


def _seal(temp: Path, data_key: bytes, row: UserAccount, before: AuditCheck) -> Account:
    """In the encrypted copy, one transaction: re-seal the log, add the owner, record both."""
    database = open_database(
        str(temp), key=data_key, upgrade=False, quick_check=False, audit_anchor=False
    )
    try:
        with database.unit_of_work() as session:
            connection = session.connection()
            sqlite.drop_audit_log_triggers(connection)
            count = audit.reseal(session, audit_key(data_key))
            sqlite.restore_missing_triggers(connection)
            owner = accounts.insert_owner(session, row)
            with acting_as(owner.login):
                audit.record(
                    session,
                    AuditAction.SETTING_CHANGE,
                    object=ENCRYPTED_OBJECT,
                    detail=_sealed_detail(count, before),
                )
        with database.engine.connect() as connection:  # everything into the file itself
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.close()
    wal = temp.with_name(temp.name + "-wal")
    with contextlib.suppress(FileNotFoundError):
        if wal.stat().st_size:
            raise DatabaseOpenError(temp, "could not be written completely; nothing changed.")
    return owner


def _sealed_detail(count: int, before: AuditCheck) -> str:
    """The encryption's entry says what the log was like when its key changed."""
    state = "verified intact before" if before.ok else f"NOT intact before ({before.message})"
    return f"encrypted; {count} earlier audit entries re-sealed with the chart's key, {state}"
