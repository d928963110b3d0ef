"""Accounts in plain Python: roles, the signed-in account, and the delay after failed logins.

Login names are compared casefolded and NFC (``login_key``), so "Lena", "LENA"
and a decomposed "Léna" typed on macOS are one account.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from acuchart.errors import ChartError

# Failures 1 and 2 cost nothing (typos happen); then the wait doubles up to a minute.
THROTTLE_DELAYS = (0.0, 0.0, 2.0, 4.0, 8.0, 16.0, 30.0, 60.0)


class Role(StrEnum):
    OWNER = "owner"
    PRACTITIONER = "practitioner"


@dataclass(frozen=True)
class Account:
    """Who is signed in. ``display_name`` is what signed notes show ("Lena Decicco, L.Ac.")."""

    id: int
    login: str
    display_name: str
    role: Role


class AccountError(ChartError):
    """An account change is refused (not the owner, a name taken, an owner already set up)."""


def login_key(name: str) -> str:
    """The form a login name is stored and compared in: trimmed, casefolded, NFC."""
    return unicodedata.normalize(
        "NFC", unicodedata.normalize("NFC", name).strip().casefold()
    ).strip()


def throttle_delay(failures: int) -> float:
    """Seconds to wait before the next try after ``failures`` failed logins in a row."""
    if failures <= 0:
        return 0.0
    return THROTTLE_DELAYS[min(failures, len(THROTTLE_DELAYS)) - 1]


class LoginThrottle:
    """A growing delay after failed logins, per login name, for this process.

    ``now`` defaults to ``time.monotonic()``; tests pass their own clock. A
    success clears the name's count.
    """

    def __init__(self) -> None:
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, login: str, now: float | None = None) -> float:
        """0 when ``login`` may try now, else the seconds left to wait."""
        with self._lock:
            count, last = self._failures.get(login_key(login), (0, 0.0))
        if count == 0:
            return 0.0
        moment = time.monotonic() if now is None else now
        return max(0.0, last + throttle_delay(count) - moment)

    def failed(self, login: str, now: float | None = None) -> None:
        moment = time.monotonic() if now is None else now
        key = login_key(login)
        with self._lock:
            count, _last = self._failures.get(key, (0, 0.0))
            self._failures[key] = (count + 1, moment)

    def succeeded(self, login: str) -> None:
        with self._lock:
            self._failures.pop(login_key(login), None)
