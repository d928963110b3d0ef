"""Body maps as ReportLab vector drawings for PDF reports.

Drawn from the same geometry as the screen and the SVG export, and made to look
like the SVG export: every view sits in a group whose transform maps its
millimetres (y down) to drawing points (y up). ReportLab has no pattern fills,
so symptom hatches are real lines and dots clipped to each region or stroke
with shapely; the map stays readable in grayscale print. Each view's group is
named by its view id (``getattr(drawing, "left_foot.plantar")``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from reportlab.graphics.shapes import FILL_EVEN_ODD, Circle, Drawing, Group, Line, Path, String
from reportlab.lib import colors
from shapely.geometry import Polygon, box
from shapely.geometry.base import BaseGeometry

from acuchart.bodymap import palette
from acuchart.bodymap.exam import MonofilamentResult
from acuchart.bodymap.geometry import Ring, View, all_views, get_view
from acuchart.bodymap.metrics import Change, painted_strokes, region_changes
from acuchart.bodymap.model import BodyMap, sites_shown
from acuchart.bodymap.svg_export import GAP, HATCH_MM
from acuchart.bodymap.symptoms import HATCH_TILES, Hatch, HatchTile, Symptom, fill_opacity
from acuchart.reports.fonts import SANS, register_fonts, text_width
from acuchart.reports.kept_paths import KeptDrawing, joined

HATCH_PT = 4.2  # hatch repeat on paper, so diagrams of any width and the legend match
HATCH_LINE = 0.12  # hatch line width, as a share of the repeat (as in the SVG export)
LABEL_INK = colors.HexColor("#333333")
MUTED_INK = colors.HexColor("#666666")
WHITE = colors.white
SWATCH_PT = 11.0
LEGEND_FONT_PT = 8.0

# As on the Progress tab; the hatch tells better from worse in grayscale.
CHANGE_COLOURS = {Change.BETTER: "#0072B2", Change.WORSE: "#D55E00", Change.SAME: "#9a9a9a"}
CHANGE_OPACITY = 0.45
CHANGE_HATCHES: dict[Change, tuple[Hatch, float, float] | None] = {
    # hatch, repeat (× HATCH_PT), line width (× HATCH_LINE × repeat)
    Change.BETTER: (Hatch.HORIZONTAL, 1.5, 0.8),  # light, sparse
    Change.WORSE: (Hatch.DIAGONAL_GRID, 1.0, 1.5),  # dense, dark cross-hatch
    Change.SAME: None,  # flat light gray
}

_MOVE, _LINE, _CURVE, _CLOSE = range(4)
_KAPPA = 0.5523  # Bézier control distance for a quarter circle


def _colour(hex_colour: str) -> colors.Color:
    return colors.HexColor(hex_colour)


def _ink(hex_colour: str, factor: float = 1.35) -> colors.Color:
    """The hatch colour: the symptom's colour darkened, as in the SVG export."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return colors.Color(*(round(c / factor) / 255 for c in (red, green, blue)))


# --- hatching -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HatchMarks:
    """A hatch clipped to a shape: polylines (flat x, y, x, y …), dots and rings (x, y, r)."""

    lines: tuple[tuple[float, ...], ...] = ()
    dots: tuple[tuple[float, float, float], ...] = ()
    rings: tuple[tuple[float, float, float], ...] = ()


def _endless_lines(
    start: tuple[float, float], step: tuple[int, int], size: float, bounds: Sequence[float]
) -> list[list[tuple[float, float]]]:
    """A tile line whose repeats join up (edge to edge): one long line per repeat across bounds."""
    dx, dy = step
    normal = (-dy, dx)
    across = (0, 1) if dx else (1, 0)  # a lattice step that moves to the next line
    per_line = (normal[0] * across[0] + normal[1] * across[1]) * size
    px, py = start[0] * size, start[1] * size
    ddx, ddy = dx * size, dy * size
    minx, miny, maxx, maxy = bounds
    corners = ((minx, miny), (minx, maxy), (maxx, miny), (maxx, maxy))
    offsets = [(normal[0] * (x - px) + normal[1] * (y - py)) / per_line for x, y in corners]
    lines = []
    for k in range(math.floor(min(offsets)), math.ceil(max(offsets)) + 1):
        bx, by = px + k * across[0] * size, py + k * across[1] * size
        ts = [((x - bx) * ddx + (y - by) * ddy) / (ddx * ddx + ddy * ddy) for x, y in corners]
        t0, t1 = min(ts), max(ts)
        lines.append([(bx + t0 * ddx, by + t0 * ddy), (bx + t1 * ddx, by + t1 * ddy)])
    return lines


