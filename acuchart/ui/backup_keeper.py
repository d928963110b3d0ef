"""Backups while the app runs: on demand, once a day, and when it closes.

Copies are made and checked by ``acuchart.backups`` in the worker thread (the
closing backup runs on the GUI thread: the window is going anyway). A second
folder per workstation (a USB stick, a synced folder) gets a copy too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from acuchart.ui import settings as keys
from acuchart.ui.settings import UiSettings
from acuchart.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from acuchart.backups import BackupResult

DAY = dt.timedelta(days=1)
CHECK_EVERY_MS = 60 * 60 * 1000  # look once an hour whether a day has passed


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class BackupKeeper(QObject):
    """``back_up_now`` on request; ``check_daily`` hourly; ``back_up_at_close`` at the end."""

    backed_up = Signal(object)  # list[BackupResult]: the main copy, then the second folder's
    failed = Signal(str)

    def __init__(self, tasks: TaskRunner, settings: UiSettings, parent: QObject | None = None):
        super().__init__(parent)
        self.tasks = tasks
        self.settings = settings
        self.database_path: Path | None = None
        self.key: bytes | None = None  # the data key of an encrypted chart
        self.busy = False
        self.timer = QTimer(self, interval=CHECK_EVERY_MS)
        self.timer.timeout.connect(lambda: self.check_daily())

    def start(self, database_path: Path | None, key: bytes | None = None) -> None:
        """Begin keeping backups of this SQLite file (None: a server database, not ours);
        ``key`` is the data key of an encrypted chart (``Database.key``): its backups are
        encrypted with it."""
        self.database_path = database_path
        self.key = key if database_path is not None else None
        if database_path is not None:
            self.timer.start()
            self.check_daily()

    @property
    def second_folder(self) -> Path | None:
        chosen = str(self.settings.get(keys.BACKUP_SECOND_FOLDER) or "")
        return Path(chosen) if chosen else None

    def newest_backup_at(self) -> dt.datetime | None:
        from acuchart.backup_names import backup_time, default_backup_folder

        if self.database_path is None:
            return None
        folder = default_backup_folder(self.database_path)
        times = [t for f in folder.glob("*.db") if (t := backup_time(f.name)) is not None]
        return max(times, default=None)

    def check_daily(self, now: dt.datetime | None = None) -> bool:
        """Start a backup when the newest is a day old or there is none; True if started."""
        now = now or _now()
        newest = self.newest_backup_at()
        if self.database_path is None or self.busy or (newest is not None and now - newest < DAY):
            return False
        self.back_up_now()
        return True

    def _copies(self, now: dt.datetime) -> list[BackupResult]:
        """Runs in the worker: the main backup, then the second folder's (if chosen)."""
        from acuchart.backups import make_backup

        assert self.database_path is not None
        results = [make_backup(self.database_path, now=now, key=self.key)]
        if (second := self.second_folder) is not None:
            results.append(make_backup(self.database_path, second, now=now, key=self.key))
        return results

    def back_up_now(self) -> None:
        if self.database_path is None or self.busy:
            return
        self.busy = True
        now = _now()
        self.tasks.run(lambda: self._copies(now), self._done, self._failed)

    def _done(self, results: list[BackupResult]) -> None:
        self.busy = False
        self.backed_up.emit(results)

    def _failed(self, error: BaseException) -> None:
        from acuchart.ui.messages import describe_error

        self.busy = False
        self.failed.emit(describe_error(error))

    def back_up_at_close(self) -> str:
        """The closing backup, made here and now; "" when it worked, else what went wrong."""
        from acuchart.ui.messages import describe_error

        if self.database_path is None or not self.database_path.exists():
            return ""
        self.timer.stop()
        try:
            self._copies(_now())
        except Exception as error:  # reported to the user, the app still closes
            return describe_error(error)
        return ""
