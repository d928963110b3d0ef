"""What the reports say, without a PDF: the progress summary's sentences and handout templates."""

from __future__ import annotations

import datetime as dt

import pytest

from acuchart.bodymap.geometry import Zone
from acuchart.bodymap.metrics import MapSummary
from acuchart.notes.timeline import ScoredVisit, build_flowsheet
from acuchart.patients import Limb
from acuchart.reports.handout_text import (
    FIELD_NAMES,
    Block,
    BlockKind,
    Handout,
    Run,
    check_template,
    default_template,
    fill,
    parse_template,
)
from acuchart.reports.progress_summary import CourseFigure, summary_sentences
from acuchart.validation import ValidationError


def visit(visit_id: int) -> ScoredVisit:
    return ScoredVisit(visit_id, dt.datetime(2026, 3, visit_id, 9, tzinfo=dt.UTC), True)


def figure(overall: float, foot_reach: Zone | None, charted: bool = True) -> CourseFigure:
    summary = MapSummary(
        overall=overall,
        by_limb={},
        by_symptom={},
        extent={Limb.RIGHT_FOOT: foot_reach},
        hand_symmetry=None,
        foot_symmetry=None,
    )
    return CourseFigure(summary, charted)


def test_the_summary_speaks_in_immpact_terms() -> None:
    sheet = build_flowsheet(
        [visit(1), visit(2), visit(3)],
        {
            1: {"nrs.pain_average": 7, "nrs.numbness": 5, "nrs.sleep": 6, "mnsi": 8},
            2: {"nrs.pain_average": 6, "pgic": 3},
            3: {"nrs.pain_average": 4, "nrs.numbness": 6, "nrs.sleep": 5, "pgic": 2, "mnsi": 6},
        },
    )
    figures = [figure(40, Zone.LOWER_LEG), figure(0, None, charted=False), figure(25, Zone.ANKLE)]
    assert summary_sentences(sheet, figures) == [
        "Average pain fell from 7 to 4 (−43%), a moderate improvement by IMMPACT criteria.",
        "Numbness rose from 5 to 6 (+20%), worse than at the first visit.",
        "Sleep interference fell from 6 to 5 (−17%), a small change, below the IMMPACT "
        "threshold of 30%.",
        "The affected area shrank from 40% to 25% of hands and feet.",
        "In the feet, symptoms now reach the ankle (at first the lower leg).",
        "At the latest rating the overall change was judged “much improved” (PGIC 2 of 7).",
        "The MNSI questionnaire went from 8 to 6 of 13.",
    ]


def test_one_visit_gives_no_change_to_report() -> None:
    sheet = build_flowsheet([visit(1)], {1: {"nrs.pain_average": 7}})
    assert summary_sentences(sheet, [figure(30, Zone.TOES)]) == []


def test_templates_parse_into_blocks() -> None:
    blocks = parse_template(
        "# Title\n\nOne line\nand the next.\n\n## Part\n- **Bold** item\n- second\n"
        "> Call us\n> today.\n\n[[diagram]]\n"
    )
    assert blocks == [
        Block(BlockKind.TITLE, "Title"),
        Block(BlockKind.PARAGRAPH, "One line and the next."),
        Block(BlockKind.HEADING, "Part"),
        Block(BlockKind.BULLET, "**Bold** item"),
        Block(BlockKind.BULLET, "second"),
        Block(BlockKind.CALLOUT, "Call us today."),
        Block(BlockKind.DIAGRAM),
    ]


def test_fill_keeps_typed_text_literal() -> None:
    runs = fill(
        "**Hi {patient_first_name}**, see {home_care}",
        {
            "patient_first_name": "Zoë",
            "home_care": "**not bold** {clinic_name}\nline two",
        },
    )
    assert runs == [
        Run("Hi ", True),
        Run("Zoë", True),
        Run(", see ", False),
        Run("**not bold** {clinic_name}\nline two", False),
    ]


@pytest.mark.parametrize("handout", list(Handout))
def test_the_shipped_handouts_use_only_known_fields(handout: Handout) -> None:
    text = default_template(handout)
    assert check_template(text).startswith("# ")
    assert "{patient_first_name}" in text
    if handout is Handout.HOME_CARE_PLAN:
        assert "{home_care}" in text
        assert "[[diagram]]" in text


def test_a_bad_template_is_explained() -> None:
    with pytest.raises(ValidationError) as raised:
        check_template("# T\n\nDear {first_name}")
    message = raised.value.errors["template"]
    assert "{first_name}" in message
    assert all("{" + name + "}" in message for name in FIELD_NAMES)
    with pytest.raises(ValidationError, match="too long"):
        check_template("# T\n" + "x" * 40_000)