def _tile_grid(
    at: tuple[float, float], size: float, bounds: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of one tile feature repeated over bounds (tiles anchored at the origin)."""
    minx, miny, maxx, maxy = bounds
    columns = np.arange(math.floor(minx / size) - 1, math.ceil(maxx / size) + 1)
    rows = np.arange(math.floor(miny / size) - 1, math.ceil(maxy / size) + 1)
    xs, ys = np.meshgrid((columns + at[0]) * size, (rows + at[1]) * size)
    return xs.ravel(), ys.ravel()


def _inside(
    shape: BaseGeometry, circles: Iterable[tuple[float, float, float]], size: float, pad: float
) -> tuple[tuple[float, float, float], ...]:
    """Circles of the tile repeated over the shape, kept only where wholly inside it."""
    kept: list[tuple[float, float, float]] = []
    bounds = shape.bounds
    for cx, cy, r in circles:
        radius = r * size
        inner = shape.buffer(-(radius + pad))
        if inner.is_empty:
            continue
        xs, ys = _tile_grid((cx, cy), size, bounds)
        keep = shapely.contains_xy(inner, xs, ys)
        kept += ((float(x), float(y), radius) for x, y in zip(xs[keep], ys[keep], strict=True))
    return tuple(kept)


def hatch_marks(shape: BaseGeometry, tile: HatchTile, size: float) -> HatchMarks:
    """The tile repeated every ``size`` units over a shape and clipped to it."""
    if shape.is_empty:
        return HatchMarks()
    bounds = shape.bounds
    segments: list[list[tuple[float, float]]] = []
    for (x1, y1), (x2, y2) in tile.lines:
        dx, dy = x2 - x1, y2 - y1
        if dx.is_integer() and dy.is_integer() and max(abs(dx), abs(dy)) == 1:
            segments += _endless_lines((x1, y1), (int(dx), int(dy)), size, bounds)
        else:
            starts = _tile_grid((x1, y1), size, bounds)
            ends = _tile_grid((x2, y2), size, bounds)
            segments += [
                [(float(a), float(b)), (float(c), float(d))]
                for a, b, c, d in zip(*starts, *ends, strict=True)
            ]
    lines: list[tuple[float, ...]] = []
    if segments:
        clipped = np.asarray(shapely.intersection(shapely.linestrings(np.array(segments)), shape))
        parts = shapely.get_parts(shapely.get_parts(clipped[~shapely.is_empty(clipped)]))
        for part in parts:
            if part.geom_type == "LineString" and part.length > 1e-6:
                lines.append(tuple(float(v) for v in shapely.get_coordinates(part).ravel()))
    ring_pad = size * HATCH_LINE / 2
    return HatchMarks(
        lines=tuple(lines),
        dots=_inside(shape, tile.dots, size, 0.0),
        rings=_inside(shape, tile.rings, size, ring_pad),
    )


@functools.lru_cache(maxsize=2048)
def _region_hatch(view_id: str, region_id: str, hatch: Hatch, size: float) -> HatchMarks:
    return hatch_marks(get_view(view_id).regions[region_id].shape, HATCH_TILES[hatch], size)


def _circle_path(
    path_points: list[float], operators: list[int], x: float, y: float, r: float
) -> None:
    k = r * _KAPPA
    path_points += (x + r, y)
    operators.append(_MOVE)
    for (c1x, c1y), (c2x, c2y), (ex, ey) in (
        ((x + r, y + k), (x + k, y + r), (x, y + r)),
        ((x - k, y + r), (x - r, y + k), (x - r, y)),
        ((x - r, y - k), (x - k, y - r), (x, y - r)),
        ((x + k, y - r), (x + r, y - k), (x + r, y)),
    ):
        path_points += (c1x, c1y, c2x, c2y, ex, ey)
        operators.append(_CURVE)
    operators.append(_CLOSE)


def hatch_shapes(marks: HatchMarks, ink: colors.Color, line_width: float) -> list[Path]:
    """A few paths however many marks (lines, dots per size, rings): small PDFs, fast builds.

    Dots are zero-length lines with round caps, which PDF paints as filled circles.
    """
    shapes: list[Path] = []
    if marks.lines:
        points: list[float] = []
        operators: list[int] = []
        for line in marks.lines:
            points += line
            operators += [_MOVE] + [_LINE] * (len(line) // 2 - 1)
        shapes.append(
            Path(points, operators, strokeColor=ink, strokeWidth=line_width, fillColor=None)
        )
    for radius in sorted({r for _x, _y, r in marks.dots}):
        points = [v for x, y, r in marks.dots if r == radius for v in (x, y, x, y)]
        shapes.append(
            Path(
                points,
                [_MOVE, _LINE] * (len(points) // 4),
                strokeColor=ink,
                strokeWidth=2 * radius,
                strokeLineCap=1,
                fillColor=None,
            )
        )
    if marks.rings:
        points, operators = [], []
        for x, y, r in marks.rings:
            _circle_path(points, operators, x, y, r)
        shapes.append(
            Path(
                points,
                operators,
                autoclose="pdf",
                fillColor=None,
                strokeColor=ink,
                strokeWidth=line_width,
            )
        )
    return shapes


# --- view geometry ---------------------------------------------------------------------------


def _rings_path(rings: Iterable[Sequence[tuple[float, float]]], **style: object) -> Path:
    points: list[float] = []
    operators: list[int] = []
    for ring in rings:
        for index, (x, y) in enumerate(ring):
            points += (x, y)
            operators.append(_LINE if index else _MOVE)
        operators.append(_CLOSE)
    return Path(points, operators, autoclose="pdf", fillMode=FILL_EVEN_ODD, **style)


def _shape_rings(shape: BaseGeometry) -> list[Ring]:
    polygons = [shape] if isinstance(shape, Polygon) else list(getattr(shape, "geoms", []))
    rings: list[Ring] = []
    for polygon in polygons:
        if isinstance(polygon, Polygon) and not polygon.is_empty:
            for ring in (polygon.exterior, *polygon.interiors):
                rings.append(tuple(ring.coords)[:-1])
    return rings


@functools.cache
def _region_rings(view_id: str) -> tuple[Ring, ...]:
    return tuple(ring for region in get_view(view_id).regions.values() for ring in region.rings)


@dataclass(frozen=True)
class _Placement:
    view: View
    left: float  # drawing points: where the view box's top-left corner goes
    top: float
    scale: float  # points per millimetre
    row_bottom: float  # where the row's tallest view ends; captions go below

    @property
    def transform(self) -> tuple[float, float, float, float, float, float]:
        """View millimetres (y down) → drawing points (y up)."""
        vx, vy, _vw, _vh = self.view.view_box
        s = self.scale
        return (s, 0.0, 0.0, -s, self.left - s * vx, self.top + s * vy)

    def mm(self, millimetres: float, minimum_pt: float = 0.0) -> float:
        """A size in view millimetres, never thinner than ``minimum_pt`` on paper."""
        return max(millimetres, minimum_pt / self.scale)


@dataclass(frozen=True)
class _Layout:
    placements: list[_Placement]
    height: float
    scale: float
    caption_size: float
    caption_space: float


def _layout(
    view_ids: Iterable[str] | None, width: float, captions: bool, max_height: float | None
) -> _Layout:
    """Hands in the first row, feet in the second, as in the SVG export; rows centred.

    Up to four views share one row, so a diagram of a few views is not a tall column.
    """
    views = all_views()
    wanted = set(views if view_ids is None else view_ids)
    if not wanted or not wanted <= views.keys():
        raise ValueError(f"unknown or no views: {sorted(wanted - views.keys())}")
    chosen = [view for view in views.values() if view.id in wanted]  # in screen order
    if len(chosen) <= 4:
        rows = [chosen]
    else:
        rows = [[v for v in chosen if not v.is_foot], [v for v in chosen if v.is_foot]]
        rows = [row for row in rows if row]
    row_width = max(sum(v.view_box[2] for v in row) + GAP * (len(row) - 1) for row in rows)
    row_heights = [max(v.view_box[3] for v in row) for row in rows]
    scale = width / row_width
    caption_size = min(9.0, max(6.5, scale * 9.5)) if captions else 0.0
    caption_space = caption_size * 1.7
    height = sum(h * scale + caption_space for h in row_heights) + GAP * scale * (len(rows) - 1)
    if max_height is not None and height > max_height:
        fixed = caption_space * len(rows)
        scale = max(0.05, (max_height - fixed) / (sum(row_heights) + GAP * (len(rows) - 1)))
        height = sum(h * scale + caption_space for h in row_heights) + GAP * scale * (len(rows) - 1)
    placements = []
    top = height
    for row, row_height in zip(rows, row_heights, strict=True):
        used = (sum(v.view_box[2] for v in row) + GAP * (len(row) - 1)) * scale
        left = (width - used) / 2
        for view in row:
            placements.append(_Placement(view, left, top, scale, top - row_height * scale))
            left += (view.view_box[2] + GAP) * scale
        top -= row_height * scale + caption_space + GAP * scale
    return _Layout(placements, height, scale, caption_size, caption_space)


def diagram_height(width: float, *, views: Iterable[str] | None = None) -> float:
    """The height of ``visit_diagram`` at ``width`` (with captions, no ``max_height``)."""
    return _layout(views, width, True, None).height


def _long_captions_fit(layout: _Layout) -> bool:
    """Long captions ("Right hand · palm") only when every view's fits: a drawing never
    mixes them with short ones ("Left palm")."""
    return all(
        text_width(p.view.label, SANS, layout.caption_size)
        <= (p.view.view_box[2] + GAP * 0.8) * p.scale
        for p in layout.placements
    )


def _caption(placement: _Placement, layout: _Layout) -> String:
    view = placement.view
    size = layout.caption_size
    label = view.label if _long_captions_fit(layout) else view.short_label
    return String(
        placement.left + view.view_box[2] * placement.scale / 2,
        placement.row_bottom - size * 1.25,
        label,
        fontName=SANS,
        fontSize=size,
        fillColor=LABEL_INK,
        textAnchor="middle",
    )


# The parts of a diagram that depend only on the view, the symptom and the size are made
# once and shared by every drawing (a progress report draws three maps, a visit summary
# measures its map before drawing it); ReportLab only reads shapes when it renders them.


@functools.lru_cache(maxsize=64)
def _skin(view_id: str) -> Path:
    return _rings_path(
        (get_view(view_id).outline_ring,), fillColor=_colour(palette.SKIN), strokeColor=None
    )


@functools.lru_cache(maxsize=256)
def _lines(view_id: str, region_width: float, outline_width: float) -> tuple[Path, Path]:
    regions = _rings_path(
        _region_rings(view_id),
        fillColor=None,
        strokeColor=_colour(palette.REGION_LINE),
        strokeWidth=region_width,
        strokeLineJoin=1,
    )
    outline = _rings_path(
        (get_view(view_id).outline_ring,),
        fillColor=None,
        strokeColor=_colour(palette.OUTLINE),
        strokeWidth=outline_width,
        strokeLineJoin=1,
    )
    return regions, outline


def _base(placement: _Placement) -> Group:
    """A view's group with its skin-coloured outline filled in."""
    group = Group(transform=placement.transform)
    group.add(_skin(placement.view.id))
    return group


def _finish(group: Group, placement: _Placement) -> None:
    """Region lines and the outline, drawn over the fills."""
    for part in _lines(placement.view.id, placement.mm(0.35, 0.3), placement.mm(0.7, 0.6)):
        group.add(part)


def _hatch_size(scale: float, factor: float = 1.0) -> float:
    """The hatch repeat in view millimetres: HATCH_PT on paper, never finer than HATCH_MM."""
    return round(max(HATCH_MM, HATCH_PT * factor / scale), 2)


@functools.lru_cache(maxsize=4096)
def _region_fill(
    view_id: str, region_id: str, symptom: Symptom, intensity: int, size: float, line_width: float
) -> Group:
    """A marked region's tint and hatching (shared: see ``_skin``)."""
    marks = _region_hatch(view_id, region_id, symptom.style.hatch, size)
    rings = get_view(view_id).regions[region_id].rings
    return _symptom_fill(rings, marks, symptom, intensity, line_width)


def _marked_regions(view_id: str, body_map: BodyMap, size: float, line_width: float) -> list[Group]:
    """One group per symptom marked on the view: its regions' tints (one path per intensity)
    and then their hatching (one path per kind of mark), each joined from the regions' shared
    paths. A map of eighty marked regions draws some twenty shapes, not three hundred.

    Regions do not overlap, so only the order within a region shows: a symptom's tint, its
    hatching, then the next symptom's, as when each region was drawn by itself."""
    tints: dict[Symptom, dict[int, list[Path]]] = {}
    hatches: dict[Symptom, dict[tuple[object, ...], list[Path]]] = {}
    for (marked_view, region_id, symptom), intensity in sorted(body_map.marks.items()):
        if marked_view != view_id:
            continue
        tint, *hatch = _region_fill(
            view_id, region_id, symptom, intensity, size, line_width
        ).contents
        tints.setdefault(symptom, {}).setdefault(intensity, []).append(tint)
        kinds = hatches.setdefault(symptom, {})
        for part in hatch:
            kind = (part.strokeWidth, part.strokeLineCap, part.autoclose)
            kinds.setdefault(kind, []).append(part)
    return [
        Group(
            *(joined(parts) for _, parts in sorted(tints[symptom].items())),
            *(joined(parts) for parts in hatches[symptom].values()),
        )
        for symptom in sorted(tints)
    ]


def _symptom_fill(
    rings: Iterable[Sequence[tuple[float, float]]],
    marks: HatchMarks,
    symptom: Symptom,
    intensity: int,
    line_width: float,
) -> Group:
    colour = symptom.style.colour
    tint = _rings_path(
        rings, fillColor=_colour(colour), fillOpacity=fill_opacity(intensity), strokeColor=None
    )
    return Group(tint, *hatch_shapes(marks, _ink(colour), line_width))


def _sites(placement: _Placement, body_map: BodyMap, chosen: frozenset[str] | None) -> list[object]:
    view = placement.view
    site, not_felt = _colour(palette.SITE), _colour(palette.NOT_FELT)
    parts: list[object] = []
    for place in sites_shown(view, body_map, chosen):
        x, y = place.at
        result = body_map.monofilament.get((view.limb, place.id))
        if result is MonofilamentResult.FELT:
            parts.append(Circle(x, y, 3.4, fillColor=site, strokeColor=None))
        elif result is MonofilamentResult.NOT_FELT:
            width = placement.mm(0.9, 0.8)
            parts.append(
                Circle(x, y, 4.5, fillColor=WHITE, strokeColor=not_felt, strokeWidth=width)
            )
            for a, b in ((2.7, 2.7), (2.7, -2.7)):
                parts.append(
                    Line(x + a, y + b, x - a, y - b, strokeColor=not_felt, strokeWidth=width)
                )
        else:
            parts.append(
                Circle(
                    x,
                    y,
                    4.5,
                    fillColor=WHITE,
                    fillOpacity=0.7,
                    strokeColor=site,
                    strokeWidth=placement.mm(0.5, 0.45),
                    strokeDashArray=[1.2, 0.8],
                )
            )
    return parts


def _points(placement: _Placement, needled: frozenset[str], show_all: bool) -> list[Circle]:
    parts = []
    for point in placement.view.points:
        is_needled = point.is_among(needled)
        if is_needled or show_all:
            parts.append(
                Circle(
                    *point.at,
                    2.4 if is_needled else 1.5,
                    fillColor=_colour(palette.NEEDLED if is_needled else palette.POINT),
                    strokeColor=WHITE,
                    strokeWidth=0.4,
                )
            )
    return parts


# --- public drawings -------------------------------------------------------------------------


def visit_diagram(
    body_map: BodyMap,
    *,
    width: float,
    needled_points: frozenset[str] = frozenset(),
    show_points: bool = False,
    monofilament_sites: frozenset[str] | None = None,
    views: Iterable[str] | None = None,
    captions: bool = True,
    max_height: float | None = None,
) -> Drawing:
    """A visit's map: views in rows, symptom tints with hatches, exam sites and points.

    ``width`` is the drawing's width in points; ``max_height`` shrinks the views (centred)
    when the natural height, about 1.3 × width for all eight views, would not fit.
    """
    register_fonts()
    layout = _layout(views, width, captions, max_height)
    drawing = KeptDrawing(width, layout.height)
    size = _hatch_size(layout.scale)
    for placement in layout.placements:
        view = placement.view
        group = _base(placement)
        line_width = size * HATCH_LINE
        for fill in _marked_regions(view.id, body_map, size, line_width):
            group.add(fill)
        for stroke, shape in painted_strokes(body_map, view.id):
            if stroke.symptom is not None:
                marks = hatch_marks(shape, HATCH_TILES[stroke.symptom.style.hatch], size)
                group.add(
                    _symptom_fill(
                        _shape_rings(shape), marks, stroke.symptom, stroke.intensity, line_width
                    )
                )
        _finish(group, placement)
        for part in _sites(placement, body_map, monofilament_sites):
            group.add(part)
        for circle in _points(placement, needled_points, show_points):
            group.add(circle)
        drawing.add(group, name=view.id)
        if captions:
            drawing.add(_caption(placement, layout))
    return drawing


def _change_fill(
    rings: Iterable[Sequence[tuple[float, float]]], marks: HatchMarks, change: Change, width: float
) -> Group:
    colour = CHANGE_COLOURS[change]
    tint = _rings_path(
        rings, fillColor=_colour(colour), fillOpacity=CHANGE_OPACITY, strokeColor=None
    )
    return Group(tint, *hatch_shapes(marks, _ink(colour, 1.6), width))


def change_diagram(
    baseline: BodyMap,
    current: BodyMap,
    *,
    width: float,
    views: Iterable[str] | None = None,
    captions: bool = True,
    max_height: float | None = None,
) -> Drawing:
    """Each region marked at either visit as better, worse or the same, as on the Progress tab."""
    register_fonts()
    layout = _layout(views, width, captions, max_height)
    drawing = KeptDrawing(width, layout.height)
    changes = region_changes(baseline, current)
    for placement in layout.placements:
        view = placement.view
        group = _base(placement)
        for (view_id, region_id), change in sorted(changes.items()):
            if view_id != view.id:
                continue
            rings = view.regions[region_id].rings
            style = CHANGE_HATCHES[change]
            if style is None:
                marks, line_width = HatchMarks(), 0.0
            else:
                hatch, repeat, weight = style
                size = _hatch_size(layout.scale, repeat)
                marks = _region_hatch(view_id, region_id, hatch, size)
                line_width = _hatch_size(layout.scale) * HATCH_LINE * weight
            group.add(_change_fill(rings, marks, change, line_width))
        _finish(group, placement)
        drawing.add(group, name=view.id)
        if captions:
            drawing.add(_caption(placement, layout))
    return drawing


# --- legends ---------------------------------------------------------------------------------


def _swatch(x: float, y: float, fill: Group) -> Group:
    """A legend square with its bottom-left corner at (x, y); ``fill`` drawn in a y-down box."""
    frame = _rings_path(
        (_square(),), fillColor=None, strokeColor=colors.HexColor("#555555"), strokeWidth=0.4
    )
    return Group(
        _rings_path((_square(),), fillColor=WHITE, strokeColor=None),
        fill,
        frame,
        transform=(1, 0, 0, -1, x, y + SWATCH_PT),
    )


def _square() -> Ring:
    s = SWATCH_PT
    return ((0.0, 0.0), (s, 0.0), (s, s), (0.0, s))


@functools.cache
def _swatch_hatch(hatch: Hatch, repeat: float) -> HatchMarks:
    return hatch_marks(box(0, 0, SWATCH_PT, SWATCH_PT), HATCH_TILES[hatch], HATCH_PT * repeat)


class _Flow:
    """Legend entries laid out left to right, wrapping to new lines within a width."""

    def __init__(self, width: float) -> None:
        self.width = width
        self.entries: list[tuple[int, float, list[object]]] = []  # line, x, shapes at y = 0
        self.line = 0
        self.x = 0.0

    def add(self, entry_width: float, shapes: list[object]) -> None:
        if self.x and self.x + entry_width > self.width:
            self.line += 1
            self.x = 0.0
        self.entries.append((self.line, self.x, shapes))
        self.x += entry_width + 14.0

    def new_line(self) -> None:
        if self.entries:
            self.line = max(line for line, _x, _s in self.entries) + 1
            self.x = 0.0

    def drawing(self) -> Drawing:
        pitch = SWATCH_PT + 5.0
        lines = max((line for line, _x, _s in self.entries), default=0) + 1
        drawing = KeptDrawing(self.width, lines * pitch - 5.0 + 2.0)
        for line, x, shapes in self.entries:
            y = (lines - 1 - line) * pitch + 1.0
            drawing.add(Group(*shapes, transform=(1, 0, 0, 1, x, y)))
        return drawing


def _label(x: float, text: str) -> tuple[String, float]:
    string = String(x, 3.0, text, fontName=SANS, fontSize=LEGEND_FONT_PT, fillColor=LABEL_INK)
    return string, x + text_width(text, SANS, LEGEND_FONT_PT)


def _entry(flow: _Flow, icon: object, text: str) -> None:
    label, end = _label(SWATCH_PT + 4.0, text)
    flow.add(end, [icon, label])


def diagram_legend(
    symptoms: Iterable[Symptom],
    *,
    width: float,
    monofilament: bool = False,
    needled: bool = False,
    other_points: bool = False,
) -> Drawing:
    """A swatch (tint and hatch) and label per symptom; optionally the exam and point keys."""
    register_fonts()
    flow = _Flow(width)
    for symptom in symptoms:
        marks = _swatch_hatch(symptom.style.hatch, 1.0)
        fill = _symptom_fill((_square(),), marks, symptom, 6, HATCH_PT * HATCH_LINE)
        _entry(flow, _swatch(0, 0, fill), symptom.label)
    if not flow.entries:
        flow.add(
            0.0,
            [
                String(
                    0,
                    3.0,
                    "No symptoms charted",
                    fontName=SANS,
                    fontSize=LEGEND_FONT_PT,
                    fillColor=MUTED_INK,
                )
            ],
        )
    centre = SWATCH_PT / 2
    if monofilament:
        flow.new_line()
        site, not_felt = _colour(palette.SITE), _colour(palette.NOT_FELT)
        _entry(flow, Circle(centre, centre, 3.0, fillColor=site, strokeColor=None), "Felt")
        cross = Group(
            Circle(centre, centre, 4.0, fillColor=WHITE, strokeColor=not_felt, strokeWidth=0.8),
            Line(
                centre - 2.4,
                centre - 2.4,
                centre + 2.4,
                centre + 2.4,
                strokeColor=not_felt,
                strokeWidth=0.8,
            ),
            Line(
                centre - 2.4,
                centre + 2.4,
                centre + 2.4,
                centre - 2.4,
                strokeColor=not_felt,
                strokeWidth=0.8,
            ),
        )
        _entry(flow, cross, "Not felt")
        ring = Circle(
            centre,
            centre,
            4.0,
            fillColor=WHITE,
            strokeColor=site,
            strokeWidth=0.5,
            strokeDashArray=[1.1, 0.7],
        )
        _entry(flow, ring, "Not tested (monofilament)")
    if needled or other_points:
        flow.new_line()
    if needled:
        dot = Circle(centre, centre, 2.6, fillColor=_colour(palette.NEEDLED), strokeColor=None)
        _entry(flow, dot, "Needled at this visit")
    if other_points:
        dot = Circle(centre, centre, 1.8, fillColor=_colour(palette.POINT), strokeColor=None)
        _entry(flow, dot, "Other points, for reference")
    return flow.drawing()


def change_legend(width: float) -> Drawing:
    """Swatches for better, worse and the same, hatched as in ``change_diagram``."""
    register_fonts()
    flow = _Flow(width)
    for change in Change:
        style = CHANGE_HATCHES[change]
        if style is None:
            marks, line_width = HatchMarks(), 0.0
        else:
            hatch, repeat, weight = style
            marks = _swatch_hatch(hatch, repeat)
            line_width = HATCH_PT * HATCH_LINE * weight
        fill = _change_fill((_square(),), marks, change, line_width)
        _entry(flow, _swatch(0, 0, fill), change.label)
    return flow.drawing()
