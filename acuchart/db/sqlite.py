"""Everything that only SQLite needs. The one place for SQLite-specific SQL.

Connection pragmas, transactional DDL for pysqlite, the checks made before a
file is opened (so a wrong or damaged file is reported and left untouched),
the FTS5 index over patient names, the triggers that lock signed visits and
keep the audit log append-only, integrity checks and the backup API.
Every other module speaks portable SQLAlchemy so PostgreSQL stays possible.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import (
    URL,
    BindParameter,
    Connection,
    Engine,
    Select,
    column,
    event,
    literal_column,
    make_url,
    select,
    table,
)

from acuchart.db.errors import DatabaseOpenError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5_000
ACUCHART_MARKER_TABLES = frozenset({"alembic_version", "patients"})

CONNECTION_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)

# The full-text index over folded patient names (see acuchart.search_text).
# Migrations use these statements: changing them needs a new migration.
PATIENT_FTS_TABLE = "patient_name_fts"
CREATE_PATIENT_FTS = (
    f"CREATE VIRTUAL TABLE {PATIENT_FTS_TABLE} USING fts5("
    "name_search_text, content='patients', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0', prefix='1 2 3')"
)
PATIENT_FTS_TRIGGERS = (
    f"""CREATE TRIGGER patients_fts_insert AFTER INSERT ON patients BEGIN
        INSERT INTO {PATIENT_FTS_TABLE}(rowid, name_search_text)
        VALUES (new.id, new.name_search_text);
    END""",
    f"""CREATE TRIGGER patients_fts_delete AFTER DELETE ON patients BEGIN
        INSERT INTO {PATIENT_FTS_TABLE}({PATIENT_FTS_TABLE}, rowid, name_search_text)
        VALUES ('delete', old.id, old.name_search_text);
    END""",
    f"""CREATE TRIGGER patients_fts_update AFTER UPDATE OF name_search_text ON patients BEGIN
        INSERT INTO {PATIENT_FTS_TABLE}({PATIENT_FTS_TABLE}, rowid, name_search_text)
        VALUES ('delete', old.id, old.name_search_text);
        INSERT INTO {PATIENT_FTS_TABLE}(rowid, name_search_text)
        VALUES (new.id, new.name_search_text);
    END""",
)
PATIENT_FTS_TRIGGER_NAMES = ("patients_fts_insert", "patients_fts_delete", "patients_fts_update")
REBUILD_PATIENT_FTS = f"INSERT INTO {PATIENT_FTS_TABLE}({PATIENT_FTS_TABLE}) VALUES ('rebuild')"

# The full-text index over session notes: contentless (the notes are stored once, in
# visit_notes), fed by triggers with every text value of the note's JSON document, so raw
# SQL and bulk writes keep it in step too. FTS5 folds case and accents itself here because
# the notes are not stored folded. Migrations use these statements: changing them needs a
# new migration.
NOTE_FTS_TABLE = "visit_note_fts"
CREATE_NOTE_FTS = (
    f"CREATE VIRTUAL TABLE {NOTE_FTS_TABLE} USING fts5("
    "body, content='', tokenize='unicode61 remove_diacritics 2')"
)


def note_text_sql(document: str) -> str:
    """SQL for the searchable text of a note document: its text values, space-separated
    (a document that is not JSON, written behind the app's back, is indexed as it is)."""
    values = f"(SELECT group_concat(value, ' ') FROM json_tree({document}) WHERE type = 'text')"
    return f"(CASE WHEN json_valid({document}) THEN {values} ELSE {document} END)"


_NOTE_FTS_ADD = (
    f"INSERT INTO {NOTE_FTS_TABLE}(rowid, body)"
    f" VALUES (new.visit_id, {note_text_sql('new.content')});"
)
_NOTE_FTS_REMOVE = (
    f"INSERT INTO {NOTE_FTS_TABLE}({NOTE_FTS_TABLE}, rowid, body)"
    f" VALUES ('delete', old.visit_id, {note_text_sql('old.content')});"
)
NOTE_FTS_TRIGGERS = {
    "visit_notes_fts_insert": "CREATE TRIGGER visit_notes_fts_insert AFTER INSERT ON visit_notes"
    f"\nBEGIN {_NOTE_FTS_ADD} END",
    "visit_notes_fts_delete": "CREATE TRIGGER visit_notes_fts_delete AFTER DELETE ON visit_notes"
    f"\nBEGIN {_NOTE_FTS_REMOVE} END",
    "visit_notes_fts_update": "CREATE TRIGGER visit_notes_fts_update"
    " AFTER UPDATE OF content ON visit_notes"
    f"\nBEGIN {_NOTE_FTS_REMOVE} {_NOTE_FTS_ADD} END",
}
FILL_NOTE_FTS = (
    f"INSERT INTO {NOTE_FTS_TABLE}(rowid, body) "
    f"SELECT visit_id, {note_text_sql('visit_notes.content')} FROM visit_notes"
)


# The database-level lock on signed visits (the third wall, under the services and the ORM
# guard in acuchart.db.signing_guard): raw SQL and bulk statements are refused too. A note
# stays writable until its own signature is stored; a visit row is locked once its status is
# signed, so it can be neither un-signed nor deleted (nor can its patient). Addenda are not
# covered: they are added under a signed note. Migrations use these statements: changing
# them needs a new migration.
SIGNED_REFUSAL = "This visit is signed and locked. Corrections go in an addendum."
_REFUSE_SIGNED = f"SELECT RAISE(ABORT, '{SIGNED_REFUSAL}');"
VISIT_CONTENT_TABLES = ("body_map_marks", "body_map_strokes", "sensory_findings", "visit_scores")


def _visit_is_signed(visit_id: str) -> str:
    return f"EXISTS (SELECT 1 FROM visits WHERE id = {visit_id} AND status = 'signed')"


def _refusal(name: str, when: str, table_name: str, condition: str) -> tuple[str, str]:
    return name, (
        f"CREATE TRIGGER {name} BEFORE {when} ON {table_name}\n"
        f"WHEN {condition}\nBEGIN {_REFUSE_SIGNED} END"
    )


def _signed_visit_triggers() -> dict[str, str]:
    note_locked = "old.signed_at IS NOT NULL OR " + _visit_is_signed("old.visit_id")
    triggers = [
        _refusal("visits_signed_no_update", "UPDATE", "visits", "old.status = 'signed'"),
        _refusal("visits_signed_no_delete", "DELETE", "visits", "old.status = 'signed'"),
        _refusal(
            "patients_signed_no_delete",
            "DELETE",
            "patients",
            "EXISTS (SELECT 1 FROM visits WHERE patient_id = old.id AND status = 'signed')",
        ),
        _refusal("visit_notes_signed_no_update", "UPDATE", "visit_notes", note_locked),
        _refusal("visit_notes_signed_no_delete", "DELETE", "visit_notes", note_locked),
        _refusal(
            "visit_notes_signed_no_insert",
            "INSERT",
            "visit_notes",
            _visit_is_signed("new.visit_id"),
        ),
    ]
    for table_name in VISIT_CONTENT_TABLES:
        old_signed, new_signed = _visit_is_signed("old.visit_id"), _visit_is_signed("new.visit_id")
        triggers += [
            _refusal(f"{table_name}_signed_no_insert", "INSERT", table_name, new_signed),
            _refusal(
                f"{table_name}_signed_no_update",
                "UPDATE",
                table_name,
                f"{old_signed} OR {new_signed}",
            ),
            _refusal(f"{table_name}_signed_no_delete", "DELETE", table_name, old_signed),
        ]
    return dict(triggers)


SIGNED_VISIT_TRIGGERS = _signed_visit_triggers()

# The audit log is append-only: raw SQL cannot change or remove an entry either. (Dropping
# the triggers is still possible for whoever holds the file; the HMAC chain shows it.)
# Migrations use these statements: changing them needs a new migration.
AUDIT_REFUSAL = "The audit log is append-only: its entries cannot be changed or deleted."
AUDIT_LOG_TRIGGERS = {
    f"audit_log_no_{verb.lower()}": (
        f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log\n"
        f"BEGIN SELECT RAISE(ABORT, '{AUDIT_REFUSAL}'); END"
    )
    for verb in ("UPDATE", "DELETE")
}

# Every trigger the newest schema has, by name: a batch migration that rebuilds a table
# drops that table's triggers, so the upgrade recreates any that are missing.
EXPECTED_TRIGGERS = (
    dict(zip(PATIENT_FTS_TRIGGER_NAMES, PATIENT_FTS_TRIGGERS, strict=True))
    | SIGNED_VISIT_TRIGGERS
    | AUDIT_LOG_TRIGGERS
    | NOTE_FTS_TRIGGERS
)


def trigger_names(connection: Connection) -> set[str]:
    rows = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    return {row[0] for row in rows}


def restore_missing_triggers(connection: Connection) -> list[str]:
    """Recreate expected triggers a table rebuild dropped (inside the caller's transaction)."""
    missing = [name for name in EXPECTED_TRIGGERS if name not in trigger_names(connection)]
    for name in missing:
        connection.exec_driver_sql(EXPECTED_TRIGGERS[name])
    return missing


def drop_audit_log_triggers(connection: Connection) -> None:
    """Lift the audit log's refusal inside the caller's transaction, for re-sealing the log
    under a new key (``restore_missing_triggers`` puts it back in the same transaction)."""
    for name in AUDIT_LOG_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def is_fts_shadow_table(name: str) -> bool:
    """FTS5 keeps its own tables; migrations and ``alembic check`` must not touch them."""
    return any(
        name == fts or name.startswith(fts + "_") for fts in (PATIENT_FTS_TABLE, NOTE_FTS_TABLE)
    )


def fts_prefix_query(words: list[str]) -> str:
    """An FTS5 query where every word must start some name word: ``"smi"* "jo"*``."""
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def install_connection_hooks(engine: Engine, *, read_only: bool = False) -> None:
    """Set pragmas on every new connection and make transactions (and DDL) real.

    pysqlite's default transaction handling neither wraps DDL nor lets pragmas
    such as ``journal_mode`` run; we take over ``BEGIN`` ourselves. Pragmas go
    through a plain cursor because ``dbapi_connection.autocommit`` does not
    exist on Python 3.11.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in CONNECTION_PRAGMAS:
                if read_only and "journal_mode" in pragma:
                    continue
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


def read_only_url(path: Path) -> URL:
    """An SQLAlchemy URL that opens ``path`` through SQLite's read-only URI mode."""
    return make_url("sqlite:///file:" + urllib.parse.quote(str(path)) + "?mode=ro&uri=true")


@contextlib.contextmanager
def read_only_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that cannot change the file, for looking before opening for real."""
    uri = "file:" + urllib.parse.quote(str(path)) + "?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        yield connection
    finally:
        connection.close()


def preflight(path: Path, *, quick_check: bool = True) -> bool:
    """Refuse a path that is not a usable AcuChart database, before anything writes to it.

    Returns True when the file already exists (and is fine), False when it
    will be created. Raises ``DatabaseOpenError`` naming the file otherwise.
    """
    if path.is_dir():
        raise DatabaseOpenError(
            path,
            "is a folder, not a database file. Give a file name inside it, "
            f"for example {path / 'acuchart.db'}.",
        )
    if not path.exists():
        _check_can_create(path)
        return False
    _check_readable_and_writable(path)
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if not header:
        raise DatabaseOpenError(path, "is an empty file (0 bytes), not an AcuChart database.")
    if header != SQLITE_HEADER:
        from acuchart.locations import keystore_path

        keys = keystore_path(path)
        raise DatabaseOpenError(
            path,
            "is not an AcuChart database (it is not an SQLite file)"
            + (
                f", or it is an encrypted chart whose key file {keys.name} is missing: "
                "put the key file back beside it (every backup in the backups folder has "
                "a copy, named after the backup)."
                if not keys.exists() and not all(32 <= b < 127 or b in b"\t\r\n" for b in header)
                else "."
            ),
        )
    try:
        with read_only_connection(path) as connection:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if tables and not ACUCHART_MARKER_TABLES.issubset(tables):
                raise DatabaseOpenError(
                    path, "is an SQLite database, but not an AcuChart one (no chart tables)."
                )
            if quick_check:
                problems = [row[0] for row in connection.execute("PRAGMA quick_check(5)")]
                if problems != ["ok"]:
                    from acuchart.db.health import damage_error

                    raise damage_error(path, problems)
    except sqlite3.DatabaseError as error:
        raise DatabaseOpenError(path, f"is damaged or not a database ({error}).") from error
    return True


def _check_can_create(path: Path) -> None:
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseOpenError(
            path, f"cannot be created: the folder {parent} cannot be made ({error.strerror})."
        ) from error
    if not os.access(parent, os.W_OK | os.X_OK):
        raise DatabaseOpenError(path, f"cannot be created: the folder {parent} is not writable.")


def _check_readable_and_writable(path: Path) -> None:
    if not path.is_file():
        raise DatabaseOpenError(path, "is not a regular file.")
    if not os.access(path, os.R_OK):
        raise DatabaseOpenError(path, "cannot be read: permission denied.")
    if not os.access(path, os.W_OK):
        raise DatabaseOpenError(path, "is read-only: AcuChart needs to write to it.")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise DatabaseOpenError(
            path,
            f"is in a folder AcuChart cannot write to ({path.parent}); SQLite needs "
            "to create its journal files beside the database.",
        )


def has_statistics(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(
            connection.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).scalar()
        )


# A sampled ANALYZE: milliseconds for a small chart, about half a second at 4 GB.
PLANNER_STATISTICS = ("PRAGMA analysis_limit=1000", "ANALYZE")


def refresh_planner_statistics(engine: Engine) -> None:
    """Give SQLite's query planner row statistics (sqlite_stat1).

    Without them the planner assumes ``archived_at IS NULL`` is selective and
    walks every active patient for a birth-date or phone search (60 ms instead
    of 0.01 ms at 50,000 patients). The window refreshes them in the background
    after its quick check (``acuchart.db.health``); this is for other openings.
    """
    with engine.connect() as connection:
        driver_connection = connection.connection.driver_connection
        assert driver_connection is not None
        for statement in PLANNER_STATISTICS:
            driver_connection.execute(statement)


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    """Full integrity and foreign-key check; an empty list means the file is sound."""
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check") if row[0] != "ok"]
    problems += [
        f"row {rowid} of {table} refers to a missing row of {parent}"
        for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check")
    ]
    return problems


def copy_database(source: Path, destination: Path) -> None:
    """A consistent, self-contained copy of a live database, flushed to disk.

    SQLite's backup API copies every page in one step, so the copy is one
    snapshot even while the app keeps writing (WAL lets it). The copy then uses
    a rollback journal, so it is a single file with no ``-wal`` beside it. This
    is the one function that copies a database: when databases are encrypted,
    the key is applied to both connections here.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    with read_only_connection(source) as reader:
        target = sqlite3.connect(destination, isolation_level=None)
        try:
            reader.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    sync_file(destination)


def sync_file(path: Path) -> None:
    """Wait until the file's bytes are on the disk (fsync), not just in the OS cache."""
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def truncation_problem(path: Path) -> str | None:
    """Why the file is shorter than its own header says it is, or None.

    SQLite reads a cut-off file without complaint until it reaches a missing
    page, so a half-copied backup is caught here, by its size, before anything
    trusts it.
    """
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100:
        return f"is only {len(header)} bytes long: it was cut short."
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65_536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    counted_by = header[24:28] == header[92:96]  # the count is valid (SQLite 3.7.0 and later)
    expected = page_size * page_count
    actual = path.stat().st_size
    if counted_by and page_count and actual < expected:
        return f"is truncated: it has {actual:,} bytes of the {expected:,} it should have."
    return None


def is_open_elsewhere(path: Path) -> bool:
    """True when another connection (the app, another process) has the database open.

    Takes SQLite's exclusive lock for a moment. Every WAL-mode connection holds
    a shared lock while it is open, even idle in a pool, so this fails while
    AcuChart runs on the file. When it succeeds, closing checkpoints a ``-wal``
    left by a crash into the file and removes it, as a clean exit would.
    Raises ``sqlite3.DatabaseError`` when the file cannot be read at all.
    """
    uri = "file:" + urllib.parse.quote(str(path)) + "?mode=rw"  # never creates a file
    connection = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None)
    try:
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        connection.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return True
        raise
    finally:
        connection.close()
    return False


def has_user_tables(path: Path) -> bool:
    """True when the file already holds tables (so a migration must back it up first)."""
    with read_only_connection(path) as connection:
        row = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()
    return bool(row and row[0])


def patient_ids_matching(match: BindParameter[str]) -> Select[tuple[int]]:
    """Patient ids matching the FTS5 query (``fts_prefix_query``) a parameter gives."""
    fts = table(PATIENT_FTS_TABLE, column("rowid"))
    return select(fts.c.rowid).where(literal_column(PATIENT_FTS_TABLE).op("MATCH")(match))
