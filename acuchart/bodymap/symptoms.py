"""Symptoms charted on the body map, with the key, colour and hatch each one is drawn with.

Colours are from the Okabe–Ito palette (told apart by people with the common
colour-vision deficiencies); each symptom also has its own hatch, so a map
stays readable in grayscale print.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

MIN_INTENSITY = 1
MAX_INTENSITY = 10


class Hatch(enum.StrEnum):
    DIAGONAL_UP = "diagonal_up"
    DIAGONAL_DOWN = "diagonal_down"
    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"
    GRID = "grid"
    DIAGONAL_GRID = "diagonal_grid"
    DOTS = "dots"
    DASHES = "dashes"
    RINGS = "rings"


Segment = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class HatchTile:
    """One repeat of a hatch in a unit square: lines and dots (centre, radius)."""

    lines: tuple[Segment, ...] = ()
    dots: tuple[tuple[float, float, float], ...] = ()
    rings: tuple[tuple[float, float, float], ...] = ()


_UP: Segment = ((0.0, 1.0), (1.0, 0.0))
_DOWN: Segment = ((0.0, 0.0), (1.0, 1.0))
_HORIZONTAL: Segment = ((0.0, 0.5), (1.0, 0.5))
_VERTICAL: Segment = ((0.5, 0.0), (0.5, 1.0))

HATCH_TILES: dict[Hatch, HatchTile] = {
    Hatch.DIAGONAL_UP: HatchTile(lines=(_UP,)),
    Hatch.DIAGONAL_DOWN: HatchTile(lines=(_DOWN,)),
    Hatch.HORIZONTAL: HatchTile(lines=(_HORIZONTAL,)),
    Hatch.VERTICAL: HatchTile(lines=(_VERTICAL,)),
    Hatch.GRID: HatchTile(lines=(_HORIZONTAL, _VERTICAL)),
    Hatch.DIAGONAL_GRID: HatchTile(lines=(_UP, _DOWN)),
    Hatch.DOTS: HatchTile(dots=((0.25, 0.25, 0.11), (0.75, 0.75, 0.11))),
    Hatch.DASHES: HatchTile(lines=(((0.1, 0.25), (0.55, 0.25)), ((0.55, 0.75), (1.0, 0.75)))),
    Hatch.RINGS: HatchTile(rings=((0.5, 0.5, 0.26),)),
}


@dataclass(frozen=True)
class SymptomStyle:
    label: str
    key: str  # the letter that picks it on the keyboard
    colour: str  # '#rrggbb'
    hatch: Hatch


class Symptom(enum.StrEnum):
    BURNING = "burning"
    TINGLING = "tingling"
    NUMBNESS = "numbness"
    SHARP = "sharp"
    THROBBING = "throbbing"
    COLD = "cold"
    ALLODYNIA = "allodynia"
    ITCHING = "itching"
    OTHER = "other"

    @property
    def style(self) -> SymptomStyle:
        return SYMPTOM_STYLES[self]

    @property
    def label(self) -> str:
        return SYMPTOM_STYLES[self].label


SYMPTOM_STYLES: dict[Symptom, SymptomStyle] = {
    Symptom.BURNING: SymptomStyle("Burning", "B", "#D55E00", Hatch.DIAGONAL_UP),
    Symptom.TINGLING: SymptomStyle("Tingling / pins and needles", "T", "#E69F00", Hatch.DOTS),
    Symptom.NUMBNESS: SymptomStyle("Numbness", "N", "#0072B2", Hatch.HORIZONTAL),
    Symptom.SHARP: SymptomStyle("Sharp / shooting", "S", "#CC79A7", Hatch.DIAGONAL_DOWN),
    Symptom.THROBBING: SymptomStyle("Throbbing", "H", "#882255", Hatch.GRID),
    Symptom.COLD: SymptomStyle("Cold", "C", "#56B4E9", Hatch.VERTICAL),
    Symptom.ALLODYNIA: SymptomStyle("Allodynia (touch hurts)", "A", "#009E73", Hatch.DIAGONAL_GRID),
    Symptom.ITCHING: SymptomStyle("Itching", "I", "#999933", Hatch.DASHES),
    Symptom.OTHER: SymptomStyle("Other", "O", "#555555", Hatch.RINGS),
}


def fill_opacity(intensity: int) -> float:
    """Stronger symptoms are drawn with a denser tint: 1 → 0.18, 10 → 0.6."""
    clamped = min(MAX_INTENSITY, max(MIN_INTENSITY, intensity))
    return round(0.18 + (clamped - 1) * (0.42 / 9), 3)
