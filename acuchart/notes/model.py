"""The session note of a visit (SOAP), as immutable values.

A note is stored as one JSON document per visit (``to_dict`` / ``from_dict``);
its canonical form (sorted keys, no spaces) is what a signature hashes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields, replace
from typing import Any, Generic, TypeVar

from acuchart.notes.scores import NamedScore, NrsItem, Pgic

FORMAT_VERSION = 1


class Side(enum.StrEnum):
    BOTH = "both"
    LEFT = "left"
    RIGHT = "right"
    MIDLINE = "midline"

    @property
    def short(self) -> str:
        return {"both": "B", "left": "L", "right": "R", "midline": "M"}[self.value]


class Technique(enum.StrEnum):
    EVEN = "even"
    TONIFY = "tonify"
    REDUCE = "reduce"
    BLEED = "bleed"
    INTRADERMAL = "intradermal"

    @property
    def label(self) -> str:
        return {
            "even": "Even",
            "tonify": "Tonify",
            "reduce": "Reduce",
            "bleed": "Prick to bleed",
            "intradermal": "Intradermal",
        }[self.value]


class Waveform(enum.StrEnum):
    DENSE_DISPERSE = "dense_disperse"
    CONTINUOUS = "continuous"
    INTERMITTENT = "intermittent"

    @property
    def label(self) -> str:
        return {
            "dense_disperse": "Dense-disperse",
            "continuous": "Continuous",
            "intermittent": "Intermittent",
        }[self.value]


class Modality(enum.StrEnum):
    MOXIBUSTION = "moxibustion"
    CUPPING = "cupping"
    GUA_SHA = "gua_sha"
    HEAT_LAMP = "heat_lamp"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "moxibustion": "Moxibustion",
            "cupping": "Cupping",
            "gua_sha": "Gua sha",
            "heat_lamp": "Heat lamp (TDP)",
            "other": "Other",
        }[self.value]


class AdverseKind(enum.StrEnum):
    BRUISING = "bruising"
    BLEEDING = "bleeding"
    PAIN = "pain"
    DIZZINESS = "dizziness"
    DROWSINESS = "drowsiness"
    WORSE_SYMPTOMS = "worse_symptoms"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "bruising": "Bruising",
            "bleeding": "Bleeding",
            "pain": "Pain at a needle site",
            "dizziness": "Dizziness or fainting",
            "drowsiness": "Drowsiness",
            "worse_symptoms": "Symptoms worse",
            "other": "Other",
        }[self.value]


class Reflex(enum.StrEnum):
    PRESENT = "present"
    REINFORCEMENT = "reinforcement"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return {
            "present": "Present",
            "reinforcement": "With reinforcement",
            "absent": "Absent",
        }[self.value]


class Finding(enum.StrEnum):
    """Foot and hand inspection findings, each ticked when seen."""

    SKIN_BREAK = "skin_break"
    ULCER = "ulcer"
    CALLUS = "callus"
    COLOUR_CHANGE = "colour_change"
    COOL = "cool"
    WARM = "warm"
    DRY_CRACKED = "dry_cracked"
    SWELLING = "swelling"

    @property
    def label(self) -> str:
        return {
            "skin_break": "Skin break",
            "ulcer": "Ulcer",
            "callus": "Callus",
            "colour_change": "Colour change",
            "cool": "Cool to touch",
            "warm": "Warm / hot",
            "dry_cracked": "Dry, cracked skin",
            "swelling": "Swelling",
        }[self.value]

    @property
    def is_red_flag(self) -> bool:
        return self in (Finding.SKIN_BREAK, Finding.ULCER)


@dataclass(frozen=True)
class NeedledPoint:
    code: str
    side: Side = Side.BOTH
    technique: Technique = Technique.EVEN
    depth_mm: float | None = None


@dataclass(frozen=True)
class ElectroPair:
    """One lead pair of electro-acupuncture: two points, frequency, waveform, intensity, time."""

    point_a: str
    point_b: str
    frequency: str = "2/100"  # Hz: one value or an alternating pair
    waveform: Waveform = Waveform.DENSE_DISPERSE
    intensity: str = "comfortable tingle"
    minutes: int = 20


@dataclass(frozen=True)
class ModalityUse:
    kind: Modality
    detail: str = ""


@dataclass(frozen=True)
class AdverseEvent:
    kind: AdverseKind
    action: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Diagnosis:
    code: str
    description: str


@dataclass(frozen=True)
class Subjective:
    chief_complaint: str = ""
    change_since_last: str = ""
    nrs: dict[NrsItem, int] = field(default_factory=dict)
    medication_changes: str = ""
    text: str = ""


@dataclass(frozen=True)
class Objective:
    findings_feet: frozenset[Finding] = frozenset()
    findings_hands: frozenset[Finding] = frozenset()
    inspection: str = ""
    reflex_left: Reflex | None = None
    reflex_right: Reflex | None = None
    tongue_body: str = ""
    tongue_coat: str = ""
    tongue_shape: str = ""
    pulse: str = ""
    text: str = ""


@dataclass(frozen=True)
class Assessment:
    patterns: tuple[str, ...] = ()
    pattern_notes: str = ""
    diagnoses: tuple[Diagnosis, ...] = ()
    progress: str = ""


@dataclass(frozen=True)
class Plan:
    points: tuple[NeedledPoint, ...] = ()
    needle_gauge: str = ""
    needle_length: str = ""
    retention_minutes: int | None = None
    electro: tuple[ElectroPair, ...] = ()
    modalities: tuple[ModalityUse, ...] = ()
    home_care: str = ""
    next_visit: str = ""

    @property
    def treatment(self) -> Plan:
        """What "copy from last visit" carries forward: the treatment, not the advice given."""
        return Plan(
            points=self.points,
            needle_gauge=self.needle_gauge,
            needle_length=self.needle_length,
            retention_minutes=self.retention_minutes,
            electro=self.electro,
            modalities=self.modalities,
        )


@dataclass(frozen=True)
class NeedleCount:
    inserted: int | None = None
    removed: int | None = None
    resolution: str = ""  # how a difference was resolved (needle found, …)

    @property
    def counted(self) -> bool:
        return self.inserted is not None and self.removed is not None

    @property
    def balanced(self) -> bool:
        return self.counted and self.inserted == self.removed


@dataclass(frozen=True)
class Outcomes:
    pgic: Pgic | None = None
    mnsi: dict[int, bool] = field(default_factory=dict)  # item 1–15 → yes
    named: tuple[NamedScore, ...] = ()


@dataclass(frozen=True)
class SessionNote:
    subjective: Subjective = Subjective()
    objective: Objective = Objective()
    assessment: Assessment = Assessment()
    plan: Plan = Plan()
    needles: NeedleCount = NeedleCount()
    adverse_events: tuple[AdverseEvent, ...] = ()
    outcomes: Outcomes = Outcomes()

    @property
    def is_empty(self) -> bool:
        return self == SessionNote()

    def with_plan(self, plan: Plan) -> SessionNote:
        return replace(self, plan=plan)


# -- JSON -----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Dataclasses, enums, sets and dicts as JSON values (sets sorted, dict keys as text)."""
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    return value


