"""A patient's chart: who they are, what to watch for, and their visits."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from acuchart.dates import age_on, describe_date, describe_partial
from acuchart.patients import PatientRecord, describe_limbs
from acuchart.ui.badges import caution_badge, neutral_badge, precaution_badge
from acuchart.ui.naming import named
from acuchart.ui.visit_list_model import VisitListModel
from acuchart.visits import VisitSummary

BADGES_PER_ROW = 3


def section_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "section")
    return label


class PatientChartView(QWidget):
    """Shows one patient; asks the window to act through signals."""

    newVisitRequested = Signal()
    editRequested = Signal()
    visitOpened = Signal(int)  # Enter or double-click on a visit

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patientChart")
        self.record: PatientRecord | None = None
        self.name_label = named(QLabel(), "chartName")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name_label.setWordWrap(True)
        self.subline = named(QLabel(), "chartSubline")
        self.subline.setWordWrap(True)
        self.cause_line = named(QLabel(), "chartCause")
        self.cause_line.setWordWrap(True)
        self.edit_button = named(QPushButton(self.tr("Edit patient…")), "editPatient")
        self.badge_area = named(QWidget(), "badgeArea")
        # A plain grid: a Python-subclassed QLayout crashes when Qt tears widgets down.
        self.badges = QGridLayout(self.badge_area)
        self.badges.setContentsMargins(0, 0, 0, 0)
        self.badges.setHorizontalSpacing(6)
        self.badges.setVerticalSpacing(4)

        self.visits_model = VisitListModel(self)
        self.visits_table = named(QTableView(), "visitTable")
        self.visits_table.setModel(self.visits_model)
        self.visits_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.visits_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.visits_table.setAlternatingRowColors(True)
        self.visits_table.verticalHeader().hide()
        self.visits_table.setWordWrap(False)
        self.visits_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.visits_table.setColumnWidth(0, 112)
        self.visits_table.setColumnWidth(1, 50)
        self.visits_table.setColumnWidth(3, 62)
        self.visits_title = section_label(self.tr("Visits"))
        self.new_visit_button = named(QPushButton(self.tr("New visit")), "newVisit")
        self.new_visit_button.setToolTip(self.tr("Start a visit for this patient (Ctrl+Shift+N)"))
        self.empty_visits = named(QLabel(self.tr("No visits yet.")), "noVisits")
        self.empty_visits.setProperty("role", "fieldHint")

        self.details = QFormLayout()
        self.details.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.details.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.detail_labels: dict[str, QLabel] = {}

        self._build_layout()
        self.visits_table.activated.connect(self._visit_activated)
        self.new_visit_button.clicked.connect(self.newVisitRequested)
        self.edit_button.clicked.connect(self.editRequested)

    def _build_layout(self) -> None:
        header_text = QVBoxLayout()
        header_text.setSpacing(2)
        header_text.addWidget(self.name_label)
        header_text.addWidget(self.subline)
        header_text.addWidget(self.cause_line)
        header = QHBoxLayout()
        header.addLayout(header_text, 1)
        header.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)

        visits_head = QHBoxLayout()
        visits_head.addWidget(self.visits_title)
        visits_head.addStretch(1)
        visits_head.addWidget(self.new_visit_button)
        visits_box = QWidget()
        visits_layout = QVBoxLayout(visits_box)
        visits_layout.setContentsMargins(0, 0, 6, 0)
        visits_layout.addLayout(visits_head)
        visits_layout.addWidget(self.empty_visits)
        visits_layout.addWidget(self.visits_table, 1)

        details_box = named(QWidget(), "patientDetails")
        details_layout = QVBoxLayout(details_box)
        details_layout.setContentsMargins(6, 0, 6, 0)
        details_layout.addWidget(section_label(self.tr("Details")))
        details_layout.addLayout(self.details)
        details_layout.addStretch(1)
        details_scroll = QScrollArea()
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        details_scroll.setWidget(details_box)

        self.splitter = named(QSplitter(Qt.Orientation.Horizontal), "chartSplitter")
        self.splitter.addWidget(visits_box)
        self.splitter.addWidget(details_scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([430, 300])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(header)
        layout.addWidget(self.badge_area)
        layout.addSpacing(6)
        self.tabs = named(QTabWidget(), "chartTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.splitter, self.tr("Overview"))
        layout.addWidget(self.tabs, 1)

    def add_tab(self, widget: QWidget, title: str) -> None:
        self.tabs.addTab(widget, title)

    def _visit_activated(self, index: QModelIndex) -> None:
        visit = self.visits_model.visit_at(index.row())
        if visit is not None:
            self.visitOpened.emit(visit.id)

    def selected_visit_id(self) -> int | None:
        rows = self.visits_table.selectionModel().selectedRows()
        visit = self.visits_model.visit_at(rows[0].row()) if rows else None
        return visit.id if visit else None

    def show_patient(
        self, record: PatientRecord, visits: list[VisitSummary], today: dt.date | None = None
    ) -> None:
        today = today or dt.date.today()
        self.record = record
        name = record.display_name
        if record.preferred_name:
            name += f"  “{record.preferred_name}”"
        self.name_label.setText(name)
        born = record.date_of_birth
        assert born is not None
        parts = [
            f"{age_on(born, today)} years",
            f"born {describe_date(born)}",
            record.sex.label if record.sex.value != "not_recorded" else "",
            record.phone,
        ]
        self.subline.setText("  ·  ".join(part for part in parts if part))
        self.cause_line.setText(self._cause_text(record))
        self._show_badges(record)
        self._show_details(record)
        self.visits_model.set_visits(visits)
        self.visits_title.setText(self.tr(f"Visits ({len(visits)})"))
        self.empty_visits.setVisible(not visits)
        self.visits_table.setVisible(bool(visits))
        self.new_visit_button.setEnabled(not record.is_archived)
        self.edit_button.setEnabled(not record.is_archived)

    @staticmethod
    def _cause_text(record: PatientRecord) -> str:
        if record.neuropathy_cause is None:
            cause = "Cause of neuropathy not recorded"
        else:
            cause = record.neuropathy_cause.label
            detail = record.chemotherapy_agent or record.cause_details
            if detail and record.neuropathy_cause.value in ("chemotherapy", "other"):
                cause += f" ({detail.splitlines()[0]})"
        parts = [cause]
        if record.onset:
            parts.append(f"onset {describe_partial(record.onset)}")
        if record.limbs_affected:
            parts.append(describe_limbs(record.limbs_affected))
        return "  ·  ".join(parts)

    def _show_badges(self, record: PatientRecord) -> None:
        while (item := self.badges.takeAt(0)) is not None:
            if widget := item.widget():
                widget.hide()
                widget.deleteLater()
        badges: list[QLabel] = []
        if record.is_archived:
            badges.append(
                neutral_badge(
                    "Archived", "Hidden from the patient list; read-only.", "badge_archived"
                )
            )
        badges += [precaution_badge(flag) for flag in sorted(record.precautions, key=str)]
        if record.consent_date is None:
            badges.append(
                caution_badge(
                    "No consent on file",
                    "Record the informed-consent date before the first treatment.",
                    "badge_no_consent",
                )
            )
        for position, badge in enumerate(badges):
            row, column = divmod(position, BADGES_PER_ROW)
            self.badges.addWidget(badge, row, column)
        self.badges.setColumnStretch(BADGES_PER_ROW, 1)
        self.badge_area.setVisible(bool(badges))

    def _show_details(self, record: PatientRecord) -> None:
        while self.details.rowCount():
            self.details.removeRow(0)
        self.detail_labels.clear()
        consent = describe_date(record.consent_date) if record.consent_date else "Not on file"
        rows = (
            ("phone", "Phone", record.phone),
            ("email", "E-mail", record.email),
            ("address", "Address", record.address),
            ("emergency_contact", "Emergency contact", record.emergency_contact),
            ("referring_physician", "Referring physician", record.referring_physician),
            ("conditions", "Conditions", record.conditions),
            ("medications", "Medications", record.medications),
            ("allergies", "Allergies", record.allergies),
            ("consent", "Informed consent", consent),
            ("notes", "Notes", record.notes),
        )
        for key, title, value in rows:
            label = QLabel(value or "—")
            label.setObjectName(f"detail_{key}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setTextFormat(Qt.TextFormat.PlainText)
            self.detail_labels[key] = label
            title_label = QLabel(title + ":")
            title_label.setProperty("role", "fieldHint")
            self.details.addRow(title_label, label)
