"""Command-line work on a database: integrity check and demo data. Messages go to the terminal."""

from __future__ import annotations

import sys

from acuchart.db.errors import DatabaseOpenError


def run_check(location: str) -> int:
    """Print the integrity and schema state; 0 only when both are fine."""
    from acuchart.db import sqlite
    from acuchart.db.database import open_database
    from acuchart.db.migrate import current_revision, head_revision

    try:
        database = open_database(location, upgrade=False, quick_check=False)
    except DatabaseOpenError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        ok = True
        path = database.path
        if path is not None and path.exists():
            with sqlite.read_only_connection(path) as connection:
                problems = sqlite.integrity_problems(connection)
            if problems:
                ok = False
                print(f"Integrity: {len(problems)} problem(s) in {path}", file=sys.stderr)
                for problem in problems[:20]:
                    print(f"  {problem}", file=sys.stderr)
            else:
                print(f"Integrity: ok ({path})")
        else:
            print(f"Integrity: checked by the server ({database.display_name})")
        revision, head = current_revision(database), head_revision()
        if revision == head:
            print(f"Schema version: {revision} (current)")
        else:
            ok = False
            found = revision or "none (not set up yet)"
            print(
                f"Schema version: {found}; this AcuChart expects {head}. "
                "Start AcuChart once to upgrade it.",
                file=sys.stderr,
            )
        return 0 if ok else 1
    finally:
        database.close()


def fill_demo(location: str) -> int:
    """Fill the database with the demo clinic's sample patients (once)."""
    from acuchart.db.database import open_database
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
    if added:
        print(f"Demo clinic filled: {added} patients in {database.display_name}")
    else:
        print(f"Demo clinic already present in {database.display_name}; nothing added.")
    return 0
