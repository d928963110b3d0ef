"""The `acuchart` command as a user runs it: real processes, real files, exit codes."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from acuchart.db.database import open_database
from acuchart.db.migrate import head_revision
from acuchart.services.demo import DEMO_CLINIC_NAME
from acuchart.ui.qt_platform import platform_problem


def acuchart(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "acuchart", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_demo_fills_once_and_check_passes(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    first = acuchart("demo", "--no-gui", "--database", str(path))
    assert first.returncode == 0, first.stderr
    assert "60 patients" in first.stdout
    again = acuchart("demo", "--no-gui", "--database", str(path))
    assert "nothing added" in again.stdout
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT count(*) FROM patients").fetchone() == (60,)
        assert raw.execute("SELECT count(*) FROM visits").fetchone()[0] > 100
        assert raw.execute(
            "SELECT value FROM clinic_settings WHERE key='clinic_name'"
        ).fetchone() == (DEMO_CLINIC_NAME,)
    checked = acuchart("check", "--database", str(path))
    assert checked.returncode == 0, checked.stderr
    assert "Integrity: ok" in checked.stdout
    assert f"Schema version: {head_revision()} (current)" in checked.stdout


def test_the_environment_variable_chooses_the_database(tmp_path: Path) -> None:
    path = tmp_path / "from-env.db"
    result = acuchart("demo", "--no-gui", env={"ACUCHART_DATABASE_URL": f"sqlite:///{path}"})
    assert result.returncode == 0, result.stderr
    assert path.exists()


def test_check_reports_a_damaged_file_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "chart.db"
    database = open_database(str(path))
    database.close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA journal_mode=DELETE")
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 2 + 200] = b"\xff" * 200
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    result = acuchart("check", "--database", str(path))
    assert result.returncode != 0
    assert str(path) in result.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize("kind", ["folder", "empty", "text"])
def test_bad_database_paths_exit_non_zero_with_the_file_named(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "bad.db"
    if kind == "folder":
        path.mkdir()
    elif kind == "empty":
        path.touch()
    else:
        path.write_text("not a database")
    for command in (["check"], ["demo", "--no-gui"]):
        result = acuchart(*command, "--database", str(path))
        assert result.returncode == 2
        assert str(path) in result.stderr
        assert "Traceback" not in result.stderr
    if kind == "text":
        assert path.read_text() == "not a database"


def test_check_on_a_database_not_yet_set_up_says_so(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 1")  # a valid SQLite file with no tables yet
    result = acuchart("check", "--database", str(path))
    assert result.returncode == 1
    assert "Start AcuChart once to upgrade it" in result.stderr


def test_screenshot_renders_the_main_window_with_a_chart(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    assert acuchart("demo", "--no-gui", "--database", str(database)).returncode == 0
    picture = tmp_path / "shot.png"
    result = acuchart(
        "screenshot",
        str(picture),
        "--database",
        str(database),
        env={"QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(picture))
    assert (image.width(), image.height()) == (1360, 820)
    offscreen = {"QT_QPA_PLATFORM": "offscreen"}
    scores = tmp_path / "scores.png"
    shown = acuchart(
        "screenshot", str(scores), "--tab", "scores", "--database", str(database), env=offscreen
    )
    assert shown.returncode == 0, shown.stderr
    assert QImage(str(scores)) != image
    missing = acuchart(
        "screenshot", str(scores), "--tab", "Billing", "--database", str(database), env=offscreen
    )
    assert missing.returncode == 2
    assert "No chart tab is called 'Billing'" in missing.stderr


def test_window_modules_import_without_the_database_or_pdf_layers() -> None:
    """The window appears before SQLAlchemy (slow to import) and ReportLab are loaded."""
    probe = (
        "import sys; import acuchart.cli, acuchart.ui.app, acuchart.ui.main_window; "
        "heavy = [m for m in ('sqlalchemy', 'reportlab', 'alembic') if m in sys.modules]; "
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


START_AND_REPORT = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from acuchart.ui.main_window import MainWindow
from acuchart.ui.settings import UiSettings
app = QApplication([])
window = MainWindow(UiSettings.at(Path(sys.argv[2])))
window.show()
window.start(sys.argv[1])
def report():
    if window.list_panel is None:
        QTimer.singleShot(20, report)
        return
    print(window.list_panel.isVisible(), "acuchart.ui.login" in sys.modules)
    app.quit()
QTimer.singleShot(20, report)
app.exec()
"""


def test_a_chart_without_accounts_opens_without_loading_the_sign_in_dialogs(
    tmp_path: Path,
) -> None:
    """The sign-in and set-up dialogs are a large module: a chart nobody signs in to (the
    demo, a single practitioner's) starts its worker and shows its list without them."""
    chart = tmp_path / "clinic.db"
    open_database(str(chart)).close()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-c", START_AND_REPORT, str(chart), str(tmp_path / "ui.ini")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]


