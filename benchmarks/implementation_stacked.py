"""The implementation engine on many Hanoi runs: one stacked call vs one call per run.

    .venv/bin/python benchmarks/implementation_stacked.py [--runs 256] [--repeat 3]

Runs are ``accord montecarlo``'s draws of scenarios/hanoi-2019.yaml (seeds 0..R-1, documents rebuilt, one
compiled implementation each). Each workload is timed as R separate calls (``cis[r]``) and as one call on a
stack of the R runs (:func:`accord.implementation.schedule.stack_implementations`, ``runs=``):

- ``expected``, 8 rows per run: the leaders' implemented valuation as the summit stage asks for it in a
  Monte Carlo run (4 open deals x 2 worlds), with the run's US belief about undeclared sites;
- ``expected``, 2592 rows per run: every outcome in every world (the valuation without a table);
- ``simulate``, 1 row per run: one implemented deal (the true world, the run's own draws).

The stacked rows are checked to equal the separate calls bit for bit (every field). Figures: best of
``--repeat`` (the repeats of each workload interleave the two ways), ms per run.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np

from accord.experiments.params import find_uncertain, sample
from accord.implementation.engine import OUTCOME_ARRAYS, draw_count, expected, simulate
from accord.implementation.schedule import stack_implementations
from accord.io.talks import talks_from_document
from accord.io.yaml_scenario import read_document
from accord.model.beliefs import world_weights
from accord.protocols.talks import compiled

HANOI = Path(__file__).resolve().parents[1] / "scenarios" / "hanoi-2019.yaml"
FIELDS = (*OUTCOME_ARRAYS, "beliefs")


def _same(stacked, alone: list, rows_per_run: int) -> None:
    for r, o in enumerate(alone):
        rows = slice(r * rows_per_run, (r + 1) * rows_per_run)
        for f in FIELDS:
            a, b = getattr(stacked, f), getattr(o, f)
            assert (a is None and b is None) or np.array_equal(a[rows], b, equal_nan=True), (r, f)


def _race(ways: dict, repeat: int) -> dict:
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(repeat):
        for name, fn in ways.items():
            t = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--runs", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    R = args.runs
    doc = read_document(HANOI)
    unc = find_uncertain(doc, str(HANOI))
    t = time.perf_counter()
    cis = [compiled(talks_from_document(sample(doc, unc, s)[0], str(HANOI))).impl for s in range(R)]
    build = time.perf_counter() - t
    ci = cis[0]
    n, W, P = ci.scenario.space.size, ci.worlds.n_worlds, ci.n_parties
    rng = np.random.default_rng(0)
    beliefs = np.ones((R, P, 1))
    beliefs[:, 0, 0] = rng.uniform(0.6, 0.95, R)  # the US belief (the DPRK knows)
    wts_run = world_weights(beliefs)  # (R, P, W)
    print(f"{platform.machine()}, numpy {np.__version__}; {R} Hanoi runs (accord montecarlo draws)")
    print(f"building the {R} compiled implementations from documents: {build * 1e3 / R:.2f} ms/run")
    st_time = _race({"stack": lambda: stack_implementations(cis)}, args.repeat)["stack"]
    print(f"stack_implementations: {st_time * 1e3 / R:.3f} ms/run")
    stacked = stack_implementations(cis)

    for label, deals in (
        (
            "expected, 8 rows per run (4 open deals x 2 worlds)",
            [rng.choice(n, 4, replace=False) for _ in range(R)],
        ),
        ("expected, 2592 rows per run (every outcome x 2 worlds)", [np.arange(n)] * R),
    ):
        ag_r = [np.tile(d, W) for d in deals]
        wd_r = np.repeat(np.arange(W), deals[0].size)
        m = wd_r.size
        w_r = [np.broadcast_to(wts_run[r][None], (m, P, W)) for r in range(R)]
        ag, wd = np.concatenate(ag_r), np.tile(wd_r, R)
        w, run = np.repeat(wts_run, m, axis=0), np.repeat(np.arange(R), m)
        _same(
            expected(stacked, ag, wd, w, runs=run),
            [expected(cis[r], ag_r[r], wd_r, w_r[r]) for r in range(R)],
            m,
        )
        best = _race(
            {
                "separate": lambda ag_r=ag_r, wd_r=wd_r, w_r=w_r: [
                    expected(cis[r], ag_r[r], wd_r, w_r[r]) for r in range(R)
                ],
                "stacked": lambda ag=ag, wd=wd, w=w, run=run: expected(stacked, ag, wd, w, runs=run),
            },
            args.repeat,
        )
        print(
            f"\n{label}\n  separate calls {best['separate'] * 1e3 / R:8.3f} ms/run\n"
            f"  one stacked    {best['stacked'] * 1e3 / R:8.3f} ms/run  (x{best['separate'] / best['stacked']:.1f})"
        )

    deals1 = rng.integers(0, n, R)
    world = np.ones(R, dtype=np.int64)  # undeclared sites exist (the scenario's truth)
    draws = rng.random((R, draw_count(ci)))

    def separate_sim() -> list:
        return [
            simulate(
                cis[r],
                deals1[r : r + 1],
                world[r : r + 1],
                wts_run[r : r + 1],
                beliefs=beliefs[r : r + 1],
                draws=draws[r : r + 1],
            )
            for r in range(R)
        ]

    def stacked_sim():
        return simulate(stacked, deals1, world, wts_run, beliefs=beliefs, draws=draws, runs=np.arange(R))

    _same(stacked_sim(), separate_sim(), 1)
    best = _race({"separate": separate_sim, "stacked": stacked_sim}, args.repeat)
    print(
        f"\nsimulate, 1 row per run\n  separate calls {best['separate'] * 1e3 / R:8.3f} ms/run\n"
        f"  one stacked    {best['stacked'] * 1e3 / R:8.3f} ms/run  (x{best['separate'] / best['stacked']:.1f})"
    )
    print("\nstacked rows identical to the separate calls (every field compared)")


if __name__ == "__main__":
    main()
