"""The main window: chart header, archive, delete, visits, remembered layout, opening."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.patients import Limb, NeuropathyCause, Precaution
from acuchart.services.patients import create_patient
from acuchart.services.visits import create_visit, list_visits
from acuchart.ui import settings as keys
from acuchart.ui.main_window import MainWindow
from acuchart.ui.settings import UiSettings
from acuchart.ui.visit_dialog import NewVisitDialog
from acuchart.visits import VisitDraft
from tests.conftest import make_draft
from tests.gui.conftest import MessageBoxAnswerer

NewWindow = Callable[[UiSettings], MainWindow]


def open_patient(window: MainWindow, patient_id: int) -> None:
    assert window.list_panel is not None
    window.list_panel.refresh()
    assert window.list_panel.select_patient(patient_id)
    assert window.current is not None
    assert window.current.id == patient_id


def test_chart_header_shows_age_cause_and_precaution_badges(
    database: Database, window: MainWindow
) -> None:
    record = create_patient(
        database,
        make_draft(
            preferred_name="Kechi",
            date_of_birth=dt.date(1956, 4, 2),
            neuropathy_cause=NeuropathyCause.DIABETES_TYPE_2,
            limbs_affected=frozenset({Limb.LEFT_FOOT, Limb.RIGHT_FOOT, Limb.RIGHT_HAND}),
            precautions=frozenset({Precaution.PACEMAKER_OR_IMPLANT, Precaution.FAINTING_HISTORY}),
            consent_date=dt.date(2026, 1, 5),
        ),
    )
    open_patient(window, record.id)
    chart = window.chart
    assert chart is not None
    assert chart.name_label.text() == "Okafor, Nkechi  “Kechi”"
    assert "born 2 April 1956" in chart.subline.text()
    assert "Type 2 diabetes" in chart.cause_line.text()
    assert "both feet, right hand" in chart.cause_line.text()
    pacemaker = chart.findChild(QLabel, "badge_pacemaker_or_implant")
    assert pacemaker is not None
    assert "no electro-stimulation" in pacemaker.toolTip()
    assert chart.findChild(QLabel, "badge_fainting_history") is not None
    assert chart.findChild(QLabel, "badge_no_consent") is None
    assert chart.detail_labels["consent"].text() == "5 January 2026"


def test_archiving_hides_a_patient_and_restoring_brings_them_back(
    database: Database, window: MainWindow
) -> None:
    record = create_patient(database, make_draft(family_name="Walsh"))
    create_patient(database, make_draft(family_name="Kim"))
    open_patient(window, record.id)
    window.archive_action.trigger()
    panel = window.list_panel
    assert panel is not None
    assert panel.model.total == 1
    assert panel.model.patient_id_at(0) != record.id

    panel.show_archived.setChecked(True)
    assert panel.model.total == 2
    assert panel.select_patient(record.id)
    assert window.current is not None
    assert window.current.is_archived
    assert window.archive_action.text() == "Restore"
    assert not window.new_visit_action.isEnabled()
    assert not window.edit_patient_action.isEnabled()
    window.archive_action.trigger()
    assert window.current is not None
    assert not window.current.is_archived


def test_only_a_patient_without_visits_can_be_deleted_after_confirming(
    database: Database, window: MainWindow, message_boxes: MessageBoxAnswerer
) -> None:
    treated = create_patient(database, make_draft(family_name="Treated"))
    create_visit(database, treated.id, VisitDraft(dt.datetime.now(dt.UTC), "Lena Decicco"))
    mistake = create_patient(database, make_draft(family_name="Mistake"))
    open_patient(window, treated.id)
    assert not window.delete_action.isEnabled()

    open_patient(window, mistake.id)
    assert window.delete_action.isEnabled()
    message_boxes.answer(QMessageBox.StandardButton.No)
    window.delete_action.trigger()
    assert window.list_panel is not None
    assert window.list_panel.model.total == 2

    message_boxes.answer(QMessageBox.StandardButton.Yes)
    window.delete_action.trigger()
    assert "Mistake" in message_boxes.texts[-1]
    assert window.list_panel.model.total == 1


def test_new_visits_appear_newest_first_and_the_practitioner_is_remembered(
    qtbot: QtBot, database: Database, window: MainWindow, ui_settings: UiSettings
) -> None:
    record = create_patient(database, make_draft(consent_date=dt.date(2026, 1, 1)))
    create_visit(
        database, record.id, VisitDraft(dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC), "Old Hand")
    )
    open_patient(window, record.id)
    window.new_visit_action.trigger()
    dialog = window.findChild(NewVisitDialog)
    assert dialog is not None
    assert not dialog.consent_warning.isVisible()
    qtbot.keyClicks(dialog.practitioner, "Samuel Ortiz, L.Ac.")
    dialog.start()
    visits = list_visits(database, record.id)
    assert [visit.practitioner_name for visit in visits] == ["Samuel Ortiz, L.Ac.", "Old Hand"]
    assert window.chart is not None
    assert window.chart.visits_model.rowCount() == 2
    assert window.chart.visits_title.text() == "Visits (2)"
    assert ui_settings.get(keys.PRACTITIONER_NAME) == "Samuel Ortiz, L.Ac."


def test_a_visit_without_a_practitioner_is_refused_in_the_dialog(
    database: Database, window: MainWindow
) -> None:
    record = create_patient(database, make_draft())
    open_patient(window, record.id)
    window.new_visit_action.trigger()
    dialog = window.findChild(NewVisitDialog)
    assert dialog is not None
    assert dialog.consent_warning.isVisibleTo(dialog)  # no consent on file
    dialog.practitioner.clear()
    dialog.start()
    assert dialog.isVisible()
    assert dialog.error.text() == "Practitioner name is required."
    assert list_visits(database, record.id) == []
    dialog.reject()


def test_window_size_and_splitters_are_remembered(
    database: Database, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    first = new_window(ui_settings)
    first.attach_database(database)
    first.resize(720, 560)
    assert first.splitter is not None
    first.splitter.setSizes([260, 460])
    sizes = first.splitter.sizes()
    first.close()

    second = new_window(ui_settings)
    second.attach_database(database)
    assert (second.width(), second.height()) == (720, 560)
    assert second.splitter is not None
    assert second.splitter.sizes() == sizes
    assert ui_settings.get(keys.MAIN_WINDOW_GEOMETRY) != QByteArray()


def test_the_window_appears_first_and_opens_the_database_in_the_background(
    qtbot: QtBot, db_path: Path, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    window = new_window(ui_settings)
    assert window.database is None
    assert not window.new_patient_action.isEnabled()
    window.open_database_in_background(str(db_path))
    qtbot.waitUntil(lambda: window.database is not None, timeout=10_000)
    assert window.list_panel is not None
    assert window.new_patient_action.isEnabled()
    assert db_path.exists()


def test_a_bad_database_shows_a_message_naming_the_file(
    qtbot: QtBot, tmp_path: Path, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("shopping list")
    window = new_window(ui_settings)
    window.open_database_in_background(str(not_a_database))
    qtbot.waitUntil(lambda: window.error_box is not None, timeout=10_000)
    assert window.error_box is not None
    assert str(not_a_database) in window.error_box.text()
    assert "not an AcuChart database" in window.error_box.text()
    assert str(not_a_database) in window.status_placeholder.text()
    assert window.database is None
    assert not_a_database.read_text() == "shopping list"
    window.error_box.close()


def test_an_unexpected_error_is_shown_not_swallowed(
    window: MainWindow, message_boxes: MessageBoxAnswerer, capsys: pytest.CaptureFixture[str]
) -> None:
    from acuchart.ui.app import report_unexpected_error

    message_boxes.answer(QMessageBox.StandardButton.Ok)
    report_unexpected_error(window, OSError(28, "No space left on device"), None)
    assert "No space left on device" in message_boxes.texts[-1]
    assert "What was saved before is kept" in message_boxes.texts[-1]
    assert "No space left on device" in capsys.readouterr().err


def test_closing_before_the_database_is_open_leaves_nothing_open(
    qtbot: QtBot, db_path: Path, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    window = new_window(ui_settings)
    window.open_database_in_background(str(db_path))
    assert window.close()  # waits for the worker; its result arrives after the close
    qtbot.wait(50)
    assert window.database is None
    assert window.list_panel is None


def test_saving_a_patient_far_down_the_list_keeps_search_and_selection(
    database: Database, window: MainWindow, open_form: Callable[[], object]
) -> None:
    from acuchart.ui.patient_form import PatientForm

    for number in range(205):
        last = create_patient(database, make_draft(family_name=f"Name{number:03d}"))
    panel = window.list_panel
    assert panel is not None
    panel.search.setText("name")
    assert panel.select_patient(last.id)  # beyond the first page of 200
    window.edit_patient_action.trigger()
    form = open_form()
    assert isinstance(form, PatientForm)
    form.save()
    assert panel.search.text() == "name"
    assert panel.current_patient_id() == last.id
    assert window.current is not None
    assert window.current.id == last.id

    window.archive_action.trigger()
    panel.show_archived.setChecked(True)
    assert panel.select_patient(last.id)
    window.archive_action.trigger()  # restore
    assert window.current is not None
    assert window.current.id == last.id
    assert not window.current.is_archived
