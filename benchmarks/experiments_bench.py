"""Benchmarks of experiments at scale: Monte Carlo of the full Hanoi scenario, and a tournament vs NegMAS.

    .venv/bin/python benchmarks/experiments_bench.py                      # both parts (NegMAS: ~10-25 min)
    .venv/bin/python benchmarks/experiments_bench.py --parts mc                 # 100,000 runs per executor
    .venv/bin/python benchmarks/experiments_bench.py --parts tournament --repetitions 10

Part ``mc`` (target: 100,000 runs of the full Hanoi scenario, both tracks and implementation, in < 60 s on
2 cores): ``accord montecarlo scenarios/hanoi-2019.yaml`` with the file's uncertain inputs, timed as a whole
command at 1 worker (in-process), 2 local worker processes and a Dask cluster on 127.0.0.1 (a scheduler and
2 single-threaded workers started here); the three results tables are checked to be identical. By default every
executor runs the full 100,000 (``--mc-runs`` smaller extrapolates from the rate). The same is measured for the
scenario with every input fixed at its nominal value (only the seeds vary), at full size. In the same invocation,
the lockstep engine is compared with the run-by-run engine it replaces on the same jobs (CPU time per run in
this process: ``run_chunk`` on chunks of 500 vs ``prepare`` + ``talks_rows`` job by job, rows compared equal).

Part ``tournament`` (target: >= 100x faster than NegMAS 0.16's ``cartesian_tournament`` on the same work):
6 strategies both libraries have, every ordered pair (self-play included) on 10 GENIUS domains, R
repetitions, 100 rounds. accord: ``accord tournament ... --workers 1`` (whole command, one process). NegMAS:
``benchmarks/experiments_negmas.py`` in benchmarks/.negmas-venv (one process, ``njobs=-1``). Both run in this
one invocation, one after the other, each pinned to the same core.

Results: benchmarks/results/experiments.json and experiments.md (merged into BENCHMARKS.md by hand).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
WORK = HERE / "_work" / "experiments"
PY = Path(sys.executable)
BIN = PY.parent
NEGMAS_PY = HERE / ".negmas-venv" / "bin" / "python"
HANOI = ROOT / "scenarios" / "hanoi-2019.yaml"
GENIUS = ROOT.parent / "shared" / "data" / "genius"
TARGET_RUNS, TARGET_SECONDS, TARGET_RATIO = 100_000, 60.0, 100.0

#: (label, folder, domain file, the two profiles): ten GENIUS domains readable by both libraries.
DOMAINS = [
    ("Laptop", "Laptop", "laptop_domain.xml", ("laptop_buyer_utility.xml", "laptop_seller_utility.xml")),
    ("Grocery", "Grocery", "Grocery_domain.xml", ("Grocery_domain_mary.xml", "Grocery_domain_sam.xml")),
    ("Camera", "Camera", "camera_domain.xml", ("camera_buyer_utility.xml", "camera_seller_utility.xml")),
    ("EnglandZimbabwe", "EnglandZimbabwe", "EnglandZimbabwe_domain.xml", ("England.xml", "Zimbabwe.xml")),
    (
        "ItexvsCypress",
        "ItexvsCypress",
        "ItexvsCypress_domain.xml",
        ("ItexvsCypress_Cypress.xml", "ItexvsCypress_Itex.xml"),
    ),
    ("Amsterdam", "Amsterdam", "Amsterdam_domain.xml", ("Amsterdam_party1.xml", "Amsterdam_party2.xml")),
    ("NiceOrDie", "NiceOrDie", "NiceOrDie.xml", ("NiceOrDie1.xml", "NiceOrDie2.xml")),
    ("PartyDomain", "PartyDomain", "party_domain.xml", ("party1_utility.xml", "party2_utility.xml")),
    ("CarDomain", "ANAC2015-CarDomain", "car_domain.xml", ("car-Profile1.xml", "car-Profile2.xml")),
    ("Barter-A", "Barter", "Barter-A-domain.xml", ("Barter-A-prof1.xml", "Barter-A-prof2.xml")),
]
#: The spaces range from 3 to 3,600 outcomes. The library's larger GENIUS domains (Travel 188,160, Energy
#: 390,625, SixIssuesInteger 10^6 outcomes) are left out: NegMAS enumerates and sorts the outcomes again in
#: every negotiation there, which would stretch its side to hours.
#: accord names; experiments_negmas.py maps them to NegMAS classes of the same family.
STRATEGIES = ["boulware", "linear", "conceder", "hardliner", "tit_for_tat", "random"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def env() -> dict[str, str]:
    e = dict(os.environ)
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        e[v] = "1"
    e["PYTHONHASHSEED"] = "0"
    return e


def timed(cmd: list[str], cpu: int | None = None, timeout: float | None = None) -> tuple[float, str]:
    """Wall seconds of a whole command (imports included) and its stdout; fails loudly.

    With ``timeout``, a command still running then is stopped and ``(seconds, None)`` returned.
    """
    pre = (
        (lambda: os.sched_setaffinity(0, {cpu}))
        if cpu is not None and hasattr(os, "sched_setaffinity")
        else None
    )
    t = time.perf_counter()
    try:
        p = subprocess.run(
            cmd, capture_output=True, text=True, env=env(), preexec_fn=pre, cwd=ROOT, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t, None  # type: ignore[return-value]
    el = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr[-2000:]}")
    return el, p.stdout


def machine() -> dict[str, object]:
    from run_all import cpu_model

    cpu = cpu_model()
    return {
        "load_average_1min_at_start": round(os.getloadavg()[0], 2),  # the machine is shared: note its load
        "date": dt.date.today().isoformat(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


# ------------------------------------------------------------------------------------------- Monte Carlo


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class DaskCluster:
    """A Dask scheduler and ``n`` single-threaded worker processes on 127.0.0.1 (started and stopped here)."""

    def __init__(self, n: int = 2) -> None:
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        dash = ["--dashboard-address", ":0"]
        self.procs = [
            subprocess.Popen(
                [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(self.port), *dash],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env(),
            )
        ]
        time.sleep(2.0)
        self.procs.append(
            subprocess.Popen(
                [str(BIN / "dask"), "worker", self.address, "--nworkers", str(n), "--nthreads", "1", *dash],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env(),
            )
        )
        from distributed import Client  # wait until every worker is up

        with Client(self.address, timeout=30) as c:
            c.wait_for_workers(n, timeout=60)

    def close(self) -> None:
        for p in reversed(self.procs):
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def _same_tables(a: Path, b: Path) -> bool:
    import pyarrow.parquet as pq

    return pq.read_table(a / "results.parquet").equals(pq.read_table(b / "results.parquet"))


def _nominal_file() -> Path:
    """The Hanoi file with every distribution at its nominal value (what `accord run` sees)."""
    import yaml

    from accord.experiments.params import nominal_document
    from accord.io.yaml_scenario import read_document

    WORK.mkdir(parents=True, exist_ok=True)
    p = WORK / "hanoi-nominal.yaml"
    p.write_text(yaml.safe_dump(nominal_document(read_document(HANOI)), sort_keys=False))
    return p


def bench_engines(runs: int = 1000) -> dict[str, object]:
    """CPU ms per run of the lockstep worker vs the run-by-run path on the same Hanoi jobs (equal rows)."""
    from accord.experiments import worker as W
    from accord.experiments.plans import plan_montecarlo

    def cpu(fn):  # type: ignore[no-untyped-def]
        t = time.process_time()
        out = fn()
        return time.process_time() - t, out

    W.run_chunk(plan_montecarlo(HANOI, 50, seed=10**6, chunk_size=50).task("results", 0))  # warm caches
    plan = plan_montecarlo(HANOI, runs, seed=0, chunk_size=500)
    tasks = [plan.task("results", k) for k, _, _ in plan.chunks("results")]
    lock_s, lock_rows = cpu(lambda: [r for t in tasks for r in W.run_chunk(t)])

    def one_by_one():  # type: ignore[no-untyped-def]
        rows = []
        for t in tasks:
            for job in t.jobs:
                src = t.sources[job.source]
                prep, drawn = W.prepare(src, job)
                rows.extend(W.talks_rows(src, [(job, drawn)], prep, t.issue_columns))
        return rows

    ref_s, ref_rows = cpu(one_by_one)
    same = len(ref_rows) == len(lock_rows) and all(
        list(a) == list(b)
        and all((x == y) or (x != x and y != y) for x, y in zip(a.values(), b.values(), strict=True))
        for a, b in zip(ref_rows, lock_rows, strict=True)
    )
    return {
        "runs": runs,
        "lockstep_ms_per_run": round(lock_s / runs * 1e3, 3),
        "run_by_run_ms_per_run": round(ref_s / runs * 1e3, 3),
        "ratio": round(ref_s / lock_s, 1),
        "identical_rows": bool(same),
    }


def bench_mc(runs: int, nominal_runs: int) -> dict[str, object]:
    from accord.experiments.params import find_uncertain
    from accord.io.yaml_scenario import read_document

    n_unc = len(find_uncertain(read_document(HANOI)))
    out: dict[str, object] = {
        "scenario": "scenarios/hanoi-2019.yaml",
        "uncertain_inputs": n_unc,
        "runs": runs,
    }
    rows = []
    dirs = {}
    base = [str(BIN / "accord"), "montecarlo", str(HANOI), "--runs", str(runs), "--seed", "0", "--quiet"]
    configs: list[tuple[str, list[str]]] = [("1 worker (in-process)", ["--workers", "1"])]
    configs.append(("2 local worker processes", ["--workers", "2"]))
    configs.append(("Dask, 127.0.0.1, 2 workers", ["--scheduler", "<dask>"]))
    for label, extra in configs:
        d = WORK / f"mc-{len(rows)}"
        shutil.rmtree(d, ignore_errors=True)
        cluster = None
        if "<dask>" in extra:
            cluster = DaskCluster(2)
            extra = ["--scheduler", cluster.address]
        try:
            log(f"[mc] {runs:,} runs, {label}")
            secs, _ = timed([*base, *extra, "--out", str(d)])
        finally:
            if cluster:
                cluster.close()
        dirs[label] = d
        rate = runs / secs
        rows.append(
            {
                "executor": label,
                "seconds": round(secs, 2),
                "runs_per_second": round(rate, 1),
                "extrapolated_100k_seconds": round(TARGET_RUNS / rate, 0),
                "load_average_1min_after": round(os.getloadavg()[0], 2),
            }
        )
        log(f"      {secs:.1f} s, {rate:.0f} runs/s -> 100,000 runs in ~{TARGET_RUNS / rate:.0f} s")
    first = next(iter(dirs.values()))
    out["identical_results_across_executors"] = all(_same_tables(first, d) for d in dirs.values())
    out["scaling"] = rows
    log("[mc] lockstep vs run-by-run engine, same jobs, this process")
    out["engines"] = bench_engines()
    log(f"      {out['engines']}")
    best = min(r["extrapolated_100k_seconds"] for r in rows)  # type: ignore[type-var]
    out["target"] = f"{TARGET_RUNS:,} runs in < {TARGET_SECONDS:.0f} s"
    out["met"] = bool(best < TARGET_SECONDS)
    # the same engine with fixed inputs (only the seeds vary): measured at full size, 2 workers
    if nominal_runs:
        nom = _nominal_file()
        d = WORK / "mc-nominal"
        shutil.rmtree(d, ignore_errors=True)
        log(f"[mc] nominal inputs: {nominal_runs:,} runs, 2 local worker processes")
        secs, _ = timed(
            [
                str(BIN / "accord"),
                "montecarlo",
                str(nom),
                "--runs",
                str(nominal_runs),
                "--seed",
                "0",
                "--quiet",
            ]
            + ["--workers", "2", "--out", str(d)]
        )
        out["nominal_inputs"] = {"runs": nominal_runs, "seconds": round(secs, 2), "executor": "2 workers"}
        log(f"      {secs:.1f} s")
    return out


# -------------------------------------------------------------------------------------------- tournament


def bench_tournament(repetitions: int, negmas_timeout: float | None = None) -> dict[str, object]:
    WORK.mkdir(parents=True, exist_ok=True)
    paths = [
        f"{GENIUS / folder}@{a.removesuffix('.xml')},{b.removesuffix('.xml')}"
        for _, folder, _, (a, b) in DOMAINS
    ]
    work = len(STRATEGIES) ** 2 * len(DOMAINS) * repetitions
    d = WORK / "tournament"
    shutil.rmtree(d, ignore_errors=True)
    cmd = [str(BIN / "accord"), "tournament", *paths, "--negotiators", ",".join(STRATEGIES)]
    cmd += ["--repetitions", str(repetitions), "--workers", "1", "--out", str(d), "--quiet", "--json"]
    log(f"[tournament] accord: {work:,} negotiations, one process")
    a_secs, text = timed(cmd, cpu=0)
    acc = json.loads(text)
    log(f"      {a_secs:.1f} s")
    spec = {
        "domains": [
            {"label": lab, "folder": str(GENIUS / folder), "domain": dom, "profiles": list(pr)}
            for lab, folder, dom, pr in DOMAINS
        ],
        "negotiators": STRATEGIES,
        "repetitions": repetitions,
        "rounds": 100,
    }
    sp = WORK / "negmas-spec.json"
    sp.write_text(json.dumps(spec))
    out: dict[str, object] = {
        "work": f"{len(STRATEGIES)} x {len(STRATEGIES)} ordered pairs (self-play included) x {len(DOMAINS)} "
        f"GENIUS domains x {repetitions} repetitions, 100 rounds",
        "strategies": STRATEGIES,
        "domains": [lab for lab, *_ in DOMAINS],
        "accord": {
            "negotiations": acc["negotiations"],
            "seconds": round(a_secs, 2),
            "agreement_rate": round(
                sum(r["agreement_rate"] * r["negotiations"] for r in acc["leaderboard"])
                / sum(r["negotiations"] for r in acc["leaderboard"]),
                4,
            ),
            "measured": "whole command `accord tournament ... --workers 1`: start-up, loading, negotiations, "
            "per-run metrics (distances to Pareto/Nash/KS/max welfare), Parquet and summary",
        },
    }
    if not NEGMAS_PY.exists():
        out["negmas"] = "not run: benchmarks/.negmas-venv missing (bash benchmarks/setup_negmas.sh)"
        return out
    log(f"[tournament] NegMAS cartesian_tournament: {work:,} negotiations, one process (this takes a while)")
    nd = WORK / "negmas-run"
    shutil.rmtree(nd, ignore_errors=True)
    nd.mkdir(parents=True)
    cmd = [str(NEGMAS_PY), str(HERE / "experiments_negmas.py"), str(sp), str(nd)]
    n_secs, text = timed(cmd, cpu=0, timeout=negmas_timeout)
    if text is None:  # stopped: count the negotiations it finished (one result file each)
        done = len(list((nd / "t" / "results").glob("*.json"))) if (nd / "t" / "results").is_dir() else 0
        log(f"      stopped after {n_secs:.0f} s with {done:,} of {work:,} negotiations done")
        out["negmas"] = {
            "finished": False,
            "negotiations_done": done,
            "negotiations": work,
            "seconds": round(n_secs, 2),
            "measured": f"stopped after {n_secs:.0f} s (--negmas-timeout); negotiations counted from its "
            "result files",
        }
        out["speedup_lower_bound"] = round(n_secs / a_secs, 1)
        out["speedup_extrapolated"] = round(n_secs * work / max(done, 1) / a_secs, 1) if done else None
        out["target"] = f">= {TARGET_RATIO:.0f}x"
        out["met"] = bool(n_secs / a_secs >= TARGET_RATIO)
        return out
    neg = json.loads(text.strip().splitlines()[-1])
    log(f"      {n_secs:.1f} s (tournament alone {neg['seconds']:.1f} s)")
    out["negmas"] = {
        "negotiations": neg["negotiations"],
        "seconds": round(n_secs, 2),
        "tournament_seconds": round(neg["seconds"], 2),
        "agreement_rate": round(neg["agreement_rate"], 4),
        "version": neg["negmas"],
        "measured": "whole process: import, loading, cartesian_tournament(njobs=-1, rotate_ufuns=False, "
        "self_play=True, n_steps=100, save_stats=True)",
    }
    ratio = n_secs / a_secs
    out["speedup_whole_process"] = round(ratio, 1)
    out["target"] = f">= {TARGET_RATIO:.0f}x"
    out["met"] = bool(ratio >= TARGET_RATIO)
    return out


# ------------------------------------------------------------------------------------------------ output


def markdown(res: dict[str, object]) -> str:
    m = res["machine"]
    lines = [
        "## Experiments at scale",
        "",
        f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores, shared), Python {m['python']}; "  # type: ignore[index]
        "`benchmarks/experiments_bench.py`.",
        "",
    ]
    mc = res.get("mc")
    if isinstance(mc, dict):
        verdict = "met" if mc["met"] else "**missed**"
        lines += [
            f"### Monte Carlo of the full Hanoi scenario (target {mc['target']}: {verdict})",
            "",
            f"`accord montecarlo scenarios/hanoi-2019.yaml` with its {mc['uncertain_inputs']} uncertain inputs "
            f"(two tracks, beliefs, implementation), {mc['runs']:,} runs per executor, whole command"
            + ("" if mc["runs"] == TARGET_RUNS else "; 100,000 extrapolated from the rate")
            + f". Results identical across executors: {mc['identical_results_across_executors']}.",
            "",
            "| executor | seconds | runs/s | 100,000 runs ("
            + ("measured" if mc["runs"] == TARGET_RUNS else "extrapolated")
            + ") |",
            "|---|---:|---:|---:|",
        ]
        for r in mc["scaling"]:
            lines.append(
                f"| {r['executor']} | {r['seconds']:.1f} | {r['runs_per_second']:.0f} | "
                f"{r['extrapolated_100k_seconds']:,.0f} s |"
            )
        if mc.get("note"):
            lines += ["", f"Note: {mc['note']}."]
        eng = mc.get("engines")
        if isinstance(eng, dict):
            lines += [
                "",
                f"Same invocation, same {eng['runs']:,} jobs, CPU time in one process: the lockstep worker "
                f"{eng['lockstep_ms_per_run']:.2f} ms per run, the run-by-run engine it replaces "
                f"{eng['run_by_run_ms_per_run']:.2f} ms per run: **{eng['ratio']:.0f}x**; rows identical: "
                f"{eng['identical_rows']}.",
            ]
        if mc.get("nominal_inputs"):
            n = mc["nominal_inputs"]
            lines += [
                "",
                f"With every input fixed at its nominal value (only the seeds vary: fact draws, inspections), "
                f"{n['runs']:,} runs take {n['seconds']:.1f} s with 2 workers (measured, not extrapolated).",
            ]
        lines.append("")
    tn = res.get("tournament")
    if isinstance(tn, dict):
        lines += [f"### Tournament vs NegMAS `cartesian_tournament` ({tn['work']})", ""]
        a = tn["accord"]
        nm = tn.get("negmas")
        if isinstance(nm, dict) and nm.get("finished") is False:
            verdict = "met" if tn["met"] else "**missed**"
            ext = tn.get("speedup_extrapolated")
            lines += [
                "| library | negotiations done | seconds (whole process) |",
                "|---|---:|---:|",
                f"| accord | {a['negotiations']:,} of {a['negotiations']:,} | {a['seconds']:.1f} |",
                f"| NegMAS 0.16 | {nm['negotiations_done']:,} of {nm['negotiations']:,} | "
                f"{nm['seconds']:.0f} (stopped) |",
                "",
                f"NegMAS was stopped before it finished; in that time accord could have run the whole tournament "
                f"{tn['speedup_lower_bound']:.0f} times: the speed-up is at least {tn['speedup_lower_bound']:.0f}x"
                + (f", about {ext:.0f}x extrapolated from NegMAS's rate so far" if ext else "")
                + f". Strategies: {', '.join(tn['strategies'])} (NegMAS: the TB negotiators, ToughNegotiator, "
                "NaiveTitForTatNegotiator, RandomNegotiator); domains: " + ", ".join(tn["domains"]) + ".",
            ]
            lr = tn.get("longer_run")
            if isinstance(lr, dict):
                lines += [
                    "",
                    f"A longer run of the same work in an earlier invocation of this script: accord "
                    f"{lr['accord_seconds']:.1f} s for all {lr['negotiations']:,}; NegMAS stopped by hand after "
                    f"{lr['negmas_seconds']:.0f} s with {lr['negmas_done']:,} done: at least "
                    f"{lr['speedup_lower_bound']:.0f}x, about {lr['speedup_extrapolated']:.0f}x extrapolated.",
                ]
            lines += [
                "",
                f"Target {tn['target']}: {verdict}" + (f" ({tn['verdict']})." if tn.get("verdict") else "."),
            ]
        elif isinstance(nm, dict):
            n = tn["negmas"]
            verdict = "met" if tn["met"] else "**missed**"
            lines += [
                "| library | negotiations | seconds (whole process) | agreement rate |",
                "|---|---:|---:|---:|",
                f"| accord | {a['negotiations']:,} | {a['seconds']:.1f} | {a['agreement_rate']:.1%} |",
                f"| NegMAS {n['version']} | {n['negotiations']:,} | {n['seconds']:.1f} | {n['agreement_rate']:.1%} |",
                "",
                f"Speed-up {tn['speedup_whole_process']:.0f}x (target {tn['target']}: {verdict}). Strategies: "
                f"{', '.join(tn['strategies'])} (NegMAS: the TB negotiators, ToughNegotiator, "
                "NaiveTitForTatNegotiator, RandomNegotiator); domains: " + ", ".join(tn["domains"]) + ".",
            ]
        else:
            lines += [
                f"accord: {a['negotiations']:,} negotiations in {a['seconds']:.1f} s; NegMAS {tn['negmas']}."
            ]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", default="mc,tournament")
    ap.add_argument("--mc-runs", type=int, default=100_000, help="runs per executor (fewer: extrapolated)")
    ap.add_argument("--nominal-runs", type=int, default=100_000, help="runs with fixed inputs (0: skip)")
    ap.add_argument("--repetitions", type=int, default=10)
    ap.add_argument(
        "--negmas-timeout",
        type=float,
        default=None,
        help="stop NegMAS after this many seconds and report a lower bound of the speed-up",
    )
    args = ap.parse_args()
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    path = RESULTS / "experiments.json"
    res: dict[str, object] = json.loads(path.read_text()) if path.exists() else {}
    res["machine"] = machine()
    if "mc" in parts:
        res["mc"] = bench_mc(args.mc_runs, args.nominal_runs)
    if "tournament" in parts:
        res["tournament"] = bench_tournament(args.repetitions, args.negmas_timeout)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(res, indent=2) + "\n")
    (RESULTS / "experiments.md").write_text(markdown(res) + "\n")
    print(markdown(res))


if __name__ == "__main__":
    main()
