"""Heavy and hostile uploads against `accord serve` (issue 19): time, response size and server memory.

    .venv/bin/python benchmarks/web_upload_bench.py      # writes benchmarks/results/web_uploads.{json,md}

1. Spaces of 10^4 to 4.78 x 10^6 outcomes (two parties, linear-additive, opposed; and a zero-sum one of
   4.78 x 10^6 outcomes where every outcome is on the Pareto frontier), each on a fresh server: upload, analysis,
   chart and scenario page, each request's wall time and response size, and the server's peak resident
   memory after it (VmHWM).
2. Churn: 100 uploads (each analysed) by one client; resident memory after the first 10 and after 100, and
   the upload folders left on disk (limit: max_uploads_per_client = 10).
3. 41 YAML alias bombs (1.1 KB each) uploaded at once while another client loads pages: the slowest other
   request, and how the bombs were answered.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))
from conftest import alias_bomb, linear_yaml  # noqa: E402 - the tests' generators
from web_bench import machine  # noqa: E402
from web_common import HERE, Server, stats  # noqa: E402

RESULTS = HERE / "results"
MB = 1024 * 1024


def _zs(issues: int, values: int) -> str:
    """Two parties, same weights, opposite scores: u_b = 1 - u_a, every outcome Pareto-optimal."""
    iss = [f"i{k}" for k in range(issues)]
    vals = [f"v{j}" for j in range(values)]
    lines = ["name: Zero-sum domain", "issues:"]
    lines += [f"  {i}: {{values: [{', '.join(vals)}], ordered: true}}" for i in iss]
    lines.append("parties:")
    w = "{" + ", ".join(f"{i}: {1 / issues!r}" for i in iss) + "}"
    for p, up in (("a", True), ("b", False)):
        lines += [f"  {p}:", f"    weights: {w}", "    scores:"]
        for i in iss:
            sc = {v: (j if up else values - 1 - j) / (values - 1) for j, v in enumerate(vals)}
            lines.append(f"      {i}: {{" + ", ".join(f"{v}: {s!r}" for v, s in sc.items()) + "}")
        lines.append("    reservation: 0.2")
    lines.append("protocol: {deadline: 30}")
    return "\n".join(lines) + "\n"


def timed(fn):
    t = time.perf_counter()
    r = fn()
    return time.perf_counter() - t, r


def spaces(only: list[str] | None = None) -> list[dict]:
    cases = [
        ("10^4 linear", linear_yaml(4, 10)),
        ("10^5 linear", linear_yaml(5, 10)),
        ("10^6 linear", linear_yaml(6, 10)),
        ("4.78 x 10^6 linear (7 x 9)", linear_yaml(7, 9)),
        ("4.78 x 10^6 zero-sum (7 x 9)", _zs(7, 9)),
        ("10^12 linear (12 x 10)", linear_yaml(12, 10)),
    ]
    out = []
    for name, text in cases:
        if only and not any(name.startswith(o) for o in only):
            continue
        with Server(request_timeout=60.0) as srv, httpx.Client(base_url=srv.url, timeout=120) as c:
            base = srv.memory()["rss"]
            row = {"space": name, "upload_bytes": len(text), "server_start_rss_mb": base / MB, "requests": {}}
            t, r = timed(
                lambda c=c, text=text: c.post("/api/uploads", files={"file": ("d.yaml", text.encode())})
            )
            assert r.status_code == 200, r.text[:300]
            sid = r.json()["id"]
            row["requests"]["upload"] = {
                "s": t,
                "bytes": len(r.content),
                "peak_mb": srv.memory()["peak"] / MB,
            }
            for key, path in (
                ("analysis", f"/api/scenarios/{sid}/analysis"),
                ("chart", f"/api/scenarios/{sid}/chart"),
                ("page", f"/scenarios/{sid}"),
                ("page again", f"/scenarios/{sid}"),
            ):
                t, r = timed(lambda c=c, path=path: c.get(path))
                assert r.status_code == 200, (path, r.text[:300])
                row["requests"][key] = {"s": t, "bytes": len(r.content), "peak_mb": srv.memory()["peak"] / MB}
            a = c.get(f"/api/scenarios/{sid}/analysis").json()
            row["frontier"] = a.get("pareto_page", {}).get("total", len(a["pareto"]))
            row["end_rss_mb"] = srv.memory()["rss"] / MB
            out.append(row)
            print(name, json.dumps(row["requests"]), flush=True)
    return out


def churn(n: int = 100) -> dict:
    with (
        tempfile.TemporaryDirectory() as d,
        Server(data_dir=d, max_uploads_per_client=10) as srv,
        httpx.Client(base_url=srv.url, timeout=60) as c,
    ):
        rss = []
        for k in range(n):
            text = linear_yaml(4, 10, f"Churn {k}")
            r = c.post("/api/uploads", files={"file": (f"c{k}.yaml", text.encode())})
            assert r.status_code == 200, r.text[:300]
            c.get(f"/api/scenarios/{r.json()['id']}/chart").raise_for_status()
            rss.append(srv.memory()["rss"])
        folders = len(list((Path(d) / "uploads").iterdir()))
    return {
        "uploads": n,
        "rss_after_10_mb": rss[9] / MB,
        "rss_after_all_mb": rss[-1] / MB,
        "growth_mb": (rss[-1] - rss[9]) / MB,
        "folders_left": folders,
        "limit": 10,
    }


def bombs(n: int = 41) -> dict:
    bomb = alias_bomb(9).encode()
    with Server() as srv:
        with httpx.Client(base_url=srv.url, timeout=60) as c:
            c.get("/scenarios/hanoi-2019").raise_for_status()
        stop = threading.Event()
        lat: list[float] = []

        def other() -> None:
            with httpx.Client(base_url=srv.url, timeout=60) as c:
                while not stop.is_set():
                    for path in (
                        "/scenarios/hanoi-2019",
                        "/api/scenarios/hanoi-2019/analysis",
                        "/api/strategies",
                    ):
                        t, r = timed(lambda path=path: c.get(path))
                        assert r.status_code == 200
                        lat.append(t)
                    time.sleep(0.1)

        def up(_: int) -> int:
            with httpx.Client(base_url=srv.url, timeout=120) as u:
                return u.post("/api/uploads", files={"file": ("bomb.yaml", bomb)}).status_code

        watcher = threading.Thread(target=other)
        watcher.start()
        t0 = time.perf_counter()
        with ThreadPoolExecutor(n) as pool:
            codes = list(pool.map(up, range(n)))
        wall = time.perf_counter() - t0
        time.sleep(1)
        stop.set()
        watcher.join()
    return {
        "bombs": n,
        "bomb_bytes": len(bomb),
        "answers": {str(k): codes.count(k) for k in sorted(set(codes))},
        "bombs_wall_s": wall,
        "other_requests": stats(lat),
    }


def write(res: dict) -> None:
    meta = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "python": platform.python_version(),
        "command": "python benchmarks/web_upload_bench.py",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "web_uploads.json").write_text(json.dumps({"meta": meta, "results": res}, indent=2) + "\n")
    m = meta["machine"]
    lines = [
        f"## Web app: heavy and hostile uploads ({meta['date'][:10]})",
        "",
        f"`benchmarks/web_upload_bench.py`, a fresh `accord serve` per space on 127.0.0.1 ({m.get('Model name', '?')}, "
        f"{m.get('CPU(s)', m.get('cpus_online'))} CPUs shared with other work; Python {meta['python']}). Time: wall "
        "clock of the HTTP request; size: the response body; peak: the server's peak resident memory (VmHWM) after "
        "the request.",
        "",
        "| space | frontier | upload | analysis | chart | page (first) | page (cached) | server peak |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in res["spaces"]:
        q = r["requests"]
        cell = lambda k, q=q: f"{q[k]['s']:.2f} s, {q[k]['bytes'] / 1024:,.0f} KB"  # noqa: E731
        lines.append(
            f"| {r['space']} | {r['frontier']:,} | {cell('upload')} | {cell('analysis')} | {cell('chart')} | "
            f"{cell('page')} | {cell('page again')} | {max(v['peak_mb'] for v in q.values()):,.0f} MB |"
        )
    ch, b = res["churn"], res["bombs"]
    o = b["other_requests"]
    lines += [
        "",
        f"Churn: {ch['uploads']} uploads by one client, each charted: resident memory {ch['rss_after_10_mb']:.0f} MB "
        f"after 10, {ch['rss_after_all_mb']:.0f} MB after {ch['uploads']} (growth {ch['growth_mb']:+.0f} MB); "
        f"{ch['folders_left']} upload folders left on disk (limit {ch['limit']} per client).",
        "",
        f"Alias bombs: {b['bombs']} uploads of a {b['bomb_bytes']:,}-byte YAML bomb at once, answered "
        + ", ".join(f"{v} x {k}" for k, v in b["answers"].items())
        + f" within {b['bombs_wall_s']:.1f} s; meanwhile another client's page, analysis and strategy requests: "
        f"median {o['median_s'] * 1000:.0f} ms, p99 {o['p99_s'] * 1000:.0f} ms, max {o['max_s'] * 1000:.0f} ms "
        f"({o['n']} requests). Raw figures: `benchmarks/results/web_uploads.json`.",
        "",
    ]
    (RESULTS / "web_uploads.md").write_text("\n".join(lines))


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", metavar="SPACE", help="measure only the spaces whose name starts so")
    ap.add_argument("--no-write", action="store_true", help="spaces only, printed, benchmarks/results kept")
    args = ap.parse_args()
    if args.no_write:
        for row in spaces(args.only):
            print(row["space"], f"peak {max(r['peak_mb'] for r in row['requests'].values()):.0f} MB")
        sys.exit(0)
    res = {"spaces": spaces(args.only), "churn": churn(), "bombs": bombs()}
    write(res)
    print((RESULTS / "web_uploads.md").read_text())
