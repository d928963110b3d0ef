"""Folding names and numbers into the forms used for search and sorting.

Search must find "Müller" when "muller" is typed and "Ørsted" for "orsted";
sorting must not put every accented name at the end. Both use the same fold,
computed in Python so it is identical on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that do not decompose into a base letter plus a mark.
_SPECIAL_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i"}
)
# Letters and digits, as SQLite's unicode61 tokenizer splits words (so "_" separates too).
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower-case, accent-free form of ``text`` for comparison; other scripts are kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped.translate(_SPECIAL_LETTERS))


def words(text: str) -> list[str]:
    """The folded words of ``text``, as a search box query is split."""
    return _WORD.findall(fold(text))


def name_sort_key(family_name: str, given_names: str) -> str:
    """Sort by family name, then given names, ignoring case and accents."""
    return f"{fold(family_name).strip()}\x1f{fold(given_names).strip()}"


def name_search_text(*names: str) -> str:
    """Folded words of every name, space-separated and padded, for word-prefix matching."""
    return " " + " ".join(word for name in names for word in words(name)) + " "


def reversed_digits(digits: str) -> str:
    """Digits read backwards, so 'ends with 4321' becomes an indexed prefix match."""
    return digits[::-1]
