"""File dialogs must not open the files they list: that would drop SQLite's locks (Linux)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.services import patients
from acuchart.ui import file_dialogs
from tests.conftest import make_draft

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads this process's locks from /proc/locks"
)


def locks_held(path: Path) -> int:
    inode = os.stat(path).st_ino
    pid = str(os.getpid())
    count = 0
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if pid in fields and fields[5].endswith(f":{inode}"):
            count += 1
    return count


def test_listing_the_databases_folder_keeps_its_locks(
    qtbot: QtBot, database: Database, db_path: Path
) -> None:
    patients.create_patient(database, make_draft())  # the pool keeps a WAL read lock
    before = locks_held(db_path)
    assert before >= 1
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = file_dialogs._dialog(parent, "Save", db_path.parent, "")
    dialog.show()
    qtbot.wait(1200)  # Qt fetches icons and types in a background thread
    dialog.close()
    assert locks_held(db_path) == before


def test_qts_plain_dialog_would_drop_them(qtbot: QtBot, database: Database, db_path: Path) -> None:
    """Why the icon provider exists: without it the locks go (if this starts passing, Qt
    stopped sniffing files and the workaround may go too)."""
    patients.create_patient(database, make_draft())
    dialog = QFileDialog(None, "Save", str(db_path.parent), "")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.show()
    qtbot.wait(1200)
    dialog.close()
    dialog.deleteLater()
    assert locks_held(db_path) == 0


def test_ask_save_path_starts_in_documents_and_returns_the_choice(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_dialogs, "documents_folder", lambda: tmp_path)
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []

    def accept() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        seen.append(dialog.directory().absolutePath())
        dialog.accept()

    QTimer.singleShot(300, accept)
    chosen = file_dialogs.ask_save_path(parent, "Save", Path("summary.pdf"), "PDF (*.pdf)")
    assert seen == [str(tmp_path)]
    assert chosen == str(tmp_path / "summary.pdf")
