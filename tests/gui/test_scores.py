"""The Scores tab: a flowsheet of every visit's outcome scores and a chart of the chosen rows."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from acuchart.db.database import Database
from acuchart.notes.model import Outcomes, SessionNote, Subjective
from acuchart.notes.scores import NamedScore, NrsItem, Pgic
from acuchart.services import notes, patients, visits
from acuchart.ui.main_window import MainWindow
from acuchart.ui.notes.scores_panel import ScoresPanel
from acuchart.ui.tasks import TaskRunner
from acuchart.visits import VisitDraft
from tests.conftest import make_draft

NOW = dt.datetime.now(dt.UTC)


def chart_course(database: Database) -> tuple[int, list[int]]:
    """A patient with three scored visits (the last a draft) and one visit without a note."""
    patient = patients.create_patient(database, make_draft())
    ids = [
        visits.create_visit(
            database, patient.id, VisitDraft(NOW - dt.timedelta(days=d), "Lena Decicco")
        ).id
        for d in (21, 14, 7, 0)
    ]
    pains: tuple[dict[NrsItem, int] | None, ...] = (
        {NrsItem.PAIN_NOW: 8, NrsItem.BURNING: 6},
        {NrsItem.PAIN_NOW: 6},
        None,
        {},
    )
    impressions = (None, Pgic.MINIMALLY_IMPROVED, None, None)
    for visit_id, nrs, pgic in zip(ids, pains, impressions, strict=True):
        if nrs is None:
            continue
        named = (NamedScore("DN4", 6),) if pgic is None and nrs else ()
        note = SessionNote(
            subjective=Subjective(chief_complaint="Burning soles", nrs=nrs),
            outcomes=Outcomes(pgic=pgic, named=named),
        )
        notes.save_draft(database, visit_id, note)
    return patient.id, ids


def open_panel(qtbot: QtBot, database: Database, patient_id: int) -> tuple[ScoresPanel, TaskRunner]:
    tasks = TaskRunner()
    widget = ScoresPanel(database, tasks)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show_patient(patient_id)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() > 0)
    return widget, tasks


def test_the_flowsheet_shows_each_scored_visit_and_the_change(
    qtbot: QtBot, database: Database
) -> None:
    patient_id, _ = chart_course(database)
    widget, tasks = open_panel(qtbot, database, patient_id)
    model = widget.model
    # The visit without a note and the empty draft add no column; "Since first" closes the row.
    assert model.columnCount() == 3
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Since first"
    assert model.headerData(0, Qt.Orientation.Horizontal).endswith("draft")
    labels = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    assert labels == [
        "Pain now (NRS)",
        "Burning (NRS)",
        "Global impression of change (PGIC)",
        "DN4",
    ]
    assert model.index(0, 0).data() == "8"
    assert model.index(0, 1).data() == "6"
    assert model.index(0, 2).data() == "8 → 6, −25%: minimal improvement"
    assert model.index(1, 2).data() == "one visit only"
    assert model.index(2, 1).data(Qt.ItemDataRole.ToolTipRole) == "PGIC 3: minimally improved"
    assert model.index(2, 0).data() is None
    # The pain rows are charted when the tab opens.
    assert widget.selected_names() == {"nrs.pain_now"}
    assert widget.chart.title == "Pain (NRS 0–10)"
    assert [s.values for s in widget.chart.series] == [(8, 6)]
    tasks.shutdown()


def test_choosing_rows_by_keyboard_charts_them(qtbot: QtBot, database: Database) -> None:
    patient_id, _ = chart_course(database)
    widget, tasks = open_panel(qtbot, database, patient_id)
    widget.table.setFocus()
    qtbot.keyClick(widget.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert widget.selected_names() == {"nrs.pain_now", "nrs.burning"}
    assert widget.chart.title == "NRS 0–10"
    assert [s.name for s in widget.chart.series] == ["Pain now", "Burning"]
    assert widget.chart.series[1].join_gaps
    for _ in range(widget.model.rowCount()):
        qtbot.keyClick(widget.table, Qt.Key.Key_Down)
    assert widget.selected_names() == {"named:DN4"}
    assert widget.chart.title == "DN4"
    assert widget.chart.y_max == 10
    assert widget.model.charted == {3: widget.chart.series[0].colour}
    tasks.shutdown()


def test_an_empty_course_says_where_scores_come_from(qtbot: QtBot, database: Database) -> None:
    patient = patients.create_patient(database, make_draft())
    tasks = TaskRunner()
    widget = ScoresPanel(database, tasks)
    qtbot.addWidget(widget)
    widget.show_patient(patient.id)
    widget.show()
    qtbot.waitUntil(lambda: widget.empty.isVisible())
    assert "note" in widget.empty.text()
    assert not widget.split.isVisible()
    tasks.shutdown()


def test_scores_typed_in_the_note_reach_the_tab(
    qtbot: QtBot, database: Database, window: MainWindow
) -> None:
    patient_id, ids = chart_course(database)
    window.show_patient(patient_id)
    assert window.chart is not None
    window.chart.tabs.setCurrentWidget(window.scores_panel)
    qtbot.waitUntil(lambda: window.scores_panel.model.columnCount() == 3)
    window.chart.tabs.setCurrentWidget(window.note_panel)
    window.note_panel.open_visit(ids[3])
    qtbot.waitUntil(lambda: window.note_panel.visit is not None)
    window.note_panel.editor.nrs[NrsItem.PAIN_NOW].set_value_or_none(3)
    window.note_panel.flush()
    window.chart.tabs.setCurrentWidget(window.scores_panel)
    qtbot.waitUntil(lambda: window.scores_panel.model.columnCount() == 4)
    pain = window.scores_panel.model.sheet.row("nrs.pain_now")
    assert pain is not None
    assert pain.values == (8, 6, 3)
