"""Printed documents from a real SQLite file, read back with pypdf: text, pages, fonts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from acuchart.bodymap.model import BodyMap
from acuchart.bodymap.symptoms import Symptom
from acuchart.clinic import ClinicProfile, PaperSize
from acuchart.db.database import Database
from acuchart.db.sqlite import SIGNED_VISIT_TRIGGERS
from acuchart.errors import RecordNotFoundError
from acuchart.notes.model import NeedleCount, Plan
from acuchart.notes.scores import NrsItem, Pgic
from acuchart.patients import Limb
from acuchart.reports.handout_text import Handout
from acuchart.reports.progress_report import Audience
from acuchart.services import body_maps, notes, patients, reports
from acuchart.services.clinic import load_clinic_profile, save_clinic_profile
from acuchart.validation import ValidationError
from tests.conftest import make_draft
from tests.unit.test_body_map_service import full_map, new_visit
from tests.unit.test_note_service import charted_note

CLINIC = ClinicProfile(
    name="Decicco Acupuncture",
    address="214 Maple Street\nGreenville, SC 29601",
    phone="(864) 555-0142",
    email="care@decicco.example",
    practitioners="R. Decicco, L.Ac., Dipl. Ac.",
)
UNICODE_PATIENT = {
    "family_name": "Ðorđević 李小龍",
    "given_names": "Zoë",
    "limbs_affected": frozenset({Limb.LEFT_FOOT, Limb.RIGHT_FOOT, Limb.LEFT_HAND}),
}
TODAY = dt.date(2026, 11, 30)


def read(buffer: io.BytesIO) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def embedded_fonts(reader: PdfReader) -> set[str]:
    """Base names of the fonts whose program is inside the file; fails on any other font."""
    names = set()
    for page in reader.pages:
        resources: Any = page["/Resources"].get_object()
        fonts = resources.get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            name = str(font["/BaseFont"]).split("+")[-1]
            assert descriptor is not None, f"{name} is not embedded"
            assert "/FontFile2" in descriptor.get_object(), f"{name} is not embedded"
            names.add(name)
    return names


def course(database: Database, pains: tuple[int, ...] = (8, 6, 4)) -> tuple[int, list[int]]:
    save_clinic_profile(database, CLINIC)
    patient = patients.create_patient(database, make_draft(**UNICODE_PATIENT))
    ids = []
    for number, pain in enumerate(pains):
        visit_id = new_visit(database, patient.id, days_ago=7 * (len(pains) - number))
        note = charted_note()
        nrs = {**note.subjective.nrs, NrsItem.PAIN_AVERAGE: pain}
        note = dataclasses.replace(
            note,
            subjective=dataclasses.replace(note.subjective, nrs=nrs),
            needles=NeedleCount(3, 3),
            outcomes=dataclasses.replace(
                note.outcomes, pgic=Pgic.MUCH_IMPROVED if number else None
            ),
        )
        notes.save_draft(database, visit_id, note)
        heel = BodyMap().with_mark("right_foot.plantar", "heel", Symptom.BURNING, 7)
        toes = heel.with_mark("right_foot.plantar", "hallux.distal", Symptom.NUMBNESS, 4)
        body_maps.save_body_map(database, visit_id, toes if number == 0 else heel)
        ids.append(visit_id)
    return patient.id, ids


def test_a_draft_visit_summary_is_marked_and_prints_any_name(database: Database) -> None:
    _, ids = course(database)
    buffer = io.BytesIO()
    reports.visit_summary_pdf(database, ids[-1], buffer, today=TODAY)
    reader, content = read(buffer)
    assert "Ðorđević 李小龍, Zoë" in content
    assert "DRAFT" in content
    assert "Burning soles, worse at night" in content
    assert "both feet, left hand" in content
    assert "ST36" in content
    assert "Zusanli" in content
    assert "G62.0" in content
    assert f"Page 1 of {len(reader.pages)}" in content
    assert "Decicco Acupuncture" in content
    assert reader.metadata is not None
    assert reader.metadata.title == "Visit summary – Ðorđević 李小龍, Zoë"
    fonts = embedded_fonts(reader)
    assert {"DejaVuSans", "DejaVuSans-Bold", "DroidSansFallback"} <= fonts


def test_a_signed_summary_shows_the_signature_and_the_addenda(database: Database) -> None:
    _, ids = course(database)
    signature = notes.sign_note(database, ids[-1], "R. Decicco, L.Ac.")
    notes.add_addendum(database, ids[-1], "R. Decicco", "Patient phoned: soles less hot.")
    buffer = io.BytesIO()
    reports.visit_summary_pdf(database, ids[-1], buffer, today=TODAY)
    _, content = read(buffer)
    assert "DRAFT" not in content
    assert "Signed by R. Decicco, L.Ac." in content
    assert signature.content_hash[:32] in content.replace("\n", "")
    assert "Patient phoned: soles less hot." in content


def test_the_progress_report_says_what_changed(database: Database) -> None:
    patient_id, _ = course(database)
    buffer = io.BytesIO()
    reports.progress_report_pdf(
        database, patient_id, buffer, comments="Weekly for four more weeks.", today=TODAY
    )
    reader, content = read(buffer)
    flat = " ".join(content.split())
    assert "Average pain fell from 8 to 4 (−50%), a substantial improvement" in flat
    assert "Weekly for four more weeks." in flat
    assert "much improved" in flat
    assert "Change from the first to the latest visit" in flat
    assert "Points" in flat  # the physician's table lists the points needled
    assert len(reader.pages) >= 2
    patient_copy = io.BytesIO()
    reports.progress_report_pdf(
        database, patient_id, patient_copy, audience=Audience.PATIENT, today=TODAY
    )
    _, patient_text = read(patient_copy)
    assert "For you, to keep" in patient_text
    assert "EX-LE10" not in patient_text


def test_a_course_reads_each_visit_as_the_chart_does(database: Database) -> None:
    """The report reads maps, notes and scores of the whole course in bulk (driver rows, one
    transaction); each must equal what the chart reads of that visit on its own."""
    course(database, pains=(2,))  # another patient's visit and scores stay out
    patient_id, ids = course(database)
    body_maps.save_body_map(database, ids[1], full_map())
    empty = new_visit(database, patient_id, days_ago=1)
    loaded = reports.load_course(database, patient_id)
    assert [v.visit.id for v in loaded.visits] == [*ids, empty]
    for visit in loaded.visits:
        assert visit.body_map == body_maps.load_body_map(database, visit.visit.id).body_map
        assert visit.note == notes.load_note(database, visit.visit.id).note
    assert loaded.visits[1].body_map == full_map()
    heel_keys = {  # one key object per region however many visits mark it
        id(key)
        for visit in loaded.visits
        for key in visit.body_map.marks
        if key == ("right_foot.plantar", "heel", Symptom.BURNING)
    }
    assert len(heel_keys) == 1
    assert loaded.visits[-1].body_map == BodyMap()
    assert loaded.flowsheet == notes.score_flowsheet(database, patient_id)
    pain = loaded.flowsheet.row("nrs.pain_average")
    assert pain is not None
    assert pain.values == (8, 6, 4)


def test_a_progress_report_of_a_new_patient_says_little_was_recorded(database: Database) -> None:
    save_clinic_profile(database, CLINIC)
    patient = patients.create_patient(database, make_draft())
    buffer = io.BytesIO()
    reports.progress_report_pdf(database, patient.id, buffer, today=TODAY)
    _, content = read(buffer)
    assert "Too little has been recorded yet" in content
    assert "No body map has been charted yet." in content


@pytest.mark.parametrize("handout", list(Handout))
def test_every_handout_fills_its_fields(database: Database, handout: Handout) -> None:
    patient_id, ids = course(database)
    notes.save_draft(
        database,
        ids[-1],
        charted_note(plan=Plan(home_care="Walk ten minutes\nafter lunch", next_visit="Tue 9:30")),
    )
    buffer = io.BytesIO()
    reports.handout_pdf(database, handout, patient_id, buffer, today=TODAY)
    reader, content = read(buffer)
    assert "Zoë" in content
    assert "Decicco Acupuncture" in content
    assert "(864) 555-0142" in content
    assert "{" not in content
    assert "}" not in content
    assert 1 <= len(reader.pages) <= 3
    if handout is Handout.HOME_CARE_PLAN:
        assert "Walk ten minutes\nafter lunch" in content
        assert "Tue 9:30" in content
    large = io.BytesIO()
    reports.handout_pdf(database, handout, patient_id, large, large_print=True, today=TODAY)
    assert len(read(large)[0].pages) > len(reader.pages) or handout is Handout.HOME_CARE_PLAN


def test_a_clinic_edits_a_handout_and_unknown_fields_are_refused(database: Database) -> None:
    patient_id, _ = course(database)
    with pytest.raises(ValidationError, match="Unknown field"):
        reports.save_handout_template(database, Handout.AFTERCARE, "# After\n\nHi {nickname}")
    with pytest.raises(ValidationError, match="title"):
        reports.save_handout_template(database, Handout.AFTERCARE, "No title here")
    reports.save_handout_template(
        database, Handout.AFTERCARE, "# After today\n\nRest well, **{patient_first_name}**."
    )
    buffer = io.BytesIO()
    reports.handout_pdf(database, Handout.AFTERCARE, patient_id, buffer, today=TODAY)
    assert "Rest well, Zoë." in read(buffer)[1]
    reports.save_handout_template(database, Handout.AFTERCARE, "  ")
    assert reports.handout_template(database, Handout.AFTERCARE).startswith(
        "# After your acupuncture treatment"
    )


def test_the_whole_chart_holds_every_visit(database: Database) -> None:
    patient_id, ids = course(database)
    notes.sign_note(database, ids[0], "R. Decicco, L.Ac.")
    notes.add_addendum(database, ids[0], "R. Decicco", "Late entry: bruise at LR3.")
    buffer = io.BytesIO()
    reports.chart_pdf(database, patient_id, buffer, today=TODAY)
    reader, content = read(buffer)
    assert content.count("Burning soles, worse at night") == 3
    assert "Late entry: bruise at LR3." in content
    assert "Signed, verified" in content
    assert len(reader.pages) >= 4


def test_a_note_changed_after_signing_is_flagged_where_the_signature_is_printed(
    database: Database, db_path: Path
) -> None:
    """The summary and the whole chart hash each signed note again; the progress report,
    which prints no signature, skips that work and still reads the changed course."""
    patient_id, ids = course(database)
    for visit_id in ids:
        notes.sign_note(database, visit_id, "R. Decicco, L.Ac.")
    with sqlite3.connect(db_path) as raw:  # someone with the file and a SQLite shell
        for name in SIGNED_VISIT_TRIGGERS:
            raw.execute(f"DROP TRIGGER IF EXISTS {name}")
        raw.execute(
            "UPDATE visit_notes SET content = replace(content, 'Burning soles', 'Cold soles')"
            " WHERE visit_id = ?",
            (ids[-1],),
        )
    summary = io.BytesIO()
    reports.visit_summary_pdf(database, ids[-1], summary, today=TODAY)
    _, content = read(summary)
    assert "the note no longer matches this signature" in " ".join(content.split())
    untouched = io.BytesIO()
    reports.visit_summary_pdf(database, ids[0], untouched, today=TODAY)
    assert "no longer matches" not in read(untouched)[1]
    chart = io.BytesIO()
    reports.chart_pdf(database, patient_id, chart, today=TODAY)
    chart_text = " ".join(read(chart)[1].split())
    assert chart_text.count("Signed, verified") == 2
    assert "Signed – DOES NOT MATCH its signature" in chart_text
    report = io.BytesIO()
    reports.progress_report_pdf(database, patient_id, report, today=TODAY)
    report_text = " ".join(read(report)[1].split())
    assert "Average pain fell from 8 to 4" in report_text


def test_a4_paper_and_a_missing_patient(database: Database) -> None:
    patient_id, ids = course(database)
    save_clinic_profile(database, dataclasses.replace(CLINIC, paper=PaperSize.A4))
    buffer = io.BytesIO()
    reports.visit_summary_pdf(database, ids[0], buffer, today=TODAY)
    box = read(buffer)[0].pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    with pytest.raises(RecordNotFoundError):
        reports.chart_pdf(database, patient_id + 99, io.BytesIO())


def test_clinic_details_are_validated_and_kept(database: Database) -> None:
    with pytest.raises(ValidationError) as raised:
        save_clinic_profile(database, ClinicProfile(name=" ", email="not-an-address"))
    assert set(raised.value.errors) == {"name", "email"}
    with pytest.raises(ValidationError, match="PNG or JPEG"):
        save_clinic_profile(database, dataclasses.replace(CLINIC, logo_png=b"GIF89a"))
    logo = Path(__file__).parents[2] / "docs" / "main-window.png"
    saved = save_clinic_profile(database, dataclasses.replace(CLINIC, logo_png=logo.read_bytes()))
    assert load_clinic_profile(database) == saved
    buffer = io.BytesIO()
    patient = patients.create_patient(database, make_draft())
    reports.handout_pdf(database, Handout.AFTERCARE, patient.id, buffer, today=TODAY)
    reader, _ = read(buffer)
    resources: Any = reader.pages[0]["/Resources"]
    assert resources["/XObject"]
    embedded_fonts(reader)


def test_save_pdf_replaces_the_file_whole(tmp_path: Path, database: Database) -> None:
    target = tmp_path / "out" / "summary"
    patient_id, _ = course(database)

    def failing(buffer: io.BytesIO) -> None:
        buffer.write(b"%PDF-partial")
        raise RuntimeError("layout failed")

    with pytest.raises(RuntimeError):
        reports.save_pdf(target, failing)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    written = reports.save_pdf(
        target, lambda out: reports.chart_pdf(database, patient_id, out, today=TODAY)
    )
    assert written == tmp_path / "out" / "summary.pdf"
    assert written.read_bytes().startswith(b"%PDF")
