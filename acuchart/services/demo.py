"""Sample patients for the demo clinic, Decicco Acupuncture: realistic, varied and fixed.

The same seed always gives the same clinic, so screenshots and demos repeat.
Every record goes through the same services as a practitioner's typing.
"""

from __future__ import annotations

import datetime as dt
import random

from acuchart.clinic import ClinicProfile
from acuchart.dates import DatePrecision, PartialDate
from acuchart.db.database import Database
from acuchart.patients import Limb, NeuropathyCause, PatientDraft, Precaution, Sex
from acuchart.services.body_maps import save_body_map
from acuchart.services.clinic import (
    DEMO_MARKER as DEMO_MARKER,
)
from acuchart.services.clinic import (
    get_setting,
    save_clinic_profile,
    set_setting,
)
from acuchart.services.clinic import (
    is_demo_chart as is_demo_chart,
)
from acuchart.services.demo_maps import demo_body_map
from acuchart.services.demo_notes import demo_note
from acuchart.services.notes import save_draft, sign_note
from acuchart.services.patients import create_patient, set_archived
from acuchart.services.visits import create_visit
from acuchart.visits import VisitDraft

DEMO_CLINIC_NAME = "Decicco Acupuncture"
PRACTITIONERS = ("Lena Decicco, L.Ac.", "Samuel Ortiz, L.Ac.")
DEMO_CLINIC = ClinicProfile(
    name=DEMO_CLINIC_NAME,
    address="214 Maple Street, Suite 3\nGreenville, SC 29601",
    phone="(864) 555-0142",
    email="care@decicco-acupuncture.example",
    practitioners="Lena Decicco, L.Ac., Dipl. Ac. (NCCAOM)\nSamuel Ortiz, L.Ac., MSOM",
)

FEMALE_NAMES = (
    "Margaret", "Linda", "Rosa", "Aiko", "Zoë", "Fatima", "Ingrid", "Priya", "Józefa",
    "Siobhán", "Mei", "Dolores", "Chloé", "Agnieszka", "Nkechi", "Brigitte", "Hana", "Ruth",
)  # fmt: skip
MALE_NAMES = (
    "Robert", "José", "Wei", "Thomas", "Hamid", "Björn", "Kenji", "Raúl", "Dmitri", "Samuel",
    "Olusegun", "François", "Arjun", "Patrick", "Łukasz", "Giovanni", "Desmond", "Tomás",
)  # fmt: skip
FAMILY_NAMES = (
    "Müller", "O'Brien", "García Márquez", "Nguyễn", "Kowalski", "Okafor", "Andersson",
    "Yamamoto", "Chen", "Rossi", "Haddad", "Dubois", "Patel", "Ivanova", "Walsh", "Schmidt",
    "Fernández", "Kim", "Novák", "Thompson", "Brennan", "Ødegaard", "Santos", "Abernathy",
    "Lefèvre", "Mahlangu", "Costa", "Weiß", "Lindqvist", "Reyes", "MacLeod", "Takahashi",
)  # fmt: skip
NICKNAMES = {
    "Margaret": "Peggy", "Robert": "Bob", "Thomas": "Tom", "Patrick": "Paddy",
    "Giovanni": "Gianni", "Dolores": "Lola", "Samuel": "Sam", "Dmitri": "Dima",
}  # fmt: skip
CHEMO_AGENTS = ("oxaliplatin", "paclitaxel", "docetaxel", "bortezomib", "vincristine", "cisplatin")
CAUSE_WEIGHTS = (
    (NeuropathyCause.DIABETES_TYPE_2, 45),
    (NeuropathyCause.CHEMOTHERAPY, 25),
    (NeuropathyCause.IDIOPATHIC, 14),
    (NeuropathyCause.DIABETES_TYPE_1, 6),
    (NeuropathyCause.ALCOHOL, 5),
    (NeuropathyCause.OTHER, 5),
)
OTHER_CAUSES = ("Vitamin B12 deficiency", "Hypothyroidism", "HIV-associated", "After shingles")
MEDICATIONS = {
    NeuropathyCause.DIABETES_TYPE_2: "Metformin 1000 mg twice daily\nGabapentin 300 mg at night",
    NeuropathyCause.DIABETES_TYPE_1: "Insulin glargine 22 units at night\nInsulin lispro, meals",
    NeuropathyCause.CHEMOTHERAPY: "Duloxetine 60 mg daily\nOndansetron as needed",
    NeuropathyCause.ALCOHOL: "Thiamine 100 mg daily\nFolic acid 5 mg daily",
    NeuropathyCause.IDIOPATHIC: "Pregabalin 75 mg twice daily",
    NeuropathyCause.OTHER: "Vitamin B12 injections monthly",
}
CONDITIONS = {
    NeuropathyCause.DIABETES_TYPE_2: "Type 2 diabetes (HbA1c 7.4%), hypertension",
    NeuropathyCause.DIABETES_TYPE_1: "Type 1 diabetes since childhood",
    NeuropathyCause.CHEMOTHERAPY: "Colorectal cancer, adjuvant chemotherapy completed",
    NeuropathyCause.ALCOHOL: "Alcohol use disorder, abstinent 14 months",
    NeuropathyCause.IDIOPATHIC: "Osteoarthritis of the knees",
    NeuropathyCause.OTHER: "Pernicious anaemia",
}
NOTES = ("", "Prefers morning appointments.", "Hard of hearing: speak clearly.", "")
STREETS = ("Maple Avenue", "Harbour Road", "Chestnut Street", "Mill Lane", "Orchard Way")


