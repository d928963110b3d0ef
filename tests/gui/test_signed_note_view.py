"""A signed note reads as a record: no half-filled entry rows that look like treatment."""

from __future__ import annotations

import dataclasses

from pytestqt.qtbot import QtBot

from acuchart.notes.model import NeedleCount
from acuchart.services import notes
from acuchart.ui.notes.panel import NotePanel
from tests.gui.test_notes import panel  # noqa: F401  (the fixture)
from tests.unit.test_note_service import charted_note


def test_the_new_pair_boxes_are_blank_on_a_signed_note_and_back_on_a_draft(
    panel: NotePanel,  # noqa: F811
    qtbot: QtBot,
) -> None:
    draft_id, signed_id = (v.id for v in panel.visits)  # the newest is open already
    note = dataclasses.replace(charted_note(), needles=NeedleCount(3, 3))
    notes.save_draft(panel.database, signed_id, note)
    notes.sign_note(panel.database, signed_id, "Lena Decicco")
    panel.open_visit(signed_id)
    editor = panel.editor
    assert editor.ea_frequency.text() == ""
    assert editor.ea_waveform.currentIndex() == -1
    assert editor.ea_entry.isHidden()
    assert editor.chief_complaint.isReadOnly()
    panel.open_visit(draft_id)
    assert not editor.chief_complaint.isReadOnly()
    assert editor.ea_frequency.text() == "2/100"
    assert editor.ea_waveform.currentIndex() == 0
    assert not editor.ea_entry.isHidden()
