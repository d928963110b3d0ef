"""The visit summary: one visit's SOAP note, points, scores, body map, signature and addenda."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether

from acuchart.bodymap.exam import MonofilamentSet
from acuchart.bodymap.geometry import FOOT_LIMBS, HAND_LIMBS
from acuchart.bodymap.metrics import format_share, summarise
from acuchart.bodymap.model import BodyMap, monofilament_counts
from acuchart.clinic import ClinicProfile
from acuchart.dates import age_on, describe_date, describe_moment
from acuchart.notes.model import Finding, SessionNote
from acuchart.notes.points import point_library
from acuchart.notes.scores import NrsItem, mnsi_score
from acuchart.patients import PatientRecord, describe_limbs
from acuchart.reports.blocks import (
    boxed,
    fields_table,
    fitted,
    gap,
    grid_table,
    section,
    text,
)
from acuchart.reports.layout import (
    CALLOUT,
    PageSetup,
    Styles,
    build_pdf,
    content_width,
    make_styles,
)
from acuchart.services.notes import Addendum, Signature
from acuchart.visits import VisitSummary


@dataclass(frozen=True)
class VisitRecord:
    """Everything printed about one visit, read in one transaction."""

    visit: VisitSummary
    note: SessionNote
    signature: Signature | None
    addenda: tuple[Addendum, ...]
    body_map: BodyMap
    signature_intact: bool | None = None  # None: unsigned; False: changed after signing
    monofilament_set: MonofilamentSet = MonofilamentSet.TEN_SITES

    @property
    def needled_codes(self) -> frozenset[str]:
        return frozenset(point.code for point in self.note.plan.points)


def patient_fields(patient: PatientRecord, on: dt.date) -> list[tuple[str, str]]:
    born = ""
    if patient.date_of_birth is not None:
        born = f"{describe_date(patient.date_of_birth)} (age {age_on(patient.date_of_birth, on)})"
    cause = patient.neuropathy_cause.label if patient.neuropathy_cause else ""
    if patient.chemotherapy_agent:
        cause = f"{cause} ({patient.chemotherapy_agent})"
    return [
        ("Patient", patient.display_name),
        ("Born", born),
        ("Neuropathy", cause),
        ("Affected", describe_limbs(patient.limbs_affected)),
        ("Precautions", ", ".join(p.label for p in sorted(patient.precautions))),
    ]


def _findings(findings: frozenset[Finding]) -> str:
    return ", ".join(f.label for f in Finding if f in findings)


def nrs_table(note: SessionNote, styles: Styles, width: float) -> list[Flowable]:
    """The NRS items as a row of labelled boxes, the way the note form shows them."""
    scores = note.subjective.nrs
    items = [item for item in NrsItem if item in scores]
    if not items:
        return []
    widths = [width / len(NrsItem)] * len(items)
    return [
        gap(3),
        grid_table(
            [item.short_label for item in items],
            [[f"{scores[item]} / 10" for item in items]],
            styles,
            widths,
        ),
        gap(4),
    ]


def sensory_lines(body_map: BodyMap, sites: MonofilamentSet) -> list[str]:
    lines = []
    for limb in FOOT_LIMBS:
        felt, not_felt, untested = monofilament_counts(body_map, limb, sites.site_ids)
        parts = []
        if felt or not_felt:
            parts.append(f"monofilament {felt} felt, {not_felt} not felt")
            if untested:
                parts[-1] += f", {untested} not tested"
        if (vibration := body_map.vibration.get(limb)) is not None:
            parts.append(f"great-toe vibration {vibration.label.lower()}")
        if parts:
            lines.append(f"{limb.label}: {'; '.join(parts)}")
    return lines


def _subjective(note: SessionNote, styles: Styles, width: float) -> list[Flowable]:
    s = note.subjective
    first = fields_table(
        [("Chief complaint", s.chief_complaint), ("Since last visit", s.change_since_last)],
        styles,
        width,
    )
    rest = fields_table(
        [("Medication changes", s.medication_changes), ("Notes", s.text)], styles, width
    )
    parts = [first] if first else []
    return [*parts, *nrs_table(note, styles, width), *([rest] if rest else [])]


def _objective(record: VisitRecord, styles: Styles, width: float) -> list[Flowable]:
    o = record.note.objective
    reflexes = ""
    if o.reflex_left or o.reflex_right:
        reflexes = (
            f"left {o.reflex_left.label.lower() if o.reflex_left else 'not tested'}, "
            f"right {o.reflex_right.label.lower() if o.reflex_right else 'not tested'}"
        )
    tongue = ", ".join(part for part in (o.tongue_body, o.tongue_coat, o.tongue_shape) if part)
    table = fields_table(
        [
            ("Feet", _findings(o.findings_feet)),
            ("Hands", _findings(o.findings_hands)),
            ("Inspection", o.inspection),
            ("Ankle reflexes", reflexes),
            ("Sensory exam", "\n".join(sensory_lines(record.body_map, record.monofilament_set))),
            ("Tongue", tongue),
            ("Pulse", o.pulse),
            ("Notes", o.text),
        ],
        styles,
        width,
    )
    return [table] if table else []


def _assessment(note: SessionNote, styles: Styles, width: float) -> list[Flowable]:
    a = note.assessment
    table = fields_table(
        [
            ("TCM patterns", "; ".join(a.patterns)),
            ("Pattern notes", a.pattern_notes),
            ("Diagnoses", "\n".join(f"{d.code}  {d.description}" for d in a.diagnoses)),
            ("Progress", a.progress),
        ],
        styles,
        width,
    )
    return [table] if table else []


def points_table(note: SessionNote, styles: Styles, width: float) -> list[Flowable]:
    points = note.plan.points
    if not points:
        return []
    library = point_library()
    rows = []
    for point in points:
        info = library.get(point.code)
        name = f"{info.pinyin} {info.chinese} ({info.english})" if info else ""
        depth = f"{point.depth_mm:g} mm" if point.depth_mm is not None else ""
        rows.append([point.code, name, point.side.value, point.technique.label, depth])
    widths = [0.11, 0.47, 0.12, 0.18, 0.12]
    return [
        grid_table(
            ["Point", "Name", "Side", "Technique", "Depth"],
            rows,
            styles,
            [width * share for share in widths],
        )
    ]


def _treatment(note: SessionNote, styles: Styles, width: float) -> list[Flowable]:
    p = note.plan
    needles = " · ".join(
        part
        for part in (
            p.needle_gauge and f"gauge {p.needle_gauge}",
            p.needle_length and f"length {p.needle_length}",
            p.retention_minutes is not None and f"retained {p.retention_minutes} min",
        )
        if part
    )
    counted = note.needles
    count = ""
    if counted.inserted is not None or counted.removed is not None:
        count = f"{counted.inserted if counted.inserted is not None else '–'} in, "
        count += f"{counted.removed if counted.removed is not None else '–'} out"
        if counted.resolution:
            count += f" (resolved: {counted.resolution})"
    electro = "\n".join(
        f"{e.point_a}–{e.point_b}: {e.frequency} Hz, {e.waveform.label.lower()}, "
        f"{e.intensity}, {e.minutes} min"
        for e in p.electro
    )
    modalities = "\n".join(
        f"{m.kind.label}{': ' + m.detail if m.detail else ''}" for m in p.modalities
    )
    adverse = "\n".join(
        f"{a.kind.label}{' – ' + a.detail if a.detail else ''}"
        f"{'; action: ' + a.action if a.action else ''}"
        for a in note.adverse_events
    )
    flowables: list[Flowable] = [*points_table(note, styles, width), gap(4)]
    table = fields_table(
        [
            ("Needles", needles),
            ("Needle count", count),
            ("Electro-acupuncture", electro),
            ("Other modalities", modalities),
            ("Adverse events", adverse),
            ("Home care", p.home_care),
            ("Next visit", p.next_visit),
        ],
        styles,
        width,
    )
    if table:
        flowables.append(table)
    return flowables if len(flowables) > 1 or points_table(note, styles, width) else []


def _outcomes(note: SessionNote, styles: Styles, width: float) -> list[Flowable]:
    out = note.outcomes
    mnsi = ""
    if out.mnsi:
        result = mnsi_score(out.mnsi)
        mnsi = f"{result.score} of 13"
        if not result.complete:
            mnsi += f" ({len(out.mnsi)} of 15 items answered)"
        elif result.suggests_neuropathy:
            mnsi += " (≥ 4 suggests neuropathy)"
    table = fields_table(
        [
            ("PGIC", f"{int(out.pgic)} – {out.pgic.label}" if out.pgic else ""),
            ("MNSI questionnaire", mnsi),
            ("Other scores", ", ".join(score.display for score in out.named)),
        ],
        styles,
        width,
    )
    return [table] if table else []


def map_figures(body_map: BodyMap) -> str:
    summary = summarise(body_map)
    parts = [f"Affected area {format_share(summary.overall)} of hands and feet"]
    for limb in (*HAND_LIMBS, *FOOT_LIMBS):
        share = summary.by_limb.get(limb, 0.0)
        if share:
            extent = summary.extent.get(limb)
            reach = f", up to the {extent.label.lower()}" if extent is not None else ""
            parts.append(f"{limb.label.lower()} {format_share(share)}{reach}")
    symptoms = ", ".join(
        f"{symptom.label.lower()} {format_share(share)}"
        for symptom, share in summary.by_symptom.items()
    )
    line = "; ".join(parts) + "."
    return f"{line} By symptom: {symptoms}." if symptoms else line


def body_map_block(record: VisitRecord, styles: Styles, width: float) -> list[Flowable]:
    from acuchart.reports.body_diagram import diagram_height, diagram_legend, visit_diagram

    body_map = record.body_map
    if body_map.is_empty:
        return [text("No body map was charted at this visit.", styles.muted)]
    drawing = fitted(
        lambda w: visit_diagram(
            body_map,
            width=w,
            needled_points=record.needled_codes,
            monofilament_sites=record.monofilament_set.site_ids,
        ),
        width,
        max_height=400,
        height_of=diagram_height,
    )
    parts: list[Flowable] = [drawing]
    if body_map.symptoms:
        parts.append(diagram_legend(body_map.symptoms, width=width))
    parts.append(text(map_figures(body_map), styles.small))
    return [KeepTogether(parts)]


def signature_block(record: VisitRecord, styles: Styles, width: float) -> Flowable:
    signature = record.signature
    if signature is None:
        return boxed(
            [
                text("DRAFT: this note has not been signed.", styles.subheading),
                text(
                    "It may still change. Only a signed note is part of the legal record.",
                    styles.small,
                ),
            ],
            width,
            background=CALLOUT,
        )
    lines = [
        text(f"Signed by {signature.signed_by}", styles.subheading),
        text(describe_moment(signature.signed_at), styles.small),
        text(f"SHA-256 of the note and body map: {signature.content_hash}", styles.muted),
    ]
    if record.signature_intact is False:
        lines.append(
            text(
                "WARNING: the note no longer matches this signature; it was changed after "
                "signing, outside AcuChart.",
                styles.subheading,
            )
        )
    return boxed(lines, width)


def addenda_block(addenda: tuple[Addendum, ...], styles: Styles) -> list[Flowable]:
    flowables: list[Flowable] = []
    for addendum in addenda:
        flowables.append(
            text(f"{describe_moment(addendum.created_at)} · {addendum.author}", styles.subheading)
        )
        flowables.append(text(addendum.text, styles.body))
    return flowables


def visit_story(
    clinic: ClinicProfile, patient: PatientRecord, record: VisitRecord, styles: Styles, width: float
) -> list[Flowable]:
    """The visit's pages, also used once per visit by the whole-chart export."""
    visit = record.visit
    note = record.note
    practitioner = clinic.credentials_of(visit.practitioner_name)
    story: list[Flowable] = [
        text(f"Visit of {describe_moment(visit.started_at)}", styles.title),
    ]
    header = fields_table(
        [
            *patient_fields(patient, visit.started_at.date()),
            ("Practitioner", practitioner),
            ("Status", "Signed" if record.signature else "Draft, not signed"),
        ],
        styles,
        width,
        label_share=0.18,
    )
    if header:
        story.append(header)
    story += section("Subjective", _subjective(note, styles, width), styles)
    story += section("Objective", _objective(record, styles, width), styles)
    story += section("Assessment", _assessment(note, styles, width), styles)
    story += section("Treatment", _treatment(note, styles, width), styles)
    story += section("Outcome scores", _outcomes(note, styles, width), styles)
    if note.is_empty:
        story.append(text("No note was written for this visit.", styles.muted))
    story.append(CondPageBreak(width * 0.55))
    story += section("Body map", body_map_block(record, styles, width), styles)
    story += [gap(10), signature_block(record, styles, width)]
    story += section("Addenda", addenda_block(record.addenda, styles), styles)
    return story


def write_visit_summary(
    clinic: ClinicProfile,
    patient: PatientRecord,
    record: VisitRecord,
    output: Path | io.BytesIO,
    *,
    printed_on: dt.date,
) -> None:
    setup = PageSetup(
        clinic=clinic,
        title="Visit summary",
        subject=patient.display_name,
        printed_on=printed_on,
        draft=record.signature is None,
    )
    styles = make_styles()
    build_pdf(setup, visit_story(clinic, patient, record, styles, content_width(setup)), output)