def _pick_cause(rng: random.Random) -> NeuropathyCause:
    causes = [cause for cause, _ in CAUSE_WEIGHTS]
    weights = [weight for _, weight in CAUSE_WEIGHTS]
    return rng.choices(causes, weights)[0]


def _precautions(rng: random.Random, cause: NeuropathyCause, age: int) -> frozenset[Precaution]:
    flags: set[Precaution] = set()
    if age > 65 and rng.random() < 0.35:
        flags.add(Precaution.BLEEDING_RISK)
    if cause.value.startswith("diabetes") and rng.random() < 0.3:
        flags.add(Precaution.OPEN_WOUND_OR_LOPS)
    if cause is NeuropathyCause.CHEMOTHERAPY:
        if rng.random() < 0.4:
            flags.add(Precaution.LOW_BLOOD_COUNTS)
        if rng.random() < 0.2:
            flags.add(Precaution.LYMPHOEDEMA)
    for flag, chance in (
        (Precaution.PACEMAKER_OR_IMPLANT, 0.08),
        (Precaution.FAINTING_HISTORY, 0.1),
        (Precaution.METAL_ALLERGY, 0.04),
    ):
        if rng.random() < chance:
            flags.add(flag)
    return frozenset(flags)


def demo_patient(rng: random.Random, today: dt.date) -> PatientDraft:
    sex = rng.choice((Sex.FEMALE, Sex.MALE))
    given = rng.choice(FEMALE_NAMES if sex is Sex.FEMALE else MALE_NAMES)
    family = rng.choice(FAMILY_NAMES)
    born = today - dt.timedelta(days=rng.randint(38 * 365, 86 * 365))
    age = (today - born).days // 365
    cause = _pick_cause(rng)
    onset_year = rng.randint(max(born.year + 20, today.year - 12), today.year - 1)
    feet = rng.random() < 0.92
    hands = cause is NeuropathyCause.CHEMOTHERAPY or rng.random() < 0.35
    limbs = {Limb.LEFT_FOOT, Limb.RIGHT_FOOT} if feet else set()
    if hands:
        limbs |= {Limb.LEFT_HAND, Limb.RIGHT_HAND}
    area = rng.randint(200, 989)
    return PatientDraft(
        family_name=family,
        given_names=given,
        preferred_name=NICKNAMES.get(given, "") if rng.random() < 0.5 else "",
        date_of_birth=born,
        sex=sex,
        phone=f"({area}) 555-{rng.randint(1000, 9999)}",
        email=f"{given[0].lower()}.{rng.randint(10, 99)}@example.com" if rng.random() < 0.7 else "",
        address=f"{rng.randint(2, 480)} {rng.choice(STREETS)}\nSpringfield",
        emergency_contact=f"{rng.choice(FEMALE_NAMES + MALE_NAMES)} {family} (family), "
        f"({area}) 555-{rng.randint(1000, 9999)}",
        referring_physician=rng.choice(
            (
                "Dr. Helen Park, endocrinology",
                "Dr. Ahmed Siddiqui, oncology",
                "Dr. Carla Mendes, family medicine",
                "",
            )
        ),
        neuropathy_cause=cause,
        chemotherapy_agent=rng.choice(CHEMO_AGENTS)
        if cause is NeuropathyCause.CHEMOTHERAPY
        else "",
        cause_details=rng.choice(OTHER_CAUSES) if cause is NeuropathyCause.OTHER else "",
        onset=PartialDate(dt.date(onset_year, rng.randint(1, 12), 1), DatePrecision.MONTH),
        limbs_affected=frozenset(limbs),
        conditions=CONDITIONS[cause],
        medications=MEDICATIONS[cause],
        allergies=rng.choice(("None known", "Penicillin", "Latex", "None known")),
        precautions=_precautions(rng, cause, age),
        consent_date=None
        if rng.random() < 0.08
        else today - dt.timedelta(days=rng.randint(7, 200)),
        notes=rng.choice(NOTES),
    )


