"""Outcome scores across a patient's visits: a flowsheet and what changed since the first.

Plain Python shared by the chart's Scores tab and the progress report. Score
names are those the note service stores: ``nrs.<item>``, ``pgic``, ``mnsi`` and
``named:<name>`` for totals from instruments we cannot embed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from acuchart.notes.scores import (
    MNSI_MAX,
    MNSI_THRESHOLD,
    NRS_MAX,
    Improvement,
    NrsChange,
    NrsItem,
    Pgic,
    nrs_band,
)

NRS_PREFIX = "nrs."
NAMED_PREFIX = "named:"
PGIC = "pgic"
MNSI = "mnsi"
PAIN_MEASURES = tuple(
    f"{NRS_PREFIX}{item.value}"
    for item in (NrsItem.PAIN_NOW, NrsItem.PAIN_AVERAGE, NrsItem.PAIN_WORST)
)
IMPROVEMENT_WORDS = {
    Improvement.SUBSTANTIAL: "substantial improvement",
    Improvement.MODERATE: "moderate improvement",
    Improvement.MINIMAL: "minimal improvement",
    Improvement.NONE: "no change",
    Improvement.WORSE: "worse",
}


@dataclass(frozen=True)
class Measure:
    """One row of the flowsheet: how to name, scale and read a score."""

    name: str
    label: str
    short_label: str
    kind: str  # "nrs", "pgic", "mnsi" or "named"
    scale_max: float | None  # None: free-form named score, scaled by its own values

    @property
    def lower_is_better(self) -> bool:
        """True for every score we chart; a named score's direction is unknown."""
        return self.kind != "named"


def measure_of(name: str) -> Measure:
    if name.startswith(NRS_PREFIX):
        item = NrsItem(name.removeprefix(NRS_PREFIX))
        return Measure(name, f"{item.label} (NRS)", item.short_label, "nrs", NRS_MAX)
    if name == PGIC:
        return Measure(name, "Global impression of change (PGIC)", "PGIC", "pgic", 7)
    if name == MNSI:
        return Measure(name, f"MNSI questionnaire (0–{MNSI_MAX})", "MNSI", "mnsi", MNSI_MAX)
    if name.startswith(NAMED_PREFIX):
        label = name.removeprefix(NAMED_PREFIX)
        return Measure(name, label, label, "named", None)
    raise ValueError(f"Unknown score name {name!r}")


def _order(name: str) -> tuple[int, int, str]:
    if name.startswith(NRS_PREFIX):
        items = [item.value for item in NrsItem]
        suffix = name.removeprefix(NRS_PREFIX)
        return (0, items.index(suffix) if suffix in items else len(items), name)
    if name == PGIC:
        return (1, 0, name)
    if name == MNSI:
        return (2, 0, name)
    return (3, 0, name.casefold())


@dataclass(frozen=True)
class ScoredVisit:
    visit_id: int
    started_at: dt.datetime
    signed: bool


@dataclass(frozen=True)
class ScoreRow:
    measure: Measure
    values: tuple[float | None, ...]  # one per visit of the flowsheet, oldest first

    @property
    def first(self) -> tuple[int, float] | None:
        return next(((i, v) for i, v in enumerate(self.values) if v is not None), None)

    @property
    def latest(self) -> tuple[int, float] | None:
        found = [(i, v) for i, v in enumerate(self.values) if v is not None]
        return found[-1] if found else None


@dataclass(frozen=True)
class ScoreFlowsheet:
    visits: tuple[ScoredVisit, ...]
    rows: tuple[ScoreRow, ...]

    def row(self, name: str) -> ScoreRow | None:
        return next((r for r in self.rows if r.measure.name == name), None)


def build_flowsheet(
    visits: Iterable[ScoredVisit], scores: Mapping[int, Mapping[str, float]]
) -> ScoreFlowsheet:
    """Rows for every score ever recorded; columns for visits that recorded any, oldest first."""
    scored = sorted(
        (v for v in visits if scores.get(v.visit_id)),
        key=lambda v: (v.started_at, v.visit_id),
    )
    names = sorted({name for v in scored for name in scores[v.visit_id]}, key=_order)
    rows = tuple(
        ScoreRow(measure_of(name), tuple(scores[v.visit_id].get(name) for v in scored))
        for name in names
        if _known(name)
    )
    return ScoreFlowsheet(tuple(scored), rows)


def _known(name: str) -> bool:
    try:
        measure_of(name)
    except ValueError:
        return False
    return True


def format_value(measure: Measure, value: float) -> str:
    if measure.kind == "mnsi":
        return f"{value:g}/{MNSI_MAX}"
    return f"{value:g}"


def describe_value(measure: Measure, value: float) -> str:
    """A tooltip: what the number means."""
    if measure.kind == "nrs":
        return f"{measure.label}: {value:g} of 10, {nrs_band(int(value))}"
    if measure.kind == "pgic":
        return f"PGIC {value:g}: {Pgic(int(value)).label.lower()}"
    if measure.kind == "mnsi":
        verdict = (
            f"suggests neuropathy (≥{MNSI_THRESHOLD})"
            if value >= MNSI_THRESHOLD
            else f"below the neuropathy threshold of {MNSI_THRESHOLD}"
        )
        return f"MNSI questionnaire {value:g} of {MNSI_MAX}: {verdict}"
    return f"{measure.label} = {value:g}"


def change_text(row: ScoreRow) -> str:
    """What changed from the first recorded value to the latest, in clinical words."""
    first, latest = row.first, row.latest
    if first is None or latest is None:
        return ""
    measure = row.measure
    if measure.kind == "pgic":
        return Pgic(int(latest[1])).label.lower()
    if first[0] == latest[0]:
        return "one visit only"
    before, after = first[1], latest[1]
    if before == after:
        return f"{before:g} → {after:g}: no change"
    if measure.kind == "nrs":
        change = NrsChange(int(before), int(after))
        percent = "" if change.percent is None else f", {signed(change.percent, '.0f')}%"
        return f"{before:g} → {after:g}{percent}: {IMPROVEMENT_WORDS[change.improvement]}"
    return f"{before:g} → {after:g} ({signed(after - before, 'g')})"


def signed(number: float, spec: str) -> str:
    """``+20`` or ``−50`` with a true minus sign, as printed figures use."""
    return ("+" if number > 0 else "−" if number < 0 else "") + format(abs(number), spec)


def nrs_improvement(row: ScoreRow) -> Improvement | None:
    """IMMPACT category from first to latest, for colouring; None when it doesn't apply."""
    first, latest = row.first, row.latest
    if row.measure.kind != "nrs" or first is None or latest is None or first[0] == latest[0]:
        return None
    return NrsChange(int(first[1]), int(latest[1])).improvement
