"""Latency of `accord serve` under a class: 50 and 200 concurrent players on 127.0.0.1 (issue 16).

    .venv/bin/python benchmarks/web_load_bench.py        # writes benchmarks/results/web_load.{json,md}
    .venv/bin/python benchmarks/web_load_bench.py --players 200 --repeat 1 --no-write
    ACCORD_BENCH_SRC=/path/to/other/src ...              # the same load on another checkout (before/after)

Each player is its own client (its own cookie, so its own games) and does what a student does, all players at
once: load the Hanoi scenario page, fetch its analysis, open the play page (with its stylesheet and script),
start a game against a conceding machine, value and send the Nash offer until the game ends (one in five
walks away at once), ask for the deal's simulated implementation as the play page does at the end of an
agreement (1,000 runs), then load the page of another scenario. The server is a fresh `accord.web` app under uvicorn (uvloop, httptools) in its own process on the
same machine, with a data folder (games persisted in SQLite, as `accord serve` does; ``--memory-only``: not);
before the players come, one client (the teacher) opens the two pages once and the server finishes warming
its library, as before a class. The players are asyncio tasks in one process, each with its own keep-alive
connection, driven by a lean HTTP/1.1 client (``web_common.RawClient``): httpx.AsyncClient (``--client
httpx``) spent 8-9 s of CPU on 1,200 requests against the server's 1.5 s, on the same two cores, so it
measured mostly itself. Latency is the wall clock of each HTTP request as the player sees it, queueing
included; the server's and the generator's CPU time and the load average are recorded with each run.
Target (issue 16): p99 < 2 s at 200 players on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_bench import machine  # noqa: E402
from web_common import HERE, RawClient, Server, stats  # noqa: E402

RESULTS = HERE / "results"


class HttpxClient:
    """httpx.AsyncClient behind RawClient's interface (``--client httpx``: the generator of the first runs)."""

    def __init__(self, url: str) -> None:
        self.c = httpx.AsyncClient(base_url=url, timeout=120)

    async def request(self, method: str, path: str, json_body: object = None) -> tuple[int, bytes]:
        r = await self.c.request(method, path, json=json_body)
        return r.status_code, r.content

    async def aclose(self) -> None:
        await self.c.aclose()


