"""The hand and foot drawings: enough named regions, tiling each outline, mirrored sides."""

from __future__ import annotations

import itertools

import pytest
from shapely import affinity
from shapely.geometry import Point
from shapely.ops import unary_union

from acuchart.bodymap.geometry import (
    VIEW_IDS,
    Zone,
    all_views,
    get_view,
    mirror_view_id,
)


def test_there_are_eight_views_of_hands_and_feet() -> None:
    views = all_views()
    assert list(views) == list(VIEW_IDS)
    assert {v.surface.value for v in views.values()} == {"palmar", "dorsal", "plantar"}
    assert get_view("left_hand.palmar").label == "Left hand · palm"
    assert get_view("right_foot.plantar").label == "Right foot · sole"


@pytest.mark.parametrize("view_id", VIEW_IDS)
def test_each_view_has_enough_named_regions(view_id: str) -> None:
    view = get_view(view_id)
    assert len(view.regions) >= (15 if view.is_foot else 20)
    assert all(region.label and region.label != region.id for region in view.regions.values())
    expected = (
        {"hallux.distal", "hallux.proximal", "toe5", "forefoot.1", "heel", "ankle", "leg.proximal"}
        if view.is_foot
        else {"thumb.distal", "thumb.proximal", "index.middle", "little.distal", "wrist"}
        | {"palm.radial", "palm.central", "palm.ulnar", "forearm.distal", "forearm.proximal"}
    )
    assert expected <= set(view.regions)
    assert {r.zone for r in view.regions.values()} == set(view.zones)


@pytest.mark.parametrize("view_id", VIEW_IDS)
def test_regions_tile_the_outline(view_id: str) -> None:
    view = get_view(view_id)
    outline_area = view.outline.area
    assert all(r.shape.is_valid and r.shape.geom_type == "Polygon" for r in view.regions.values())
    region_sum = sum(r.shape.area for r in view.regions.values())
    assert region_sum == pytest.approx(outline_area, rel=0.01)
    overlap = sum(
        a.shape.intersection(b.shape).area
        for a, b in itertools.combinations(view.regions.values(), 2)
    )
    assert overlap < 0.001 * outline_area
    union = unary_union([r.shape for r in view.regions.values()])
    assert view.outline.symmetric_difference(union).area < 0.01 * outline_area


@pytest.mark.parametrize("view_id", [v for v in VIEW_IDS if v.startswith("left")])
def test_the_two_sides_are_mirror_images(view_id: str) -> None:
    left, right = get_view(view_id), get_view(mirror_view_id(view_id))
    assert set(left.regions) == set(right.regions)
    mirrored = affinity.scale(right.outline, -1, 1, origin=(0, 0))
    assert left.outline.symmetric_difference(mirrored).area < 1.0
    for region_id, region in left.regions.items():
        assert region.shape.area == pytest.approx(right.regions[region_id].shape.area, rel=1e-3)


def test_hand_proportions_follow_an_adult_hand() -> None:
    view = get_view("left_hand.dorsal")
    fingers = [r for r in view.regions.values() if r.zone is Zone.FINGERS]
    tip_of = {r.id.split(".")[0]: r.shape.bounds[1] for r in fingers if r.id.endswith("distal")}
    # Middle finger longest, little finger shortest, thumb tip well below the fingertips.
    assert tip_of["middle"] < tip_of["ring"] < tip_of["little"]
    assert tip_of["middle"] < tip_of["index"] < tip_of["little"]
    assert tip_of["thumb"] > tip_of["little"]
    _minx, miny, _maxx, maxy = view.outline.bounds
    assert 270 < maxy - miny < 340  # fingertips to mid-forearm, millimetres


def test_points_and_exam_sites_lie_on_the_drawings() -> None:
    codes = set()
    for view in all_views().values():
        for point in view.points:
            assert view.outline.buffer(1.0).contains(Point(point.at)), (view.id, point.code)
            codes.add(point.group_code)
        for site in view.sites:
            assert view.outline.contains(Point(site.at)), (view.id, site.id)
    expected = {"EX-UE9", "EX-LE10", "LI4", "LR3", "KI1", "PC8", "TE3", "SI3", "ST44", "GB41"}
    expected |= {"SP4", "KI3", "ST41", "LU11", "LI1", "PC9", "TE1", "HT9", "SI1"}
    expected |= {"SP1", "LR1", "ST45", "GB44", "BL67"}
    assert expected <= codes
    for foot in ("left_foot", "right_foot"):
        sites = [s for v in all_views().values() if v.id.startswith(foot) for s in v.sites]
        assert len(sites) == 10


def test_region_at_a_point() -> None:
    view = get_view("left_foot.plantar")
    heel = view.regions["heel"].shape.representative_point()
    region = view.region_at(heel.x, heel.y)
    assert region is not None
    assert region.id == "heel"
    assert view.region_at(500.0, 500.0) is None
