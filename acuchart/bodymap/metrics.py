"""Numbers from a body map, computed from the real geometry with shapely.

Affected area is the union of marked regions and freehand paint (after later
eraser strokes), clipped to the outline, so overlaps count once. shapely is
imported by the functions that need it, so importing this module stays cheap.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from acuchart.bodymap.geometry import (
    FOOT_LIMBS,
    HAND_LIMBS,
    VIEW_IDS,
    Zone,
    all_views,
    get_view,
    mirror_view_id,
    views_of,
)
from acuchart.bodymap.model import BodyMap, Stroke
from acuchart.bodymap.symptoms import Symptom
from acuchart.patients import Limb

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

# A zone counts towards the proximal extent when at least this share of it is affected,
# so a brush stroke that grazes a border does not move the extent.
EXTENT_THRESHOLD = 0.02
# A freehand stroke counts for a region's change when it covers this share of the region.
REGION_COVER_THRESHOLD = 0.2


def stroke_shape(stroke: Stroke) -> BaseGeometry:
    from shapely.geometry import LineString, Point

    radius = stroke.width / 2
    if len(stroke.points) == 1:
        return Point(stroke.points[0]).buffer(radius, quad_segs=8)
    return LineString(stroke.points).buffer(radius, quad_segs=8)


def painted_strokes(body_map: BodyMap, view_id: str) -> list[tuple[Stroke, BaseGeometry]]:
    """Each paint stroke of a view with what remains of it after later erasers, clipped."""
    key = ("painted", view_id)
    if key in body_map.cache:
        cached: list[tuple[Stroke, BaseGeometry]] = body_map.cache[key]
        return cached
    outline = get_view(view_id).outline
    result: list[tuple[Stroke, BaseGeometry]] = []
    for stroke in (s for s in body_map.strokes if s.view_id == view_id):
        shape = stroke_shape(stroke)
        if stroke.is_eraser:
            result = [(s, g.difference(shape)) for s, g in result]
        else:
            result.append((stroke, shape.intersection(outline)))
    result = [(s, g) for s, g in result if not g.is_empty]
    body_map.cache[key] = result
    return result


def affected_shape(body_map: BodyMap, view_id: str, symptom: Symptom | None = None) -> BaseGeometry:
    """Everything marked on a view (any symptom, or one), as one shape."""
    key = ("affected", view_id, symptom)
    if key in body_map.cache:
        cached: BaseGeometry = body_map.cache[key]
        return cached
    view = get_view(view_id)
    parts = [
        view.regions[region_id].shape
        for (v, region_id, s) in body_map.marks
        if v == view_id and symptom in (None, s)
    ]
    parts += [
        g for stroke, g in painted_strokes(body_map, view_id) if symptom in (None, stroke.symptom)
    ]
    from shapely.geometry import Point
    from shapely.ops import unary_union

    shape = unary_union(parts) if parts else Point(0, 0).buffer(0)
    body_map.cache[key] = shape
    return shape


def _marks_index(body_map: BodyMap) -> dict[tuple[str, Symptom | None], frozenset[str]]:
    """Marked regions by (view, symptom) and by (view, None), built once per map value:
    a course's figures ask for them thousands of times."""
    key = ("marks index",)
    if key not in body_map.cache:
        index: dict[tuple[str, Symptom | None], set[str]] = {}
        for view_id, region_id, symptom in body_map.marks:
            index.setdefault((view_id, None), set()).add(region_id)
            index.setdefault((view_id, symptom), set()).add(region_id)
        body_map.cache[key] = {group: frozenset(regions) for group, regions in index.items()}
    cached: dict[tuple[str, Symptom | None], frozenset[str]] = body_map.cache[key]
    return cached


def marked_regions(
    body_map: BodyMap, view_id: str, symptom: Symptom | None = None
) -> frozenset[str]:
    return _marks_index(body_map).get((view_id, symptom), frozenset())


