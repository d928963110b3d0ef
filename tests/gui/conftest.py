"""Fixtures for driving real widgets with pytest-qt."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.ui.app import dispose_while_app_lives
from acuchart.ui.main_window import MainWindow
from acuchart.ui.patient_form import PatientForm
from acuchart.ui.settings import UiSettings
from acuchart.ui.style import apply_style


@pytest.fixture
def ui_settings(tmp_path: Path) -> UiSettings:
    return UiSettings.at(tmp_path / "workstation.ini")


@pytest.fixture
def new_window(qtbot: QtBot) -> Iterator[Callable[[UiSettings], MainWindow]]:
    """Makes shown main windows, and deletes them while the application still exists
    (a main window outliving QApplication crashes the interpreter at exit)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app)
    made: list[MainWindow] = []

    def make(settings: UiSettings) -> MainWindow:
        main = MainWindow(settings)
        main.show()
        qtbot.waitExposed(main)
        made.append(main)
        return main

    yield make
    # Closed here, not by qtbot (which closes before fixtures end): a failed test must not
    # hang on the unsaved-changes prompt.
    for main in made:
        for form in list(main.open_forms):
            form.done(0)
        main.close()
        dispose_while_app_lives(app, main)


@pytest.fixture
def window(
    database: Database, ui_settings: UiSettings, new_window: Callable[[UiSettings], MainWindow]
) -> MainWindow:
    main = new_window(ui_settings)
    main.attach_database(database)
    return main


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
