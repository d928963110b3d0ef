"""A visit's body map as a standalone SVG document, for a referral letter or an e-mail.

Drawn from the same geometry as the screen: all eight views, symptom tints with
their hatches (``<pattern>`` elements from ``HATCH_TILES``, so the file stays
readable in grayscale), the foot sensory exam, a legend and the headline figures.
Units are millimetres; the document is 1:1 with the drawings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from acuchart.bodymap.exam import MonofilamentResult
from acuchart.bodymap.geometry import Ring, View, all_views
from acuchart.bodymap.metrics import format_share, painted_strokes, summarise
from acuchart.bodymap.model import BodyMap, sites_shown
from acuchart.bodymap.palette import NEEDLED, NOT_FELT, OUTLINE, POINT, REGION_LINE, SITE, SKIN
from acuchart.bodymap.symptoms import HATCH_TILES, Symptom, fill_opacity

MARGIN = 10.0
GAP = 6.0
HEADER = 26.0
CAPTION = 9.0
HATCH_MM = 3.2
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class MapDocument:
    """What the picture is of: shown in its heading."""

    title: str  # e.g. the patient's name
    subtitle: str  # e.g. the visit's date and practitioner
    show_points: bool = False
    needled_points: frozenset[str] = frozenset()
    monofilament_sites: frozenset[str] | None = None  # the clinic's set; None = all ten


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def _ring_data(ring: Iterable[tuple[float, float]]) -> str:
    coordinates = [f"{_number(x)},{_number(y)}" for x, y in ring]
    return f"M{coordinates[0]} L{' '.join(coordinates[1:])} Z"


def _rings_data(rings: Iterable[Ring]) -> str:
    return " ".join(_ring_data(ring) for ring in rings)


def _shape_data(shape: BaseGeometry) -> str:
    polygons = [shape] if isinstance(shape, Polygon) else list(getattr(shape, "geoms", []))
    parts = []
    for polygon in polygons:
        if isinstance(polygon, Polygon) and not polygon.is_empty:
            for ring in (polygon.exterior, *polygon.interiors):
                parts.append(_ring_data(tuple(ring.coords)[:-1]))
    return " ".join(parts)


def _darker(colour: str, factor: float = 1.35) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c / factor):02x}" for c in (red, green, blue))


def _pattern(symptom: Symptom) -> str:
    style = symptom.style
    tile = HATCH_TILES[style.hatch]
    ink = _darker(style.colour)
    size = HATCH_MM
    width = _number(size * 0.12)
    shapes = [
        f'<line x1="{_number(x1 * size)}" y1="{_number(y1 * size)}" '
        f'x2="{_number(x2 * size)}" y2="{_number(y2 * size)}" stroke="{ink}" '
        f'stroke-width="{width}"/>'
        for (x1, y1), (x2, y2) in tile.lines
    ]
    shapes += [
        f'<circle cx="{_number(x * size)}" cy="{_number(y * size)}" r="{_number(r * size)}" '
        f'fill="{ink}"/>'
        for x, y, r in tile.dots
    ]
    shapes += [
        f'<circle cx="{_number(x * size)}" cy="{_number(y * size)}" r="{_number(r * size)}" '
        f'fill="none" stroke="{ink}" stroke-width="{width}"/>'
        for x, y, r in tile.rings
    ]
    return (
        f'<pattern id="hatch-{symptom.value}" patternUnits="userSpaceOnUse" '
        f'width="{_number(size)}" height="{_number(size)}">{"".join(shapes)}</pattern>'
    )


def _fill(data: str, symptom: Symptom, intensity: int) -> str:
    return (
        f'<path d="{data}" fill="{symptom.style.colour}" '
        f'fill-opacity="{fill_opacity(intensity)}" fill-rule="evenodd"/>'
        f'<path d="{data}" fill="url(#hatch-{symptom.value})" fill-rule="evenodd"/>'
    )


def _sites(view: View, body_map: BodyMap, chosen: frozenset[str] | None) -> list[str]:
    parts = []
    for site in sites_shown(view, body_map, chosen):
        x, y = (_number(v) for v in site.at)
        result = body_map.monofilament.get((view.limb, site.id))
        if result is MonofilamentResult.FELT:
            parts.append(f'<circle cx="{x}" cy="{y}" r="3.4" fill="{SITE}"/>')
        elif result is MonofilamentResult.NOT_FELT:
            cx, cy = site.at
            cross = " ".join(
                f"M{_number(cx + a)},{_number(cy + b)} L{_number(cx - a)},{_number(cy - b)}"
                for a, b in ((2.7, 2.7), (2.7, -2.7))
            )
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="4.5" fill="white" stroke="{NOT_FELT}" '
                f'stroke-width="0.9"/><path d="{cross}" stroke="{NOT_FELT}" stroke-width="0.9"/>'
            )
        else:
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="4.5" fill="white" fill-opacity="0.7" '
                f'stroke="{SITE}" stroke-width="0.5" stroke-dasharray="1.2 0.8"/>'
            )
    return parts


def _points(view: View, document: MapDocument) -> list[str]:
    parts = []
    for point in view.points:
        needled = point.is_among(document.needled_points)
        x, y = (_number(v) for v in point.at)
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{2.4 if needled else 1.5}" '
            f'fill="{NEEDLED if needled else POINT}" stroke="white" stroke-width="0.4">'
            f"<title>{escape(point.code)}</title></circle>"
        )
    return parts


def view_svg(view: View, body_map: BodyMap, document: MapDocument) -> str:
    """One view as an SVG group in its own millimetre coordinates."""
    parts = [
        f'<g id="{view.id}"><title>{escape(view.label)}</title>',
        f'<path d="{_ring_data(view.outline_ring)}" fill="{SKIN}"/>',
    ]
    for (view_id, region_id, symptom), intensity in sorted(body_map.marks.items()):
        if view_id == view.id:
            parts.append(_fill(_rings_data(view.regions[region_id].rings), symptom, intensity))
    for stroke, shape in painted_strokes(body_map, view.id):
        if stroke.symptom is not None and (data := _shape_data(shape)):
            parts.append(_fill(data, stroke.symptom, stroke.intensity))
    parts.append(f'<g fill="none" stroke="{REGION_LINE}" stroke-width="0.35">')
    parts += [
        f'<path d="{_rings_data(region.rings)}"><title>{escape(region.label)}</title></path>'
        for region in view.regions.values()
    ]
    parts.append("</g>")
    parts.append(
        f'<path d="{_ring_data(view.outline_ring)}" fill="none" stroke="{OUTLINE}" '
        'stroke-width="0.7" stroke-linejoin="round"/>'
    )
    parts += _sites(view, body_map, document.monofilament_sites)
    if document.show_points or document.needled_points:
        parts += _points(view, document)
    parts.append("</g>")
    return "".join(parts)


def _text(x: float, y: float, text: str, size: float, **attributes: str) -> str:
    extra = "".join(f" {name.replace('_', '-')}={quoteattr(v)}" for name, v in attributes.items())
    return (
        f'<text x="{_number(x)}" y="{_number(y)}" font-size="{_number(size)}"{extra}>'
        f"{escape(text)}</text>"
    )


def _figures_line(body_map: BodyMap) -> str:
    summary = summarise(body_map)
    parts = [f"Affected area: {format_share(summary.overall)} of hands and feet"]
    for limb, share in summary.by_limb.items():
        if share:
            extent = summary.extent.get(limb)
            reach = f" (up to {extent.label})" if extent is not None else ""
            parts.append(f"{limb.label.lower()} {format_share(share)}{reach}")
    return " · ".join(parts)


def _legend(
    body_map: BodyMap, document: MapDocument, x: float, y: float
) -> tuple[list[str], float]:
    parts: list[str] = []
    column = 0.0
    for symptom in body_map.symptoms or list(Symptom):
        label = symptom.label
        parts.append(
            f'<rect x="{_number(x + column)}" y="{_number(y - 4.2)}" width="6" height="6" '
            f'fill="white" stroke="#555" stroke-width="0.3"/>'
            + _fill(_ring_data(_square(x + column, y - 4.2, 6)), symptom, 6)
        )
        parts.append(_text(x + column + 8, y, label, 4.2, fill="#333"))
        column += 8 + len(label) * 2.3 + 7
    notes = []
    if body_map.monofilament:
        notes.append(
            "Monofilament: filled dot = felt · red cross = not felt · dashed ring = not tested"
        )
    if document.needled_points:
        notes.append("Red points: needled at this visit · blue points: other points, for reference")
    for line, text in enumerate(notes):
        parts.append(_text(x, y + 9 + line * 6, text, 3.8, fill="#333"))
    return parts, 6.0 + (9.0 + 6 * (len(notes) - 1) if notes else 0.0)


def _square(x: float, y: float, side: float) -> Ring:
    return ((x, y), (x + side, y), (x + side, y + side), (x, y + side))


def body_map_svg(body_map: BodyMap, document: MapDocument) -> str:
    """The whole map: hands in the first row, feet in the second, heading and legend."""
    views = list(all_views().values())
    hands = [view for view in views if not view.is_foot]
    feet = [view for view in views if view.is_foot]
    row_width = max(sum(view.view_box[2] for view in row) + GAP * 3 for row in (hands, feet))
    width = row_width + 2 * MARGIN
    body: list[str] = []
    y = MARGIN + HEADER
    for row in (hands, feet):
        height = max(view.view_box[3] for view in row)
        x = MARGIN + (row_width - sum(v.view_box[2] for v in row) - GAP * 3) / 2
        for view in row:
            vx, vy, vw, _vh = view.view_box
            body.append(f'<g transform="translate({_number(x - vx)},{_number(y - vy)})">')
            body.append(view_svg(view, body_map, document))
            body.append("</g>")
            body.append(
                _text(x + vw / 2, y + height + 6, view.short_label, 4.6, text_anchor="middle")
            )
            x += vw + GAP
        y += height + CAPTION + GAP
    legend, legend_height = _legend(body_map, document, MARGIN, y + 2)
    y += legend_height
    figures = _text(MARGIN, y + 6, _figures_line(body_map), 4.2, fill="#333")
    height = y + 6 + MARGIN
    patterns = "".join(_pattern(symptom) for symptom in Symptom)
    heading = [
        _text(MARGIN, MARGIN + 8, document.title, 8.5, font_weight="bold"),
        _text(MARGIN, MARGIN + 16, document.subtitle, 4.8, fill="#444"),
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'width="{_number(width)}mm" height="{_number(height)}mm" '
        f'viewBox="0 0 {_number(width)} {_number(height)}" font-family="{FONT}">'
        f"<title>{escape(document.title)} · {escape(document.subtitle)}</title>"
        f"<defs>{patterns}</defs>"
        f'<rect width="{_number(width)}" height="{_number(height)}" fill="white"/>'
        + "".join(heading)
        + "".join(body)
        + "".join(legend)
        + figures
        + "</svg>\n"
    )
