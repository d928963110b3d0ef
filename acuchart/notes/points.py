"""The acupuncture point library (``resources/points/points.csv``) and search by typing.

361 WHO points plus the common extra points: code, pinyin, Chinese and English
names, our own short location note. Typing ``st36``, ``zusanli``, ``leg three``,
``LIV3`` or ``bafeng`` finds the point.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass

from acuchart.resources import resource_path

CHANNEL_COUNTS = {
    "LU": 11, "LI": 20, "ST": 45, "SP": 21, "HT": 9, "SI": 19, "BL": 67,
    "KI": 27, "PC": 9, "TE": 23, "GB": 44, "LR": 14, "GV": 28, "CV": 24,
}  # fmt: skip
MIDLINE_CHANNELS = frozenset({"GV", "CV"})


@dataclass(frozen=True)
class PointInfo:
    code: str
    channel: str
    pinyin: str
    chinese: str
    english: str
    location: str
    aliases: tuple[str, ...]
    body_area: str

    @property
    def is_midline(self) -> bool:
        """Points on the midline (GV, CV) have no left or right."""
        return self.channel in MIDLINE_CHANNELS

    @property
    def title(self) -> str:
        """'ST36 Zusanli 足三里 (Leg Three Miles)'."""
        return f"{self.code} {self.pinyin} {self.chinese} ({self.english})"


def fold(text: str) -> str:
    """Lower case, accents and spaces, hyphens and dots removed: how search compares."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


@functools.cache
def point_library() -> dict[str, PointInfo]:
    """Every point by code, in the file's order (channels in order, then extra points)."""
    path = resource_path("points", "points.csv")
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    library: dict[str, PointInfo] = {}
    for row in rows:
        point = PointInfo(
            code=row["code"].strip(),
            channel=row["channel"].strip(),
            pinyin=row["pinyin"].strip(),
            chinese=row["chinese"].strip(),
            english=row["english"].strip(),
            location=row["location"].strip(),
            aliases=tuple(row["aliases"].split()),
            body_area=row["body_area"].strip(),
        )
        library[point.code] = point
    return library


@functools.cache
def _search_keys() -> list[tuple[PointInfo, str, tuple[str, ...], str, str]]:
    """Per point: folded code, folded aliases, folded pinyin, folded English words."""
    return [
        (
            point,
            fold(point.code),
            tuple(fold(alias) for alias in point.aliases),
            fold(point.pinyin),
            " ".join(fold(word) for word in re.split(r"[\s\-/]+", point.english)),
        )
        for point in point_library().values()
    ]


def search_points(query: str, limit: int = 20) -> list[PointInfo]:
    """Points matching what was typed, best first: code, alias, pinyin, English, Chinese."""
    text = query.strip()
    key = fold(text)
    if not key:
        return []
    ranked: list[tuple[int, int, PointInfo]] = []
    english_words = [fold(word) for word in text.split() if fold(word)]
    for order, (point, code, aliases, pinyin, english) in enumerate(_search_keys()):
        if key == code or key in aliases:
            rank = 0
        elif key == pinyin:
            rank = 1
        elif code.startswith(key) and _same_channel(key, code):
            rank = 2
        elif any(alias.startswith(key) for alias in aliases):
            rank = 3
        elif pinyin.startswith(key):
            rank = 4
        elif english_words and all(
            any(word.startswith(w) for word in english.split()) for w in english_words
        ):
            rank = 5
        elif text in point.chinese or key in pinyin:
            rank = 6
        else:
            continue
        ranked.append((rank, order, point))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [point for _, _, point in ranked[:limit]]


def _same_channel(key: str, code: str) -> bool:
    """``st3`` matches ST3 and ST30–ST39, but ``s`` alone should not list every S channel first."""
    letters = re.match(r"[a-z\-]+", code)
    return letters is None or len(key) >= len(letters.group())
