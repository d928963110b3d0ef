"""``acuchart init``: set up a new encrypted database and its owner account.

Only the standard library is imported at the top: ``acuchart.cli`` imports this
module before the window appears. The owner's account row (its Argon2id
password hash and the name signed notes show) is created with the database.
Exit codes: 0 set up, 1 nothing set up
(password refused, prompts cancelled, password file unreadable), 2 the
database location cannot be used (it exists already, is not a file path, …).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

RECOVERY_WARNING = (
    "Without your password or this recovery key the chart cannot be read. "
    "Print it or write it down and keep it somewhere safe."
)
PASSWORD_ATTEMPTS = 3


class _RefusedError(Exception):
    """Nothing was set up; the message says why."""


def add_init_parser(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    database: argparse.ArgumentParser,
) -> None:
    init = commands.add_parser(
        "init",
        parents=[database],
        help="set up a new encrypted database and its owner account",
    )
    init.add_argument("--name", help="the owner's account name (asked for when not given)")
    init.add_argument(
        "--display-name",
        metavar="TEXT",
        help="the owner's name as signed notes show it, e.g. “Lena Decicco, L.Ac.” "
        "(default: the account name)",
    )
    init.add_argument(
        "--password-file",
        metavar="FILE",
        type=Path,
        help="read the password from the first line of FILE instead of asking (for scripts)",
    )


def run_init(
    location: str, args: argparse.Namespace, *, ask_secret: Callable[[str], str] = getpass.getpass
) -> int:
    from acuchart.db.errors import DatabaseOpenError
    from acuchart.errors import ChartError

    try:
        path = _new_database_path(location)
        name = args.name if args.name is not None else _ask_name()
        display_name = _display_name(getattr(args, "display_name", None), name)
        password = _password(args.password_file, ask_secret)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    except (_RefusedError, ChartError) as error:
        print(f"Nothing was set up: {error}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, EOFError):
        print("\nCancelled: nothing was set up.", file=sys.stderr)
        return 1
    try:
        recovery_key = _set_up(path, name, display_name, password)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    except ChartError as error:
        print(f"Nothing was set up: {error}", file=sys.stderr)
        return 1
    print(f"Created the encrypted database {path}")
    print(f"Owner account: {name.strip()} (signs notes as “{display_name.strip()}”)")
    print(f"Key file: {path.name}.keys beside it (it belongs with the database and its backups)")
    print()
    print("Recovery key:")
    print()
    print(f"    {recovery_key}")
    print()
    print(RECOVERY_WARNING)
    return 0


def _new_database_path(location: str) -> Path:
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    from acuchart.db.database import sqlite_path, url_from_path_or_url
    from acuchart.db.errors import DatabaseOpenError
    from acuchart.locations import keystore_path

    try:
        url = make_url(url_from_path_or_url(location))
    except ArgumentError as error:
        raise DatabaseOpenError(location, f"is not a valid database location ({error}).") from error
    path = sqlite_path(url)
    if path is None:
        raise DatabaseOpenError(
            location, "is not an SQLite file: init sets up encrypted database files only."
        )
    for existing in (path, keystore_path(path)):
        if existing.exists():
            raise DatabaseOpenError(
                existing, "already exists: init only sets up a new database, it never replaces one."
            )
    return path


def _ask_name() -> str:
    if not sys.stdin.isatty():
        raise _RefusedError("give the owner's account name with --name.")
    return input("Your name for signing in: ")


def _display_name(given: str | None, name: str) -> str:
    """``--display-name``, else asked for on a terminal, else the account name."""
    if given is not None:
        return given
    if sys.stdin.isatty():
        answer = input(f"Your name as signed notes show it [{name.strip()}]: ").strip()
        if answer:
            return answer
    return name


def _password(password_file: Path | None, ask_secret: Callable[[str], str]) -> str:
    from acuchart.keystore import PasswordPolicyError, check_password

    if password_file is not None:
        try:
            text = password_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise _RefusedError(f"the password file cannot be read ({error}).") from None
        lines = text.splitlines()
        password = lines[0] if lines else ""
        check_password(password)
        return password
    for attempt in range(1, PASSWORD_ATTEMPTS + 1):
        password = ask_secret("New password: ")
        try:
            check_password(password)
        except PasswordPolicyError as error:
            if attempt == PASSWORD_ATTEMPTS:
                raise
            print(error, file=sys.stderr)
            continue
        if ask_secret("The same password again: ") == password:
            return password
        if attempt == PASSWORD_ATTEMPTS:
            raise _RefusedError("the two passwords were not the same.")
        print("The two passwords were not the same; try again.", file=sys.stderr)
    raise AssertionError("unreachable")


def _set_up(path: Path, name: str, display_name: str, password: str) -> str:
    """Key file first, then the database with its schema and the owner's account; on
    failure none of them is left."""
    from acuchart.db.database import open_database
    from acuchart.keystore import create_keystore
    from acuchart.locations import keystore_path
    from acuchart.services.accounts import create_owner

    data_key, recovery_key = create_keystore(path, name, password)
    try:
        database = open_database(str(path), key=data_key)
        try:
            create_owner(database, name, display_name, password)
        finally:
            database.close()
    except BaseException:
        for leftover in (path, keystore_path(path), *_side_files(path)):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    return recovery_key


def _side_files(path: Path) -> list[Path]:
    """What a new chart may have made beside itself: journals and the audit anchor."""
    from acuchart.audit_anchor import ANCHOR_SUFFIX

    suffixes = ("-wal", "-shm", "-journal", ANCHOR_SUFFIX)
    return [path.with_name(path.name + suffix) for suffix in suffixes]
