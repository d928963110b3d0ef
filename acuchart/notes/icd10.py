"""ICD-10-CM search by code or words, over the full public code set.

The code set comes from the ``simple-icd-10-cm`` package (CMS's public files).
Reading it takes over a second, so the index is built once, off the GUI thread
(``load_index`` in a worker), and the neuropathy short-list comes first.
"""

from __future__ import annotations

import functools
import threading
import warnings
from dataclasses import dataclass

from acuchart.notes.points import fold
from acuchart.notes.vocabulary import ICD10_SHORT_LIST


@dataclass(frozen=True)
class Icd10Code:
    code: str  # with its dot: E11.42
    description: str
    billable: bool


_lock = threading.Lock()


@functools.cache
def _index() -> tuple[tuple[Icd10Code, str, str], ...]:
    with warnings.catch_warnings():
        # simple-icd-10-cm 1.5.0 reads its data with importlib.resources.read_text (deprecated).
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as cm

    entries = []
    for raw in cm.get_all_codes(with_dots=True):
        if not cm.is_category_or_subcategory(raw):
            continue
        code = Icd10Code(raw, cm.get_description(raw), cm.is_leaf(raw))
        entries.append((code, fold(raw), fold(code.description) + " "))
    return tuple(entries)


def load_index() -> int:
    """Build the index now (call from a worker); the number of codes."""
    with _lock:
        return len(_index())


def short_list() -> list[Icd10Code]:
    return [Icd10Code(code, description, True) for code, description in ICD10_SHORT_LIST]


def search_codes(query: str, limit: int = 40) -> list[Icd10Code]:
    """Short-list matches first, then codes starting with what was typed, then word matches."""
    words = [fold(word) for word in query.split() if fold(word)]
    if not words:
        return short_list()
    key = "".join(words)
    seen: set[str] = set()
    results: list[Icd10Code] = []

    def take(code: Icd10Code) -> None:
        if code.code not in seen and len(results) < limit:
            seen.add(code.code)
            results.append(code)

    for code in short_list():
        folded = fold(code.description)
        if fold(code.code).startswith(key) or all(word in folded for word in words):
            take(code)
    with _lock:
        index = _index()
    by_code = sorted(
        (entry for entry in index if entry[1].startswith(key)), key=lambda e: (len(e[1]), e[1])
    )
    for code, _, _ in by_code:
        take(code)
    for code, _, description in index:
        if len(results) >= limit:
            break
        if all(word in description for word in words):
            take(code)
    return results
