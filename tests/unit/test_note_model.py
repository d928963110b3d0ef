"""Reading stored notes back: every value the app writes, and a clear error for one it did not."""

from __future__ import annotations

import pytest

from acuchart.notes.model import (
    AdverseEvent,
    AdverseKind,
    ElectroPair,
    Finding,
    Modality,
    ModalityUse,
    NeedledPoint,
    Objective,
    Outcomes,
    Plan,
    Reflex,
    SessionNote,
    Side,
    Subjective,
    Technique,
    Waveform,
    from_dict,
    to_dict,
)
from acuchart.notes.scores import NrsItem, Pgic


def every_kind_of_value() -> SessionNote:
    return SessionNote(
        subjective=Subjective(nrs=dict.fromkeys(NrsItem, 3)),
        objective=Objective(
            findings_feet=frozenset(Finding),
            findings_hands=frozenset({Finding.COOL}),
            reflex_left=Reflex.ABSENT,
            reflex_right=None,
        ),
        plan=Plan(
            points=tuple(
                NeedledPoint("ST36", side, technique) for side in Side for technique in Technique
            ),
            electro=tuple(ElectroPair("ST36", "SP6", waveform=w) for w in Waveform),
            modalities=tuple(ModalityUse(kind, "detail") for kind in Modality),
        ),
        adverse_events=tuple(AdverseEvent(kind) for kind in AdverseKind),
        outcomes=Outcomes(pgic=Pgic.MINIMALLY_WORSE),
    )


def test_every_member_of_every_enum_reads_back() -> None:
    note = every_kind_of_value()
    assert from_dict(to_dict(note)) == note


@pytest.mark.parametrize(
    ("section", "change", "named"),
    [
        ("subjective", {"nrs": {"pain_tomorrow": 3}}, "NrsItem"),
        ("objective", {"findings_feet": ["gangrene"]}, "Finding"),
        ("objective", {"reflex_left": "brisk"}, "Reflex"),
        ("plan", {"points": [{"code": "ST36", "side": "up"}]}, "Side"),
        ("plan", {"points": [{"code": "ST36", "technique": ["even"]}]}, "Technique"),
        ("outcomes", {"pgic": 9}, "Pgic"),
    ],
)
def test_a_value_the_app_never_wrote_is_refused_by_name(
    section: str, change: dict[str, object], named: str
) -> None:
    stored = to_dict(SessionNote())
    stored[section] = {**stored[section], **change}
    with pytest.raises(ValueError, match=named):
        from_dict(stored)
