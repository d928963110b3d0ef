"""The eight hand and foot views, read from ``resources/bodymap/*.svg``.

These files are the one source of truth for drawing on screen, drawing in PDFs
and every area computation. Coordinates are millimetres; views of the two sides
are mirror images about x = 0, so a region has the same id on both sides.

Shapes (shapely, with numpy under it) are built on first use, not at import: the
window must not pay for them before a body map is drawn or measured.
"""

from __future__ import annotations

import enum
import functools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

from acuchart.patients import Limb
from acuchart.resources import resource_path

if TYPE_CHECKING:
    from shapely.geometry import Polygon
    from shapely.geometry.base import BaseGeometry

Coordinate = tuple[float, float]
Ring = tuple[Coordinate, ...]


class Surface(enum.StrEnum):
    DORSAL = "dorsal"
    PALMAR = "palmar"
    PLANTAR = "plantar"


class Zone(enum.StrEnum):
    """How far up the limb a region lies, from the tips of the digits upwards."""

    FINGERS = "fingers"
    HAND = "hand"
    WRIST = "wrist"
    FOREARM = "forearm"
    TOES = "toes"
    FOREFOOT = "forefoot"
    MIDFOOT = "midfoot"
    ANKLE = "ankle"
    LOWER_LEG = "lower_leg"

    @property
    def label(self) -> str:
        return {"midfoot": "midfoot and heel", "lower_leg": "lower leg"}.get(self.value, self.value)


HAND_ZONES = (Zone.FINGERS, Zone.HAND, Zone.WRIST, Zone.FOREARM)
FOOT_ZONES = (Zone.TOES, Zone.FOREFOOT, Zone.MIDFOOT, Zone.ANKLE, Zone.LOWER_LEG)

# Screen and print order: as the practitioner faces the patient, right before left.
VIEW_IDS = (
    "right_hand.palmar",
    "left_hand.palmar",
    "right_hand.dorsal",
    "left_hand.dorsal",
    "right_foot.dorsal",
    "left_foot.dorsal",
    "right_foot.plantar",
    "left_foot.plantar",
)
FOOT_LIMBS = (Limb.RIGHT_FOOT, Limb.LEFT_FOOT)
HAND_LIMBS = (Limb.RIGHT_HAND, Limb.LEFT_HAND)


@dataclass(frozen=True)
class Region:
    id: str
    label: str
    zone: Zone
    rings: tuple[Ring, ...]

    @functools.cached_property
    def shape(self) -> BaseGeometry:
        return rings_to_shape(self.rings)

    @functools.cached_property
    def area(self) -> float:
        """mm²; kept, since every map figure adds region areas up."""
        return float(self.shape.area)


@dataclass(frozen=True)
class PointMarker:
    """An acupuncture point drawn on a view (code as in the point library)."""

    code: str
    at: Coordinate

    @property
    def group_code(self) -> str:
        """``EX-UE9a`` → ``EX-UE9``: the four Baxie or Bafeng points share one code."""
        return self.code.rstrip("abcd") if self.code.startswith("EX-") else self.code

    def is_among(self, codes: frozenset[str]) -> bool:
        """Whether a set of point codes (a visit's needled points) names this marker."""
        return self.group_code in codes or self.code in codes


@dataclass(frozen=True)
class SensorySite:
    """A monofilament test site on a foot view."""

    id: str
    label: str
    at: Coordinate


@dataclass(frozen=True)
class View:
    id: str
    label: str
    limb: Limb
    surface: Surface
    outline_ring: Ring
    regions: dict[str, Region]
    points: tuple[PointMarker, ...]
    sites: tuple[SensorySite, ...]
    view_box: tuple[float, float, float, float]  # x, y, width, height

    @functools.cached_property
    def outline(self) -> Polygon:
        from shapely.geometry import Polygon

        return Polygon(self.outline_ring)

    @functools.cached_property
    def outline_area(self) -> float:
        return float(self.outline.area)

    @property
    def short_label(self) -> str:
        """'Right palm', 'Left sole': enough under a row of hands or of feet."""
        side, surface = self.label.split(" · ")
        return f"{side.split()[0]} {surface}"

    @property
    def is_foot(self) -> bool:
        return self.limb in FOOT_LIMBS

    @property
    def zones(self) -> tuple[Zone, ...]:
        return FOOT_ZONES if self.is_foot else HAND_ZONES

    def region_at(self, x: float, y: float) -> Region | None:
        """The region under a point in view coordinates, if any."""
        from shapely.geometry import Point

        where = Point(x, y)
        for region in self.regions.values():
            if region.shape.covers(where):
                return region
        return None


_SUBPATH = re.compile(r"M([^Z]*)Z")


def parse_path(d: str) -> tuple[Ring, ...]:
    """Our drawings use only ``M x,y L x,y x,y … Z`` subpaths."""
    rings = []
    for body in _SUBPATH.findall(d):
        numbers = body.replace("L", " ").split()
        ring = tuple((float(x), float(y)) for x, y in (pair.split(",") for pair in numbers))
        rings.append(ring)
    return tuple(rings)


def rings_to_shape(rings: tuple[Ring, ...]) -> BaseGeometry:
    from shapely.geometry import MultiPolygon, Polygon

    polygons = [Polygon(ring) for ring in rings]
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def mirror_view_id(view_id: str) -> str:
    """The same surface of the other side: ``left_hand.palmar`` ↔ ``right_hand.palmar``."""
    side, rest = view_id.split("_", 1)
    return f"{'right' if side == 'left' else 'left'}_{rest}"


def _load_view(view_id: str) -> View:
    root = ET.parse(resource_path("bodymap", f"{view_id}.svg")).getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    regions: dict[str, Region] = {}
    outline_ring: Ring = ()
    for element in root.iter(f"{{{ns['svg']}}}path"):
        rings = parse_path(element.get("d", ""))
        if element.get("id") == "outline":
            outline_ring = rings[0]
            continue
        region_id = element.get("data-region")
        if region_id is None:
            continue
        regions[region_id] = Region(
            id=region_id,
            label=element.get("data-label", region_id),
            zone=Zone(element.get("data-zone", "")),
            rings=rings,
        )
    points: list[PointMarker] = []
    sites: list[SensorySite] = []
    for circle in root.iter(f"{{{ns['svg']}}}circle"):
        at = (float(circle.get("cx", "0")), float(circle.get("cy", "0")))
        if (code := circle.get("data-point")) is not None:
            points.append(PointMarker(code, at))
        elif (site := circle.get("data-site")) is not None:
            sites.append(SensorySite(site, circle.get("data-label", site), at))
    x, y, width, height = (float(v) for v in root.get("viewBox", "0 0 1 1").split())
    return View(
        id=view_id,
        label=root.get("data-label", view_id),
        limb=Limb(root.get("data-limb", "")),
        surface=Surface(root.get("data-surface", "")),
        outline_ring=outline_ring,
        regions=regions,
        points=tuple(points),
        sites=tuple(sites),
        view_box=(x, y, width, height),
    )


@functools.cache
def all_views() -> dict[str, View]:
    """Every view, in screen order; read once per process."""
    return {view_id: _load_view(view_id) for view_id in VIEW_IDS}


def get_view(view_id: str) -> View:
    return all_views()[view_id]


def views_of(limb: Limb) -> list[View]:
    return [view for view in all_views().values() if view.limb == limb]
