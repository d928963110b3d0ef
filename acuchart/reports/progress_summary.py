"""The progress report's summary, written from the data in plain sentences.

"Average pain fell from 7 to 4 (−43%), a moderate improvement by IMMPACT
criteria." Plain Python, so every sentence is unit-tested.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from acuchart.bodymap.geometry import FOOT_LIMBS, HAND_LIMBS, Zone
from acuchart.bodymap.metrics import MapSummary
from acuchart.notes.scores import Improvement, NrsChange, Pgic
from acuchart.notes.timeline import ScoreFlowsheet, ScoreRow, signed
from acuchart.patients import Limb

# Which NRS rows the summary speaks of, and how it names them in a sentence.
SUMMARY_MEASURES = (
    ("nrs.pain_average", "average pain"),
    ("nrs.pain_now", "pain at the visit"),
    ("nrs.pain_worst", "worst pain"),
    ("nrs.numbness", "numbness"),
    ("nrs.tingling", "tingling"),
    ("nrs.burning", "burning"),
    ("nrs.sleep", "sleep interference"),
)

_VERDICT = {
    Improvement.SUBSTANTIAL: "a substantial improvement by IMMPACT criteria",
    Improvement.MODERATE: "a moderate improvement by IMMPACT criteria",
    Improvement.MINIMAL: "a small change, below the IMMPACT threshold of 30%",
    Improvement.WORSE: "worse than at the first visit",
}


@dataclass(frozen=True)
class CourseFigure:
    """One visit's body-map figures, for the summary and the area trend."""

    summary: MapSummary
    charted: bool  # False when nothing was drawn at that visit


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def nrs_sentence(row: ScoreRow, name: str) -> str | None:
    first, latest = row.first, row.latest
    if first is None or latest is None or first[0] == latest[0]:
        return None
    before, after = int(first[1]), int(latest[1])
    if before == after:
        return f"{_capital(name)} is unchanged at {before} of 10."
    change = NrsChange(before, after)
    verb = "fell" if after < before else "rose"
    percent = f" ({signed(change.percent, '.0f')}%)" if change.percent is not None else ""
    verdict = _VERDICT.get(change.improvement)
    tail = f", {verdict}" if verdict else ""
    return f"{_capital(name)} {verb} from {before} to {after}{percent}{tail}."


def _pgic_sentence(flowsheet: ScoreFlowsheet) -> str | None:
    row = flowsheet.row("pgic")
    if row is None or row.latest is None:
        return None
    pgic = Pgic(int(row.latest[1]))
    return (
        f"At the latest rating the overall change was judged “{pgic.label.lower()}” "
        f"(PGIC {int(pgic)} of 7)."
    )


def _mnsi_sentence(flowsheet: ScoreFlowsheet) -> str | None:
    row = flowsheet.row("mnsi")
    if row is None or row.first is None or row.latest is None:
        return None
    before, after = row.first[1], row.latest[1]
    if row.first[0] == row.latest[0]:
        return f"The MNSI questionnaire scored {before:g} of 13."
    return f"The MNSI questionnaire went from {before:g} to {after:g} of 13."


def _furthest_zone(summary: MapSummary, limbs: Sequence[Limb]) -> Zone | None:
    zones = [summary.extent.get(limb) for limb in limbs]
    reached = [zone for zone in zones if zone is not None]
    if not reached:
        return None
    order = list(Zone)
    return max(reached, key=order.index)


def area_sentences(figures: Sequence[CourseFigure]) -> list[str]:
    charted = [figure for figure in figures if figure.charted]
    if len(charted) < 2:
        return []
    first, latest = charted[0].summary, charted[-1].summary
    sentences = []
    if round(first.overall, 1) == round(latest.overall, 1):
        sentences.append(
            f"The affected area is unchanged at {first.overall:.0f}% of hands and feet."
        )
    else:
        verb = "shrank" if latest.overall < first.overall else "grew"
        sentences.append(
            f"The affected area {verb} from {first.overall:.0f}% to {latest.overall:.0f}% "
            "of hands and feet."
        )
    for limbs, name in ((FOOT_LIMBS, "feet"), (HAND_LIMBS, "hands")):
        before, after = _furthest_zone(first, limbs), _furthest_zone(latest, limbs)
        if before is not None and after is not None and before != after:
            sentences.append(
                f"In the {name}, symptoms now reach the {after.label} "
                f"(at first the {before.label})."
            )
    return sentences


def summary_sentences(flowsheet: ScoreFlowsheet, figures: Sequence[CourseFigure]) -> list[str]:
    """What changed over the course, most important first; empty when too little is recorded."""
    sentences = []
    for name, words in SUMMARY_MEASURES:
        row = flowsheet.row(name)
        if row is not None and (sentence := nrs_sentence(row, words)):
            sentences.append(sentence)
    sentences += area_sentences(figures)
    for extra in (_pgic_sentence(flowsheet), _mnsi_sentence(flowsheet)):
        if extra:
            sentences.append(extra)
    return sentences
