"""The audit log: every recorded action once, append-only, tamper-evident, listed and exported."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from acuchart import audit as audit_rules
from acuchart.audit import AuditAction, AuditProblem, AuditQuery, AuditSort, current_account
from acuchart.backups import make_backup, restore_backup
from acuchart.bodymap.model import BodyMap
from acuchart.bodymap.symptoms import Symptom
from acuchart.db import sqlite as sqlite_support
from acuchart.db.database import Database, open_database
from acuchart.errors import PatientArchivedError, PatientHasVisitsError
from acuchart.notes.model import NeedleCount
from acuchart.patient_search import PatientQuery
from acuchart.services import audit, body_maps, notes, patients, reports, visits
from acuchart.services.reports import Document, ReportRequest
from acuchart.validation import ValidationError
from acuchart.visits import VisitDraft
from tests.conftest import make_draft
from tests.unit.test_note_service import charted_note

NOW = dt.datetime(2026, 3, 20, 20, 0, tzinfo=dt.UTC)
Entry = tuple[str, int | None, str]


def entries(database: Database) -> list[Entry]:
    page = audit.list_audit(database, AuditQuery(sort=AuditSort.ID, descending=False, limit=10_000))
    return [(str(row.action), row.patient_id, row.object) for row in page.rows]


def raw_entries(path: Path) -> list[Entry]:
    with sqlite_support.read_only_connection(path) as connection:
        rows = connection.execute("SELECT action, patient_id, object FROM audit_log ORDER BY id")
        return [(action, patient_id, what) for action, patient_id, what in rows]


def new_visit(database: Database, patient_id: int) -> int:
    draft = VisitDraft(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1), "R. Decicco")
    return visits.create_visit(database, patient_id, draft).id


def tamper(path: Path, *statements: str) -> None:
    """What someone with the file and an SQLite shell could do: drop the triggers, then edit."""
    with sqlite3.connect(path) as raw:
        for name in sqlite_support.AUDIT_LOG_TRIGGERS:
            raw.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            raw.execute(statement)
    raw.close()


def four_entries(database: Database) -> None:
    for number in range(4):
        audit.record_now(database, AuditAction.VIEW_CHART, patient_id=number, object="chart")


# -- completeness ------------------------------------------------------------------------------


def test_every_action_is_recorded_once_with_its_patient_and_object(
    database: Database, tmp_path: Path
) -> None:
    patient = patients.create_patient(database, make_draft())
    pid = patient.id
    patients.update_patient(database, pid, make_draft(phone="555 010 2030"))
    visit_id = new_visit(database, pid)
    for _ in range(3):  # drafts and maps save as one types: only the first save is recorded
        notes.save_draft(database, visit_id, charted_note())
        body_maps.save_body_map(
            database, visit_id, BodyMap().with_mark("left_foot.plantar", "heel", Symptom.COLD, 4)
        )
    notes.sign_note(database, visit_id, "R. Decicco")
    notes.add_addendum(database, visit_id, "R. Decicco", "SP6 too.")
    request = ReportRequest(Document.VISIT_SUMMARY, pid, visit_id)
    reports.save_pdf(
        tmp_path / "summary.pdf", lambda out: reports.write_report(database, request, out)
    )
    patients.set_archived(database, pid, True)
    patients.set_archived(database, pid, False)
    mistake = patients.create_patient(database, make_draft(family_name="Entered-Twice"))
    patients.delete_patient(database, mistake.id)
    audit.record_now(database, AuditAction.VIEW_CHART, patient_id=pid, object=f"patient {pid}")

    assert entries(database) == [
        ("create", pid, f"patient {pid}"),
        ("change", pid, f"patient {pid}"),
        ("create", pid, f"visit {visit_id}"),
        ("change", pid, f"note of visit {visit_id}"),
        ("change", pid, f"body map of visit {visit_id}"),
        ("sign", pid, f"note of visit {visit_id}"),
        ("addendum", pid, f"addendum 1 of visit {visit_id}"),
        ("print", pid, f"visit summary of visit {visit_id}"),
        ("archive", pid, f"patient {pid}"),
        ("archive", pid, f"patient {pid}"),
        ("create", mistake.id, f"patient {mistake.id}"),
        ("delete", mistake.id, f"patient {mistake.id}"),
        ("view_chart", pid, f"patient {pid}"),
    ]
    page = audit.list_audit(database, AuditQuery(sort=AuditSort.ID, descending=False))
    assert {row.account for row in page.rows} == {current_account()}
    assert page.rows[1].detail == "fields: phone"
    assert page.rows[8].detail == "archived"
    assert audit.verify_audit_log(database).ok


def test_no_names_or_note_text_reach_the_log(database: Database) -> None:
    patient = patients.create_patient(database, make_draft(family_name="Zyxwvut"))
    patients.update_patient(database, patient.id, make_draft(family_name="Qwertyuiop"))
    visit_id = new_visit(database, patient.id)
    notes.save_draft(database, visit_id, charted_note())
    notes.sign_note(database, visit_id, "R. Decicco")
    notes.add_addendum(database, visit_id, "R. Decicco", "Secret addendum words")
    with sqlite_support.read_only_connection(Path(str(database.path))) as connection:
        text = " ".join(
            str(value) for row in connection.execute("SELECT * FROM audit_log") for value in row
        )
    for secret in ("Zyxwvut", "Qwertyuiop", "Okafor", "Burning soles", "Secret addendum"):
        assert secret not in text


def test_backup_and_restore_are_recorded_in_the_right_database(db_path: Path) -> None:
    database = open_database(str(db_path))
    try:
        patient = patients.create_patient(database, make_draft())
    finally:
        database.close()
    backup = make_backup(db_path, None, now=NOW).path
    assert raw_entries(db_path) == [
        ("create", patient.id, f"patient {patient.id}"),
        ("backup", None, "database"),
    ]
    assert raw_entries(backup) == [("create", patient.id, f"patient {patient.id}")]

    restore_backup(backup, db_path, now=NOW + dt.timedelta(minutes=5))
    assert raw_entries(db_path) == [
        ("create", patient.id, f"patient {patient.id}"),
        ("restore", None, "database"),
    ]
    with sqlite_support.read_only_connection(db_path) as connection:
        (detail,) = connection.execute("SELECT detail FROM audit_log WHERE id = 2").fetchone()
    assert detail == f"from {backup.name}; the replaced database was kept"
    restored = open_database(str(db_path))
    try:
        check = audit.verify_audit_log(restored)
        assert check.ok
        assert check.rows_checked == 2
    finally:
        restored.close()


# -- a failed action leaves no entry -----------------------------------------------------------


def test_failed_actions_leave_no_entry(database: Database) -> None:
    patient = patients.create_patient(database, make_draft())
    visit_id = new_visit(database, patient.id)
    before = entries(database)
    with pytest.raises(ValidationError):
        patients.create_patient(database, make_draft(family_name=""))
    unbalanced = charted_note(needles=NeedleCount(inserted=13, removed=12))
    with pytest.raises(notes.SigningRefusedError):
        notes.sign_note(database, visit_id, "R. Decicco", unbalanced)
    with pytest.raises(PatientHasVisitsError):
        patients.delete_patient(database, patient.id)
    patients.set_archived(database, patient.id, True)
    with pytest.raises(PatientArchivedError):
        patients.update_patient(database, patient.id, make_draft(phone="555 000 1111"))
    assert entries(database) == [*before, ("archive", patient.id, f"patient {patient.id}")]


def test_an_action_that_cannot_be_recorded_is_not_stored(database: Database) -> None:
    """Entry and action share one transaction: no key, no entry, and so no new patient."""
    patients.create_patient(database, make_draft())
    audit_rules.audit_key_path().write_text("not a key\n")
    with pytest.raises(audit_rules.AuditKeyError):
        patients.create_patient(database, make_draft(family_name="Unrecorded"))
    page = patients.search_patients(database, PatientQuery(text="Unrecorded"))
    assert page.total == 0


# -- append-only and tamper-evident ------------------------------------------------------------


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET detail = 'x'", "DELETE FROM audit_log WHERE id = 1"]
)
def test_the_database_refuses_changes_to_entries(
    database: Database, db_path: Path, statement: str
) -> None:
    four_entries(database)
    with (
        pytest.raises(sqlite3.IntegrityError, match=sqlite_support.AUDIT_REFUSAL),
        sqlite3.connect(db_path) as raw,
    ):
        raw.execute(statement)
    assert len(entries(database)) == 4


@pytest.mark.parametrize(
    ("statements", "row_id", "problem"),
    [
        (["UPDATE audit_log SET detail = 'nothing to see' WHERE id = 2"], 2, AuditProblem.EDITED),
        (["UPDATE audit_log SET patient_id = 9 WHERE id = 1"], 1, AuditProblem.EDITED),
        (["DELETE FROM audit_log WHERE id = 2"], 3, AuditProblem.MISSING),
        (["DELETE FROM audit_log WHERE id = 1"], 2, AuditProblem.MISSING),
        (
            [
                "UPDATE audit_log SET id = -1 WHERE id = 2",
                "UPDATE audit_log SET id = 2 WHERE id = 3",
                "UPDATE audit_log SET id = 3 WHERE id = -1",
            ],
            2,
            AuditProblem.REORDERED,
        ),
    ],
    ids=["edited", "first edited", "deleted", "first deleted", "swapped"],
)
def test_tampering_is_reported_at_the_first_affected_entry(
    database: Database, db_path: Path, statements: list[str], row_id: int, problem: AuditProblem
) -> None:
    four_entries(database)
    assert audit.verify_audit_log(database).ok
    tamper(db_path, *statements)
    check = audit.verify_audit_log(database)
    assert not check.ok
    assert (check.problem_row_id, check.problem) == (row_id, problem)
    assert str(row_id) in check.message


def test_another_key_is_reported_as_the_wrong_key(database: Database) -> None:
    four_entries(database)
    check = audit.verify_audit_log(database, key=os.urandom(32))
    assert (check.ok, check.problem) == (False, AuditProblem.WRONG_KEY)
    audit_rules.audit_key_path().write_text(os.urandom(32).hex() + "\n")
    assert audit.verify_audit_log(database).problem is AuditProblem.WRONG_KEY


def test_a_missing_key_is_reported_not_silently_replaced(database: Database) -> None:
    four_entries(database)
    audit_rules.audit_key_path().unlink()
    check = audit.verify_audit_log(database)
    assert (check.ok, check.problem) == (False, AuditProblem.NO_KEY)
    assert not audit_rules.audit_key_path().exists()


def test_the_key_is_private_and_kept(database: Database) -> None:
    key = audit_rules.audit_key()
    path = audit_rules.audit_key_path()
    assert len(key) == 32
    assert audit_rules.audit_key() == key
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert str(path.parent) not in str(database.path)  # outside the database's folder


# -- the viewer's queries ----------------------------------------------------------------------


def logged(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten entries by two accounts over ten days, for patients 1-3 and none."""
    for day in range(10):
        account = "lena" if day % 2 else "ravi"
        monkeypatch.setattr("acuchart.services.audit.current_account", lambda a=account: a)
        action = [AuditAction.VIEW_CHART, AuditAction.PRINT, AuditAction.BACKUP][day % 3]
        patient_id = None if action is AuditAction.BACKUP else day % 3 + 1
        with database.unit_of_work() as session:
            audit.record(
                session,
                action,
                patient_id=patient_id,
                object=f"object {day}",
                at=NOW + dt.timedelta(days=day),
            )


