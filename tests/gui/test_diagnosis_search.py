"""ICD-10-CM suggestions appear while typing, and the keyboard picks one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from acuchart.ui.notes.panel import NotePanel
from tests.gui.test_notes import panel  # noqa: F401  (the fixture)


def test_suggestions_follow_typing_and_down_enter_adds_one(
    panel: NotePanel,  # noqa: F811
    qtbot: QtBot,
) -> None:
    qtbot.waitUntil(lambda: panel.visit is not None)
    box = panel.editor.diagnosis_search
    panel.note_scroll.ensureWidgetVisible(box)
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClicks(box, "diabetic polyneuro")
    suggestions = panel.diagnosis_suggestions
    popup = suggestions.completer.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible, timeout=10_000)
    shown = suggestions.model.stringList()
    assert shown
    assert all("neuropathy" in entry.casefold() for entry in shown)
    assert shown[0].startswith("E1")  # the curated short list leads: E10.42 / E11.42
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.text() == "")
    diagnoses = panel.editor.diagnosis_list()
    assert [f"{d.code}  {d.description}" for d in diagnoses] == [shown[0]]
    qtbot.keyClicks(box, "G62")
    qtbot.waitUntil(popup.isVisible, timeout=10_000)
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert box.text() == "G62"
