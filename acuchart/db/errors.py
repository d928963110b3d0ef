"""Errors of the storage layer, worded for the person at the keyboard."""

from __future__ import annotations

from pathlib import Path


class DatabaseOpenError(RuntimeError):
    """The database cannot be opened; the message names the file and says why."""

    def __init__(self, location: Path | str, reason: str, *, untouched: bool = True) -> None:
        self.location = str(location)
        self.reason = reason
        suffix = " The file was left as it was." if untouched and isinstance(location, Path) else ""
        super().__init__(f"The database “{location}” {reason}{suffix}")