def test_list_filters_sorts_and_pages_in_the_database(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    logged(database, monkeypatch)

    def objects(**options: object) -> list[str]:
        page = audit.list_audit(database, AuditQuery(**options))  # type: ignore[arg-type]
        return [row.object.removeprefix("object ") for row in page.rows]

    assert objects() == [str(day) for day in range(9, -1, -1)]  # newest first by default
    assert objects(descending=False, limit=3) == ["0", "1", "2"]
    assert objects(descending=False, offset=8, limit=5) == ["8", "9"]
    assert objects(patient_id=1, descending=False) == ["0", "3", "6", "9"]
    assert objects(account="lena", descending=False) == ["1", "3", "5", "7", "9"]
    assert objects(action=AuditAction.BACKUP, descending=False) == ["2", "5", "8"]
    assert objects(
        since=NOW + dt.timedelta(days=2), until=NOW + dt.timedelta(days=5), descending=False
    ) == ["2", "3", "4"]
    assert objects(account="ravi", action=AuditAction.VIEW_CHART) == ["6", "0"]
    assert objects(sort=AuditSort.ACCOUNT, descending=False, limit=6) == [
        "1",
        "3",
        "5",
        "7",
        "9",
        "0",
    ]
    assert objects(sort=AuditSort.PATIENT, descending=True)[-3:] == ["8", "5", "2"]  # none last
    page = audit.list_audit(database, AuditQuery(account="lena", limit=2))
    assert (len(page.rows), page.total) == (2, 5)


def test_csv_export_has_a_header_and_every_matching_entry(
    database: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    logged(database, monkeypatch)
    target = tmp_path / "audit.csv"
    query = AuditQuery(account="lena", descending=False, limit=2)  # the export takes every page
    assert audit.export_audit_csv(database, query, target) == 5
    with target.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == list(audit.CSV_HEADER)
    assert [row[5] for row in rows[1:]] == [f"object {day}" for day in (1, 3, 5, 7, 9)]
    assert rows[1][1] == (NOW + dt.timedelta(days=1)).isoformat()
    assert rows[1][2:5] == ["lena", "print", "2"]
    newest = audit.list_audit(
        database, dataclasses.replace(query, account=None, descending=True, limit=1)
    )
    assert (newest.rows[0].action, newest.rows[0].object) == (AuditAction.EXPORT, "audit log")
    assert audit.verify_audit_log(database).ok


# -- acuchart check ------------------------------------------------------------------------------


def run_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "acuchart", "check", "--database", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_shows_the_chain_and_fails_once_it_is_broken(db_path: Path) -> None:
    database = open_database(str(db_path))
    try:
        four_entries(database)
    finally:
        database.close()
    intact = run_check(db_path)
    assert intact.returncode == 0, intact.stderr
    assert "Audit log: 4 entries, chain intact" in intact.stdout
    tamper(db_path, "DELETE FROM audit_log WHERE id = 3")
    broken = run_check(db_path)
    assert broken.returncode == 1
    assert "Audit log: chain broken: the entry written before entry 4 is missing" in (broken.stderr)
    assert "Integrity: ok" in broken.stdout


def test_clinic_settings_and_handout_edits_are_audited(database: Database) -> None:
    from acuchart.clinic import ClinicProfile
    from acuchart.reports.handout_text import Handout
    from acuchart.services import reports
    from acuchart.services.clinic import save_clinic_profile, set_setting

    def changes() -> list[tuple[str, str]]:
        page = audit.list_audit(database, AuditQuery(action=AuditAction.SETTING_CHANGE))
        return sorted((row.object, row.detail) for row in page.rows)

    save_clinic_profile(database, ClinicProfile(name="Decicco Acupuncture", phone="555 0142"))
    save_clinic_profile(database, ClinicProfile(name="Decicco Acupuncture", phone="555 0142"))
    set_setting(database, "monofilament_set", "iwgdf_three")
    reports.save_handout_template(database, Handout.AFTERCARE, "# After\\n\\nRest well.")
    reports.save_handout_template(database, Handout.AFTERCARE, "")
    assert changes() == [
        ("clinic details", "changed: name, address, phone, email, practitioners, paper, logo_png"),
        ("handout aftercare", "default restored"),
        ("handout aftercare", "edited"),
        ("setting monofilament_set", ""),
    ]
    assert audit.verify_audit_log(database).ok


def test_every_kind_of_action_reaches_the_log(db_path: Path, tmp_path: Path) -> None:
    """One chart's life touching every action the log knows; lock is the window's own
    (tests/gui/test_lock.py checks its entry)."""
    from acuchart.keystore import Argon2Parameters, WrongPasswordError
    from acuchart.services import accounts
    from acuchart.services.clinic import set_setting

    fast = Argon2Parameters(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)
    database = open_database(str(db_path))
    try:
        owner = accounts.create_owner(database, "lena", "Lena D", "river stones calm", argon2=fast)
        accounts.authenticate(database, "lena", "river stones calm")
        with pytest.raises(WrongPasswordError):
            accounts.authenticate(database, "lena", "not the password")
        accounts.add_account(database, owner, "sam", "Sam O", "mountain tea quiet", argon2=fast)
        patient = patients.create_patient(database, make_draft())
        patients.update_patient(database, patient.id, make_draft(phone="555 010 2030"))
        visit_id = new_visit(database, patient.id)
        notes.save_draft(
            database, visit_id, dataclasses.replace(charted_note(), needles=NeedleCount(2, 2))
        )
        notes.sign_note(database, visit_id, "Lena D")
        notes.add_addendum(database, visit_id, "Lena D", "Checked again.")
        request = ReportRequest(Document.WHOLE_CHART, patient.id)
        reports.save_pdf(
            tmp_path / "printed.pdf", lambda out: reports.write_report(database, request, out)
        )
        reports.save_pdf(
            tmp_path / "sent.pdf",
            lambda out: reports.write_report(database, request, out, action=AuditAction.EXPORT),
        )
        patients.set_archived(database, patient.id, True)
        spare = patients.create_patient(database, make_draft(family_name="Spare"))
        patients.delete_patient(database, spare.id)
        set_setting(database, "monofilament_set", "ten_sites")
        audit.record_now(database, AuditAction.VIEW_CHART, patient_id=patient.id)
    finally:
        database.close()

    def actions() -> set[AuditAction]:
        chart = open_database(str(db_path))
        try:
            assert audit.verify_audit_log(chart).ok
            return {row.action for row in audit.list_audit(chart, AuditQuery(limit=1000)).rows}
        finally:
            chart.close()

    backup = make_backup(db_path, now=dt.datetime.now(dt.UTC))
    seen = actions()
    # The restored chart is the chart as backed up (so without the backup's own entry)
    # plus the restore.
    restore_backup(backup.path, db_path, now=dt.datetime.now(dt.UTC))
    seen |= actions()
    assert seen == set(AuditAction) - {AuditAction.LOCK}


def test_an_encrypted_charts_log_is_keyed_by_the_chart_not_the_computer(tmp_path: Path) -> None:
    import os as os_module

    from acuchart import keystore

    path = tmp_path / "secret.db"
    data_key, _ = keystore.create_keystore(path, "lena", "river stones calm")
    chart = open_database(str(path), key=data_key)
    try:
        patients.create_patient(chart, make_draft())
        assert not audit_rules.audit_key_path().exists()  # no per-computer key was needed
        assert audit.verify_audit_log(chart).ok
        other = audit.verify_audit_log(chart, key=audit_rules.audit_key(os_module.urandom(32)))
        assert not other.ok
        assert other.problem is AuditProblem.WRONG_KEY
    finally:
        chart.close()
