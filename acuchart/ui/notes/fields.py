"""Small editors the note is built from: text boxes that Tab leaves, score boxes, pick lists."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

NOT_RECORDED = "–"


class TextBox(QPlainTextEdit):
    """Multi-line text where Tab moves on (keyboard charting) and the height fits a few lines."""

    def __init__(self, lines: int = 3, placeholder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setPlaceholderText(placeholder)
        height = self.fontMetrics().lineSpacing() * lines + 14
        self.setMinimumHeight(height)
        self.setMaximumHeight(height + self.fontMetrics().lineSpacing() * 6)

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


class ChoiceBox(QComboBox):
    """An editable pick list: choose a usual value or type your own (type-ahead completes)."""

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

    def text(self) -> str:
        return self.currentText()

    def set_text(self, text: str) -> None:
        self.setEditText(text)


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
        text = self.box.currentText().strip()
        if text and text not in self.values():
            self.items.addItem(QListWidgetItem(text))
            self.changed.emit()
        self.box.setEditText("")

    def values(self) -> tuple[str, ...]:
        return tuple(self.items.item(i).text() for i in range(self.items.count()))

    def set_values(self, values: Iterable[str]) -> None:
        self.items.clear()
        self.items.addItems(list(values))
