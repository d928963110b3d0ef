"""The body map as an SVG document: well-formed, complete, and true to the saved map."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from acuchart.bodymap.exam import MonofilamentResult, MonofilamentSet
from acuchart.bodymap.geometry import VIEW_IDS
from acuchart.bodymap.model import BodyMap, make_stroke, monofilament_counts
from acuchart.bodymap.svg_export import MapDocument, body_map_svg
from acuchart.bodymap.symptoms import Symptom
from acuchart.db.database import Database
from acuchart.patients import Limb
from acuchart.services import body_maps, patients
from tests.conftest import make_draft
from tests.unit.test_body_map_service import new_visit

SVG = "{http://www.w3.org/2000/svg}"
SOLE = "left_foot.plantar"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def test_every_view_is_drawn_with_the_marks_and_their_hatches() -> None:
    body_map = (
        BodyMap()
        .with_mark(SOLE, "heel", Symptom.BURNING, 7)
        .with_mark("right_hand.palmar", "thumb.distal", Symptom.NUMBNESS, 2)
        .with_stroke(make_stroke(SOLE, Symptom.TINGLING, 4, 8.0, [(-10.0, 250.0), (10.0, 250.0)]))
        .with_monofilament(Limb.LEFT_FOOT, "hallux", MonofilamentResult.NOT_FELT)
    )
    root = parse(body_map_svg(body_map, MapDocument("Okafor, Nkechi", "Visit 1")))
    groups = {g.get("id") for g in root.iter(f"{SVG}g")}
    assert set(VIEW_IDS) <= groups
    patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert patterns == {f"hatch-{s.value}" for s in Symptom}
    fills = [p.get("fill", "") for p in root.iter(f"{SVG}path")]
    for symptom in (Symptom.BURNING, Symptom.NUMBNESS, Symptom.TINGLING):
        assert f"url(#hatch-{symptom.value})" in fills
        assert symptom.style.colour in fills
    assert f"url(#hatch-{Symptom.COLD.value})" not in fills
    texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Burning" in texts
    assert "Cold" not in texts
    assert "not felt" in texts
    width, height = float(root.get("viewBox", "").split()[2]), root.get("height", "")
    assert width > 500
    assert height.endswith("mm")


def test_an_empty_map_still_shows_the_outlines_and_full_legend() -> None:
    root = parse(body_map_svg(BodyMap(), MapDocument("A", "B")))
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert all(symptom.label in texts for symptom in Symptom)
    assert any("Affected area: 0%" in text for text in texts)


def test_names_with_markup_and_any_script_are_escaped() -> None:
    title = "O'Brien <&> 王秀英 Þórðardóttir"
    svg = body_map_svg(BodyMap(), MapDocument(title, 'visit "1"'))
    root = parse(svg)
    assert root.find(f"{SVG}title") is not None
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert title in texts
    assert 'visit "1"' in texts


def test_the_service_heads_the_picture_with_patient_and_visit(database: Database) -> None:
    patient = patients.create_patient(database, make_draft(given_names="Zoë"))
    visit_id = new_visit(database, patient.id, 0)
    body_maps.save_body_map(database, visit_id, BodyMap().with_mark(SOLE, "heel", Symptom.COLD, 9))
    root = parse(body_maps.visit_map_svg(database, visit_id, show_points=True))
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert texts[0] == "Okafor, Zoë · body map"
    assert "Born 02 Apr 1956" in texts[1]
    assert "R. Decicco" in texts[1]
    assert any("left foot" in text for text in texts)
    point_titles = {
        (c.find(f"{SVG}title").text or "")  # type: ignore[union-attr]
        for c in root.iter(f"{SVG}circle")
        if c.find(f"{SVG}title") is not None
    }
    assert {"LR3", "KI1", "LI4"} <= point_titles


def test_only_the_clinics_monofilament_sites_are_drawn() -> None:
    recorded = BodyMap().with_monofilament(Limb.LEFT_FOOT, "heel", MonofilamentResult.NOT_FELT)
    three = MapDocument("A", "B", monofilament_sites=MonofilamentSet.IWGDF_THREE.site_ids)
    for body_map, expected in ((BodyMap(), 6), (recorded, 7)):  # 3 per foot, plus a recorded one
        root = parse(body_map_svg(body_map, three))
        rings = [c for c in root.iter(f"{SVG}circle") if c.get("r") == "4.5"]
        assert len(rings) == expected
    everything = parse(body_map_svg(BodyMap(), MapDocument("A", "B")))
    assert len([c for c in everything.iter(f"{SVG}circle") if c.get("r") == "4.5"]) == 20
    assert monofilament_counts(recorded, Limb.LEFT_FOOT, three.monofilament_sites) == (0, 1, 3)
    assert monofilament_counts(BodyMap(), Limb.RIGHT_FOOT, None) == (0, 0, 10)


def test_needled_points_are_explained_in_the_legend() -> None:
    needled = MapDocument("A", "B", needled_points=frozenset({"LR3"}))
    texts = [t.text or "" for t in parse(body_map_svg(BodyMap(), needled)).iter(f"{SVG}text")]
    assert any(text.startswith("Red points: needled at this visit") for text in texts)
    plain = [
        t.text or ""
        for t in parse(body_map_svg(BodyMap(), MapDocument("A", "B"))).iter(f"{SVG}text")
    ]
    assert not any(text.startswith("Red points") for text in plain)
