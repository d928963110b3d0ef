"""Pick lists (tongue, pulse, TCM patterns) driven by the keyboard as a practitioner types."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from acuchart.notes import vocabulary
from acuchart.ui.notes.fields import ChoiceBox, ChosenList


class Form(QWidget):
    """A pick box, a pattern list and a plain line after them for Tab to land on."""

    def __init__(self) -> None:
        super().__init__()
        self.shape = ChoiceBox(vocabulary.TONGUE_SHAPE)
        self.pulse = ChoiceBox(vocabulary.PULSE_QUALITIES)
        self.patterns = ChosenList(vocabulary.TCM_PATTERNS, "TCM pattern")
        self.after = QLineEdit()
        layout = QVBoxLayout(self)
        for widget in (self.shape, self.pulse, self.patterns, self.after):
            layout.addWidget(widget)


@pytest.fixture
def form(qtbot: QtBot) -> Form:
    widget = Form()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def popup_of(box: ChoiceBox) -> QAbstractItemView:
    completer = box.completer()
    assert completer is not None
    popup = completer.popup()
    assert popup is not None
    return popup


def type_into(qtbot: QtBot, box: ChoiceBox, text: str) -> None:
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClicks(box, text)


@pytest.mark.parametrize(
    ("typed", "completed"),
    [("teeth", "teeth marks"), ("swoll", "swollen"), ("Crack", "cracked")],
)
def test_tab_accepts_the_completion_of_a_tongue_fragment(
    form: Form, qtbot: QtBot, typed: str, completed: str
) -> None:
    type_into(qtbot, form.shape, typed)
    qtbot.keyClick(form.shape, Qt.Key.Key_Tab)
    assert form.shape.text() == completed
    assert form.pulse.hasFocus()


def test_tab_accepts_the_pulse_completion_even_with_the_popup_open(
    form: Form, qtbot: QtBot
) -> None:
    type_into(qtbot, form.pulse, "thready")
    popup = popup_of(form.pulse)
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Tab)
    assert form.pulse.text() == "thready (thin)"


def test_tab_keeps_free_text_that_matches_nothing(form: Form, qtbot: QtBot) -> None:
    type_into(qtbot, form.shape, "scalloped edges")
    qtbot.keyClick(form.shape, Qt.Key.Key_Tab)
    assert form.shape.text() == "scalloped edges"
    type_into(qtbot, form.pulse, "")
    qtbot.keyClick(form.pulse, Qt.Key.Key_Tab)
    assert form.pulse.text() == ""  # an empty box stays empty


def test_enter_adds_the_completion_of_a_pattern_and_clears_the_box(
    form: Form, qtbot: QtBot
) -> None:
    box = form.patterns.box
    type_into(qtbot, box, "damp-h")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert form.patterns.values() == ("Damp-Heat in the lower limbs",)
    qtbot.waitUntil(lambda: box.currentText() == "")


def test_two_patterns_added_in_a_row_with_down_and_enter(form: Form, qtbot: QtBot) -> None:
    box = form.patterns.box
    popup = popup_of(box)
    type_into(qtbot, box, "liver qi")
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert form.patterns.values() == ("Liver Qi stagnation",)
    qtbot.waitUntil(lambda: box.currentText() == "")
    assert box.hasFocus()
    qtbot.keyClicks(box, "spleen qi")
    assert box.currentText() == "spleen qi"
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert form.patterns.values() == ("Liver Qi stagnation", "Spleen Qi deficiency with Dampness")
    qtbot.waitUntil(lambda: box.currentText() == "")


def test_two_patterns_added_in_a_row_with_enter_only(form: Form, qtbot: QtBot) -> None:
    box = form.patterns.box
    type_into(qtbot, box, "wind-cold")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.currentText() == "")
    qtbot.keyClicks(box, "kidney yang")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert form.patterns.values() == ("Wind-Cold-Damp Bi syndrome", "Kidney Yang deficiency")
    qtbot.waitUntil(lambda: box.currentText() == "")


def test_enter_adds_free_text_only_when_no_pattern_matches(form: Form, qtbot: QtBot) -> None:
    box = form.patterns.box
    type_into(qtbot, box, "Heart Fire")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert form.patterns.values() == ("Heart Fire",)


def test_text_boxes_are_as_tall_as_their_text_within_bounds(qtbot: QtBot) -> None:
    from acuchart.ui.notes.fields import TextBox

    box = TextBox(lines=2)
    qtbot.addWidget(box)
    box.resize(400, box.height())
    box.show()
    empty = box.height()
    box.set_text("one line")
    assert box.height() == empty  # a short text keeps the small box
    box.set_text("\n".join(f"line {n}" for n in range(5)))
    grown = box.height()
    assert grown > empty
    box.set_text("\n".join(f"line {n}" for n in range(50)))
    assert box.height() == box.fontMetrics().lineSpacing() * (2 + TextBox.EXTRA_LINES) + 14
    assert box.sizePolicy().verticalPolicy().name == "Fixed"  # spare room never stretches it
