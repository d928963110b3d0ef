"""Patient and visit services on a real SQLite file."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from acuchart.db.database import Database
from acuchart.db.models import Patient, PatientPrecaution
from acuchart.errors import PatientArchivedError, PatientHasVisitsError, RecordNotFoundError
from acuchart.patient_search import PatientQuery, PatientSort
from acuchart.patients import Limb, NeuropathyCause, Precaution
from acuchart.services import patients, visits
from acuchart.validation import ValidationError
from acuchart.visits import VisitDraft, VisitStatus
from tests.conftest import make_draft

NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)


def names(database: Database, text: str = "", **options: object) -> list[str]:
    page = patients.search_patients(database, PatientQuery(text=text, **options))  # type: ignore[arg-type]
    return [row.family_name for row in page.rows]


def test_a_full_record_round_trips(database: Database) -> None:
    from acuchart.dates import DatePrecision, PartialDate

    draft = make_draft(
        family_name="Nguyễn",
        given_names="Thị Mai",
        preferred_name="Mai",
        neuropathy_cause=NeuropathyCause.CHEMOTHERAPY,
        chemotherapy_agent="oxaliplatin",
        onset=PartialDate(dt.date(2024, 5, 1), DatePrecision.MONTH),
        limbs_affected=frozenset({Limb.LEFT_FOOT, Limb.RIGHT_FOOT, Limb.LEFT_HAND}),
        precautions=frozenset({Precaution.LOW_BLOOD_COUNTS, Precaution.BLEEDING_RISK}),
        consent_date=dt.date(2026, 10, 1),
        medications="Duloxetine 60 mg\nOndansetron",
        notes="Prefers afternoons. 🌸",
    )
    created = patients.create_patient(database, draft)
    loaded = patients.get_patient(database, created.id)
    assert loaded.to_draft() == draft
    assert loaded.visit_count == 0


def test_invalid_draft_writes_nothing(database: Database) -> None:
    with pytest.raises(ValidationError):
        patients.create_patient(database, make_draft(family_name=""))
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(Patient)) == 0


def test_failed_update_leaves_the_saved_record_as_it_was(database: Database) -> None:
    created = patients.create_patient(database, make_draft(notes="kept"))
    with pytest.raises(ValidationError):
        patients.update_patient(database, created.id, make_draft(notes="new", email="bad"))
    assert patients.get_patient(database, created.id).notes == "kept"


def test_update_replaces_precaution_flags(database: Database) -> None:
    created = patients.create_patient(
        database, make_draft(precautions=frozenset({Precaution.PREGNANCY}))
    )
    updated = patients.update_patient(
        database, created.id, make_draft(precautions=frozenset({Precaution.METAL_ALLERGY}))
    )
    assert updated.precautions == {Precaution.METAL_ALLERGY}
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(PatientPrecaution)) == 1


def test_search_by_name_prefix_ignores_case_accents_and_word_order(database: Database) -> None:
    patients.create_patient(database, make_draft(family_name="Müller", given_names="Zoë"))
    patients.create_patient(database, make_draft(family_name="Mullins", given_names="Robert"))
    patients.create_patient(
        database,
        make_draft(family_name="García Márquez", given_names="José", preferred_name="Pepe"),
    )
    patients.create_patient(database, make_draft(family_name="渡辺", given_names="健"))
    assert names(database, "mul") == ["Müller", "Mullins"]
    assert names(database, "MÜLL") == ["Müller", "Mullins"]
    assert names(database, "zoe mu") == ["Müller"]
    assert names(database, "marq") == ["García Márquez"]
    assert names(database, "pepe") == ["García Márquez"]
    assert names(database, "渡") == ["渡辺"]
    assert names(database, "muller xyz") == []


def test_search_without_fts_gives_the_same_answers(database: Database) -> None:
    """The portable path (PostgreSQL) must agree with SQLite's FTS5 path."""
    from acuchart.db import repositories

    for family, given in (("Müller", "Zoë"), ("Mullins", "Rob"), ("O'Brien", "Siobhán")):
        patients.create_patient(database, make_draft(family_name=family, given_names=given))
    for text in ("mul", "zoe", "o brien", "siob", "o'b", "100%", "x_y"):
        with database.reading() as session:
            fts = repositories.search_patients(session, PatientQuery(text=text))
            portable = repositories.search_patients(session, PatientQuery(text=text), use_fts=False)
        assert [row.id for row in fts.rows] == [row.id for row in portable.rows], text


