"""Body map by keyboard: focus starts at the fingertips and toes; Space marks, never unmarks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from acuchart.bodymap.geometry import VIEW_IDS, get_view
from acuchart.bodymap.symptoms import Symptom
from acuchart.db.database import Database
from acuchart.services import body_maps, patients, visits
from acuchart.ui.bodymap.canvas import BodyMapCanvas, distal_start
from acuchart.ui.bodymap.panel import BodyMapPanel
from acuchart.ui.tasks import TaskRunner
from acuchart.visits import VisitDraft
from tests.conftest import make_draft

SOLE = "left_foot.plantar"
FOOT_DISTAL = ("hallux.", "toe", "forefoot.")
HAND_DISTAL = ("index.", "middle.", "ring.", "little.", "thumb.")


@pytest.fixture
def panel(qtbot: QtBot, database: Database) -> Iterator[BodyMapPanel]:
    patient = patients.create_patient(database, make_draft())
    when = dt.datetime.now(dt.UTC)
    visits.create_visit(database, patient.id, VisitDraft(when, "Lena Decicco"))
    tasks = TaskRunner()
    widget = BodyMapPanel(database, tasks)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_visits(visits.list_visits(database, patient.id))
    yield widget
    tasks.shutdown()


def is_distal(view_id: str, region_id: str) -> bool:
    return region_id.startswith(FOOT_DISTAL if get_view(view_id).is_foot else HAND_DISTAL)


def test_keyboard_entry_on_a_foot_view_starts_at_the_toes(
    panel: BodyMapPanel, qtbot: QtBot
) -> None:
    canvas = panel.editor.canvas
    canvas.set_zoom(SOLE)
    canvas.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(canvas.hasFocus)
    assert canvas.focus == (SOLE, "hallux.distal")
    assert panel.editor.hover_line.text().endswith("Big toe, distal segment")
    # Arrows then move spatially from there: up the sole, still on the forefoot.
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    assert canvas.focus is not None
    assert canvas.focus[0] == SOLE
    assert canvas.focus[1] != "hallux.distal"
    assert is_distal(*canvas.focus)


def test_each_view_reached_by_page_keys_starts_distal(panel: BodyMapPanel, qtbot: QtBot) -> None:
    canvas = panel.editor.canvas
    canvas.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(canvas.hasFocus)
    seen = set()
    for _ in VIEW_IDS:
        qtbot.keyClick(canvas, Qt.Key.Key_PageDown)
        assert canvas.focus is not None
        assert is_distal(*canvas.focus), canvas.focus
        seen.add(canvas.focus[0])
    assert seen == set(VIEW_IDS)
    # Zooming into a foot view by keyboard also lands on the toes.
    while canvas.focus is not None and canvas.focus[0] != SOLE:
        qtbot.keyClick(canvas, Qt.Key.Key_PageUp)
    qtbot.keyClick(canvas, Qt.Key.Key_Z)
    assert canvas.zoomed == SOLE
    assert canvas.focus == (SOLE, "hallux.distal")


def test_distal_start_of_every_view() -> None:
    for view_id in VIEW_IDS:
        view = get_view(view_id)
        assert distal_start(view) == ("hallux.distal" if view.is_foot else "index.distal")


def test_space_marks_and_a_second_space_keeps_the_mark(panel: BodyMapPanel, qtbot: QtBot) -> None:
    editor, canvas = panel.editor, panel.editor.canvas
    canvas.set_zoom(SOLE)
    canvas.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(canvas.hasFocus)
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    region = canvas.focus
    assert region is not None
    qtbot.keyClick(canvas, Qt.Key.Key_Space)
    assert editor.body_map.marks_in(*region) == {Symptom.BURNING: 5}
    qtbot.keyClick(canvas, Qt.Key.Key_Space)
    assert editor.body_map.marks_in(*region) == {Symptom.BURNING: 5}
    assert editor.undo_stack.count() == 1  # the repeat changed nothing
    # Space with another intensity sets it; Delete unmarks.
    qtbot.keyClick(canvas, Qt.Key.Key_8)
    qtbot.keyClick(canvas, Qt.Key.Key_Space)
    assert editor.body_map.marks_in(*region) == {Symptom.BURNING: 8}
    qtbot.keyClick(canvas, Qt.Key.Key_Space)
    assert editor.body_map.marks_in(*region) == {Symptom.BURNING: 8}
    qtbot.waitUntil(lambda: panel.is_saved)
    assert panel.visit is not None
    saved = body_maps.load_body_map(panel.database, panel.visit.id).body_map
    assert saved.marks_in(*region) == {Symptom.BURNING: 8}
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert editor.body_map.marks_in(*region) == {}


def test_space_on_a_bare_canvas_without_an_editor_still_reports_the_region(
    qtbot: QtBot,
) -> None:
    canvas = BodyMapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(600, 500)
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.activateWindow()
    qtbot.waitUntil(canvas.isActiveWindow)
    canvas.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(canvas.hasFocus)
    with qtbot.waitSignal(canvas.regionActivated) as blocker:
        qtbot.keyClick(canvas, Qt.Key.Key_Space)
    assert blocker.args == ["right_hand.palmar", "index.distal", False]


def test_the_focused_region_shows_its_marks_and_the_status_line_follows(
    panel: BodyMapPanel, qtbot: QtBot
) -> None:
    from tests.gui.test_body_map import centre_of

    editor = panel.editor
    canvas = editor.canvas
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus)
    qtbot.keyClick(canvas, Qt.Key.Key_PageDown)
    while canvas.focus is not None and not canvas.focus[0].endswith("plantar"):
        qtbot.keyClick(canvas, Qt.Key.Key_PageDown)  # a sole: exam sites are drawn there too
    qtbot.keyClick(canvas, Qt.Key.Key_Z)  # zoomed: big enough to sample
    assert canvas.focus is not None
    view_id, region_id = canvas.focus
    qtbot.keyClick(canvas, Qt.Key.Key_N)
    qtbot.keyClick(canvas, Qt.Key.Key_Space)
    assert "numbness 5" in editor.hover_line.text()
    qtbot.keyClick(canvas, Qt.Key.Key_B)
    qtbot.keyClick(canvas, Qt.Key.Key_Space)
    assert "burning 5, numbness 5" in editor.hover_line.text()  # refreshed without moving
    picture = canvas.grab().toImage()
    colour = picture.pixelColor(centre_of(canvas, view_id, region_id))
    assert (colour.red(), colour.green(), colour.blue()) != (255, 255, 255)
    assert colour.lightness() < 235  # tinted by the marks, not painted over by the highlight
