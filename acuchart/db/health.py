"""SQLite's quick_check of a chart file, apart from opening it.

``quick_check`` reads every page: a minute on a clinic's multi-gigabyte file. The
window opens the chart without it and runs it in a thread of its own at once (a
damaged chart then stops being used and the newest good backup is offered); a file
that needs a schema upgrade is checked before anything is written to it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path
from typing import Any

from acuchart.db.errors import DatabaseOpenError

PROBLEMS_SHOWN = 5
CANCELLED = "cancelled"


class HealthCheck:
    """One check of one file; ``cancel()`` (any thread) stops it within moments."""

    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = path
        self.key = key
        self._lock = threading.Lock()
        self._connection: Any = None
        self.cancelled = False

    def was_cancelled(self) -> bool:
        with self._lock:
            return self.cancelled

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            if self._connection is not None:
                self._connection.interrupt()

    def _connection_to(self, *, read_only: bool) -> contextlib.AbstractContextManager[Any]:
        from acuchart.db import sqlite

        if self.key is None:
            if read_only:
                return sqlite.read_only_connection(self.path)
            return contextlib.closing(
                sqlite3.connect(
                    self.path, timeout=sqlite.BUSY_TIMEOUT_MS / 1000, isolation_level=None
                )
            )
        from acuchart.db import encryption

        return encryption.keyed_connection(self.path, self.key, read_only=read_only)

    def _run(self, statements: list[str], *, read_only: bool) -> list[Any]:
        if self.cancelled:
            return []
        with self._connection_to(read_only=read_only) as connection:
            with self._lock:
                self._connection = connection
            try:
                if self.was_cancelled():  # cancelled before the connection could be interrupted
                    return []
                rows: list[Any] = []
                for statement in statements:
                    rows = connection.execute(statement).fetchall()
                return rows
            finally:
                with self._lock:
                    self._connection = None

    def problems(self) -> list[str]:
        """What ``PRAGMA quick_check`` finds wrong: empty when the file is sound (or the check
        was cancelled: then ``cancelled`` is set)."""
        try:
            rows = self._run([f"PRAGMA quick_check({PROBLEMS_SHOWN})"], read_only=True)
        except DatabaseOpenError:
            raise
        except Exception as error:  # sqlite3's and sqlcipher3's errors are distinct classes
            if self.cancelled:
                return []
            return [f"it cannot be read ({error})"]
        if self.cancelled:
            return []
        found = [str(row[0]) for row in rows]
        return [] if found == ["ok"] else found

    def check_and_refresh(self) -> list[str]:
        """The quick check; when the file is sound, fresh planner statistics too (a sampled
        ANALYZE: a fraction of a second, written only to a file known to be sound)."""
        found = self.problems()
        if not found and not self.cancelled:
            from acuchart.db.sqlite import PLANNER_STATISTICS

            self._run(list(PLANNER_STATISTICS), read_only=False)
        return found


def quick_check_problems(path: Path, key: bytes | None = None) -> list[str]:
    return HealthCheck(path, key).problems()


def damage_error(path: Path, problems: list[str]) -> DatabaseOpenError:
    """The one wording of a failed quick check, at opening or in the background."""
    return DatabaseOpenError(path, "is damaged: " + "; ".join(problems) + ".")
