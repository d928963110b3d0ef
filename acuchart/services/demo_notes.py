"""Session notes for the demo clinic: scores that improve with the course, usual treatments."""

from __future__ import annotations

import random

from acuchart.notes.model import (
    Assessment,
    Diagnosis,
    ElectroPair,
    Finding,
    NeedleCount,
    NeedledPoint,
    Objective,
    Outcomes,
    Plan,
    Reflex,
    SessionNote,
    Side,
    Subjective,
)
from acuchart.notes.scores import MNSI_ITEM_COUNT, NrsItem, Pgic
from acuchart.patients import Limb, NeuropathyCause

DIAGNOSES = {
    NeuropathyCause.DIABETES_TYPE_2: Diagnosis(
        "E11.42", "Type 2 diabetes mellitus with diabetic polyneuropathy"
    ),
    NeuropathyCause.DIABETES_TYPE_1: Diagnosis(
        "E10.42", "Type 1 diabetes mellitus with diabetic polyneuropathy"
    ),
    NeuropathyCause.CHEMOTHERAPY: Diagnosis("G62.0", "Drug-induced polyneuropathy"),
    NeuropathyCause.ALCOHOL: Diagnosis("G62.1", "Alcoholic polyneuropathy"),
    NeuropathyCause.IDIOPATHIC: Diagnosis(
        "G60.9", "Hereditary and idiopathic neuropathy, unspecified"
    ),
}
FEET_POINTS = ("ST36", "SP6", "LR3", "ST41", "GB41", "EX-LE10")
HAND_POINTS = ("LI4", "LI11", "PC7", "TE5", "EX-UE9")
COMPLAINTS = (
    "Burning and tingling in both feet, worse at night",
    "Numb toes, pins and needles in the soles when walking",
    "Tingling fingertips, dropping things; feet feel cold",
    "Sharp shooting pains in the feet in the evening",
)
CHANGES = (
    "About the same as last week.",
    "Slept better for three nights after the last treatment.",
    "Tingling eased for two days, then returned, milder.",
    "Less burning at night; still numb in the toes.",
    "Walking further before the soles start to burn.",
)


def demo_note(
    rng: random.Random,
    cause: NeuropathyCause | None,
    limbs: frozenset[Limb],
    visit_number: int,
    progress: float,
    response: float,
) -> SessionNote:
    """A plausible note: pain falls by up to ``response`` × 60% over the course."""
    relief = progress * response * 0.6
    baseline = rng.choice((6, 7, 8))

    def score(start: int) -> int:
        return max(0, min(10, round(start * (1 - relief)) + rng.choice((-1, 0, 0, 1))))

    hands = bool(limbs & {Limb.LEFT_HAND, Limb.RIGHT_HAND})
    points = FEET_POINTS + (HAND_POINTS if hands else ())
    count = sum(4 if code.startswith("EX-") else 1 for code in points) * 2  # both sides
    first = visit_number == 0
    diagnosis = DIAGNOSES.get(cause or NeuropathyCause.OTHER)
    return SessionNote(
        subjective=Subjective(
            chief_complaint=rng.choice(COMPLAINTS),
            change_since_last="First visit." if first else rng.choice(CHANGES),
            nrs={
                NrsItem.PAIN_NOW: score(baseline - 1),
                NrsItem.PAIN_AVERAGE: score(baseline),
                NrsItem.PAIN_WORST: score(min(10, baseline + 2)),
                NrsItem.NUMBNESS: score(7),
                NrsItem.TINGLING: score(6),
                NrsItem.BURNING: score(baseline - 1),
                NrsItem.SLEEP: score(6),
            },
        ),
        objective=Objective(
            findings_feet=frozenset({Finding.DRY_CRACKED, Finding.COOL})
            if rng.random() < 0.4
            else frozenset({Finding.CALLUS}),
            reflex_left=Reflex.REINFORCEMENT,
            reflex_right=Reflex.REINFORCEMENT if rng.random() < 0.7 else Reflex.ABSENT,
            tongue_body=rng.choice(("pale", "pale-red (normal)", "purple")),
            tongue_coat=rng.choice(("thin white", "greasy")),
            pulse=rng.choice(("thready (thin)", "choppy", "weak")),
        ),
        assessment=Assessment(
            patterns=(rng.choice(("Qi deficiency with Blood stasis", "Qi and Blood deficiency")),),
            diagnoses=(diagnosis,) if diagnosis else (),
            progress="" if first else "Responding; continue the same plan.",
        ),
        plan=Plan(
            points=tuple(NeedledPoint(code, Side.BOTH) for code in points),
            needle_gauge="0.20 mm (36 G)",
            needle_length="30 mm",
            retention_minutes=25,
            electro=(ElectroPair("ST36", "EX-LE10", "2/100", minutes=20),),
            home_care="Check both feet every evening; warm (not hot) foot soaks; gentle walking.",
            next_visit="In one week",
        ),
        needles=NeedleCount(count, count),
        outcomes=Outcomes(
            pgic=None if first else Pgic(max(1, min(7, round(4 - relief * 5)))),
            # At intake and at each review (every sixth visit).
            mnsi={item: rng.random() < 0.6 - relief for item in range(1, MNSI_ITEM_COUNT + 1)}
            if visit_number % 6 == 0
            else {},
        ),
    )
