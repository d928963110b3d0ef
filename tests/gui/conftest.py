"""Fixtures for driving real widgets with pytest-qt."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.ui.main_window import MainWindow
from acuchart.ui.patient_form import PatientForm
from acuchart.ui.settings import UiSettings
from acuchart.ui.style import apply_style


@pytest.fixture
def ui_settings(tmp_path: Path) -> UiSettings:
    return UiSettings.at(tmp_path / "workstation.ini")


@pytest.fixture
def window(qtbot: QtBot, database: Database, ui_settings: UiSettings) -> Iterator[MainWindow]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app)
    main = MainWindow(ui_settings)
    main.show()
    main.attach_database(database)
    qtbot.waitExposed(main)
    yield main
    # Closed here, not by qtbot (which closes before fixtures end): a failed test must not
    # hang on the unsaved-changes prompt.
    for form in list(main.open_forms):
        form.done(0)
    main.close()
    main.deleteLater()


class MessageBoxAnswerer:
    """Clicks a button of the next message box that appears, and remembers its text."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def answer(self, button: QMessageBox.StandardButton, tries: int = 200) -> None:
        def click() -> None:
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox):
                self.texts.append(box.text())
                box.button(button).click()
            elif tries > 0:
                self.answer(button, tries - 1)

        QTimer.singleShot(10, click)


@pytest.fixture
def message_boxes() -> MessageBoxAnswerer:
    return MessageBoxAnswerer()


@pytest.fixture
def open_form(window: MainWindow) -> Callable[[], PatientForm]:
    def opener() -> PatientForm:
        assert window.open_forms, "no patient form is open"
        return window.open_forms[-1]

    return opener
