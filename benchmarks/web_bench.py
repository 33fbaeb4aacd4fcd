"""Speed of the web app: a scenario page for a 10^6-outcome domain, and a move in a game.

    .venv/bin/python benchmarks/web_bench.py            # writes benchmarks/results/web.json and web.md

A two-party linear-additive domain of 6 issues x 10 values (10^6 outcomes, opposed and unequal weights) is
written as a YAML scenario into a temporary folder; ``accord serve`` is started as its own process on
127.0.0.1 with that folder added to the library (``--scenarios``). Timings are wall-clock HTTP round trips
from this process (httpx), so they include the server's parsing, the engine and rendering:

- page: ``GET /scenarios/big-1m``. The first request after start is *cold* (the server loads the file,
  compiles 2 x 10^6 utilities, analyses the space and bins the chart); later ones are served from the
  server's cache. Each cold figure is a fresh server process. The page never ships 10^6 points: above 4,000
  outcomes the chart is a 64 x 64 density image plus the exact Pareto frontier (bytes reported).
- move: ``POST /api/games/{id}/move`` with an offer; the machine (Boulware) answers and proposes. The first
  move of a game is timed apart (the machine's first sort of its own outcomes); then every later move.

Targets (issue 7): page < 2 s, move < 100 ms.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT / "tests" / "web"))
sys.path.insert(0, str(HERE))


def _linear_yaml() -> str:
    from conftest import linear_yaml  # the tests' generator: one definition of the domain

    return linear_yaml(6, 10, "Linear domain, 10^6 outcomes", deadline=200)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, extra: Path) -> None:
        self.port = _port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [
            sys.executable,
            "-m",
            "accord",
            "serve",
            "--port",
            str(self.port),
            "--scenarios",
            str(ROOT / "scenarios"),
            "--scenarios",
            str(extra),
            "--memory-only",
            "--log-level",
            "warning",
        ]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        from web_common import wait_up

        wait_up(self.url, self.proc)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def _timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    r = fn()
    return time.perf_counter() - t, r


def machine() -> dict[str, object]:
    info: dict[str, object] = {"platform": platform.platform(), "cpus_online": os.cpu_count()}
    try:
        for ln in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            k, _, v = ln.partition(":")
            if k.strip() in ("Model name", "CPU(s)"):
                info[k.strip()] = v.strip()
    except OSError:
        pass
    with contextlib.suppress(OSError):
        info["git_commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
    return info


def bench(
    cold_repeats: int = 3, warm_repeats: int = 10, games: int = 5, moves: int = 20
) -> dict[str, object]:
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="accord-web-bench-") as d:
        lib = Path(d)
        (lib / "big-1m.yaml").write_text(_linear_yaml())
        cold, warm, sizes = [], [], []
        move_first, move_rest, create = [], [], []
        for rep in range(cold_repeats):
            srv = Server(lib)
            try:
                with httpx.Client(base_url=srv.url, timeout=120) as c:
                    t, r = _timed(lambda c=c: c.get("/scenarios/big-1m"))
                    assert r.status_code == 200, r.text[:500]
                    cold.append(t)
                    sizes.append(len(r.content))
                    if rep == 0:
                        for _ in range(warm_repeats):
                            t, r = _timed(lambda c=c: c.get("/scenarios/big-1m"))
                            warm.append(t)
                        chart = c.get("/api/scenarios/big-1m/chart").json()
                        out["chart"] = {
                            "mode": chart["mode"],
                            "bins": chart.get("bins"),
                            "cells": len(chart.get("cells", [])),
                            "frontier_size": chart["frontier_size"],
                            "frontier_drawn": len(chart["frontier"]),
                            "chart_json_bytes": len(json.dumps(chart)),
                        }
                        a = c.get("/api/scenarios/big-1m/analysis").json()
                        offer = a["nash"]["outcome"]
                        for g in range(games):
                            t, r = _timed(
                                lambda c=c, g=g: c.post(
                                    "/api/games",
                                    json={
                                        "scenario": "big-1m",
                                        "party": "a",
                                        "opponent": "boulware",
                                        "seed": g,
                                    },
                                )
                            )
                            create.append(t)
                            gid = r.json()["id"]
                            for k in range(moves):
                                t, r = _timed(
                                    lambda c=c, gid=gid, offer=offer: c.post(
                                        f"/api/games/{gid}/move", json={"move": "offer", "outcome": offer}
                                    )
                                )
                                assert r.status_code == 200, r.text[:300]
                                (move_first if k == 0 else move_rest).append(t)
                                if r.json()["status"] != "your_turn":
                                    break
            finally:
                srv.close()

    def stats(xs: list[float]) -> dict[str, float]:
        xs = sorted(xs)
        return {
            "n": len(xs),
            "median_s": statistics.median(xs),
            "p95_s": xs[min(len(xs) - 1, int(0.95 * len(xs)))],
            "max_s": xs[-1],
        }

    out.update(
        outcomes=10**6,
        page_cold=stats(cold),
        page_warm=stats(warm),
        page_bytes=max(sizes),
        game_create=stats(create),
        move_first=stats(move_first),
        move=stats(move_rest),
        targets={"page_s": 2.0, "move_s": 0.1},
    )
    out["met"] = {
        "page": out["page_cold"]["max_s"] < 2.0,  # type: ignore[index]
        "move": out["move"]["p95_s"] < 0.1 and out["move_first"]["max_s"] < 0.1,  # type: ignore[index]
    }
    return out


def write(res: dict[str, object]) -> None:
    meta = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "python": platform.python_version(),
        "command": "python benchmarks/web_bench.py",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "web.json").write_text(json.dumps({"meta": meta, "results": res}, indent=2) + "\n")
    ms = lambda s: f"{1000 * s:.0f} ms" if s >= 0.01 else f"{1000 * s:.1f} ms"  # noqa: E731
    c, w, mf, mv, ch = res["page_cold"], res["page_warm"], res["move_first"], res["move"], res["chart"]
    gc = res["game_create"]
    m = meta["machine"]
    md = f"""## Web app (`accord serve`, {meta["date"][:10]})

