"""Accounts: set up the owner, sign in, add practitioners, change passwords, auto-lock.

Passwords are kept as Argon2id hashes (argon2-cffi) of the same strength as
the key file's. On an encrypted chart each account also has its own wrapper of
the data key in the key file (``acuchart.keystore``), so adding an account or
changing a password changes both, or neither.
"""

from __future__ import annotations

import functools
import os
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from acuchart import keystore
from acuchart.accounts import Account, AccountError, Role, login_key
from acuchart.audit import AuditAction, acting_as
from acuchart.db.database import Database
from acuchart.db.models import DISPLAY_NAME_LENGTH, ClinicSetting, UserAccount
from acuchart.keystore import (
    DEFAULT_ARGON2,
    WRONG_LOGIN,
    Argon2Parameters,
    PasswordPolicyError,
    WrongPasswordError,
)
from acuchart.locations import keystore_path
from acuchart.services.audit import record
from acuchart.services.clinic import AUTO_LOCK_MINUTES, get_setting

if TYPE_CHECKING:
    from argon2 import PasswordHasher
from acuchart.validation import ValidationError

DEFAULT_AUTO_LOCK_MINUTES = 10
MIN_AUTO_LOCK_MINUTES, MAX_AUTO_LOCK_MINUTES = 1, 30
AUDITED_LOGIN_LENGTH = 40  # a failed login may be a password typed into the name box
WRONG_CURRENT_PASSWORD = "The current password is not right."
_DUMMY_PASSWORD = "not anyone's password"


