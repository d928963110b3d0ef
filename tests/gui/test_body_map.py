"""Charting a body map through the real widgets, saved to a real database file."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from acuchart.bodymap.exam import MONOFILAMENT_SET_SETTING, MonofilamentResult, MonofilamentSet
from acuchart.bodymap.geometry import get_view
from acuchart.bodymap.model import BodyMap
from acuchart.bodymap.symptoms import Symptom
from acuchart.db.database import Database
from acuchart.db.models import Visit
from acuchart.patients import Limb
from acuchart.services import body_maps, patients, visits
from acuchart.services.clinic import get_setting
from acuchart.ui import file_dialogs
from acuchart.ui.bodymap.canvas import BodyMapCanvas
from acuchart.ui.bodymap.panel import BodyMapPanel
from acuchart.ui.main_window import MainWindow
from acuchart.ui.tasks import TaskRunner
from acuchart.visits import VisitDraft, VisitStatus
from tests.conftest import make_draft

SOLE = "left_foot.plantar"


def centre_of(canvas: BodyMapCanvas, view_id: str, region_id: str) -> QPoint:
    inside = get_view(view_id).regions[region_id].shape.representative_point()
    return canvas.widget_point(view_id, (inside.x, inside.y)).toPoint()


@pytest.fixture
def panel(qtbot: QtBot, database: Database) -> Iterator[BodyMapPanel]:
    patient = patients.create_patient(database, make_draft())
    for days_ago in (14, 0):
        when = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
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


def saved_map(panel: BodyMapPanel, qtbot: QtBot) -> BodyMap:
    qtbot.waitUntil(lambda: panel.is_saved)
    assert panel.visit is not None
    return body_maps.load_body_map(panel.database, panel.visit.id).body_map


def test_a_click_marks_the_region_under_it_and_is_saved(panel: BodyMapPanel, qtbot: QtBot) -> None:
    canvas = panel.editor.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre_of(canvas, SOLE, "heel"))
    assert panel.editor.body_map.marks == {(SOLE, "heel", Symptom.BURNING): 5}
    assert saved_map(panel, qtbot).marks == {(SOLE, "heel", Symptom.BURNING): 5}
    assert panel.state.text().startswith("Saved")
    # Every region of every view can be hit where it is drawn.
    for view_id in ("right_hand.palmar", "left_hand.dorsal", "right_foot.dorsal"):
        for region_id in ("wrist", "index.distal") if "hand" in view_id else ("toe3", "ankle"):
            point = centre_of(canvas, view_id, region_id)
            hit = canvas.region_at(QPointF(point))
            assert hit is not None
            assert (hit[0].view.id, hit[1].id) == (view_id, region_id)


def test_keys_pick_symptom_and_intensity_and_undo_redo(panel: BodyMapPanel, qtbot: QtBot) -> None:
    editor, canvas = panel.editor, panel.editor.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_N)
    qtbot.keyClick(canvas, Qt.Key.Key_0)
    assert editor.symptom is Symptom.NUMBNESS
    assert editor.intensity.value() == 10
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre_of(canvas, SOLE, "toe2"))
    qtbot.keyClick(canvas, Qt.Key.Key_T)
    qtbot.keyClick(canvas, Qt.Key.Key_3)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre_of(canvas, SOLE, "toe2"))
    assert editor.body_map.marks_in(SOLE, "toe2") == {Symptom.NUMBNESS: 10, Symptom.TINGLING: 3}
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.body_map.marks_in(SOLE, "toe2") == {Symptom.NUMBNESS: 10}
    qtbot.keyClick(
        canvas,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert editor.body_map.marks_in(SOLE, "toe2") == {Symptom.NUMBNESS: 10, Symptom.TINGLING: 3}
    # Right-click clears the region; clicking the same mark again removes it.
    qtbot.mouseClick(canvas, Qt.MouseButton.RightButton, pos=centre_of(canvas, SOLE, "toe2"))
    assert editor.body_map.marks_in(SOLE, "toe2") == {}
    assert saved_map(panel, qtbot) == BodyMap()


def test_keyboard_only_marking(panel: BodyMapPanel, qtbot: QtBot) -> None:
    canvas = panel.editor.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_PageDown)
    assert canvas.focus is not None
    first = canvas.focus
    qtbot.keyClick(canvas, Qt.Key.Key_Space)
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    assert canvas.focus != first
    qtbot.keyClick(canvas, Qt.Key.Key_Space)
    assert len(panel.editor.body_map.marks) == 2
    assert "—" in panel.editor.hover_line.text()
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert len(panel.editor.body_map.marks) == 1


def test_freehand_stroke_is_saved_and_reloaded_identically(
    panel: BodyMapPanel, qtbot: QtBot
) -> None:
    canvas = panel.editor.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_F)
    start = canvas.widget_point(SOLE, (-15.0, 300.0)).toPoint()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 12):
        qtbot.mouseMove(canvas, start + QPoint(step * 3, step * 2))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(33, 22))
    strokes = panel.editor.body_map.strokes
    assert len(strokes) == 1
    assert strokes[0].symptom is Symptom.BURNING
    assert len(strokes[0].points) >= 2
    assert saved_map(panel, qtbot).strokes == strokes
    # Reopening the visit shows exactly what was drawn.
    assert panel.visit is not None
    visit_id = panel.visit.id
    panel.visit = None
    panel.open_visit(visit_id)
    assert panel.editor.body_map.strokes == strokes


def test_switching_visits_right_after_an_edit_keeps_it(panel: BodyMapPanel, qtbot: QtBot) -> None:
    canvas = panel.editor.canvas
    worker_free = threading.Event()
    panel.tasks.run(worker_free.wait, lambda _: None, lambda _: None)  # holds the worker
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre_of(canvas, SOLE, "heel"))
    assert not panel.is_saved  # the save is queued behind the held job
    threading.Timer(0.2, worker_free.set).start()
    today, earlier = panel.visits[0].id, panel.visits[1].id
    panel.open_visit(earlier)
    panel.open_visit(today)
    assert panel.editor.body_map.marks == {(SOLE, "heel", Symptom.BURNING): 5}


def test_a_hidden_tab_loads_its_map_when_shown(panel: BodyMapPanel, qtbot: QtBot) -> None:
    canvas = panel.editor.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre_of(canvas, SOLE, "heel"))
    panel.hide()
    panel.visit = None
    panel.show_visits(panel.visits)

    def opened() -> int | None:
        return panel.visit.id if panel.visit else None

    assert opened() is None  # nothing read while the tab is not seen
    panel.show()
    assert opened() == panel.visits[0].id
    assert panel.editor.body_map.marks == {(SOLE, "heel", Symptom.BURNING): 5}


def test_mirror_and_copy_previous_visit(panel: BodyMapPanel, qtbot: QtBot) -> None:
    editor, canvas = panel.editor, panel.editor.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre_of(canvas, SOLE, "heel"))
    qtbot.mouseClick(editor.mirror_to_right, Qt.MouseButton.LeftButton)
    assert editor.body_map.marks_in("right_foot.plantar", "heel") == {Symptom.BURNING: 5}
    qtbot.waitUntil(lambda: "feet: 100%" in editor.figures.text())  # left-right overlap
    saved_today = saved_map(panel, qtbot)
    # Open the earlier visit: empty; copy previous finds nothing earlier than it.
    panel.open_visit(panel.visits[1].id)
    assert editor.body_map == BodyMap()
    qtbot.mouseClick(editor.copy_previous, Qt.MouseButton.LeftButton)
    assert editor.body_map == BodyMap()
    assert "No earlier visit" in editor.hover_line.text()
    panel.open_visit(panel.visits[0].id)
    assert editor.body_map == saved_today


def test_monofilament_sites_cycle_through_results(panel: BodyMapPanel, qtbot: QtBot) -> None:
    editor, canvas = panel.editor, panel.editor.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    assert canvas.zoomed == SOLE
    hallux = next(s for s in get_view(SOLE).sites if s.id == "hallux")
    where = canvas.widget_point(SOLE, hallux.at).toPoint()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=where)
    assert editor.body_map.monofilament == {(Limb.LEFT_FOOT, "hallux"): MonofilamentResult.FELT}
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=where)
    assert editor.body_map.monofilament == {(Limb.LEFT_FOOT, "hallux"): MonofilamentResult.NOT_FELT}
    combo = editor.vibration["left_foot"]
    combo.setCurrentIndex(combo.findData("reduced"))
    combo.activated.emit(combo.currentIndex())
    saved = saved_map(panel, qtbot)
    assert saved.vibration[Limb.LEFT_FOOT].value == "reduced"
    qtbot.waitUntil(lambda: "1 not felt" in editor.monofilament_summary.text())


def test_a_signed_visit_is_read_only(panel: BodyMapPanel, qtbot: QtBot, database: Database) -> None:
    assert panel.visit is not None
    visit_id = panel.visit.id
    with database.unit_of_work() as session:
        session.execute(update(Visit).where(Visit.id == visit_id).values(status=VisitStatus.SIGNED))
    panel.visit = None
    panel.open_visit(visit_id)
    canvas = panel.editor.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre_of(canvas, SOLE, "heel"))
    assert panel.editor.body_map == BodyMap()
    assert not panel.editor.mirror_to_right.isEnabled()
    assert "read-only" in panel.state.text()


def test_enter_on_a_visit_opens_its_note_and_the_map_is_a_tab_away(
    window: MainWindow, database: Database, qtbot: QtBot
) -> None:
    patient = patients.create_patient(database, make_draft())
    visits.create_visit(database, patient.id, VisitDraft(dt.datetime.now(dt.UTC), "L. Decicco"))
    assert window.list_panel is not None
    assert window.chart is not None
    window.list_panel.refresh()
    window.open_chart(patient.id)
    table = window.chart.visits_table
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.chart.tabs.currentWidget() is window.note_panel
    assert window.note_panel.editor.chief_complaint.hasFocus()
    window.open_visit_map(window.note_panel.visits[0].id)
    assert window.chart.tabs.currentWidget() is window.body_map_panel
    assert window.body_map_panel.editor.canvas.hasFocus()


def test_progress_compares_a_visit_with_the_first(qtbot: QtBot, database: Database) -> None:
    from acuchart.bodymap.metrics import Change
    from acuchart.ui.bodymap.progress import ProgressPanel

    patient = patients.create_patient(database, make_draft())
    ids = []
    for days_ago in (21, 0):
        when = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
        ids.append(visits.create_visit(database, patient.id, VisitDraft(when, "L. Decicco")).id)
    before = (
        BodyMap()
        .with_mark(SOLE, "heel", Symptom.BURNING, 8)
        .with_mark(SOLE, "ankle", Symptom.NUMBNESS, 4)
    )
    after = (
        BodyMap()
        .with_mark(SOLE, "heel", Symptom.BURNING, 3)
        .with_mark(SOLE, "toe2", Symptom.COLD, 2)
    )
    body_maps.save_body_map(database, ids[0], before)
    body_maps.save_body_map(database, ids[1], after)
    tasks = TaskRunner()
    panel = ProgressPanel(database, tasks)
    qtbot.addWidget(panel)
    panel.resize(1100, 760)
    panel.show_patient(patient.id, frozenset({Limb.LEFT_FOOT, Limb.RIGHT_FOOT}))
    panel.show()
    qtbot.waitUntil(lambda: len(panel.course) == 2)
    assert panel.change.layers.changes == {
        (SOLE, "heel"): Change.BETTER,
        (SOLE, "ankle"): Change.BETTER,
        (SOLE, "toe2"): Change.WORSE,
    }
    assert panel.titles[0].text().startswith("First visit")
    assert "left foot: ankle → midfoot and heel" in panel.summary.text()
    first, latest = panel.area_chart.series[0].values
    assert first is not None
    assert latest is not None
    assert first > latest
    tasks.shutdown()


def test_export_writes_the_map_just_charted(
    panel: BodyMapPanel, qtbot: QtBot, tmp_path: Path
) -> None:
    canvas = panel.editor.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre_of(canvas, SOLE, "heel"))
    output = tmp_path / "map.png"
    with qtbot.waitSignal(panel.exported, timeout=20000):
        panel.export_to(output)  # queued behind the save: the picture holds the new mark
    image = QImage(str(output))
    assert image.width() == 2000
    assert panel.state.text() == "Exported to map.png"
    svg = tmp_path / "map.svg"
    with qtbot.waitSignal(panel.exported, timeout=20000):
        panel.export_to(svg)
    assert 'fill="url(#hatch-burning)"' in svg.read_text(encoding="utf-8")


def test_export_to_a_missing_folder_says_why(
    panel: BodyMapPanel, qtbot: QtBot, tmp_path: Path
) -> None:
    panel.export_to(tmp_path / "gone" / "map.png")
    qtbot.waitUntil(lambda: panel._error_box is not None)
    assert panel._error_box is not None
    assert "does not exist" in panel._error_box.text()
    assert panel.export_button.isEnabled()


def test_the_menu_action_suggests_a_file_name_and_exports(
    window: MainWindow,
    database: Database,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patient = patients.create_patient(database, make_draft(given_names="Zoë Ann"))
    visits.create_visit(database, patient.id, VisitDraft(dt.datetime.now(dt.UTC), "L. Decicco"))
    assert window.list_panel is not None
    window.list_panel.refresh()
    window.show_patient(patient.id)
    assert window.export_map_action.isEnabled()
    asked: list[str] = []

    def choose(_parent: object, _title: str, suggested: Path, _filter: str) -> str:
        asked.append(str(suggested))
        return str(tmp_path / "referral.svg")

    monkeypatch.setattr(file_dialogs, "ask_save_path", choose)
    with qtbot.waitSignal(window.body_map_panel.exported, timeout=20000):
        window.export_map_action.trigger()
    today = dt.datetime.now().astimezone()
    assert Path(asked[0]).name == f"Okafor-Zoë-Ann-{today:%Y-%m-%d}-body-map.png"
    assert "Okafor, Zoë Ann · body map" in (tmp_path / "referral.svg").read_text(encoding="utf-8")


def test_the_clinic_can_test_the_three_iwgdf_sites_instead(
    panel: BodyMapPanel, qtbot: QtBot, database: Database
) -> None:
    editor, canvas = panel.editor, panel.editor.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    sites = {s.id: s for s in get_view(SOLE).sites}
    heel = canvas.widget_point(SOLE, sites["heel"].at).toPoint()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=heel)  # recorded under 10 sites
    assert editor.body_map.monofilament == {(Limb.LEFT_FOOT, "heel"): MonofilamentResult.FELT}
    choice = editor.monofilament_set
    choice.setCurrentIndex(choice.findData(MonofilamentSet.IWGDF_THREE.value))
    choice.activated.emit(choice.currentIndex())
    panel.tasks.wait_for_pending()
    assert get_setting(database, MONOFILAMENT_SET_SETTING) == MonofilamentSet.IWGDF_THREE.value
    qtbot.waitUntil(
        lambda: "0 felt · 0 not felt · 3 not tested" in editor.monofilament_summary.text()
    )
    # The heel keeps its result and stays shown; a site outside the set no longer answers clicks.
    assert "1 felt · 0 not felt · 3 not tested" in editor.monofilament_summary.text()
    met3 = canvas.widget_point(SOLE, sites["met3"].at).toPoint()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=met3)
    assert (Limb.LEFT_FOOT, "met3") not in editor.body_map.monofilament
    met1 = canvas.widget_point(SOLE, sites["met1"].at).toPoint()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=met1)
    assert editor.body_map.monofilament[(Limb.LEFT_FOOT, "met1")] is MonofilamentResult.FELT
    # A new panel (another session, another workstation) starts with the clinic's set.
    other = BodyMapPanel(database, panel.tasks)
    qtbot.addWidget(other)
    other.show_visits(panel.visits)
    other.show()
    qtbot.waitUntil(lambda: other.visit is not None)
    assert other.editor.monofilament_set.currentData() == MonofilamentSet.IWGDF_THREE.value


def test_points_needled_in_the_note_are_highlighted_on_the_map_and_export(
    panel: BodyMapPanel, database: Database, tmp_path: Path, qtbot: QtBot
) -> None:
    from acuchart.bodymap.palette import NEEDLED
    from acuchart.notes.model import NeedledPoint, Plan, SessionNote
    from acuchart.services import notes

    assert panel.visit is not None
    visit_id = panel.visit.id
    plan = Plan(points=(NeedledPoint("LR3"), NeedledPoint("EX-LE10")))
    notes.save_draft(database, visit_id, SessionNote(plan=plan))
    panel.visit = None
    panel.open_visit(visit_id)
    assert panel.editor.canvas.layers.highlighted_points == {"LR3", "EX-LE10"}
    output = tmp_path / "map.svg"
    with qtbot.waitSignal(panel.exported, timeout=20000):
        panel.export_to(output)
    drawn = output.read_text(encoding="utf-8")
    assert drawn.count(f'fill="{NEEDLED}"') == 2 + 2 * 4  # LR3 and four Bafeng, on both feet


def test_a_click_repaints_its_own_view_and_the_picture_is_as_painted_whole(
    panel: BodyMapPanel, qtbot: QtBot
) -> None:
    """A click paints one view again, not eight; the frame must then be exactly what painting
    everything afresh gives (focus, hover and the marks of every view included)."""
    canvas = panel.editor.canvas
    painted: list[str] = []
    original = canvas._paint_frame

    def counting(target: object, placed: list[object], *, repaint: bool = False) -> None:
        painted.extend(p.view.id for p in placed)  # type: ignore[attr-defined]
        original(target, placed, repaint=repaint)  # type: ignore[arg-type]

    canvas._paint_frame = counting  # type: ignore[method-assign,assignment]
    focused = SOLE
    for view_id, region_id in ((SOLE, "heel"), ("right_hand.palmar", "wrist"), (SOLE, "toe2")):
        canvas.repaint()
        painted.clear()
        point = centre_of(canvas, view_id, region_id)
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)
        canvas.repaint()
        assert view_id in painted
        assert set(painted) <= {view_id, focused}  # the one clicked, and where the focus was
        focused = view_id
    assert len(panel.editor.body_map.marks) == 3
    partly = canvas.grab().toImage()
    canvas.resize(canvas.width() + 1, canvas.height())  # a new size: everything painted again
    canvas.repaint()
    canvas.resize(canvas.width() - 1, canvas.height())
    painted.clear()
    whole = canvas.grab().toImage()
    assert len(set(painted)) == len(canvas.placed_views())
    assert whole == partly
