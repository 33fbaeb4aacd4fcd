"""Implementation over time: survival under a hazard against S(T) = exp(−λT), elections, and the inspection
chain (cheating, detection, false alarms) against its exact law and the inspection game's equilibrium."""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import numpy as np
import pytest

from accord.implementation import durability as DU
from accord.implementation.inspection_game import InspectionGame

ORACLES = Path(os.environ.get("ACCORD_SHARED", "/work/shared")) / "reference" / "oracles"
B = 100_000
TOL = 4 * 0.5 / math.sqrt(B)  # 4 sd of a share, at its largest (p = 1/2)


def test_survival_closed_form():
    h = np.array([[0.1, 0.05]])
    lam = -math.log(0.9) - math.log(0.95)
    for T in (0.0, 1.0, 2.5, 5.0):
        assert DU.survival(h, T)[0] == pytest.approx(math.exp(-lam * T))
        assert DU.survival(h, T)[0] == pytest.approx(0.9**T * 0.95**T)
    # an election at year 2 changes the government with probability 0.5; one at year 6 is beyond T = 5
    s = DU.survival(h, 5.0, elections=np.array([2.0, 6.0]), turnover=np.array([0.5, 0.5]))
    assert s[0] == pytest.approx(math.exp(-lam * 5) * 0.5)
    assert DU.survival(h, 5.0, renege=0.5)[0] == pytest.approx(math.exp(-0.5 * lam * 5))


def test_self_enforcing_deal_survival_by_simulation():
    rng = np.random.default_rng(2002)
    h = np.tile([0.1, 0.05], (B, 1))
    lam = -math.log(0.9) - math.log(0.95)
    alive, end = DU.survives(h, 5.0, rng)
    assert alive.mean() == pytest.approx(math.exp(-lam * 5), abs=TOL)
    # the end times are exponential with rate lambda: S(t) at intermediate t
    for t in (1.0, 3.0):
        assert (end > t).mean() == pytest.approx(math.exp(-lam * t), abs=TOL)
    assert np.all(np.isinf(end[alive]))


def test_elections_and_reneging_by_simulation():
    rng = np.random.default_rng(7)
    h = np.full((B, 1), 0.1)
    alive, _ = DU.survives(
        h, 5.0, rng, elections=np.array([1.5, 4.0]), turnover=np.array([0.4, 0.5]), renege=0.6
    )
    expect = DU.survival(h[:1], 5.0, np.array([1.5, 4.0]), np.array([0.4, 0.5]), renege=0.6)[0]
    assert expect == pytest.approx(math.exp(-0.6 * -math.log(0.9) * 5) * (1 - 0.24) * (1 - 0.3))
    assert alive.mean() == pytest.approx(expect, abs=TOL)


def test_bad_hazard():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        DU.rates(np.array([1.2]))


def test_chain_by_hand_one_and_two_steps():
    p, q, d, a = 0.5, 0.2, 0.8, 0.1
    one = DU.exact_states(p, q, d, a, 1)[0]
    # legal: (1-q)(1-pa); undetected: q(1-pd); caught: q p d; false alarm: (1-q) p a
    assert one == pytest.approx([0.8 * 0.95, 0.2 * 0.6, 0.2 * 0.4, 0.8 * 0.05])
    two = DU.exact_states(p, q, d, a, 2)[0]
    legal = 0.76**2
    undetected = 0.76 * 0.12 + 0.12 * 0.6
    caught = 0.08 + 0.76 * 0.08 + 0.12 * 0.4
    alarm = 0.04 + 0.76 * 0.04
    assert two == pytest.approx([legal, undetected, caught, alarm])
    assert two.sum() == pytest.approx(1.0)


def test_chain_simulation_matches_the_exact_law():
    rng = np.random.default_rng(51)
    p = np.full(B, 0.3)
    st = DU.simulate_states(p, 0.1, 0.7, 0.05, 6, rng)
    freq = np.bincount(st, minlength=4) / B
    assert freq == pytest.approx(DU.exact_states(0.3, 0.1, 0.7, 0.05, 6)[0], abs=TOL)


def test_no_cheating_no_false_alarm_is_always_completed():
    assert DU.exact_states(0.9, 0.0, 0.9, 0.0, 10)[0] == pytest.approx([1, 0, 0, 0])


def test_one_step_at_the_equilibrium_reproduces_the_inspection_game_oracle():
    with open(ORACLES / "inspection_game_2x2_example.csv", encoding="utf-8") as f:
        r = next(csv.DictReader(ln for ln in f if not ln.startswith("#")))
    g = InspectionGame(
        beta=float(r["beta_nondetect"]),
        d=float(r["d_gain_undetected"]),
        b=float(r["b_penalty_detected"]),
        h=float(r["h_inspectee_inspection_cost"]),
        e=float(r["e_inspection_cost"]),
        c=float(r["c_loss_undetected"]),
        a=float(r["a_loss_detected"]),
    )
    p, q, det = DU.equilibrium_rates(g)
    assert (p, q) == pytest.approx((float(r["p_star_inspect"]), float(r["q_star_violate"])))
    s = DU.exact_states(p, q, det, 0.0, 1)[0]
    # inspector: -e per inspection, -a if caught, -c if the violation is missed
    inspector = -g.e * p - g.a * s[DU.CAUGHT] - g.c * s[DU.UNDETECTED]
    inspectee = g.d * s[DU.UNDETECTED] - g.b * s[DU.CAUGHT] - g.h * p * s[DU.LEGAL]
    assert inspector == pytest.approx(float(r["inspector_NE_payoff"]))
    assert inspectee == pytest.approx(float(r["inspectee_NE_payoff"]), abs=1e-12)