def has_paint(body_map: BodyMap, view_id: str) -> bool:
    key = ("painted views",)
    if key not in body_map.cache:
        body_map.cache[key] = frozenset(
            stroke.view_id for stroke in body_map.strokes if not stroke.is_eraser
        )
    return view_id in body_map.cache[key]


def affected_area(body_map: BodyMap, view_id: str, symptom: Symptom | None = None) -> float:
    """Area of ``affected_shape``; regions never overlap, so without paint it is a plain sum."""
    if not has_paint(body_map, view_id):
        regions = get_view(view_id).regions
        return sum(regions[r].area for r in marked_regions(body_map, view_id, symptom))
    return float(affected_shape(body_map, view_id, symptom).area)


def _share(parts: Iterable[tuple[float, float]]) -> float:
    affected, total = (sum(values) for values in zip(*parts, strict=True))
    return 100.0 * affected / total if total else 0.0


def view_percent(body_map: BodyMap, view_id: str, symptom: Symptom | None = None) -> float:
    return 100.0 * affected_area(body_map, view_id, symptom) / get_view(view_id).outline_area


def limb_percent(body_map: BodyMap, limb: Limb, symptom: Symptom | None = None) -> float:
    return _share((affected_area(body_map, v.id, symptom), v.outline_area) for v in views_of(limb))


def overall_percent(body_map: BodyMap, symptom: Symptom | None = None) -> float:
    return _share((affected_area(body_map, v, symptom), get_view(v).outline_area) for v in VIEW_IDS)


def proximal_extent(body_map: BodyMap, limb: Limb) -> Zone | None:
    """The highest zone of a limb with symptoms: toes → … → lower leg, fingers → … → forearm."""
    views = views_of(limb)
    highest: Zone | None = None
    for zone in views[0].zones:
        affected = total = 0.0
        for view in views:
            if has_paint(body_map, view.id):
                shape = zone_shape(view.id, zone)
                affected += affected_shape(body_map, view.id).intersection(shape).area
            else:
                affected += sum(
                    view.regions[r].area
                    for r in marked_regions(body_map, view.id)
                    if view.regions[r].zone is zone
                )
            total += zone_area(view.id, zone)
        if total and affected / total >= EXTENT_THRESHOLD:
            highest = zone
    return highest


@functools.cache
def zone_area(view_id: str, zone: Zone) -> float:
    return float(zone_shape(view_id, zone).area)


@functools.cache
def zone_shape(view_id: str, zone: Zone) -> BaseGeometry:
    from shapely.ops import unary_union

    view = get_view(view_id)
    return unary_union([r.shape for r in view.regions.values() if r.zone == zone])


def _overlap(
    a: BodyMap, a_view: str, b: BodyMap, b_view: str, symptom: Symptom | None, mirror: bool
) -> tuple[float, float]:
    """(shared, combined) area of two views' marks; by region sums when nothing is painted."""
    if not (has_paint(a, a_view) or has_paint(b, b_view)):
        regions = get_view(a_view).regions
        first, second = marked_regions(a, a_view, symptom), marked_regions(b, b_view, symptom)
        return (
            sum(regions[r].area for r in first & second),
            sum(regions[r].area for r in first | second),
        )
    shape_a = affected_shape(a, a_view, symptom)
    shape_b = affected_shape(b, b_view, symptom)
    if mirror:
        from shapely import affinity

        shape_b = affinity.scale(shape_b, -1.0, 1.0, origin=(0, 0))
    return shape_a.intersection(shape_b).area, shape_a.union(shape_b).area


def _jaccard(pairs: Iterable[tuple[float, float]]) -> float | None:
    shared = combined = 0.0
    for together, either in pairs:
        shared += together
        combined += either
    return shared / combined if combined else None


def symmetry(body_map: BodyMap, limbs: tuple[Limb, Limb]) -> float | None:
    """Jaccard overlap of one side with the other side mirrored (1 = perfectly symmetric)."""
    left = next(limb for limb in limbs if limb.value.startswith("left"))
    return _jaccard(
        _overlap(body_map, view.id, body_map, mirror_view_id(view.id), None, mirror=True)
        for view in views_of(left)
    )


