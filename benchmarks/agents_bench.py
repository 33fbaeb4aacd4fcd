"""Agent speed, side by side: each accord agent against NegMAS 0.16's comparable agent, where it has one.

    .venv/bin/python benchmarks/agents_bench.py                 # 20 negotiations per agent (~10 min)
    .venv/bin/python benchmarks/agents_bench.py --count 5 --agents hardheaded,micro

Setting (issue 5): a 100-round negotiation on a 10^5-outcome domain (5 integer issues x 10 values, fresh
random preferences per negotiation from ``prefs.py``, identical for both libraries). The agent is party a;
the common opponent, party b, is a Boulware time-based negotiator (accord ``boulware``, NegMAS
``BoulwareTBNegotiator``). Each negotiation is timed inside its library's worker process, from building
the preferences to the end of the run; imports and one warm-up negotiation per agent are not timed.

Method: accord runs in the project's .venv (``agents_accord.py``), NegMAS in benchmarks/.negmas-venv
(``agents_negmas.py``; create it with ``bash benchmarks/setup_negmas.sh``), both pinned to the same core
with single-threaded BLAS. Negotiation i of an agent runs in both libraries back to back, the order
alternating with i, so both see the same machine state; the ratio is NegMAS's total time over accord's on
the negotiations both ran. A NegMAS agent stops after ``--negmas-budget`` seconds (at least one
negotiation), so a very slow one is measured on fewer negotiations; the table says how many.
This script imports neither library.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import sys
from pathlib import Path

from run_all import NEGMAS_PY, RESULTS, Worker, cpu_model, log

HERE = Path(__file__).resolve().parent
TARGET = 50.0
#: accord agents with no pure-Python NegMAS counterpart, and why.
NO_COUNTERPART = {
    "atlas3": "NegMAS 0.16 has Atlas3 only through the Java GENIUS bridge (negmas.genius.gnegotiators)",
    "pars_agent": "NegMAS 0.16 has ParsAgent only through the Java GENIUS bridge",
    "caduceus": "NegMAS 0.16 has Caduceus only through the Java GENIUS bridge",
    "bayesian_tit_for_tat": "no Bayesian tit-for-tat in NegMAS 0.16 (only a Bayesian opponent-model component)",
    "envoy": "accord staged-talks strategy; no NegMAS equivalent",
    "leader": "accord staged-talks strategy; no NegMAS equivalent",
    "walk_away": "accord baseline (walks away at once); no NegMAS equivalent",
}


def machine() -> dict:
    cpu = cpu_model() or platform.processor() or ""
    import os

    return {"cpu": cpu, "cores": os.cpu_count(), "os": platform.platform(), "python": sys.version.split()[0]}


def bench_agent(name: str, acc: Worker, neg: Worker | None, args: argparse.Namespace) -> dict:
    kw = {"k": args.k, "total": args.count, "seed": args.seed, "steps": args.steps}
    acc.call("run", agent=name, start=0, count=1, **kw)  # warm-up: lazy imports, caches
    has_neg = neg is not None and name in args.counterparts
    if has_neg:
        warm = neg.call("run", agent=name, start=0, count=1, **kw)
        if "failed" in warm:
            has_neg = False
            neg_failed = warm["failed"]
    rows = []
    neg_spent = 0.0
    for i in range(args.count):
        order = ["accord", "negmas"] if i % 2 == 0 else ["negmas", "accord"]
        row = {"i": i}
        for lib in order:
            if lib == "accord":
                row["accord"] = acc.call("run", agent=name, start=i, count=1, **kw)
            elif has_neg and neg_spent < args.negmas_budget:
                got = neg.call("run", agent=name, start=i, count=1, **kw)
                row["negmas"] = got
                neg_spent += got.get("seconds", 0.0)
        rows.append(row)
    a_runs = [r["accord"] for r in rows]
    out: dict = {
        "agent": name,
        "accord": {
            "n": len(a_runs),
            "ms_per_negotiation": 1000 * sum(r["seconds"] for r in a_runs) / len(a_runs),
            "mean_rounds": statistics.fmean(x for r in a_runs for x in r["rounds"]),
            "agreements": sum(r["agreements"] for r in a_runs),
        },
    }
    both = [r for r in rows if "negmas" in r and "seconds" in r["negmas"]]
    if both:
        n_runs = [r["negmas"] for r in both]
        acc_same = sum(r["accord"]["seconds"] for r in both)
        neg_same = sum(r["seconds"] for r in n_runs)
        per = [r["negmas"]["seconds"] / r["accord"]["seconds"] for r in both]
        out["negmas"] = {
            "counterpart": args.counterparts[name],
            "n": len(n_runs),
            "ms_per_negotiation": 1000 * neg_same / len(n_runs),
            "mean_rounds": statistics.fmean(x for r in n_runs for x in r["rounds"]),
            "agreements": sum(r["agreements"] for r in n_runs),
            "errors": sorted({e for r in n_runs for e in r.get("errors", [])})[:3],
        }
        out["ratio"] = neg_same / acc_same
        out["ratio_per_negotiation"] = {"median": statistics.median(per), "min": min(per), "max": max(per)}
        out["meets_target"] = out["ratio"] >= TARGET
    elif name in args.counterparts and neg is not None:
        out["negmas"] = {"counterpart": args.counterparts[name], "failed": locals().get("neg_failed", "?")}
    else:
        out["no_counterpart"] = NO_COUNTERPART.get(name, "no comparable pure-Python NegMAS agent")
    return out


def fmt_row(r: dict) -> str:
    a = r["accord"]
    acc = f"{a['ms_per_negotiation']:.1f} | {a['mean_rounds']:.1f} | {a['agreements']}/{a['n']}"
    if "ratio" in r:
        n = r["negmas"]
        neg = f"`{n['counterpart']}` | {n['ms_per_negotiation']:.0f} | {n['mean_rounds']:.1f} | {n['agreements']}/{n['n']}"
        verdict = "yes" if r["meets_target"] else "**no (miss)**"
        return f"| {r['agent']} | {acc} | {neg} | **{r['ratio']:.0f}x** | {verdict} |"
    why = r.get("no_counterpart") or f"counterpart failed: {r['negmas'].get('failed')}"
    return f"| {r['agent']} | {acc} | {why} | – | – | – | – | – |"


def write_markdown(result: dict, path: Path) -> None:
    m, v = result["machine"], result["versions"]
    lines = [
        "# Agent speed: accord vs NegMAS 0.16",
        "",
        f"Date: {result['date']}. Machine: {m['cpu']}, {m['cores']} cores, {m['os']}, both workers pinned to one "
        f"core, single-threaded BLAS. accord {v['accord'].get('accord')} (numpy {v['accord'].get('numpy')}), "
        f"NegMAS {v['negmas'].get('negmas', '-')} (numpy {v['negmas'].get('numpy', '-')}), "
        f"Python {v['accord'].get('python')}.",
        "",
        f"Setting: {result['setting']}",
        "",
        f"Target (issue 5): accord >= {TARGET:.0f}x faster than NegMAS's comparable agent. Ratio = NegMAS time / "
        "accord time over the negotiations both ran (ms = mean wall time per negotiation, including "
        "building preferences; rounds = mean rounds to the end; agr = agreements).",
        "",
        "| agent | accord ms | rounds | agr | NegMAS counterpart | NegMAS ms | rounds | agr | ratio | >= 50x |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [fmt_row(r) for r in result["agents"]]
    lines += [
        "",
        "Counterparts are NegMAS's pure-Python negotiators; the ANAC agents there are NegMAS's own "
        "transcompiled GENIUS BOA components (offering, acceptance, model of that agent) in a "
        "`BOANegotiator`. Agents NegMAS has only through its Java GENIUS bridge are not run (no Java here, "
        "and a bridge would time the JVM), and are listed with accord's own speed. Both libraries' agents "
        "are independent implementations of the same papers, so their rounds and agreements differ; the "
        "comparison is of cost per negotiation under the same setting, not of identical play.",
        "",
        "Reproduce: `bash benchmarks/setup_negmas.sh && .venv/bin/python benchmarks/agents_bench.py`.",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=20, help="negotiations per agent")
    ap.add_argument("--k", type=int, default=5, help="issues of 10 values (5: 10^5 outcomes)")
    ap.add_argument("--steps", type=int, default=100, help="rounds per negotiation")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--agents", help="comma-separated accord strategy names (default: all)")
    ap.add_argument("--negmas-budget", type=float, default=120.0, help="seconds of NegMAS time per agent")
    ap.add_argument("--cpu", type=int, default=0, help="core both workers are pinned to (-1: none)")
    ap.add_argument("--out", default="agents", help="stem of results/<out>.json and .md")
    args = ap.parse_args()
    cpu = None if args.cpu < 0 else args.cpu
    acc = Worker("accord", Path(sys.executable), "agents_accord.py", cpu)
    neg = Worker("negmas", NEGMAS_PY, "agents_negmas.py", cpu) if NEGMAS_PY.exists() else None
    if neg is None:
        log("benchmarks/.negmas-venv missing (bash benchmarks/setup_negmas.sh): accord side only")
    try:
        acc_info = acc.call("info")
        neg_info = neg.call("info") if neg else {}
        args.counterparts = neg_info.get("counterparts", {})
        names = args.agents.split(",") if args.agents else sorted(acc_info["strategies"])
        results = []
        for name in names:
            log(f"[agents] {name} ...")
            r = bench_agent(name, acc, neg, args)
            results.append(r)
            log("    " + fmt_row(r))
    finally:
        acc.close()
        if neg:
            neg.close()
    result = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": {
            "accord": acc_info,
            "negmas": {k: v for k, v in neg_info.items() if k != "counterparts"},
        },
        "setting": (
            f"{args.count} negotiations per agent, {args.steps} rounds, {10**args.k:,} outcomes ({args.k} integer "
            f"issues x 10 values), fresh random preferences per negotiation (prefs.py, seed {args.seed}); agent vs "
            "a Boulware time-based opponent (accord boulware / NegMAS BoulwareTBNegotiator)."
        ),
        "target": TARGET,
        "agents": results,
    }
    result["versions"]["accord"].pop("strategies", None)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    write_markdown(result, RESULTS / f"{args.out}.md")
    log(f"wrote {RESULTS / (args.out + '.json')} and .md")


if __name__ == "__main__":
    main()
