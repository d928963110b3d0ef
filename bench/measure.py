"""Timing against floors: medians of interleaved runs, figures, the table and the JSON file.

Every figure is the app's median over the floor's median measured in the same run,
app and floor runs alternating so that a noisy neighbour slows both alike.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Figure:
    """One line of the table. ``kind`` says how ``target`` reads:

    ``ratio``: app ≤ target × floor; ``ms``: app ≤ target milliseconds (no floor);
    ``mb_over``: app ≤ floor + target megabytes.
    """

    name: str
    app: float
    floor: float | None
    target: float
    kind: str = "ratio"
    unit: str = "ms"
    floor_name: str = ""
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor <= 0:
            return None
        return self.app / self.floor

    @property
    def passed(self) -> bool:
        if self.kind == "ratio":
            return self.ratio is not None and self.ratio <= self.target
        if self.kind == "ms":
            return self.app <= self.target
        if self.kind == "mb_over":
            return self.floor is not None and self.app <= self.floor + self.target
        raise ValueError(self.kind)

    @property
    def target_text(self) -> str:
        return {
            "ratio": f"≤ {self.target:g}×",
            "ms": f"≤ {self.target:g} ms",
            "mb_over": f"≤ floor + {self.target:g} MB",
        }[self.kind]

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "passed": self.passed}


def timed_ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def medians(
    app: Callable[[], object],
    floor: Callable[[], object] | None,
    runs: int,
    warmups: int = 1,
) -> tuple[float, float | None]:
    """Median milliseconds of ``app`` and ``floor``, run alternately after warm-up runs."""
    for _ in range(warmups):
        app()
        if floor is not None:
            floor()
    app_times: list[float] = []
    floor_times: list[float] = []
    gc.collect()
    for _ in range(runs):
        app_times.append(timed_ms(app))
        if floor is not None:
            floor_times.append(timed_ms(floor))
    return statistics.median(app_times), (statistics.median(floor_times) if floor else None)


def summed_medians(
    cases: Sequence[tuple[Callable[[], object], Callable[[], object]]], runs: int
) -> tuple[float, float]:
    """Several inputs to one figure: the sums of each input's app and floor medians."""
    app_total = floor_total = 0.0
    for app, floor in cases:
        app_ms, floor_ms = medians(app, floor, runs)
        app_total += app_ms
        floor_total += floor_ms or 0.0
    return app_total, floor_total


def table(figures: list[Figure]) -> str:
    header = f"{'figure':<52}{'app':>10}{'floor':>10}{'ratio':>8}  {'target':<20}{'':>4}"
    lines = [header, "-" * len(header)]
    for figure in figures:
        unit = figure.unit
        floor = f"{figure.floor:,.1f}" if figure.floor is not None else "—"
        ratio = f"{figure.ratio:.2f}×" if figure.ratio is not None else "—"
        lines.append(
            f"{figure.name:<52}{figure.app:>8,.1f}{unit:>2}{floor:>8}{unit:>2}{ratio:>8}  "
            f"{figure.target_text:<20}{'pass' if figure.passed else 'FAIL':>4}"
        )
    return "\n".join(lines)