def test_search_by_phone_start_or_end_and_by_birth_date(database: Database) -> None:
    patients.create_patient(
        database,
        make_draft(family_name="A", phone="555-201-7788", date_of_birth=dt.date(1950, 1, 2)),
    )
    patients.create_patient(
        database,
        make_draft(family_name="B", phone="(555) 999 1234", date_of_birth=dt.date(1961, 7, 8)),
    )
    assert names(database, "555") == ["A", "B"]
    assert names(database, "7788") == ["A"]
    assert names(database, "555 999") == ["B"]
    assert names(database, "1961-07-08") == ["B"]
    assert names(database, "08.07.1961") == ["B"]
    assert names(database, "1950") == ["A"]


def test_sorting_and_paging_happen_in_the_database(database: Database) -> None:
    for number, family in enumerate(["Cole", "abbott", "Émile", "Baker", "Dunn"]):
        patients.create_patient(
            database, make_draft(family_name=family, date_of_birth=dt.date(1950 + number, 1, 1))
        )
    assert names(database) == ["abbott", "Baker", "Cole", "Dunn", "Émile"]
    assert names(database, sort=PatientSort.NAME, descending=True)[0] == "Émile"
    assert names(database, sort=PatientSort.DATE_OF_BIRTH) == [
        "Cole",
        "abbott",
        "Émile",
        "Baker",
        "Dunn",
    ]
    page = patients.search_patients(database, PatientQuery(offset=2, limit=2))
    assert [row.family_name for row in page.rows] == ["Cole", "Dunn"]
    assert page.total == 5


def test_archived_patients_leave_the_list_but_keep_their_chart(database: Database) -> None:
    kept = patients.create_patient(database, make_draft(family_name="Kept"))
    gone = patients.create_patient(database, make_draft(family_name="Archived"))
    visits.create_visit(database, gone.id, VisitDraft(NOW, "Lena Decicco, L.Ac."), now=NOW)
    archived = patients.set_archived(database, gone.id, True)
    assert archived.is_archived
    assert names(database) == ["Kept"]
    assert names(database, include_archived=True) == ["Archived", "Kept"]
    assert len(visits.list_visits(database, gone.id)) == 1
    with pytest.raises(PatientArchivedError):
        patients.update_patient(database, gone.id, make_draft(family_name="Changed"))
    with pytest.raises(PatientArchivedError):
        visits.create_visit(database, gone.id, VisitDraft(NOW, "X"), now=NOW)
    assert not patients.set_archived(database, gone.id, False).is_archived
    assert kept.id != gone.id


def test_list_rows_carry_their_own_badges_archived_mark_and_name_ties_by_id(
    database: Database,
) -> None:
    first = patients.create_patient(
        database,
        make_draft(family_name="Twin", precautions=frozenset({Precaution.BLEEDING_RISK})),
    )
    second = patients.create_patient(database, make_draft(family_name="Twin"))
    third = patients.create_patient(
        database,
        make_draft(
            family_name="Twin",
            precautions=frozenset({Precaution.PACEMAKER_OR_IMPLANT, Precaution.BLEEDING_RISK}),
        ),
    )
    patients.set_archived(database, second.id, True)

    def rows(**options: object) -> list[tuple[int, bool, frozenset[Precaution]]]:
        settings: dict[str, object] = {"include_archived": True, **options}
        query = PatientQuery(text="twin", **settings)  # type: ignore[arg-type]
        page = patients.search_patients(database, query)
        return [(row.id, row.archived, row.precautions) for row in page.rows]

    bleeding = frozenset({Precaution.BLEEDING_RISK})
    both = frozenset({Precaution.PACEMAKER_OR_IMPLANT, Precaution.BLEEDING_RISK})
    assert rows() == [
        (first.id, False, bleeding),
        (second.id, True, frozenset()),
        (third.id, False, both),
    ]
    assert [row[0] for row in rows(descending=True)] == [first.id, second.id, third.id]
    # A name search's statements are made once per order; the page is a parameter.
    assert [row[0] for row in rows(offset=1, limit=1)] == [second.id]
    assert [row[0] for row in rows(offset=2, limit=5)] == [third.id]
    assert rows(include_archived=False) == [(first.id, False, bleeding), (third.id, False, both)]


