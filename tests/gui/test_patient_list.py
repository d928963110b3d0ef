"""The patient list: search as you type, keyboard flow, model behaviour."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.patients import PatientRecord, Precaution
from acuchart.services.patients import create_patient, search_patients
from acuchart.ui.main_window import MainWindow
from acuchart.ui.patient_list_model import NAME, PatientListModel
from acuchart.ui.settings import UiSettings
from tests.conftest import make_draft


def add_patients(database: Database) -> None:
    create_patient(
        database, make_draft(family_name="Müller", given_names="Zoë", phone="555 010 2020")
    )
    create_patient(
        database,
        make_draft(
            family_name="Mullins",
            given_names="Robert",
            date_of_birth=dt.date(1948, 2, 29),
            precautions=frozenset({Precaution.PACEMAKER_OR_IMPLANT}),
        ),
    )
    create_patient(database, make_draft(family_name="Okafor", given_names="Nkechi"))


def visible_names(window: MainWindow) -> list[str]:
    assert window.list_panel is not None
    model = window.list_panel.model
    return [model.index(row, NAME).data() for row in range(model.rowCount())]


def test_typing_filters_the_list_through_the_database(
    qtbot: QtBot, database: Database, window: MainWindow
) -> None:
    add_patients(database)
    panel = window.list_panel
    assert panel is not None
    panel.refresh()
    assert panel.model.rowCount() == 3
    qtbot.keyClicks(panel.search, "mul")
    assert visible_names(window) == ["Müller, Zoë", "⚠ Mullins, Robert"]
    qtbot.keyClicks(panel.search, "l")
    assert panel.count_label.text() == "2 patients match"
    panel.search.clear()
    qtbot.keyClicks(panel.search, "1948-02-29")
    assert visible_names(window) == ["⚠ Mullins, Robert"]
    panel.search.clear()
    qtbot.keyClicks(panel.search, "2020")
    assert visible_names(window) == ["Müller, Zoë"]
    panel.search.clear()
    qtbot.keyClicks(panel.search, "zzz")
    assert panel.model.rowCount() == 0
    assert panel.count_label.text() == "0 patients match"


def test_keyboard_find_move_and_open(qtbot: QtBot, database: Database, window: MainWindow) -> None:
    add_patients(database)
    panel = window.list_panel
    assert panel is not None
    panel.refresh()
    window.activateWindow()
    panel.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.search.hasFocus()
    qtbot.keyClicks(panel.search, "mul")
    qtbot.keyClick(panel.search, Qt.Key.Key_Down)
    assert panel.search.hasFocus()
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert window.current is not None
    assert window.current.family_name == "Mullins"
    assert window.chart is not None
    assert window.chart.visits_table.hasFocus() or window.chart.empty_visits.isVisible()
    assert window.chart.name_label.text() == "Mullins, Robert"


def test_sorting_by_a_column_asks_the_database(
    qtbot: QtBot, database: Database, window: MainWindow
) -> None:
    add_patients(database)
    panel = window.list_panel
    assert panel is not None
    panel.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # Born
    assert visible_names(window)[0] == "⚠ Mullins, Robert"
    panel.table.sortByColumn(NAME, Qt.SortOrder.DescendingOrder)
    assert visible_names(window) == ["Okafor, Nkechi", "⚠ Mullins, Robert", "Müller, Zoë"]


def test_pages_are_fetched_as_the_list_scrolls(database: Database) -> None:
    for number in range(45):
        create_patient(database, make_draft(family_name=f"Patient {number:02d}"))
    model = PatientListModel(lambda query: search_patients(database, query), page_size=20)
    model.refresh()
    assert (model.rowCount(), model.total) == (20, 45)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 45
    assert model.index(44, NAME).data() == "Patient 44, Nkechi"


def test_patient_list_model_passes_qt_model_checks(
    qtmodeltester: ModelTester, database: Database
) -> None:
    add_patients(database)
    model = PatientListModel(lambda query: search_patients(database, query))
    model.refresh()
    qtmodeltester.check(model)


def test_opening_the_list_asks_the_database_once(qtbot: QtBot, database: Database) -> None:
    """The header's sort and the archived box set up at start do not refetch the same page."""
    from acuchart.patient_search import PatientQuery
    from acuchart.ui.patient_list_panel import PatientListPanel

    add_patients(database)
    asked: list[PatientQuery] = []

    def fetch(query: PatientQuery):  # type: ignore[no-untyped-def]
        asked.append(query)
        return search_patients(database, query)

    model = PatientListModel(fetch)
    panel = PatientListPanel(model)
    qtbot.addWidget(panel)
    model.set_include_archived(False)
    assert len(asked) == 1
    assert not asked[0].descending
    model.set_include_archived(True)
    model.refresh()
    assert len(asked) == 3  # a real change, and an explicit refresh, do ask


def test_a_list_built_before_its_chart_opens_fetches_once_with_its_query(
    database: Database,
) -> None:
    add_patients(database)
    asked: list[object] = []

    def fetch(query: object) -> object:
        asked.append(query)
        return search_patients(database, query)  # type: ignore[arg-type]

    model = PatientListModel(None)
    model.sort(NAME, Qt.SortOrder.DescendingOrder)
    model.set_include_archived(True)
    assert model.rowCount() == 0  # nothing to fetch from yet
    model.open(fetch)  # type: ignore[arg-type]
    assert len(asked) == 1
    assert model.query.descending
    assert model.query.include_archived
    assert model.index(0, NAME).data() == "Okafor, Nkechi"  # sorted Z–A, as kept


def shown_patient(window: MainWindow) -> PatientRecord | None:
    """Read through a call: mypy would otherwise keep an earlier assert's narrowing."""
    return window.current


def test_a_start_shows_the_list_with_nobody_selected_and_no_chart_open(
    qtbot: QtBot,
    database: Database,
    db_path: Path,
    new_window: Callable[..., MainWindow],
    ui_settings: UiSettings,
) -> None:
    """The list is built while the worker opens the chart; when it opens, the first page
    shows, and no patient's chart opens by itself."""
    add_patients(database)
    window = new_window(ui_settings)
    window.start(str(db_path))
    qtbot.waitUntil(lambda: window.database is not None, timeout=20_000)
    assert visible_names(window) == ["Müller, Zoë", "⚠ Mullins, Robert", "Okafor, Nkechi"]
    assert window.list_panel is not None
    assert window.list_panel.current_patient_id() is None
    assert shown_patient(window) is None
    assert window.chart_stack.currentWidget() is window.no_patient
    window.list_panel.select_patient(window.list_panel.model.patient_id_at(1) or 0)
    shown = shown_patient(window)
    assert shown is not None
    assert shown.family_name == "Mullins"


def test_the_file_check_starts_once_the_list_is_on_screen(
    qtbot: QtBot, database: Database, new_window: Callable[..., MainWindow], ui_settings: UiSettings
) -> None:
    """The check reads the whole file: it must not compete with the list's first page."""
    add_patients(database)
    window = new_window(ui_settings)
    window.attach_database(database)
    assert window.health_check is None  # not yet: the list has not painted
    qtbot.waitUntil(lambda: window.health_check is not None, timeout=10_000)
    qtbot.waitUntil(lambda: window.health_problems == [], timeout=20_000)
