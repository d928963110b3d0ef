"""Bad input to every service that writes, generated with hypothesis.

Each call either succeeds, and then reads back exactly the cleaned values (NFC,
trimmed, nothing unstorable), or raises a clear error (``ValidationError`` or a
``ChartError`` with a message) and leaves every table, the audit log included,
exactly as it was. Any other exception is a bug. One database per test function:
hypothesis runs many examples inside one test, so the file is made in the body.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import hashlib
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuchart.bodymap.exam import MonofilamentResult, VibrationResult
from acuchart.bodymap.geometry import FOOT_LIMBS, all_views
from acuchart.bodymap.model import BodyMap, Stroke, monofilament_site_ids
from acuchart.bodymap.symptoms import Symptom
from acuchart.clinic import ClinicProfile, PaperSize
from acuchart.dates import DatePrecision, PartialDate
from acuchart.db.database import Database, open_database
from acuchart.errors import ChartError
from acuchart.notes.model import (
    AdverseEvent,
    AdverseKind,
    Assessment,
    Diagnosis,
    ElectroPair,
    Finding,
    Modality,
    ModalityUse,
    NeedleCount,
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
)
from acuchart.notes.points import point_library
from acuchart.notes.scores import NamedScore, NrsItem, Pgic
from acuchart.patients import Limb, NeuropathyCause, PatientDraft, Precaution, Sex
from acuchart.reports.handout_text import Handout, default_template
from acuchart.services import body_maps, clinic, notes, patients, reports, visits
from acuchart.validation import ValidationError
from acuchart.visits import VisitDraft
from tests.conftest import make_draft

T = TypeVar("T")
# A failing example with 30,000-character texts should be reported, not turned into this warning.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
EXAMPLES = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NOW = dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.UTC)
MISSING_ID = 987_654
_UNSTORABLE = {"Cc", "Cs", "Co", "Cn"}

# -- text -------------------------------------------------------------------------------------

# Every code point: controls, private use, unassigned and lone surrogates included.
ANY_CHAR = st.characters(exclude_categories=())
# What a keyboard gives: any script, marks (NFC has work to do), punctuation, spaces.
TYPED_CHAR = st.characters(categories=("L", "M", "N", "P", "S", "Zs"))
PADDING = st.text(st.sampled_from(" \u00a0\u2003\u3000"), max_size=3)
DECOMPOSED = st.sampled_from(["Zoe\u0308", "Ko\u0304kubo", "Jose\u0301", "\u1100\u1161\u11a8"])


def _padded(before: str, text: str, after: str) -> str:
    return before + text + after


def _repeated(char: str, count: int) -> str:
    return char * count


def texts(wild: bool = True) -> st.SearchStrategy[str]:
    """Typed text (padded, decomposed: cleaning has work to do) and, when ``wild``, anything
    at all: controls, lone surrogates, line breaks of every kind, up to 30,000 characters."""
    typed = st.one_of(
        st.just(""),
        st.builds(_padded, PADDING, st.text(TYPED_CHAR, max_size=30) | DECOMPOSED, PADDING),
    )
    if not wild:
        return typed
    return st.one_of(
        typed,
        st.text(ANY_CHAR, max_size=30),
        st.builds(_padded, st.sampled_from(["\r\n", "\r", "\n", "\t"]), typed, typed),
        # Around the limits: 200 for short fields, 20,000 for notes, 30,000 for handouts.
        st.builds(_repeated, TYPED_CHAR | ANY_CHAR, st.integers(150, 260)),
        st.builds(_repeated, TYPED_CHAR | ANY_CHAR, st.integers(19_900, 30_100)),
    )


def _either(plain: st.SearchStrategy[T], wild: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """Half plain, half wild, however many alternatives ``wild`` has."""
    return st.booleans().flatmap(lambda is_wild: wild if is_wild else plain)


def cleaned(text: str) -> str:
    """What a text field should read back as after a successful save."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def is_storable(text: str) -> bool:
    return (
        text == cleaned(text)
        and unicodedata.is_normalized("NFC", text)
        and all(c in "\n\t" or unicodedata.category(c) not in _UNSTORABLE for c in text)
    )


