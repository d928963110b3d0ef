"""The chart's note tab: the visit's SOAP note, saved as it is typed, signed, then addenda.

Drafts save on the worker thread 0.6 s after typing pauses, and at least every
1.5 s while typing goes on, so a crash loses under two seconds of words.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from acuchart.db.database import Database
from acuchart.notes.model import SessionNote
from acuchart.patients import Precaution
from acuchart.ui.bodymap.panel import visit_title
from acuchart.ui.messages import open_message
from acuchart.ui.naming import named
from acuchart.ui.notes.diagnosis_search import DiagnosisSuggestions
from acuchart.ui.notes.editor import NoteEditor
from acuchart.ui.notes.fields import TextBox
from acuchart.ui.tasks import TaskRunner
from acuchart.visits import VisitSummary

if TYPE_CHECKING:
    from acuchart.services.notes import NoteState

IDLE_SAVE_MS = 600
LONGEST_UNSAVED_MS = 1500
SIGN_SHORTCUT = "Ctrl+Shift+S"


class SignDialog(QDialog):
    """Who signs, and a plain statement of what signing means."""

    def __init__(self, signer: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signDialog")
        self.setWindowTitle(self.tr("Sign the note"))
        self.signer = named(QLineEdit(signer), "signerName")
        explain = QLabel(
            self.tr(
                "Signing locks this visit's note and body map.\n"
                "Later corrections are added as dated addenda under it."
            )
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        ok.setText(self.tr("Sign"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(QLabel(self.tr("Signed by:")))
        layout.addWidget(self.signer)
        layout.addWidget(buttons)


class NotePanel(QWidget):
    saved = Signal(int)  # visit id, after each draft save lands
    signed = Signal(int)  # visit id

    def __init__(self, database: Database, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("notePanel")
        self.database, self.tasks = database, tasks
        self.visits: list[VisitSummary] = []
        self.visit: VisitSummary | None = None
        self.signed_by = ""
        self._wanted: int | None = None
        self._submitted = self._landed = 0
        self._version = 0  # the stored note's save count this editor builds on
        self._conflicted = False
        self.error_box: QMessageBox | None = None
        self._codes_requested = False

        self.visit_choice = named(QComboBox(), "noteVisit")
        self.visit_choice.setMinimumContentsLength(28)
        # A visit's title ends with its state (Draft / Signed): never cut it off.
        self.visit_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.state = named(QLabel(), "noteSaveState")
        self.state.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.sign_button = named(QPushButton(self.tr("Sign note…")), "signNote")
        self.sign_button.setToolTip(self.tr(f"Sign and lock this visit ({SIGN_SHORTCUT})"))
        # The shortcut lives on the panel's window, not the button: the button is hidden
        # whenever another chart tab shows, and hidden widgets take no shortcuts.
        self.sign_action = QAction(self.tr("Sign note…"), self)
        self.sign_action.setObjectName("actionSignNote")
        self.sign_action.setShortcut(QKeySequence(SIGN_SHORTCUT))
        self.sign_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.sign_action.setEnabled(False)
        self._action_host: QWidget | None = None
        self.signature = named(QLabel(), "signatureLine")
        self.signature.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty = named(QLabel(self.tr("Start a visit to write its note.")), "noteNoVisit")
        self.empty.setProperty("role", "placeholder")
        self.editor = NoteEditor()
        self.addenda_box = named(QGroupBox(self.tr("Addenda")), "addendaSection")
        self.addenda_list = named(QLabel(), "addendaList")
        self.addenda_list.setWordWrap(True)
        self.addenda_list.setTextFormat(Qt.TextFormat.RichText)
        self.addendum_text = named(TextBox(2, self.tr("A correction or addition")), "addendumText")
        self.addendum_button = named(QPushButton(self.tr("Add addendum")), "addAddendum")
        addenda = QVBoxLayout(self.addenda_box)
        addenda.addWidget(self.addenda_list)
        addenda.addWidget(self.addendum_text)
        addenda.addWidget(self.addendum_button, 0, Qt.AlignmentFlag.AlignRight)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.signature)
        column.addWidget(self.addenda_box)
        column.addWidget(self.editor)
        self.note_scroll = QScrollArea()
        self.note_scroll.setWidget(content)
        self.note_scroll.setWidgetResizable(True)
        self.note_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # The form fits a 1280 px window; with larger fonts it scrolls rather than clips.
        self.note_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        # Wherever the focus goes in the form (Tab, click, or code), it is scrolled into view;
        # deferred a turn so that a tab just shown has laid out first.
        self._reveal = QTimer(self, singleShot=True, interval=0)
        self._reveal.timeout.connect(self.reveal_focus)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)

        head = QHBoxLayout()
        head.addWidget(QLabel(self.tr("Visit:")))
        head.addWidget(self.visit_choice)
        head.addStretch(1)
        head.addWidget(self.state)
        head.addWidget(self.sign_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.empty)
        layout.addWidget(self.note_scroll, 1)

        self._idle = QTimer(self, singleShot=True, interval=IDLE_SAVE_MS)
        self._longest = QTimer(self, singleShot=True, interval=LONGEST_UNSAVED_MS)
        self._idle.timeout.connect(self.save_now)
        self._longest.timeout.connect(self.save_now)
        self.editor.edited.connect(self._edited)
        self.editor.copyLastRequested.connect(self.copy_last_visit)
        self.editor.protocolRequested.connect(self.add_protocol)
        self.editor.saveProtocolRequested.connect(self.save_protocol)
        self.editor.diagnosis_search.returnPressed.connect(self.find_diagnosis)
        self.diagnosis_suggestions = DiagnosisSuggestions(
            self.editor.diagnosis_search, self.tasks, _search_diagnoses
        )
        self.diagnosis_suggestions.chosen.connect(self._add_suggested_diagnosis)
        self.sign_button.clicked.connect(self.ask_sign)
        self.sign_action.triggered.connect(self.sign_from_anywhere)
        self.addendum_button.clicked.connect(self.add_addendum)
        self.visit_choice.activated.connect(
            lambda index: self.open_visit(self.visits[index].id) if self.visits else None
        )
        self.show_visits([])
        self._attach_sign_action()

    # -- which visit --------------------------------------------------------------------
    def show_visits(self, visits: list[VisitSummary], current: int | None = None) -> None:
        self.flush()
        self.visits = visits
        self.visit_choice.clear()
        for visit in visits:
            self.visit_choice.addItem(visit_title(visit), visit.id)
        for widget in (self.note_scroll, self.sign_button, self.visit_choice):
            widget.setVisible(bool(visits))
        self.empty.setVisible(not visits)
        self.sign_action.setEnabled(bool(visits))
        self._attach_sign_action()
        self.visit = None
        if not visits:
            self._wanted = None
            self.state.clear()
            return
        ids = [v.id for v in visits]
        self._wanted = current if current in ids else ids[0]
        if self.isVisible():
            self.open_visit(self._wanted)

    def retitle_visits(self, visits: list[VisitSummary]) -> None:
        """New titles for the visits listed (a visit just signed), keeping the one open."""
        titles = {visit.id: visit_title(visit) for visit in visits}
        for index in range(self.visit_choice.count()):
            title = titles.get(self.visit_choice.itemData(index))
            if title is not None:
                self.visit_choice.setItemText(index, title)

    def showEvent(self, event: QShowEvent) -> None:
        if not self._codes_requested:  # reading the ICD-10-CM code set takes seconds
            from acuchart.notes.icd10 import load_index

            self._codes_requested = True
            self.tasks.run(load_index, lambda _: None, lambda _: None)
        if self._wanted is not None and (self.visit is None or self.visit.id != self._wanted):
            self.open_visit(self._wanted)
        self._attach_sign_action()
        super().showEvent(event)
        self._reveal.start()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ParentChange and hasattr(self, "sign_action"):
            self._attach_sign_action()  # (the guard: no ParentChange before __init__ ends)
        return super().event(event)

    # -- keyboard reach -------------------------------------------------------------------
    def _attach_sign_action(self) -> None:
        """Put the sign shortcut on the panel's top-level window, so it works from any tab."""
        window = self.window()
        if window is self._action_host:
            return
        if self._action_host is not None:
            self._action_host.removeAction(self.sign_action)
        window.addAction(self.sign_action)
        self._action_host = window

    def sign_from_anywhere(self) -> None:
        """Ctrl+Shift+S from any tab of the chart: show the note, then the usual signing."""
        if self._wanted is None or not self.bring_forward():
            return
        if self.visit is None or self.visit.id != self._wanted:
            self.open_visit(self._wanted)
        self.ask_sign()

    def bring_forward(self) -> bool:
        """Make the tab(s) holding the panel current; True when the panel is then showing."""
        chain: list[QWidget] = [self]
        parent = self.parentWidget()
        while parent is not None:
            if isinstance(parent, QTabWidget):
                page = next((w for w in chain if parent.indexOf(w) >= 0), None)
                if page is not None:
                    parent.setCurrentWidget(page)
            chain.append(parent)
            parent = parent.parentWidget()
        return self.isVisible()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        content = self.note_scroll.widget()
        if new is not None and content is not None and content.isAncestorOf(new):
            self._reveal.start()

    def reveal_focus(self) -> None:
        """Scroll the form so that the field with the keyboard focus is in view."""
        focused = QApplication.focusWidget()
        content = self.note_scroll.widget()
        if focused is None or content is None or not content.isAncestorOf(focused):
            return
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.note_scroll.ensureWidgetVisible(focused, 24, 24)

    def open_visit(self, visit_id: int) -> None:
        from acuchart.services.notes import list_protocols, load_note

        self._wanted = visit_id
        if self.visit is not None and self.visit.id == visit_id:
            return
        self.flush()
        state = load_note(self.database, visit_id)
        self.visit = state.visit
        # The stored note's save count; each save says which one it builds on, so a save over
        # another window's (or workstation's) newer text is refused instead of overwriting it.
        self._version = state.version
        self._conflicted = False
        self.visit_choice.setCurrentIndex(self.visit_choice.findData(visit_id))
        self.editor.load(state.note, read_only=state.is_signed)
        self.editor.set_pacemaker(Precaution.PACEMAKER_OR_IMPLANT in state.precautions)
        self.editor.set_protocol_names([p.name for p in list_protocols(self.database)])
        self.sign_button.setEnabled(not state.is_signed)
        self.sign_action.setEnabled(not state.is_signed)
        self.note_scroll.verticalScrollBar().setValue(0)  # a note opens at its top
        self.note_scroll.horizontalScrollBar().setValue(0)
        self._reveal.start()
        self._show_signature(state)
        if state.is_signed:
            self.state.setText(self.tr("Signed: read-only"))
        elif state.saved_at is not None:
            self.state.setText(self.tr(f"Draft saved {state.saved_at.astimezone():%H:%M:%S}"))
        else:
            self.state.setText(self.tr("New draft"))
        self.state.setStyleSheet("")

    def _show_signature(self, state: NoteState) -> None:
        from acuchart.services.notes import verify_visit

        signature = state.signature
        self.addenda_box.setVisible(signature is not None)
        if signature is None:
            self.signature.clear()
            self.signature.hide()
            return
        check = verify_visit(self.database, state.visit.id)
        when = signature.signed_at.astimezone()
        line = (
            f"Signed by {signature.signed_by} on {when:%d %b %Y at %H:%M} · "
            f"SHA-256 {signature.content_hash[:16]}…"
        )
        if check is not None and not check.ok:
            self.signature.setText(f"⚠ {check.problem}  ({line})")
            self.signature.setStyleSheet("color: #b3261e; font-weight: 600;")
        else:
            self.signature.setText(f"✓ {line} · verified")
            self.signature.setStyleSheet("color: #2f6f73; font-weight: 600;")
        self.signature.show()
        rows = [
            f"<p><b>{a.created_at.astimezone():%d %b %Y %H:%M} · {_html(a.author)}</b><br>"
            f"{_html(a.text).replace(chr(10), '<br>')}</p>"
            for a in state.addenda
        ]
        self.addenda_list.setText("".join(rows) or self.tr("No addenda."))

    # -- drafts ---------------------------------------------------------------------------
    def _edited(self) -> None:
        if self.visit is None or self.editor.read_only:
            return
        self.state.setText(self.tr("Editing…"))
        self._idle.start()
        if not self._longest.isActive():  # started by the first unsaved edit, never pushed back
            self._longest.start()

    def save_now(self) -> None:
        """Queue the draft as it is now (typed text is never held back longer than 1.5 s)."""
        from acuchart.services.notes import save_draft

        self._idle.stop()
        self._longest.stop()
        visit = self.visit
        if visit is None or self.editor.read_only or self._conflicted:
            return
        note = self.editor.note()
        self._submitted += 1
        number = self._submitted
        self.state.setText(self.tr("Saving…"))

        def save() -> dt.datetime:
            # Runs in the worker, after every earlier save of this panel: the version it
            # builds on is the one the previous save left.
            saved_at = save_draft(self.database, visit.id, note, expected_version=self._version)
            self._version += 1
            return saved_at

        self.tasks.run(
            save,
            lambda saved_at: self._landed_ok(number, visit.id, saved_at),
            lambda error: self._failed(number, error),
        )

    @property
    def has_unsaved_edits(self) -> bool:
        return self._idle.isActive() or self._longest.isActive()

    @property
    def is_saved(self) -> bool:
        return not self.has_unsaved_edits and self._landed == self._submitted

    def flush(self) -> None:
        """Save what is typed and wait for it: before switching visit, signing or closing."""
        if self.has_unsaved_edits:
            self.save_now()
        if self._landed != self._submitted:
            self.tasks.wait_for_pending()

    def _landed_ok(self, number: int, visit_id: int, saved_at: dt.datetime) -> None:
        self._landed = max(self._landed, number)
        if number == self._submitted and not self.has_unsaved_edits:
            self.state.setStyleSheet("")
            self.state.setText(self.tr(f"Draft saved {saved_at.astimezone():%H:%M:%S}"))
        self.saved.emit(visit_id)

    def _failed(self, number: int, error: BaseException) -> None:
        from acuchart.errors import EditConflictError

        self._landed = max(self._landed, number)
        self.state.setText(self.tr("Not saved"))
        self.state.setStyleSheet("color: #b3261e; font-weight: 600;")
        if isinstance(error, EditConflictError):
            self._conflicted = True  # stop saving over their text; what was typed stays here
            self.state.setText(self.tr("Not saved: changed elsewhere"))
            self._show_error(self.tr("Note changed elsewhere"), str(error))
            return
        self._show_error(
            self.tr("Note not saved"),
            self.tr(f"The note could not be saved:\n\n{error}\n\nWhat you typed is still here."),
        )

    def _show_error(self, title: str, message: str) -> None:
        self.error_box = open_message(self, title, message, "noteError")

    # -- plan helpers -----------------------------------------------------------------------
    def copy_last_visit(self) -> None:
        from acuchart.services.notes import previous_plan

        if self.visit is None or self.editor.read_only:
            return
        found = previous_plan(self.database, self.visit.id)
        if found is None:
            self.state.setText(self.tr("No earlier visit has points to copy."))
            return
        visit, plan = found
        self.editor.copy_treatment(plan)
        self.state.setText(
            self.tr(f"Copied the treatment of {visit.started_at.astimezone():%d %b %Y}")
        )

    def add_protocol(self, name: str) -> None:
        from acuchart.services.notes import list_protocols

        if self.visit is None or self.editor.read_only:  # a signed note is not edited
            return
        for protocol in list_protocols(self.database):
            if protocol.name == name:
                self.editor.points.add_points(protocol.points)

    def save_protocol(self) -> None:
        from acuchart.services.notes import list_protocols, save_protocol
        from acuchart.validation import ValidationError

        points = self.editor.points.points()
        if not points:
            self._show_error(
                self.tr("No points"), self.tr("Add points first, then save them as a protocol.")
            )
            return
        name, ok = QInputDialog.getText(
            self, self.tr("Save as protocol"), self.tr("Protocol name:")
        )
        if not ok:
            return
        try:
            save_protocol(self.database, name, points)
        except ValidationError as error:
            self._show_error(self.tr("Protocol not saved"), "\n".join(error.errors.values()))
            return
        self.editor.set_protocol_names([p.name for p in list_protocols(self.database)])

    def find_diagnosis(self) -> None:
        """Enter in the diagnosis box: add the best match by code or words (searched off the
        GUI thread: the code set is large, and may still be loading)."""
        from acuchart.notes.icd10 import Icd10Code, search_codes
        from acuchart.notes.model import Diagnosis

        typed = self.editor.diagnosis_search.text()
        if not typed.strip():
            return

        self.diagnosis_suggestions.close()

        def found(codes: list[Icd10Code]) -> None:
            if not codes:
                self.state.setText(self.tr(f"No ICD-10-CM code matches “{typed}”."))
            elif self.editor.diagnosis_search.text() == typed and not self.editor.read_only:
                self.editor.add_diagnosis(Diagnosis(codes[0].code, codes[0].description))
                self.editor.diagnosis_search.clear()

        self.tasks.run(
            lambda: search_codes(typed, limit=1),
            found,
            lambda error: self._show_error(self.tr("Search failed"), str(error)),
        )

    def _add_suggested_diagnosis(self, code: str, description: str) -> None:
        from acuchart.notes.model import Diagnosis

        if not self.editor.read_only:
            self.editor.add_diagnosis(Diagnosis(code, description))

    # -- signing and addenda ----------------------------------------------------------------
    def ask_sign(self) -> None:
        if self.visit is None or self.editor.read_only:
            return
        dialog = SignDialog(self.signed_by or self.visit.practitioner_name, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.sign(dialog.signer.text())

    def sign(self, signer: str) -> None:
        """Save, then sign in one transaction; problems come back as a list to settle."""
        from acuchart.services.notes import SigningRefusedError, sign_note
        from acuchart.validation import ValidationError

        if self.visit is None:
            return
        note: SessionNote = self.editor.note()
        self.flush()
        try:
            sign_note(self.database, self.visit.id, signer, note)
        except SigningRefusedError as error:
            self._show_error(self.tr("Not signed yet"), str(error))
            return
        except ValidationError as error:
            self._show_error(self.tr("Not signed"), "\n".join(error.errors.values()))
            return
        self.signed_by = signer.strip()
        visit_id = self.visit.id
        self.visit = None
        self.open_visit(visit_id)
        self.signed.emit(visit_id)

    def add_addendum(self) -> None:
        from acuchart.services.notes import add_addendum, load_note
        from acuchart.validation import ValidationError

        if self.visit is None:
            return
        author = self.signed_by or self.visit.practitioner_name
        try:
            add_addendum(self.database, self.visit.id, author, self.addendum_text.text())
        except ValidationError as error:
            self._show_error(self.tr("Addendum not added"), "\n".join(error.errors.values()))
            return
        self.addendum_text.clear()
        self._show_signature(load_note(self.database, self.visit.id))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _search_diagnoses(query: str, limit: int) -> list[tuple[str, str]]:
    """Runs in the worker: (code, description) pairs, short list first."""
    from acuchart.notes.icd10 import search_codes

    return [(code.code, code.description) for code in search_codes(query, limit=limit)]
