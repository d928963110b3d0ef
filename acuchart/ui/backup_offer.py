"""The question asked when the chart cannot be opened: restore the newest good backup?

One box for a plain chart (asked by the main window) and an encrypted one (asked
at sign-in, once the password has unlocked a backup's own key file).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QGridLayout, QMessageBox, QSizePolicy, QSpacerItem, QWidget

if TYPE_CHECKING:
    from acuchart.backups import BackupSummary

BOX_WIDTH = 520  # the default box is narrow for a path and a paragraph
RESTORE_BUTTON = "Restore the backup"
KEY_FILE_BUTTON = "Put the key file back"


def _tr(text: str) -> str:
    return QCoreApplication.translate("BackupOffer", text)


def offer_text(problem: str, found: BackupSummary, *, key_file: bool = False) -> str:
    made = f"{found.made_at.astimezone():%d %b %Y, %H:%M}" if found.made_at else "unknown"
    if key_file:
        return _tr(
            f"{problem}\n\nThe chart itself is sound, and the key file kept with the backup "
            f"made {made} opens it. Put that key file back? Nothing written since is lost; "
            "the damaged key file is kept beside the backups. Accounts added since that "
            "backup will need their passwords set again."
        )
    return _tr(
        f"{problem}\n\nThe newest good backup was made {made}: {found.patients} patients, "
        f"{found.visits} visits. Restore it? The damaged file is kept as it is, beside the "
        "backups."
    )


def ask_to_restore(
    parent: QWidget, problem: str, found: BackupSummary, *, key_file: bool = False
) -> bool:
    """True when the user chooses to restore ``found`` (or only its key file, with
    ``key_file``); the box waits for the answer."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _tr("The chart could not be opened"),
        offer_text(problem, found, key_file=key_file),
        parent=parent,
    )
    box.setObjectName("offerBackup")
    _widen(box)
    label = KEY_FILE_BUTTON if key_file else RESTORE_BUTTON
    restore = box.addButton(_tr(label), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_tr("Not now"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is restore


def _widen(box: QMessageBox) -> None:
    """A message box takes no minimum width; a spacer across its grid gives it one."""
    layout = box.layout()
    if isinstance(layout, QGridLayout):
        spacer = QSpacerItem(BOX_WIDTH, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)
        layout.addItem(spacer, layout.rowCount(), 0, 1, layout.columnCount())
