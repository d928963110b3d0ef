"""File dialogs that never open the files they list.

Qt's file dialog guesses each file's type, and its icon, by reading the file's
first bytes. When it lists the folder that holds the chart's database, it opens
and closes that file, and on Linux and macOS closing any handle to a file drops
every POSIX lock this process holds on it: SQLite would go on writing while
other programs (a backup, ``acuchart report``, another workstation) believe the
file is idle. So every dialog here uses Qt's own dialog with an icon provider
that judges by name alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileInfo, QStandardPaths
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget


class NameOnlyIcons(QFileIconProvider):
    """Folder or file icons and type names from the name, without reading any file."""

    def icon(self, what: Any) -> QIcon:
        if isinstance(what, QFileInfo):
            kind = (
                QAbstractFileIconProvider.IconType.Folder
                if what.isDir()
                else QAbstractFileIconProvider.IconType.File
            )
            return QIcon(super().icon(kind))
        return QIcon(super().icon(what))

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


def documents_folder() -> Path:
    """The user's Documents folder when it exists, else the home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if found and Path(found).is_dir():
        return Path(found)
    return Path.home()


def ask_folder(parent: QWidget, title: str, start: Path | None = None) -> str:
    """An existing folder, or "" when cancelled."""
    folder = start if start is not None and start.is_dir() else documents_folder()
    dialog = _dialog(parent, title, folder, "")
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return dialog.selectedFiles()[0]


def _dialog(parent: QWidget, title: str, start: Path, filters: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, str(start), filters)
    dialog.setObjectName("fileDialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setIconProvider(NameOnlyIcons())
    return dialog


def ask_save_path(parent: QWidget, title: str, suggested: Path, filters: str) -> str:
    """A path to write, or "" when cancelled; ``suggested`` without a folder goes to Documents."""
    start = suggested if suggested.parent != Path() else documents_folder() / suggested
    dialog = _dialog(parent, title, start.parent, filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.selectFile(start.name)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return dialog.selectedFiles()[0]


def ask_open_path(parent: QWidget, title: str, filters: str, start: Path | None = None) -> str:
    """An existing file to read, or "" when cancelled."""
    folder = start if start is not None and start.is_dir() else documents_folder()
    dialog = _dialog(parent, title, folder, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return ""
    return dialog.selectedFiles()[0]
