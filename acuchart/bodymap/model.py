"""A visit's body map: region marks, freehand strokes and the foot sensory exam.

Maps are immutable values: every edit returns a new map, which makes undo and
redo a matter of keeping the previous value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from acuchart.bodymap.exam import MonofilamentResult, VibrationResult
from acuchart.bodymap.geometry import (
    FOOT_LIMBS,
    Coordinate,
    SensorySite,
    View,
    all_views,
    mirror_view_id,
)
from acuchart.bodymap.symptoms import MAX_INTENSITY, MIN_INTENSITY, Symptom
from acuchart.patients import Limb
from acuchart.validation import ValidationError

MIN_BRUSH_MM = 1.0
MAX_BRUSH_MM = 40.0
MAX_POINTS_PER_STROKE = 2000
MAX_STROKES = 600
STROKE_PRECISION_MM = 0.1


MarkKey = tuple[str, str, Symptom]  # view id, region id, symptom


@dataclass(frozen=True)
class Stroke:
    """A freehand stroke in view millimetres; ``symptom`` None means an eraser stroke."""

    view_id: str
    symptom: Symptom | None
    intensity: int
    width: float
    points: tuple[Coordinate, ...]

    @property
    def is_eraser(self) -> bool:
        return self.symptom is None

    def mirrored(self) -> Stroke:
        return replace(
            self,
            view_id=mirror_view_id(self.view_id),
            points=tuple((_round(-x), y) for x, y in self.points),
        )


def _round(value: float) -> float:
    return round(value, 1) + 0.0  # +0.0 turns -0.0 into 0.0, so mirrored strokes compare equal


def make_stroke(
    view_id: str,
    symptom: Symptom | None,
    intensity: int,
    width: float,
    points: Iterable[Coordinate],
) -> Stroke:
    """A stroke as drawn by hand: rounded to 0.1 mm and thinned where points add nothing."""
    from shapely.geometry import LineString

    raw = [(_round(x), _round(y)) for x, y in points]
    deduplicated = [p for i, p in enumerate(raw) if i == 0 or p != raw[i - 1]]
    if len(deduplicated) > 2:
        line = LineString(deduplicated).simplify(STROKE_PRECISION_MM * 2)
        deduplicated = [(_round(x), _round(y)) for x, y in line.coords]
    return Stroke(
        view_id, symptom, 0 if symptom is None else intensity, round(width, 1), tuple(deduplicated)
    )


@dataclass(frozen=True)
class BodyMap:
    marks: Mapping[MarkKey, int] = field(default_factory=dict)
    strokes: tuple[Stroke, ...] = ()
    monofilament: Mapping[tuple[Limb, str], MonofilamentResult] = field(default_factory=dict)
    vibration: Mapping[Limb, VibrationResult] = field(default_factory=dict)
    # Shapes computed from this value, kept with it (see metrics.py); not part of equality.
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_empty(self) -> bool:
        return not (self.marks or self.strokes or self.monofilament or self.vibration)

    @property
    def symptoms(self) -> list[Symptom]:
        """The symptoms charted, by marks or paint, in the legend's order."""
        return [
            symptom
            for symptom in Symptom
            if any(key[2] is symptom for key in self.marks)
            or any(stroke.symptom is symptom for stroke in self.strokes)
        ]

    @property
    def has_drawing(self) -> bool:
        return bool(self.marks or self.strokes)

    def marks_in(self, view_id: str, region_id: str) -> dict[Symptom, int]:
        return {s: i for (v, r, s), i in self.marks.items() if v == view_id and r == region_id}

    def with_mark(self, view_id: str, region_id: str, symptom: Symptom, intensity: int) -> BodyMap:
        marks = dict(self.marks)
        marks[(view_id, region_id, symptom)] = intensity
        return replace(self, marks=marks, cache={})

    def without_marks(
        self, view_id: str, region_id: str, symptom: Symptom | None = None
    ) -> BodyMap:
        marks = {
            key: value
            for key, value in self.marks.items()
            if not (key[0] == view_id and key[1] == region_id and symptom in (None, key[2]))
        }
        return replace(self, marks=marks, cache={})

    def with_stroke(self, stroke: Stroke) -> BodyMap:
        return replace(self, strokes=(*self.strokes, stroke), cache={})

    def cleared(self, view_id: str) -> BodyMap:
        """Without the marks and strokes of one view (the sensory exam stays)."""
        return replace(
            self,
            marks={k: v for k, v in self.marks.items() if k[0] != view_id},
            strokes=tuple(s for s in self.strokes if s.view_id != view_id),
            cache={},
        )

    def mirrored(self, from_side: str) -> BodyMap:
        """Copy one side's drawing onto the other side, replacing what was there."""
        if from_side not in ("left", "right"):
            raise ValueError(from_side)

        def on_source(view_id: str) -> bool:
            return view_id.startswith(from_side + "_")

        marks = {k: v for k, v in self.marks.items() if on_source(k[0])}
        marks |= {(mirror_view_id(v), r, s): i for (v, r, s), i in marks.items()}
        kept = tuple(s for s in self.strokes if on_source(s.view_id))
        return replace(
            self, marks=marks, strokes=kept + tuple(s.mirrored() for s in kept), cache={}
        )

    def drawing_only(self) -> BodyMap:
        """Marks and strokes without the exam: what 'copy the previous visit' carries over."""
        return BodyMap(marks=dict(self.marks), strokes=self.strokes)

    def with_drawing_of(self, other: BodyMap) -> BodyMap:
        return replace(self, marks=dict(other.marks), strokes=other.strokes, cache={})

    def with_monofilament(
        self, limb: Limb, site_id: str, result: MonofilamentResult | None
    ) -> BodyMap:
        results = dict(self.monofilament)
        if result is None:
            results.pop((limb, site_id), None)
        else:
            results[(limb, site_id)] = result
        return replace(self, monofilament=results, cache={})

    def with_vibration(self, limb: Limb, result: VibrationResult | None) -> BodyMap:
        results = dict(self.vibration)
        if result is None:
            results.pop(limb, None)
        else:
            results[limb] = result
        return replace(self, vibration=results, cache={})