def map_text(value: Any, change: Callable[[str], str]) -> Any:
    """``value`` (dataclasses, tuples, sets, dicts) with every plain string changed."""
    if isinstance(value, enum.Enum):
        return value
    if isinstance(value, str):
        return change(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value,
            **{f.name: map_text(getattr(value, f.name), change) for f in dataclasses.fields(value)},
        )
    if isinstance(value, tuple | list | frozenset):
        return type(value)(map_text(item, change) for item in value)
    if isinstance(value, dict):
        return {key: map_text(item, change) for key, item in value.items()}
    return value


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, enum.Enum):
        return
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from strings_in(getattr(value, f.name))
    elif isinstance(value, tuple | list | frozenset):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)


# -- the database -----------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = open_database(str(factory.mktemp("bad-input") / "chart.db"))
    try:
        yield database
    finally:
        database.close()


def table_digests(database: Database) -> dict[str, str]:
    """A SHA-256 of every row of every table (the audit log and FTS tables included)."""
    digests = {}
    with database.engine.connect() as connection:
        names = [
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        for name in names:
            rows = sorted(
                repr(tuple(row)) for row in connection.exec_driver_sql(f'SELECT * FROM "{name}"')
            )
            digests[name] = hashlib.sha256(
                "\n".join(rows).encode("utf-8", "backslashreplace")
            ).hexdigest()
    return digests


@dataclasses.dataclass
class Outcome:
    succeeded: int = 0
    refused: int = 0


def is_clear(error: Exception) -> bool:
    """A refusal the user can read: every field's message, or the error's own, is not blank."""
    if isinstance(error, ValidationError):
        return bool(error.errors) and all(message.strip() for message in error.errors.values())
    return bool(str(error).strip())


def attempt(database: Database, tally: Outcome, action: Callable[[], T]) -> T | None:
    """Run one service call: its result, or None after a clear refusal that wrote nothing.

    Any exception other than ``ValidationError`` and ``ChartError`` propagates: a bug.
    """
    before = table_digests(database)
    try:
        result = action()
    except (ValidationError, ChartError) as error:
        refusal = error
    else:
        tally.succeeded += 1
        return result
    tally.refused += 1
    assert is_clear(refusal), f"unclear {type(refusal).__name__}: {refusal!r}"
    assert table_digests(database) == before, "a refused action changed the database"
    return None


def both_outcomes_seen(tally: Outcome) -> None:
    """The examples reached both the success path and the refusal path."""
    assert tally.succeeded, tally
    assert tally.refused, tally


def new_patient(database: Database) -> int:
    return patients.create_patient(database, make_draft()).id


def new_visit(database: Database, patient_id: int) -> int:
    draft = VisitDraft(NOW - dt.timedelta(hours=1), "Lena Decicco")
    return visits.create_visit(database, patient_id, draft, now=NOW).id


VALID_NOTE = SessionNote(
    subjective=Subjective(chief_complaint="Burning soles", nrs={NrsItem.PAIN_NOW: 6}),
    plan=Plan(points=(NeedledPoint("ST36"),)),
    needles=NeedleCount(inserted=2, removed=2),
)


def signed_visit(database: Database, patient_id: int) -> int:
    visit_id = new_visit(database, patient_id)
    notes.sign_note(database, visit_id, "Lena Decicco", VALID_NOTE)
    return visit_id


# -- patients ---------------------------------------------------------------------------------

_PATIENT_TEXT = (
    "family_name",
    "given_names",
    "preferred_name",
    "address",
    "emergency_contact",
    "referring_physician",
    "chemotherapy_agent",
    "cause_details",
    "conditions",
    "medications",
    "allergies",
    "notes",
)
ANY_DATE = st.none() | st.dates() | st.dates(dt.date(1890, 1, 1), dt.date(2030, 1, 1))
PATIENT_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    **{name: texts() for name in _PATIENT_TEXT},
    "phone": texts() | st.from_regex(r"\+?[0-9][0-9 ()\-]{5,18}( x12)?", fullmatch=True),
    "email": texts() | st.emails(),
    "date_of_birth": ANY_DATE,
    "consent_date": ANY_DATE,
    "onset": st.none() | st.builds(PartialDate, st.dates(), st.sampled_from(DatePrecision)),
    "sex": st.sampled_from(Sex),
    "neuropathy_cause": st.none() | st.sampled_from(NeuropathyCause),
    "limbs_affected": st.frozensets(st.sampled_from(Limb)),
    "precautions": st.frozensets(st.sampled_from(Precaution)),
}


