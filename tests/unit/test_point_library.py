"""The point library: complete WHO channel counts, and typing finds the point meant."""

from __future__ import annotations

from collections import Counter

import pytest

from acuchart.bodymap.geometry import all_views
from acuchart.notes.points import CHANNEL_COUNTS, point_library, search_points


def test_the_361_who_points_with_their_channel_counts() -> None:
    library = point_library()
    counts = Counter(point.channel for point in library.values())
    assert {channel: counts[channel] for channel in CHANNEL_COUNTS} == CHANNEL_COUNTS
    assert sum(CHANNEL_COUNTS.values()) == 361
    for channel, count in CHANNEL_COUNTS.items():
        assert [f"{channel}{n}" in library for n in range(1, count + 1)] == [True] * count
    for point in library.values():
        assert point.pinyin
        assert point.chinese
        assert point.english
        assert 0 < len(point.location) <= 90


def test_names_of_the_neuropathy_points() -> None:
    library = point_library()
    expected = {
        "LI4": ("Hegu", "合谷"), "ST36": ("Zusanli", "足三里"), "SP6": ("Sanyinjiao", "三阴交"),
        "LR3": ("Taichong", "太冲"), "PC7": ("Daling", "大陵"), "TE5": ("Waiguan", "外关"),
        "GB41": ("Zulinqi", "足临泣"), "EX-UE9": ("Baxie", "八邪"), "EX-LE10": ("Bafeng", "八风"),
    }  # fmt: skip
    for code, (pinyin, chinese) in expected.items():
        assert (library[code].pinyin, library[code].chinese) == (pinyin, chinese)


def test_every_point_drawn_on_the_body_map_is_in_the_library() -> None:
    library = point_library()
    drawn = {marker.group_code for view in all_views().values() for marker in view.points}
    assert drawn <= set(library)


@pytest.mark.parametrize(
    ("typed", "first"),
    [("st36", "ST36"), ("ST 36", "ST36"), ("zusanli", "ST36"), ("bafeng", "EX-LE10"),
     ("baxie", "EX-UE9"), ("LIV3", "LR3"), ("sj5", "TE5"), ("du20", "GV20"), ("合谷", "LI4"),
     ("leg three", "ST36"), ("sanyin", "SP6"), ("Zúsānlǐ", "ST36"), ("ex-le10", "EX-LE10")],
)  # fmt: skip
def test_typing_finds_the_point(typed: str, first: str) -> None:
    assert search_points(typed)[0].code == first


def test_a_code_prefix_lists_that_channel_in_order() -> None:
    codes = [p.code for p in search_points("st3", limit=12)]
    assert codes[:2] == ["ST3", "ST30"]
    assert all(code.startswith("ST3") for code in codes[:11])
    assert search_points("   ") == []
    assert search_points("qqqqqq") == []