def next_monofilament_result(current: MonofilamentResult | None) -> MonofilamentResult | None:
    """Clicking a site cycles: not tested → felt → not felt → not tested."""
    order: list[MonofilamentResult | None] = [
        None,
        MonofilamentResult.FELT,
        MonofilamentResult.NOT_FELT,
    ]
    return order[(order.index(current) + 1) % len(order)]


def monofilament_site_ids(limb: Limb) -> list[str]:
    """Every monofilament site drawn on the views of one foot."""
    return [site.id for view in all_views().values() if view.limb == limb for site in view.sites]


def sites_shown(
    view: View, body_map: BodyMap, chosen: frozenset[str] | None
) -> tuple[SensorySite, ...]:
    """The sites of the clinic's set, plus any site that already holds a result (never hidden)."""
    return tuple(
        site
        for site in view.sites
        if chosen is None or site.id in chosen or (view.limb, site.id) in body_map.monofilament
    )


def monofilament_counts(
    body_map: BodyMap, limb: Limb, chosen: frozenset[str] | None
) -> tuple[int, int, int]:
    """Felt, not felt and not tested among the sites shown for one foot."""
    shown = {
        site.id
        for view in all_views().values()
        if view.limb == limb
        for site in sites_shown(view, body_map, chosen)
    }
    results = [body_map.monofilament.get((limb, site_id)) for site_id in shown]
    felt = results.count(MonofilamentResult.FELT)
    not_felt = results.count(MonofilamentResult.NOT_FELT)
    return felt, not_felt, len(shown) - felt - not_felt


def _finite(value: float) -> bool:
    """A finite number; an int too large for a float (valid as a ``float`` type) is not."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def validate_body_map(body_map: BodyMap) -> None:
    """Raise ``ValidationError`` when a map refers to unknown places or holds impossible values."""
    views = all_views()
    errors: dict[str, str] = {}
    for (view_id, region_id, _symptom), intensity in body_map.marks.items():
        view = views.get(view_id)
        if view is None or region_id not in view.regions:
            errors["marks"] = f"Unknown body region {view_id}/{region_id}."
        elif not MIN_INTENSITY <= intensity <= MAX_INTENSITY:
            errors["marks"] = f"Intensity must be {MIN_INTENSITY}–{MAX_INTENSITY}."
    if len(body_map.strokes) > MAX_STROKES:
        errors["strokes"] = f"A map holds at most {MAX_STROKES} strokes; clear a view first."
    for stroke in body_map.strokes:
        view = views.get(stroke.view_id)
        if view is None:
            errors["strokes"] = f"Unknown view {stroke.view_id}."
            continue
        x0, y0, width, height = view.view_box
        if not MIN_BRUSH_MM <= stroke.width <= MAX_BRUSH_MM:
            errors["strokes"] = f"Brush width must be {MIN_BRUSH_MM:g}–{MAX_BRUSH_MM:g} mm."
        elif not 1 <= len(stroke.points) <= MAX_POINTS_PER_STROKE:
            errors["strokes"] = "A stroke needs 1 to 2000 points."
        elif any(
            not (_finite(x) and _finite(y))
            or not (x0 - 50 <= x <= x0 + width + 50 and y0 - 50 <= y <= y0 + height + 50)
            for x, y in stroke.points
        ):
            errors["strokes"] = "A stroke lies outside its view."
        elif not stroke.is_eraser and not MIN_INTENSITY <= stroke.intensity <= MAX_INTENSITY:
            errors["strokes"] = f"Intensity must be {MIN_INTENSITY}–{MAX_INTENSITY}."
    for limb, site_id in body_map.monofilament:
        if limb not in FOOT_LIMBS or site_id not in monofilament_site_ids(limb):
            errors["monofilament"] = f"Unknown monofilament site {limb}/{site_id}."
    for limb in body_map.vibration:
        if limb not in FOOT_LIMBS:
            errors["vibration"] = "Vibration is tested at the great toe of each foot."
    if errors:
        raise ValidationError(errors)