def _clinic_hours(rng: random.Random, day: dt.date) -> dt.datetime:
    """A half-hour appointment slot between 9:00 and 17:00, local time."""
    local = dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice((0, 30))))
    return local.astimezone(dt.UTC)


def fill_demo_clinic(database: Database, *, patients: int = 60, seed: int = 2026) -> int:
    """Add the demo patients once; returns how many were added (0 if already there)."""
    if get_setting(database, DEMO_MARKER):
        return 0
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    today = now.date()
    save_clinic_profile(database, DEMO_CLINIC)
    for number in range(patients):
        record = create_patient(database, demo_patient(rng, today), today=today)
        visits = rng.choice((0, 1, 3, 5, 8, 10, 12)) if record.consent_date else 0
        first_day = today - dt.timedelta(days=7 * visits + rng.randint(0, 20))
        for week in range(visits):
            day = first_day + dt.timedelta(days=7 * week + rng.choice((0, 0, 3)))
            when = _clinic_hours(rng, day)
            if when > now:
                continue
            visit = create_visit(
                database,
                record.id,
                VisitDraft(started_at=when, practitioner_name=PRACTITIONERS[number % 4 == 3]),
                now=now,
            )
            # Its own generator, so the patients stay the same whatever the maps draw.
            map_rng = random.Random(seed * 1000 + number * 20 + week)
            progress = week / max(1, visits - 1)
            save_body_map(
                database,
                visit.id,
                demo_body_map(
                    map_rng, record.limbs_affected, 1 + number % 4, progress, (number % 5) / 4
                ),
            )
            note = demo_note(
                map_rng,
                record.neuropathy_cause,
                record.limbs_affected,
                week,
                progress,
                (number % 5) / 4,
            )
            if week < visits - 1:  # earlier visits signed; the latest is still being charted
                sign_note(database, visit.id, visit.practitioner_name, note)
            else:
                save_draft(database, visit.id, note)
        if number % 23 == 22:
            set_archived(database, record.id, True)
    set_setting(database, DEMO_MARKER, dt.datetime.now(dt.UTC).isoformat())
    return patients
