"""Who is signed in to this process: one user at a time, as at the treatment-room desk.

Process-wide on purpose (worker threads act for the same person); set by the
login screen or a command after the password was checked, cleared on sign-out.
"""

from __future__ import annotations

import threading

from acuchart.accounts import Account

_lock = threading.Lock()
_signed_in: Account | None = None


def current_account() -> Account | None:
    with _lock:
        return _signed_in


def sign_in(account: Account) -> None:
    global _signed_in
    with _lock:
        _signed_in = account


def sign_out() -> None:
    global _signed_in
    with _lock:
        _signed_in = None