def test_only_a_patient_without_visits_can_be_deleted(database: Database) -> None:
    mistake = patients.create_patient(database, make_draft(family_name="Typo"))
    patients.delete_patient(database, mistake.id)
    with pytest.raises(RecordNotFoundError):
        patients.get_patient(database, mistake.id)

    treated = patients.create_patient(database, make_draft(family_name="Treated"))
    visits.create_visit(database, treated.id, VisitDraft(NOW, "Lena Decicco"), now=NOW)
    with pytest.raises(PatientHasVisitsError, match="Archive the patient instead"):
        patients.delete_patient(database, treated.id)
    assert patients.get_patient(database, treated.id).visit_count == 1


def test_the_database_itself_refuses_to_orphan_visits(database: Database) -> None:
    from sqlalchemy import delete
    from sqlalchemy.exc import IntegrityError

    treated = patients.create_patient(database, make_draft())
    visits.create_visit(database, treated.id, VisitDraft(NOW, "Lena Decicco"), now=NOW)
    with pytest.raises(IntegrityError), database.unit_of_work() as session:
        session.execute(delete(Patient).where(Patient.id == treated.id))


def test_visits_are_listed_newest_first_and_update_last_visit(database: Database) -> None:
    record = patients.create_patient(database, make_draft())
    times = [NOW - dt.timedelta(days=14), NOW, NOW - dt.timedelta(days=7)]
    for when in times:
        visits.create_visit(database, record.id, VisitDraft(when, "Samuel Ortiz"), now=NOW)
    listed = visits.list_visits(database, record.id)
    assert [visit.started_at for visit in listed] == sorted(times, reverse=True)
    assert all(visit.status is VisitStatus.DRAFT for visit in listed)
    assert patients.get_patient(database, record.id).last_visit_at == NOW
    assert names(database, sort=PatientSort.LAST_VISIT, descending=True) == ["Okafor"]


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (VisitDraft(NOW + dt.timedelta(days=2), "Lena"), "started_at"),
        (VisitDraft(dt.datetime(1950, 1, 1, tzinfo=dt.UTC), "Lena"), "started_at"),
        (VisitDraft(NOW, "   "), "practitioner_name"),
        (VisitDraft(NOW, "L" * 201), "practitioner_name"),
    ],
)
def test_impossible_visits_are_refused(database: Database, draft: VisitDraft, field: str) -> None:
    record = patients.create_patient(database, make_draft())
    with pytest.raises(ValidationError) as raised:
        visits.create_visit(database, record.id, draft, now=NOW)
    assert field in raised.value.errors
    assert visits.list_visits(database, record.id) == []


def test_names_that_grow_when_folded_still_save_and_sort(database: Database) -> None:
    """'ß' folds to 'ss' and some ligatures to many letters; the derived columns must fit."""
    long_name = "Weiß" * 50  # 200 characters, 250 once folded
    record = patients.create_patient(
        database, make_draft(family_name=long_name, given_names="ﷺ" * 200)
    )
    assert patients.get_patient(database, record.id).family_name == long_name
    with database.reading() as session:
        stored = session.get(Patient, record.id)
        assert stored is not None
        assert len(stored.name_sort_key) <= 420
        assert len(stored.name_search_text) <= 700
    assert names(database, "weiss") == [long_name]


def test_a_save_from_a_stale_form_is_refused_and_the_other_edit_kept(database: Database) -> None:
    from acuchart.errors import ChangedElsewhereError

    opened_here = patients.create_patient(database, make_draft())
    opened_there = patients.get_patient(database, opened_here.id)
    patients.update_patient(
        database,
        opened_there.id,
        make_draft(allergies="Penicillin: anaphylaxis"),
        read_at=opened_there.updated_at,
    )
    with pytest.raises(ChangedElsewhereError, match="another workstation"):
        patients.update_patient(
            database, opened_here.id, make_draft(notes="new note"), read_at=opened_here.updated_at
        )
    saved = patients.get_patient(database, opened_here.id)
    assert saved.allergies == "Penicillin: anaphylaxis"
    assert saved.notes == ""
    # Reopened, the form saves normally.
    patients.update_patient(
        database, saved.id, make_draft(notes="new note"), read_at=saved.updated_at
    )
