"""Every per-workstation setting in one registry, with its type and default (kept in QSettings).

Clinic-wide settings shared by all workstations live in the database instead
(acuchart.services.clinic).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T", str, bool, QByteArray)


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T
    title: str


MAIN_WINDOW_GEOMETRY = Setting("main_window/geometry", QByteArray(), "Main window size and place")
MAIN_WINDOW_STATE = Setting("main_window/state", QByteArray(), "Toolbars")
MAIN_SPLITTER = Setting("main_window/splitter", QByteArray(), "Patient list width")
CHART_SPLITTER = Setting("chart/splitter", QByteArray(), "Visits and details split")
SHOW_ARCHIVED = Setting("patient_list/show_archived", False, "Show archived patients")
PRACTITIONER_NAME = Setting("visits/practitioner_name", "", "Practitioner for new visits")
OPEN_DRAFT = Setting(
    "notes/open_draft", "", "The note being written (patient:visit), reopened at start"
)
BACKUP_SECOND_FOLDER = Setting(
    "backups/second_folder", "", "A second folder for backups (USB stick, synced folder)"
)
PATIENT_FORM_GEOMETRY = Setting("patient_form/geometry", QByteArray(), "Patient form size")


class UiSettings:
    """Typed access to the registry above, over one QSettings file."""

    def __init__(self, store: QSettings) -> None:
        self._store = store

    @classmethod
    def at(cls, path: Path) -> UiSettings:
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    def get(self, setting: Setting[T]) -> T:
        value = self._store.value(setting.key, setting.default)
        if isinstance(setting.default, bool):
            return (value in (True, "true", "1", 1)) if value is not None else setting.default
        if isinstance(setting.default, QByteArray):
            return value if isinstance(value, QByteArray) else setting.default
        return str(value) if value is not None else setting.default

    def set(self, setting: Setting[T], value: T) -> None:
        self._store.setValue(setting.key, value)

    def sync(self) -> None:
        self._store.sync()