def to_dict(note: SessionNote) -> dict[str, Any]:
    return {"format": FORMAT_VERSION, **_plain(note)}


_E = TypeVar("_E", bound=enum.Enum)


class _Lookup(Generic[_E]):
    """An enum's members by value: ``Enum(value)`` costs a microsecond, and a long course
    reads tens of thousands of them. Unknown values raise ``ValueError``, as the enum does."""

    def __init__(self, enum_class: type[_E]) -> None:
        self._name = enum_class.__name__
        self._members: dict[Any, _E] = {member.value: member for member in enum_class}

    def __call__(self, value: Any) -> _E:
        try:
            return self._members[value]
        except (KeyError, TypeError):
            raise ValueError(f"{value!r} is not a valid {self._name}") from None


_NRS_ITEM = _Lookup(NrsItem)
_FINDING = _Lookup(Finding)
_REFLEX = _Lookup(Reflex)
_SIDE = _Lookup(Side)
_TECHNIQUE = _Lookup(Technique)
_WAVEFORM = _Lookup(Waveform)
_MODALITY = _Lookup(Modality)
_ADVERSE_KIND = _Lookup(AdverseKind)
_PGIC = _Lookup(Pgic)


def _reflex(value: str | None) -> Reflex | None:
    return None if value is None else _REFLEX(value)