def _hasher(argon2: Argon2Parameters) -> PasswordHasher:
    from argon2 import PasswordHasher, Type

    return PasswordHasher(
        time_cost=argon2.time_cost,
        memory_cost=argon2.memory_cost_kib,
        parallelism=argon2.parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


@functools.cache
def _dummy_hash(argon2: Argon2Parameters) -> str:
    """A hash to verify against when the name is unknown, so both refusals take as long."""
    return _hasher(argon2).hash(_DUMMY_PASSWORD)


def _nfc(password: str) -> str:
    # The same password typed on macOS (decomposed accents) or Windows is one password.
    return unicodedata.normalize("NFC", password)


def _verifies(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher.verify(password_hash, _nfc(password))
    except (VerificationError, InvalidHashError):
        return False


def _clean_login(login: str) -> str:
    return login_key(keystore.check_account_name(login))


def _clean_display_name(display_name: str) -> str:
    cleaned = unicodedata.normalize("NFC", display_name).strip()
    if not cleaned:
        raise PasswordPolicyError("Enter the name to show on signed notes.")
    if len(cleaned) > DISPLAY_NAME_LENGTH:
        raise PasswordPolicyError(
            f"The name shown on notes is longer than {DISPLAY_NAME_LENGTH} characters."
        )
    if any(unicodedata.category(character).startswith("C") for character in cleaned):
        raise PasswordPolicyError("The name shown on notes cannot contain control characters.")
    return cleaned


def _account(row: UserAccount) -> Account:
    return Account(id=row.id, login=row.login, display_name=row.display_name, role=Role(row.role))


def _require_owner(session: Session, by: Account, doing: str) -> None:
    """Re-read ``by`` from the database: a stale or forged ``Account`` gives no rights."""
    row = session.get(UserAccount, by.id)
    if row is None or row.disabled or row.role != Role.OWNER or row.login != by.login:
        raise AccountError(f"Only the owner account can {doing}.")


def has_accounts(database: Database) -> bool:
    """True once the owner account is set up."""
    with database.reading() as session:
        return bool(session.scalar(select(exists().select_from(UserAccount))))


def list_accounts(database: Database) -> list[Account]:
    """Every account, the owner first, in the order they were added."""
    with database.reading() as session:
        rows = session.scalars(select(UserAccount).order_by(UserAccount.id))
        return [_account(row) for row in rows]


def find_account(database: Database, login: str) -> Account | None:
    """The enabled account with this login name (any case), or None."""
    with database.reading() as session:
        row = session.scalar(select(UserAccount).where(UserAccount.login == login_key(login)))
        return None if row is None or row.disabled else _account(row)


def create_owner(
    database: Database,
    login: str,
    display_name: str,
    password: str,
    *,
    argon2: Argon2Parameters = DEFAULT_ARGON2,
) -> Account:
    """Set up the first account, the owner; refused once any account exists."""
    row = owner_row(login, display_name, password, argon2=argon2)
    with database.unit_of_work() as session:
        return insert_owner(session, row)


def owner_row(
    login: str, display_name: str, password: str, *, argon2: Argon2Parameters = DEFAULT_ARGON2
) -> UserAccount:
    """The owner's account, checked and its password hashed: slow, so before the transaction."""
    cleaned_login = _clean_login(login)
    cleaned_display = _clean_display_name(display_name)
    keystore.check_password(password)
    return UserAccount(
        login=cleaned_login,
        display_name=cleaned_display,
        role=Role.OWNER,
        password_hash=_hasher(argon2).hash(_nfc(password)),
    )


def insert_owner(session: Session, row: UserAccount) -> Account:
    """Store the owner (``owner_row``) in the caller's transaction; refused once any account
    exists."""
    if session.scalar(select(exists().select_from(UserAccount))):
        raise AccountError(
            "The owner account is set up already; the owner adds the other accounts."
        )
    return _insert_account(session, row, acting=row.login, detail="owner account set up")


def _insert_account(session: Session, row: UserAccount, *, acting: str, detail: str) -> Account:
    """Store a new account and record it, in the caller's transaction, as ``acting``."""
    session.add(row)
    session.flush()
    account = _account(row)
    with acting_as(acting):
        record(session, AuditAction.ACCOUNT_CHANGE, object=f"account {account.id}", detail=detail)
    return account


def authenticate(
    database: Database,
    login: str,
    password: str,
    *,
    argon2: Argon2Parameters = DEFAULT_ARGON2,
) -> Account:
    """The account, if the password is right for it; ``WrongPasswordError`` otherwise.

    An unknown name, a disabled account and a wrong password get the same message
    after the same work. Both outcomes are audited (never the password). The
    caller signs the account in (``acuchart.session.sign_in``).
    """
    hasher = _hasher(argon2)
    key = login_key(login)
    with database.reading() as session:
        row = session.scalar(select(UserAccount).where(UserAccount.login == key)) if key else None
    if row is None:
        _verifies(hasher, _dummy_hash(argon2), password)
        _record_failed_login(database, login, "unknown name")
        raise WrongPasswordError(WRONG_LOGIN)
    right = _verifies(hasher, row.password_hash, password)
    if not right or row.disabled:
        _record_failed_login(database, login, "account disabled" if right else "wrong password")
        raise WrongPasswordError(WRONG_LOGIN)
    account = _account(row)
    with database.unit_of_work() as session:
        detail = ""
        if hasher.check_needs_rehash(row.password_hash):
            stored = session.get(UserAccount, row.id)
            if stored is not None:
                stored.password_hash = hasher.hash(_nfc(password))
                detail = "password hash renewed"
        with acting_as(account.login):
            record(session, AuditAction.LOGIN, object=f"account {account.id}", detail=detail)
    return account


def _record_failed_login(database: Database, attempted: str, reason: str) -> None:
    shown = attempted.strip()[:AUDITED_LOGIN_LENGTH]
    with database.unit_of_work() as session:
        record(
            session,
            AuditAction.FAILED_LOGIN,
            object="login",
            detail=f"{reason}; name tried: {shown}",
        )


def add_account(
    database: Database,
    by: Account,
    login: str,
    display_name: str,
    password: str,
    role: Role = Role.PRACTITIONER,
    *,
    argon2: Argon2Parameters = DEFAULT_ARGON2,
) -> Account:
    """The owner adds an account. On an encrypted chart the new account also gets its own
    wrapper in the key file, so its password opens the file: both are written, or neither.
    """
    cleaned_login = _clean_login(login)
    cleaned_display = _clean_display_name(display_name)
    keystore.check_password(password)
    with database.reading() as session:
        _require_owner(session, by, "add accounts")
        if session.scalar(select(UserAccount.id).where(UserAccount.login == cleaned_login)):
            raise AccountError(f"An account named “{cleaned_login}” already exists.")
    password_hash = _hasher(argon2).hash(_nfc(password))
    encrypted = _encrypted_file(database)
    snapshot = _keystore_snapshot(encrypted)
    if encrypted is not None:
        path, data_key = encrypted
        keystore.add_account(path, data_key, cleaned_login, password, argon2=argon2)
    try:
        with database.unit_of_work() as session:
            _require_owner(session, by, "add accounts")
            account = _insert_account(
                session,
                UserAccount(
                    login=cleaned_login,
                    display_name=cleaned_display,
                    role=Role(role),
                    password_hash=password_hash,
                ),
                acting=by.login,
                detail=f"{Role(role)} account added",
            )
    except BaseException as error:
        _put_back(encrypted, snapshot)
        if isinstance(error, IntegrityError):
            raise AccountError(f"An account named “{cleaned_login}” already exists.") from None
        raise
    return account


def change_password(
    database: Database,
    account: Account,
    old: str,
    new: str,
    *,
    argon2: Argon2Parameters = DEFAULT_ARGON2,
) -> None:
    """Replace the account's password (and its key-file wrapper on an encrypted chart);
    the old one stops working at once."""
    keystore.check_password(new)
    hasher = _hasher(argon2)
    with database.reading() as session:
        row = session.get(UserAccount, account.id)
    if row is None or row.disabled or not _verifies(hasher, row.password_hash, old):
        raise WrongPasswordError(WRONG_CURRENT_PASSWORD)
    password_hash = hasher.hash(_nfc(new))
    encrypted = _encrypted_file(database)
    snapshot = _keystore_snapshot(encrypted)
    if encrypted is not None:
        try:
            keystore.change_password(encrypted[0], row.login, old, new, argon2=argon2)
        except WrongPasswordError:
            raise WrongPasswordError(WRONG_CURRENT_PASSWORD) from None
    try:
        with database.unit_of_work() as session:
            stored = session.get(UserAccount, account.id)
            if stored is None:
                raise AccountError("This account no longer exists.")
            stored.password_hash = password_hash
            with acting_as(row.login):
                record(
                    session,
                    AuditAction.ACCOUNT_CHANGE,
                    object=f"account {account.id}",
                    detail="password changed",
                )
    except BaseException:
        _put_back(encrypted, snapshot)
        raise


def reset_password(
    database: Database,
    login: str,
    new_password: str,
    *,
    argon2: Argon2Parameters = DEFAULT_ARGON2,
) -> Account:
    """After ``keystore.reset_with_recovery``: give the account the password the key file
    now has. Only for an encrypted chart opened with the data key the recovery key gave
    (that is the proof); a plain chart has no recovery key and is refused."""
    if not database.encrypted:
        raise AccountError("Only an encrypted chart has a recovery key to reset a password with.")
    keystore.check_password(new_password)
    password_hash = _hasher(argon2).hash(_nfc(new_password))
    with database.unit_of_work() as session:
        row = session.scalar(select(UserAccount).where(UserAccount.login == login_key(login)))
        if row is None:
            raise AccountError(f"There is no account named “{login.strip()}”.")
        row.password_hash = password_hash
        account = _account(row)
        with acting_as(account.login):
            record(
                session,
                AuditAction.ACCOUNT_CHANGE,
                object=f"account {account.id}",
                detail="password reset with the recovery key",
            )
    return account


def get_auto_lock_minutes(database: Database) -> int:
    """Minutes of no input before the window locks (a clinic setting; default 10)."""
    text = get_setting(database, AUTO_LOCK_MINUTES, str(DEFAULT_AUTO_LOCK_MINUTES))
    try:
        minutes = int(text)
    except ValueError:
        return DEFAULT_AUTO_LOCK_MINUTES
    return min(max(minutes, MIN_AUTO_LOCK_MINUTES), MAX_AUTO_LOCK_MINUTES)


def set_auto_lock_minutes(database: Database, by: Account, minutes: int) -> None:
    """The owner sets the auto-lock time, 1 to 30 minutes (``ValidationError`` outside)."""
    if isinstance(minutes, bool) or not MIN_AUTO_LOCK_MINUTES <= minutes <= MAX_AUTO_LOCK_MINUTES:
        raise ValidationError(
            {
                AUTO_LOCK_MINUTES: f"Choose {MIN_AUTO_LOCK_MINUTES} to {MAX_AUTO_LOCK_MINUTES} "
                "minutes before the window locks."
            }
        )
    with database.unit_of_work() as session:
        _require_owner(session, by, "change the auto-lock time")
        session.merge(ClinicSetting(key=AUTO_LOCK_MINUTES, value=str(minutes)))
        with acting_as(by.login):
            record(
                session,
                AuditAction.SETTING_CHANGE,
                object="clinic setting",
                detail=f"{AUTO_LOCK_MINUTES}={minutes}",
            )


# -- keeping the key file in step --------------------------------------------------------------


def _encrypted_file(database: Database) -> tuple[Path, bytes] | None:
    """(database file, data key) of an encrypted chart; None for a plain one or a server."""
    if database.key is None or database.path is None:
        return None
    return database.path, database.key


def _keystore_snapshot(encrypted: tuple[Path, bytes] | None) -> bytes | None:
    """The key file as it is now, to put back if the database refuses the change."""
    return None if encrypted is None else keystore_path(encrypted[0]).read_bytes()


def _put_back(encrypted: tuple[Path, bytes] | None, snapshot: bytes | None) -> None:
    """Restore the key file after the database refused the change (atomic, mode 0600)."""
    if encrypted is None or snapshot is None:
        return
    path = keystore_path(encrypted[0])
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temporary, 0o600)
        with os.fdopen(handle, "wb") as file:
            file.write(snapshot)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
