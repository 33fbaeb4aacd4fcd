"""Per-run cost of the point metrics of a Monte Carlo: per-run analyze + _point_metrics vs point_metrics_many.

Draws R runs of the Hanoi scenario exactly as ``accord montecarlo`` does (``worker.prepare``: each run's
uncertain numbers from its seed), stacks their utilities, and times both paths on the same data (best of
a few repeats). Half the runs reach a random feasible outcome (an agreement), half their reservations.

    .venv/bin/python benchmarks/point_metrics_bench.py [--runs 512] [--repeats 5] [--scenario PATH]

``--scenario scenarios/six-party-2007.yaml`` times the three-party path (that scenario draws nothing, so
every run has the same arrays; the old path is still timed with one ``analyze`` per run).
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np

from accord.analysis.solutions import analyze
from accord.experiments import worker
from accord.experiments.metrics import _point_metrics, point_metrics_many
from accord.experiments.runner import Job, source_from

ROOT = Path(__file__).resolve().parents[1]


def drawn_stack(path: Path, runs: int) -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
    src = source_from(path)
    comps = [worker.prepare(src, Job(run=s, source=0, seed=s))[0].compiled for s in range(runs)]
    U = np.stack([c.utilities for c in comps])
    A = np.stack([c.acceptable for c in comps])
    r = np.stack([c.reservations for c in comps])
    return comps, U, A, r


def points_of(U: np.ndarray, A: np.ndarray, r: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    R = U.shape[0]
    agreed = rng.random(R) < 0.5
    feas = A.all(axis=1)
    pts = r.copy()
    for k in np.flatnonzero(agreed):
        j = rng.choice(np.flatnonzero(feas[k]))
        pts[k] = U[k, :, j]
    return pts, agreed


def best_of(fn, repeats: int) -> float:
    t = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        t.append(time.perf_counter() - t0)
    return min(t)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=512)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "hanoi-2019.yaml")
    args = ap.parse_args()
    R = args.runs
    comps, U, A, r = drawn_stack(args.scenario, R)
    pts, agreed = points_of(U, A, r, 0)

    def old() -> list:
        return [_point_metrics(c, analyze(c), pts[k], r[k], bool(agreed[k])) for k, c in enumerate(comps)]

    def new() -> list:
        return point_metrics_many(U, A, r, pts, agreed)

    assert old() == new()  # (test_batch.py checks the bits; == here is a sanity check)
    t_old = best_of(old, max(1, args.repeats // 2))
    t_new = best_of(new, args.repeats)
    print(f"machine: {platform.processor() or platform.machine()}, numpy {np.__version__}")
    print(f"{args.scenario.name}: R={R} runs, P={U.shape[1]}, n={U.shape[2]}")
    print(f"old (analyze + _point_metrics per run): {t_old / R * 1e6:8.1f} us/run  ({t_old * 1e3:.1f} ms)")
    print(f"new (point_metrics_many):               {t_new / R * 1e6:8.1f} us/run  ({t_new * 1e3:.1f} ms)")
    print(f"speed-up: {t_old / t_new:.1f}x")


if __name__ == "__main__":
    main()
