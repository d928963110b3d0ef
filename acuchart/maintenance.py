"""Command-line work on a database: integrity, schema and audit-log checks, and demo data.

Messages go to the terminal.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from typing import cast

from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError
from sqlcipher3 import dbapi2 as sqlcipher

from acuchart.audit import AuditKeyError
from acuchart.db import sqlite
from acuchart.db.database import Database, open_database
from acuchart.db.errors import DatabaseOpenError
from acuchart.db.migrate import current_revision, head_revision
from acuchart.errors import ChartError

DEMO_LABEL = "Demo chart, NOT encrypted: for trying AcuChart only"


def run_check(location: str, args: argparse.Namespace | None = None) -> int:
    """Print the integrity, schema and audit-log state; 0 only when all are fine.

    An encrypted database asks for its password (``--password-file`` in ``args``).
    """
    from acuchart.cli_password import open_for_command

    try:
        database = open_for_command(
            location, args or argparse.Namespace(), read_only=True, upgrade=False, quick_check=False
        )
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    except ChartError as error:
        print(f"Not checked: {error}", file=sys.stderr)
        return 1
    try:
        integrity_ok = _report_integrity(database)
        schema_ok = _report_schema(database)
        audit_ok = _report_audit_log(database)
    except (sqlite3.DatabaseError, sqlcipher.DatabaseError, DBAPIError) as error:
        reason = getattr(error, "orig", None) or error
        print(f"The database “{database.display_name}” is damaged: {reason}", file=sys.stderr)
        return 1
    finally:
        database.close()
    return 0 if integrity_ok and schema_ok and audit_ok else 1


def _report_integrity(database: Database) -> bool:
    path = database.path
    if path is None or not path.exists():
        print(f"Integrity: checked by the server ({database.display_name})")
        return True
    if database.key is not None:
        from acuchart.db.encryption import keyed_connection

        with keyed_connection(path, database.key, read_only=True) as keyed:
            problems = sqlite.integrity_problems(cast(sqlite3.Connection, keyed))
    else:
        with sqlite.read_only_connection(path) as connection:
            problems = sqlite.integrity_problems(connection)
    if not problems:
        print(f"Integrity: ok ({path}{', encrypted' if database.encrypted else ''})")
        return True
    print(f"Integrity: {len(problems)} problem(s) in {path}", file=sys.stderr)
    for problem in problems[:20]:
        print(f"  {problem}", file=sys.stderr)
    return False


def _report_schema(database: Database) -> bool:
    revision, head = current_revision(database), head_revision()
    if revision == head:
        print(f"Schema version: {revision} (current)")
        return True
    found = revision or "none (not set up yet)"
    print(
        f"Schema version: {found}; this AcuChart expects {head}. "
        "Start AcuChart once to upgrade it.",
        file=sys.stderr,
    )
    return False


def _report_audit_log(database: Database) -> bool:
    from acuchart.services.audit import verify_audit_log

    with database.engine.connect() as connection:
        if not inspect(connection).has_table("audit_log"):
            print("Audit log: not set up yet (it comes with the schema upgrade)")
            return True
    try:
        check = verify_audit_log(database)
    except AuditKeyError as error:
        print(f"Audit log: cannot be verified: {error}", file=sys.stderr)
        return False
    entries = f"{check.rows_checked} entr{'y' if check.rows_checked == 1 else 'ies'}"
    if check.ok:
        anchored = " (its end is now anchored)" if check.anchor_set else ""
        print(f"Audit log: {entries}, chain intact{anchored}")
        return True
    print(f"Audit log: chain broken: {check.message}", file=sys.stderr)
    return False


def fill_demo(location: str) -> int:
    """Fill the database with the demo clinic's sample patients (once). The demo chart is
    not encrypted, and says so."""
    from acuchart.services.demo import fill_demo_clinic

    try:
        database = open_database(location)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        added = fill_demo_clinic(database)
    finally:
        database.close()
    print(DEMO_LABEL)
    if added:
        print(f"Demo clinic filled: {added} patients in {database.display_name}")
    else:
        print(f"Demo clinic already present in {database.display_name}; nothing added.")
    return 0
