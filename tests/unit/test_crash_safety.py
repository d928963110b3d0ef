"""Crash safety: a process saving notes is killed (SIGKILL) at random moments, again and again.

After every kill the file must pass SQLite's full integrity check, every note the
child reported as committed must be there whole (with the scores derived from it),
any other note must be one of the two versions the child wrote (never a torn one),
and the app must open the file again. The writer is ``tests/unit/crash_writer.py``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import select
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from acuchart.db.database import Database, open_database
from acuchart.db.models import Visit
from acuchart.db.sqlite import integrity_problems
from acuchart.notes.model import from_dict
from acuchart.services import patients
from acuchart.services.audit import verify_audit_log
from acuchart.services.notes import derive_scores
from acuchart.visits import VisitStatus
from tests.conftest import make_draft
from tests.unit.crash_writer import EXHAUSTED, crash_note

KILLS = 25
SEED = 20_250_611
KILL_DELAY_S = (0.05, 0.4)  # after the child's first committed note
START_TIMEOUT_S = 30.0
POOL_MARGIN = 800  # unused visits kept ready for the next child
REPOSITORY = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    os.name != "posix", reason="needs SIGKILL and fsync semantics of a POSIX system"
)


def add_visits(database: Database, patient_id: int, count: int) -> list[int]:
    """Draft visits for the child to write notes into, made in one transaction."""
    started = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)
    with database.unit_of_work() as session:
        visits = [
            Visit(
                patient_id=patient_id,
                started_at=started + dt.timedelta(minutes=index),
                practitioner_name="Lena Decicco",
                status=VisitStatus.DRAFT,
            )
            for index in range(count)
        ]
        session.add_all(visits)
        session.flush()
        return [visit.id for visit in visits]


def run_and_kill(
    path: Path, ids_file: Path, stderr_file: Path, delay: float
) -> tuple[list[int], bool]:
    """Start a writer, let it commit for ``delay`` seconds, SIGKILL it.

    Returns the visit ids it reported as committed (whole lines only) and whether it
    ran out of visits.
    """
    with (
        stderr_file.open("ab") as stderr,
        subprocess.Popen(
            [sys.executable, "-m", "tests.unit.crash_writer", str(path), str(ids_file)],
            cwd=REPOSITORY,
            stdout=subprocess.PIPE,
            stderr=stderr,
        ) as child,
    ):
        assert child.stdout is not None
        ready, _, _ = select.select([child.stdout], [], [], START_TIMEOUT_S)
        first = child.stdout.readline() if ready else b""
        if not first.endswith(b"\n"):
            child.kill()
            child.wait()
            pytest.fail(
                "the writer never reported a committed note:\n"
                + stderr_file.read_text(errors="replace")[-3000:]
            )
        time.sleep(delay)
        still_running = child.poll() is None
        child.kill()
        child.wait()
        rest = child.stdout.read()
    output = first + rest
    lines = output.split(b"\n")[:-1]  # a line cut short by the kill was not reported
    exhausted = EXHAUSTED.encode() in lines
    if not still_running and not exhausted:
        pytest.fail(
            "the writer stopped before it was killed:\n"
            + stderr_file.read_text(errors="replace")[-3000:]
        )
    return [int(line) for line in lines if line != EXHAUSTED.encode()], exhausted


def check_file(path: Path, reported: set[int]) -> int:
    """The file after a crash: sound, every reported note whole, no note torn.

    Returns the highest visit id that holds a note (the child may have committed one
    it had no time to report).
    """
    with contextlib.closing(sqlite3.connect(path)) as connection:
        assert integrity_problems(connection) == []
        notes = dict(connection.execute("SELECT visit_id, content FROM visit_notes"))
        scores: dict[int, dict[str, float]] = {}
        for visit_id, name, value in connection.execute(
            "SELECT visit_id, name, value FROM visit_scores"
        ):
            scores.setdefault(visit_id, {})[name] = value
    missing = sorted(reported - notes.keys())
    assert not missing, f"committed notes lost: {missing[:20]}"
    for visit_id, content in notes.items():
        stored = from_dict(json.loads(content))
        final = crash_note(visit_id, final=True)
        if visit_id in reported:
            assert stored == final, f"note {visit_id} is not the one committed"
        else:
            assert stored in (crash_note(visit_id, final=False), final), f"note {visit_id} torn"
        assert scores.get(visit_id) == derive_scores(stored), f"scores of {visit_id} differ"
    return max(notes, default=0)


def test_notes_survive_being_killed_mid_write(tmp_path: Path) -> None:
    path = tmp_path / "chart.db"
    with contextlib.closing(open_database(str(path))) as database:
        patient_id = patients.create_patient(database, make_draft()).id
        pool = add_visits(database, patient_id, 2 * POOL_MARGIN)
    rng = random.Random(SEED)
    reported: set[int] = set()
    last_written = 0
    for kill in range(KILLS):
        unused = [visit_id for visit_id in pool if visit_id > last_written]
        if len(unused) < POOL_MARGIN:
            with contextlib.closing(open_database(str(path))) as database:
                pool += add_visits(database, patient_id, POOL_MARGIN)
            unused = [visit_id for visit_id in pool if visit_id > last_written]
        ids_file = tmp_path / "visit_ids.json"
        ids_file.write_text(json.dumps(unused), encoding="utf-8")

        committed, exhausted = run_and_kill(
            path, ids_file, tmp_path / "writer.stderr", rng.uniform(*KILL_DELAY_S)
        )
        assert not exhausted, "the writer used every prepared visit: raise POOL_MARGIN"
        reported.update(committed)

        last_written = check_file(path, reported)
        assert last_written >= max(reported, default=0), f"after kill {kill + 1}"
        open_database(str(path)).close()

    assert len(reported) >= KILLS  # every child committed at least one note before its kill
    with contextlib.closing(open_database(str(path))) as database:
        assert verify_audit_log(database).ok
