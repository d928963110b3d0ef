"""Start-up work spared: Qt for Python's source scan of Qt-free modules, and the ORM's
mapper set-up before the patient list is on screen."""

from __future__ import annotations

import importlib.util
import linecache
import subprocess
import sys
from pathlib import Path

import pytest

import acuchart
from acuchart.db.database import Database
from acuchart.services import patients
from acuchart.ui.feature_scan import (
    QT_FREE_PACKAGES,
    is_qt_free,
    skip_scan_of_qt_free_modules,
)
from tests.conftest import make_draft

PACKAGE = Path(acuchart.__file__).parent


def sources_of(package: str) -> list[Path]:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return []
    origin = Path(spec.origin)
    if spec.submodule_search_locations is None:  # a single-file module
        return [origin]
    return sorted(origin.parent.rglob("*.py"))


def test_the_skipped_modules_are_those_pyside_would_find_qt_free() -> None:
    """PySide answers "uses PySide" when a module's text says PySide6: for every module
    skipped, the answer is known to be no. The domain layer is Qt-free by rule."""
    domain = [
        path for path in PACKAGE.rglob("*.py") if "ui" not in path.relative_to(PACKAGE).parts[:1]
    ]
    assert len(domain) > 50
    for path in domain:
        name = ".".join(("acuchart", *path.relative_to(PACKAGE).with_suffix("").parts))
        assert is_qt_free(name.removesuffix(".__init__")), name
        assert "PySide6" not in path.read_text(encoding="utf-8"), path
    for package in QT_FREE_PACKAGES:
        for path in sources_of(package):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "PySide6" not in text, path
    assert not is_qt_free("acuchart.ui")
    assert not is_qt_free("acuchart.ui.main_window")
    assert not is_qt_free("PySide6.QtCore")
    assert not is_qt_free("acuchart_plugin")


def test_qt_free_modules_are_answered_without_reading_them() -> None:
    pytest.importorskip("PySide6.QtCore")
    import sqlalchemy.sql.compiler

    import acuchart.ui.app

    assert skip_scan_of_qt_free_modules()
    assert skip_scan_of_qt_free_modules()  # once is enough; twice changes nothing
    feature = sys.modules["PySide6.support.feature"]
    uses_pyside = feature._mod_uses_pyside
    linecache.clearcache()
    assert uses_pyside(sqlalchemy.sql.compiler) is False
    assert sqlalchemy.sql.compiler.__file__ not in linecache.cache  # not read
    assert uses_pyside(acuchart.ui.app) is True  # asked of PySide, which reads it


def test_the_first_patient_list_sets_up_no_mappers(db_path: Path, database: Database) -> None:
    patients.create_patient(database, make_draft())
    database.close()
    script = (
        "import sys\n"
        "from acuchart.db.database import open_database\n"
        "from acuchart.db.models import Patient\n"
        "from acuchart.patient_search import PatientQuery\n"
        "from acuchart.services.clinic import CLINIC_NAME, get_setting\n"
        "from acuchart.services.patients import search_patients\n"
        "database = open_database(sys.argv[1])\n"
        "get_setting(database, CLINIC_NAME)\n"
        "page = search_patients(database, PatientQuery(text='oka'))\n"
        "print(page.total, page.rows[0].family_name, Patient.__mapper__.configured)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script, str(db_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert shown.stdout.split() == ["1", "Okafor", "False"]
