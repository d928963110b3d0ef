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


class MonofilamentSet(enum.StrEnum):
    """Which monofilament sites a clinic tests: a clinic setting (see DOMAIN.md)."""

    TEN_SITES = "ten_sites"
    IWGDF_THREE = "iwgdf_three"

    @property
    def label(self) -> str:
        if self is MonofilamentSet.TEN_SITES:
            return "10 sites"
        return "3 sites (IWGDF)"

    @property
    def site_ids(self) -> frozenset[str] | None:
        """The sites tested; None means every site drawn on the foot views."""
        if self is MonofilamentSet.IWGDF_THREE:
            return frozenset({"hallux", "met1", "met5"})
        return None


MONOFILAMENT_SET_SETTING = "monofilament_set"


def parse_monofilament_set(value: str) -> MonofilamentSet:
    """A stored setting, falling back to the 10-site default for anything unknown."""
    try:
        return MonofilamentSet(value)
    except ValueError:
        return MonofilamentSet.TEN_SITES
