"""Run accord's benchmarks side by side with NegMAS 0.16, print a table, write benchmarks/results/*.json.

    .venv/bin/python benchmarks/run_all.py            # quick: minutes (smaller NegMAS samples)
    .venv/bin/python benchmarks/run_all.py --full     # the figures in BENCHMARKS.md (~20 min)
    .venv/bin/python benchmarks/run_all.py --parts negotiate,frontier --full

Parts: ``negotiate`` (200 alternating-offers negotiations at 1,000 and 100,000 outcomes),
``frontier`` (a: Pareto frontier + Nash at 10^6, in-process), ``cli`` (b: whole process from the command
line, imports included, with peak memory), ``stats`` (c: the full analysis vs NegMAS calc_scenario_stats)
and ``large`` (d: exact frontier of 12 issues x 10 values, accord only).

Method: each library runs in its own worker process (NegMAS in benchmarks/.negmas-venv, created by
setup_negmas.sh; accord never imports it), both pinned to the same core with single-threaded BLAS. The
work is cut into blocks that alternate between the two libraries (accord first in even blocks, NegMAS
first in odd ones), so the two are measured under the same machine state; ratios are computed per block
and overall. This script itself imports neither library.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
WORK = HERE / "_work"
NEGMAS_PY = HERE / ".negmas-venv" / "bin" / "python"
ACCORD_PY = Path(sys.executable)
ACCORD_CLI = ACCORD_PY.parent / "accord"
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
PARTS = ("negotiate", "frontier", "cli", "stats", "large")
TARGETS = {"negotiate": 100.0, "frontier": 50.0, "cli": 25.0, "stats": 100.0}


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    for v in THREAD_VARS:
        env[v] = "1"
    env["PYTHONHASHSEED"] = "0"
    # As on a user's machine: modules load from cached bytecode (the first, untimed run writes it).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def pin(cpu: int | None):
    """A preexec_fn pinning the child to one core (None: no pinning)."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


class Worker:
    """A long-lived benchmark process answering one JSON command per line."""

    def __init__(self, name: str, python: Path, script: str, cpu: int | None) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            [str(python), str(HERE / script), "--worker"],
            cwd=HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
            preexec_fn=pin(cpu),
        )

    def call(self, cmd: str, **kw: object) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"cmd": cmd, **kw}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name} worker died during {cmd} {kw}")
        return json.loads(line)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ratio_summary(ratios: list[float]) -> dict[str, float]:
    return {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios)}


# ---------------------------------------------------------------------------------------------------------
# Negotiations
# ---------------------------------------------------------------------------------------------------------


