"""The new/edit patient form: every field of the record, checks shown beside each field.

Nothing typed is dropped silently: closing with changes asks whether to save,
and text longer than allowed is reported, never cut.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from acuchart.dates import DateParseError
from acuchart.errors import ChartError
from acuchart.patients import (
    Limb,
    NeuropathyCause,
    PatientDraft,
    PatientRecord,
    Precaution,
    Sex,
)
from acuchart.ui.date_field import DateField
from acuchart.ui.naming import named
from acuchart.validation import ValidationError

Editor = QLineEdit | QPlainTextEdit | QComboBox
SaveFunction = Callable[[PatientDraft], PatientRecord]


def _plain_text(height_lines: int) -> QPlainTextEdit:
    editor = QPlainTextEdit()
    editor.setTabChangesFocus(True)
    line = editor.fontMetrics().lineSpacing()
    editor.setFixedHeight(line * height_lines + 14)
    return editor


class PatientForm(QDialog):
    """Create a patient (``record`` None) or edit one; ``saved_record`` holds the result."""

    def __init__(
        self,
        save: SaveFunction,
        record: PatientRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("patientForm")
        self._save = save
        self.record = record
        self.saved_record: PatientRecord | None = None
        self.setWindowTitle(
            self.tr("New patient") if record is None else self.tr(f"Edit — {record.display_name}")
        )
        self.editors: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._build()
        self._load(record.to_draft() if record else PatientDraft())
        self._initial = self._snapshot()
        self.resize(1140, 600)
        self.editors["family_name"].setFocus(Qt.FocusReason.OtherFocusReason)

    # -- building -----------------------------------------------------------
    def _field(
        self, form: QFormLayout, name: str, title: str, editor: QWidget, hint: QLabel | None = None
    ) -> None:
        editor.setObjectName(name)
        error = named(QLabel(), f"{name}Error")
        error.setProperty("role", "fieldError")
        error.setWordWrap(True)
        error.hide()
        cell = QVBoxLayout()
        cell.setSpacing(2)
        cell.addWidget(editor)
        if hint is not None:
            cell.addWidget(hint)
        cell.addWidget(error)
        form.addRow(title, cell)
        self.editors[name] = editor
        self.error_labels[name] = error

    @staticmethod
    def _hint() -> QLabel:
        hint = QLabel()
        hint.setProperty("role", "fieldHint")
        return hint

    @staticmethod
    def _form(group: QGroupBox) -> QFormLayout:
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return form

    def _build(self) -> None:
        identity = QGroupBox(self.tr("Identity and contact"))
        form = self._form(identity)
        self._field(form, "family_name", self.tr("Family name *"), QLineEdit())
        self._field(form, "given_names", self.tr("Given names"), QLineEdit())
        self._field(form, "preferred_name", self.tr("Preferred name"), QLineEdit())
        birth_hint = self._hint()
        self.birth_field = DateField(birth_hint, show_age=True)
        self._field(form, "date_of_birth", self.tr("Date of birth *"), self.birth_field, birth_hint)
        self.sex = QComboBox()
        for sex in Sex:
            self.sex.addItem(sex.label, sex)
        self._field(form, "sex", self.tr("Sex"), self.sex)
        self._field(form, "phone", self.tr("Phone"), QLineEdit())
        self._field(form, "email", self.tr("E-mail"), QLineEdit())
        self._field(form, "address", self.tr("Address"), _plain_text(3))
        self._field(form, "emergency_contact", self.tr("Emergency contact"), _plain_text(2))

        neuropathy = QGroupBox(self.tr("Neuropathy"))
        form = self._form(neuropathy)
        self.cause = QComboBox()
        self.cause.addItem(self.tr("Not recorded"), None)
        for cause in NeuropathyCause:
            self.cause.addItem(cause.label, cause)
        self._field(form, "neuropathy_cause", self.tr("Cause"), self.cause)
        agent = QLineEdit()
        agent.setPlaceholderText(self.tr("e.g. oxaliplatin, paclitaxel, bortezomib"))
        self._field(form, "chemotherapy_agent", self.tr("Chemotherapy agent"), agent)
        details = QLineEdit()
        details.setPlaceholderText(self.tr("e.g. B12 deficiency"))
        self._field(form, "cause_details", self.tr("Cause details"), details)
        onset_hint = self._hint()
        self.onset_field = DateField(onset_hint, partial=True)
        self._field(form, "onset", self.tr("Onset"), self.onset_field, onset_hint)
        limbs = QWidget()
        limb_grid = QGridLayout(limbs)
        limb_grid.setContentsMargins(0, 0, 0, 0)
        self.limb_boxes: dict[Limb, QCheckBox] = {}
        for position, limb in enumerate(
            (Limb.LEFT_HAND, Limb.RIGHT_HAND, Limb.LEFT_FOOT, Limb.RIGHT_FOOT)
        ):
            box = named(QCheckBox(limb.label), f"limb_{limb.value}")
            self.limb_boxes[limb] = box
            limb_grid.addWidget(box, position // 2, position % 2)
        self._field(form, "limbs_affected", self.tr("Limbs affected"), limbs)
        self._field(form, "referring_physician", self.tr("Referring physician"), _plain_text(2))

        precautions = QGroupBox(self.tr("Precautions"))
        grid = QGridLayout(precautions)
        self.precaution_boxes: dict[Precaution, QCheckBox] = {}
        for position, flag in enumerate(Precaution):
            box = named(QCheckBox(flag.label), f"precaution_{flag.value}")
            box.setToolTip(flag.description)
            self.precaution_boxes[flag] = box
            grid.addWidget(box, position // 2, position % 2)

        consent = QGroupBox(self.tr("Informed consent"))
        form = self._form(consent)
        consent_hint = self._hint()
        self.consent_field = DateField(consent_hint)
        today_button = named(QPushButton(self.tr("Today")), "consentToday")
        today_button.setAutoDefault(False)
        today_button.clicked.connect(
            lambda: self.consent_field.setText(dt.date.today().isoformat())
        )
        consent_row = QWidget()
        row = QHBoxLayout(consent_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.consent_field, 1)
        row.addWidget(today_button)
        self._field(form, "consent_date", self.tr("Signed on"), consent_row, consent_hint)
        self.editors["consent_date"] = self.consent_field

        history = QGroupBox(self.tr("History"))
        form = self._form(history)
        self._field(form, "conditions", self.tr("Conditions"), _plain_text(4))
        self._field(form, "medications", self.tr("Medications"), _plain_text(4))
        self._field(form, "allergies", self.tr("Allergies"), _plain_text(2))
        self._field(form, "notes", self.tr("Notes"), _plain_text(9))

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(identity)
        left.addStretch(1)
        middle = QVBoxLayout()
        middle.addWidget(neuropathy)
        middle.addWidget(precautions)
        middle.addWidget(consent)
        middle.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(history)
        right.addStretch(1)
        for column in (left, middle, right):
            columns.addLayout(column, 1)
        body = QWidget()
        body.setLayout(columns)
        scroll = QScrollArea()
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field, not to the frame
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)

        self.summary = named(QLabel(), "formSummary")
        self.summary.setProperty("role", "fieldError")
        self.summary.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("savePatient")
        self.save_button.setToolTip(self.tr("Save (Ctrl+S)"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save_shortcut.activated.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.summary, 1)
        footer.addWidget(self.buttons)
        layout.addLayout(footer)
        self.cause.currentIndexChanged.connect(self._update_cause_fields)

    # -- values -------------------------------------------------------------
    def _text(self, name: str) -> str:
        editor = self.editors[name]
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        assert isinstance(editor, QLineEdit)
        return editor.text()

    def _set_text(self, name: str, value: str) -> None:
        editor = self.editors[name]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value)
        else:
            assert isinstance(editor, QLineEdit)
            editor.setText(value)

    _TEXT_FIELDS = (
        "family_name", "given_names", "preferred_name", "phone", "email", "address",
        "emergency_contact", "referring_physician", "chemotherapy_agent", "cause_details",
        "conditions", "medications", "allergies", "notes",
    )  # fmt: skip

    def _load(self, draft: PatientDraft) -> None:
        for name in self._TEXT_FIELDS:
            self._set_text(name, getattr(draft, name))
        self.birth_field.set_date(draft.date_of_birth)
        self.sex.setCurrentIndex(self.sex.findData(draft.sex))
        self.cause.setCurrentIndex(max(0, self.cause.findData(draft.neuropathy_cause)))
        self.onset_field.set_date(draft.onset)
        self.consent_field.set_date(draft.consent_date)
        for limb, box in self.limb_boxes.items():
            box.setChecked(limb in draft.limbs_affected)
        for flag, box in self.precaution_boxes.items():
            box.setChecked(flag in draft.precautions)
        self._update_cause_fields()

    def _snapshot(self) -> tuple[Any, ...]:
        """Everything typed or ticked, to tell whether the form has unsaved changes."""
        return (
            tuple(self._text(name) for name in self._TEXT_FIELDS),
            self.birth_field.text(),
            self.onset_field.text(),
            self.consent_field.text(),
            self.sex.currentIndex(),
            self.cause.currentIndex(),
            tuple(box.isChecked() for box in self.limb_boxes.values()),
            tuple(box.isChecked() for box in self.precaution_boxes.values()),
        )

    def is_dirty(self) -> bool:
        return self._snapshot() != self._initial

    def collect(self) -> PatientDraft:
        """The draft the form holds; raises ``ValidationError`` for dates that cannot be read."""
        errors: dict[str, str] = {}
        values: dict[str, Any] = {name: self._text(name) for name in self._TEXT_FIELDS}
        for name, read in (
            ("date_of_birth", self.birth_field.full_date),
            ("onset", self.onset_field.partial_date),
            ("consent_date", self.consent_field.full_date),
        ):
            try:
                values[name] = read()
            except DateParseError as error:
                errors[name] = str(error)
        if errors:
            raise ValidationError(errors)
        return PatientDraft(
            **values,
            sex=Sex(self.sex.currentData()),
            neuropathy_cause=self._selected_cause(),
            limbs_affected=frozenset(
                limb for limb, box in self.limb_boxes.items() if box.isChecked()
            ),
            precautions=frozenset(
                flag for flag, box in self.precaution_boxes.items() if box.isChecked()
            ),
        )

    # -- actions ------------------------------------------------------------
    def save(self) -> bool:
        """Validate and save; on failure show each message beside its field and stay open."""
        try:
            draft = self.collect()
            record = self._save(draft)
        except ValidationError as error:
            self.show_errors(error.errors)
            return False
        except ChartError as error:
            QMessageBox.warning(self, self.tr("Not saved"), str(error))
            return False
        self.show_errors({})
        self.saved_record = record
        self._initial = self._snapshot()
        self.accept()
        return True

    def show_errors(self, errors: dict[str, str]) -> None:
        first: QWidget | None = None
        for name, label in self.error_labels.items():
            message = errors.get(name, "")
            label.setText(message)
            label.setVisible(bool(message))
            editor = self.editors[name]
            editor.setProperty("invalid", bool(message))
            editor.style().unpolish(editor)
            editor.style().polish(editor)
            if message and first is None:
                first = editor
        count = len(errors)
        self.summary.setText(
            self.tr(f"{count} field{'s' if count != 1 else ''} to check before saving.")
        )
        self.summary.setVisible(bool(count))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def confirm_close(self) -> bool:
        """Ask what to do with unsaved changes; True when the form may close."""
        if not self.is_dirty():
            return True
        answer = QMessageBox.question(
            self,
            self.tr("Unsaved changes"),
            self.tr("This patient form has changes that are not saved. Save them now?"),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def reject(self) -> None:
        # Choosing Save in the prompt has already accepted (and hidden) the dialog.
        if self.confirm_close() and self.isVisible():
            self._initial = self._snapshot()
            super().reject()

    def _selected_cause(self) -> NeuropathyCause | None:
        # Qt hands string enums back as plain strings.
        value = self.cause.currentData()
        return NeuropathyCause(value) if value else None

    def _update_cause_fields(self) -> None:
        cause = self._selected_cause()
        self.editors["chemotherapy_agent"].setEnabled(cause is NeuropathyCause.CHEMOTHERAPY)
        self.editors["cause_details"].setEnabled(cause is not None)
