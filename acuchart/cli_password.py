"""Passwords on the command line: every command that opens an encrypted database asks for one.

The password comes from the first line of ``--password-file FILE`` (for
scripts) or from a prompt on the terminal; it is never an argument, which other
users could read in the process list. A plain database opens as before.

Only the standard library is imported at the top: ``acuchart.cli`` imports this
module before the window appears.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from acuchart.errors import ChartError

if TYPE_CHECKING:
    from acuchart.db.database import Database

NAME_PROMPT = "Name: "
PASSWORD_PROMPT = "Password for {name}: "


class CommandPasswordError(ChartError):
    """No password or account name could be had (no terminal, unreadable file, cancelled)."""


def add_password_option(parser: argparse.ArgumentParser) -> None:
    """``--password-file FILE`` and ``--name NAME`` for a command that opens the database."""
    parser.add_argument(
        "--password-file",
        metavar="FILE",
        type=Path,
        help="for an encrypted database: read the password from the first line of FILE "
        "instead of asking (for scripts)",
    )
    parser.add_argument(
        "--name",
        dest="account_name",
        metavar="NAME",
        help="for an encrypted database: the account to open it with "
        "(default: the only one; asked for when there are several)",
    )


def read_password_file(path: Path) -> str:
    """The first line of a password file, without its line ending."""
    try:
        text = path.expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandPasswordError(f"The password file cannot be read ({error}).") from None
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise CommandPasswordError(
            f"The password file “{path}” is empty: the password goes on its first line."
        )
    return lines[0]


def unlock_for_command(
    location: str,
    args: argparse.Namespace,
    *,
    ask_secret: Callable[[str], str] = getpass.getpass,
) -> tuple[str, bytes] | None:
    """(account name, data key) for an SQLite file with a key file beside it; None when the
    database is not encrypted (a plain file, a server). ``WrongPasswordError`` for a
    wrong name or password, ``CommandPasswordError`` when no password can be had."""
    from acuchart import keystore

    path = _sqlite_file(location)
    if path is None or not keystore.has_keystore(path):
        return None
    name = _account_name(path, args)
    password_file: Path | None = getattr(args, "password_file", None)
    if password_file is not None:
        password = read_password_file(password_file)
    else:
        if not sys.stdin.isatty():
            raise CommandPasswordError(
                f"The database “{path}” is encrypted and there is no terminal to ask for the "
                "password on: give it with --password-file FILE."
            )
        try:
            password = ask_secret(PASSWORD_PROMPT.format(name=name))
        except (KeyboardInterrupt, EOFError):
            raise CommandPasswordError("Cancelled: the database was not opened.") from None
    return name, keystore.unlock(path, name, password)


def open_for_command(
    location: str,
    args: argparse.Namespace,
    *,
    read_only: bool = False,
    upgrade: bool = True,
    quick_check: bool = True,
) -> Database:
    """Open the database for a command, asking for the password when it is encrypted.

    The account whose password opened it is signed in for this process, so the
    audit log names it. ``DatabaseOpenError`` when the file cannot be used;
    ``ChartError`` (``WrongPasswordError``, ``CommandPasswordError``, a damaged key
    file) when it cannot be unlocked: callers print the message and exit 1.
    """
    from acuchart.db.database import open_database

    unlocked = unlock_for_command(location, args)
    key = unlocked[1] if unlocked else None
    database = open_database(
        location, key=key, upgrade=upgrade, read_only=read_only, quick_check=quick_check
    )
    if unlocked is not None:
        _sign_in(database, unlocked[0])
    return database


def _sign_in(database: Database, name: str) -> None:
    from sqlalchemy.exc import DBAPIError

    from acuchart import session
    from acuchart.services.accounts import find_account

    try:
        account = find_account(database, name)
    except DBAPIError:  # a schema from before accounts, opened without upgrading
        return
    if account is not None:
        session.sign_in(account)


def _sqlite_file(location: str) -> Path | None:
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    from acuchart.db.database import sqlite_path, url_from_path_or_url

    try:
        return sqlite_path(make_url(url_from_path_or_url(location)))
    except ArgumentError:
        return None  # open_database explains what is wrong with the location


def _account_name(path: Path, args: argparse.Namespace) -> str:
    from acuchart import keystore

    given: str | None = getattr(args, "account_name", None)
    if given:
        return given
    names = keystore.account_names(path)
    if len(names) == 1:
        return names[0]
    if not names:
        raise CommandPasswordError(
            f"No account can open “{path}” with a password: set one with the recovery key."
        )
    if not sys.stdin.isatty():
        raise CommandPasswordError(
            f"Several accounts can open “{path}”: say which with --name NAME."
        )
    try:
        return input(NAME_PROMPT)
    except (KeyboardInterrupt, EOFError):
        raise CommandPasswordError("Cancelled: the database was not opened.") from None
