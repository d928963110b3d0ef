"""Results of the foot sensory exam recorded on the body map (see DOMAIN.md)."""

from __future__ import annotations

import enum


class SensoryTest(enum.StrEnum):
    MONOFILAMENT = "monofilament"
    VIBRATION = "vibration"


class MonofilamentResult(enum.StrEnum):
    FELT = "felt"
    NOT_FELT = "not_felt"

    @property
    def label(self) -> str:
        return "Felt" if self is MonofilamentResult.FELT else "Not felt"


class VibrationResult(enum.StrEnum):
    PRESENT = "present"
    REDUCED = "reduced"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return self.value.capitalize()