@st.composite
def patient_drafts(draw: st.DrawFn) -> PatientDraft:
    """A valid patient with a few fields replaced by anything."""
    names = draw(st.lists(st.sampled_from(sorted(PATIENT_FIELDS)), max_size=4, unique=True))
    return make_draft(**{name: draw(PATIENT_FIELDS[name]) for name in names})


def expected_patient(draft: PatientDraft) -> PatientDraft:
    return map_text(draft, cleaned)  # type: ignore[no-any-return]


def test_patient_create_and_update(tmp_path_factory: pytest.TempPathFactory) -> None:
    tally = Outcome()
    with fresh_database(tmp_path_factory) as database:
        patient_id = new_patient(database)
        archived_id = new_patient(database)
        patients.set_archived(database, archived_id, True)

        @EXAMPLES
        @given(
            patient_drafts(),
            st.sampled_from(["create", patient_id, archived_id, MISSING_ID]),
        )
        def check(draft: PatientDraft, target: str | int) -> None:
            if target == "create":
                record = attempt(database, tally, lambda: patients.create_patient(database, draft))
            else:
                assert isinstance(target, int)
                record = attempt(
                    database, tally, lambda: patients.update_patient(database, target, draft)
                )
            if record is None:
                return
            stored = patients.get_patient(database, record.id)
            assert stored.to_draft() == record.to_draft() == expected_patient(draft)
            assert all(is_storable(text) for text in strings_in(stored.to_draft()))

        check()
    both_outcomes_seen(tally)


# -- visits -----------------------------------------------------------------------------------

FIXED_OFFSETS = st.builds(
    dt.timezone, st.timedeltas(dt.timedelta(hours=-23, minutes=-59), dt.timedelta(hours=23))
)
PLAUSIBLE_TIMES = st.datetimes(
    dt.datetime(1956, 4, 3), dt.datetime(2026, 3, 2), timezones=st.timezones() | FIXED_OFFSETS
)
VISIT_TIMES = PLAUSIBLE_TIMES | st.datetimes(timezones=st.none() | st.timezones() | FIXED_OFFSETS)
# A practitioner's name: mostly one that is typed, else anything.
NAMES = _either(st.just("Lena Decicco") | texts(wild=False).filter(str.strip), texts())


def test_visit_create(tmp_path_factory: pytest.TempPathFactory) -> None:
    tally = Outcome()
    with fresh_database(tmp_path_factory) as database:
        patient_id = new_patient(database)
        archived_id = new_patient(database)
        patients.set_archived(database, archived_id, True)

        @EXAMPLES
        @given(
            st.builds(VisitDraft, VISIT_TIMES, NAMES),
            st.sampled_from([patient_id, patient_id, archived_id, MISSING_ID]),
        )
        def check(draft: VisitDraft, target: int) -> None:
            summary = attempt(
                database, tally, lambda: visits.create_visit(database, target, draft, now=NOW)
            )
            if summary is None:
                return
            (stored,) = [v for v in visits.list_visits(database, target) if v.id == summary.id]
            assert stored == summary
            assert stored.started_at == draft.started_at
            assert stored.practitioner_name == cleaned(draft.practitioner_name)
            assert is_storable(stored.practitioner_name)

        check()
    both_outcomes_seen(tally)


# -- session notes ----------------------------------------------------------------------------

POINT_CODES = sorted(point_library())
HUGE_INTS = st.sampled_from([10**400, -(10**400), 2**63])


def _many(item: T, count: int) -> tuple[T, ...]:
    return (item,) * count


