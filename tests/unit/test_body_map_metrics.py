"""Numbers from the map, checked against hand-made cases on the real geometry."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString

from acuchart.bodymap.geometry import Zone, get_view
from acuchart.bodymap.metrics import (
    Change,
    jaccard,
    limb_percent,
    overall_percent,
    proximal_extent,
    region_changes,
    summarise,
    symmetry,
    view_percent,
)
from acuchart.bodymap.model import BodyMap, make_stroke
from acuchart.bodymap.symptoms import Symptom
from acuchart.patients import Limb

SOLE = "left_foot.plantar"
HEEL = get_view(SOLE).regions["heel"].shape
SOLE_AREA = get_view(SOLE).outline.area


def heel_burning() -> BodyMap:
    return BodyMap().with_mark(SOLE, "heel", Symptom.BURNING, 6)


def test_one_region_is_its_share_of_the_view() -> None:
    body_map = heel_burning()
    assert view_percent(body_map, SOLE) == pytest.approx(100 * HEEL.area / SOLE_AREA)
    both_feet_area = SOLE_AREA + get_view("left_foot.dorsal").outline.area
    assert limb_percent(body_map, Limb.LEFT_FOOT) == pytest.approx(100 * HEEL.area / both_feet_area)
    assert limb_percent(body_map, Limb.RIGHT_FOOT) == 0.0


def test_two_symptoms_on_one_region_count_once_overall() -> None:
    body_map = heel_burning().with_mark(SOLE, "heel", Symptom.NUMBNESS, 3)
    assert view_percent(body_map, SOLE) == pytest.approx(100 * HEEL.area / SOLE_AREA)
    assert view_percent(body_map, SOLE, Symptom.NUMBNESS) == pytest.approx(
        100 * HEEL.area / SOLE_AREA
    )
    summary = summarise(body_map)
    assert set(summary.by_symptom) == {Symptom.BURNING, Symptom.NUMBNESS}
    assert summary.by_symptom[Symptom.BURNING] == pytest.approx(summary.overall)


def test_strokes_add_only_what_regions_do_not_already_cover() -> None:
    points = [(-20.0, 200.0), (20.0, 200.0)]  # across the heel
    stroke = make_stroke(SOLE, Symptom.TINGLING, 4, 8.0, points)
    body_map = heel_burning().with_stroke(stroke)
    stroke_area = LineString(points).buffer(4.0, quad_segs=8).intersection(get_view(SOLE).outline)
    expected = HEEL.union(stroke_area).area
    assert view_percent(body_map, SOLE) == pytest.approx(100 * expected / SOLE_AREA, rel=1e-6)
    assert view_percent(body_map, SOLE, Symptom.TINGLING) == pytest.approx(
        100 * stroke_area.area / SOLE_AREA, rel=1e-6
    )


def test_strokes_are_clipped_to_the_outline() -> None:
    inside = make_stroke(SOLE, Symptom.COLD, 5, 10.0, [(0.0, 200.0)])
    half_out = make_stroke(SOLE, Symptom.COLD, 5, 10.0, [(200.0, 200.0)])
    assert view_percent(BodyMap().with_stroke(half_out), SOLE) == 0.0
    assert view_percent(BodyMap().with_stroke(inside), SOLE) == pytest.approx(
        100 * 3.1416 * 25 / SOLE_AREA, rel=0.01
    )


def test_the_eraser_removes_earlier_paint_only() -> None:
    paint = make_stroke(SOLE, Symptom.TINGLING, 4, 10.0, [(-20.0, 250.0), (20.0, 250.0)])
    eraser = make_stroke(SOLE, None, 0, 40.0, [(-20.0, 250.0), (20.0, 250.0)])
    erased = BodyMap().with_stroke(paint).with_stroke(eraser)
    assert view_percent(erased, SOLE) == 0.0
    repainted = erased.with_stroke(paint)
    assert view_percent(repainted, SOLE) == pytest.approx(
        view_percent(BodyMap().with_stroke(paint), SOLE)
    )
    # Region marks are removed by clicking, not by the eraser.
    assert view_percent(heel_burning().with_stroke(eraser), SOLE) > 0


def test_proximal_extent_is_the_highest_zone_with_symptoms() -> None:
    toes = BodyMap().with_mark(SOLE, "hallux.distal", Symptom.NUMBNESS, 5)
    assert proximal_extent(toes, Limb.LEFT_FOOT) is Zone.TOES
    assert proximal_extent(toes, Limb.RIGHT_FOOT) is None
    ankle = toes.with_mark("left_foot.dorsal", "ankle", Symptom.NUMBNESS, 2)
    assert proximal_extent(ankle, Limb.LEFT_FOOT) is Zone.ANKLE
    # A dab of paint over the edge of the lower leg is below the 2% threshold.
    dab = make_stroke(SOLE, Symptom.NUMBNESS, 2, 3.0, [(0.0, 108.0)])
    assert proximal_extent(ankle.with_stroke(dab), Limb.LEFT_FOOT) is Zone.ANKLE
    hand = BodyMap().with_mark("right_hand.palmar", "forearm.distal", Symptom.COLD, 3)
    assert proximal_extent(hand, Limb.RIGHT_HAND) is Zone.FOREARM


def test_symmetry_compares_one_side_with_the_other_mirrored() -> None:
    left = heel_burning().with_stroke(
        make_stroke(SOLE, Symptom.TINGLING, 4, 6.0, [(10.0, 300.0), (20.0, 320.0)])
    )
    assert symmetry(left, (Limb.LEFT_FOOT, Limb.RIGHT_FOOT)) == 0.0
    assert symmetry(left.mirrored("left"), (Limb.LEFT_FOOT, Limb.RIGHT_FOOT)) == pytest.approx(1.0)
    assert symmetry(left, (Limb.LEFT_HAND, Limb.RIGHT_HAND)) is None


def test_jaccard_between_two_visits() -> None:
    heel = heel_burning()
    both = heel.with_mark(SOLE, "ankle", Symptom.BURNING, 6)
    ankle = get_view(SOLE).regions["ankle"].shape
    assert jaccard(heel, heel) == pytest.approx(1.0)
    assert jaccard(heel, BodyMap().with_mark(SOLE, "ankle", Symptom.COLD, 1)) == 0.0
    assert jaccard(heel, both) == pytest.approx(HEEL.area / (HEEL.area + ankle.area), rel=1e-6)
    assert jaccard(BodyMap(), BodyMap()) is None
    assert jaccard(heel, both, Symptom.COLD) is None


def test_region_changes_better_worse_same() -> None:
    baseline = (
        BodyMap()
        .with_mark(SOLE, "heel", Symptom.BURNING, 7)
        .with_mark(SOLE, "toe2", Symptom.NUMBNESS, 4)
        .with_mark(SOLE, "toe3", Symptom.NUMBNESS, 4)
    )
    later = (
        BodyMap()
        .with_mark(SOLE, "heel", Symptom.BURNING, 3)
        .with_mark(SOLE, "toe2", Symptom.NUMBNESS, 4)
        .with_mark(SOLE, "ankle", Symptom.COLD, 2)
    )
    changes = region_changes(baseline, later)
    assert changes == {
        (SOLE, "heel"): Change.BETTER,
        (SOLE, "toe2"): Change.SAME,
        (SOLE, "toe3"): Change.BETTER,
        (SOLE, "ankle"): Change.WORSE,
    }


def test_mirror_copies_one_side_over_the_other() -> None:
    stroke = make_stroke(SOLE, Symptom.TINGLING, 4, 6.0, [(10.0, 300.0), (20.5, 320.0)])
    body_map = (
        heel_burning()
        .with_stroke(stroke)
        .with_mark("right_foot.plantar", "toe5", Symptom.COLD, 2)
        .with_mark("left_hand.dorsal", "wrist", Symptom.ITCHING, 1)
    )
    mirrored = body_map.mirrored("left")
    assert mirrored.marks_in("right_foot.plantar", "heel") == {Symptom.BURNING: 6}
    assert mirrored.marks_in("right_foot.plantar", "toe5") == {}
    assert mirrored.marks_in("right_hand.dorsal", "wrist") == {Symptom.ITCHING: 1}
    assert mirrored.strokes[-1].view_id == "right_foot.plantar"
    assert mirrored.strokes[-1].points == ((-10.0, 300.0), (-20.5, 320.0))
    assert overall_percent(mirrored) == pytest.approx(
        2 * overall_percent(body_map.cleared("right_foot.plantar"))
    )


def test_clear_view_keeps_other_views() -> None:
    body_map = heel_burning().with_mark("left_foot.dorsal", "ankle", Symptom.COLD, 2)
    cleared = body_map.cleared(SOLE)
    assert cleared.marks == {("left_foot.dorsal", "ankle", Symptom.COLD): 2}


def test_an_empty_map_is_summarised_without_building_shapes() -> None:
    """The start-up shortcut gives what the full computation gives for an empty map."""
    from acuchart.bodymap import metrics
    from acuchart.bodymap.geometry import FOOT_LIMBS, HAND_LIMBS

    empty = BodyMap()
    limbs = (*HAND_LIMBS, *FOOT_LIMBS)
    assert metrics.summarise(empty) == metrics.MapSummary(
        overall=metrics.overall_percent(empty),
        by_limb={limb: metrics.limb_percent(empty, limb) for limb in limbs},
        by_symptom={},
        extent={limb: metrics.proximal_extent(empty, limb) for limb in limbs},
        hand_symmetry=metrics.symmetry(empty, HAND_LIMBS),
        foot_symmetry=metrics.symmetry(empty, FOOT_LIMBS),
    )


def test_figures_kept_by_content_are_those_of_the_map_asked_about() -> None:
    """Equal maps share their figures; any change (a mark, its strength, paint) does not."""
    from acuchart.bodymap import metrics

    heel = BodyMap().with_mark(SOLE, "heel", Symptom.BURNING, 6)
    same = BodyMap().with_mark(SOLE, "heel", Symptom.BURNING, 6)
    stronger = heel.with_mark(SOLE, "heel", Symptom.BURNING, 9)
    wider = heel.with_mark(SOLE, "hallux.distal", Symptom.NUMBNESS, 3)
    painted = heel.with_stroke(make_stroke(SOLE, Symptom.SHARP, 5, 8.0, [(0, 250), (10, 260)]))
    for body_map in (heel, same, stronger, wider, painted):
        assert metrics.summarise(body_map) == metrics._summarise(body_map)
    assert metrics.summarise(same) is metrics.summarise(heel)
    assert metrics.summarise(wider).overall > metrics.summarise(heel).overall
    assert metrics.summarise(painted).overall > metrics.summarise(heel).overall
