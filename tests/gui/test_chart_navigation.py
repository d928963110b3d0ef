"""Moving around an open chart by keyboard, and the chart keeping itself in step."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.notes.model import NeedleCount, NeedledPoint, Plan
from acuchart.services import notes
from acuchart.ui import settings as keys
from acuchart.ui.main_window import MainWindow
from acuchart.ui.settings import UiSettings
from tests.gui.test_main_window import NewWindow
from tests.unit.test_note_service import charted_note
from tests.unit.test_reports import course


def activate(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_ctrl_digits_bring_chart_tabs_forward_with_the_open_visit(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    patient_id, ids = course(database)
    window.show_patient(patient_id)
    window.open_visit_note(ids[0])
    qtbot.waitUntil(lambda: window.note_panel.visit is not None)
    assert window.chart is not None
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.chart.tabs.currentWidget() is window.body_map_panel
    qtbot.waitUntil(lambda: window.body_map_panel.visit is not None)
    assert window.body_map_panel.visit is not None
    assert window.body_map_panel.visit.id == ids[0]
    assert window.body_map_panel.editor.canvas.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.chart.tabs.currentWidget() is window.scores_panel
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.chart.tabs.currentWidget() is window.note_panel
    assert window.note_panel.editor.chief_complaint.hasFocus()


def test_points_saved_in_the_note_appear_on_the_open_map(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    patient_id, ids = course(database)
    window.show_patient(patient_id)
    window.open_visit_note(ids[-1])
    qtbot.waitUntil(lambda: window.note_panel.visit is not None)
    window.open_visit_map(ids[-1])
    qtbot.waitUntil(lambda: window.body_map_panel.visit is not None)
    layers = window.body_map_panel.editor.canvas.layers
    assert "KI1" not in layers.highlighted_points
    note = charted_note(plan=Plan(points=(NeedledPoint("KI1"),)))
    notes.save_draft(database, ids[-1], note)
    window.note_panel.saved.emit(ids[-1])
    qtbot.waitUntil(lambda: "KI1" in layers.highlighted_points)


def test_signing_retitles_the_visit_and_a_restart_selects_the_drafts_patient(
    qtbot: QtBot, database: Database, ui_settings: UiSettings, new_window: NewWindow
) -> None:
    patient_id, ids = course(database)
    signed = dataclasses.replace(charted_note(), needles=NeedleCount(4, 4))
    notes.save_draft(database, ids[0], signed)
    window = new_window(ui_settings)
    window.attach_database(database)
    window.show_patient(patient_id)
    window.open_visit_note(ids[0])
    qtbot.waitUntil(lambda: window.note_panel.visit is not None)
    notes.sign_note(database, ids[0], "R. Decicco")
    window._visit_signed(ids[0])
    choice = window.note_panel.visit_choice
    title = choice.itemText(choice.findData(ids[0]))
    assert "Draft" not in title
    assert "Signed" in title
    ui_settings.set(keys.OPEN_DRAFT, f"{patient_id}:{ids[-1]}")
    again = new_window(ui_settings)
    again.attach_database(database)
    assert again.current is not None
    assert again.current.id == patient_id
    assert again.list_panel is not None
    assert again.list_panel.current_patient_id() == patient_id


def test_a_new_desk_offers_the_clinics_first_practitioner(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    from acuchart.ui.visit_dialog import NewVisitDialog

    patient_id, _ = course(database)  # the clinic lists "R. Decicco, L.Ac., Dipl. Ac."
    window.show_patient(patient_id)
    window.new_visit_action.trigger()
    dialog = window.findChild(NewVisitDialog)
    assert dialog is not None
    assert dialog.practitioner.text() == "R. Decicco, L.Ac., Dipl. Ac."
    dialog.reject()


def test_enter_on_a_patient_shows_the_overview_with_the_visits(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    patient_id, ids = course(database)
    window.show_patient(patient_id)
    window.open_visit_note(ids[0])
    assert window.chart is not None
    assert window.chart.tabs.currentWidget() is window.note_panel
    activate(qtbot, window)
    window.open_chart(patient_id)
    assert window.chart.tabs.currentIndex() == 0
    assert window.chart.visits_table.hasFocus()


def test_opening_a_chart_and_exporting_its_map_are_in_the_audit_log(
    qtbot: QtBot, window: MainWindow, database: Database, tmp_path: Path
) -> None:
    from acuchart.audit import AuditAction, AuditQuery
    from acuchart.services.audit import list_audit, verify_audit_log
    from acuchart.ui.bodymap.export import export_visit_map

    patient_id, ids = course(database)

    def logged(action: AuditAction) -> list[str]:
        query = AuditQuery(patient_id=patient_id, action=action)
        return [row.object for row in list_audit(database, query).rows]

    window.show_patient(patient_id)
    qtbot.waitUntil(lambda: logged(AuditAction.VIEW_CHART) == [f"patient {patient_id}"])
    export_visit_map(database, ids[0], tmp_path / "map.svg")
    assert logged(AuditAction.EXPORT) == [f"body map of visit {ids[0]}"]
    assert verify_audit_log(database).ok


def test_refreshing_the_open_chart_is_not_another_view(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    from acuchart.audit import AuditAction, AuditQuery
    from acuchart.services.audit import list_audit

    patient_id, _ = course(database)
    window.show_patient(patient_id)
    window.reload_patient(patient_id)  # as after saving the patient form
    window.show_patient(patient_id)
    window.tasks.wait_for_pending()
    query = AuditQuery(patient_id=patient_id, action=AuditAction.VIEW_CHART)
    qtbot.waitUntil(lambda: list_audit(database, query).total >= 1)
    assert list_audit(database, query).total == 1
