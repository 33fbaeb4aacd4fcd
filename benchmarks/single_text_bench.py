"""Speed of the mediated single-text protocol: B runs as one batch against the same runs one by one.

accord only (no NegMAS side yet). Usage: ``python benchmarks/single_text_bench.py [--quick]``; prints one
JSON object per case: outcomes, runs, steps, strategy, runs/s batched and runs/s alone, and the machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np

from accord.model.issues import Issue
from accord.model.preferences import Preferences
from accord.model.scenario import Party, Protocol, Scenario
from accord.model.space import OutcomeSpace
from accord.protocols.single_text import run_single_text


def scenario(k: int, values: int, steps: int, seed: int = 0) -> Scenario:
    """k integer issues 0..values-1, two parties with random linear-additive tables."""
    rng = np.random.default_rng(seed)
    space = OutcomeSpace([Issue.integer(f"i{j}", 0, values - 1) for j in range(k)])
    parties = []
    for name in ("a", "b"):
        w = rng.random(k)
        tables = tuple(rng.random(values) for _ in range(k))
        parties.append(Party(name, Preferences(space, tuple(w / w.sum()), tables)))
    return Scenario("bench", space, tuple(parties), Protocol(steps, type="single_text"))


def case(k: int, values: int, runs: int, steps: int, strategy: str, alone: int) -> dict:
    comp = scenario(k, values, steps).compile()
    t = time.perf_counter()
    run_single_text(comp, [strategy] * 2, seeds=range(runs))
    batch = runs / (time.perf_counter() - t)
    t = time.perf_counter()
    for s in range(alone):
        run_single_text(comp, [strategy] * 2, seeds=[s])
    one = alone / (time.perf_counter() - t)
    return {
        "outcomes": comp.space.size,
        "runs": runs,
        "steps": steps,
        "strategy": strategy,
        "runs_per_s_batched": round(batch),
        "runs_per_s_alone": round(one),
        "machine": f"{platform.processor() or platform.machine()} {platform.python_version()}",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    args = ap.parse_args()
    scale = 10 if args.quick else 1
    for k, values, runs, steps in [(5, 4, 10_000 // scale, 200), (6, 10, 1_000 // scale, 1_000)]:
        for strategy in ("hill_climber", "annealer"):
            print(json.dumps(case(k, values, runs, steps, strategy, alone=max(20, 200 // scale))))


if __name__ == "__main__":
    main()
