"""Tab and Shift+Tab through the patient list: in once, out once, the open patient kept."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.services.patients import create_patient
from acuchart.ui.main_window import MainWindow
from acuchart.ui.patient_list_model import NAME
from acuchart.ui.patient_list_panel import PatientListPanel
from tests.conftest import make_draft


def list_of(window: MainWindow, database: Database) -> PatientListPanel:
    """Four patients in the list, the window activated (the caller waits for it)."""
    for family, given in (
        ("Abernathy", "Josephine"),
        ("Okafor", "Nkechi"),
        ("Thompson", "Margaret"),
        ("Zhang", "Wei"),
    ):
        create_patient(database, make_draft(family_name=family, given_names=given))
    panel = window.list_panel
    assert panel is not None
    panel.refresh()
    window.activateWindow()
    return panel


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def open_patient(window: MainWindow) -> int | None:
    return window.current.id if window.current is not None else None


def test_tab_from_search_reaches_the_list_and_leaves_it_for_the_chart(
    qtbot: QtBot, database: Database, window: MainWindow
) -> None:
    panel = list_of(window, database)
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.search.hasFocus()
    qtbot.keyClick(panel.search, Qt.Key.Key_Down)  # second patient, from the search box
    shown = open_patient(window)
    assert shown is not None
    assert shown == panel.current_patient_id()

    # Tab from the search box reaches the table (past the "Show archived" box only).
    for _ in range(2):
        widget = focused()
        assert widget is not None
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        if panel.table.hasFocus():
            break
    assert panel.table.hasFocus()
    assert open_patient(window) == shown

    # One more Tab leaves the list for the chart; the open patient stays the same.
    qtbot.keyClick(panel.table, Qt.Key.Key_Tab)
    assert not panel.table.hasFocus()
    widget = focused()
    assert widget is not None
    assert window.chart is not None
    assert window.chart.isAncestorOf(widget)
    assert open_patient(window) == shown
    assert panel.current_patient_id() == shown


def test_shift_tab_leaves_the_list_backwards_without_changing_patient(
    qtbot: QtBot, database: Database, window: MainWindow
) -> None:
    panel = list_of(window, database)
    qtbot.waitUntil(window.isActiveWindow)
    panel.table.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(panel.table.hasFocus)
    panel.table.setCurrentIndex(panel.model.index(2, NAME))
    shown = open_patient(window)
    assert shown is not None
    qtbot.keyClick(panel.table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert not panel.table.hasFocus()
    assert focused() in (panel.show_archived, panel.search)
    assert open_patient(window) == shown
    assert panel.table.currentIndex().row() == 2


def test_rows_change_with_arrows_not_tab(
    qtbot: QtBot, database: Database, window: MainWindow
) -> None:
    panel = list_of(window, database)
    qtbot.waitUntil(window.isActiveWindow)
    panel.table.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(panel.table.hasFocus)
    panel.table.setCurrentIndex(panel.model.index(0, NAME))
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    assert panel.table.currentIndex().row() == 1
    assert open_patient(window) == panel.model.patient_id_at(1)
    assert not panel.table.tabKeyNavigation()


def test_names_are_not_cut_short_in_a_panel_of_the_default_width(
    qtbot: QtBot, database: Database, window: MainWindow
) -> None:
    panel = list_of(window, database)
    assert window.splitter is not None
    window.resize(1280, 800)
    window.splitter.setSizes([480, 800])
    qtbot.waitUntil(lambda: abs(panel.width() - 480) < 40)
    table = panel.table
    name = "Thompson, Margaret “Peggy”"
    needed = table.fontMetrics().horizontalAdvance("⚠ " + name) + 8
    assert table.columnWidth(NAME) >= needed
    # The name column is the widest; the others stay compact.
    others = [table.columnWidth(c) for c in range(1, panel.model.columnCount())]
    assert table.columnWidth(NAME) > max(others)
    assert max(others) <= 140
    # A wider panel gives the extra room to the names.
    narrow_name = table.columnWidth(NAME)
    window.resize(1900, 800)
    window.splitter.setSizes([1100, 800])
    qtbot.waitUntil(lambda: table.viewport().width() > narrow_name + sum(others) + 20)
    assert table.columnWidth(NAME) + sum(others) == table.viewport().width()
