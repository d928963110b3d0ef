"""Checks on a session note: values it can never hold (every save) and what signing needs.

A draft is saved with whatever the practitioner has typed so far, as long as
each value is possible; completeness (the needle count) is asked only at signing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection
from dataclasses import replace

from acuchart.notes.model import SessionNote
from acuchart.notes.scores import (
    MAX_SCORE_NAME,
    MAX_SCORE_VALUE,
    MNSI_ITEM_COUNT,
    NRS_MAX,
    NRS_MIN,
)
from acuchart.validation import ValidationError, clean_text

MAX_TEXT = 20_000  # one field; about eight pages of typing
MAX_SHORT_TEXT = 200
MAX_POINTS = 80
MAX_NEEDLES = 300
MAX_RETENTION_MINUTES = 120
MAX_EA_MINUTES = 90
MAX_DEPTH_MM = 100.0
MAX_FREQUENCY_HZ = 200.0
MAX_LIST = 40
_FREQUENCY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(\d+(?:\.\d+)?))?\s*(?:hz)?\s*$", re.I)


def _texts(
    errors: dict[str, str],
) -> tuple[Callable[[str, str, str], str], Callable[[str, str, str], str]]:
    def long(value: str, label: str, field: str) -> str:
        return clean_text(
            value, label=label, max_length=MAX_TEXT, multiline=True, errors=errors, field=field
        )

    def short(value: str, label: str, field: str) -> str:
        return clean_text(value, label=label, max_length=MAX_SHORT_TEXT, errors=errors, field=field)

    return long, short


def _finite(value: float) -> bool:
    """A finite number; an int too large for a float (valid as a ``float`` type) is not."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def parse_frequency(text: str) -> tuple[float, ...] | None:
    """``"2/100"`` → (2.0, 100.0), ``"15 Hz"`` → (15.0,); None when it is not a frequency."""
    match = _FREQUENCY.match(text)
    if not match:
        return None
    return tuple(float(g) for g in match.groups() if g is not None)