def jaccard(a: BodyMap, b: BodyMap, symptom: Symptom | None = None) -> float | None:
    """Location agreement between two maps over all eight views; None when both are empty."""
    return _jaccard(_overlap(a, v, b, v, symptom, mirror=False) for v in VIEW_IDS)


@dataclass(frozen=True)
class MapSummary:
    """The figures shown beside a map and in reports."""

    overall: float
    by_limb: dict[Limb, float]
    by_symptom: dict[Symptom, float]
    extent: dict[Limb, Zone | None]
    hand_symmetry: float | None
    foot_symmetry: float | None


def format_share(value: float) -> str:
    """A share of skin as printed beside a map: '12.5%', or '0%' for none."""
    return f"{value:.1f}%" if value else "0%"


def summarise(body_map: BodyMap) -> MapSummary:
    """The map's figures. Maps repeat (a map copied forward, visit after visit), so figures
    are kept by the map's content, for the last few thousand different maps."""
    if body_map.is_empty:  # nothing marked: no shapes to build (the editor at start)
        limbs = (*HAND_LIMBS, *FOOT_LIMBS)
        return MapSummary(0.0, dict.fromkeys(limbs, 0.0), {}, dict.fromkeys(limbs), None, None)
    return _summary_of(_content_key(body_map), body_map)


def _content_key(body_map: BodyMap) -> tuple[object, ...]:
    return (
        frozenset(body_map.marks.items()),
        body_map.strokes,
        frozenset(body_map.monofilament.items()),
        frozenset(body_map.vibration.items()),
    )


_summaries: dict[tuple[object, ...], MapSummary] = {}
SUMMARIES_KEPT = 4096


def _summary_of(key: tuple[object, ...], body_map: BodyMap) -> MapSummary:
    found = _summaries.get(key)
    if found is None:
        found = _summarise(body_map)
        if len(_summaries) >= SUMMARIES_KEPT:
            _summaries.pop(next(iter(_summaries)))  # the oldest first
        _summaries[key] = found
    return found


def _summarise(body_map: BodyMap) -> MapSummary:
    return MapSummary(
        overall=overall_percent(body_map),
        by_limb={limb: limb_percent(body_map, limb) for limb in (*HAND_LIMBS, *FOOT_LIMBS)},
        by_symptom={s: overall_percent(body_map, s) for s in body_map.symptoms},
        extent={limb: proximal_extent(body_map, limb) for limb in (*HAND_LIMBS, *FOOT_LIMBS)},
        hand_symmetry=symmetry(body_map, HAND_LIMBS),
        foot_symmetry=symmetry(body_map, FOOT_LIMBS),
    )


class Change(enum.StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def region_burden(body_map: BodyMap, view_id: str, region_id: str) -> int:
    """The strongest intensity in a region, from its marks or paint covering enough of it."""
    region = get_view(view_id).regions[region_id]
    strongest = max(body_map.marks_in(view_id, region_id).values(), default=0)
    for stroke, shape in painted_strokes(body_map, view_id):
        if stroke.intensity > strongest and (
            shape.intersection(region.shape).area >= REGION_COVER_THRESHOLD * region.shape.area
        ):
            strongest = stroke.intensity
    return strongest


def region_changes(baseline: BodyMap, current: BodyMap) -> dict[tuple[str, str], Change]:
    """Better / worse / same for every region marked at either visit."""
    changes: dict[tuple[str, str], Change] = {}
    for view in all_views().values():
        for region_id in view.regions:
            before = region_burden(baseline, view.id, region_id)
            after = region_burden(current, view.id, region_id)
            if before == after == 0:
                continue
            if after < before:
                changes[(view.id, region_id)] = Change.BETTER
            elif after > before:
                changes[(view.id, region_id)] = Change.WORSE
            else:
                changes[(view.id, region_id)] = Change.SAME
    return changes
