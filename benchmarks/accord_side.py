"""The accord side of the benchmarks (runs in the project's .venv).

``run_all.py`` starts it as a worker process (``--worker``: one JSON command per line on stdin, one JSON
answer per line on stdout), next to the NegMAS worker, so both libraries are timed in the same run,
interleaved. Every timing starts after imports and includes building the library's own objects from the
pre-drawn numbers of ``prefs.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import cache

import numpy as np

from prefs import PartyPrefs, draw_pair, draw_pairs


def scenario(k: int, a: PartyPrefs, b: PartyPrefs, deadline: int = 100):
    """An accord Scenario of k integer issues 0..9 and the two parties' linear-additive preferences."""
    from accord.model.issues import Issue
    from accord.model.preferences import Preferences
    from accord.model.scenario import Party, Protocol, Scenario
    from accord.model.space import OutcomeSpace

    space = OutcomeSpace([Issue.integer(f"i{j}", 0, 9) for j in range(k)])
    pa = Preferences(space, a.weights, tuple(a.tables), reservation=a.reservation)
    pb = Preferences(space, b.weights, tuple(b.tables), reservation=b.reservation)
    return Scenario("bench", space, (Party("a", pa), Party("b", pb)), Protocol(deadline))


@cache
def _pairs(k: int, n: int, seed: int):
    return draw_pairs(n, k, seed)


def negotiate(k: int, pair: list[str], start: int, count: int, total: int, seed: int = 0) -> dict:
    """Negotiations ``start .. start+count-1`` of the ``total`` drawn from ``default_rng(seed)``.

    Timed: building every negotiation's scenario (issues, outcome space, both parties' preferences) and
    running them all through the public API, ``accord.api.run_batch(scenarios, pair, seed=start)``
    (negotiation i gets seed=i; the API evaluates the utilities and runs the negotiations together
    when every negotiator is time-dependent, else one by one). Like NegMAS's side, every negotiation
    builds its own objects from the pre-drawn numbers.
    """
    from accord.api import run_batch

    pairs = _pairs(k, total, seed)[start : start + count]
    t0, c0 = time.perf_counter(), time.process_time()
    results = run_batch([scenario(k, a, b) for a, b in pairs], pair, seed=start)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    rounds = [r.rounds for r in results]
    utils = [(r.utilities["a"], r.utilities["b"]) for r in results if r.agreement]
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "n": len(pairs),
        "steps": rounds,
        "agreements": len(utils),
        "utilities": utils,
    }


def frontier(k: int, seed: int = 0) -> dict:
    """Pareto frontier + Nash point of the first pair of ``default_rng(seed)``, timed after imports."""
    from accord.analysis.pareto import pareto_indices
    from accord.analysis.solutions import nash_products, zopa_mask

    a, b = draw_pair(np.random.default_rng(seed), k)
    t0 = time.perf_counter()
    comp = scenario(k, a, b).compile()
    U = comp.utilities
    front = pareto_indices(U)
    F = U[:, front]
    inz = zopa_mask(F, comp.reservations)
    nash = None
    if inz.any():
        prod = nash_products(F[:, inz], comp.reservations)
        nash = int(front[inz][prod == prod.max()].min())
    elapsed = time.perf_counter() - t0
    return {
        "seconds": elapsed,
        "frontier_size": int(front.size),
        "frontier": U[:, front].T.tolist(),
        "nash": [] if nash is None else [U[:, nash].tolist()],
    }


def full(k: int, seed: int = 0) -> dict:
    """The full analysis (frontier, Nash, KS, max welfare, ZOPA), timed after imports."""
    from accord.analysis.solutions import analyze

    a, b = draw_pair(np.random.default_rng(seed), k)
    t0 = time.perf_counter()
    comp = scenario(k, a, b).compile()
    res = analyze(comp)
    elapsed = time.perf_counter() - t0
    U = comp.utilities

    def pt(i):
        return [] if i is None else [U[:, int(i)].tolist()]

    return {
        "seconds": elapsed,
        "frontier_size": int(res.pareto.size),
        "nash": pt(res.nash),
        "ks": pt(res.kalai_smorodinsky),
        "max_welfare": pt(res.max_welfare),
        "zopa_size": None if res.zopa_size is None else int(res.zopa_size),
    }


def large(k: int = 12, seed: int = 0) -> dict:
    """Exact frontier of k linear-additive issues x 10 values (10^k outcomes) without enumeration."""
    from accord.analysis import large as lg

    a, b = draw_pair(np.random.default_rng(seed), k)
    t0 = time.perf_counter()
    sc = scenario(k, a, b)
    res = lg.analyze_large(sc)
    elapsed = time.perf_counter() - t0
    out = {"seconds": elapsed, "frontier_size": int(res.pareto.size), "outcomes": sc.space.size}
    if sc.space.size <= 10**6:  # cross-check against the enumerated frontier
        from accord.analysis.pareto import pareto_indices

        comp = sc.compile()
        front = pareto_indices(comp.utilities)
        out["equals_enumerated"] = bool(
            np.array_equal(front, res.pareto)
            and np.array_equal(comp.utilities[:, front], res.pareto_utilities)
        )
    return out


def write_scenario(k: int, folder: str, seed: int = 0) -> dict:
    """Write the first pair of ``default_rng(seed)`` as a GENIUS XML folder (for ``accord analyze``)."""
    from accord.io.genius import write_genius

    a, b = draw_pair(np.random.default_rng(seed), k)
    paths = write_genius(scenario(k, a, b), folder, overwrite=True)
    return {"paths": [str(p) for p in paths]}


def versions() -> dict:
    import accord

    return {"accord": accord.__version__, "numpy": np.__version__, "python": sys.version.split()[0]}


COMMANDS = {
    "negotiate": negotiate,
    "frontier": frontier,
    "full": full,
    "large": large,
    "write_scenario": write_scenario,
    "versions": versions,
}


def worker() -> None:
    """Answer JSON commands {"cmd": name, ...kwargs} read line by line from stdin."""
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        fn = COMMANDS[req.pop("cmd")]
        sys.stdout.write(json.dumps(fn(**req)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--worker", action="store_true")
    args = ap.parse_args()
    if args.worker:
        worker()
    else:
        ap.print_help()
