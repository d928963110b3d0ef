"""ICD-10-CM suggestions under the diagnosis box while typing, searched off the GUI thread.

Searching the full code set for words takes tens of milliseconds, so each pause
in typing (150 ms) starts one search in the worker; a result arriving after the
text changed again is dropped. Down/Up choose a suggestion, Enter adds it (or,
with none highlighted, the best match), Esc closes the list.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit

from acuchart.ui.tasks import TaskRunner

PAUSE_MS = 150
SHOWN = 12
SEPARATOR = "  "


class DiagnosisSuggestions(QObject):
    """Keeps a popup of matching codes under ``line``; ``chosen`` gives (code, description)."""

    chosen = Signal(str, str)

    def __init__(
        self,
        line: QLineEdit,
        tasks: TaskRunner,
        search: Callable[[str, int], list[tuple[str, str]]],
    ) -> None:
        super().__init__(line)
        self.line = line
        self.tasks = tasks
        self.search = search
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(SHOWN)
        self.completer.setWidget(line)
        self.completer.activated.connect(self._activated)
        self._pause = QTimer(self, singleShot=True, interval=PAUSE_MS)
        self._pause.timeout.connect(self._search_now)
        line.textEdited.connect(lambda _text: self._pause.start())
        self.results: dict[str, tuple[str, str]] = {}

    def _search_now(self) -> None:
        typed = self.line.text()
        if not typed.strip() or self.line.isReadOnly():
            self._hide_popup()
            return
        search = self.search
        self.tasks.run(
            lambda: search(typed, SHOWN),
            lambda found: self._show(typed, found),
            lambda _error: None,  # Enter still searches and reports a failure
        )

    def _show(self, typed: str, found: list[tuple[str, str]]) -> None:
        if self.line.text() != typed or not self.line.hasFocus():
            return  # typing moved on; the next pause searches again
        self.results = {f"{code}{SEPARATOR}{text}": (code, text) for code, text in found}
        self.model.setStringList(list(self.results))
        if found:
            self.completer.complete()
        else:
            self._hide_popup()

    def _activated(self, entry: str) -> None:
        picked = self.results.get(entry)
        if picked is None:
            return
        self.chosen.emit(*picked)
        # The completer writes the entry into the box after this signal; empty it after.
        QTimer.singleShot(0, self.line.clear)

    def _hide_popup(self) -> None:
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()

    def close(self) -> None:
        self._pause.stop()
        self._hide_popup()