def test_no_display_gives_a_plain_message_instead_of_a_qt_abort() -> None:
    message = platform_problem({})
    assert message is not None
    assert "xvfb-run" in message


def test_missing_desktop_libraries_are_named_with_the_install_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ctypes

    real_cdll = ctypes.CDLL

    def cdll(name: str, *args: object, **kwargs: object) -> object:
        if name in ("libxcb-cursor.so.0", "libxcb-icccm.so.4"):
            raise OSError(f"{name}: cannot open shared object file")
        return real_cdll(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ctypes, "CDLL", cdll)
    message = platform_problem({"DISPLAY": ":0"})
    assert message is not None
    install_line = next(line for line in message.splitlines() if "apt-get install" in line)
    assert install_line.strip().startswith("sudo apt-get install libxcb-cursor0 libxcb-icccm4")
    assert platform_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_export_map_writes_svg_and_png_of_a_visit(tmp_path: Path) -> None:
    from acuchart.bodymap.model import BodyMap
    from acuchart.bodymap.symptoms import Symptom
    from acuchart.services import body_maps, patients, visits
    from acuchart.visits import VisitDraft
    from tests.conftest import make_draft

    path = tmp_path / "chart.db"
    database = open_database(str(path))
    patient = patients.create_patient(database, make_draft())
    visit = visits.create_visit(database, patient.id, VisitDraft(dt.datetime.now(dt.UTC), "Lena"))
    body_maps.save_body_map(
        database, visit.id, BodyMap().with_mark("left_foot.plantar", "heel", Symptom.BURNING, 8)
    )
    database.close()
    svg, png = tmp_path / "map.svg", tmp_path / "map.PNG"
    for output in (svg, png):
        result = acuchart("export-map", str(visit.id), str(output), "--database", str(path))
        assert result.returncode == 0, result.stderr
        assert f"visit {visit.id}" in result.stdout
    assert "Okafor, Nkechi · body map" in svg.read_text(encoding="utf-8")
    assert 'fill="url(#hatch-burning)"' in svg.read_text(encoding="utf-8")
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert image.width() == 2000
    assert image.height() > image.width()

    unknown = acuchart("export-map", "999", str(svg), "--database", str(path))
    assert unknown.returncode == 1
    assert "no visit 999" in unknown.stderr
    wrong_kind = acuchart(
        "export-map", str(visit.id), str(tmp_path / "map.pdf"), "--database", str(path)
    )
    assert wrong_kind.returncode == 1
    assert ".svg or .png" in wrong_kind.stderr
    assert not (tmp_path / "map.pdf").exists()
    pictures = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("chart.db"))
    assert pictures == ["map.PNG", "map.svg"]  # no half-written temporary files left


def test_report_commands_write_each_document(tmp_path: Path) -> None:
    from pypdf import PdfReader

    database = tmp_path / "demo.db"
    assert acuchart("demo", "--no-gui", "--database", str(database)).returncode == 0
    with sqlite3.connect(database) as connection:
        patient_id, visit_id = connection.execute(
            "SELECT patient_id, max(id) FROM visits GROUP BY patient_id "
            "ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    runs = {
        "visit": ("visit", str(visit_id)),
        "progress": ("progress", str(patient_id), "--for", "patient"),
        "aftercare": ("handout", "aftercare", str(patient_id), "--large-print"),
        "chart": ("chart", str(patient_id)),
    }
    for name, arguments in runs.items():
        out = tmp_path / f"{name}.pdf"
        result = acuchart("report", *arguments, "--out", str(out), "--database", str(database))
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"Saved {out}"
        assert "Decicco Acupuncture" in PdfReader(out).pages[0].extract_text()
    missing = acuchart(
        "report", "chart", "99999", "--out", str(tmp_path / "x.pdf"), "--database", str(database)
    )
    assert missing.returncode == 1
    assert "There is no patient 99999" in missing.stderr
    assert not (tmp_path / "x.pdf").exists()
    wrong = acuchart("report", "handout", "horoscope", "1", "--out", str(tmp_path / "y.pdf"))
    assert wrong.returncode == 2
    assert "invalid choice" in wrong.stderr


# -- encrypted charts: passwords on the command line -------------------------------------------

CLI_OWNER, CLI_PASSWORD = "Lena Decicco", "correct horse battery"