async def player(c, k: int, nash: dict, lat: dict[str, list[float]], errors: list[str]) -> None:
    async def call(kind: str, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        t = time.perf_counter()
        code, data = await c.request(method, path, body)
        lat[kind].append(time.perf_counter() - t)
        lat["all"].append(lat[kind][-1])
        if code >= 400:
            errors.append(f"{kind} {code} {data[:120]!r}")
        return code, data

    try:
        await call("page", "GET", "/scenarios/hanoi-2019")
        await call("analysis", "GET", "/api/scenarios/hanoi-2019/analysis")
        await call("play page", "GET", "/scenarios/hanoi-2019/play?group=bench")
        for path in ("/static/app.css", "/static/play.js"):
            await call("static", "GET", path)
        body = {"scenario": "hanoi-2019", "party": "usa", "opponent": "conceder", "seed": k, "group": "bench"}
        code, data = await call("game start", "POST", "/api/games", body)
        g = json.loads(data)
        while code == 200 and g["status"] == "your_turn":
            await call("value", "POST", f"/api/games/{g['id']}/value", {"outcome": nash})
            move = {"move": "walk"} if k % 5 == 0 else {"move": "offer", "outcome": nash}
            code, data = await call("move", "POST", f"/api/games/{g['id']}/move", move)
            g = json.loads(data)
        res = g.get("result") or {}
        if res.get("agreement") and res.get("implementation_available"):  # what play.js asks at the end
            deal = {"deal": res["outcome"], "runs": 1000, "seed": 0}
            await call("implementation", "POST", "/api/scenarios/hanoi-2019/implement", deal)
        await call("page (second)", "GET", "/scenarios/jcpoa-2015")
    finally:
        await c.aclose()


async def run(url: str, players: int, nash: dict, client: str = "raw") -> dict:
    lat: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    # The clients are made before the clock starts (an httpx client builds an SSL context: the load
    # generator's cost, not the server's); each player's first request still opens its connection and
    # gets its cookie.
    clients = [RawClient(url) if client == "raw" else HttpxClient(url) for _ in range(players)]
    t0 = time.perf_counter()
    await asyncio.gather(*(player(c, k, nash, lat, errors) for k, c in enumerate(clients)))
    wall = time.perf_counter() - t0
    return {
        "players": players,
        "wall_s": wall,
        "requests": len(lat["all"]),
        "requests_per_s": len(lat["all"]) / wall,
        "errors": len(errors),
        "first_errors": errors[:5],
        "latency": {k: stats(v) for k, v in lat.items()},
    }


def bench(
    counts: tuple[int, ...] = (50, 200), persist: bool = True, client: str = "raw", repeat: int = 3
) -> list[dict]:
    """``repeat`` runs per number of players, each on a fresh server (the machine is shared: one run says
    little, the spread of several says how much of the figure is the neighbours')."""
    out = []
    for players in counts:
        for k in range(repeat):
            out.append(one_run(players, persist, client))
            r = out[-1]
            print(
                f"{players} players, run {k + 1}: p99 {r['latency']['all']['p99_s']:.2f} s, "
                f"{r['requests_per_s']:.0f} req/s, errors {r['errors']}, server CPU {r['server_cpu_s']:.2f} s, "
                f"generator CPU {r['client_cpu_s']:.2f} s, load average {r['load_average'][0]:.1f}",
                flush=True,
            )
    return out


def one_run(players: int, persist: bool, client: str) -> dict:
    tmp = tempfile.TemporaryDirectory(prefix="accord-web-load-")
    settings = {"data_dir": tmp.name} if persist else {}
    with tmp, Server(log_level=os.environ.get("ACCORD_BENCH_LOG", "warning"), **settings) as srv:
        with httpx.Client(base_url=srv.url, timeout=120) as c:  # the teacher opens the pages first
            nash = c.get("/api/scenarios/hanoi-2019/analysis").json()["nash"]["outcome"]
            for path in ("/scenarios/hanoi-2019", "/scenarios/jcpoa-2015"):
                c.get(path).raise_for_status()
        srv.wait_idle()  # the class comes once the server has warmed its library (about 2 s)
        load = os.getloadavg()
        cpu0, gen0 = srv.cpu_seconds(), time.process_time()
        res = asyncio.run(run(srv.url, players, nash, client))
        res["server_cpu_s"] = srv.cpu_seconds() - cpu0
        res["client_cpu_s"] = time.process_time() - gen0
        res["server_peak_mb"] = srv.memory()["peak"] / 2**20
        res["persist"] = persist
        res["client"] = client
        res["load_average"] = load  # 1, 5, 15 minutes, just before the class came
    return res


KINDS = (
    "all",
    "page",
    "analysis",
    "play page",
    "static",
    "game start",
    "value",
    "move",
    "implementation",
    "page (second)",
)


def write(res: list[dict], date: str | None = None) -> None:
    meta = {
        "date": date or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "python": platform.python_version(),
        "command": "python benchmarks/web_load_bench.py",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "web_load.json").write_text(json.dumps({"meta": meta, "results": res}, indent=2) + "\n")
    m = meta["machine"]
    ms = lambda s: f"{1000 * s:,.0f} ms"  # noqa: E731
    gen = "a lean asyncio HTTP/1.1 client" if res[0]["client"] == "raw" else "httpx.AsyncClient"
    lines = [
        f"`benchmarks/web_load_bench.py` on 127.0.0.1 ({m.get('Model name', '?')}, {m.get('CPU(s)', '?')} CPUs "
        f"shared with the load generator and with other work on the machine; Python {meta['python']}; "
        f"{meta['date'][:16]} UTC): every player its own client (cookie) and its own game, all at once "
        "(scenario page, analysis, play page with its stylesheet and script, game start, value and move until "
        "the end, the deal's simulated implementation as the play page asks for it, another page); "
        + ("games persisted (a data folder, SQLite); " if res[0]["persist"] else "memory only; ")
        + f"players driven by {gen}. Latency per request as the player sees it, queueing included. "
        "Each row: the run with the median p99 of its group; every run's p99 with the load average "
        "(1 minute) just before it is listed below the table.",
        "",
        "| players | requests | req/s | errors | kind | median | p95 | p99 | max | p99 < 2 s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    groups: dict[int, list[dict]] = defaultdict(list)
    for r in res:
        groups[r["players"]].append(r)
    for players, runs in groups.items():
        r = sorted(runs, key=lambda r: r["latency"]["all"]["p99_s"])[len(runs) // 2]
        for kind in (k for k in KINDS if k in r["latency"]):
            s = r["latency"][kind]
            head = (
                f"| {players} | {r['requests']:,} | {r['requests_per_s']:.0f} | {r['errors']} "
                if kind == "all"
                else "| | | | "
            )
            ok = "yes" if s["p99_s"] < 2 else "**no**"
            lines.append(
                head
                + f"| {kind} | {ms(s['median_s'])} | {ms(s['p95_s'])} | {ms(s['p99_s'])} | {ms(s['max_s'])} | {ok} |"
            )
    lines.append("")
    for players, runs in groups.items():
        each = ", ".join(
            f"{r['latency']['all']['p99_s']:.2f} s (load {r['load_average'][0]:.1f}, server CPU "
            f"{r['server_cpu_s']:.1f} s, generator {r['client_cpu_s']:.1f} s)"
            for r in runs
        )
        lines.append(f"- {players} players, p99 of each run: {each}.")
    lines += ["", "Raw figures: `benchmarks/results/web_load.json`.", ""]
    (RESULTS / "web_load.md").write_text("\n".join(lines))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--players", type=int, nargs="+", default=[50, 200])
    ap.add_argument("--memory-only", action="store_true", help="no data folder (games not persisted)")
    ap.add_argument("--no-write", action="store_true", help="print, do not write benchmarks/results")
    ap.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="the load generator: lean asyncio HTTP (default) or httpx.AsyncClient (several times the CPU)",
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs per number of players (a fresh server each)")
    args = ap.parse_args()
    r = bench(tuple(args.players), persist=not args.memory_only, client=args.client, repeat=args.repeat)
    for x in r:
        print(
            x["players"],
            {k: f"p50 {v['median_s']:.2f} p99 {v['p99_s']:.2f}" for k, v in x["latency"].items()},
        )
    if args.no_write:
        sys.exit(0)
    write(r)
    print((RESULTS / "web_load.md").read_text())
