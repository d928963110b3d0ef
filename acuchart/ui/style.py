"""The app's look: one calm palette and stylesheet, applied once at start."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#2f6f73"
ERROR = "#b3261e"
MUTED = "#5f6b6d"
DANGER_BADGE = ("#fbe3e1", "#8c1d18")
CAUTION_BADGE = ("#fdf0d5", "#7a4f01")
NEUTRAL_BADGE = ("#e6eaeb", "#3c4647")

STYLESHEET = f"""
QLabel#chartName {{ font-size: 20pt; font-weight: 600; }}
QLabel#chartSubline, QLabel#chartCause {{ color: {MUTED}; font-size: 11pt; }}
QLabel[role="section"] {{ font-weight: 600; font-size: 11pt; color: {ACCENT};
    padding-top: 6px; }}
QLabel[role="fieldError"] {{ color: {ERROR}; }}
QLabel[role="fieldHint"] {{ color: {MUTED}; }}
QLabel[role="placeholder"] {{ color: {MUTED}; font-size: 13pt; }}
QLabel[role="badge"] {{ border-radius: 9px; padding: 3px 10px; font-weight: 600; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"] {{
    border: 2px solid {ERROR}; border-radius: 3px; }}
QLineEdit#patientSearch {{ padding: 6px; font-size: 11pt; }}
QTableView {{ gridline-color: #e3e7e8; selection-background-color: {ACCENT}; }}
QTableView#scoreTable {{ selection-background-color: #dcebec; selection-color: #1b1b1b; }}
QGroupBox {{ font-weight: 600; margin-top: 14px; }}
QWidget#noteEditor QPlainTextEdit[readOnly="true"], QWidget#noteEditor QLineEdit[readOnly="true"] {{
    background: #f1f4f4; color: #1b1b1b; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; color: {ACCENT}; }}
"""


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f6f7f7"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f1f4f4"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Button, QColor("#eef1f1"))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)
