"""The chart's body-map tab: pick a visit, mark its map, and every change is saved at once."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from acuchart.bodymap.model import BodyMap
from acuchart.db.database import Database
from acuchart.ui.bodymap.editor import BodyMapEditor
from acuchart.ui.messages import open_message
from acuchart.ui.naming import named
from acuchart.ui.tasks import TaskRunner
from acuchart.visits import VisitStatus, VisitSummary


def export_file_name(patient_name: str, visit: VisitSummary) -> str:
    """'Patel-Hamid-2026-09-17-body-map.png': readable, and safe on every file system."""
    words = re.findall(r"\w+", patient_name)
    stem = "-".join(words) or "patient"
    return f"{stem}-{visit.started_at.astimezone():%Y-%m-%d}-body-map.png"


def visit_title(visit: VisitSummary) -> str:
    local = visit.started_at.astimezone()
    return f"{local:%d %b %Y, %H:%M} · {visit.practitioner_name} · {visit.status.label}"


class BodyMapPanel(QWidget):
    saved = Signal(int)  # visit id, after each save lands
    exported = Signal(str)  # the file written

    def __init__(self, database: Database, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("bodyMapPanel")
        self.database, self.tasks = database, tasks
        self.visits: list[VisitSummary] = []
        self.visit: VisitSummary | None = None
        self._wanted: int | None = None  # the visit to open once the tab is shown
        self.editor = BodyMapEditor()
        self.visit_choice = named(QComboBox(), "mapVisit")
        self.visit_choice.setMinimumContentsLength(28)
        self.state = named(QLabel(), "mapSaveState")
        self.state.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.empty = named(QLabel(self.tr("Start a visit to chart its body map.")), "mapNoVisit")
        self.empty.setProperty("role", "placeholder")
        self._submitted = 0
        self._landed = 0
        self._error_box: QMessageBox | None = None
        self.patient_name = ""
        self.export_button = named(QPushButton(self.tr("Export…")), "mapExport")
        self.export_button.setToolTip(
            self.tr("Save this visit's body map as a PNG or SVG picture (Ctrl+Shift+E)")
        )
        self.export_button.clicked.connect(self.ask_export)

        head = QHBoxLayout()
        head.addWidget(QLabel(self.tr("Visit:")))
        head.addWidget(self.visit_choice)
        head.addStretch(1)
        head.addWidget(self.state)
        head.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.empty)
        layout.addWidget(self.editor, 1)
        self.visit_choice.activated.connect(
            lambda index: self.open_visit(self.visits[index].id) if self.visits else None
        )
        self.editor.mapChanged.connect(self.save)
        self.editor.copyPreviousRequested.connect(self.copy_previous)
        self.editor.monofilamentSetChosen.connect(self.save_monofilament_set)
        self._setting_read = False

    def show_visits(
        self, visits: list[VisitSummary], current: int | None = None, patient_name: str = ""
    ) -> None:
        """The patient's visits, newest first; open ``current`` or the newest."""
        self.visits = visits
        self.patient_name = patient_name
        self.visit_choice.clear()
        for visit in visits:
            self.visit_choice.addItem(visit_title(visit), visit.id)
        self.empty.setVisible(not visits)
        self.editor.setVisible(bool(visits))
        self.visit_choice.setEnabled(bool(visits))
        self.export_button.setEnabled(bool(visits))
        if not visits:
            self.visit = self._wanted = None
            self.state.clear()
            return
        ids = [v.id for v in visits]
        self._wanted = current if current in ids else ids[0]
        if self.isVisible():
            self.open_visit(self._wanted)

    def showEvent(self, event: QShowEvent) -> None:
        """Load the map only when the tab is seen: browsing patients stays fast."""
        if self._wanted is not None:
            self.open_visit(self._wanted)
        super().showEvent(event)

    def open_visit(self, visit_id: int) -> None:
        from acuchart.services.body_maps import load_body_map
        from acuchart.services.notes import needled_points

        self._wanted = visit_id
        if self.visit is not None and self.visit.id == visit_id:
            return
        if not self.is_saved:
            self.tasks.wait_for_pending()  # the read below must see the saves still queued
        if not self._setting_read:
            self._read_monofilament_set()
        loaded = load_body_map(self.database, visit_id)
        self.visit = loaded.visit
        self.visit_choice.setCurrentIndex(self.visit_choice.findData(visit_id))
        signed = loaded.visit.status is VisitStatus.SIGNED
        self.editor.load(loaded.body_map, read_only=signed)
        self.editor.set_needled_points(needled_points(self.database, visit_id))
        self.state.setText(self.tr("Signed: read-only") if signed else self.tr("Saved"))

    def save(self, body_map: BodyMap) -> None:
        """Each change is written in its own transaction, in order, off the GUI thread."""
        from acuchart.services.body_maps import save_body_map

        visit = self.visit
        if visit is None:
            return
        self._submitted += 1
        number = self._submitted
        self.state.setText(self.tr("Saving…"))
        self.tasks.run(
            lambda: save_body_map(self.database, visit.id, body_map),
            lambda saved_at: self._landed_ok(number, visit.id, saved_at),
            lambda error: self._failed(number, error),
        )

    def _landed_ok(self, number: int, visit_id: int, saved_at: dt.datetime) -> None:
        self._landed = number
        if number == self._submitted:
            self.state.setStyleSheet("")
            self.state.setText(self.tr(f"Saved {saved_at.astimezone():%H:%M:%S}"))
        self.saved.emit(visit_id)

    def _failed(self, number: int, error: BaseException) -> None:
        self.state.setText(self.tr("Not saved"))
        self.state.setStyleSheet("color: #b00020; font-weight: 600;")
        self._error_box = open_message(
            self,
            self.tr("Body map not saved"),
            self.tr(f"The last change to the body map could not be saved:\n\n{error}"),
            "mapSaveError",
        )

    @property
    def is_saved(self) -> bool:
        return self._landed == self._submitted

    def copy_previous(self) -> None:
        from acuchart.services.body_maps import previous_map

        if self.visit is None:
            return
        previous = previous_map(self.database, self.visit.id)
        if previous is None:
            self.editor.hover_line.setText(self.tr("No earlier visit has a body map to copy."))
            return
        self.editor.copy_from(previous.body_map)
        self.editor.hover_line.setText(
            self.tr(f"Copied the map of {previous.visit.started_at.astimezone():%d %b %Y}.")
        )

    def _read_monofilament_set(self) -> None:
        from acuchart.bodymap.exam import MONOFILAMENT_SET_SETTING, parse_monofilament_set
        from acuchart.services.clinic import get_setting

        self._setting_read = True
        value = get_setting(self.database, MONOFILAMENT_SET_SETTING)
        self.editor.set_monofilament_set(parse_monofilament_set(value))

    def save_monofilament_set(self, value: str) -> None:
        """The clinic's choice of sites, kept for every patient and workstation."""
        from acuchart.bodymap.exam import MONOFILAMENT_SET_SETTING
        from acuchart.services.clinic import set_setting

        self.tasks.run(
            lambda: set_setting(self.database, MONOFILAMENT_SET_SETTING, value),
            lambda _: None,
            self._failed_setting,
        )

    def _failed_setting(self, error: BaseException) -> None:
        self._error_box = open_message(
            self,
            self.tr("Setting not saved"),
            self.tr(f"The monofilament set could not be saved:\n\n{error}"),
            "mapSettingError",
        )

    @property
    def export_visit(self) -> VisitSummary | None:
        """The visit an export would show: the one open, or the one waiting to open."""
        wanted = self._wanted if self.visit is None else self.visit.id
        return next((v for v in self.visits if v.id == wanted), None)

    def ask_export(self) -> None:
        visit = self.export_visit
        if visit is None:
            return
        from acuchart.ui import file_dialogs

        path = file_dialogs.ask_save_path(
            self,
            self.tr("Export body map"),
            Path(export_file_name(self.patient_name, visit)),
            self.tr("PNG picture (*.png);;SVG drawing (*.svg)"),
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, output: Path) -> None:
        """Write the open visit's map off the GUI thread, after the saves still queued."""
        from acuchart.ui.bodymap.export import export_visit_map

        visit = self.export_visit
        if visit is None:
            return
        if output.suffix.lower() not in (".png", ".svg"):
            output = output.with_suffix(".png")
        self.export_button.setEnabled(False)
        self.state.setText(self.tr("Exporting…"))
        self.tasks.run(
            lambda: export_visit_map(self.database, visit.id, output),
            self._exported,
            self._export_failed,
        )

    def _exported(self, written: Path) -> None:
        self.export_button.setEnabled(True)
        self.state.setStyleSheet("")
        self.state.setText(self.tr(f"Exported to {written.name}"))
        self.exported.emit(str(written))

    def _export_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.state.setText(self.tr("Not exported"))
        self._error_box = open_message(
            self,
            self.tr("Body map not exported"),
            self.tr(f"The body map could not be exported:\n\n{error}"),
            "mapExportError",
        )