def from_dict(data: dict[str, Any]) -> SessionNote:
    """Read a stored note; keys missing from older notes take their defaults."""
    s, o, a = data.get("subjective", {}), data.get("objective", {}), data.get("assessment", {})
    p, n, out = data.get("plan", {}), data.get("needles", {}), data.get("outcomes", {})
    return SessionNote(
        subjective=Subjective(
            chief_complaint=s.get("chief_complaint", ""),
            change_since_last=s.get("change_since_last", ""),
            nrs={_NRS_ITEM(k): int(v) for k, v in s.get("nrs", {}).items()},
            medication_changes=s.get("medication_changes", ""),
            text=s.get("text", ""),
        ),
        objective=Objective(
            findings_feet=frozenset(_FINDING(v) for v in o.get("findings_feet", [])),
            findings_hands=frozenset(_FINDING(v) for v in o.get("findings_hands", [])),
            inspection=o.get("inspection", ""),
            reflex_left=_reflex(o.get("reflex_left")),
            reflex_right=_reflex(o.get("reflex_right")),
            tongue_body=o.get("tongue_body", ""),
            tongue_coat=o.get("tongue_coat", ""),
            tongue_shape=o.get("tongue_shape", ""),
            pulse=o.get("pulse", ""),
            text=o.get("text", ""),
        ),
        assessment=Assessment(
            patterns=tuple(a.get("patterns", [])),
            pattern_notes=a.get("pattern_notes", ""),
            diagnoses=tuple(Diagnosis(d["code"], d["description"]) for d in a.get("diagnoses", [])),
            progress=a.get("progress", ""),
        ),
        plan=Plan(
            points=tuple(
                NeedledPoint(
                    code=x["code"],
                    side=_SIDE(x.get("side", "both")),
                    technique=_TECHNIQUE(x.get("technique", "even")),
                    depth_mm=x.get("depth_mm"),
                )
                for x in p.get("points", [])
            ),
            needle_gauge=p.get("needle_gauge", ""),
            needle_length=p.get("needle_length", ""),
            retention_minutes=p.get("retention_minutes"),
            electro=tuple(
                ElectroPair(
                    point_a=x["point_a"],
                    point_b=x["point_b"],
                    frequency=x.get("frequency", ""),
                    waveform=_WAVEFORM(x.get("waveform", "dense_disperse")),
                    intensity=x.get("intensity", ""),
                    minutes=int(x.get("minutes", 0)),
                )
                for x in p.get("electro", [])
            ),
            modalities=tuple(
                ModalityUse(_MODALITY(x["kind"]), x.get("detail", ""))
                for x in p.get("modalities", [])
            ),
            home_care=p.get("home_care", ""),
            next_visit=p.get("next_visit", ""),
        ),
        needles=NeedleCount(
            inserted=n.get("inserted"), removed=n.get("removed"), resolution=n.get("resolution", "")
        ),
        adverse_events=tuple(
            AdverseEvent(_ADVERSE_KIND(x["kind"]), x.get("action", ""), x.get("detail", ""))
            for x in data.get("adverse_events", [])
        ),
        outcomes=Outcomes(
            pgic=None if out.get("pgic") is None else _PGIC(out["pgic"]),
            mnsi={int(k): bool(v) for k, v in out.get("mnsi", {}).items()},
            named=tuple(NamedScore(x["name"], float(x["value"])) for x in out.get("named", [])),
        ),
    )
