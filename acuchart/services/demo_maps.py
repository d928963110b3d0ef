"""Body maps for the demo clinic: a stocking-and-glove pattern that recedes over a course."""

from __future__ import annotations

import random

from acuchart.bodymap.exam import MonofilamentResult, VibrationResult
from acuchart.bodymap.geometry import FOOT_ZONES, HAND_ZONES, views_of
from acuchart.bodymap.model import BodyMap, make_stroke
from acuchart.bodymap.symptoms import Symptom
from acuchart.patients import Limb


def demo_body_map(
    rng: random.Random, limbs: frozenset[Limb], severity: int, progress: float, response: float
) -> BodyMap:
    """``severity`` 1–4 zones above the digits at baseline; ``progress`` 0 (first visit) to 1;
    ``response`` 0 (no change over the course) to 1 (a marked recession)."""
    body_map = BodyMap()
    reach = max(0, round(severity - progress * response * 2.5))
    strength = max(1, round(8 - progress * response * 5))
    for limb in sorted(limbs or {Limb.LEFT_FOOT, Limb.RIGHT_FOOT}):
        zones = FOOT_ZONES if "foot" in limb.value else HAND_ZONES
        limb_reach = min(len(zones) - 1, reach - (1 if "hand" in limb.value else 0))
        reached = zones[: max(1, limb_reach + 1)]
        for view in views_of(limb):
            for region in view.regions.values():
                if region.zone not in reached:
                    continue
                level = reached.index(region.zone)
                intensity = max(1, min(10, strength - level + rng.choice((-1, 0, 0, 1))))
                body_map = body_map.with_mark(view.id, region.id, Symptom.NUMBNESS, intensity)
                if level == 0 and view.surface.value != "dorsal":
                    body_map = body_map.with_mark(view.id, region.id, Symptom.BURNING, intensity)
                elif level == 0:
                    body_map = body_map.with_mark(view.id, region.id, Symptom.TINGLING, intensity)
            if view.surface.value == "plantar" and reach >= 1 and rng.random() < 0.5:
                # A patch of sharp pain under the ball of the foot that follows no region line.
                x = rng.uniform(-20, 20) * (1 if view.id.startswith("left") else -1)
                stroke = make_stroke(
                    view.id,
                    Symptom.SHARP,
                    strength,
                    9.0,
                    [(x, 312.0), (x + 8, 318.0), (x + 14, 316.0)],
                )
                body_map = body_map.with_stroke(stroke)
            if "foot" in limb.value:
                for site in view.sites:
                    felt = rng.random() < 0.35 + 0.5 * progress
                    result = MonofilamentResult.FELT if felt else MonofilamentResult.NOT_FELT
                    body_map = body_map.with_monofilament(limb, site.id, result)
        if "foot" in limb.value:
            vibration = (
                VibrationResult.ABSENT,
                VibrationResult.REDUCED,
                VibrationResult.PRESENT,
            )[min(2, int(progress * 2 + rng.random()))]
            body_map = body_map.with_vibration(limb, vibration)
    return body_map
