"""Patient handouts as PDFs: the clinic's template filled in, in regular or large print."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, Paragraph

from acuchart.bodymap.model import BodyMap
from acuchart.clinic import ClinicProfile
from acuchart.reports.blocks import fitted, gap, text
from acuchart.reports.fonts import markup
from acuchart.reports.handout_text import BlockKind, Handout, Run, fill, parse_template
from acuchart.reports.layout import PageSetup, Styles, build_pdf, content_width, make_styles


@dataclass(frozen=True)
class HandoutContext:
    values: dict[str, str]  # field name → text (see handout_text.FIELD_NAMES)
    patient_name: str
    body_map: BodyMap | None = None  # the patient's latest map, for [[diagram]]
    needled_points: frozenset[str] = field(default_factory=frozenset)


def _runs_markup(runs: list[Run]) -> str:
    return "".join(f"<b>{markup(run.text)}</b>" if run.bold else markup(run.text) for run in runs)


def _diagram(context: HandoutContext, styles: Styles, width: float) -> list[Flowable]:
    body_map = context.body_map
    if body_map is None or not body_map.has_drawing:
        return [text("No body map has been charted yet.", styles.muted)]
    from acuchart.reports.body_diagram import diagram_height, diagram_legend, visit_diagram

    # The patient's own picture: symptoms only, without exam sites or needled points.
    drawing_only = body_map.drawing_only()
    parts: list[Flowable] = [
        fitted(
            lambda w: visit_diagram(drawing_only, width=w),
            width,
            styles.size * 30,
            height_of=diagram_height,
        )
    ]
    if body_map.symptoms:
        parts.append(diagram_legend(body_map.symptoms, width=width))
    return [KeepTogether(parts)]


def handout_story(
    template: str, context: HandoutContext, styles: Styles, width: float
) -> list[Flowable]:
    story: list[Flowable] = []
    previous = None
    for block in parse_template(template):
        content = _runs_markup(fill(block.text, context.values))
        if previous is BlockKind.BULLET and block.kind is not BlockKind.BULLET:
            story.append(gap(styles.size * 0.5))
        previous = block.kind
        if block.kind is BlockKind.TITLE:
            story += [Paragraph(content, styles.title), gap(styles.size * 0.4)]
        elif block.kind is BlockKind.HEADING:
            story.append(Paragraph(content, styles.heading))
        elif block.kind is BlockKind.BULLET:
            story.append(Paragraph(content, styles.bullet, bulletText="•"))
        elif block.kind is BlockKind.CALLOUT:
            story.append(KeepTogether([Paragraph(content, styles.callout)]))
        elif block.kind is BlockKind.DIAGRAM:
            story += _diagram(context, styles, width)
        else:
            story.append(Paragraph(content, styles.body))
    return story


def write_handout(
    clinic: ClinicProfile,
    handout: Handout,
    template: str,
    context: HandoutContext,
    output: Path | io.BytesIO,
    *,
    printed_on: dt.date,
    large_print: bool = False,
) -> None:
    setup = PageSetup(
        clinic=clinic,
        title=handout.label,
        subject=context.patient_name,
        printed_on=printed_on,
        large_print=large_print,
    )
    styles = make_styles(large_print)
    build_pdf(setup, handout_story(template, context, styles, content_width(setup)), output)
