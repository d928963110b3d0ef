"""The audit log's rules in plain Python: actions, who is acting, the key and the HMAC chain.

Each entry's HMAC covers the previous entry's HMAC and its own fields, so an
edited, deleted or reordered entry breaks the chain. The key lives outside the
database. ``current_account`` names the signed-in account (``acuchart.session``);
``audit_key`` is the seam a login-derived key will replace.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import enum
import getpass
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from acuchart import session
from acuchart.locations import config_dir

AUDIT_KEY_FILE = "audit.key"
AUDIT_KEY_BYTES = 32
GENESIS_HASH = "0" * 64  # the "previous hash" of the first entry
MAX_OBJECT = 200
MAX_DETAIL = 500
MAX_ACCOUNT = 200
PAGE_SIZE = 200


class AuditAction(enum.StrEnum):
    VIEW_CHART = "view_chart"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    ARCHIVE = "archive"
    SIGN = "sign"
    ADDENDUM = "addendum"
    PRINT = "print"
    EXPORT = "export"
    BACKUP = "backup"
    RESTORE = "restore"
    LOGIN = "login"
    FAILED_LOGIN = "failed_login"
    LOCK = "lock"
    SETTING_CHANGE = "setting_change"
    ACCOUNT_CHANGE = "account_change"


class AuditKeyError(Exception):
    """The audit key file exists but cannot be used (wrong size, unreadable)."""


_acting_as: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "acuchart_audit_acting_as", default=None
)


def current_account() -> str:
    """Who is acting: the signed-in account's login, else the operating-system user."""
    acting = _acting_as.get()
    if acting is not None:
        return acting[:MAX_ACCOUNT]
    account = session.current_account()
    if account is not None:
        return account.login[:MAX_ACCOUNT]
    try:
        return getpass.getuser()[:MAX_ACCOUNT]
    except (OSError, KeyError):  # no login name in the environment or the password database
        return "unknown"


@contextlib.contextmanager
def acting_as(login: str) -> Iterator[None]:
    """Entries recorded in this block (this thread) name ``login``: a successful login is
    recorded for the account signing in, before the caller signs it in."""
    token = _acting_as.set(login)
    try:
        yield
    finally:
        _acting_as.reset(token)


AUDIT_KEY_INFO = b"acuchart audit log v1"


def audit_key_path() -> Path:
    return config_dir() / AUDIT_KEY_FILE


def audit_key(data_key: bytes | None = None) -> bytes:
    """The HMAC key of the audit log, kept outside the database.

    For an encrypted chart it derives (HKDF-SHA256) from the chart's data key,
    which only a password or the recovery key unwraps: it travels with the chart
    and its backups and is the same on every workstation. For a plain chart (the
    demo) it is 32 random bytes in ``audit.key`` in the per-user config folder
    (mode 0600), made on first use.
    """
    if data_key is not None:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        return HKDF(
            algorithm=hashes.SHA256(), length=AUDIT_KEY_BYTES, salt=None, info=AUDIT_KEY_INFO
        ).derive(data_key)
    path = audit_key_path()
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago
        return _read_key(path)
    key = os.urandom(AUDIT_KEY_BYTES)
    with os.fdopen(handle, "w", encoding="ascii") as file:
        file.write(key.hex() + "\n")
        file.flush()
        os.fsync(file.fileno())
    return key


def _read_key(path: Path) -> bytes:
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != AUDIT_KEY_BYTES:
        raise AuditKeyError(f"The audit key file {path} is damaged (not a 32-byte hex key).")
    return key


def canonical(
    prev_hash: str,
    at: dt.datetime,
    account: str,
    action: str,
    patient_id: int | None,
    object: str,
    detail: str,
) -> bytes:
    """The exact bytes an entry's HMAC covers: a JSON array, UTC time with microseconds."""
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = [prev_hash, stamp, account, str(action), patient_id, object, detail]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hmac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class AuditSort(enum.StrEnum):
    ID = "id"
    AT = "at"
    ACCOUNT = "account"
    ACTION = "action"
    PATIENT = "patient_id"
    OBJECT = "object"
    DETAIL = "detail"


@dataclass(frozen=True)
class AuditQuery:
    """One request of the audit viewer: filters (all optional), order and page.

    ``since`` is inclusive and ``until`` exclusive, both aware datetimes.
    """

    patient_id: int | None = None
    account: str | None = None
    action: AuditAction | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    sort: AuditSort = AuditSort.AT
    descending: bool = True
    offset: int = 0
    limit: int = PAGE_SIZE


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    account: str
    action: AuditAction
    patient_id: int | None
    object: str
    detail: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int


class AuditProblem(enum.StrEnum):
    EDITED = "edited"
    MISSING = "missing"  # an entry before this one was deleted
    MISSING_NEWEST = "missing newest"  # the log ends before the entry its anchor names
    ANCHOR = "anchor"  # the anchor outside the database is damaged or does not match
    REORDERED = "reordered"
    WRONG_KEY = "wrong key"
    NO_KEY = "no key"


@dataclass(frozen=True)
class AuditCheck:
    """The result of walking the chain: ``ok``, how many entries, and the first problem.

    ``anchor_set`` says the log had no anchor yet (a chart from before anchors, or moved)
    and one was made now from its newest entry."""

    ok: bool
    rows_checked: int
    problem_row_id: int | None = None
    problem: AuditProblem | None = None
    message: str = ""
    anchor_set: bool = False
