"""Per-run metrics against a brute-force analysis; leaderboards and intervals against hand computation.

References: an O(N²) dominance check and exhaustive maxima over every outcome of the real Hanoi scenario
(written here, independent of accord.analysis); Newcombe 1998 (Stat. Med. 17:857-872, Table I) for the
Wilson interval; hand-computed leaderboards.
"""

import json

import numpy as np
import pyarrow as pa
import pytest

from accord.experiments import metrics as M
from accord.io import load
from accord.protocols.alternating import run_alternating
from accord.strategies.catalog import make

from .conftest import GENIUS, HANOI


def _brute(comp):
    U = comp.utilities
    r = comp.reservations
    feas = comp.feasible
    idx = np.flatnonzero(feas)
    V = U[:, idx]
    ge = (V[:, None, :] >= V[:, :, None]).all(axis=0)  # ge[a, b]: b >= a everywhere
    gt = (V[:, None, :] > V[:, :, None]).any(axis=0)
    dominated = (ge & gt).any(axis=1)
    front = V[:, ~dominated]
    zopa = (r[:, None] <= V).all(axis=0)
    Z = V[:, zopa]
    nash = Z[:, np.argmax(np.prod(Z - r[:, None], axis=0))]
    best = Z.max(axis=1)
    ks = Z[:, np.argmax(np.min((Z - r[:, None]) / (best - r)[:, None], axis=0))]
    mw = V[:, np.argmax(V.sum(axis=0))]
    return front, nash, ks, mw


@pytest.mark.parametrize(
    "negs", [("boulware", "boulware"), ("conceder", "linear"), ("hardliner", "conceder")]
)
def test_run_metrics_match_a_brute_force_analysis(negs):
    from accord.analysis.solutions import analyze

    sc = load(HANOI)
    comp = sc.compile()
    front, nash, ks, mw = _brute(comp)
    for seed in range(3):
        res = run_alternating(comp, [make(n) for n in negs], seed=seed)
        row = M.run_metrics(comp, analyze(comp), res)
        u = np.array([res.utilities[n] for n in sc.party_names])
        r = comp.reservations
        assert row["agreement"] == res.agreement
        assert row["utility_0"] == u[0] and row["party_1"] == sc.party_names[1]
        assert row["welfare"] == pytest.approx(u.sum(), abs=1e-12)
        assert row["nash_product"] == pytest.approx(np.prod(u - r), abs=1e-12)
        assert row["advantage_1"] == pytest.approx(u[1] - r[1], abs=1e-12)
        assert row["dist_pareto"] == pytest.approx(
            np.sqrt(((front - u[:, None]) ** 2).sum(0)).min(), abs=1e-12
        )
        assert row["dist_nash"] == pytest.approx(np.linalg.norm(nash - u), abs=1e-12)
        assert row["dist_ks"] == pytest.approx(np.linalg.norm(ks - u), abs=1e-12)
        assert row["dist_max_welfare"] == pytest.approx(np.linalg.norm(mw - u), abs=1e-12)
        if res.agreement:
            assert json.loads(row["outcome"]) == res.outcome


def test_wilson_interval_matches_newcombe():
    lo, hi = M.wilson(81, 263)
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)
    lo, hi = M.wilson(15, 148)
    assert (round(lo, 4), round(hi, 4)) == (0.0624, 0.1605)
    assert M.wilson(0, 0) == (0.0, 1.0)


def _table():
    rows = [
        # negotiator_0, negotiator_1, utility_0, utility_1, agreement, scenario
        ("a", "b", 0.6, 0.4, True, "d1"),
        ("b", "a", 0.7, 0.2, True, "d1"),
        ("a", "a", 0.5, 0.5, False, "d2"),
        ("b", "b", 0.3, 0.3, False, "d2"),
    ]
    cols = {
        "run": list(range(4)),
        "scenario": [r[5] for r in rows],
        "negotiator_0": [r[0] for r in rows],
        "negotiator_1": [r[1] for r in rows],
        "agreement": [r[4] for r in rows],
        "rounds": [3, 4, 10, 10],
    }
    for i in (0, 1):
        cols[f"party_{i}"] = ["p", "p"] if False else [f"p{i}"] * 4
        cols[f"utility_{i}"] = [r[2 + i] for r in rows]
        cols[f"discounted_utility_{i}"] = [r[2 + i] for r in rows]
        cols[f"advantage_{i}"] = [r[2 + i] - 0.1 for r in rows]
    cols["welfare"] = [r[2] + r[3] for r in rows]
    for c in ("nash_product", "dist_pareto", "dist_nash", "dist_ks", "dist_max_welfare"):
        cols[c] = [0.0, 0.1, 0.2, None]
    return pa.table(cols)


def test_leaderboard_by_hand():
    board = {r["negotiator"]: r for r in M.leaderboard(_table())}
    a, b = board["a"], board["b"]
    assert a["negotiations"] == 4 and b["negotiations"] == 4  # self-play counts both sides
    assert a["mean_utility"] == pytest.approx((0.6 + 0.2 + 0.5 + 0.5) / 4)
    assert b["mean_utility"] == pytest.approx((0.4 + 0.7 + 0.3 + 0.3) / 4)
    assert a["agreement_rate"] == pytest.approx(0.5) and b["agreement_rate"] == pytest.approx(0.5)
    assert a["mean_rounds"] == pytest.approx((3 + 4 + 10 + 10) / 4)
    assert b["mean_dist_nash"] == pytest.approx((0.0 + 0.1) / 2)  # rows with no value are left out
    assert (a["rank"], b["rank"]) == (1, 2)
    per = M.leaderboard(_table(), per_domain=True)
    d2 = {r["negotiator"]: r for r in per if r["scenario"] == "d2"}
    assert d2["a"]["mean_utility"] == pytest.approx(0.5) and d2["a"]["rank"] == 1
    assert d2["b"]["negotiations"] == 2 and d2["b"]["rank"] == 2


def test_summary_of_a_table():
    s = M.summary(_table())
    assert s["runs"] == 4 and s["agreements"] == 2 and s["agreement_rate"] == 0.5
    assert s["mean_utilities"] == {"p0": pytest.approx(0.525), "p1": pytest.approx(0.35)}
    assert s["mean_rounds"] == pytest.approx(6.75)


def test_metrics_on_a_genius_domain_with_no_deal():
    from accord.analysis.solutions import analyze

    sc = load(GENIUS / "Laptop", ["laptop_buyer_utility10", "laptop_seller_utility10"])
    comp = sc.compile()
    res = run_alternating(comp, [make("hardliner"), make("hardliner")], seed=0)
    row = M.run_metrics(comp, analyze(comp), res)
    assert not row["agreement"] and row["outcome"] is None and row["outcome_index"] is None
    r = comp.reservations
    assert row["utility_0"] == r[0] and row["nash_product"] == 0.0
    front, nash, _ks, _mw = _brute(comp)
    assert row["dist_nash"] == pytest.approx(np.linalg.norm(nash - r), abs=1e-12)
