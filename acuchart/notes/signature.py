"""What a signature covers, in one canonical byte string, and its SHA-256.

The hash binds the note and the visit's body map to the visit, the patient,
the signer and the time of signing: changing any of them afterwards, even with
raw SQL, makes verification fail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from acuchart.bodymap.model import BodyMap
from acuchart.notes.model import SessionNote, to_dict

SIGNATURE_VERSION = 1


@dataclass(frozen=True)
class SignedIdentity:
    visit_id: int
    patient_id: int
    visit_started_at: dt.datetime
    signed_by: str
    signed_at: dt.datetime


def body_map_dict(body_map: BodyMap) -> dict[str, Any]:
    """A body map as plain JSON values in a fixed order."""
    return {
        "marks": [[v, r, s.value, i] for (v, r, s), i in sorted(body_map.marks.items())],
        "strokes": [
            [
                stroke.view_id,
                stroke.symptom.value if stroke.symptom else None,
                stroke.intensity,
                stroke.width,
                [list(p) for p in stroke.points],
            ]
            for stroke in body_map.strokes
        ],
        "monofilament": sorted(
            [limb.value, site, result.value]
            for (limb, site), result in body_map.monofilament.items()
        ),
        "vibration": sorted([limb.value, r.value] for limb, r in body_map.vibration.items()),
    }


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_content(identity: SignedIdentity, note: SessionNote, body_map: BodyMap) -> bytes:
    return canonical_document(identity, to_dict(note), body_map_dict(body_map))


def canonical_document(
    identity: SignedIdentity, note_document: dict[str, Any], map_document: dict[str, Any]
) -> bytes:
    """The signed bytes, from the note and map as JSON documents (``to_dict`` and
    ``body_map_dict``; or the note's stored JSON read back: the same thing, and what was
    stored is what is checked)."""
    document = {
        "signature_version": SIGNATURE_VERSION,
        "visit_id": identity.visit_id,
        "patient_id": identity.patient_id,
        "visit_started_at": _utc(identity.visit_started_at),
        "signed_by": identity.signed_by,
        "signed_at": _utc(identity.signed_at),
        "note": note_document,
        "body_map": map_document,
    }
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def content_hash(identity: SignedIdentity, note: SessionNote, body_map: BodyMap) -> str:
    return hashlib.sha256(canonical_content(identity, note, body_map)).hexdigest()


def document_hash(
    identity: SignedIdentity, note_document: dict[str, Any], map_document: dict[str, Any]
) -> str:
    return hashlib.sha256(canonical_document(identity, note_document, map_document)).hexdigest()
