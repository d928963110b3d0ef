"""Searching session notes: the query, the order of results, and the excerpt shown for a hit.

Notes are searched by word prefix over every text value of the note (complaint,
findings, patterns, points, advice…). Results come newest visit first, or best
match first (ranked by relevance). Both read every match of a common word, so the
window runs them off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from acuchart.search_text import fold, words

RESULT_LIMIT = 50
MAX_QUERY_WORDS = 12
EXCERPT_LENGTH = 110


class NoteOrder(enum.StrEnum):
    NEWEST = "newest"
    BEST = "best"


@dataclass(frozen=True)
class NoteQuery:
    text: str
    order: NoteOrder = NoteOrder.NEWEST
    limit: int = RESULT_LIMIT

    @property
    def words(self) -> list[str]:
        """Casefolded words (accents are folded by the index itself), at most a dozen."""
        return words(self.text)[:MAX_QUERY_WORDS]


@dataclass(frozen=True)
class NoteHit:
    visit_id: int
    patient_id: int
    patient_name: str
    started_at: dt.datetime
    signed: bool
    excerpt: str


SECTIONS = {
    "subjective": "S",
    "objective": "O",
    "assessment": "A",
    "plan": "P",
    "needles": "Needles",
    "adverse_events": "Adverse events",
    "outcomes": "Outcomes",
}


def text_values(document: Any) -> Iterator[str]:
    """Every text value of a note document, in document order (as the index sees them)."""
    if isinstance(document, str):
        yield document
    elif isinstance(document, dict):
        for value in document.values():
            yield from text_values(value)
    elif isinstance(document, list):
        for value in document:
            yield from text_values(value)


def section_values(document: Any) -> Iterator[tuple[str, str]]:
    """(SOAP section label, text value) pairs of a note document."""
    if not isinstance(document, dict):
        return
    for key, part in document.items():
        label = SECTIONS.get(key, "")
        for value in text_values(part):
            if value.strip():
                yield label, value


def _word_starts(text: str, prefix: str) -> int:
    """Where a word starting with ``prefix`` begins in folded ``text``, or -1."""
    start = 0
    while (found := text.find(prefix, start)) >= 0:
        if found == 0 or not text[found - 1].isalnum():
            return found
        start = found + 1
    return -1


def excerpt(content: str, query_words: list[str], length: int = EXCERPT_LENGTH) -> str:
    """The part of the note around the first query word, so a hit shows why it matched."""
    try:
        values = list(section_values(json.loads(content)))
    except ValueError:
        return ""
    for label, value in values:
        folded = fold(value)
        if len(folded) != len(value):  # folding changed lengths: show the value's start
            positions = [0] if any(_word_starts(folded, w) >= 0 for w in query_words) else []
        else:
            positions = [p for w in query_words if (p := _word_starts(folded, w)) >= 0]
        if positions:
            return (f"{label}: " if label else "") + _window(value, min(positions), length)
    return _window(" · ".join(value for _, value in values), 0, length)


def _window(text: str, position: int, length: int) -> str:
    text = " ".join(text.split())
    start = max(0, min(position - length // 3, len(text) - length))
    if start > 0:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and start - space < 15 else start
    piece = text[start : start + length]
    return ("…" if start > 0 else "") + piece + ("…" if start + length < len(text) else "")
