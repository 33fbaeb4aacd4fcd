"""How long an experiment will take, printed before long work (``accord montecarlo``, ``sweep``, ``tournament``).

A pilot computes a few rows of each part of the plan (each variant of a Monte Carlo, evenly spaced slices of
a sweep or tournament) in this process, times them, and scales: the estimate is the sum over parts of
(seconds per row of the pilot) x (rows of the part), over the workers. The pilot's rows are computed again
by the run itself (they are a small share: at most :data:`PILOT_ROWS` per part). Variants can differ
several-fold (Hanoi's ``no_working_level`` values every outcome of the summit by its exact implementation,
where the base values the few the working level left open), so each is measured on its own.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

#: Rows the pilot computes per part (a variant, or a slice of a sweep or tournament).
PILOT_ROWS = 16
#: Plans with fewer rows than this are not estimated (they take seconds).
MIN_ROWS = 2000
#: Most parts a sweep or tournament is sampled at.
MAX_PARTS = 6


@dataclass(frozen=True)
class Estimate:
    seconds: float  # wall-clock seconds for the whole plan on ``workers`` workers
    workers: int
    per_row: dict[str, float]  # part -> CPU seconds per row in the pilot
    pilot_rows: int

    def line(self) -> str:
        ms = {k: v * 1000 for k, v in self.per_row.items()}
        if all(k.startswith("rows ") for k in ms):  # slices of a sweep or tournament: the range
            parts = f"{min(ms.values()):.1f} to {max(ms.values()):.1f} ms in {len(ms)} slices"
        else:  # the variants of a Monte Carlo, each its own
            parts = ", ".join(f"{k} {v:.1f} ms" for k, v in ms.items())
        return (
            f"estimate: about {_duration(self.seconds)} on {self.workers} worker(s) (pilot of {self.pilot_rows} "
            f"run(s) per part, per run: {parts}); Ctrl-C keeps finished chunks (continue with --resume)"
        )


def _duration(s: float) -> str:
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


def _parts(plan: Any) -> list[tuple[str, int, int]]:
    """(label, first row, rows represented) of each part of the plan's first table."""
    table, rows = plan.tables[0]
    if plan.kind == "montecarlo":
        runs = int(plan.spec["runs"])
        return [(v, k * runs, runs) for k, v in enumerate(plan.spec["variants"])]
    n = max(1, min(MAX_PARTS, rows // PILOT_ROWS))
    step = rows // n
    sizes = [step if k < n - 1 else rows - k * step for k in range(n)]
    return [(f"rows {k * step}-{k * step + m - 1}", k * step, m) for k, m in enumerate(sizes)]


def estimate(
    plan: Any, workers: int | None, clock: Callable[[], float] = time.perf_counter
) -> Estimate | None:
    """The pilot's estimate for ``plan`` (None for a plan under :data:`MIN_ROWS` rows)."""
    from accord.experiments.worker import run_chunk

    table, rows = plan.tables[0]
    if rows < MIN_ROWS:
        return None
    task = plan.task(table, 0)
    task = replace(task, sources=dict(enumerate(plan.sources)))  # every part's sources, not chunk 0's only
    per_row: dict[str, float] = {}
    total = 0.0
    k = min(PILOT_ROWS, plan.chunk_size)
    for label, lo, size in _parts(plan):
        n = min(k, size)
        jobs = tuple(plan.jobs(table, lo, lo + n))
        run_chunk(replace(task, jobs=jobs[:1]))  # warm: compiled scenarios and caches, as a worker has them
        t0 = clock()
        run_chunk(replace(task, jobs=jobs))
        sec = max(clock() - t0, 0.0) / n
        per_row[label] = sec
        total += sec * size
    w = max(1, min(int(workers or os.cpu_count() or 1), len(plan.chunks(table))))
    return Estimate(total / w, w, per_row, k)
