"""Opening a database from a URL: engine, session factory, migrations.

The program never reaches for a global database: whoever needs one is given a
``Database``. Tests build one from a temporary file; a clinic points it at
PostgreSQL. An SQLite file opened with a key is encrypted (SQLCipher, see
``acuchart.db.encryption``); without a key it is plain, as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from acuchart.db import (
    signing_guard,  # noqa: F401  (registers the lock on signed visits)
    sqlite,
)
from acuchart.db.errors import DatabaseOpenError
from acuchart.errors import ChartError
from acuchart.locations import keystore_path


def url_from_path_or_url(value: str) -> str:
    """Accept a file path or any SQLAlchemy URL, as ``--database`` does."""
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    return URL.create("sqlite", database=str(path)).render_as_string()


def sqlite_path(url: URL) -> Path | None:
    """The file behind an SQLite URL, or None for other databases and in-memory SQLite."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(str(url.database))


class DatabaseClosedError(ChartError):
    def __init__(self, where: str) -> None:
        super().__init__(f"The chart “{where}” is closed: nothing more is written to it.")


@dataclass
class Database:
    """An open database: one engine, and sessions for units of work."""

    url: URL
    engine: Engine
    _reader: sessionmaker[Session]
    _writer: sessionmaker[Session]
    # The SQLCipher data key of an encrypted file (for encrypted backups); None when plain.
    key: bytes | None = field(default=None, repr=False)
    closed: bool = field(default=False, repr=False)
    # Whether commits keep the audit log's anchor (``acuchart.audit_anchor``) up to date.
    anchored: bool = True

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @property
    def display_name(self) -> str:
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises.

        Refused once the database is closed (a damaged file, a restore under way): a timer
        firing late must not write to it."""
        if self.closed:
            raise DatabaseClosedError(self.display_name)
        with self._writer.begin() as session:
            yield session

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session; nothing it does is committed."""
        with self._reader() as session:
            yield session

    def close(self) -> None:
        self.closed = True
        self.engine.dispose()

    def reopen(self) -> None:
        """Writable again after ``close()`` (the same file, unchanged): the engine reconnects."""
        self.closed = False

    def take_over(self, other: Database) -> None:
        """Become ``other``, the same chart opened anew (once encrypted): every holder of
        this object uses its engine and key from now on. This one's engine is closed."""
        self.engine.dispose()
        self.url, self.engine, self.key, self.anchored = (
            other.url,
            other.engine,
            other.key,
            other.anchored,
        )
        self._reader, self._writer = other._reader, other._writer
        self.closed = other.closed


def _refuse_if_damaged(path: Path, key: bytes | None) -> None:
    from acuchart.db.health import damage_error, quick_check_problems

    problems = quick_check_problems(path, key)
    if problems:
        raise damage_error(path, problems)


def create_database_engine(url: URL, *, read_only: bool = False, **options: Any) -> Engine:
    """An engine with our connection settings; SQLite gets its pragmas here.

    ``read_only`` opens an SQLite file so that nothing, not even the journal
    mode in its header, is changed (for ``acuchart check``).
    """
    path = sqlite_path(url)
    if url.get_backend_name() == "sqlite":
        encrypted = url.get_driver_name() == "pysqlcipher"
        target = url
        if read_only and path:
            target = sqlite.read_only_url(path).set(
                drivername=url.drivername, password=url.password
            )
        if encrypted:
            # The dialect defaults to SingletonThreadPool, which lets sessions share a connection.
            options.setdefault("poolclass", QueuePool)
        engine = create_engine(
            target,
            connect_args={"check_same_thread": False, "timeout": sqlite.BUSY_TIMEOUT_MS / 1000},
            **options,
        )
        if encrypted:
            from acuchart.db.encryption import install_quiet_log

            install_quiet_log(engine)
        sqlite.install_connection_hooks(engine, read_only=read_only)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def open_database(
    location: str,
    *,
    key: bytes | None = None,
    upgrade: bool = True,
    quick_check: bool = True,
    read_only: bool = False,
    audit_anchor: bool = True,
) -> Database:
    """Open (creating if needed) the database at a path or URL, migrated to the newest schema.

    With ``key`` (the data key from ``acuchart.keystore.unlock``) an SQLite file
    is opened, or created, encrypted. Raises ``DatabaseOpenError`` with a message
    naming the database when it is a folder, not a database, damaged,
    unwritable, made by a newer AcuChart, or encrypted and no key was given
    (``PasswordRequiredError``); ``WrongPasswordError`` when the key does not
    open it (nothing is created or changed then). Each commit that adds audit entries
    records the newest outside the file (``acuchart.audit_anchor``); ``audit_anchor=False``
    is for a copy under a temporary name, whose anchor the caller writes.
    """
    try:
        url = make_url(url_from_path_or_url(location))
    except ArgumentError as error:
        raise DatabaseOpenError(location, f"is not a valid database location ({error}).") from error
    path = sqlite_path(url)
    exists = False
    if key is not None:
        if path is None:
            raise DatabaseOpenError(
                url.render_as_string(hide_password=True),
                "is not an SQLite file: only those are encrypted by AcuChart "
                "(a database server protects its own data).",
            )
        from acuchart.db import encryption

        exists = encryption.preflight(path, key, quick_check=quick_check)
        url = encryption.encrypted_url(path, key)
    elif path is not None:
        if keystore_path(path).is_file() and path.is_file():
            from acuchart.db import encryption

            if encryption.looks_encrypted(path):
                raise encryption.PasswordRequiredError(path)
        exists = sqlite.preflight(path, quick_check=quick_check)
    if path is not None and read_only and not exists:
        raise DatabaseOpenError(path, "does not exist.")
    try:
        engine = create_database_engine(url, read_only=read_only)
    except (NoSuchModuleError, ImportError) as error:
        raise DatabaseOpenError(
            location, f"needs a database driver that is missing ({error})."
        ) from error
    # Sessions carry the chart's data key (the audit log's HMAC key derives from it) and the
    # file whose audit anchor their commits keep.
    info = {"data_key": key, "audit_anchor": path if audit_anchor else None}
    database = Database(
        url=url,
        engine=engine,
        _reader=sessionmaker(engine, expire_on_commit=False, info=info),
        _writer=sessionmaker(
            engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False, info=info
        ),
        key=key,
        anchored=audit_anchor and path is not None,
    )
    try:
        if upgrade and not read_only:
            from acuchart.db.schema_version import HEAD_REVISION, stored_revision

            upgraded = stored_revision(engine) != HEAD_REVISION
            if upgraded:
                from acuchart.db.migrate import upgrade_to_head

                if exists and not quick_check and path is not None:
                    _refuse_if_damaged(path, key)  # checked before the upgrade writes
                upgrade_to_head(database)
            # Fresh statistics after a checked open or an upgrade; a window that defers the
            # check refreshes them after it (acuchart.db.health), not before.
            if path is not None and (quick_check or upgraded or not sqlite.has_statistics(engine)):
                sqlite.refresh_planner_statistics(engine)
        else:
            with engine.connect():
                pass
    except DBAPIError as error:
        database.close()
        where = path or url.render_as_string(hide_password=True)
        raise DatabaseOpenError(where, f"could not be opened: {error.orig}") from error
    except DatabaseOpenError:
        database.close()
        raise
    return database
