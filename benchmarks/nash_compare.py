"""Pareto frontier and Nash point of accord against NegMAS 0.16 on the shared GENIUS domains (issue 14).

    .venv/bin/python benchmarks/nash_compare.py   # prints a table, writes benchmarks/results/nash_compare.json

Findings (NegMAS 0.16, 2026-12-08) are in docs/validation.md, "Pareto and Nash against NegMAS".

For each bilateral profile pair of shared/data/genius (the base pair of every folder and, where the folder
has one, its reservation-value pair), accord's side is ``accord.api.analyze`` in this process; NegMAS's
is benchmarks/nash_negmas.py in benchmarks/.negmas-venv (accord never imports NegMAS). Each difference is
classified by recomputing, on accord's frontier, the Nash point under NegMAS's definitions:

- disagreement point: accord uses the reservation values r_i and restricts to the ZOPA; NegMAS's
  ``nash_points`` uses r_i only when r_i >= the party's minimum utility, else that minimum, and does not
  restrict to the ZOPA;
- ties: accord takes the lowest outcome index among equal products; NegMAS returns every frontier point
  within 1e-12 of the best product, in its frontier order (welfare descending);
- scale: NegMAS 0.16's GENIUS reader does not divide an issue's evaluations by their maximum (GENIUS and
  accord do), so its utilities are not GENIUS's; the Nash point is computed on a different problem.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NEGMAS_PY = (
    Path("/work/main/benchmarks/.negmas-venv/bin/python")
    if not (HERE / ".negmas-venv").exists()
    else HERE / ".negmas-venv" / "bin" / "python"
)
EPS = 1e-12

# (label, folder, domain file, profile a, profile b): the pairs GENIUS ships in each shared folder.
PAIRS = [
    ("NiceOrDie", "NiceOrDie", "NiceOrDie.xml", "NiceOrDie1", "NiceOrDie2"),
    ("NiceOrDie rv", "NiceOrDie", "NiceOrDie.xml", "NiceOrDieA50", "NiceOrDieB10"),
    ("Laptop", "Laptop", "laptop_domain.xml", "laptop_buyer_utility", "laptop_seller_utility"),
    ("Laptop rv", "Laptop", "laptop_domain.xml", "laptop_buyer_utility10", "laptop_seller_utility10"),
    ("Barter A", "Barter", "Barter-A-domain.xml", "Barter-A-prof1", "Barter-A-prof2"),
    ("Barter B", "Barter", "Barter-B-domain.xml", "Barter-B-prof1", "Barter-B-prof2"),
    ("Barter C", "Barter", "Barter-C-domain.xml", "Barter-C-prof1", "Barter-C-prof2"),
    (
        "ItexvsCypress",
        "ItexvsCypress",
        "ItexvsCypress_domain.xml",
        "ItexvsCypress_Itex",
        "ItexvsCypress_Cypress",
    ),
    (
        "ItexvsCypress rv",
        "ItexvsCypress",
        "ItexvsCypress_domain.xml",
        "ItexvsCypress_Itex50",
        "ItexvsCypress_Cypress100",
    ),
    ("Car", "ANAC2015-CarDomain", "car_domain.xml", "car-Profile1", "car-Profile2"),
    ("Car rv", "ANAC2015-CarDomain", "car_domain.xml", "car-ProfileA50", "car-ProfileB100"),
    ("EnglandZimbabwe", "EnglandZimbabwe", "EnglandZimbabwe_domain.xml", "England", "Zimbabwe"),
    ("EnglandZimbabwe rv", "EnglandZimbabwe", "EnglandZimbabwe_domain.xml", "England10", "Zimbabwe10"),
    ("Grocery", "Grocery", "Grocery_domain.xml", "Grocery_domain_mary", "Grocery_domain_sam"),
    ("Grocery rv", "Grocery", "Grocery_domain.xml", "Grocery_domain_mary50", "Grocery_domain_sam100"),
    ("Amsterdam", "Amsterdam", "Amsterdam_domain.xml", "Amsterdam_party1", "Amsterdam_party2"),
    ("Amsterdam rv", "Amsterdam", "Amsterdam_domain.xml", "Amsterdam_A100", "Amsterdam_B20"),
    ("PartyDomain", "PartyDomain", "party_domain.xml", "party1_utility", "party2_utility"),
    ("PartyDomain rv", "PartyDomain", "party_domain.xml", "party1_utility100", "party2_utility10"),
    ("GeniusWeb-Party", "GeniusWeb-Party", "party.json", "party1", "party2"),
    ("Camera", "Camera", "camera_domain.xml", "camera_buyer_utility", "camera_seller_utility"),
    ("Camera rv", "Camera", "camera_domain.xml", "camera_buyer_100", "camera_seller_20"),
    ("ANL2023-domain00", "ANL2023-domain00", "domain00.json", "profileA", "profileB"),
    ("Travel", "Travel", "travel_domain.xml", "travel_chox", "travel_fanny"),
    ("Energy", "Energy", "energy_domain.xml", "energy_consumer", "energy_distributor"),
    ("SixIssuesInteger", "SixIssuesInteger", "6issues.xml", "6issues_util1", "6issues_util2"),
]


def data_dir() -> Path:
    for cand in (ROOT.parent / "shared", Path("/work/shared")):
        if (cand / "data" / "genius").is_dir():
            return cand / "data" / "genius"
    raise SystemExit("shared/data/genius not found")


def key(outcome: dict) -> tuple:
    """An outcome as comparable text (NegMAS gives integer values as ints, accord as numbers or text)."""
    out = []
    for k in sorted(outcome):
        v = outcome[k]
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        out.append((k, str(v)))
    return tuple(out)


def accord_side(folder: Path, a: str, b: str) -> dict:
    from accord import api

    d = api.analyze(api.load(folder, parties=[a, b]))
    names = [a, b]
    r = [float(d["reservations"][n]) for n in names]

    def pt(p):
        return (
            None if p is None else {"outcome": p["outcome"], "utilities": [p["utilities"][n] for n in names]}
        )

    return {
        "reservations": r,
        "pareto": [pt(p) for p in d["pareto"]],
        "nash": pt(d["nash"]),
    }


def products(points: list[dict], d: list[float]) -> list[float]:
    return [(p["utilities"][0] - d[0]) * (p["utilities"][1] - d[1]) for p in points]


def negmas_disagreement(neg: dict) -> list[float]:
    """The point NegMAS's nash_points subtracts: r_i when finite and >= the party's minimum, else the minimum."""
    d = []
    for r, (lo, _) in zip(neg["reserved"], neg["ranges"], strict=True):
        d.append(r if r is not None and math.isfinite(r) and r >= lo else lo)
    return d


def classify(acc: dict, neg: dict) -> dict:
    """Compare one pair; recompute on accord's frontier the Nash point under NegMAS's definitions."""
    r = acc["reservations"]
    zopa = [p for p in acc["pareto"] if all(u >= ri for u, ri in zip(p["utilities"], r, strict=True))]
    # NegMAS's pareto_frontier keeps only rational outcomes (>= every reserved value): compare with accord's
    # frontier points in the ZOPA (the same set, since whatever dominates a rational outcome is rational).
    af = {key(p["outcome"]): p for p in zopa}
    nf = {key(p["outcome"]): p for p in neg["pareto"]}
    a_nash = key(acc["nash"]["outcome"]) if acc["nash"] else None
    n_all = [key(p["outcome"]) for p in neg["nash"]]
    n_first = n_all[0] if n_all else None
    a_vectors = {tuple(p["utilities"]) for p in zopa}
    out: dict = {
        "frontier_sizes_whole": [len(acc["pareto"]), len(nf)],
        "frontier_sizes": [len(af), len(nf)],
        "distinct_utility_vectors": [len(a_vectors), len({tuple(p["utilities"]) for p in neg["pareto"]})],
        "same_frontier": set(af) == set(nf),
        "only_accord": [dict(k) for k in sorted(set(af) - set(nf))][:5],
        "only_negmas": [dict(k) for k in sorted(set(nf) - set(af))][:5],
        "nash_same": a_nash == n_first,
        "negmas_ties": len(n_all),
        "accord_nash_among_negmas_ties": a_nash in n_all,
    }
    if zopa:
        pr = products(zopa, r)
        best = max(pr)
        out["accord_ties_within_eps"] = sum(1 for x in pr if x >= best - EPS)
    # accord's frontier, NegMAS's rule: disagreement point d, no ZOPA filter, every point within EPS of the
    # best product, the first in NegMAS's order (welfare descending; NegMAS sorts its frontier that way).
    d = negmas_disagreement(neg)
    out["negmas_disagreement"] = d
    pts = sorted(acc["pareto"], key=lambda p: -(p["utilities"][0] + p["utilities"][1]))
    pr = products(pts, d)
    best = max(pr)
    emulated = [key(p["outcome"]) for p, x in zip(pts, pr, strict=True) if x >= best - EPS]
    out["emulated_negmas_nash_on_accord_frontier"] = [dict(k) for k in emulated]
    n_r = [key(p["outcome"]) for p in neg.get("nash_with_d_equal_r", [])]
    out["negmas_nash_with_d_equal_r_is_accords"] = (n_r[0] if n_r else None) == a_nash
    out["negmas_ties_with_d_equal_r"] = len(n_r)
    if out["nash_same"]:
        cause = "same"
    elif n_first is not None and n_first not in af:
        cause = "frontier differs"
    elif a_nash in n_all:
        cause = "tie"
    elif emulated and emulated[0] == n_first:
        cause = "disagreement point" if d != r else "zopa"
    else:
        cause = "unexplained"
    out["cause"] = cause
    return out


def _fmt(point: dict | None) -> str:
    return "none" if point is None else "(" + ", ".join(f"{u:.4f}" for u in point["utilities"]) + ")"


def main() -> None:
    root = data_dir()
    neg = subprocess.Popen(
        [str(NEGMAS_PY), str(HERE / "nash_negmas.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE,
    )
    assert neg.stdin and neg.stdout
    version = json.loads(neg.stdout.readline())
    rows = []
    for label, folder, domain, a, b in PAIRS:
        f = root / folder
        ext = ".json" if domain.endswith(".json") else ".xml"
        files = [str(f / (a + ext)), str(f / (b + ext))]
        n, raw = ({}, {})
        for scale in ("genius", "raw"):
            neg.stdin.write(json.dumps({"domain": str(f / domain), "profiles": files, "scale": scale}) + "\n")
            neg.stdin.flush()
            got = json.loads(neg.stdout.readline())
            if scale == "genius":
                n = got
            else:
                raw = got
        try:
            acc = accord_side(f, a, b)
        except Exception as e:  # noqa: BLE001 - a load failure is a result of the comparison
            acc = {"error": f"{type(e).__name__}: {e}"}
        row = {"label": label, "folder": folder, "profiles": [a, b], "accord": acc, "negmas": n}
        if "error" not in acc and "error" not in n:
            row["compare"] = classify(acc, n)
        if "error" not in acc and "error" not in raw:
            # Raw scale: only the frontier and the Nash outcome are comparable (utilities are not GENIUS's).
            c = classify(acc, {**raw, "ranges": raw["ranges"]})
            row["compare_raw_scale"] = {k: c[k] for k in ("frontier_sizes", "same_frontier", "nash_same")}
        row["negmas_raw_scale"] = {k: v for k, v in raw.items() if k != "pareto"}
        rows.append(row)
        c = row.get("compare", {})
        print(
            label,
            c.get("frontier_sizes"),
            c.get("nash_same"),
            c.get("cause"),
            row.get("compare_raw_scale"),
            acc.get("error"),
            n.get("error"),
            file=sys.stderr,
        )
    neg.stdin.close()
    neg.wait(timeout=60)
    print("| Pair | Frontier accord / NegMAS | Nash accord | Nash NegMAS | cause |")
    print("|---|---|---|---|---|")
    for row in rows:
        c = row.get("compare")
        if c is None:
            print(
                f"| {row['label']} | - | - | - | not compared: {row['negmas'].get('error') or row['accord'].get('error')} |"
            )
            continue
        an, nn = row["accord"]["nash"], row["negmas"]["nash"]
        fa, fb = c["frontier_sizes"]
        print(f"| {row['label']} | {fa} / {fb} | {_fmt(an)} | {_fmt(nn[0] if nn else None)} | {c['cause']} |")
    out = {"negmas": version["negmas"], "rows": rows}
    (HERE / "results" / "nash_compare.json").write_text(json.dumps(out, allow_nan=False) + "\n")


if __name__ == "__main__":
    main()
