"""Edit the clinic's handout texts: the shipped wording is the default, any change is kept."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from acuchart.db.database import Database
from acuchart.ui.messages import describe_error
from acuchart.ui.naming import named
from acuchart.ui.tasks import TaskRunner

HANDOUTS = (
    ("how-acupuncture-helps", "How acupuncture may help neuropathy pain"),
    ("aftercare", "After your acupuncture treatment"),
    ("foot-hand-care", "Caring for your feet and hands"),
    ("home-care-plan", "Your home-care plan"),
)
FORMAT_HINT = (
    "# Title · ## Heading · - bullet · **bold** · > call-out box · [[diagram]] (the "
    "patient's latest body map). Fields: {patient_first_name} {patient_name} {clinic_name} "
    "{clinic_phone} {clinic_email} {clinic_address} {practitioner} {visit_date} {next_visit} "
    "{home_care} {today}"
)


class HandoutEditor(QDialog):
    """Pick a handout, change its text, save (checked first) or go back to the default."""

    saved = Signal(str)  # the handout's name

    def __init__(self, database: Database, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("handoutEditor")
        self.setWindowTitle(self.tr("Handout texts"))
        self.database = database
        self.tasks = tasks
        self.loaded: dict[str, str] = {}

        self.choice = named(QComboBox(), "handoutChoice")
        for value, label in HANDOUTS:
            self.choice.addItem(self.tr(label), value)
        self.text = named(QPlainTextEdit(), "handoutText")
        self.text.setTabChangesFocus(True)
        font = QFont(self.text.font())
        font.setPointSizeF(font.pointSizeF() + 0.5)
        self.text.setFont(font)
        hint = named(QLabel(self.tr(FORMAT_HINT)), "handoutHint")
        hint.setWordWrap(True)
        hint.setProperty("role", "fieldHint")
        self.message = named(QLabel(), "handoutMessage")
        self.message.setWordWrap(True)
        self.message.setProperty("role", "fieldError")
        self.default_button = named(QPushButton(self.tr("Restore the &default")), "handoutDefault")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        buttons.addButton(self.default_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.default_button.clicked.connect(self.restore_default)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Handout")))
        top.addWidget(self.choice, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(760, 640)
        self.choice.currentIndexChanged.connect(self.load)
        self.load()

    @property
    def handout_name(self) -> str:
        return str(self.choice.currentData())

    def load(self) -> None:
        from acuchart.reports.handout_text import Handout
        from acuchart.services.reports import handout_template

        name = self.handout_name
        self.save_button.setEnabled(False)
        self.message.setText("")
        self.tasks.run(
            lambda: handout_template(self.database, Handout(name)),
            lambda text: self._show(name, text),
            self._failed,
        )

    def _show(self, name: str, text: str) -> None:
        if name != self.handout_name:
            return  # the user moved on to another handout meanwhile
        self.loaded[name] = text
        self.text.setPlainText(text)
        self.save_button.setEnabled(True)

    def save(self, text: str | None = None) -> None:
        from acuchart.reports.handout_text import Handout
        from acuchart.services.reports import save_handout_template

        name = self.handout_name
        content = self.text.toPlainText() if text is None else text
        self.save_button.setEnabled(False)
        self.tasks.run(
            lambda: save_handout_template(self.database, Handout(name), content),
            lambda stored: self._saved(name, stored),
            self._failed,
        )

    def restore_default(self) -> None:
        self.save("")

    def _saved(self, name: str, stored: str) -> None:
        self.loaded[name] = stored
        if name == self.handout_name:
            self.text.setPlainText(stored)
        self.save_button.setEnabled(True)
        self.message.setProperty("role", "fieldHint")
        self.message.setText(self.tr("Saved. Printed handouts use this text from now on."))
        self.message.style().polish(self.message)
        self.saved.emit(name)

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.message.setProperty("role", "fieldError")
        self.message.style().polish(self.message)
        self.message.setText(describe_error(error))
