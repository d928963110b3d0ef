"""The scores flowsheet: rows in clinical order, visit columns, and what changed in words."""

from __future__ import annotations

import datetime as dt

from acuchart.notes.scores import Improvement
from acuchart.notes.timeline import (
    ScoredVisit,
    build_flowsheet,
    change_text,
    describe_value,
    format_value,
    measure_of,
    nrs_improvement,
)


def visit(visit_id: int, day: int, signed: bool = True) -> ScoredVisit:
    return ScoredVisit(visit_id, dt.datetime(2026, 3, day, 9, tzinfo=dt.UTC), signed)


def test_rows_follow_the_note_and_columns_skip_visits_without_scores() -> None:
    sheet = build_flowsheet(
        [visit(3, 20), visit(1, 2), visit(2, 9)],
        {
            1: {"named:DN4": 6, "mnsi": 7, "nrs.burning": 8, "nrs.pain_now": 7, "pgic": 4},
            2: {},
            3: {"nrs.pain_now": 3, "named:DN4": 4, "named:alpha": 1, "unknown": 9},
        },
    )
    assert [v.visit_id for v in sheet.visits] == [1, 3]
    assert [r.measure.name for r in sheet.rows] == [
        "nrs.pain_now",
        "nrs.burning",
        "pgic",
        "mnsi",
        "named:alpha",
        "named:DN4",
    ]
    pain = sheet.row("nrs.pain_now")
    assert pain is not None
    assert list(pain.values) == [7, 3]
    alpha = sheet.row("named:alpha")
    assert alpha is not None
    assert list(alpha.values) == [None, 1]
    assert sheet.row("unknown") is None


def test_change_reads_as_the_clinician_would_say_it() -> None:
    sheet = build_flowsheet(
        [visit(1, 2), visit(2, 9), visit(3, 16)],
        {
            1: {"nrs.pain_now": 8, "nrs.burning": 5, "mnsi": 6, "named:DN4": 6},
            2: {"nrs.pain_now": 6, "nrs.burning": 6, "pgic": 3},
            3: {"nrs.pain_now": 4, "pgic": 2, "named:DN4": 4},
        },
    )
    pain, burning, pgic, mnsi, dn4 = sheet.rows
    assert change_text(pain) == "8 → 4, −50%: substantial improvement"
    assert nrs_improvement(pain) is Improvement.SUBSTANTIAL
    assert change_text(burning) == "5 → 6, +20%: worse"
    assert nrs_improvement(burning) is Improvement.WORSE
    assert change_text(pgic) == "much improved"
    assert nrs_improvement(pgic) is None
    assert change_text(mnsi) == "one visit only"
    assert change_text(dn4) == "6 → 4 (−2)"
    same = build_flowsheet([visit(1, 2), visit(2, 9)], {1: {"nrs.sleep": 5}, 2: {"nrs.sleep": 5}})
    assert change_text(same.rows[0]) == "5 → 5: no change"
    assert nrs_improvement(same.rows[0]) is Improvement.NONE


def test_values_explain_themselves() -> None:
    assert format_value(measure_of("mnsi"), 5) == "5/13"
    assert "suggests neuropathy" in describe_value(measure_of("mnsi"), 5)
    assert "below" in describe_value(measure_of("mnsi"), 3)
    assert describe_value(measure_of("nrs.pain_worst"), 7).endswith("7 of 10, severe")
    assert describe_value(measure_of("pgic"), 1) == "PGIC 1: very much improved"
    assert measure_of("named:DN4 (DN4)").label == "DN4 (DN4)"
    assert measure_of("nrs.sleep").scale_max == 10
    assert measure_of("named:DN4").scale_max is None
