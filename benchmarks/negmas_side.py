"""The NegMAS 0.16 side of the benchmarks. Runs ONLY in benchmarks/.negmas-venv (NegMAS is AGPL).

accord never imports this module or NegMAS. ``run_all.py`` starts it as a worker process
(``--worker``: one JSON command per line on stdin, one JSON answer per line on stdout) so that both
libraries are timed in the same run, interleaved, under the same machine state. It also runs alone
as the whole-process frontier script of benchmark (b) (``--frontier K``), imports included.

The API calls are those of the NegMAS baseline (shared/reference/negmas-baseline.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import cache

from prefs import PartyPrefs, draw_pair, draw_pairs


def _np():
    import numpy as np

    return np


def build(k: int, a: PartyPrefs, b: PartyPrefs):
    """Issues and the two LinearAdditiveUtilityFunctions of one pair (same numbers as accord's)."""
    from negmas import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction

    issues = [make_issue(values=10, name=f"i{j}") for j in range(k)]

    def ufun(p: PartyPrefs):
        return LinearAdditiveUtilityFunction(
            values=[{v: float(p.tables[j, v]) for v in range(10)} for j in range(k)],
            weights=[float(w) for w in p.weights],
            issues=issues,
            reserved_value=float(p.reservation),
        )

    return issues, ufun(a), ufun(b)


@cache
def _pairs(k: int, n: int, seed: int):
    return draw_pairs(n, k, seed)


NEGOTIATORS = {
    "boulware": "BoulwareTBNegotiator",
    "conceder": "ConcederTBNegotiator",
    "aspiration": "AspirationNegotiator",
}


def negotiate(k: int, pair: list[str], start: int, count: int, total: int, seed: int = 0) -> dict:
    """Negotiations ``start .. start+count-1`` of the ``total`` drawn from ``default_rng(seed)``.

    Timed per negotiation: building issues, utility functions, mechanism and negotiators, and running
    to the end. Drawing the random numbers (library-independent) is not timed.
    """
    import negmas.sao as sao

    cls_a = getattr(sao, NEGOTIATORS[pair[0]])
    cls_b = getattr(sao, NEGOTIATORS[pair[1]])
    pairs = _pairs(k, total, seed)[start : start + count]
    steps, agreements, utils = [], 0, []
    t0, c0 = time.perf_counter(), time.process_time()
    for a, b in pairs:
        issues, ua, ub = build(k, a, b)
        m = sao.SAOMechanism(issues=issues, n_steps=100)
        m.add(cls_a(name="a"), ufun=ua)
        m.add(cls_b(name="b"), ufun=ub)
        state = m.run()
        steps.append(state.step)
        if state.agreement is not None:
            agreements += 1
            utils.append((float(ua(state.agreement)), float(ub(state.agreement))))
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "n": len(pairs),
        "steps": steps,
        "agreements": agreements,
        "utilities": utils,
    }


def frontier(k: int, seed: int = 0) -> dict:
    """Pareto frontier + Nash point of the first pair of ``default_rng(seed)``; timed after imports."""
    from negmas import make_os
    from negmas.preferences.ops import nash_points, pareto_frontier

    a, b = draw_pair(_np().random.default_rng(seed), k)
    t0 = time.perf_counter()
    issues, ua, ub = build(k, a, b)
    fu, fi = pareto_frontier([ua, ub], issues=issues)
    nash = nash_points([ua, ub], fu, outcome_space=make_os(issues))
    elapsed = time.perf_counter() - t0
    return {
        "seconds": elapsed,
        "frontier_size": len(fu),
        "frontier": [list(map(float, p)) for p in fu],
        "nash": [list(map(float, p)) for p, _ in nash],
    }


def stats(k: int, seed: int = 0) -> dict:
    """NegMAS's full scenario analysis (calc_scenario_stats) of the first pair; timed after imports."""
    from negmas.preferences.ops import calc_scenario_stats

    a, b = draw_pair(_np().random.default_rng(seed), k)
    t0 = time.perf_counter()
    _, ua, ub = build(k, a, b)
    s = calc_scenario_stats([ua, ub])
    elapsed = time.perf_counter() - t0

    def pts(x):
        return [list(map(float, p)) for p in x]

    return {
        "seconds": elapsed,
        "frontier_size": len(s.pareto_utils),
        "nash": pts(s.nash_utils),
        "ks": pts(s.ks_utils),
        "kalai": pts(s.kalai_utils),
        "max_welfare": pts(s.max_welfare_utils),
        "rational_fraction": None if s.rational_fraction is None else float(s.rational_fraction),
    }


def versions() -> dict:
    import negmas
    import numpy

    return {"negmas": negmas.__version__, "numpy": numpy.__version__, "python": sys.version.split()[0]}


COMMANDS = {"negotiate": negotiate, "frontier": frontier, "stats": stats, "versions": versions}


def worker() -> None:
    """Answer JSON commands {"cmd": name, ...kwargs} read line by line from stdin."""
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        fn = COMMANDS[req.pop("cmd")]
        out = fn(**req)
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


def whole_process_frontier(k: int, seed: int) -> None:
    """Benchmark (b), NegMAS side: imports, preferences, frontier and Nash; prints one JSON object."""
    from negmas import make_os
    from negmas.preferences.ops import nash_points, pareto_frontier

    a, b = draw_pair(_np().random.default_rng(seed), k)
    issues, ua, ub = build(k, a, b)
    fu, fi = pareto_frontier([ua, ub], issues=issues)
    nash = nash_points([ua, ub], fu, outcome_space=make_os(issues))
    print(
        json.dumps(
            {
                "outcomes": 10**k,
                "pareto": [
                    {"outcome": _digits(int(i), k), "utilities": [float(x) for x in u]}
                    for u, i in zip(fu, fi, strict=True)
                ],
                "nash": [[float(x) for x in p] for p, _ in nash],
            }
        )
    )


def _digits(index: int, k: int) -> list[int]:
    """The outcome at ``index`` of NegMAS's enumeration (itertools.product order, first issue slowest)."""
    return [(index // 10 ** (k - 1 - j)) % 10 for j in range(k)]


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--worker", action="store_true")
    ap.add_argument("--frontier", type=int, metavar="K", help="whole-process frontier + Nash for K issues")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.worker:
        worker()
    elif args.frontier:
        whole_process_frontier(args.frontier, args.seed)
    else:
        ap.print_help()
