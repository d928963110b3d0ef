"""SQLCipher: the SQLite file encrypted with a raw 256-bit key (see ``acuchart.keystore``).

Engines use SQLAlchemy's ``sqlite+pysqlcipher`` dialect (driver ``sqlcipher3``)
with the key as ``x'<64 hex>'``: the dialect sends ``PRAGMA key`` as the first
statement on every new connection, so SQLCipher skips its own slow PBKDF2. The
key sits only in the URL's password, which SQLAlchemy never renders (there is
no user name), so it follows the database into every engine made from its URL
(migrations, restore) without appearing in a message.

Besides engines: checks before opening (a wrong key is a clean
``WrongPasswordError`` and creates nothing), converting a plain database, the
encrypted counterpart of ``sqlite.copy_database``, and the schema upgrade (the
backup before it must be encrypted too).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Engine, event
from sqlcipher3 import dbapi2 as sqlcipher

from acuchart.db import sqlite
from acuchart.db.errors import DatabaseOpenError
from acuchart.keystore import DATA_KEY_BYTES, WrongPasswordError

if TYPE_CHECKING:
    pass

ENCRYPTED_DRIVER = "sqlite+pysqlcipher"
# SQLCipher logs a wrong key ("hmac check failed for pgno=1") to stderr at its default level.
QUIET_LOG_PRAGMA = "PRAGMA cipher_log_level = NONE"
WRONG_KEY = (
    "cannot be read with this key: its key file belongs to another database, "
    "or the database is damaged."
)
UNENCRYPTED_COPY_LABEL = "unencrypted"


class PasswordRequiredError(DatabaseOpenError):
    """The database is encrypted and was opened without its key (ask for the password)."""

    def __init__(self, location: Path) -> None:
        super().__init__(location, "is encrypted: AcuChart needs your password to open it.")


def key_text(key: bytes) -> str:
    """SQLCipher's raw-key notation, ``x'…'``; the key is used as is, not stretched."""
    if len(key) != DATA_KEY_BYTES:
        raise ValueError(f"an SQLCipher raw key has {DATA_KEY_BYTES} bytes, not {len(key)}")
    return f"x'{key.hex()}'"


def encrypted_url(path: Path, key: bytes, *, read_only: bool = False) -> URL:
    """The URL of an encrypted file; ``read_only`` opens it so nothing can change it."""
    url = sqlite.read_only_url(path) if read_only else URL.create("sqlite", database=str(path))
    return url.set(drivername=ENCRYPTED_DRIVER, password=key_text(key))


def is_encrypted_url(url: URL) -> bool:
    return url.drivername == ENCRYPTED_DRIVER


# Every page read from disk is decrypted: a larger page cache (SQLite's default is 2 MB; here
# 32 MB per connection, filled only as pages are read) keeps a search's pages decrypted
# between keystrokes. Measured on the 4 GB benchmark clinic: search 1.8x slower than the
# plain file with 16 MB, faster than it with 32 MB.
ENCRYPTED_CACHE_PRAGMA = "PRAGMA cache_size = -32768"  # KiB


def install_quiet_log(engine: Engine) -> None:
    """Silence SQLCipher's log on each new connection, before the dialect's ``PRAGMA key``;
    after it, a page cache fit for decrypted pages."""

    def run(dbapi_connection: Any, pragma: str) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "connect", insert=True)
    def _quiet(dbapi_connection: Any, _record: Any) -> None:
        run(dbapi_connection, QUIET_LOG_PRAGMA)

    @event.listens_for(engine, "connect")
    def _cache(dbapi_connection: Any, _record: Any) -> None:
        run(dbapi_connection, ENCRYPTED_CACHE_PRAGMA)


