"""Print or save a document from the open chart: the dialog, the worker, the file, the printer."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.services import reports
from acuchart.ui.main_window import MainWindow
from acuchart.ui.print_dialog import PrintDialog
from acuchart.ui.printing import load_pdf, paint_pages
from tests.unit.test_reports import CLINIC, course


def open_dialog(qtbot: QtBot, window: MainWindow, database: Database) -> tuple[PrintDialog, int]:
    patient_id, ids = course(database)
    window.show_patient(patient_id)
    assert window.chart is not None
    window.note_panel.open_visit(ids[-1])
    qtbot.waitUntil(lambda: window.note_panel.visit is not None)
    assert window.print_action.isEnabled()
    window.print_action.trigger()
    dialog = window.print_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.open_after.setChecked(False)
    return dialog, ids[-1]


def test_saving_a_progress_report_writes_the_pdf(
    qtbot: QtBot, window: MainWindow, database: Database, tmp_path: Path
) -> None:
    dialog, visit_id = open_dialog(qtbot, window, database)
    assert dialog.visit_id == visit_id
    assert dialog.document.currentText() == "Visit summary"
    dialog.document.setCurrentIndex(dialog.document.findText("Progress report"))
    assert dialog.comments.isVisible()
    assert not dialog.large_print.isVisible()
    dialog.audience.setCurrentIndex(dialog.audience.findData("patient"))
    dialog.comments.setPlainText("Four more weekly visits, then review.")
    with qtbot.waitSignal(dialog.saved, timeout=20_000) as saved:
        dialog.save_to(tmp_path / "report")
        assert dialog.progress.isVisible()
        assert not dialog.save_button.isEnabled()
    assert not dialog.progress.isVisible()
    written = Path(saved.args[0])
    assert written == tmp_path / "report.pdf"
    content = "".join(page.extract_text() for page in PdfReader(written).pages)
    assert "For you, to keep" in content
    assert "Four more weekly visits, then review." in content
    assert dialog.message.text() == f"Saved {written}"
    assert dialog.save_button.isEnabled()


def test_a_failure_is_explained_in_the_dialog(
    qtbot: QtBot, window: MainWindow, database: Database, tmp_path: Path
) -> None:
    dialog, _ = open_dialog(qtbot, window, database)
    dialog.document.setCurrentIndex(dialog.document.findText("Progress report"))
    dialog.comments.setPlainText("x" * 30_000)
    dialog.save_to(tmp_path / "too-long.pdf")
    qtbot.waitUntil(lambda: "too long" in dialog.message.text(), timeout=20_000)
    assert not (tmp_path / "too-long.pdf").exists()


def test_without_an_open_visit_the_summary_waits_for_one(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    patient_id, _ = course(database)
    window.show_patient(patient_id)
    dialog = PrintDialog(database, window.tasks, patient_id, "Test", None, window)
    qtbot.addWidget(dialog)
    assert dialog.document.currentText() == "Progress report"
    dialog.document.setCurrentIndex(0)
    assert not dialog.save_button.isEnabled()
    assert "Open a visit first" in dialog.message.text()
    dialog.document.setCurrentIndex(dialog.document.findText("Handout: Your home-care plan"))
    assert not dialog.large_print.isHidden()
    assert dialog.save_button.isEnabled()


def test_pages_reach_the_printer(database: Database, tmp_path: Path, qtbot: QtBot) -> None:
    """The print path without the dialog: our PDF rendered page by page onto a QPrinter."""
    patient_id, _ = course(database)
    buffer = io.BytesIO()
    reports.chart_pdf(database, patient_id, buffer)
    pages = len(PdfReader(io.BytesIO(buffer.getvalue())).pages)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    from PySide6.QtWidgets import QWidget

    holder = QWidget()
    qtbot.addWidget(holder)
    document = load_pdf(buffer.getvalue(), holder)
    assert paint_pages(document, printer) == pages
    assert len(PdfReader(printed).pages) == pages
    assert CLINIC.name  # the clinic printed on every page is the test clinic
