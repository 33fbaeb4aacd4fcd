"""What one request of each route costs `accord serve` alone: sequential requests, nothing else waiting.

    .venv/bin/python benchmarks/web_route_cost.py [--n 200] [--memory-only]

A fresh server (``web_common.Server``, a data folder unless ``--memory-only``) is warmed (the teacher opens
the pages once), then one client sends ``--n`` requests of each kind, one after the other, and the wall
clock of each is kept: under load (``web_load_bench.py``) the server's two cores are shared by every player,
so the p99 there is about the players' queue times this cost. Routes: the scenario page, the analysis, the
library listing, a game start, an offer's value, a move, a game's state, a static file.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_common import Server, stats  # noqa: E402


def measure(url: str, n: int) -> dict[str, dict[str, float]]:
    out: dict[str, list[float]] = {}
    with httpx.Client(base_url=url, timeout=60) as c:
        nash = c.get("/api/scenarios/hanoi-2019/analysis").json()["nash"]["outcome"]
        c.get("/scenarios/hanoi-2019").raise_for_status()

        def timed(kind: str, method: str, path: str, **kw) -> httpx.Response:
            t = time.perf_counter()
            r = c.request(method, path, **kw)
            out.setdefault(kind, []).append(time.perf_counter() - t)
            r.raise_for_status()
            return r

        for k in range(n):
            timed("page", "GET", "/scenarios/hanoi-2019")
            timed("analysis", "GET", "/api/scenarios/hanoi-2019/analysis")
            timed("scenarios", "GET", "/api/scenarios")
            timed("static", "GET", "/static/play.js")
            body = {"scenario": "hanoi-2019", "party": "usa", "opponent": "conceder", "seed": k}
            g = timed("game start", "POST", "/api/games", json=body).json()
            timed("value", "POST", f"/api/games/{g['id']}/value", json={"outcome": nash})
            timed("game", "GET", f"/api/games/{g['id']}")
            timed("move", "POST", f"/api/games/{g['id']}/move", json={"move": "walk"})
    return {k: stats(v) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--memory-only", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="accord-web-cost-") as tmp:
        settings = {} if args.memory_only else {"data_dir": tmp}
        with Server(**settings) as srv:
            res = measure(srv.url, args.n)
    print(f"load average {os.getloadavg()[0]:.1f}; {args.n} sequential requests per route")
    print(f"{'route':<12} {'median':>9} {'p95':>9} {'max':>9}")
    for k, s in res.items():
        print(
            f"{k:<12} {1000 * s['median_s']:>7.2f}ms {1000 * s['p95_s']:>7.2f}ms {1000 * s['max_s']:>7.2f}ms"
        )


if __name__ == "__main__":
    main()
