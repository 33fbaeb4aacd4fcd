"""The accord side of the agent benchmark (runs in the project's .venv).

``agents_bench.py`` starts it as a worker process (one JSON command per line on stdin, one JSON answer per
line on stdout) next to the NegMAS worker. Every negotiation pits the agent (party a) against accord's
``boulware`` (party b) for 100 rounds on a fresh pair of random preferences from ``prefs.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import cache

from prefs import PartyPrefs, draw_pairs

OPPONENT = "boulware"


def scenario(k: int, a: PartyPrefs, b: PartyPrefs, deadline: int):
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


def run(agent: str, k: int, start: int, count: int, total: int, seed: int = 0, steps: int = 100) -> dict:
    """Negotiations ``start .. start+count-1`` (negotiation i gets seed i).

    Timed per negotiation: scenario, compile, both strategies and the run to the end.
    """
    from accord.protocols.alternating import run_alternating
    from accord.strategies import make

    pairs = _pairs(k, total, seed)[start : start + count]
    rounds, agreements = [], 0
    t0 = time.perf_counter()
    for i, (a, b) in enumerate(pairs, start):
        compiled = scenario(k, a, b, steps).compile()
        r = run_alternating(compiled, [make(agent), make(OPPONENT)], seed=i)
        rounds.append(int(r.rounds))
        agreements += bool(r.agreement)
    elapsed = time.perf_counter() - t0
    return {"seconds": elapsed, "n": len(pairs), "rounds": rounds, "agreements": agreements, "errors": []}


def info() -> dict:
    import numpy

    import accord
    from accord.strategies.catalog import available

    return {
        "accord": getattr(accord, "__version__", "?"),
        "numpy": numpy.__version__,
        "python": sys.version.split()[0],
        "strategies": {i.name: {"family": i.family, "source": i.source} for i in available().values()},
        "opponent": OPPONENT,
    }


COMMANDS = {"run": run, "info": info}


def worker() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            out = COMMANDS[req.pop("cmd")](**req)
        except Exception as exc:  # reported in the results, not fatal to the benchmark
            out = {"failed": f"{type(exc).__name__}: {exc}"[:300]}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--worker", action="store_true")
    ap.add_argument("--agent", help="run one agent (a quick check)")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--count", type=int, default=5)
    args = ap.parse_args()
    if args.worker:
        worker()
    elif args.agent:
        print(json.dumps(run(args.agent, args.k, 0, args.count, args.count)))
    else:
        print(json.dumps(info(), indent=2))
