"""The SOAP note form of one visit: what the practitioner types, in charting order.

The form only shows and reads a ``SessionNote``; saving, signing and addenda
belong to the note panel around it. Tab moves through the sections in SOAP order.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from acuchart.notes import vocabulary
from acuchart.notes.model import (
    AdverseEvent,
    AdverseKind,
    Assessment,
    Diagnosis,
    ElectroPair,
    Finding,
    Modality,
    ModalityUse,
    NeedleCount,
    Objective,
    Outcomes,
    Plan,
    Reflex,
    SessionNote,
    Subjective,
    Waveform,
)
from acuchart.notes.scores import MNSI_QUESTIONS, NamedScore, NrsItem, Pgic, mnsi_score
from acuchart.ui.naming import named
from acuchart.ui.notes.fields import ChoiceBox, ChosenList, OptionalSpin, RemovableList, TextBox
from acuchart.ui.notes.points_editor import PointsEditor


def _group(title: str, name: str) -> tuple[QGroupBox, QFormLayout]:
    group = named(QGroupBox(title), name)
    form = QFormLayout(group)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return group, form


def _row(*widgets: QWidget, stretch_last: bool = False) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    if not stretch_last:
        layout.addStretch(1)
    return box


def _enum_combo(items: list[tuple[str, str]], blank: str = "–") -> QComboBox:
    combo = QComboBox()
    combo.addItem(blank, "")
    for label, value in items:
        combo.addItem(label, value)
    return combo


class NoteEditor(QWidget):
    """Every field of the note; ``edited`` fires on each change the user makes."""

    edited = Signal()
    protocolRequested = Signal(str)
    saveProtocolRequested = Signal()
    copyLastRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteEditor")
        self._loading = False
        self.read_only = False
        self._pacemaker = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.addWidget(self._subjective())
        layout.addWidget(self._objective())
        layout.addWidget(self._assessment())
        layout.addWidget(self._plan())
        layout.addWidget(self._safety())
        layout.addWidget(self._outcomes())
        layout.addStretch(1)
        self._watch()

    # -- sections ---------------------------------------------------------------------
    def _subjective(self) -> QGroupBox:
        group, form = _group(self.tr("S · Subjective"), "subjectiveSection")
        self.chief_complaint = named(TextBox(2), "chiefComplaint")
        self.change_since_last = named(TextBox(2), "changeSinceLast")
        form.addRow(self.tr("Chief complaint"), self.chief_complaint)
        form.addRow(self.tr("Since last visit"), self.change_since_last)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        self.nrs: dict[NrsItem, OptionalSpin] = {}
        for index, item in enumerate(NrsItem):
            spin = named(OptionalSpin(0, 10), f"nrs_{item.value}")
            spin.setToolTip(self.tr(f"{item.label}, 0–10 (Delete clears)"))
            self.nrs[item] = spin
            label = QLabel(item.short_label)
            label.setToolTip(item.label)
            label.setBuddy(spin)
            grid.addWidget(label, index // 4, (index % 4) * 2)
            grid.addWidget(spin, index // 4, (index % 4) * 2 + 1)
        grid.setColumnStretch(8, 1)
        scores = QWidget()
        scores.setLayout(grid)
        grid.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("NRS 0–10"), scores)
        self.medication_changes = named(QLineEdit(), "medicationChanges")
        form.addRow(self.tr("Medication changes"), self.medication_changes)
        self.subjective_text = named(TextBox(3), "subjectiveText")
        form.addRow(self.tr("Notes"), self.subjective_text)
        return group

    def _findings(self, name: str) -> tuple[QWidget, dict[Finding, QCheckBox]]:
        boxes = {
            finding: named(QCheckBox(finding.label), f"{name}_{finding.value}")
            for finding in Finding
        }
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for index, box in enumerate(boxes.values()):
            grid.addWidget(box, index // 4, index % 4)
        holder = QWidget()
        holder.setLayout(grid)
        return holder, boxes

    def _objective(self) -> QGroupBox:
        group, form = _group(self.tr("O · Objective"), "objectiveSection")
        feet, self.findings_feet = self._findings("feet")
        hands, self.findings_hands = self._findings("hands")
        form.addRow(self.tr("Feet"), feet)
        form.addRow(self.tr("Hands"), hands)
        self.red_flag = named(QLabel(), "redFlag")
        self.red_flag.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.red_flag.hide()
        form.addRow("", self.red_flag)
        self.inspection = named(QLineEdit(), "inspectionNotes")
        form.addRow(self.tr("Inspection notes"), self.inspection)
        reflexes = [(r.label, r.value) for r in Reflex]
        self.reflex_left = named(_enum_combo(reflexes, self.tr("Not tested")), "reflexLeft")
        self.reflex_right = named(_enum_combo(reflexes, self.tr("Not tested")), "reflexRight")
        form.addRow(
            self.tr("Ankle reflex"),
            _row(
                QLabel(self.tr("Left")),
                self.reflex_left,
                QLabel(self.tr("Right")),
                self.reflex_right,
            ),
        )
        self.sensory = named(QLabel(self.tr("Recorded on the body map.")), "sensorySummary")
        self.sensory.setProperty("role", "fieldHint")
        form.addRow(self.tr("Sensory exam"), self.sensory)
        self.tongue_body = named(ChoiceBox(vocabulary.TONGUE_BODY), "tongueBody")
        self.tongue_coat = named(ChoiceBox(vocabulary.TONGUE_COAT), "tongueCoat")
        self.tongue_shape = named(ChoiceBox(vocabulary.TONGUE_SHAPE), "tongueShape")
        hints = ((self.tongue_body, "body colour"), (self.tongue_coat, "coat"))
        for box, hint in (*hints, (self.tongue_shape, "shape")):
            line = box.lineEdit()
            assert line is not None
            line.setPlaceholderText(self.tr(hint))
        form.addRow(
            self.tr("Tongue"),
            _row(self.tongue_body, self.tongue_coat, self.tongue_shape, stretch_last=True),
        )
        self.pulse = named(ChoiceBox(vocabulary.PULSE_QUALITIES), "pulse")
        form.addRow(self.tr("Pulse"), self.pulse)
        self.objective_text = named(TextBox(2), "objectiveText")
        form.addRow(self.tr("Notes"), self.objective_text)
        return group

    def _assessment(self) -> QGroupBox:
        group, form = _group(self.tr("A · Assessment"), "assessmentSection")
        self.patterns = named(
            ChosenList(vocabulary.TCM_PATTERNS, self.tr("TCM pattern (Enter adds)")), "patterns"
        )
        form.addRow(self.tr("TCM patterns"), self.patterns)
        self.pattern_notes = named(QLineEdit(), "patternNotes")
        form.addRow(self.tr("Pattern notes"), self.pattern_notes)
        self.diagnosis_search = named(QLineEdit(), "diagnosisSearch")
        self.diagnosis_search.setPlaceholderText(
            self.tr("ICD-10-CM: code or words (↓ to choose, Enter adds)")
        )
        self.diagnoses = named(RemovableList(4), "diagnoses")
        form.addRow(self.tr("Diagnoses"), self.diagnosis_search)
        form.addRow("", self.diagnoses)
        self.progress = named(TextBox(2), "progressStatement")
        form.addRow(self.tr("Progress"), self.progress)
        return group

    def _plan(self) -> QGroupBox:
        group, form = _group(self.tr("P · Plan and treatment"), "planSection")
        self.points = named(PointsEditor(), "pointsEditor")
        form.addRow(self.tr("Points"), self.points)
        self.needle_gauge = named(ChoiceBox(vocabulary.NEEDLE_GAUGES), "needleGauge")
        self.needle_length = named(ChoiceBox(vocabulary.NEEDLE_LENGTHS), "needleLength")
        for needle_box, hint in (
            (self.needle_gauge, self.tr("gauge, e.g. 0.20 mm (36G)")),
            (self.needle_length, self.tr("length, e.g. 30 mm")),
        ):
            needle_line = needle_box.lineEdit()
            assert needle_line is not None
            needle_line.setPlaceholderText(hint)
            needle_box.setToolTip(hint)
            needle_box.setAccessibleName(hint.split(",")[0].capitalize())
            needle_box.setMinimumContentsLength(len(hint) + 2)  # the hint readable when empty
        self.retention = named(OptionalSpin(1, 120), "retentionMinutes")
        self.retention.setSuffix(self.tr(" min"))
        form.addRow(
            self.tr("Needles"),
            _row(
                self.needle_gauge, self.needle_length, QLabel(self.tr("Retention")), self.retention
            ),
        )
        self.electro = named(RemovableList(3), "electroPairs")
        self.ea_a = named(QComboBox(), "eaPointA")
        self.ea_b = named(QComboBox(), "eaPointB")
        self.ea_frequency = named(QLineEdit("2/100"), "eaFrequency")
        self.ea_frequency.setFixedWidth(self.fontMetrics().horizontalAdvance("2/100 ") + 24)
        self.ea_frequency.setToolTip(self.tr("Hz: one value, or two alternating (2/100)"))
        self.ea_waveform = named(QComboBox(), "eaWaveform")
        for waveform in Waveform:
            self.ea_waveform.addItem(waveform.label, waveform.value)
        self.ea_intensity = named(QLineEdit(self.tr("comfortable tingle")), "eaIntensity")
        self.ea_intensity.setMinimumWidth(
            self.fontMetrics().horizontalAdvance("comfortable tingle") + 16
        )
        self.ea_minutes = named(QSpinBox(), "eaMinutes")
        self.ea_minutes.setRange(1, 90)
        self.ea_minutes.setValue(20)
        self.ea_minutes.setSuffix(self.tr(" min"))
        self.ea_add = named(QPushButton(self.tr("Add pair")), "eaAdd")
        self.ea_intensity.setPlaceholderText(self.tr("intensity"))
        self.ea_intensity.setToolTip(self.tr("Intensity"))
        # Two rows: on one line the pair needs ~690 px and clips the form at a 1280 px window.
        form.addRow(
            self.tr("Electro-acupuncture"),
            _row(
                self.ea_a, self.ea_b, QLabel(self.tr("Hz")), self.ea_frequency, self.ea_waveform,
            ),
        )  # fmt: skip
        self.ea_entry = _row(self.ea_intensity, self.ea_minutes, self.ea_add)
        form.addRow("", self.ea_entry)
        self.pacemaker_warning = named(
            QLabel(self.tr("⚠ Pacemaker / implant: no electro-stimulation across the chest.")),
            "pacemakerWarning",
        )
        self.pacemaker_warning.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.pacemaker_warning.hide()
        form.addRow("", self.pacemaker_warning)
        form.addRow("", self.electro)
        self.modalities: dict[Modality, tuple[QCheckBox, QLineEdit]] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for index, modality in enumerate(Modality):
            box = named(QCheckBox(modality.label), f"modality_{modality.value}")
            detail = named(QLineEdit(), f"modalityDetail_{modality.value}")
            detail.setPlaceholderText(self.tr("where, how long"))
            self.modalities[modality] = (box, detail)
            grid.addWidget(box, index, 0)
            grid.addWidget(detail, index, 1)
        holder = QWidget()
        holder.setLayout(grid)
        form.addRow(self.tr("Other modalities"), holder)
        self.home_care = named(TextBox(2), "homeCare")
        form.addRow(self.tr("Home care"), self.home_care)
        self.next_visit = named(QLineEdit(), "nextVisit")
        self.next_visit.setPlaceholderText(self.tr("e.g. in one week, same points"))
        form.addRow(self.tr("Next visit"), self.next_visit)
        self.points.protocolRequested.connect(self._protocol_chosen)
        self.points.saveProtocolRequested.connect(self.saveProtocolRequested)
        self.points.copyLastRequested.connect(self._copy_last_chosen)
        # Installed after the points editor's own filter, so it sees Delete first.
        self.points.table.installEventFilter(self)
        return group

    def _safety(self) -> QGroupBox:
        group, form = _group(self.tr("Needle count and adverse events"), "safetySection")
        self.needles_in = named(OptionalSpin(0, 300), "needlesIn")
        self.needles_out = named(OptionalSpin(0, 300), "needlesOut")
        self.needle_state = named(QLabel(), "needleState")
        form.addRow(
            self.tr("Needles in / out"),
            _row(self.needles_in, QLabel("/"), self.needles_out, self.needle_state),
        )
        self.needle_resolution = named(QLineEdit(), "needleResolution")
        self.needle_resolution.setPlaceholderText(self.tr("How the difference was resolved"))
        form.addRow(self.tr("Resolution"), self.needle_resolution)
        self.adverse_kind = named(
            _enum_combo([(k.label, k.value) for k in AdverseKind], self.tr("Adverse event…")),
            "adverseKind",
        )
        self.adverse_action = named(QLineEdit(), "adverseAction")
        self.adverse_action.setPlaceholderText(self.tr("Action taken (Enter adds)"))
        self.adverse_add = named(QPushButton(self.tr("Add")), "adverseAdd")
        form.addRow(
            self.tr("Adverse events"),
            _row(self.adverse_kind, self.adverse_action, self.adverse_add, stretch_last=True),
        )
        self.adverse = named(RemovableList(3), "adverseEvents")
        form.addRow("", self.adverse)
        return group

    def _outcomes(self) -> QGroupBox:
        group, form = _group(self.tr("Outcome measures"), "outcomesSection")
        self.pgic = named(
            _enum_combo(
                [(f"{p.value} · {p.label}", str(p.value)) for p in Pgic], self.tr("Not asked")
            ),
            "pgic",
        )
        form.addRow(self.tr("PGIC"), self.pgic)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        self.mnsi: dict[int, QComboBox] = {}
        for index, question in enumerate(MNSI_QUESTIONS, start=1):
            combo = named(QComboBox(), f"mnsi_{index}")
            combo.addItem("–", "")
            combo.addItem(self.tr("Yes"), "yes")
            combo.addItem(self.tr("No"), "no")
            self.mnsi[index] = combo
            label = QLabel(f"{index}. {question}")
            grid.addWidget(label, index - 1, 0)
            grid.addWidget(combo, index - 1, 1)
        grid.setColumnStretch(0, 1)
        self.mnsi_box = QWidget()
        self.mnsi_box.setLayout(grid)
        self.mnsi_toggle = named(
            QCheckBox(self.tr("MNSI questionnaire (intake and reviews)")), "mnsiToggle"
        )
        self.mnsi_result = named(QLabel(), "mnsiResult")
        form.addRow(self.tr("MNSI"), _row(self.mnsi_toggle, self.mnsi_result))
        form.addRow("", self.mnsi_box)
        self.mnsi_box.hide()
        self.named_score = named(QLineEdit(), "namedScore")
        self.named_score.setPlaceholderText(self.tr("Other instrument: “DN4 = 5” (Enter adds)"))
        self.named_scores = named(RemovableList(3), "namedScores")
        self.named_error = named(QLabel(), "namedScoreError")
        self.named_error.setProperty("role", "fieldError")
        form.addRow(
            self.tr("Named scores"), _row(self.named_score, self.named_error, stretch_last=True)
        )
        form.addRow("", self.named_scores)
        return group

    # -- behaviour -------------------------------------------------------------------
    def _watch(self) -> None:
        """Every user change marks the note edited; list buttons do their small jobs."""
        for widget in self.findChildren(TextBox):
            widget.textChanged.connect(self._changed)
        for line in (
            self.medication_changes, self.inspection, self.pattern_notes, self.next_visit,
            self.needle_resolution, *(detail for _, detail in self.modalities.values()),
        ):  # fmt: skip
            line.textEdited.connect(self._changed)
        for choice in self.findChildren(ChoiceBox):
            if choice is not self.patterns.box:
                choice.editTextChanged.connect(self._changed)
        for spin in self.findChildren(OptionalSpin):
            spin.valueChanged.connect(self._changed)
        boxes = [*self.findings_feet.values(), *self.findings_hands.values()]
        for box in (*boxes, *(box for box, _ in self.modalities.values())):
            box.toggled.connect(self._changed)
        for combo in (self.reflex_left, self.reflex_right, self.pgic, *self.mnsi.values()):
            combo.activated.connect(self._changed)
        self.patterns.changed.connect(self._changed)
        self.points.changed.connect(self._points_changed)
        self.ea_add.clicked.connect(self._add_electro)
        self.adverse_add.clicked.connect(self._add_adverse)
        self.adverse_action.returnPressed.connect(self._add_adverse)
        self.named_score.returnPressed.connect(self._add_named)
        self.mnsi_toggle.toggled.connect(self.mnsi_box.setVisible)
        for listing in self.findChildren(RemovableList):
            listing.removed.connect(self._changed)

    def _protocol_chosen(self, name: str) -> None:
        if not self.read_only:  # a signed note takes no new points, whatever asks
            self.protocolRequested.emit(name)

    def _copy_last_chosen(self) -> None:
        if not self.read_only:
            self.copyLastRequested.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Delete in the points table removes rows: not on a signed note."""
        if (
            watched is self.points.table
            and self.read_only
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Delete
        ):
            return True
        return super().eventFilter(watched, event)

    def set_protocol_names(self, names: list[str]) -> None:
        """Offer the saved protocols; the menu stays disabled on a signed note."""
        self.points.set_protocol_names(names)
        self.points.protocols.setEnabled(bool(names) and not self.read_only)

    def _changed(self) -> None:
        self._update_hints()
        if not self._loading:
            self.edited.emit()

    def _points_changed(self) -> None:
        codes = self.points.codes()
        for combo in (self.ea_a, self.ea_b):
            current = combo.currentText()
            combo.clear()
            combo.addItems(codes)
            if current in codes:
                combo.setCurrentText(current)
        if self.ea_b.count() > 1 and self.ea_b.currentIndex() == self.ea_a.currentIndex():
            self.ea_b.setCurrentIndex(1)
        self._changed()

    def _add_electro(self) -> None:
        a, b = self.ea_a.currentText(), self.ea_b.currentText()
        if not a or not b:
            return
        pair = ElectroPair(
            a,
            b,
            self.ea_frequency.text().strip(),
            Waveform(self.ea_waveform.currentData()),
            self.ea_intensity.text().strip(),
            self.ea_minutes.value(),
        )
        self._add_item(self.electro, describe_pair(pair), pair)
        self._changed()

    def _add_adverse(self) -> None:
        kind = self.adverse_kind.currentData()
        if not kind:
            self.adverse_kind.setFocus()
            return
        event = AdverseEvent(AdverseKind(kind), self.adverse_action.text().strip())
        self._add_item(self.adverse, describe_event(event), event)
        self.adverse_kind.setCurrentIndex(0)
        self.adverse_action.clear()
        self._changed()

    def _add_named(self) -> None:
        from acuchart.notes.scores import parse_named_score

        try:
            score = parse_named_score(self.named_score.text())
        except ValueError as error:
            self.named_error.setText(str(error))
            return
        self.named_error.clear()
        self._add_item(self.named_scores, score.display, score)
        self.named_score.clear()
        self._changed()

    def add_diagnosis(self, diagnosis: Diagnosis) -> None:
        if diagnosis in self.diagnosis_list():
            return
        self._add_item(self.diagnoses, f"{diagnosis.code}  {diagnosis.description}", diagnosis)
        self._changed()

    @staticmethod
    def _add_item(widget: QListWidget, text: str, value: object) -> None:
        from PySide6.QtWidgets import QListWidgetItem

        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, value)
        widget.addItem(item)

    @staticmethod
    def _values(widget: QListWidget) -> list[object]:
        return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())]

    def diagnosis_list(self) -> tuple[Diagnosis, ...]:
        return tuple(v for v in self._values(self.diagnoses) if isinstance(v, Diagnosis))

    def set_pacemaker(self, flagged: bool) -> None:
        self._pacemaker = flagged
        self._update_hints()

    def _update_hints(self) -> None:
        inserted, removed = self.needles_in.value_or_none(), self.needles_out.value_or_none()
        if inserted is None or removed is None:
            self.needle_state.setText(self.tr("Count both before signing"))
            self.needle_state.setStyleSheet("color: #5f6b6d;")
        elif inserted == removed:
            self.needle_state.setText(self.tr("✓ All needles out"))
            self.needle_state.setStyleSheet("color: #2f6f73; font-weight: 600;")
        else:
            self.needle_state.setText(
                self.tr(f"⚠ {inserted - removed} needle(s) not accounted for")
            )
            self.needle_state.setStyleSheet("color: #b3261e; font-weight: 600;")
        flags = [
            f"{where}: {f.label.lower()}"
            for where, boxes in (("Feet", self.findings_feet), ("Hands", self.findings_hands))
            for f, box in boxes.items()
            if f.is_red_flag and box.isChecked()
        ]
        self.red_flag.setText(
            self.tr("⚠ Red flag, ") + "; ".join(flags) + self.tr(": refer / do not needle the area")
            if flags
            else ""
        )
        self.red_flag.setVisible(bool(flags))
        self.pacemaker_warning.setVisible(self._pacemaker and self.electro.count() > 0)
        answers = self._mnsi_answers()
        if answers:
            result = mnsi_score(answers)
            done = "" if result.complete else self.tr(f" ({result.answered} of 15 answered)")
            self.mnsi_result.setText(self.tr(f"Score {result.score} of 13{done}"))
        else:
            self.mnsi_result.clear()

    def _mnsi_answers(self) -> dict[int, bool]:
        return {
            item: combo.currentData() == "yes"
            for item, combo in self.mnsi.items()
            if combo.currentData()
        }

    # -- the note in and out ------------------------------------------------------------
    def note(self) -> SessionNote:
        modalities = tuple(
            ModalityUse(kind, detail.text().strip())
            for kind, (box, detail) in self.modalities.items()
            if box.isChecked()
        )
        reflex_left, reflex_right = self.reflex_left.currentData(), self.reflex_right.currentData()
        pgic = self.pgic.currentData()
        return SessionNote(
            subjective=Subjective(
                chief_complaint=self.chief_complaint.text(),
                change_since_last=self.change_since_last.text(),
                nrs={
                    item: value
                    for item, spin in self.nrs.items()
                    if (value := spin.value_or_none()) is not None
                },
                medication_changes=self.medication_changes.text(),
                text=self.subjective_text.text(),
            ),
            objective=Objective(
                findings_feet=frozenset(
                    f for f, box in self.findings_feet.items() if box.isChecked()
                ),
                findings_hands=frozenset(
                    f for f, box in self.findings_hands.items() if box.isChecked()
                ),
                inspection=self.inspection.text(),
                reflex_left=Reflex(reflex_left) if reflex_left else None,
                reflex_right=Reflex(reflex_right) if reflex_right else None,
                tongue_body=self.tongue_body.text(),
                tongue_coat=self.tongue_coat.text(),
                tongue_shape=self.tongue_shape.text(),
                pulse=self.pulse.text(),
                text=self.objective_text.text(),
            ),
            assessment=Assessment(
                patterns=self.patterns.values(),
                pattern_notes=self.pattern_notes.text(),
                diagnoses=self.diagnosis_list(),
                progress=self.progress.text(),
            ),
            plan=Plan(
                points=self.points.points(),
                needle_gauge=self.needle_gauge.text(),
                needle_length=self.needle_length.text(),
                retention_minutes=self.retention.value_or_none(),
                electro=tuple(v for v in self._values(self.electro) if isinstance(v, ElectroPair)),
                modalities=modalities,
                home_care=self.home_care.text(),
                next_visit=self.next_visit.text(),
            ),
            needles=NeedleCount(
                self.needles_in.value_or_none(),
                self.needles_out.value_or_none(),
                self.needle_resolution.text(),
            ),
            adverse_events=tuple(
                v for v in self._values(self.adverse) if isinstance(v, AdverseEvent)
            ),
            outcomes=Outcomes(
                pgic=Pgic(int(pgic)) if pgic else None,
                mnsi=self._mnsi_answers(),
                named=tuple(
                    v for v in self._values(self.named_scores) if isinstance(v, NamedScore)
                ),
            ),
        )

    def load(self, note: SessionNote, *, read_only: bool) -> None:
        """Show a note; nothing here counts as an edit."""
        self._loading = True
        try:
            self._fill(note)
        finally:
            self._loading = False
        self.set_read_only(read_only)
        self._update_hints()

    def _fill(self, note: SessionNote) -> None:
        s, o, a, p = note.subjective, note.objective, note.assessment, note.plan
        self.chief_complaint.set_text(s.chief_complaint)
        self.change_since_last.set_text(s.change_since_last)
        for item, spin in self.nrs.items():
            spin.set_value_or_none(s.nrs.get(item))
        self.medication_changes.setText(s.medication_changes)
        self.subjective_text.set_text(s.text)
        for findings, boxes in (
            (o.findings_feet, self.findings_feet),
            (o.findings_hands, self.findings_hands),
        ):
            for finding, box in boxes.items():
                box.setChecked(finding in findings)
        self.inspection.setText(o.inspection)
        self.reflex_left.setCurrentIndex(
            self.reflex_left.findData(o.reflex_left.value if o.reflex_left else "")
        )
        self.reflex_right.setCurrentIndex(
            self.reflex_right.findData(o.reflex_right.value if o.reflex_right else "")
        )
        self.tongue_body.set_text(o.tongue_body)
        self.tongue_coat.set_text(o.tongue_coat)
        self.tongue_shape.set_text(o.tongue_shape)
        self.pulse.set_text(o.pulse)
        self.objective_text.set_text(o.text)
        self.patterns.set_values(a.patterns)
        self.pattern_notes.setText(a.pattern_notes)
        self.diagnoses.clear()
        for diagnosis in a.diagnoses:
            self._add_item(self.diagnoses, f"{diagnosis.code}  {diagnosis.description}", diagnosis)
        self.progress.set_text(a.progress)
        self.set_plan(p)
        self.needles_in.set_value_or_none(note.needles.inserted)
        self.needles_out.set_value_or_none(note.needles.removed)
        self.needle_resolution.setText(note.needles.resolution)
        self.adverse.clear()
        for event in note.adverse_events:
            self._add_item(self.adverse, describe_event(event), event)
        out = note.outcomes
        self.pgic.setCurrentIndex(self.pgic.findData(str(int(out.pgic)) if out.pgic else ""))
        for number, combo in self.mnsi.items():
            answer = out.mnsi.get(number)
            combo.setCurrentIndex(
                combo.findData("" if answer is None else ("yes" if answer else "no"))
            )
        self.mnsi_toggle.setChecked(bool(out.mnsi))
        self.named_scores.clear()
        for score in out.named:
            self._add_item(self.named_scores, score.display, score)

    def set_plan(self, plan: Plan) -> None:
        """Fill the treatment fields (also used by "copy last visit")."""
        loading, self._loading = self._loading, True
        try:
            self.points.set_points(plan.points)
            self._points_changed()
            self.needle_gauge.set_text(plan.needle_gauge)
            self.needle_length.set_text(plan.needle_length)
            self.retention.set_value_or_none(plan.retention_minutes)
            self.electro.clear()
            for pair in plan.electro:
                self._add_item(self.electro, describe_pair(pair), pair)
            used = {m.kind: m.detail for m in plan.modalities}
            for kind, (box, detail) in self.modalities.items():
                box.setChecked(kind in used)
                detail.setText(used.get(kind, ""))
            self.home_care.set_text(plan.home_care)
            self.next_visit.setText(plan.next_visit)
        finally:
            self._loading = loading

    def copy_treatment(self, plan: Plan) -> None:
        current = self.note().plan
        self.set_plan(replace(plan, home_care=current.home_care, next_visit=current.next_visit))
        self._changed()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for widget in self.findChildren(QWidget):
            if isinstance(widget, (TextBox, QLineEdit)):
                if isinstance(widget, TextBox) or not isinstance(widget.parent(), QComboBox):
                    widget.setReadOnly(read_only)
                    style = widget.style()
                    style.unpolish(widget)  # the read-only tint follows the property
                    style.polish(widget)
            elif isinstance(widget, (QComboBox, QSpinBox, QAbstractButton)):
                widget.setEnabled(not read_only or widget is self.mnsi_toggle)
            elif isinstance(widget, RemovableList):
                widget.read_only = read_only
        self.points.set_read_only(read_only)
        # The boxes for a new pair would read as a pair given: on a signed note they are blank.
        for box in (self.ea_a, self.ea_b, self.ea_waveform):
            box.setCurrentIndex(-1 if read_only else max(box.currentIndex(), 0))
        self.ea_frequency.setText("" if read_only else self.ea_frequency.text() or "2/100")
        self.ea_intensity.setText(
            "" if read_only else self.ea_intensity.text() or self.tr("comfortable tingle")
        )
        self.ea_entry.setVisible(not read_only)
        if not read_only:  # the protocol menu is only of use once there are protocols
            menu = self.points.protocols.menu()
            self.points.protocols.setEnabled(menu is not None and bool(menu.actions()))


def describe_pair(pair: ElectroPair) -> str:
    return (
        f"{pair.point_a} – {pair.point_b} · {pair.frequency} Hz · {pair.waveform.label} · "
        f"{pair.intensity} · {pair.minutes} min"
    )


def describe_event(event: AdverseEvent) -> str:
    action = event.action or "action not recorded yet"
    return f"{event.kind.label}: {action}"
