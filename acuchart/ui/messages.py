"""Message boxes that do not block: the user reads and closes them while work goes on."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def open_message(
    parent: QWidget, title: str, message: str, name: str, *, critical: bool = False
) -> QMessageBox:
    """Show a warning (or critical) box, named so tests can find it; returned to keep it alive."""
    icon = QMessageBox.Icon.Critical if critical else QMessageBox.Icon.Warning
    box = QMessageBox(icon, title, message, parent=parent)
    box.setObjectName(name)
    box.open()
    return box


def describe_error(error: BaseException) -> str:
    """A sentence for the user: validation messages as written, other failures named plainly."""
    from acuchart.errors import ChartError
    from acuchart.validation import ValidationError

    if isinstance(error, ValidationError):
        return " ".join(error.errors.values())
    if isinstance(error, ChartError):
        return str(error)
    if isinstance(error, OSError):
        return f"The file could not be written: {error.strerror or error}"
    return f"Something went wrong: {error}"