def acuchart_without_terminal(*args: str) -> subprocess.CompletedProcess[str]:
    """Like ``acuchart`` but with no terminal to prompt on, as in a script or cron job."""
    return subprocess.run(
        [sys.executable, "-m", "acuchart", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def encrypted_chart(tmp_path: Path) -> tuple[Path, Path]:
    """(database, password file) of a chart set up with ``acuchart init``."""
    path = tmp_path / "clinic" / "chart.db"
    password_file = tmp_path / "password.txt"
    password_file.write_text(CLI_PASSWORD + "\n", encoding="utf-8")
    made = acuchart_without_terminal(
        "init",
        "--database",
        str(path),
        "--name",
        CLI_OWNER,
        "--display-name",
        "Lena Decicco, L.Ac.",
        "--password-file",
        str(password_file),
    )
    assert made.returncode == 0, made.stderr
    return path, password_file


def test_init_sets_up_the_owner_account_and_check_opens_with_the_password(
    encrypted_chart: tuple[Path, Path], tmp_path: Path
) -> None:
    from acuchart.accounts import Account, Role
    from acuchart.keystore import unlock
    from acuchart.services.accounts import list_accounts

    path, password_file = encrypted_chart
    database = open_database(str(path), key=unlock(path, CLI_OWNER, CLI_PASSWORD))
    try:
        [owner] = list_accounts(database)
    finally:
        database.close()
    assert owner == Account(owner.id, "lena decicco", "Lena Decicco, L.Ac.", Role.OWNER)

    checked = acuchart_without_terminal(
        "check", "--database", str(path), "--password-file", str(password_file)
    )
    assert checked.returncode == 0, checked.stderr
    assert "Integrity: ok" in checked.stdout
    assert "chain intact" in checked.stdout

    wrong_file = tmp_path / "wrong.txt"
    wrong_file.write_text("not the password at all\n", encoding="utf-8")
    wrong = acuchart_without_terminal(
        "check", "--database", str(path), "--password-file", str(wrong_file)
    )
    assert wrong.returncode == 1
    assert "The name or password is not right." in wrong.stderr
    assert "Traceback" not in wrong.stderr

    no_terminal = acuchart_without_terminal("check", "--database", str(path))
    assert no_terminal.returncode == 1
    assert "--password-file" in no_terminal.stderr
    assert "Traceback" not in no_terminal.stderr


def test_report_on_an_encrypted_chart_asks_for_the_password(
    encrypted_chart: tuple[Path, Path], tmp_path: Path
) -> None:
    from pypdf import PdfReader
    from sqlalchemy import select

    from acuchart.audit import AuditAction
    from acuchart.db.models import AuditEntry
    from acuchart.keystore import unlock
    from acuchart.services.patients import create_patient
    from tests.conftest import make_draft

    path, password_file = encrypted_chart
    key = unlock(path, CLI_OWNER, CLI_PASSWORD)
    database = open_database(str(path), key=key)
    try:
        patient = create_patient(database, make_draft(family_name="Okonkwo"))
    finally:
        database.close()
    out = tmp_path / "chart.pdf"
    arguments = ("report", "chart", str(patient.id), "--out", str(out), "--database", str(path))
    refused = acuchart_without_terminal(*arguments)
    assert refused.returncode == 1
    assert not out.exists()
    printed = acuchart_without_terminal(*arguments, "--password-file", str(password_file))
    assert printed.returncode == 0, printed.stderr
    assert "Okonkwo" in PdfReader(out).pages[0].extract_text()
    database = open_database(str(path), key=key)
    try:
        with database.reading() as session:
            last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    finally:
        database.close()
    assert last is not None
    assert (last.action, last.account) == (AuditAction.EXPORT, "lena decicco")


def test_backup_and_restore_of_an_encrypted_chart_with_a_password_file(
    encrypted_chart: tuple[Path, Path],
) -> None:
    from acuchart.db.sqlite import SQLITE_HEADER
    from acuchart.locations import keystore_path

    path, password_file = encrypted_chart
    made = acuchart_without_terminal(
        "backup", "--database", str(path), "--password-file", str(password_file)
    )
    assert made.returncode == 0, made.stderr
    [backup] = sorted((path.parent / "backups").glob("acuchart-*.db"))
    assert backup.read_bytes()[: len(SQLITE_HEADER)] != SQLITE_HEADER
    assert keystore_path(backup).is_file()
    restored = acuchart_without_terminal(
        "restore",
        str(backup),
        "--yes",
        "--database",
        str(path),
        "--password-file",
        str(password_file),
    )
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout


def test_the_demo_chart_says_it_is_not_encrypted(tmp_path: Path) -> None:
    result = acuchart("demo", "--no-gui", "--database", str(tmp_path / "demo.db"))
    assert result.returncode == 0, result.stderr
    assert "Demo chart, NOT encrypted: for trying AcuChart only" in result.stdout
