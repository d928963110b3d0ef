"""A chart tab whose figures are read in the worker: when it is shown, and again whenever
it is marked stale while showing (a note or map saved elsewhere)."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget


class PatientTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.patient_id: int | None = None
        self.stale = False

    def mark_stale(self) -> None:
        self.stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        if self.stale:
            self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        patient_id = self.patient_id
        if patient_id is None:
            return
        self.stale = False
        self.load(patient_id)

    def load(self, patient_id: int) -> None:
        """Start reading the patient's figures in the worker (each tab its own)."""
        raise NotImplementedError
