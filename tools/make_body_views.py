"""Draw the eight hand and foot views into ``resources/bodymap/*.svg``.

The SVG files are the one source of truth the app reads (screen, PDF, areas).
This script is how they were made: outlines are smooth curves through (hand)
or smoothed along (foot) landmark points of adult proportions (see DOMAIN.md,
"Body maps"), united with
shapely, then cut into named regions by half-planes so that the regions of a
view tile its outline exactly. Run it again only to change the drawings:

    .venv/bin/python tools/make_body_views.py

Coordinates are millimetres of an adult hand and foot, x to the right and y
down. One canonical hand (thumb on the right, fingers up) and one canonical
foot (big toe on the right, leg up, toes down) are drawn; the other views are
their mirror images about x = 0, so a region keeps its id on every view.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

import shapely
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

Point = tuple[float, float]
OUT_DIR = Path(__file__).resolve().parent.parent / "resources" / "bodymap"
BIG = 1000.0


def direction(angle_deg: float) -> Point:
    """Unit vector for an angle measured from 'up' (-y), clockwise positive (+x)."""
    a = math.radians(angle_deg)
    return (math.sin(a), -math.cos(a))


def catmull_rom(points: Sequence[Point], closed: bool, samples: int = 14) -> list[Point]:
    """A smooth curve through every landmark (centripetal-free uniform Catmull-Rom)."""
    pts = list(points)
    n = len(pts)
    out: list[Point] = []
    segments = n if closed else n - 1
    for i in range(segments):
        p0 = pts[(i - 1) % n] if closed or i > 0 else pts[0]
        p1 = pts[i % n]
        p2 = pts[(i + 1) % n]
        p3 = pts[(i + 2) % n] if closed or i + 2 < n else pts[-1]
        for step in range(samples):
            t = step / samples
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(  # type: ignore[arg-type]
                    0.5
                    * (
                        2 * p1[k]
                        + (-p0[k] + p2[k]) * t
                        + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                        + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3
                    )
                    for k in (0, 1)
                )
            )
    if not closed:
        out.append(pts[-1])
    return out


@dataclass(frozen=True)
class Digit:
    """A finger or toe: where it leaves the palm or sole, which way it points, how long."""

    name: str
    label: str
    base: Point
    angle: float
    length: float
    base_width: float
    tip_width: float
    # Fractions of the free length at which one segment ends and the next begins.
    joints: tuple[float, ...]
    segment_names: tuple[str, ...]
    reach_back: float = 25.0  # how far the drawn shape runs back into the palm or sole

    def point_at(self, distance: float, offset: float = 0.0) -> Point:
        dx, dy = direction(self.angle)
        return (
            self.base[0] + dx * distance - dy * offset,
            self.base[1] + dy * distance + dx * offset,
        )

    def shape(self) -> Polygon:
        steps = 24
        left: list[Point] = []
        right: list[Point] = []
        tip_r = self.tip_width / 2
        straight = self.length - tip_r
        for i in range(steps + 1):
            d = -self.reach_back + (straight + self.reach_back) * i / steps
            t = max(0.0, d) / straight
            # A slight bulge at the middle joint reads as a finger, not a sausage.
            half = (self.base_width + (self.tip_width - self.base_width) * t) / 2
            half *= 1 + 0.035 * math.sin(math.pi * t)
            left.append(self.point_at(d, -half))
            right.append(self.point_at(d, half))
        cap = []
        for i in range(1, 16):
            a = math.pi * i / 16
            cap.append(self.point_at(straight + tip_r * math.sin(a), -tip_r * math.cos(a)))
        return Polygon(left + cap + right[::-1])

    def beyond(self, distance: float) -> Polygon:
        """The half-plane past the line across the digit at ``distance`` from its base."""
        dx, dy = direction(self.angle)
        c = self.point_at(distance)
        nx, ny = -dy, dx
        a = (c[0] + nx * BIG, c[1] + ny * BIG)
        b = (c[0] - nx * BIG, c[1] - ny * BIG)
        return Polygon(
            [a, b, (b[0] + dx * BIG, b[1] + dy * BIG), (a[0] + dx * BIG, a[1] + dy * BIG)]
        )


def side_of(line_point: Point, angle: float, positive: bool) -> Polygon:
    """Half-plane on the +x-ish (``positive``) or -x-ish side of a line through a point."""
    dx, dy = direction(angle)
    nx, ny = -dy, dx  # normal turned towards +x when the line points up
    sign = 1 if positive else -1
    a = (line_point[0] - dx * BIG, line_point[1] - dy * BIG)
    b = (line_point[0] + dx * BIG, line_point[1] + dy * BIG)
    return Polygon(
        [
            a,
            b,
            (b[0] + sign * nx * BIG, b[1] + sign * ny * BIG),
            (a[0] + sign * nx * BIG, a[1] + sign * ny * BIG),
        ]
    )


def largest(geometry: BaseGeometry) -> Polygon:
    if isinstance(geometry, Polygon):
        return geometry
    if isinstance(geometry, MultiPolygon):
        return max(geometry.geoms, key=lambda g: g.area)
    raise TypeError(f"not an area: {geometry.geom_type}")


def smooth_outline(parts: Iterable[BaseGeometry], clip: Polygon, fillet: float) -> Polygon:
    """Unite the parts and round the corners where fingers or toes meet the palm or sole."""
    united = unary_union(list(parts))
    rounded = united.buffer(fillet, quad_segs=8).buffer(-fillet, quad_segs=8)
    return largest(rounded.intersection(clip).simplify(0.08))


@dataclass(frozen=True)
class RegionSpec:
    id: str
    zone: str
    labels: dict[str, str]  # surface -> label


# ---------------------------------------------------------------- the hand

PHALANGES = (0.49, 0.78)  # proximal : middle : distal about 1 : 0.6 : 0.45
FINGER_SEGMENTS = ("proximal", "middle", "distal")
THUMB_SEGMENTS = ("proximal", "distal")

FINGERS = (
    Digit(
        "index", "Index finger", (26.0, -100.0), 8.0, 70.0, 19.0, 15.5, PHALANGES, FINGER_SEGMENTS
    ),
    Digit(
        "middle", "Middle finger", (7.0, -104.0), 1.0, 78.0, 19.5, 16.0, PHALANGES, FINGER_SEGMENTS
    ),
    Digit(
        "ring", "Ring finger", (-12.0, -101.0), -6.0, 72.0, 18.5, 15.0, PHALANGES, FINGER_SEGMENTS
    ),
    Digit(
        "little",
        "Little finger",
        (-29.5, -92.0),
        -14.0,
        57.0,
        16.5,
        13.5,
        PHALANGES,
        FINGER_SEGMENTS,
    ),
)
# The thumb is drawn from its base near the wrist; its free part starts at ``THUMB_FREE``.
THUMB = Digit(
    "thumb", "Thumb", (22.0, -16.0), 34.0, 98.0, 33.0, 19.5, (0.72,), THUMB_SEGMENTS, 12.0
)
THUMB_FREE = 46.0
WRIST_TOP, WRIST_BOTTOM, FOREARM_SPLIT, FOREARM_END = -6.0, 22.0, 76.0, 130.0


def hand_outline() -> Polygon:
    palm = Polygon(
        catmull_rom(
            [
                (-29.0, 2.0),
                (-37.0, -22.0),
                (-41.5, -52.0),
                (-40.0, -78.0),
                (-33.0, -93.0),
                (-18.0, -102.0),
                (4.0, -107.0),
                (24.0, -104.0),
                (34.0, -94.0),
                (37.0, -74.0),
                (36.0, -40.0),
                (31.0, -12.0),
                (29.0, 2.0),
            ],
            closed=True,
        )
    )
    forearm = Polygon(
        catmull_rom([(-30.0, -4.0), (-31.5, 30.0), (-35.0, 80.0), (-37.0, FOREARM_END + 10)], False)
        + catmull_rom([(38.0, FOREARM_END + 10), (36.0, 80.0), (32.0, 30.0), (30.0, -4.0)], False)
    )
    # A wide fillet shapes the wrist and the web of the thumb; a narrow one the finger webs.
    body = (
        unary_union([palm, forearm, THUMB.shape()])
        .buffer(9.0, quad_segs=12)
        .buffer(-9.0, quad_segs=12)
    )
    return smooth_outline(
        [body, *(d.shape() for d in FINGERS)], box(-BIG, -BIG, BIG, FOREARM_END), 2.2
    )


def hand_regions(outline: Polygon) -> dict[str, tuple[RegionSpec, BaseGeometry]]:
    regions: dict[str, tuple[RegionSpec, BaseGeometry]] = {}
    below = outline.intersection(box(-BIG, WRIST_TOP, BIG, BIG))
    hand = outline.difference(below)

    # Lines between neighbouring digits, from the web outwards.
    def between(a: Digit, b: Digit) -> tuple[Point, float]:
        mid = ((a.base[0] + b.base[0]) / 2, (a.base[1] + b.base[1]) / 2)
        return mid, (a.angle + b.angle) / 2

    first_web = ((THUMB.point_at(THUMB_FREE)[0] + FINGERS[0].base[0]) / 2 + 4, -88.0)
    separators = [
        (first_web, (THUMB.angle + FINGERS[0].angle) / 2),
        *(between(FINGERS[i], FINGERS[i + 1]) for i in range(3)),
    ]
    taken: list[BaseGeometry] = []
    for i, digit in enumerate(FINGERS):
        corridor: BaseGeometry = side_of(*separators[i], positive=False)
        if i + 1 < len(separators):
            corridor = corridor.intersection(side_of(*separators[i + 1], positive=True))
        free = hand.intersection(corridor).intersection(digit.beyond(0.0))
        taken.append(free)
        add_segments(regions, digit, free, digit.length, 0.0)
    thumb_free = hand.intersection(side_of(*separators[0], positive=True)).intersection(
        THUMB.beyond(THUMB_FREE)
    )
    taken.append(thumb_free)
    add_segments(regions, THUMB, thumb_free, THUMB.length - THUMB_FREE, THUMB_FREE)

    palm = hand.difference(unary_union(taken))
    thenar_line = side_of((14.0, -20.0), 24.0, positive=True)
    hypothenar_line = side_of((-18.0, -20.0), -6.0, positive=False)
    thenar = palm.intersection(thenar_line)
    hypothenar = palm.difference(thenar_line).intersection(hypothenar_line)
    central = palm.difference(thenar_line).difference(hypothenar_line)
    add(
        regions,
        "palm.radial",
        "hand",
        thenar,
        palmar="Thenar eminence (thumb side of palm)",
        dorsal="Back of hand, thumb side (first web)",
    )
    add(
        regions,
        "palm.central",
        "hand",
        central,
        palmar="Central palm",
        dorsal="Back of hand, middle",
    )
    add(
        regions,
        "palm.ulnar",
        "hand",
        hypothenar,
        palmar="Hypothenar eminence (little-finger side of palm)",
        dorsal="Back of hand, little-finger side",
    )
    wrist = below.intersection(box(-BIG, WRIST_TOP, BIG, WRIST_BOTTOM))
    add(regions, "wrist", "wrist", wrist, palmar="Wrist (palm side)", dorsal="Wrist (back)")
    distal = below.intersection(box(-BIG, WRIST_BOTTOM, BIG, FOREARM_SPLIT))
    add(
        regions,
        "forearm.distal",
        "forearm",
        distal,
        palmar="Lower forearm (inner)",
        dorsal="Lower forearm (outer)",
    )
    proximal = below.intersection(box(-BIG, FOREARM_SPLIT, BIG, BIG))
    add(
        regions,
        "forearm.proximal",
        "forearm",
        proximal,
        palmar="Mid-forearm (inner)",
        dorsal="Mid-forearm (outer)",
    )
    return regions


def add_segments(
    regions: dict[str, tuple[RegionSpec, BaseGeometry]],
    digit: Digit,
    area: BaseGeometry,
    free_length: float,
    start: float,
) -> None:
    zone = "toes" if digit.name.startswith(("hallux", "toe")) else "fingers"
    cuts = [start + free_length * j for j in digit.joints]
    remaining = area
    for k, name in enumerate(digit.segment_names):
        if k + 1 < len(digit.segment_names):
            piece = remaining.difference(digit.beyond(cuts[k]))
            remaining = remaining.intersection(digit.beyond(cuts[k]))
        else:
            piece = remaining
        text = f"{digit.label}, {name} segment" if len(digit.segment_names) > 1 else digit.label
        add(
            regions,
            f"{digit.name}.{name}" if len(digit.segment_names) > 1 else digit.name,
            zone,
            piece,
            palmar=text,
            dorsal=text,
        )


def add(
    regions: dict[str, tuple[RegionSpec, BaseGeometry]],
    region_id: str,
    zone: str,
    geometry: BaseGeometry,
    **labels: str,
) -> None:
    if "plantar" not in labels:
        labels["plantar"] = labels.get("palmar", "")
    regions[region_id] = (RegionSpec(region_id, zone, labels), geometry)


# ---------------------------------------------------------------- the foot

TOES = (
    Digit(
        "hallux",
        "Big toe",
        (35.0, 352.0),
        177.0,
        44.0,
        27.5,
        23.0,
        (0.5,),
        ("proximal", "distal"),
        30.0,
    ),
    Digit("toe2", "Second toe", (10.5, 358.0), 180.0, 37.0, 15.5, 13.0, (), ("",), 30.0),
    Digit("toe3", "Third toe", (-6.5, 356.0), 183.0, 32.0, 14.5, 12.0, (), ("",), 30.0),
    Digit("toe4", "Fourth toe", (-22.0, 351.0), 187.0, 28.0, 13.5, 11.5, (), ("",), 30.0),
    Digit("toe5", "Little toe", (-36.0, 342.0), 194.0, 23.0, 13.0, 10.5, (), ("",), 30.0),
)
LEG_SPLIT, ANKLE_TOP, HEEL_TOP, MIDFOOT_TOP, FOREFOOT_TOP = 58.0, 112.0, 162.0, 226.0, 298.0
ARCH_LINE_X = 6.0


def border(landmarks: Sequence[Point], sigma: Sequence[tuple[float, float]]) -> list[Point]:
    """One side of the foot and leg as x over y: the landmarks joined by straight
    lines, then smoothed with a Gaussian whose width (mm) follows ``sigma``, a list
    of (y, width) stops. A wide kernel gives the long, even curves of the leg and
    the sides of the foot; a narrow one keeps the ball of the foot and the toes."""

    def lerp(stops: Sequence[Point], y: float) -> float:
        if y <= stops[0][0]:
            return stops[0][1]
        for (y0, v0), (y1, v1) in itertools.pairwise(stops):
            if y <= y1:
                return v0 + (v1 - v0) * (y - y0) / (y1 - y0)
        return stops[-1][1]

    by_y = [(y, x) for x, y in landmarks]
    first, last = by_y[0][0], by_y[-1][0]
    out: list[Point] = []
    steps = round(last - first)
    for i in range(steps + 1):
        y = first + (last - first) * i / steps
        width = lerp(sigma, y)
        reach = int(3 * width) + 1
        total = weight_sum = 0.0
        for k in range(-reach, reach + 1):
            weight = math.exp(-0.5 * (k / width) ** 2)
            total += weight * lerp(by_y, y + k)
            weight_sum += weight
        out.append((total / weight_sum, y))
    return out


def foot_outline() -> Polygon:
    """The sole or top of the foot with the lower leg above it, up to mid-calf.

    From mid-calf the leg narrows in a long S-curve (the calf belly, then the
    Achilles tendon) to the narrow ankle just above the malleoli; the malleoli
    show as gentle bulges, the lateral one lower than the medial one. Below
    them the rounded heel is a little wider than the ankle; the lateral border
    then runs almost straight to the fifth metatarsal head while the medial
    border dips in at the arch before the ball of the big toe.
    """
    lateral = [
        (-50.3, -40.0),
        (-50.3, 0.0),  # mid-calf
        (-48.2, 25.0),
        (-42.0, 50.0),
        (-34.0, 78.0),
        (-27.2, 110.0),  # narrowest, above the malleolus
        (-32.8, 142.0),  # lateral malleolus
        (-30.0, 161.0),
        (-36.4, 196.0),  # heel, widest
        (-35.0, 226.0),
        (-37.0, 252.0),
        (-41.0, 280.0),  # base of the fifth metatarsal
        (-45.6, 302.0),
        (-47.9, 318.0),  # fifth metatarsal head
        (-47.0, 328.0),
        (-42.0, 343.0),
    ]
    medial = [
        (48.3, -40.0),
        (48.3, 0.0),  # mid-calf
        (46.2, 25.0),
        (40.0, 50.0),
        (32.0, 78.0),
        (27.2, 106.0),  # narrowest, above the malleolus
        (32.8, 130.0),  # medial malleolus
        (30.4, 152.0),
        (36.8, 194.0),  # heel, widest
        (32.8, 246.0),  # medial arch
        (37.0, 266.0),
        (45.0, 292.0),
        (50.6, 308.0),
        (52.4, 322.0),  # first metatarsal head
        (52.2, 334.0),
        (47.0, 350.0),
    ]
    sigma = [(0.0, 9.0), (90.0, 7.5), (240.0, 7.0), (300.0, 4.0)]
    right = border(medial, sigma)
    sole = Polygon([*border(lateral, sigma), (0.0, 360.0), *right[::-1]])
    toes = [t.shape() for t in TOES]
    return smooth_outline([sole, *toes], box(-BIG, 0.0, BIG, BIG), 1.6)


def foot_regions(outline: Polygon) -> dict[str, tuple[RegionSpec, BaseGeometry]]:
    regions: dict[str, tuple[RegionSpec, BaseGeometry]] = {}

    def band(top: float, bottom: float) -> BaseGeometry:
        return outline.intersection(box(-BIG, top, BIG, bottom))

    add(
        regions,
        "leg.proximal",
        "lower_leg",
        band(-BIG, LEG_SPLIT),
        plantar="Mid-calf (back of leg)",
        dorsal="Mid-shin (front of leg)",
    )
    add(
        regions,
        "leg.distal",
        "lower_leg",
        band(LEG_SPLIT, ANKLE_TOP),
        plantar="Lower calf (back of leg)",
        dorsal="Lower shin (front of leg)",
    )
    add(
        regions,
        "ankle",
        "ankle",
        band(ANKLE_TOP, HEEL_TOP),
        plantar="Ankle and Achilles (back)",
        dorsal="Ankle (front)",
    )
    add(regions, "heel", "midfoot", band(HEEL_TOP, MIDFOOT_TOP), plantar="Heel", dorsal="Instep")
    midfoot = band(MIDFOOT_TOP, FOREFOOT_TOP)
    medial = midfoot.intersection(box(ARCH_LINE_X, -BIG, BIG, BIG))
    add(
        regions,
        "midfoot.medial",
        "midfoot",
        medial,
        plantar="Medial arch",
        dorsal="Top of midfoot, big-toe side",
    )
    add(
        regions,
        "midfoot.lateral",
        "midfoot",
        midfoot.difference(medial),
        plantar="Lateral midfoot (outer sole)",
        dorsal="Top of midfoot, little-toe side",
    )

    forefoot_and_toes = band(FOREFOOT_TOP, BIG)
    separators = [
        (((a.base[0] + b.base[0]) / 2, (a.base[1] + b.base[1]) / 2), (a.angle + b.angle) / 2)
        for a, b in itertools.pairwise(TOES)
    ]
    names = ("1st", "2nd", "3rd", "4th", "5th")
    for i, toe in enumerate(TOES):
        # Toes point down (angle near 180), so their +x side is the smaller-x side.
        corridor: BaseGeometry = box(-BIG, -BIG, BIG, BIG)
        if i > 0:
            corridor = corridor.intersection(side_of(*separators[i - 1], positive=True))
        if i < len(separators):
            corridor = corridor.intersection(side_of(*separators[i], positive=False))
        ray = forefoot_and_toes.intersection(corridor)
        free = ray.intersection(toe.beyond(0.0))
        ball = ray.difference(toe.beyond(0.0))
        add(
            regions,
            f"forefoot.{i + 1}",
            "forefoot",
            ball,
            plantar=f"Ball of foot, {names[i]} metatarsal head",
            dorsal=f"Top of forefoot, {names[i]} metatarsal",
        )
        add_segments(regions, toe, free, toe.length, 0.0)
    return regions


# ---------------------------------------------------------------- points and exam sites


def web_point(outline: Polygon, near: Point, inward: float = 2.0) -> Point:
    """A point just inside the skin fold of the web nearest to ``near`` (Baxie, Bafeng)."""
    from shapely.geometry import Point as ShapelyPoint
    from shapely.ops import nearest_points

    edge = nearest_points(outline.exterior, ShapelyPoint(near))[0]
    toward = outline.centroid
    dx, dy = toward.x - edge.x, toward.y - edge.y
    length = math.hypot(dx, dy)
    return (edge.x + dx / length * inward, edge.y + dy / length * inward)


def inside_edge(outline: Polygon, y: float, inset: float, medial: bool) -> Point:
    """A point ``inset`` millimetres inside the medial (+x) or lateral border at height ``y``."""
    from shapely.geometry import LineString

    cut = outline.intersection(LineString([(-BIG, y), (BIG, y)]))
    minx, _miny, maxx, _maxy = cut.bounds
    return (maxx - inset, y) if medial else (minx + inset, y)


def hand_points(outline: Polygon) -> list[tuple[str, str, Point]]:
    """(code, surface, position) of the points drawn on the hand views."""
    idx, mid, ring, lit = FINGERS
    pts: list[tuple[str, str, Point]] = [
        ("LI4", "dorsal", (34.0, -62.0)),
        ("TE3", "dorsal", (-22.0, -80.0)),
        ("SI3", "dorsal", (-39.0, -82.0)),
        ("TE5", "dorsal", (0.0, 42.0)),
        ("PC8", "palmar", (6.0, -70.0)),
        ("PC7", "palmar", (1.0, 4.0)),
        ("PC6", "palmar", (1.0, 42.0)),
        ("HT7", "palmar", (-24.0, 4.0)),
        ("LU9", "palmar", (25.0, 4.0)),
    ]
    webs = [
        ("EX-UE9a", web_point(outline, (48.0, -86.0))),
        ("EX-UE9b", web_point(outline, ((idx.base[0] + mid.base[0]) / 2, -112.0))),
        ("EX-UE9c", web_point(outline, ((mid.base[0] + ring.base[0]) / 2, -112.0))),
        ("EX-UE9d", web_point(outline, ((ring.base[0] + lit.base[0]) / 2, -104.0))),
    ]
    pts += [(code, "dorsal", pos) for code, pos in webs]
    nail = 0.86
    pts += [
        ("LU11", "dorsal", THUMB.point_at(THUMB.length * 0.93, THUMB.tip_width * 0.32)),
        ("LI1", "dorsal", idx.point_at(idx.length * nail, idx.tip_width * 0.36)),
        ("PC9", "palmar", mid.point_at(mid.length * 0.97)),
        ("TE1", "dorsal", ring.point_at(ring.length * nail, -ring.tip_width * 0.36)),
        ("HT9", "dorsal", lit.point_at(lit.length * nail, lit.tip_width * 0.36)),
        ("SI1", "dorsal", lit.point_at(lit.length * nail, -lit.tip_width * 0.36)),
    ]
    return pts


def foot_points(outline: Polygon) -> list[tuple[str, str, Point]]:
    hal, t2, t3, t4, t5 = TOES
    pts: list[tuple[str, str, Point]] = [
        ("LR3", "dorsal", (22.0, 318.0)),
        ("GB41", "dorsal", (-29.0, 313.0)),
        ("ST41", "dorsal", (0.0, 140.0)),
        # Three cun above the malleoli: SP6 behind the medial border of the tibia,
        # GB39 at the front edge of the fibula, both just inside the leg's outline.
        ("SP6", "dorsal", inside_edge(outline, 70.0, 4.5, medial=True)),
        ("GB39", "dorsal", inside_edge(outline, 70.0, 4.5, medial=False)),
        ("ST44", "dorsal", (2.0, 344.0)),
        ("KI1", "plantar", (4.0, 306.0)),
        # On the medial border, just short of the base of the first metatarsal.
        ("SP4", "plantar", inside_edge(outline, 286.0, 3.5, medial=True)),
        ("KI3", "plantar", (25.0, 140.0)),
        ("BL60", "plantar", (-25.0, 138.0)),
    ]
    webs = [
        ("EX-LE10a", web_point(outline, ((hal.base[0] + t2.base[0]) / 2, 372.0))),
        ("EX-LE10b", web_point(outline, ((t2.base[0] + t3.base[0]) / 2, 372.0))),
        ("EX-LE10c", web_point(outline, ((t3.base[0] + t4.base[0]) / 2, 368.0))),
        ("EX-LE10d", web_point(outline, ((t4.base[0] + t5.base[0]) / 2, 360.0))),
    ]
    pts += [(code, "dorsal", pos) for code, pos in webs]
    nail = 0.84
    # On the canonical foot the big toe is on the +x (medial) side.
    pts += [
        ("SP1", "dorsal", hal.point_at(hal.length * nail, -hal.tip_width * 0.36)),
        ("LR1", "dorsal", hal.point_at(hal.length * nail, hal.tip_width * 0.36)),
        ("ST45", "dorsal", t2.point_at(t2.length * nail, t2.tip_width * 0.34)),
        ("GB44", "dorsal", t4.point_at(t4.length * nail, t4.tip_width * 0.34)),
        ("BL67", "dorsal", t5.point_at(t5.length * nail, t5.tip_width * 0.34)),
    ]
    return pts


def monofilament_sites() -> list[tuple[str, str, str, Point]]:
    """(id, label, surface, position) of the common ten-site set on each foot."""
    hal, _t2, t3, _t4, t5 = TOES
    return [
        ("hallux", "Big toe (pad)", "plantar", hal.point_at(hal.length * 0.72)),
        ("toe3", "Third toe (pad)", "plantar", t3.point_at(t3.length * 0.6)),
        ("toe5", "Little toe (pad)", "plantar", t5.point_at(t5.length * 0.55)),
        ("met1", "1st metatarsal head", "plantar", (33.0, 326.0)),
        ("met3", "3rd metatarsal head", "plantar", (-5.0, 333.0)),
        ("met5", "5th metatarsal head", "plantar", (-36.0, 320.0)),
        ("midfoot_medial", "Medial midfoot", "plantar", (22.0, 262.0)),
        ("midfoot_lateral", "Lateral midfoot", "plantar", (-24.0, 262.0)),
        ("heel", "Heel", "plantar", (0.0, 196.0)),
        ("dorsum", "Top of midfoot", "dorsal", (2.0, 262.0)),
    ]


# ---------------------------------------------------------------- writing


def path_data(geometry: BaseGeometry) -> str:
    # Snap to the 0.1 mm the file stores, keeping every ring valid.
    geometry = shapely.set_precision(geometry, 0.1)
    polys = [geometry] if isinstance(geometry, Polygon) else list(getattr(geometry, "geoms", []))
    parts = []
    for poly in polys:
        if not isinstance(poly, Polygon) or poly.is_empty or poly.area < 0.5:
            continue
        if poly.interiors:
            raise ValueError("regions must not have holes")
        coords = list(poly.exterior.coords)[:-1]
        first, *rest = coords
        parts.append(
            f"M{first[0]:.1f},{first[1]:.1f}L" + " ".join(f"{x:.1f},{y:.1f}" for x, y in rest) + "Z"
        )
    return "".join(parts)


VIEW_LABELS = {
    "palmar": "palm",
    "dorsal": "back",
    "plantar": "sole",
}


def write_view(
    limb: str,
    surface: str,
    mirrored: bool,
    outline: Polygon,
    regions: dict[str, tuple[RegionSpec, BaseGeometry]],
    points: list[tuple[str, str, Point]],
    sites: list[tuple[str, str, str, Point]],
) -> Path:
    def flip(geometry: BaseGeometry) -> BaseGeometry:
        return affinity.scale(geometry, -1.0, 1.0, origin=(0, 0)) if mirrored else geometry

    def flip_point(p: Point) -> Point:
        return (-p[0], p[1]) if mirrored else p

    shape = flip(outline)
    minx, miny, maxx, maxy = shape.bounds
    pad = 4.0
    side, part = limb.split("_")
    is_foot = part == "foot"
    surface_word = {"palmar": "palm", "dorsal": "top" if is_foot else "back", "plantar": "sole"}[
        surface
    ]
    title = f"{side.capitalize()} {part} · {surface_word}"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- Made by tools/make_body_views.py; millimetres of an adult "
        + ("foot and lower leg" if is_foot else "hand and forearm")
        + ". -->",
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="{minx - pad:.1f} {miny - pad:.1f} {maxx - minx + 2 * pad:.1f} '
            f'{maxy - miny + 2 * pad:.1f}" data-view="{limb}.{surface}" data-limb="{limb}" '
            f'data-surface="{surface}" data-label={quoteattr(title)}>'
        ),
        "  <style>path{fill:#fbf3ec;stroke:#7a6a60;stroke-width:0.4}"
        "#outline{fill:none;stroke:#4a3f38;stroke-width:0.9}"
        "circle{fill:#2b6cb0}.site{fill:none;stroke:#1d4e89;stroke-width:0.7}</style>",
        '  <g id="regions">',
    ]
    for spec, geometry in regions.values():
        label = spec.labels[surface]
        lines.append(
            f'    <path data-region="{spec.id}" data-zone="{spec.zone}" '
            f'data-label={quoteattr(label)} d="{path_data(flip(geometry))}"/>'
        )
    lines.append("  </g>")
    lines.append(f'  <path id="outline" d="{path_data(shape)}"/>')
    lines.append('  <g id="points">')
    for code, where, pos in points:
        if where == surface:
            x, y = flip_point(pos)
            lines.append(f'    <circle data-point="{code}" cx="{x:.1f}" cy="{y:.1f}" r="1.6"/>')
    lines.append("  </g>")
    lines.append('  <g id="monofilament">')
    for site_id, label, where, pos in sites:
        if where == surface:
            x, y = flip_point(pos)
            lines.append(
                f'    <circle class="site" data-site="{site_id}" data-label={quoteattr(label)} '
                f'cx="{x:.1f}" cy="{y:.1f}" r="4.5"/>'
            )
    lines.append("  </g>")
    lines.append("</svg>")
    path = OUT_DIR / f"{limb}.{surface}.svg"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def tidy(regions: dict[str, tuple[RegionSpec, BaseGeometry]]) -> None:
    """Give stray slivers to the neighbour they touch most, so each region is one piece."""
    for region_id, (spec, geometry) in list(regions.items()):
        if not isinstance(geometry, MultiPolygon):
            continue
        main_piece = largest(geometry)
        regions[region_id] = (spec, main_piece)
        for piece in geometry.geoms:
            if piece is main_piece or piece.equals(main_piece):
                continue
            best = max(
                (other for other in regions if other != region_id),
                key=lambda other: regions[other][1].boundary.intersection(piece.boundary).length,
            )
            other_spec, other_geometry = regions[best]
            regions[best] = (other_spec, largest(unary_union([other_geometry, piece]).buffer(0)))


def main() -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    hand = hand_outline()
    hand_parts = hand_regions(hand)
    foot = foot_outline()
    foot_parts = foot_regions(foot)
    tidy(hand_parts)
    tidy(foot_parts)
    # Canonical hand: thumb on the right = left hand from the back, right hand from the palm.
    write_view("left_hand", "dorsal", False, hand, hand_parts, hand_points(hand), [])
    write_view("right_hand", "palmar", False, hand, hand_parts, hand_points(hand), [])
    write_view("right_hand", "dorsal", True, hand, hand_parts, hand_points(hand), [])
    write_view("left_hand", "palmar", True, hand, hand_parts, hand_points(hand), [])
    # Canonical foot: big toe on the right = right foot from the front, left foot from behind.
    sites = monofilament_sites()
    write_view("right_foot", "dorsal", False, foot, foot_parts, foot_points(foot), sites)
    write_view("left_foot", "plantar", False, foot, foot_parts, foot_points(foot), sites)
    write_view("left_foot", "dorsal", True, foot, foot_parts, foot_points(foot), sites)
    write_view("right_foot", "plantar", True, foot, foot_parts, foot_points(foot), sites)
    for name, outline, parts in (("hand", hand, hand_parts), ("foot", foot, foot_parts)):
        total = sum(g.area for _, g in parts.values())
        print(
            f"{name}: {len(parts)} regions, outline {outline.area:.0f} mm², regions {total:.0f} mm²"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
