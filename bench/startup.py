"""Cold starts and memory: AcuChart on the big database against a bare Qt window.

Each run is a new process. AcuChart's startup probe (``ACUCHART_STARTUP_PROBE``)
and the floor scripts write the wall-clock time of the first paint and of the
patient list being ready, with peak memory; a start is timed from just before the
process is spawned. Bytecode is written (a warm-up run first), as an installed
AcuChart has it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Figure

MB = 1024 * 1024


@dataclass(frozen=True)
class Start:
    painted_ms: float | None
    ready_ms: float | None
    peak_mb: float


def run_once(command: list[str], config_home: Path) -> Start:
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe.jsonl"
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env |= {
            "ACUCHART_STARTUP_PROBE": str(probe),
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": str(config_home),
            "XDG_DATA_HOME": str(config_home / "data"),
        }
        started = time.time()
        subprocess.run(command, env=env, check=True, timeout=120, capture_output=True)
        moments = {}
        for line in probe.read_text(encoding="utf-8").splitlines():
            moment = json.loads(line)
            moments[moment["moment"]] = moment
    painted, ready = moments.get("painted"), moments.get("ready")
    return Start(
        painted_ms=(painted["time"] - started) * 1000 if painted else None,
        ready_ms=(ready["time"] - started) * 1000 if ready else None,
        peak_mb=max(m["peak_memory"] for m in moments.values()) / MB,  # settled, if any
    )


def today_backup_in_place(database: Path) -> None:
    """Mark today's backup as made (a hard link to the unchanged file), so a start does not
    spend its first seconds copying gigabytes: every measured start is a later start of
    the day, as most are."""
    from acuchart.backups import backup_name, default_backup_folder

    folder = default_backup_folder(database)
    folder.mkdir(exist_ok=True)
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=1, microsecond=0)
    link = folder / backup_name(today)
    if not link.exists():
        for old in folder.glob("acuchart-*.db"):
            old.unlink()
        os.link(database, link)


def measure_starts(database: Path, runs: int) -> list[Figure]:
    today_backup_in_place(database)
    python = sys.executable
    app = [python, "-m", "acuchart", "--database", str(database)]
    bare = [python, "-m", "bench.floors.bare_window"]
    with_orm = [python, "-m", "bench.floors.bare_window", "--orm", str(database)]
    samples: dict[str, list[Start]] = {"app": [], "bare": [], "orm": []}
    with tempfile.TemporaryDirectory() as config:
        home = Path(config)
        for command in (app, bare, with_orm):  # warm-up: bytecode written, files cached
            run_once(command, home)
        for _ in range(runs):
            samples["app"].append(run_once(app, home))
            samples["bare"].append(run_once(bare, home))
            samples["orm"].append(run_once(with_orm, home))

    def median(name: str, field: str) -> float:
        values: list[float] = [getattr(start, field) for start in samples[name]]
        return statistics.median(v for v in values if v is not None)

    return [
        Figure(
            "cold start → first painted window",
            median("app", "painted_ms"),
            median("bare", "painted_ms"),
            1.5,
            floor_name="bare PySide6 window",
        ),
        Figure(
            "cold start → patient list ready to search",
            median("app", "ready_ms"),
            median("orm", "ready_ms"),
            1.3,
            floor_name="bare window + SQLAlchemy ORM + one query",
        ),
        Figure(
            "peak memory, big database open",
            median("app", "peak_mb"),
            median("bare", "peak_mb"),
            80,
            kind="mb_over",
            unit="MB",
            floor_name="bare PySide6 window",
        ),
    ]
