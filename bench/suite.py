"""The benchmark suite: every figure against its floor, one table, and results/latest.json.

``make bench`` (``python -m bench``) builds the clinic-scale database once (see
bench/generate.py), then measures. Options pick figures (``--only start,pdf``) or
fewer runs (``--runs``) for a quick look.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.measure import Figure, table

RESULTS = Path(__file__).with_name("results") / "latest.json"
PARTIAL = RESULTS.with_name("partial.json")  # a run of some groups only (ignored by git)
GROUPS = ("start", "search", "chart", "save", "notes", "draw", "pdf", "encrypted")


def machine() -> dict[str, Any]:
    import PySide6
    import sqlalchemy

    return {
        "python": platform.python_version(),
        "system": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "pyside6": PySide6.__version__,
        "sqlalchemy": sqlalchemy.__version__,
    }


def run(groups: set[str], runs: int, patients: int, visits: int) -> list[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # ReportLab reads its settings once: make them the app's before the floor imports it.
    import acuchart.reports  # noqa: F401
    from bench import generate

    path = generate.ensure(patients, visits)
    figures: list[Figure] = []

    def step(name: str, measure: Callable[[], list[Figure]]) -> None:
        if name not in groups:
            return
        started = time.perf_counter()
        print(f"… {name}", end="", flush=True)
        figures.extend(measure())
        print(f" ({time.perf_counter() - started:.0f} s)", flush=True)

    from bench import startup

    startup.today_backup_in_place(path)
    step("start", lambda: startup.measure_starts(path, runs=runs))

    from PySide6.QtWidgets import QApplication

    from acuchart.db.database import open_database
    from bench import drawing, pdfs, queries

    app = QApplication.instance() or QApplication(sys.argv)
    database = open_database(str(path))
    connection = queries.raw_connection(path)
    try:
        step("search", lambda: queries.patient_search_figures(database, connection, runs))
        step("chart", lambda: queries.chart_figures(database, connection, runs))
        step("save", lambda: queries.save_figures(database, connection, runs))
        step("notes", lambda: queries.note_search_figures(database, connection, runs))
        step(
            "draw",
            lambda: [
                drawing.click_figure(database, connection, runs),
                drawing.chart_draw_figure(database, connection, max(3, runs // 2)),
            ],
        )
        step("pdf", lambda: pdfs.pdf_figures(database, connection, max(3, runs // 2)))
        step("encrypted", lambda: encryption_step(database, path, runs))
    finally:
        connection.close()
        database.close()
    del app
    return figures


def encryption_step(database: Any, path: Path, runs: int) -> list[Figure]:
    from bench import encrypted

    return encrypted.encryption_figures(database, path, runs)


def main(argv: list[str] | None = None) -> int:
    from bench import generate

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9, help="timed runs per figure (median)")
    parser.add_argument("--only", default=",".join(GROUPS), help="comma-separated groups")
    parser.add_argument("--patients", type=int, default=generate.PATIENTS)
    parser.add_argument("--visits", type=int, default=generate.VISITS)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    groups = {group.strip() for group in args.only.split(",") if group.strip()}
    unknown = groups - set(GROUPS)
    if unknown:
        parser.error(f"unknown groups: {', '.join(sorted(unknown))} (known: {', '.join(GROUPS)})")
    output: Path = args.output or (RESULTS if groups == set(GROUPS) else PARTIAL)
    started = time.perf_counter()
    figures = run(groups, args.runs, args.patients, args.visits)
    elapsed = time.perf_counter() - started
    print()
    print(table(figures))
    failed = [figure for figure in figures if not figure.passed]
    print(
        f"\n{len(figures) - len(failed)} of {len(figures)} within target, "
        f"median of {args.runs} runs, {elapsed:.0f} s"
    )
    for figure in figures:
        if figure.note:
            print(f"  {figure.name}: {figure.note}")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": machine(),
                "data": {"patients": args.patients, "visits": args.visits},
                "runs": args.runs,
                "seconds": round(elapsed, 1),
                "figures": [figure.as_json() for figure in figures],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nWritten to {output}")
    return 0