def looks_encrypted(path: Path) -> bool:
    """True for a non-empty file that does not start with SQLite's plain header."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(sqlite.SQLITE_HEADER))
    except OSError:
        return False
    return bool(header) and header != sqlite.SQLITE_HEADER


@contextlib.contextmanager
def keyed_connection(
    path: Path, key: bytes, *, read_only: bool = False
) -> Iterator[sqlcipher.Connection]:
    """A plain sqlcipher3 connection with the key applied and checked.

    A wrong key raises ``WrongPasswordError``; read-only never creates a file.
    """
    target = "file:" + urllib.parse.quote(str(path)) + "?mode=ro" if read_only else str(path)
    connection = sqlcipher.connect(
        target, uri=read_only, timeout=sqlite.BUSY_TIMEOUT_MS / 1000, isolation_level=None
    )
    try:
        connection.execute(QUIET_LOG_PRAGMA)
        connection.execute(f'PRAGMA key = "{key_text(key)}"')
        verify_key(connection, path)
        yield connection
    finally:
        connection.close()


def verify_key(connection: sqlcipher.Connection, path: Path) -> None:
    """Read the schema: with a wrong key SQLCipher answers "file is not a database"."""
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as error:
        if "not a database" in str(error):
            raise WrongPasswordError(f"The database “{path}” {WRONG_KEY}") from None
        raise


def preflight(path: Path, key: bytes, *, quick_check: bool = True) -> bool:
    """``sqlite.preflight`` for an encrypted file: True when it exists and is fine, False
    when it will be created; ``WrongPasswordError`` or ``DatabaseOpenError`` otherwise."""
    if not path.is_file():
        return sqlite.preflight(path, quick_check=quick_check)  # a folder, or a new file
    with path.open("rb") as handle:
        header = handle.read(len(sqlite.SQLITE_HEADER))
    if not header:
        raise DatabaseOpenError(path, "is an empty file (0 bytes), not an AcuChart database.")
    if header == sqlite.SQLITE_HEADER:
        raise DatabaseOpenError(
            path, "is not encrypted. AcuChart can encrypt it (encrypt_existing) before use."
        )
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        raise DatabaseOpenError(path, "cannot be opened for writing: permission denied.")
    try:
        with keyed_connection(path, key, read_only=True) as connection:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if tables and not sqlite.ACUCHART_MARKER_TABLES.issubset(tables):
                raise DatabaseOpenError(
                    path, "is an SQLite database, but not an AcuChart one (no chart tables)."
                )
            if quick_check:
                problems = [row[0] for row in connection.execute("PRAGMA quick_check(5)")]
                if problems != ["ok"]:
                    from acuchart.db.health import damage_error

                    raise damage_error(path, problems)
    except sqlcipher.DatabaseError as error:
        raise DatabaseOpenError(path, f"is damaged or not a database ({error}).") from error
    return True


def has_user_tables(path: Path, key: bytes) -> bool:
    with keyed_connection(path, key, read_only=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()
    return bool(row and row[0])


def copy_encrypted(source: Path, destination: Path, data_key: bytes) -> None:
    """``sqlite.copy_database`` for an encrypted database: the copy is encrypted with the
    same key (the backup API between two keyed connections), one snapshot, flushed."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with keyed_connection(source, data_key, read_only=True) as reader:
        target = sqlcipher.connect(str(destination), isolation_level=None)
        try:
            target.execute(QUIET_LOG_PRAGMA)
            target.execute(f'PRAGMA key = "{key_text(data_key)}"')
            reader.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    sqlite.sync_file(destination)


def encrypt_existing(
    plain_path: Path,
    data_key: bytes,
    *,
    keep_plain_copy: bool,
    prepare: Callable[[Path], None] | None = None,
) -> Path | None:
    """Encrypt an unencrypted AcuChart database in place; returns the plain safety copy.

    The encrypted file is written beside it under a temporary name, checked
    (same row count in every table), then renamed over the original. With
    ``keep_plain_copy`` the original is first copied to the backups folder
    (still readable by anyone: the caller must say so); without it the plain
    file is simply unlinked. Its old disk blocks are not overwritten: no
    reliable secure erase exists on SSDs and journaling file systems. Older
    plain backups in the backups folder stay as they are. The database must be
    closed everywhere; create the key file (``keystore.create_keystore``) first.
    ``prepare`` gets the checked encrypted copy before it replaces the original (to add
    to it, in its own transaction); if it raises, the original is left as it was.
    """
    plain_path = plain_path.expanduser().resolve()
    if looks_encrypted(plain_path):
        raise DatabaseOpenError(plain_path, "is encrypted already.")
    if not sqlite.preflight(plain_path):
        raise DatabaseOpenError(plain_path, "does not exist.")
    if sqlite.is_open_elsewhere(plain_path):  # also folds a crash's -wal into the file
        raise DatabaseOpenError(plain_path, "is open in AcuChart or another program: close it.")
    leftovers = [
        plain_path.with_name(plain_path.name + suffix)
        for suffix in ("-wal", "-journal")
        if plain_path.with_name(plain_path.name + suffix).exists()
    ]
    if leftovers:
        raise DatabaseOpenError(plain_path, f"has journal files beside it ({leftovers[0].name}).")
    temp = plain_path.with_name(f".{plain_path.name}.encrypting-{secrets.token_hex(4)}")
    try:
        source = sqlcipher.connect(str(plain_path), isolation_level=None)  # no key: plain
        try:
            source.execute(QUIET_LOG_PRAGMA)
            source.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(temp), key_text(data_key)))
            source.execute("SELECT sqlcipher_export('encrypted')")
            source.execute("DETACH DATABASE encrypted")
            expected = _row_counts(source)
        finally:
            source.close()
        with keyed_connection(temp, data_key) as encrypted:
            problems = sqlite.integrity_problems(encrypted)
            if problems or _row_counts(encrypted) != expected:
                raise DatabaseOpenError(
                    plain_path, "could not be encrypted: the encrypted copy did not match."
                )
        if prepare is not None:
            prepare(temp)
        sqlite.sync_file(temp)
        plain_copy = _keep_plain_copy(plain_path) if keep_plain_copy else None
        os.replace(temp, plain_path)
    finally:
        temp.unlink(missing_ok=True)
        for suffix in ("-journal", "-wal", "-shm"):
            temp.with_name(temp.name + suffix).unlink(missing_ok=True)
    with contextlib.suppress(FileNotFoundError):  # the plain file's shared-memory index
        plain_path.with_name(plain_path.name + "-shm").unlink()
    return plain_copy


def _row_counts(connection: sqlcipher.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND rootpage > 0"
        )
    ]
    return {
        name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names
    }


def _keep_plain_copy(plain_path: Path) -> Path:
    from acuchart.locations import BACKUP_FOLDER_NAME

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{plain_path.stem}-{UNENCRYPTED_COPY_LABEL}-{stamp}.db"
    copy = plain_path.parent / BACKUP_FOLDER_NAME / name
    sqlite.copy_database(plain_path, copy)
    return copy
