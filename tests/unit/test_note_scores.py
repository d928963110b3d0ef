"""Outcome scores exactly as DOMAIN.md defines them: NRS, IMMPACT change, PGIC, MNSI, named."""

from __future__ import annotations

import pytest

from acuchart.notes.scores import (
    MNSI_MAX,
    Improvement,
    NrsChange,
    Pgic,
    mnsi_score,
    nrs_band,
    parse_named_score,
)


def test_nrs_bands() -> None:
    assert [nrs_band(v) for v in (0, 1, 3, 4, 6, 7, 10)] == [
        "none", "mild", "mild", "moderate", "moderate", "severe", "severe",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("baseline", "current", "improvement", "important"),
    [
        (7, 4, Improvement.MODERATE, True),  # −43%
        (8, 4, Improvement.SUBSTANTIAL, True),  # −50%
        (10, 8, Improvement.MINIMAL, True),  # −2 points, −20%
        (6, 5, Improvement.MINIMAL, False),
        (5, 5, Improvement.NONE, False),
        (3, 5, Improvement.WORSE, False),
        (0, 0, Improvement.NONE, False),
    ],
)
def test_immpact_change(
    baseline: int, current: int, improvement: Improvement, important: bool
) -> None:
    change = NrsChange(baseline, current)
    assert change.improvement is improvement
    assert change.clinically_important is important


def test_pgic_has_seven_points_from_very_much_improved() -> None:
    assert [p.value for p in Pgic] == list(range(1, 8))
    assert Pgic(1).label == "Very much improved"
    assert Pgic(7).label == "Very much worse"


def test_mnsi_scores_yes_and_no_items_and_skips_4_and_10() -> None:
    all_yes = dict.fromkeys(range(1, 16), True)
    all_no = dict.fromkeys(range(1, 16), False)
    assert mnsi_score(all_yes).score == 11  # every "yes" item, but not 7 and 13
    assert mnsi_score(all_no).score == 2  # "no" on 7 and 13
    worst = {**all_yes, 7: False, 13: False}
    assert mnsi_score(worst).score == MNSI_MAX == 13
    assert mnsi_score({4: True, 10: True}).score == 0  # asked, never scored
    assert mnsi_score({7: True, 13: True}).score == 0
    result = mnsi_score({1: True, 2: True, 3: True, 5: True})
    assert (result.score, result.answered, result.complete) == (4, 4, False)
    assert result.suggests_neuropathy
    assert mnsi_score(all_yes).complete
    with pytest.raises(ValueError, match="1–15"):
        mnsi_score({16: True})


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [("DN4 = 5", "DN4", 5.0), ("LANSS: 14", "LANSS", 14.0), ("painDETECT 19", "painDETECT", 19.0),
     ("TCNS = 7,5", "TCNS", 7.5), ("  QLQ-CIPN20 = 38.9 ", "QLQ-CIPN20", 38.9)],
)  # fmt: skip
def test_named_scores_parse(text: str, name: str, value: float) -> None:
    score = parse_named_score(text)
    assert (score.name, score.value) == (name, value)


@pytest.mark.parametrize("text", ["", "DN4", "= 5", "DN4 = five", "X = nan", "Y = 1e99"])
def test_named_scores_refuse_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):  # always a message to show
        parse_named_score(text)
