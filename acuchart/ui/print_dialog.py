"""Print or save a document of the open chart: visit summary, progress report, handout, chart.

The PDF is built off the GUI thread (ReportLab is imported there, never at
start-up). Saving writes the file whole and can open it in the system viewer;
printing renders the same PDF's pages through Qt's print dialog.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from acuchart.db.database import Database
from acuchart.ui.messages import describe_error
from acuchart.ui.naming import named
from acuchart.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from acuchart.services.reports import ReportRequest

# (label, document, handout) in menu order; handouts by their value, so no ReportLab at import.
CHOICES = (
    ("Visit summary", "visit", None),
    ("Progress report", "progress", None),
    ("Handout: How acupuncture may help neuropathy pain", "handout", "how-acupuncture-helps"),
    ("Handout: After your acupuncture treatment", "handout", "aftercare"),
    ("Handout: Caring for your feet and hands", "handout", "foot-hand-care"),
    ("Handout: Your home-care plan", "handout", "home-care-plan"),
    ("Whole chart (records request)", "chart", None),
)


class PrintDialog(QDialog):
    """One dialog for every document: choose it, set its options, then Save PDF or Print."""

    saved = Signal(str)  # the path written

    def __init__(
        self,
        database: Database,
        tasks: TaskRunner,
        patient_id: int,
        patient_name: str,
        visit_id: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("printDialog")
        self.setWindowTitle(self.tr("Print or save as PDF"))
        self.database = database
        self.tasks = tasks
        self.patient_id = patient_id
        self.patient_name = patient_name
        self.visit_id = visit_id
        self.busy = False

        self.document = named(QComboBox(), "printDocument")
        for label, document, handout in CHOICES:
            self.document.addItem(self.tr(label), (document, handout))
        self.audience = named(QComboBox(), "printAudience")
        self.audience.addItem(self.tr("The referring physician"), "physician")
        self.audience.addItem(self.tr("The patient"), "patient")
        self.comments = named(QPlainTextEdit(), "printComments")
        self.comments.setPlaceholderText(self.tr("Your own words for the report (optional)"))
        self.comments.setTabChangesFocus(True)
        self.comments.setFixedHeight(90)
        self.large_print = named(QCheckBox(self.tr("Large print (15 pt)")), "printLargePrint")
        self.open_after = named(QCheckBox(self.tr("Open the PDF when saved")), "printOpen")
        self.open_after.setChecked(True)
        self.message = named(QLabel(), "printMessage")
        self.message.setWordWrap(True)
        self.message.setProperty("role", "fieldHint")
        self.progress = named(QProgressBar(), "printProgress")
        self.progress.setRange(0, 0)  # busy: ReportLab reports no steps while it lays out
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(6)
        self.progress.hide()

        form = QFormLayout()
        form.addRow(self.tr("&Document"), self.document)
        form.addRow(self.tr("&For"), self.audience)
        form.addRow(self.tr("&Comments"), self.comments)
        form.addRow("", self.large_print)
        form.addRow("", self.open_after)
        self.form = form

        buttons = QDialogButtonBox()
        self.save_button = named(QPushButton(self.tr("&Save PDF…")), "printSave")
        self.print_button = named(QPushButton(self.tr("&Print…")), "printPrint")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.ask_save)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(buttons)
        self.document.currentIndexChanged.connect(self._update_options)
        if visit_id is None:
            self.document.setCurrentIndex(1)
        self._update_options()
        self.resize(520, self.sizeHint().height())

    def _update_options(self) -> None:
        document, _ = self.document.currentData()
        progress = document == "progress"
        for widget in (self.audience, self.comments):
            widget.setVisible(progress)
            label = self.form.labelForField(widget)
            if label is not None:
                label.setVisible(progress)
        self.large_print.setVisible(document == "handout")
        needs_visit = document == "visit"
        self.message.setText(
            self.tr("Open a visit first: the summary is of one visit.")
            if needs_visit and self.visit_id is None
            else ""
        )
        self._set_busy(self.busy)

    def request(self) -> ReportRequest:
        """The service's ReportRequest for the current choices."""
        from acuchart.reports.handout_text import Handout
        from acuchart.reports.progress_report import Audience
        from acuchart.services.reports import Document, ReportRequest

        document, handout = self.document.currentData()
        return ReportRequest(
            document=Document(document),
            patient_id=self.patient_id,
            visit_id=self.visit_id,
            audience=Audience(self.audience.currentData()),
            comments=self.comments.toPlainText(),
            handout=Handout(handout) if handout else Handout.AFTERCARE,
            large_print=self.large_print.isChecked(),
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.progress.setVisible(busy)
        self.document.setEnabled(not busy)
        document, _ = self.document.currentData()
        ready = not busy and not (document == "visit" and self.visit_id is None)
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)

    # -- Save ------------------------------------------------------------------
    def ask_save(self) -> None:
        from acuchart.services.reports import suggested_file_name
        from acuchart.ui import file_dialogs

        name = suggested_file_name(self.request(), self.patient_name, dt.date.today())
        path = file_dialogs.ask_save_path(self, self.tr("Save as PDF"), Path(name), "PDF (*.pdf)")
        if path:
            self.save_to(Path(path))

    def save_to(self, output: Path) -> None:
        from acuchart.audit import AuditAction
        from acuchart.services.reports import save_pdf, write_report

        request = self.request()
        database = self.database
        self._set_busy(True)
        self.message.setText(self.tr("Preparing the PDF…"))
        self.tasks.run(
            lambda: save_pdf(
                output,
                lambda out: write_report(database, request, out, action=AuditAction.EXPORT),
            ),
            self._saved,
            self._failed,
        )

    def _saved(self, written: Path) -> None:
        self._set_busy(False)
        self.message.setText(self.tr(f"Saved {written}"))
        self.saved.emit(str(written))
        if self.open_after.isChecked():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.message.setText(describe_error(error))

    # -- Print -----------------------------------------------------------------
    def print_document(self) -> None:
        from acuchart.services.reports import write_report

        request = self.request()
        database = self.database

        def build() -> bytes:
            buffer = io.BytesIO()
            write_report(database, request, buffer)
            return buffer.getvalue()

        self._set_busy(True)
        self.message.setText(self.tr("Preparing the pages…"))
        self.tasks.run(build, self._print_pages, self._failed)

    def _print_pages(self, pdf: bytes) -> None:
        from acuchart.ui.printing import print_pdf

        self._set_busy(False)
        self.message.setText("")
        pages = print_pdf(pdf, self)
        if pages:
            self.message.setText(self.tr(f"Sent {pages} page(s) to the printer."))


def open_print_dialog(
    parent: QWidget,
    database: Database,
    tasks: TaskRunner,
    patient_id: int,
    patient_name: str,
    visit_id: int | None,
) -> PrintDialog:
    dialog = PrintDialog(database, tasks, patient_id, patient_name, visit_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
