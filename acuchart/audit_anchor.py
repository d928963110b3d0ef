"""The audit log's anchor: the newest entry's id and HMAC, kept outside the database.

The HMAC chain shows an entry edited, removed or moved, but not the newest
entries cut off the end: what is left is still a whole chain. So after every
commit that adds entries, the newest one is also written to a small file the
database cannot reach: beside the key file for an encrypted chart
(``<database>.audit-anchor``, it travels with the chart) and in the per-user
config folder, beside ``audit.key``, for a plain one (named after the
database's path). The file is signed with the audit key, so it cannot be
written by hand, and replaced in one step (temp file, fsync, rename).

What it cannot show: the anchor file itself deleted, or replaced by an older
copy of itself, together with the entries. Plain Python, no SQLAlchemy.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from acuchart.keystore import write_document
from acuchart.locations import config_dir

FORMAT = "acuchart-audit-anchor"
VERSION = 1
ANCHOR_SUFFIX = ".audit-anchor"
PLAIN_ANCHOR_FOLDER = "audit-anchors"


class AnchorError(Exception):
    """The anchor file is there but unreadable, or its signature does not match."""


@dataclass(frozen=True)
class AuditAnchor:
    """The newest entry of the log as last committed."""

    entry_id: int
    entry_hmac: str


def anchor_path(database_path: Path, *, encrypted: bool) -> Path:
    """Where the anchor of the chart at ``database_path`` lives."""
    if encrypted:
        return database_path.with_name(database_path.name + ANCHOR_SUFFIX)
    digest = hashlib.sha256(os.fsencode(_resolved(database_path))).hexdigest()[:32]
    return config_dir() / PLAIN_ANCHOR_FOLDER / f"{digest}{ANCHOR_SUFFIX}"


def _resolved(database_path: Path) -> str:
    return str(database_path.expanduser().resolve())


def _signature(key: bytes, database_path: Path, anchor: AuditAnchor, *, encrypted: bool) -> str:
    # A plain chart's anchors share one key (the computer's): the path binds each to its
    # chart. An encrypted chart's key is its own, and the chart may be moved with its anchor.
    where = "" if encrypted else _resolved(database_path)
    fields = [FORMAT, VERSION, where, anchor.entry_id, anchor.entry_hmac]
    message = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def read_anchor(database_path: Path, key: bytes, *, encrypted: bool) -> AuditAnchor | None:
    """The anchor of this chart, None when there is none yet; ``AnchorError`` when the file
    is damaged or was not written with this key."""
    path = anchor_path(database_path, encrypted=encrypted)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AnchorError(f"the audit anchor “{path}” cannot be read ({error})") from None
    try:
        if document["format"] != FORMAT or document["version"] != VERSION:
            raise ValueError(document.get("format"))
        anchor = AuditAnchor(int(document["entry_id"]), str(document["entry_hmac"]))
        signature = str(document["signature"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise AnchorError(f"the audit anchor “{path}” is damaged") from None
    expected = _signature(key, database_path, anchor, encrypted=encrypted)
    if not hmac.compare_digest(expected, signature):
        raise AnchorError(
            f"the audit anchor “{path}” was not written by AcuChart with this chart's key "
            "(altered, or copied from another chart)"
        )
    return anchor


def write_anchor(
    database_path: Path, key: bytes, anchor: AuditAnchor | None, *, encrypted: bool
) -> None:
    """Replace the anchor in one step; None removes it (a log with no entries)."""
    path = anchor_path(database_path, encrypted=encrypted)
    if anchor is None:
        remove_anchor(database_path, encrypted=encrypted)
        return
    document = {
        "format": FORMAT,
        "version": VERSION,
        "entry_id": anchor.entry_id,
        "entry_hmac": anchor.entry_hmac,
        "signature": _signature(key, database_path, anchor, encrypted=encrypted),
    }
    if not encrypted:
        document["database"] = _resolved(database_path)  # for a person reading the folder
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_document(path, document)


def remove_anchor(database_path: Path, *, encrypted: bool) -> None:
    anchor_path(database_path, encrypted=encrypted).unlink(missing_ok=True)