def bench_negotiate(acc: Worker, neg: Worker, full: bool) -> list[dict]:
    """Negotiations/s of both libraries over the same 200 fresh preference pairs, in interleaved blocks."""
    total = 200
    configs = []
    for k in (3, 5):
        for pair in (["boulware", "conceder"], ["aspiration", "aspiration"]):
            if k == 3:
                count, blocks, repeats = total, 4, (3 if full else 1)
            else:
                count, blocks, repeats = (total, 4, 1) if full else (20, 2, 1)
            configs.append((k, pair, count, blocks, repeats))
    out = []
    for k, pair, count, blocks, repeats in configs:
        label = f"{10**k:,} outcomes, {pair[0]} vs {pair[1]}"
        log(f"[negotiate] {label}: {count} negotiations x {repeats} repeat(s), {blocks} interleaved blocks")
        acc.call("negotiate", k=k, pair=pair, start=0, count=1, total=total)  # warm-up (lazy imports)
        neg.call("negotiate", k=k, pair=pair, start=0, count=1, total=total)
        size = -(-count // blocks)
        secs = {"accord": 0.0, "negmas": 0.0}
        cpu = {"accord": 0.0, "negmas": 0.0}  # CPU time of each worker: less sensitive to a shared machine
        n = {"accord": 0, "negmas": 0}
        steps: dict[str, list[int]] = {"accord": [], "negmas": []}
        agreements = {"accord": 0, "negmas": 0}
        block_ratios = []
        for rep in range(repeats):
            for b in range(blocks):
                start = b * size

                c = min(size, count - start)
                if c <= 0:
                    continue
                order = [("accord", acc), ("negmas", neg)]
                if (rep * blocks + b) % 2:
                    order.reverse()
                got = {}
                for name, w in order:
                    got[name] = w.call("negotiate", k=k, pair=pair, start=start, count=c, total=total)
                for name, r in got.items():
                    secs[name] += r["seconds"]
                    cpu[name] += r["cpu_seconds"]
                    n[name] += r["n"]
                    if rep == 0:
                        steps[name] += r["steps"]
                        agreements[name] += r["agreements"]
                block_ratios.append(
                    (got["accord"]["n"] / got["accord"]["seconds"])
                    / (got["negmas"]["n"] / got["negmas"]["seconds"])
                )
        rate = {name: n[name] / secs[name] for name in secs}
        rate_cpu = {name: n[name] / cpu[name] for name in cpu}
        res = {
            "part": "negotiate",
            "outcomes": 10**k,
            "pair": pair,
            "negotiations": count,
            "repeats": repeats,
            "blocks": blocks,
            "negotiations_per_s": rate,
            "ratio": rate["accord"] / rate["negmas"],
            "negotiations_per_cpu_s": rate_cpu,
            "ratio_cpu": rate_cpu["accord"] / rate_cpu["negmas"],
            "block_ratios": ratio_summary(block_ratios),
            "mean_rounds": {name: statistics.fmean(s) for name, s in steps.items()},
            "agreement_rate": {name: agreements[name] / count for name in agreements},
            "target": TARGETS["negotiate"] if pair[0] == "boulware" else None,
        }
        log(
            f"    accord {rate['accord']:.1f}/s, NegMAS {rate['negmas']:.2f}/s: {res['ratio']:.0f}x "
            f"(blocks {res['block_ratios']['min']:.0f}-{res['block_ratios']['max']:.0f}x); "
            f"per CPU second {rate_cpu['accord']:.1f} vs {rate_cpu['negmas']:.2f}: {res['ratio_cpu']:.0f}x"
        )
        out.append(res)
    return out


# ---------------------------------------------------------------------------------------------------------
# Frontier + Nash in-process (a), full analysis (c), large (d)
# ---------------------------------------------------------------------------------------------------------


def _same_points(a: list[list[float]], b: list[list[float]], tol: float = 1e-12) -> bool:
    if len(a) != len(b):
        return False
    sa = sorted(map(tuple, a))
    sb = sorted(map(tuple, b))
    return all(abs(x - y) <= tol for p, q in zip(sa, sb, strict=True) for x, y in zip(p, q, strict=True))


def bench_frontier(acc: Worker, neg: Worker, full: bool) -> dict:
    k = 6
    repeats = 3 if full else 1
    log(f"[frontier] Pareto frontier + Nash, 10^{k} outcomes, in-process, {repeats} interleaved repeat(s)")
    acc.call("frontier", k=3)  # warm-up
    neg.call("frontier", k=3)
    t = {"accord": [], "negmas": []}
    last: dict[str, dict] = {}
    for rep in range(repeats):
        order = [("accord", acc), ("negmas", neg)]
        if rep % 2:
            order.reverse()
        for name, w in order:
            r = w.call("frontier", k=k)
            t[name].append(r["seconds"])
            last[name] = r
    ratios = [n / a for a, n in zip(t["accord"], t["negmas"], strict=True)]
    res = {
        "part": "frontier",
        "outcomes": 10**k,
        "repeats": repeats,
        "seconds": t,
        "median_seconds": {n: statistics.median(v) for n, v in t.items()},
        "ratio": statistics.median(ratios),
        "ratios": ratios,
        "frontier_size": {n: last[n]["frontier_size"] for n in last},
        "same_frontier": _same_points(last["accord"]["frontier"], last["negmas"]["frontier"]),
        "nash": {n: last[n]["nash"] for n in last},
        "same_nash": _same_points(last["accord"]["nash"], last["negmas"]["nash"]),
        "target": TARGETS["frontier"],
    }
    log(
        f"    accord {res['median_seconds']['accord']:.3f} s, NegMAS {res['median_seconds']['negmas']:.2f} s: "
        f"{res['ratio']:.0f}x; same frontier {res['same_frontier']}, same Nash {res['same_nash']}"
    )
    return res


def bench_stats(acc: Worker, neg: Worker, full: bool) -> dict:
    k = 6 if full else 5
    log(f"[stats] full analysis at 10^{k}: accord analyze (3 runs) vs NegMAS calc_scenario_stats (1 run)")
    acc.call("full", k=3)
    a1 = [acc.call("full", k=k)]
    n = neg.call("stats", k=k)
    a1 += [acc.call("full", k=k) for _ in range(2)]
    secs = [r["seconds"] for r in a1]
    a = a1[-1]
    res = {
        "part": "stats",
        "outcomes": 10**k,
        "seconds": {"accord": secs, "negmas": [n["seconds"]]},
        "median_seconds": {"accord": statistics.median(secs), "negmas": n["seconds"]},
        "ratio": n["seconds"] / statistics.median(secs),
        "frontier_size": {"accord": a["frontier_size"], "negmas": n["frontier_size"]},
        "accord": {key: a[key] for key in ("nash", "ks", "max_welfare", "zopa_size")},
        "negmas": {key: n[key] for key in ("nash", "ks", "kalai", "max_welfare", "rational_fraction")},
        "same_nash": _same_points(a["nash"], n["nash"]),
        "same_max_welfare": _same_points(a["max_welfare"], n["max_welfare"]),
        "target": TARGETS["stats"],
    }
    log(
        f"    accord {res['median_seconds']['accord']:.3f} s, NegMAS {n['seconds']:.1f} s: {res['ratio']:.0f}x; "
        f"same Nash {res['same_nash']}, same max welfare {res['same_max_welfare']}"
    )
    return res


def bench_large(acc: Worker, full: bool) -> dict:
    k = 12
    repeats = 3 if full else 1
    log(f"[large] exact frontier of {k} linear-additive issues x 10 values (10^{k} outcomes), accord only")
    check = acc.call("large", k=6)
    runs = [acc.call("large", k=k) for _ in range(repeats)]
    secs = [r["seconds"] for r in runs]
    res = {
        "part": "large",
        "outcomes": 10**k,
        "seconds": secs,
        "median_seconds": statistics.median(secs),
        "frontier_size": runs[-1]["frontier_size"],
        "check_10e6_equals_enumerated": check["equals_enumerated"],
        "target_seconds": 10.0,
        "negmas": "not possible: NegMAS enumerates every outcome (10^12 Python calls)",
    }
    log(
        f"    accord {res['median_seconds']:.4f} s, frontier of {res['frontier_size']} outcomes; at 10^6 equal to "
        f"the enumerated frontier: {check['equals_enumerated']}"
    )
    return res


# ---------------------------------------------------------------------------------------------------------
# Whole process from the command line (b)
# ---------------------------------------------------------------------------------------------------------


def timed_process(cmd: list[str], cpu: int | None, json_out: bool = True) -> dict:
    """Wall time, peak resident memory (ru_maxrss of this child only, via wait4) and stdout of ``cmd``."""
    out_path = WORK / "stdout.json"
    with open(out_path, "w") as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(
            cmd, cwd=ROOT, stdout=out, stderr=subprocess.PIPE, env=child_env(), preexec_fn=pin(cpu)
        )
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode() if p.stderr else ""
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {err[-2000:]}")
    stdout = json.loads(out_path.read_text()) if json_out else None
    return {"seconds": wall, "max_rss_mb": ru.ru_maxrss / 1024.0, "stdout": stdout}


def bench_cli(acc: Worker, full: bool, cpu: int | None) -> dict:
    k = 6
    repeats = 3 if full else 1
    folder = WORK / f"genius_k{k}"
    acc.call("write_scenario", k=k, folder=str(folder))
    a_cmd = [str(ACCORD_CLI), "analyze", str(folder), "--json"]
    n_cmd = [str(NEGMAS_PY), str(HERE / "negmas_side.py"), "--frontier", str(k)]
    log(
        f"[cli] whole process, 10^{k} outcomes: `{' '.join(a_cmd[1:])}` vs a NegMAS script, {repeats} repeat(s)"
    )
    runs: dict[str, list[dict]] = {"accord": [], "negmas": []}
    timed_process(a_cmd, cpu)  # warm-up, untimed: writes bytecode caches, fills the page cache
    timed_process(n_cmd, cpu)
    help_cmd = [str(ACCORD_CLI), "--help"]
    floor = {"accord --help": [], "python -c 'import numpy'": []}
    for rep in range(repeats):
        order = [("accord", a_cmd), ("negmas", n_cmd)]
        if rep % 2:
            order.reverse()
        for name, cmd in order:
            runs[name].append(timed_process(cmd, cpu))
        floor["accord --help"].append(timed_process(help_cmd, cpu, json_out=False)["seconds"])
        floor["python -c 'import numpy'"].append(
            timed_process([str(ACCORD_PY), "-c", "import numpy"], cpu, json_out=False)["seconds"]
        )
    a_out, n_out = runs["accord"][-1]["stdout"], runs["negmas"][-1]["stdout"]
    a_front = [list(p["utilities"].values()) for p in a_out["pareto"]]
    n_front = [p["utilities"] for p in n_out["pareto"]]
    a_nash = [] if a_out.get("nash") is None else [list(a_out["nash"]["utilities"].values())]
    secs = {n: [r["seconds"] for r in v] for n, v in runs.items()}
    ratios = [n / a for a, n in zip(secs["accord"], secs["negmas"], strict=True)]
    res = {
        "part": "cli",
        "outcomes": 10**k,
        "commands": {"accord": " ".join(a_cmd), "negmas": " ".join(n_cmd)},
        "seconds": secs,
        "median_seconds": {n: statistics.median(v) for n, v in secs.items()},
        "ratio": statistics.median(ratios),
        "ratios": ratios,
        "max_rss_mb": {n: max(r["max_rss_mb"] for r in v) for n, v in runs.items()},
        "startup_seconds": {k: statistics.median(v) for k, v in floor.items()},
        "same_frontier": _same_points(a_front, n_front),
        "same_nash": _same_points(a_nash, n_out["nash"]),
        "target": TARGETS["cli"],
        "memory_target_mb": 150.0,
    }
    log(
        f"    accord {res['median_seconds']['accord']:.2f} s ({res['max_rss_mb']['accord']:.0f} MB), NegMAS "
        f"{res['median_seconds']['negmas']:.2f} s ({res['max_rss_mb']['negmas']:.0f} MB): {res['ratio']:.0f}x; "
        f"same frontier {res['same_frontier']}, same Nash {res['same_nash']}"
    )
    log("    start-up alone: " + ", ".join(f"{k} {v:.2f} s" for k, v in res["startup_seconds"].items()))
    return res


# ---------------------------------------------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo ("" where it cannot be read)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def machine() -> dict:
    info: dict[str, object] = {"platform": platform.platform(), "cpus_online": os.cpu_count()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in lscpu.splitlines():
            key, _, val = line.partition(":")
            if key.strip() in ("Model name", "CPU(s)", "Thread(s) per core", "CPU max MHz"):
                info[key.strip()] = val.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        info["ram_gb"] = round(kb / 1024**2, 1)
    except (OSError, ValueError, IndexError):
        pass
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        info["git_commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    return info


def table(results: dict[str, object]) -> str:
    rows = [("benchmark", "accord", "NegMAS", "ratio", "target", "met")]

    def add(name, a, n, ratio, target, met):
        rows.append((name, a, n, ratio, target, "yes" if met else "NO"))

    for r in results.get("negotiate", []):  # type: ignore[union-attr]
        tgt = r["target"]
        add(
            f"negotiations/s, {r['outcomes']:,} outcomes, {r['pair'][0]} vs {r['pair'][1]}",
            f"{r['negotiations_per_s']['accord']:.1f}/s",
            f"{r['negotiations_per_s']['negmas']:.2f}/s",
            f"{r['ratio']:.0f}x",
            f">= {tgt:.0f}x" if tgt else "-",
            r["ratio"] >= tgt if tgt else True,
        )
    if "frontier" in results:
        r = results["frontier"]
        add(
            "frontier + Nash, 10^6, in-process",
            f"{r['median_seconds']['accord']:.3f} s",
            f"{r['median_seconds']['negmas']:.2f} s",
            f"{r['ratio']:.0f}x",
            f">= {r['target']:.0f}x",
            r["ratio"] >= r["target"],
        )
    if "cli" in results:
        r = results["cli"]
        add(
            "frontier + Nash, 10^6, whole process",
            f"{r['median_seconds']['accord']:.2f} s",
            f"{r['median_seconds']['negmas']:.2f} s",
            f"{r['ratio']:.0f}x",
            f">= {r['target']:.0f}x",
            r["ratio"] >= r["target"],
        )
        add(
            "peak memory of that process",
            f"{r['max_rss_mb']['accord']:.0f} MB",
            f"{r['max_rss_mb']['negmas']:.0f} MB",
            "-",
            "< 150 MB",
            r["max_rss_mb"]["accord"] < r["memory_target_mb"],
        )
    if "stats" in results:
        r = results["stats"]
        add(
            f"full analysis, {r['outcomes']:,} outcomes",
            f"{r['median_seconds']['accord']:.3f} s",
            f"{r['median_seconds']['negmas']:.1f} s",
            f"{r['ratio']:.0f}x",
            f">= {r['target']:.0f}x",
            r["ratio"] >= r["target"],
        )
    if "large" in results:
        r = results["large"]
        add(
            "exact frontier, 12 issues x 10 values",
            f"{r['median_seconds']:.4f} s",
            "cannot",
            "-",
            "< 10 s",
            r["median_seconds"] < r["target_seconds"],
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small NegMAS samples (default)")
    mode.add_argument("--full", action="store_true", help="the full protocol of BENCHMARKS.md")
    ap.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}")
    ap.add_argument("--cpu", type=int, default=0, help="core to pin both libraries to (-1: no pinning)")
    ap.add_argument("--out", type=Path, default=RESULTS, help="folder for the JSON results")
    args = ap.parse_args()
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    bad = [p for p in parts if p not in PARTS]
    if bad:
        ap.error(f"unknown part(s) {bad}; choose from {PARTS}")
    cpu = None if args.cpu < 0 else args.cpu
    needs_negmas = any(p != "large" for p in parts)
    if needs_negmas and not NEGMAS_PY.exists():
        log("NegMAS venv missing: running benchmarks/setup_negmas.sh (slow, once)")
        subprocess.run(["bash", str(HERE / "setup_negmas.sh")], check=True)
    WORK.mkdir(exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)

    acc = Worker("accord", ACCORD_PY, "accord_side.py", cpu)
    neg = Worker("negmas", NEGMAS_PY, "negmas_side.py", cpu) if needs_negmas else None
    results: dict[str, object] = {}
    meta = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": "full" if args.full else "quick",
        "parts": parts,
        "pinned_cpu": cpu,
        "machine": machine(),
        "versions": {"accord": acc.call("versions"), "negmas": neg.call("versions") if neg else None},
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
    }
    try:
        if "negotiate" in parts:
            results["negotiate"] = bench_negotiate(acc, neg, args.full)
        if "frontier" in parts:
            results["frontier"] = bench_frontier(acc, neg, args.full)
        if "cli" in parts:
            results["cli"] = bench_cli(acc, args.full, cpu)
        if "stats" in parts:
            results["stats"] = bench_stats(acc, neg, args.full)
        if "large" in parts:
            results["large"] = bench_large(acc, args.full)
    finally:
        acc.close()
        if neg:
            neg.close()
    for name, res in results.items():
        (args.out / f"{name}.json").write_text(json.dumps({"meta": meta, "results": res}, indent=2) + "\n")
    print(table(results))
    print(f"\nresults written to {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
