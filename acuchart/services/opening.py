"""Opening a chart: what the start needs (set-up, a password, nothing), and doing it.

Plain functions, no Qt: they run in the worker (unwrapping a key costs about half a
second of Argon2id), and the window imports this module, not the sign-in dialogs, to
start the worker: the dialogs load only when a chart asks for a password or set-up.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from acuchart.audit_anchor import ANCHOR_SUFFIX
from acuchart.errors import ChartError

if TYPE_CHECKING:
    from acuchart.accounts import Account
    from acuchart.backups import UnlockedBackup
    from acuchart.db.database import Database

SIDE_FILES = ("-wal", "-shm", "-journal", ANCHOR_SUFFIX)  # what a new chart makes beside it


# -- what the start needs, decided and done in the worker ----------------------------------
@dataclass(frozen=True)
class SignedIn:
    """An open chart and the account that opened it."""

    database: Database
    account: Account


@dataclass(frozen=True)
class ChartSetUp:
    """A new encrypted chart with its owner, and the recovery key to show once."""

    database: Database
    account: Account
    recovery_key: str
    clinic_name: str


@dataclass(frozen=True)
class NeedsSetup:
    """No chart at this path yet: ask for the owner and make an encrypted one."""

    path: Path


@dataclass(frozen=True)
class Opened:
    """A chart without accounts (the demo, a server without any): nobody to sign in."""

    database: Database
    unencrypted_file: bool
    demo: bool = False  # filled by ``acuchart demo``


@dataclass(frozen=True)
class LoginPlan:
    """A chart that needs a password: an encrypted file (``path``, opened only after the
    key is unwrapped) or a plain file or server already open (``database``)."""

    names: list[str]
    path: Path | None = None
    database: Database | None = field(default=None, repr=False)

    @property
    def can_recover(self) -> bool:
        """Only an encrypted file has a recovery key."""
        return self.path is not None

    def sign_in(self, login: str, password: str) -> SignedIn:
        """Open the chart with the account's password; ``DamagedChartError`` (with the newest
        backup this password opens, if any) when the password is right but the chart's
        file, or its key file, is damaged."""
        from acuchart.services.accounts import authenticate

        if self.database is not None:
            return SignedIn(self.database, authenticate(self.database, login, password))
        assert self.path is not None
        from acuchart.keystore import KeystoreError, unlock

        try:
            data_key = unlock(self.path, login, password)
        except KeystoreError as error:
            raise _damaged(self.path, str(error), login, password, key_file=True) from error
        try:
            database = _open_with_key(self.path, data_key)
        except DamagedChartError as error:
            raise _damaged(self.path, str(error), login, password) from error
        return _authenticated(database, login, password)

    def restore_and_sign_in(self, damage: DamagedChartError, login: str, password: str) -> SignedIn:
        """Repair what ``damage`` found from its backup, then sign in: a damaged key file is
        put back from the backup's copy when that opens the chart (nothing written since the
        backup is lost); otherwise the backup replaces the chart. What is replaced is kept
        in the backups folder, a damaged file byte for byte."""
        import datetime as dt

        from acuchart.backups import restore_backup, restore_key_file

        assert self.path is not None
        assert damage.backup is not None
        now, backup = dt.datetime.now(dt.UTC), damage.backup
        if damage.key_file_only:
            restore_key_file(backup.summary.path, self.path, now=now, key=backup.key)
        else:
            restore_backup(backup.summary.path, self.path, now=now, key=backup.key)
        return self.sign_in(login, password)

    def recover(self, recovery_key: str, login: str, new_password: str) -> SignedIn:
        """Set a new password with the recovery key (key file and account), then sign in."""
        from acuchart.accounts import login_key
        from acuchart.keystore import (
            WrongPasswordError,
            account_names,
            check_password,
            parse_recovery_key,
            reset_with_recovery,
        )

        assert self.path is not None
        check_password(new_password)
        parse_recovery_key(recovery_key)  # a mistyped key is refused before anything changes
        # The key file would add an unknown name as a new account: refuse a typo instead.
        if login_key(login) not in {login_key(name) for name in account_names(self.path)}:
            raise WrongPasswordError(f"There is no account named “{login.strip()}”.")
        data_key = reset_with_recovery(self.path, recovery_key, login, new_password)
        database = _open_with_key(self.path, data_key)
        return _authenticated(database, login, new_password, reset=True)

    def close(self) -> None:
        if self.database is not None:
            self.database.close()


StartPlan = NeedsSetup | LoginPlan | Opened


def plan_start(location: str) -> StartPlan:
    """What opening ``location`` needs: set-up, a password, or nothing."""
    from acuchart.db.database import open_database, sqlite_path, url_from_path_or_url
    from acuchart.db.errors import DatabaseOpenError
    from acuchart.keystore import KeystoreError, account_names, has_keystore
    from acuchart.services.accounts import has_accounts, list_accounts

    path = None
    with contextlib.suppress(Exception):  # a bad location: open_database words the error
        from sqlalchemy import make_url

        path = sqlite_path(make_url(url_from_path_or_url(location)))
    if path is not None and has_keystore(path):
        if not path.is_file():  # signing in would make a new, empty chart beside the key file
            raise DatabaseOpenError(
                path,
                "is missing, though its key file is there. Put the database back from a "
                "backup (the backups folder beside it).",
            )
        try:
            names = account_names(path)
        except KeystoreError:
            names = []  # damaged: signing in offers a backup, unlocked by its own key file
        return LoginPlan(names, path=path)
    if path is not None and not path.exists():
        return NeedsSetup(path)
    database = open_database(location, quick_check=False)  # checked in the background
    try:
        if has_accounts(database):
            names = [account.login for account in list_accounts(database)]
            return LoginPlan(names, database=database)
    except BaseException:
        database.close()
        raise
    from acuchart.services.clinic import is_demo_chart

    return Opened(database, unencrypted_file=path is not None, demo=is_demo_chart(database))


def set_up_chart(
    path: Path, clinic_name: str, display_name: str, login: str, password: str
) -> ChartSetUp:
    """Key file, encrypted database, owner account and clinic name; on failure nothing is left."""
    from acuchart.db.database import open_database
    from acuchart.db.errors import DatabaseOpenError
    from acuchart.keystore import create_keystore
    from acuchart.locations import keystore_path
    from acuchart.services.accounts import create_owner

    if path.exists():
        raise DatabaseOpenError(path, "already exists: set-up never replaces a chart.")
    data_key, recovery_key = create_keystore(path, login, password)
    try:
        database = open_database(str(path), key=data_key)
        try:
            account = create_owner(database, login, display_name, password)
            if clinic_name.strip():
                from acuchart.services.clinic import load_clinic_profile, save_clinic_profile

                profile = load_clinic_profile(database)
                save_clinic_profile(database, replace(profile, name=clinic_name.strip()))
        except BaseException:
            database.close()
            raise
    except BaseException:
        leftovers = [path, keystore_path(path)]
        leftovers += [path.with_name(path.name + suffix) for suffix in SIDE_FILES]
        for leftover in leftovers:
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    return ChartSetUp(database, account, recovery_key, clinic_name.strip())


class DamagedChartError(ChartError):
    """The password is right, but the chart's file or key file cannot be used. ``backup``
    is the newest sound backup whose own key file the same password opens, if any."""

    def __init__(
        self, problem: str, backup: UnlockedBackup | None = None, *, key_file_only: bool = False
    ) -> None:
        super().__init__(problem)
        self.problem = problem
        self.backup = backup
        self.key_file_only = key_file_only  # the chart itself opens with the backup's key


def _open_with_key(path: Path, data_key: bytes) -> Database:
    """The chart opened with a key its key file gave: it is right for the key file, so a
    chart that refuses it, or fails its check, is damaged (or not the key file's chart)."""
    from acuchart.db.database import open_database
    from acuchart.db.errors import DatabaseOpenError
    from acuchart.keystore import WrongPasswordError

    try:
        # Checked in the background once open (a minute for gigabytes): damage found
        # then offers a backup opened with this same key.
        return open_database(str(path), key=data_key, quick_check=False)
    except WrongPasswordError as error:
        raise DamagedChartError(
            f"The chart “{path}” is damaged: the password is right, but the file does not "
            "open with the key it gives (or the key file beside it is another chart's)."
        ) from error
    except DatabaseOpenError as error:
        raise DamagedChartError(str(error)) from error


def _damaged(
    path: Path, problem: str, login: str, password: str, *, key_file: bool = False
) -> DamagedChartError:
    """What can be offered for a damaged chart (``key_file``: its key file is the damaged
    part): the newest sound backup that this password opens, by its own key file."""
    from acuchart.backups import default_backup_folder, newest_backup_opened_by
    from acuchart.db import encryption
    from acuchart.db.errors import DatabaseOpenError
    from acuchart.keystore import WrongPasswordError

    folder = default_backup_folder(path)
    backup = newest_backup_opened_by(folder, login, password) if folder.is_dir() else None
    if backup is None:
        problem += (
            f"\n\nNo backup in {folder} opens with this password (a backup made before a "
            "password change opens with the password of that time)."
        )
        return DamagedChartError(problem)
    if key_file:
        try:
            encryption.preflight(path, backup.key)
        except (DatabaseOpenError, WrongPasswordError):
            return DamagedChartError(problem, backup)
        return DamagedChartError(problem, backup, key_file_only=True)
    return DamagedChartError(problem, backup)


def _authenticated(
    database: Database, login: str, password: str, *, reset: bool = False
) -> SignedIn:
    from acuchart.services import accounts

    try:
        if reset:
            accounts.reset_password(database, login, password)
        return SignedIn(database, accounts.authenticate(database, login, password))
    except BaseException:
        database.close()
        raise
