"""Coloured badges for precaution flags and record states, readable in grayscale too."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from acuchart.patients import Precaution
from acuchart.ui.style import CAUTION_BADGE, DANGER_BADGE, NEUTRAL_BADGE

# Flags that change how (or whether) to needle are shown in red, the rest in amber.
DANGER_FLAGS = {
    Precaution.BLEEDING_RISK,
    Precaution.PACEMAKER_OR_IMPLANT,
    Precaution.OPEN_WOUND_OR_LOPS,
    Precaution.LOW_BLOOD_COUNTS,
    Precaution.PREGNANCY,
}


def make_badge(
    text: str, colours: tuple[str, str], tooltip: str = "", parent: QWidget | None = None
) -> QLabel:
    badge = QLabel(text, parent)
    badge.setProperty("role", "badge")
    background, foreground = colours
    badge.setStyleSheet(
        f"background: {background}; color: {foreground}; border: 1px solid {foreground};"
    )
    badge.setToolTip(tooltip)
    return badge


def precaution_badge(flag: Precaution, parent: QWidget | None = None) -> QLabel:
    colours = DANGER_BADGE if flag in DANGER_FLAGS else CAUTION_BADGE
    badge = make_badge("⚠ " + flag.label, colours, flag.description, parent)
    badge.setObjectName(f"badge_{flag.value}")
    return badge


def caution_badge(text: str, tooltip: str, name: str, parent: QWidget | None = None) -> QLabel:
    badge = make_badge(text, CAUTION_BADGE, tooltip, parent)
    badge.setObjectName(name)
    return badge


def neutral_badge(text: str, tooltip: str, name: str, parent: QWidget | None = None) -> QLabel:
    badge = make_badge(text, NEUTRAL_BADGE, tooltip, parent)
    badge.setObjectName(name)
    return badge