def _few(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[tuple[T, ...]]:
    return st.lists(strategy, max_size=3).map(tuple)


def _maybe(strategy: st.SearchStrategy[T], default: T) -> st.SearchStrategy[T]:
    """Half the time a section is left as it is."""
    return st.just(default) | strategy


def _ints(low: int, high: int, wild: bool, *, slack: int = 5) -> st.SearchStrategy[int]:
    return st.integers(low - slack, high + slack) if wild else st.integers(low, high)


def _notes(wild: bool) -> st.SearchStrategy[SessionNote]:
    """Notes as typed (``wild`` False: mostly saved) or with anything in any field."""
    text = texts(wild)
    code = st.sampled_from(POINT_CODES) | (texts() if wild else st.nothing())
    number = st.floats() | st.integers(-10, 200) | HUGE_INTS if wild else st.floats(0.5, 100)
    subjective = st.builds(
        Subjective,
        chief_complaint=text,
        change_since_last=text,
        nrs=st.dictionaries(st.sampled_from(NrsItem), _ints(0, 10, wild)),
        medication_changes=text,
        text=text,
    )
    objective = st.builds(
        Objective,
        findings_feet=st.frozensets(st.sampled_from(Finding)),
        findings_hands=st.frozensets(st.sampled_from(Finding)),
        inspection=text,
        reflex_left=st.none() | st.sampled_from(Reflex),
        reflex_right=st.none() | st.sampled_from(Reflex),
        tongue_body=text,
        tongue_coat=text,
        tongue_shape=text,
        pulse=text,
        text=text,
    )
    many_patterns = st.builds(_many, st.just("Blood stasis"), st.integers(38, 45))
    assessment = st.builds(
        Assessment,
        patterns=_few(text) | (many_patterns if wild else st.nothing()),
        pattern_notes=text,
        diagnoses=_few(st.builds(Diagnosis, st.sampled_from(["G62.0", " E11.42"]) | text, text)),
        progress=text,
    )
    point = st.builds(
        NeedledPoint, code, st.sampled_from(Side), st.sampled_from(Technique), st.none() | number
    )
    frequencies = ["2/100", " 15 Hz ", "2 / 100hz"]
    if wild:
        frequencies += ["0", "250", "2/100\n", "2\x1c/100", "1e400", "9" * 400, "١٥"]
    plan = st.builds(
        Plan,
        points=_few(point)
        | (st.builds(_many, point, st.integers(78, 84)) if wild else st.nothing()),
        needle_gauge=text,
        needle_length=text,
        retention_minutes=st.none() | _ints(1, 120, wild),
        electro=_few(
            st.builds(
                ElectroPair,
                code,
                code,
                st.sampled_from(frequencies) | (texts() if wild else st.nothing()),
                st.sampled_from(Waveform),
                text,
                _ints(1, 90, wild),
            )
        ),
        modalities=_few(st.builds(ModalityUse, st.sampled_from(Modality), text)),
        home_care=text,
        next_visit=text,
    )
    count = st.none() | _ints(0, 300, wild)
    score_name = st.sampled_from(["DN4", " LANSS ", "Zoe\u0308 score"]) | (
        texts() if wild else st.nothing()
    )
    outcomes = st.builds(
        Outcomes,
        pgic=st.none() | st.sampled_from(Pgic),
        mnsi=st.dictionaries(_ints(1, 15, wild), st.booleans()),
        named=_few(st.builds(NamedScore, score_name, number | st.integers(0, 40))),
    )
    return st.builds(
        SessionNote,
        subjective=_maybe(subjective, Subjective()),
        objective=_maybe(objective, Objective()),
        assessment=_maybe(assessment, Assessment()),
        plan=_maybe(plan, Plan()),
        needles=_maybe(st.builds(NeedleCount, count, count, text), NeedleCount()),
        adverse_events=_maybe(
            _few(st.builds(AdverseEvent, st.sampled_from(AdverseKind), text, text)), ()
        ),
        outcomes=_maybe(outcomes, Outcomes()),
    )


NOTES = _notes(wild=False) | _notes(wild=True)


def _with_typing(complaint: str, home_care: str) -> SessionNote:
    return dataclasses.replace(
        VALID_NOTE,
        subjective=dataclasses.replace(VALID_NOTE.subjective, chief_complaint=complaint),
        plan=dataclasses.replace(VALID_NOTE.plan, home_care=home_care),
    )


SIGNABLE_NOTES = st.builds(_with_typing, texts(wild=False), texts(wild=False))


def expected_note(note: SessionNote) -> SessionNote:
    """The note as it must read back: text cleaned, blank patterns dropped."""
    clean: SessionNote = map_text(note, cleaned)
    patterns = tuple(p for p in clean.assessment.patterns if p)
    return dataclasses.replace(
        clean, assessment=dataclasses.replace(clean.assessment, patterns=patterns)
    )


def check_stored_note(database: Database, visit_id: int, written: SessionNote) -> None:
    stored = notes.load_note(database, visit_id).note
    assert stored == expected_note(written)
    assert all(is_storable(text) for text in strings_in(stored))


def test_note_save_draft(tmp_path_factory: pytest.TempPathFactory) -> None:
    tally = Outcome()
    with fresh_database(tmp_path_factory) as database:
        patient_id = new_patient(database)
        draft_id = new_visit(database, patient_id)
        signed_id = signed_visit(database, patient_id)

        @EXAMPLES
        @given(NOTES, st.sampled_from([draft_id, draft_id, signed_id, MISSING_ID]))
        def check(note: SessionNote, target: int) -> None:
            saved = attempt(database, tally, lambda: notes.save_draft(database, target, note))
            if saved is not None:
                check_stored_note(database, target, note)

        check()
    both_outcomes_seen(tally)


def test_note_sign(tmp_path_factory: pytest.TempPathFactory) -> None:
    tally = Outcome()
    with fresh_database(tmp_path_factory) as database:
        patient_id = new_patient(database)
        signed_id = signed_visit(database, patient_id)

        @EXAMPLES
        @given(
            NAMES,
            _either(st.none() | SIGNABLE_NOTES, NOTES),
            st.booleans(),
            st.sampled_from(["new", "new", signed_id, MISSING_ID]),
        )
        def check(
            signer: str, note: SessionNote | None, draft_first: bool, target: str | int
        ) -> None:
            visit_id = new_visit(database, patient_id) if target == "new" else target
            assert isinstance(visit_id, int)
            if target == "new" and draft_first:
                notes.save_draft(database, visit_id, VALID_NOTE)
            signature = attempt(
                database, tally, lambda: notes.sign_note(database, visit_id, signer, note)
            )
            if signature is None:
                return
            state = notes.load_note(database, visit_id)
            assert state.signature == signature
            assert signature.signed_by == cleaned(signer)
            assert is_storable(signature.signed_by)
            check_stored_note(database, visit_id, VALID_NOTE if note is None else note)
            verified = notes.verify_visit(database, visit_id)
            assert verified is not None
            assert verified.ok

        check()
    both_outcomes_seen(tally)


def test_note_addendum(tmp_path_factory: pytest.TempPathFactory) -> None:
    tally = Outcome()
    with fresh_database(tmp_path_factory) as database:
        patient_id = new_patient(database)
        signed_id = signed_visit(database, patient_id)
        draft_id = new_visit(database, patient_id)

        @EXAMPLES
        @given(
            NAMES,
            _either(st.just("Correction: the left foot, not the right."), texts()),
            st.sampled_from([signed_id, signed_id, draft_id, MISSING_ID]),
        )
        def check(author: str, text: str, target: int) -> None:
            addendum = attempt(
                database, tally, lambda: notes.add_addendum(database, target, author, text)
            )
            if addendum is None:
                return
            stored = notes.load_note(database, target).addenda[-1]
            assert stored == addendum
            assert (stored.author, stored.text) == (cleaned(author), cleaned(text))
            assert is_storable(stored.author)
            assert is_storable(stored.text)

        check()
    both_outcomes_seen(tally)


# -- body maps --------------------------------------------------------------------------------

VIEWS = all_views()
VIEW_IDS = sorted(VIEWS)
REGIONS = sorted({(view_id, region) for view_id in VIEW_IDS for region in VIEWS[view_id].regions})
SITES = sorted((limb, site) for limb in FOOT_LIMBS for site in monofilament_site_ids(limb))


def _mark_key(place: tuple[str, str], symptom: Symptom) -> tuple[str, str, Symptom]:
    return (*place, symptom)


def _body_maps(wild: bool) -> st.SearchStrategy[BodyMap]:
    """Maps as drawn (``wild`` False: all on the views) or with anything anywhere."""
    coordinate = st.floats(-20, 20)
    if wild:
        coordinate |= st.floats() | HUGE_INTS | st.integers(-300, 500)
    point = st.tuples(coordinate, coordinate)
    view = st.sampled_from(VIEW_IDS) | (texts() if wild else st.nothing())
    width = st.floats(1, 40) | (st.floats() | HUGE_INTS if wild else st.nothing())
    stroke = st.builds(
        Stroke,
        view,
        st.none() | st.sampled_from(Symptom),
        _ints(1, 10, wild),
        width,
        st.lists(point, min_size=1, max_size=20).map(tuple)
        | st.builds(_many, point, st.integers(1_000, 2_000 + (100 if wild else 0)))
        | st.lists(point, min_size=1_000, max_size=2_000 + (500 if wild else 0)).map(tuple),
    )
    place = st.sampled_from(REGIONS) | (st.tuples(view, texts()) if wild else st.nothing())
    site = st.sampled_from(SITES) | (
        st.tuples(st.sampled_from(Limb), texts()) if wild else st.nothing()
    )
    return st.builds(
        BodyMap,
        marks=st.dictionaries(
            st.builds(_mark_key, place, st.sampled_from(Symptom)), _ints(1, 10, wild), max_size=6
        ),
        strokes=st.lists(stroke, max_size=3).map(tuple),
        monofilament=st.dictionaries(site, st.sampled_from(MonofilamentResult), max_size=6),
        vibration=st.dictionaries(
            st.sampled_from(Limb) if wild else st.sampled_from(FOOT_LIMBS),
            st.sampled_from(VibrationResult),
        ),
    )


BODY_MAPS = _body_maps(wild=False) | _body_maps(wild=True)


def test_body_map_save(tmp_path_factory: pytest.TempPathFactory) -> None:
    tally = Outcome()
    with fresh_database(tmp_path_factory) as database:
        patient_id = new_patient(database)
        draft_id = new_visit(database, patient_id)
        signed_id = signed_visit(database, patient_id)

        @EXAMPLES
        @given(BODY_MAPS, st.sampled_from([draft_id, draft_id, signed_id, MISSING_ID]))
        def check(body_map: BodyMap, target: int) -> None:
            saved = attempt(
                database, tally, lambda: body_maps.save_body_map(database, target, body_map)
            )
            if saved is not None:
                assert body_maps.load_body_map(database, target).body_map == body_map

        check()
    both_outcomes_seen(tally)


# -- clinic settings and handouts -------------------------------------------------------------

LOGOS = st.one_of(
    st.none(),
    st.binary(max_size=40),
    st.builds(lambda body: b"\x89PNG\r\n\x1a\n" + body, st.binary(max_size=40)),
    st.builds(lambda size: b"\xff\xd8" + bytes(size), st.integers(1_999_990, 2_000_010)),
)


def _profiles(wild: bool) -> st.SearchStrategy[ClinicProfile]:
    text = texts(wild)
    return st.builds(
        ClinicProfile,
        name=st.just("Decicco Acupuncture") | text,
        address=text,
        phone=st.just(" (555) 201-7788 ") | (texts() if wild else st.just("")),
        email=st.emails() | (texts() if wild else st.just("")),
        practitioners=text,
        paper=st.sampled_from(PaperSize),
        logo_png=LOGOS if wild else st.none(),
    )


PROFILES = _profiles(wild=False) | _profiles(wild=True)


def test_clinic_profile_save(tmp_path_factory: pytest.TempPathFactory) -> None:
    tally = Outcome()
    with fresh_database(tmp_path_factory) as database:

        @EXAMPLES
        @given(PROFILES)
        def check(profile: ClinicProfile) -> None:
            saved = attempt(database, tally, lambda: clinic.save_clinic_profile(database, profile))
            if saved is None:
                return
            stored = clinic.load_clinic_profile(database)
            assert stored == saved == map_text(profile, cleaned)
            assert all(is_storable(text) for text in strings_in(stored))

        check()
    both_outcomes_seen(tally)


FIELDS = st.sampled_from(["{patient_first_name}", "{clinic_name}", "**", "\n", "\r\n"])


def _handout_text(title: str, parts: list[str]) -> str:
    return f"# {title}\n" + "".join(parts)


TEMPLATES = st.one_of(
    texts(),
    st.builds(_handout_text, texts(wild=False), st.lists(texts(wild=False) | FIELDS, max_size=6)),
    st.builds(
        _handout_text, texts(), st.lists(texts() | FIELDS | st.just("{unknown}"), max_size=6)
    ),
)


def test_handout_template_save(tmp_path_factory: pytest.TempPathFactory) -> None:
    tally = Outcome()
    with fresh_database(tmp_path_factory) as database:

        @EXAMPLES
        @given(st.sampled_from(Handout), TEMPLATES)
        def check(handout: Handout, template: str) -> None:
            saved = attempt(
                database, tally, lambda: reports.save_handout_template(database, handout, template)
            )
            if saved is None:
                return
            assert reports.handout_template(database, handout) == saved
            if cleaned(template):
                assert saved == cleaned(template)
                assert is_storable(saved)
            else:
                assert saved == default_template(handout)

        check()
    both_outcomes_seen(tally)