`benchmarks/web_bench.py`: wall-clock HTTP round trips to `accord serve` on 127.0.0.1 ({m.get("Model name", "?")},
{m.get("CPU(s)", m.get("cpus_online"))} CPUs, shared; Python {meta["python"]}). Domain: two parties, 6 issues x 10 values
= 10^6 outcomes, linear-additive, opposed unequal weights.

| measure | median | p95 | max | n | target | met |
|---|---|---|---|---|---|---|
| scenario page, first request of a fresh server (load, compile, analyse, chart) | {ms(c["median_s"])} | – | {ms(c["max_s"])} | {c["n"]} | < 2 s | {"yes" if res["met"]["page"] else "**no**"} |
| scenario page, later requests (cached) | {ms(w["median_s"])} | {ms(w["p95_s"])} | {ms(w["max_s"])} | {w["n"]} | – | |
| game start (`POST /api/games`: the machine sorts its outcomes and opens) | {ms(gc["median_s"])} | {ms(gc["p95_s"])} | {ms(gc["max_s"])} | {gc["n"]} | – | |
| game move, first of a game | {ms(mf["median_s"])} | {ms(mf["p95_s"])} | {ms(mf["max_s"])} | {mf["n"]} | < 100 ms | {"yes" if mf["max_s"] < 0.1 else "**no**"} |
| game move, later moves (offer; the machine answers and proposes) | {ms(mv["median_s"])} | {ms(mv["p95_s"])} | {ms(mv["max_s"])} | {mv["n"]} | < 100 ms | {"yes" if mv["p95_s"] < 0.1 else "**no**"} |

The page ships {res["page_bytes"]:,} bytes of HTML: the chart of 10^6 outcomes is a {ch["bins"]} x {ch["bins"]} density
image ({ch["cells"]:,} occupied cells) with the exact Pareto frontier on top ({ch["frontier_size"]:,} outcomes,
{ch["frontier_drawn"]:,} drawn), never one point per outcome (its JSON at `/api/scenarios/ID/chart`: {ch["chart_json_bytes"]:,} bytes).
Raw figures: `benchmarks/results/web.json`.
"""
    (RESULTS / "web.md").write_text(md)


if __name__ == "__main__":
    r = bench()
    write(r)
    print((RESULTS / "web.md").read_text())