def validate_note(note: SessionNote, known_points: Collection[str]) -> SessionNote:
    """The note with its text normalised, or ``ValidationError`` naming each impossible value."""
    errors: dict[str, str] = {}
    long, short = _texts(errors)
    s, o, a, p = note.subjective, note.objective, note.assessment, note.plan

    for item, value in s.nrs.items():
        if not NRS_MIN <= value <= NRS_MAX:
            errors[f"nrs.{item.value}"] = f"{item.label} must be 0–10, not {value}."
    subjective = replace(
        s,
        chief_complaint=long(s.chief_complaint, "Chief complaint", "chief_complaint"),
        change_since_last=long(s.change_since_last, "Change since last visit", "change"),
        medication_changes=long(s.medication_changes, "Medication changes", "medications"),
        text=long(s.text, "Subjective notes", "subjective"),
    )
    objective = replace(
        o,
        inspection=long(o.inspection, "Inspection notes", "inspection"),
        tongue_body=short(o.tongue_body, "Tongue body", "tongue_body"),
        tongue_coat=short(o.tongue_coat, "Tongue coat", "tongue_coat"),
        tongue_shape=short(o.tongue_shape, "Tongue shape", "tongue_shape"),
        pulse=short(o.pulse, "Pulse", "pulse"),
        text=long(o.text, "Objective notes", "objective"),
    )
    if len(a.patterns) > MAX_LIST or len(a.diagnoses) > MAX_LIST:
        errors["assessment"] = f"At most {MAX_LIST} patterns and {MAX_LIST} diagnoses."
    assessment = replace(
        a,
        patterns=tuple(short(x, "Pattern", "patterns") for x in a.patterns if x.strip()),
        pattern_notes=long(a.pattern_notes, "Pattern notes", "pattern_notes"),
        diagnoses=tuple(
            replace(
                d,
                code=short(d.code, "Diagnosis code", "diagnoses"),
                description=short(d.description, "Diagnosis", "diagnoses"),
            )
            for d in a.diagnoses
        ),
        progress=long(a.progress, "Progress", "progress"),
    )

    if len(p.points) > MAX_POINTS:
        errors["points"] = f"At most {MAX_POINTS} points in one visit."
    for point in p.points:
        if point.code not in known_points:
            errors["points"] = f"{point.code} is not a point in the library."
        if point.depth_mm is not None and not (
            _finite(point.depth_mm) and 0 < point.depth_mm <= MAX_DEPTH_MM
        ):
            errors["points"] = f"Depth at {point.code} must be 1–{MAX_DEPTH_MM:g} mm."
    if p.retention_minutes is not None and not 0 < p.retention_minutes <= MAX_RETENTION_MINUTES:
        errors["retention"] = f"Retention must be 1–{MAX_RETENTION_MINUTES} minutes."
    electro = []
    for pair in p.electro:
        label = f"Electro-acupuncture {pair.point_a}–{pair.point_b}"
        if pair.point_a not in known_points or pair.point_b not in known_points:
            errors["electro"] = f"{label}: both leads need a point from the library."
        frequency_text = short(pair.frequency, "Electro-acupuncture frequency", "electro")
        frequency = parse_frequency(frequency_text)
        if frequency is None or not all(0 < f <= MAX_FREQUENCY_HZ for f in frequency):
            errors["electro"] = (
                f"{label}: frequency must be like “2/100” or “15”, at most {MAX_FREQUENCY_HZ:g} Hz."
            )
        if not 0 < pair.minutes <= MAX_EA_MINUTES:
            errors["electro"] = f"{label}: time must be 1–{MAX_EA_MINUTES} minutes."
        electro.append(
            replace(
                pair,
                frequency=frequency_text,
                intensity=short(pair.intensity, "Electro-acupuncture intensity", "electro"),
            )
        )
    plan = replace(
        p,
        electro=tuple(electro),
        needle_gauge=short(p.needle_gauge, "Needle gauge", "needle_gauge"),
        needle_length=short(p.needle_length, "Needle length", "needle_length"),
        modalities=tuple(
            replace(m, detail=long(m.detail, "Modality detail", "modalities")) for m in p.modalities
        ),
        home_care=long(p.home_care, "Home care", "home_care"),
        next_visit=long(p.next_visit, "Next visit", "next_visit"),
    )

    needles = note.needles
    for count, label in ((needles.inserted, "Needles in"), (needles.removed, "Needles out")):
        if count is not None and not 0 <= count <= MAX_NEEDLES:
            errors["needles"] = f"{label} must be 0–{MAX_NEEDLES}."
    needles = replace(
        needles, resolution=long(needles.resolution, "Needle count resolution", "needles")
    )
    adverse = tuple(
        replace(
            event,
            action=long(event.action, "Action taken", "adverse"),
            detail=long(event.detail, "Adverse event", "adverse"),
        )
        for event in note.adverse_events
    )

    outcomes = note.outcomes
    if set(outcomes.mnsi) - set(range(1, MNSI_ITEM_COUNT + 1)):
        errors["mnsi"] = "The MNSI has items 1–15 only."
    named = []
    for score in outcomes.named:
        name = clean_text(
            score.name,
            label="Score name",
            max_length=MAX_SCORE_NAME,
            errors=errors,
            field="named_scores",
        )
        if not name and "named_scores" not in errors:
            errors["named_scores"] = f"A score needs a name of 1–{MAX_SCORE_NAME} characters."
        if not _finite(score.value) or abs(score.value) > MAX_SCORE_VALUE:
            errors["named_scores"] = f"{name}: {score.value} is not a plausible score."
        named.append(replace(score, name=name))
    if errors:
        raise ValidationError(errors)
    # Numbers in one type each, so a note reads back exactly as it was written (and hashed).
    outcomes = replace(
        outcomes,
        named=tuple(replace(score, value=float(score.value)) for score in named),
    )
    plan = replace(
        plan,
        points=tuple(
            replace(point, depth_mm=None if point.depth_mm is None else float(point.depth_mm))
            for point in plan.points
        ),
    )
    return replace(
        note,
        outcomes=outcomes,
        subjective=subjective,
        objective=objective,
        assessment=assessment,
        plan=plan,
        needles=needles,
        adverse_events=adverse,
    )


def signing_problems(note: SessionNote) -> list[str]:
    """What must be settled before a note can be signed; empty when it can be."""
    problems = []
    needles = note.needles
    if note.plan.points and not needles.counted:
        problems.append("Count the needles in and out before signing.")
    elif needles.counted and not needles.balanced and not needles.resolution.strip():
        problems.append(
            f"Needles in ({needles.inserted}) and out ({needles.removed}) differ: "
            "record how it was resolved before signing."
        )
    for event in note.adverse_events:
        if not event.action.strip():
            problems.append(f"Record the action taken for the adverse event “{event.kind.label}”.")
    if note.is_empty:
        problems.append("The note is empty.")
    return problems
