"""Creating and editing patients through the form, as a practitioner would."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPlainTextEdit
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.patient_search import PatientQuery
from acuchart.patients import MAX_LONG_TEXT, NeuropathyCause, Precaution
from acuchart.services.patients import create_patient, get_patient, search_patients
from acuchart.ui.main_window import MainWindow
from acuchart.ui.patient_form import PatientForm
from tests.conftest import make_draft
from tests.gui.conftest import MessageBoxAnswerer

OpenForm = Callable[[], PatientForm]


def line(form: PatientForm, name: str) -> QLineEdit:
    editor = form.findChild(QLineEdit, name)
    assert editor is not None, name
    return editor


def error_text(form: PatientForm, name: str) -> str:
    label = form.findChild(QLabel, f"{name}Error")
    assert label is not None
    return label.text() if label.isVisible() else ""


def patient_count(database: Database) -> int:
    return search_patients(database, PatientQuery(include_archived=True)).total


def test_new_patient_is_saved_and_its_chart_opens(
    qtbot: QtBot, database: Database, window: MainWindow, open_form: OpenForm
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = open_form()
    # QTest types ASCII only; other scripts arrive as an input method would deliver them.
    line(form, "family_name").setText("Ødegaard")
    line(form, "given_names").setText("Siobhán")
    qtbot.keyClicks(line(form, "date_of_birth"), "14.03.1952")
    assert "14 March 1952" in form.birth_field._hint.text()
    qtbot.keyClicks(line(form, "phone"), "+1 555 201 7788")
    form.cause.setCurrentIndex(form.cause.findData(NeuropathyCause.CHEMOTHERAPY))
    qtbot.keyClicks(line(form, "chemotherapy_agent"), "oxaliplatin")
    qtbot.keyClicks(line(form, "onset"), "2024-05")
    form.precaution_boxes[Precaution.BLEEDING_RISK].setChecked(True)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    assert not form.isVisible()
    assert window.current is not None
    assert window.current.family_name == "Ødegaard"
    assert window.current.chemotherapy_agent == "oxaliplatin"
    assert window.chart is not None
    assert window.chart.name_label.text() == "Ødegaard, Siobhán"
    assert "Chemotherapy-induced (oxaliplatin)" in window.chart.cause_line.text()
    assert "onset May 2024" in window.chart.cause_line.text()
    assert window.chart.findChild(QLabel, "badge_bleeding_risk") is not None
    assert window.chart.findChild(QLabel, "badge_no_consent") is not None


def test_errors_are_shown_beside_their_fields_and_nothing_is_saved(
    qtbot: QtBot, database: Database, window: MainWindow, open_form: OpenForm
) -> None:
    window.new_patient_action.trigger()
    form = open_form()
    qtbot.keyClicks(line(form, "date_of_birth"), "2099-01-01")
    qtbot.keyClicks(line(form, "email"), "not-an-address")
    qtbot.keyClicks(line(form, "phone"), "call after six")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    assert form.isVisible()
    assert error_text(form, "family_name") == "Family name is required."
    assert error_text(form, "date_of_birth") == "Date of birth cannot be in the future."
    assert "name@example.com" in error_text(form, "email")
    assert "Phone number may hold digits" in error_text(form, "phone")
    assert form.summary.text() == "4 fields to check before saving."
    assert form.focusWidget() is line(form, "family_name")
    assert patient_count(database) == 0

    qtbot.keyClicks(line(form, "family_name"), "Costa")
    line(form, "date_of_birth").setText("31.02.1950")
    line(form, "email").clear()
    line(form, "phone").clear()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "There is no such date" in error_text(form, "date_of_birth")
    assert error_text(form, "family_name") == ""

    line(form, "date_of_birth").setText("1950-02-28")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert not form.isVisible()
    assert patient_count(database) == 1


def test_huge_text_is_refused_with_a_message_and_kept_in_the_form(
    qtbot: QtBot, window: MainWindow, open_form: OpenForm, message_boxes: MessageBoxAnswerer
) -> None:
    window.new_patient_action.trigger()
    form = open_form()
    line(form, "family_name").setText("Kim")
    line(form, "date_of_birth").setText("1960-01-01")
    notes = form.findChild(QPlainTextEdit, "notes")
    assert notes is not None
    huge = "Numbness worse at night. " * 1000
    notes.setPlainText(huge)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert f"at most {MAX_LONG_TEXT:,}" in error_text(form, "notes")
    assert notes.toPlainText() == huge  # nothing typed is cut
    message_boxes.answer(QMessageBox.StandardButton.Discard)
    form.reject()
    assert not form.isVisible()


def test_closing_a_changed_form_asks_first(
    qtbot: QtBot,
    database: Database,
    window: MainWindow,
    open_form: OpenForm,
    message_boxes: MessageBoxAnswerer,
) -> None:
    window.new_patient_action.trigger()
    form = open_form()
    qtbot.keyClicks(line(form, "family_name"), "Reyes")

    message_boxes.answer(QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert form.isVisible()
    assert line(form, "family_name").text() == "Reyes"
    assert "not saved" in message_boxes.texts[-1]

    message_boxes.answer(QMessageBox.StandardButton.Save)  # Save, but the birth date is missing
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert form.isVisible()
    assert error_text(form, "date_of_birth") == "Date of birth is required."

    message_boxes.answer(QMessageBox.StandardButton.Discard)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible()
    assert patient_count(database) == 0


def test_an_unchanged_form_closes_without_asking(
    qtbot: QtBot, window: MainWindow, open_form: OpenForm
) -> None:
    window.new_patient_action.trigger()
    form = open_form()
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert not form.isVisible()


def test_closing_the_app_with_a_changed_form_asks_first(
    qtbot: QtBot,
    database: Database,
    window: MainWindow,
    open_form: OpenForm,
    message_boxes: MessageBoxAnswerer,
) -> None:
    window.new_patient_action.trigger()
    form = open_form()
    qtbot.keyClicks(line(form, "family_name"), "Walsh")
    message_boxes.answer(QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert window.isVisible()
    assert form.isVisible()

    line(form, "date_of_birth").setText("1970-07-07")
    message_boxes.answer(QMessageBox.StandardButton.Save)
    assert window.close()
    assert [row.family_name for row in search_patients(database, PatientQuery()).rows] == ["Walsh"]


def test_editing_keeps_what_was_not_touched(
    qtbot: QtBot, database: Database, window: MainWindow, open_form: OpenForm
) -> None:
    record = create_patient(
        database,
        make_draft(medications="Gabapentin 300 mg", precautions=frozenset({Precaution.PREGNANCY})),
    )
    assert window.list_panel is not None
    window.list_panel.refresh()
    window.list_panel.select_patient(record.id)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    form = open_form()
    assert line(form, "family_name").text() == "Okafor"
    phone = line(form, "phone")
    phone.clear()
    qtbot.keyClicks(phone, "0412 555 678")
    form.activateWindow()  # a window manager activates a new dialog; offscreen Qt does not
    qtbot.waitUntil(form.isActiveWindow)
    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not form.isVisible()
    saved = get_patient(database, record.id)
    assert saved.phone == "0412 555 678"
    assert saved.medications == "Gabapentin 300 mg"
    assert saved.precautions == {Precaution.PREGNANCY}
    assert window.chart is not None
    assert window.chart.detail_labels["phone"].text() == "0412 555 678"


def test_typing_right_after_ctrl_n_fills_the_family_name_then_tab_moves_on(
    qtbot: QtBot, window: MainWindow, open_form: OpenForm
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = open_form()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    qtbot.keyClicks(form.focusWidget(), "Reyes")
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(form.focusWidget(), "Rosa")
    assert line(form, "family_name").text() == "Reyes"
    assert line(form, "given_names").text() == "Rosa"
    form.done(0)


def test_save_chosen_in_the_close_prompt_finishes_the_form_once(
    qtbot: QtBot, window: MainWindow, open_form: OpenForm, message_boxes: MessageBoxAnswerer
) -> None:
    window.new_patient_action.trigger()
    form = open_form()
    results: list[int] = []
    form.finished.connect(results.append)
    line(form, "family_name").setText("Lindqvist")
    line(form, "date_of_birth").setText("1950-05-05")
    message_boxes.answer(QMessageBox.StandardButton.Save)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert results == [1]
    assert not form.isVisible()


def test_a_form_opened_before_another_workstation_saved_keeps_its_text(
    qtbot: QtBot,
    database: Database,
    window: MainWindow,
    open_form: OpenForm,
    message_boxes: MessageBoxAnswerer,
) -> None:
    from acuchart.services.patients import update_patient

    record = create_patient(database, make_draft())
    assert window.list_panel is not None
    window.list_panel.refresh()
    window.list_panel.select_patient(record.id)
    window.edit_patient_action.trigger()
    form = open_form()
    update_patient(database, record.id, make_draft(allergies="Latex"), read_at=record.updated_at)
    notes = form.findChild(QPlainTextEdit, "notes")
    assert notes is not None
    notes.setPlainText("Tingling better since last week.")
    message_boxes.answer(QMessageBox.StandardButton.Ok)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "another workstation" in message_boxes.texts[-1]
    assert form.isVisible()
    assert notes.toPlainText() == "Tingling better since last week."
    assert get_patient(database, record.id).allergies == "Latex"
