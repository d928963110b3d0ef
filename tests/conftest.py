"""Shared fixtures: a real SQLite file in a temporary folder, isolated user folders."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from acuchart.db.database import Database, open_database
from acuchart.patients import PatientDraft
from acuchart.ui.qt_platform import platform_problem

_problem = platform_problem()
if _problem:  # fail with the install line, not Qt's abort
    pytest.exit(_problem, returncode=3)


@pytest.fixture(autouse=True)
def isolated_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests never read or write the real per-user data and config folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("ACUCHART_DATABASE_URL", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "chart.db"


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    opened = open_database(str(db_path))
    yield opened
    opened.close()


def make_draft(**changes: object) -> PatientDraft:
    """A valid patient; tests change only what they are about."""
    values: dict[str, object] = {
        "family_name": "Okafor",
        "given_names": "Nkechi",
        "date_of_birth": dt.date(1956, 4, 2),
        "phone": "(555) 201-7788",
    }
    values.update(changes)
    return PatientDraft(**values)  # type: ignore[arg-type]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/gui is marked `gui`: `pytest -m "not gui"` runs the core alone."""
    gui_folder = Path(__file__).parent / "gui"
    for item in items:
        if gui_folder in item.path.parents:
            item.add_marker(pytest.mark.gui)
