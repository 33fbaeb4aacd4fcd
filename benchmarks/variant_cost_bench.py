"""What one Monte Carlo run of each Hanoi variant costs (the figure accord's pre-run estimate scales).

    PYTHONPATH=src python benchmarks/variant_cost_bench.py [--runs 64] [--repeat 3] [--scenario PATH]

Each variant's first ``--runs`` jobs of ``accord montecarlo --variant all`` are computed as one chunk by the
worker (``accord.experiments.worker.run_chunk``, the lockstep path), in this process, after a warm-up chunk
of one run; figures are the best of ``--repeat``, wall-clock ms per run, with the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from dataclasses import replace
from pathlib import Path

from accord.experiments.params import variants_of
from accord.experiments.plans import plan_montecarlo
from accord.experiments.worker import run_chunk
from accord.io.talks import read

HANOI = Path(__file__).resolve().parents[1] / "scenarios" / "hanoi-2019.yaml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scenario", type=Path, default=HANOI)
    a = ap.parse_args()
    variants = variants_of(read(a.scenario)[0])  # base first
    plan = plan_montecarlo(a.scenario, a.runs, variants=variants, chunk_size=a.runs)
    task = plan.task("results", 0)
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}; {a.runs} runs per variant, best of {a.repeat}")
    print("| variant | ms per run | runs/s (one core) |")
    print("|---|---:|---:|")
    for k, v in enumerate(variants):
        jobs = tuple(plan.jobs("results", k * a.runs, (k + 1) * a.runs))
        run_chunk(replace(task, jobs=jobs[:1]))
        best = float("inf")
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            run_chunk(replace(task, jobs=jobs))
            best = min(best, time.perf_counter() - t0)
        print(f"| {v} | {best / a.runs * 1000:.2f} | {a.runs / best:,.0f} |")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
