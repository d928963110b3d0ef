"""Outcome measures charted in the note: NRS, PGIC, the MNSI questionnaire and named scores.

Scoring follows DOMAIN.md exactly; instruments we may not embed (DN4, LANSS, …)
are recorded as a named total the practitioner types in.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass

NRS_MIN = 0
NRS_MAX = 10


class NrsItem(enum.StrEnum):
    PAIN_NOW = "pain_now"
    PAIN_AVERAGE = "pain_average"
    PAIN_WORST = "pain_worst"
    NUMBNESS = "numbness"
    TINGLING = "tingling"
    BURNING = "burning"
    SLEEP = "sleep"

    @property
    def label(self) -> str:
        return NRS_LABELS[self]

    @property
    def short_label(self) -> str:
        """For a row of score boxes; the tooltip carries the full label."""
        return {"pain_average": "Average pain", "pain_worst": "Worst pain", "sleep": "Sleep"}.get(
            self.value, self.label
        )


NRS_LABELS = {
    NrsItem.PAIN_NOW: "Pain now",
    NrsItem.PAIN_AVERAGE: "Pain, average (past week)",
    NrsItem.PAIN_WORST: "Pain, worst (past week)",
    NrsItem.NUMBNESS: "Numbness",
    NrsItem.TINGLING: "Tingling",
    NrsItem.BURNING: "Burning",
    NrsItem.SLEEP: "Sleep interference",
}


def nrs_band(value: int) -> str:
    """0 none, 1–3 mild, 4–6 moderate, 7–10 severe."""
    if value <= 0:
        return "none"
    if value <= 3:
        return "mild"
    if value <= 6:
        return "moderate"
    return "severe"


class Improvement(enum.StrEnum):
    SUBSTANTIAL = "substantial"
    MODERATE = "moderate"
    MINIMAL = "minimal"
    NONE = "none"
    WORSE = "worse"


@dataclass(frozen=True)
class NrsChange:
    baseline: int
    current: int

    @property
    def points(self) -> int:
        return self.current - self.baseline

    @property
    def percent(self) -> float | None:
        """Change as a share of the baseline (None when the baseline was 0)."""
        if self.baseline == 0:
            return None
        return (self.current - self.baseline) / self.baseline * 100

    @property
    def improvement(self) -> Improvement:
        """IMMPACT: a fall of ≥50% is substantial, ≥30% moderate (DOMAIN.md)."""
        if self.current > self.baseline:
            return Improvement.WORSE
        percent = self.percent
        if percent is None or self.current == self.baseline:
            return Improvement.NONE
        if percent <= -50:
            return Improvement.SUBSTANTIAL
        if percent <= -30:
            return Improvement.MODERATE
        return Improvement.MINIMAL

    @property
    def clinically_important(self) -> bool:
        """A fall of about 2 points or 30%."""
        percent = self.percent
        return self.points <= -2 or (percent is not None and percent <= -30)


class Pgic(enum.IntEnum):
    """Patient Global Impression of Change, 1 (very much improved) to 7 (very much worse)."""

    VERY_MUCH_IMPROVED = 1
    MUCH_IMPROVED = 2
    MINIMALLY_IMPROVED = 3
    NO_CHANGE = 4
    MINIMALLY_WORSE = 5
    MUCH_WORSE = 6
    VERY_MUCH_WORSE = 7

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


# The MNSI patient questionnaire (University of Michigan, freely available).
MNSI_QUESTIONS = (
    "Are your legs and/or feet numb?",
    "Do you ever have any burning pain in your legs and/or feet?",
    "Are your feet too sensitive to touch?",
    "Do you get muscle cramps in your legs and/or feet?",
    "Do you ever have any prickling feelings in your legs or feet?",
    "Does it hurt when the bed covers touch your skin?",
    "When you get into the tub or shower, can you tell the hot water from the cold water?",
    "Have you ever had an open sore on your foot?",
    "Has your doctor ever told you that you have diabetic neuropathy?",
    "Do you feel weak all over most of the time?",
    "Are your symptoms worse at night?",
    "Do your legs hurt when you walk?",
    "Are you able to sense your feet when you walk?",
    "Is the skin on your feet so dry that it cracks open?",
    "Have you ever had an amputation?",
)
MNSI_ITEM_COUNT = len(MNSI_QUESTIONS)
MNSI_YES_SCORES = frozenset({1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15})
MNSI_NO_SCORES = frozenset({7, 13})
MNSI_MAX = len(MNSI_YES_SCORES) + len(MNSI_NO_SCORES)  # 13
MNSI_THRESHOLD = 4  # ≥4 suggests neuropathy (some studies use ≥7)


@dataclass(frozen=True)
class MnsiResult:
    score: int
    answered: int

    @property
    def complete(self) -> bool:
        return self.answered == MNSI_ITEM_COUNT

    @property
    def suggests_neuropathy(self) -> bool:
        return self.score >= MNSI_THRESHOLD


def mnsi_score(answers: Mapping[int, bool]) -> MnsiResult:
    """Score 1 for "yes" on items 1–3, 5–6, 8–9, 11–12, 14–15 and for "no" on 7 and 13.

    ``answers`` maps item number (1–15) to yes (True) / no (False); unanswered
    items are absent. Items 4 and 10 are asked but never scored.
    """
    unknown = set(answers) - set(range(1, MNSI_ITEM_COUNT + 1))
    if unknown:
        raise ValueError(f"MNSI has items 1–15, not {sorted(unknown)}")
    score = sum(1 for item, yes in answers.items() if yes and item in MNSI_YES_SCORES)
    score += sum(1 for item, yes in answers.items() if not yes and item in MNSI_NO_SCORES)
    return MnsiResult(score=score, answered=len(answers))


MAX_SCORE_NAME = 60
MAX_SCORE_VALUE = 1_000_000


@dataclass(frozen=True)
class NamedScore:
    """A total from an instrument we cannot embed: "DN4 = 5"."""

    name: str
    value: float

    @property
    def display(self) -> str:
        number = f"{self.value:g}"
        return f"{self.name} = {number}"


def parse_named_score(text: str) -> NamedScore:
    """``"DN4 = 5"``, ``"LANSS: 14"`` or ``"painDETECT 19"`` → a named score; ValueError if not."""
    cleaned = text.strip()
    for separator in ("=", ":"):
        if separator in cleaned:
            name, _, value = cleaned.rpartition(separator)
            break
    else:
        name, _, value = cleaned.rpartition(" ")
    name, value = name.strip(), value.strip().replace(",", ".")
    if not name:
        raise ValueError("Write the score as a name and a number, such as “DN4 = 5”.")
    if len(name) > MAX_SCORE_NAME:
        raise ValueError(f"A score name has at most {MAX_SCORE_NAME} characters.")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"“{value}” is not a number: write it like “DN4 = 5”.") from None
    if not math.isfinite(number) or abs(number) > MAX_SCORE_VALUE:
        raise ValueError(f"“{value}” is not a plausible score.")
    return NamedScore(name=name, value=number)
