"""Start a visit: when, and who is treating. Defaults to now and the last practitioner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QDateTime, Qt
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from acuchart.errors import ChartError
from acuchart.patients import PatientRecord
from acuchart.ui.naming import named
from acuchart.validation import ValidationError
from acuchart.visits import VisitDraft, VisitSummary

CreateVisit = Callable[[VisitDraft], VisitSummary]


class NewVisitDialog(QDialog):
    def __init__(
        self,
        patient: PatientRecord,
        create: CreateVisit,
        practitioner_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("newVisitDialog")
        self.setWindowTitle(self.tr(f"New visit — {patient.display_name}"))
        self._create = create
        self.created: VisitSummary | None = None
        self.when = named(QDateTimeEdit(QDateTime.currentDateTime()), "visitStartedAt")
        self.when.setDisplayFormat("yyyy-MM-dd  HH:mm")
        self.when.setDateRange(QDate(1900, 1, 1), QDate.currentDate().addDays(1))
        self.when.setCalendarPopup(True)
        self.practitioner = named(QLineEdit(practitioner_name), "visitPractitioner")
        self.practitioner.setPlaceholderText(
            self.tr("Name and credentials, e.g. Lena Decicco, L.Ac.")
        )
        self.error = named(QLabel(), "visitError")
        self.error.setProperty("role", "fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.consent_warning = named(
            QLabel(
                self.tr(
                    "No informed consent is on file for this patient. Record it before treating."
                )
            ),
            "visitConsentWarning",
        )
        self.consent_warning.setProperty("role", "fieldError")
        self.consent_warning.setWordWrap(True)
        self.consent_warning.setVisible(patient.consent_date is None)

        form = QFormLayout()
        form.addRow(self.tr("Date and time"), self.when)
        form.addRow(self.tr("Practitioner"), self.practitioner)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok_button.setText(self.tr("Start visit"))
        ok_button.setObjectName("startVisit")
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.consent_warning)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        (self.practitioner if not practitioner_name else self.when).setFocus(
            Qt.FocusReason.OtherFocusReason
        )

    def draft(self) -> VisitDraft:
        local = self.when.dateTime().toPython()
        assert isinstance(local, dt.datetime)
        return VisitDraft(started_at=local.astimezone(), practitioner_name=self.practitioner.text())

    def start(self) -> None:
        try:
            self.created = self._create(self.draft())
        except ValidationError as error:
            self.error.setText("\n".join(error.errors.values()))
            self.error.show()
            return
        except ChartError as error:
            QMessageBox.warning(self, self.tr("Visit not started"), str(error))
            return
        self.accept()
