"""Clinic → Encrypt this chart…: a plain chart made before encryption becomes encrypted.

It asks for the owner as the first set-up does (``SetupDialog``), says what will
happen first, and runs ``acuchart.services.chart_encryption.encrypt_chart`` in
the worker. The window closes its database (``releasing``) just before the work
starts; if it fails, the plain chart is as it was (``kept_plain``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QWidget

from acuchart.services.opening import ChartSetUp
from acuchart.ui.login import SetupDialog
from acuchart.ui.tasks import TaskRunner


def encrypt_and_open(path: Path, display_name: str, login: str, password: str) -> ChartSetUp:
    """Encrypt the closed plain chart at ``path`` and open it with its new key."""
    from acuchart.db.database import open_database
    from acuchart.services.chart_encryption import encrypt_chart
    from acuchart.services.clinic import CLINIC_NAME, get_setting

    made = encrypt_chart(path, display_name, login, password, now=dt.datetime.now(dt.UTC))
    database = open_database(str(path), key=made.data_key)
    return ChartSetUp(database, made.owner, made.recovery_key, get_setting(database, CLINIC_NAME))


class EncryptChartDialog(SetupDialog):
    """What encrypting does, the owner's name and password; Encrypt runs it."""

    TITLE, HEADING = "Encrypt this chart", "Encrypt this chart"
    ACTION, BUSY, CANCEL = "Back up and encrypt", "Encrypting…", "Cancel"
    ASKS_CLINIC = False

    releasing = Signal()  # the work starts now: the window lets go of the database
    kept_plain = Signal()  # it failed: the chart is plain and as it was

    def __init__(self, path: Path, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(path, tasks, parent)
        self.setObjectName("encryptChartDialog")
        self.busy = False

    def intro(self) -> str:
        from acuchart.backups import default_backup_folder

        backups = escape(str(default_backup_folder(self.path)))
        return self.tr(
            "This chart is <b>not encrypted</b>: anyone who copies the file "
            f"<i>{escape(str(self.path))}</i> can read every patient's record.<br><br>"
            "AcuChart will:<ol style='margin-top: 2px; margin-left: -20px;'>"
            "<li>make a backup of the chart as it is now;</li>"
            "<li>encrypt the chart in place, with a key that only your password or a "
            "recovery key unlocks (shown next: write it down);</li>"
            "<li>make you its owner: from now on AcuChart asks for your login name and "
            "password when it starts, and locks when you are away.</li></ol>"
            "Nothing in the chart changes. Its backups from before stay unencrypted in "
            f"<i>{backups}</i>: once the first encrypted backup is made, delete them or "
            "keep them as safely as the chart."
        )

    def job(self, display_name: str, login: str, password: str) -> Callable[[], ChartSetUp]:
        path = self.path
        self.releasing.emit()
        return lambda: encrypt_and_open(path, display_name, login, password)

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self.busy = busy
        self.quit_button.setEnabled(not busy)

    def _failed(self, error: BaseException) -> None:
        super()._failed(error)
        self.kept_plain.emit()

    def reject(self) -> None:
        """Not while encrypting: the dialog stays until the chart is done, either way."""
        if not self.busy:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)
