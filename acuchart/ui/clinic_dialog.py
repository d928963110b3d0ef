"""Clinic details printed on every document: name, address, contact, practitioners, logo, paper."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from acuchart.clinic import MAX_LOGO_BYTES, ClinicProfile, PaperSize
from acuchart.db.database import Database
from acuchart.ui.messages import describe_error
from acuchart.ui.naming import named
from acuchart.ui.tasks import TaskRunner


def _text_box(name: str, placeholder: str, lines: int) -> QPlainTextEdit:
    box = named(QPlainTextEdit(), name)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class ClinicDialog(QDialog):
    """Loads the clinic's details in a worker, saves them in one transaction."""

    saved = Signal(object)  # the ClinicProfile stored

    def __init__(self, database: Database, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("clinicDialog")
        self.setWindowTitle(self.tr("Clinic details"))
        self.database = database
        self.tasks = tasks
        self.logo: bytes | None = None

        self.name = named(QLineEdit(), "clinicName")
        self.address = _text_box("clinicAddress", self.tr("Street\nTown, postcode"), 3)
        self.phone = named(QLineEdit(), "clinicPhone")
        self.email = named(QLineEdit(), "clinicEmail")
        self.practitioners = _text_box(
            "clinicPractitioners",
            self.tr("One per line, with credentials: Lena Decicco, L.Ac., Dipl. Ac."),
            3,
        )
        self.paper = named(QComboBox(), "clinicPaper")
        for size in PaperSize:
            self.paper.addItem(size.label, size.value)
        self.logo_preview = named(QLabel(self.tr("No logo")), "clinicLogoPreview")
        self.logo_preview.setFixedSize(160, 56)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setProperty("role", "fieldHint")
        choose = named(QPushButton(self.tr("Choose…")), "clinicLogoChoose")
        self.remove_logo = named(QPushButton(self.tr("Remove")), "clinicLogoRemove")
        choose.clicked.connect(self.choose_logo)
        self.remove_logo.clicked.connect(lambda: self.set_logo(None))
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(choose)
        logo_row.addWidget(self.remove_logo)
        logo_row.addStretch()

        form = QFormLayout()
        form.addRow(self.tr("Clinic &name"), self.name)
        form.addRow(self.tr("&Address"), self.address)
        form.addRow(self.tr("&Phone"), self.phone)
        form.addRow(self.tr("&E-mail"), self.email)
        form.addRow(self.tr("P&ractitioners"), self.practitioners)
        form.addRow(self.tr("Paper &size"), self.paper)
        form.addRow(self.tr("Logo"), logo_row)
        self.message = named(QLabel(), "clinicMessage")
        self.message.setWordWrap(True)
        self.message.setProperty("role", "fieldError")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())
        self.save_button.setEnabled(False)
        self.set_logo(None)
        self.load()

    def load(self) -> None:
        from acuchart.services.clinic import load_clinic_profile

        self.tasks.run(lambda: load_clinic_profile(self.database), self.show_profile, self._failed)

    def show_profile(self, profile: ClinicProfile) -> None:
        self.name.setText(profile.name)
        self.address.setPlainText(profile.address)
        self.phone.setText(profile.phone)
        self.email.setText(profile.email)
        self.practitioners.setPlainText(profile.practitioners)
        self.paper.setCurrentIndex(self.paper.findData(profile.paper.value))
        self.set_logo(profile.logo_png)
        self.save_button.setEnabled(True)
        self.name.setFocus()

    def profile(self) -> ClinicProfile:
        return ClinicProfile(
            name=self.name.text(),
            address=self.address.toPlainText(),
            phone=self.phone.text(),
            email=self.email.text(),
            practitioners=self.practitioners.toPlainText(),
            paper=PaperSize(self.paper.currentData()),
            logo_png=self.logo,
        )

    def set_logo(self, data: bytes | None) -> None:
        self.logo = data
        self.remove_logo.setEnabled(data is not None)
        pixmap = QPixmap()
        if data is not None and pixmap.loadFromData(QByteArray(data)):
            self.logo_preview.setPixmap(
                pixmap.scaled(
                    self.logo_preview.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.logo_preview.setText(self.tr("No logo"))

    def choose_logo(self) -> None:
        from acuchart.ui import file_dialogs

        path = file_dialogs.ask_open_path(
            self, self.tr("Clinic logo"), self.tr("Pictures (*.png *.jpg *.jpeg)")
        )
        if path:
            self.use_logo_file(Path(path))

    def use_logo_file(self, path: Path) -> None:
        try:
            size = path.stat().st_size
            if size > MAX_LOGO_BYTES:
                self.message.setText(self.tr("The logo is larger than 2 MB; choose a smaller one."))
                return
            self.set_logo(path.read_bytes())
            self.message.setText("")
        except OSError as error:
            self.message.setText(describe_error(error))

    def save(self) -> None:
        from acuchart.services.clinic import save_clinic_profile

        profile = self.profile()
        self.save_button.setEnabled(False)
        self.tasks.run(
            lambda: save_clinic_profile(self.database, profile), self._saved, self._failed
        )

    def _saved(self, profile: ClinicProfile) -> None:
        self.saved.emit(profile)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.message.setText(describe_error(error))
