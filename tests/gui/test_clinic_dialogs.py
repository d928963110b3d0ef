"""Clinic details and handout texts, edited through their dialogs and kept in the database."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from acuchart.clinic import PaperSize
from acuchart.db.database import Database
from acuchart.reports.handout_text import Handout, default_template
from acuchart.services import reports
from acuchart.services.clinic import load_clinic_profile, save_clinic_profile
from acuchart.ui.main_window import MainWindow
from tests.unit.test_reports import CLINIC

LOGO = Path(__file__).parents[2] / "docs" / "main-window.png"


def test_clinic_details_are_loaded_checked_and_saved(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    save_clinic_profile(database, CLINIC)
    window.clinic_action.trigger()
    dialog = window.clinic_dialog
    qtbot.waitUntil(lambda: dialog.name.text() == CLINIC.name)
    assert dialog.practitioners.toPlainText() == CLINIC.practitioners
    dialog.email.setText("front desk")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "E-mail" in dialog.message.text())
    assert dialog.isVisible()
    assert load_clinic_profile(database).email == CLINIC.email
    dialog.email.setText("desk@decicco.example")
    dialog.name.setText("Decicco Acupuncture & Wellness")
    dialog.paper.setCurrentIndex(dialog.paper.findData(PaperSize.A4.value))
    dialog.use_logo_file(LOGO)
    assert dialog.logo_preview.pixmap() is not None
    assert not dialog.logo_preview.pixmap().isNull()
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    stored = load_clinic_profile(database)
    assert stored.email == "desk@decicco.example"
    assert stored.paper is PaperSize.A4
    assert stored.logo_png == LOGO.read_bytes()
    assert window.windowTitle().endswith("Decicco Acupuncture & Wellness")


def test_handout_texts_are_edited_checked_and_restored(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    window.handouts_action.trigger()
    editor = window.handout_editor
    qtbot.waitUntil(lambda: editor.text.toPlainText().startswith("# How acupuncture"))
    editor.choice.setCurrentIndex(editor.choice.findData("aftercare"))
    qtbot.waitUntil(lambda: editor.text.toPlainText() == default_template(Handout.AFTERCARE))
    editor.text.setPlainText("# After today\n\nRest, {nickname}.")
    editor.save_button.click()
    qtbot.waitUntil(lambda: "Unknown field {nickname}" in editor.message.text())
    assert reports.handout_template(database, Handout.AFTERCARE) == default_template(
        Handout.AFTERCARE
    )
    editor.text.setPlainText("# After today\n\nRest well, {patient_first_name}.")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save_button.click()
    assert reports.handout_template(database, Handout.AFTERCARE).startswith("# After today")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.default_button.click()
    assert reports.handout_template(database, Handout.AFTERCARE) == default_template(
        Handout.AFTERCARE
    )
    assert editor.text.toPlainText() == default_template(Handout.AFTERCARE)


def test_the_clinic_menu_opens_the_audit_log(qtbot: QtBot, window: MainWindow) -> None:
    assert window.audit_action.isEnabled()
    window.audit_action.trigger()
    qtbot.waitUntil(window.audit_viewer.isVisible)
    window.audit_viewer.reject()
