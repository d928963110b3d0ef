"""Small editors the note is built from: text boxes that Tab leaves, score boxes, pick lists."""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

NOT_RECORDED = "–"


class TextBox(QPlainTextEdit):
    """Multi-line text where Tab moves on (keyboard charting); as tall as its text, from
    ``lines`` up to six lines more, then it scrolls. Spare room never stretches it."""

    EXTRA_LINES = 6

    def __init__(self, lines: int = 3, placeholder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setPlaceholderText(placeholder)
        self.lines = lines
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = self.document().documentLayout()
        assert layout is not None
        layout.documentSizeChanged.connect(lambda _size: self._fit())
        self._fit()

    def _fit(self) -> None:
        shown = min(
            max(int(self.document().size().height()), self.lines), self.lines + self.EXTRA_LINES
        )
        self.setFixedHeight(self.fontMetrics().lineSpacing() * shown + 14)

    def text(self) -> str:
        return self.toPlainText()

    def set_text(self, text: str) -> None:
        if text != self.toPlainText():
            self.setPlainText(text)


class OptionalSpin(QSpinBox):
    """A number that may be left unrecorded ("–"); ``value_or_none`` reads it."""

    def __init__(self, minimum: int, maximum: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setRange(minimum - 1, maximum)
        self.setSpecialValueText(NOT_RECORDED)
        self.setValue(minimum - 1)
        self.setAccelerated(True)
        self.setMinimumWidth(64)

    def value_or_none(self) -> int | None:
        return None if self.value() == self.minimum() else self.value()

    def set_value_or_none(self, value: int | None) -> None:
        self.setValue(self.minimum() if value is None else value)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete or Backspace on a whole value clears it back to "not recorded"."""
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and (
            self.lineEdit().selectedText() == self.text() or self.value() == self.minimum()
        ):
            self.setValue(self.minimum())
            return
        super().keyPressEvent(event)


def best_match(fragment: str, choices: Iterable[str]) -> str | None:
    """The list entry a typed fragment stands for, or None when nothing in the list matches.

    An exact entry (any case) wins, then the first entry starting with the fragment, then one
    with a word starting with it, then one merely containing it (as the type-ahead shows them).
    """
    wanted = fragment.strip().casefold()
    if not wanted:
        return None
    entries = [choice for choice in choices if choice.strip()]
    ranked: tuple[list[str], list[str], list[str], list[str]] = ([], [], [], [])
    for entry in entries:
        folded = entry.casefold()
        if folded == wanted:
            ranked[0].append(entry)
        elif folded.startswith(wanted):
            ranked[1].append(entry)
        elif any(word.startswith(wanted) for word in re.split(r"[\W_]+", folded)):
            ranked[2].append(entry)
        elif wanted in folded:
            ranked[3].append(entry)
    return next((group[0] for group in ranked if group), None)


class ChoiceBox(QComboBox):
    """An editable pick list: choose a usual value or type your own (type-ahead completes).

    Leaving with Tab takes the list entry the typed fragment stands for ("teeth" becomes
    "teeth marks"); words that match nothing in the list are kept as typed.
    """

    def __init__(self, choices: Iterable[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItem("")
        self.addItems(list(choices))
        completer = self.completer()
        assert completer is not None
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        line = self.lineEdit()
        assert line is not None
        # Tab may reach the box, or its line edit when the type-ahead list hands it on.
        line.installEventFilter(self)

    def text(self) -> str:
        return self.currentText()

    def set_text(self, text: str) -> None:
        self.setEditText(text)

    def choices(self) -> list[str]:
        return [self.itemText(row) for row in range(self.count())]

    def best_choice(self) -> str | None:
        """The entry the typed text stands for: the highlighted suggestion, else the best match."""
        completer = self.completer()
        popup = completer.popup() if completer is not None else None
        if popup is not None and popup.isVisible() and popup.currentIndex().isValid():
            return str(popup.currentIndex().data())
        return best_match(self.currentText(), self.choices())

    def accept_completion(self) -> None:
        """Replace a typed fragment by the entry it stands for (free text stays as typed)."""
        choice = self.best_choice()
        if choice is not None and choice != self.currentText():
            self.setEditText(choice)

    def event(self, event: QEvent) -> bool:
        if _is_tab(event):
            self.accept_completion()
        return super().event(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.lineEdit() and _is_tab(event):
            self.accept_completion()
        return super().eventFilter(watched, event)


def _is_tab(event: QEvent) -> bool:
    """A key press of Tab or Shift+Tab (which move the focus on), or the focus leaving by one."""
    tab_reasons = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
    if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
        switching = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        return event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not (
            event.modifiers() & switching
        )
    return (
        isinstance(event, QFocusEvent)
        and event.type() == QEvent.Type.FocusOut
        and event.reason() in tab_reasons
    )


class RemovableList(QListWidget):
    """A short list of what was added; Delete or Backspace removes the current row."""

    removed = Signal()

    def __init__(self, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read_only = False
        self.setMaximumHeight(self.fontMetrics().lineSpacing() * lines + 10)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() not in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            super().keyPressEvent(event)
        elif not self.read_only and self.currentRow() >= 0:
            self.takeItem(self.currentRow())
            self.removed.emit()


class ChosenList(QWidget):
    """A pick box and the list of what was picked; Enter adds, Delete removes."""

    changed = Signal()

    def __init__(self, choices: Iterable[str], placeholder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.box = ChoiceBox(choices)
        line = self.box.lineEdit()
        assert line is not None
        line.setPlaceholderText(placeholder)
        self.items = RemovableList(4)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box, 1)
        layout.addWidget(self.items, 1)
        line.returnPressed.connect(self._add_typed)
        self.box.activated.connect(lambda _: self._add_typed())
        self.items.removed.connect(self.changed)

    def _add_typed(self) -> None:
        """Add the highlighted or best matching entry (typed words only if none match), then
        empty the box for the next pattern."""
        text = self.box.best_choice() or self.box.currentText().strip()
        if text and text not in self.values():
            self.items.addItem(QListWidgetItem(text))
            self.changed.emit()
        self._clear_box()
        # The combo box and its completer may put the chosen entry back once this key is
        # handled; clear again after them.
        QTimer.singleShot(0, self._clear_box)

    def _clear_box(self) -> None:
        completer = self.box.completer()
        popup = completer.popup() if completer is not None else None
        if popup is not None:
            popup.hide()
        self.box.setCurrentIndex(0)
        self.box.clearEditText()

    def values(self) -> tuple[str, ...]:
        return tuple(self.items.item(i).text() for i in range(self.items.count()))

    def set_values(self, values: Iterable[str]) -> None:
        self.items.clear()
        self.items.addItems(list(values))
