"""Discounting and breakdown risk against the oracle tables (Rubinstein 1982; Binmore, Rubinstein & Wolinsky 1986)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest

from accord.bargaining import breakdown as BD

ORACLES = Path(os.environ.get("ACCORD_SHARED", "/work/shared")) / "reference" / "oracles"


def _rows(name: str) -> list[dict[str, float]]:
    with open(ORACLES / name, encoding="utf-8") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    return [{k: float(v) for k, v in r.items()} for r in csv.DictReader(lines)]


def test_brw_against_the_oracle():
    for r in _rows("binmore_rubinstein_wolinsky_breakdown.csv"):
        assert BD.brw_share(r["p"], r["b1"], r["b2"]) == pytest.approx(r["proposer_share_x1"], rel=1e-12)
        assert BD.brw_share(1e-12, r["b1"], r["b2"]) == pytest.approx(r["limit_p_to_0_nbs_x1"], abs=1e-9)
        # the finite game tends to it (the error shrinks like (1 - p)^T)
        x = BD.spe_shares(4000, r["p"], breakdown=(r["b1"], r["b2"]))
        assert x[0] == pytest.approx(r["proposer_share_x1"], abs=1e-9)


def test_rubinstein_against_the_oracle():
    for r in _rows("rubinstein_spe_shares.csv"):
        assert BD.rubinstein_share(r["delta1"], r["delta2"]) == pytest.approx(
            r["proposer_share_x1"], rel=1e-12
        )
        x = BD.spe_shares(2000, 0.0, delta=(r["delta1"], r["delta2"]))
        assert x[0] == pytest.approx(r["proposer_share_x1"], abs=1e-9)


def test_spe_is_vectorised_over_runs_and_short_games_by_hand():
    p = np.array([0.1, 0.5])
    got = BD.spe_shares(4000, p)
    assert got == pytest.approx(BD.brw_share(p))
    # one round: ultimatum, proposer takes all but the responder's breakdown payoff
    assert BD.spe_shares(1, 0.3, breakdown=(0.1, 0.2))[0] == pytest.approx(0.8)
    # two rounds: responder (party 1) gets p b1 + (1 - p)(1 - b0) = 0.3*0.2 + 0.7*0.9
    assert BD.spe_shares(2, 0.3, breakdown=(0.1, 0.2))[0] == pytest.approx(1 - (0.06 + 0.63))


def test_breakdown_rounds_match_the_survival_function():
    rng = np.random.default_rng(86)
    B, R = 100_000, 10
    p = np.full(B, 0.15)
    k = BD.breakdown_rounds(p, R, rng)
    for r in (1, 3, 6, 9):
        # P(talks open after r rejections) = (1 - p)^r; 4 sd of a share over 1e5 runs <= 0.0064
        assert (k > r).mean() == pytest.approx(BD.still_open(0.15, r), abs=0.0064)
    assert k.max() == R and BD.breakdown_rounds(np.array([0.0, 1.0]), 5, rng).tolist() == [5, 1]


def test_time_adjusted():
    assert BD.time_adjusted(np.array([1.0, 0.5]), 2, 0.9, 0.05) == pytest.approx([0.81 - 0.1, 0.405 - 0.1])
