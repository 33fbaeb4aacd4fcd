"""Inspection games: closed forms against the reference oracles, an independent solver, and simulation;
the implementation engine against the 2x2 game (models.md §4)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.implementation import inspection_game as ig
from accord.implementation.deterrence import deterrence_table
from accord.implementation.engine import expected, simulate

from .helpers import LEGAL_DEAL, inspection_impl

ORACLES = Path(os.environ["ACCORD_SHARED"]) / "reference" / "oracles"


def _rows(name: str) -> list[dict[str, str]]:
    with (ORACLES / name).open() as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def test_2x2_example_oracle_reproduced():
    (row,) = _rows("inspection_game_2x2_example.csv")
    g = ig.InspectionGame(
        float(row["beta_nondetect"]),
        float(row["d_gain_undetected"]),
        float(row["b_penalty_detected"]),
        float(row["h_inspectee_inspection_cost"]),
        float(row["e_inspection_cost"]),
        float(row["c_loss_undetected"]),
        float(row["a_loss_detected"]),
    )
    eq, ld = ig.equilibrium(g), ig.leadership(g)
    assert eq["p_star"] == pytest.approx(float(row["p_star_inspect"]), abs=1e-15)
    assert eq["q_star"] == pytest.approx(float(row["q_star_violate"]), abs=1e-15)
    assert eq["inspector_payoff"] == pytest.approx(float(row["inspector_NE_payoff"]), abs=1e-15)
    assert eq["inspectee_payoff"] == pytest.approx(float(row["inspectee_NE_payoff"]), abs=1e-15)
    assert ld["inspector_payoff"] == pytest.approx(float(row["inspector_leader_payoff"]), abs=1e-15)
    assert ld["inspectee_action"] == row["inspectee_leader_action"]


def test_dresher_oracle_reproduced_by_closed_form_and_recursion():
    rows = _rows("dresher_inspection_game_values.csv")
    assert len(rows) == 7
    for r in rows:
        n, m, v = int(r["n"]), int(r["m"]), float(r["value_to_inspectee"])
        assert ig.dresher_value(n, m) == pytest.approx(v, rel=1e-14)
        assert ig.dresher_recursive(n, m)[0] == pytest.approx(v, rel=1e-12)


def test_dresher_recursion_equals_closed_form_everywhere():
    for n in range(1, 13):
        for m in range(0, n + 2):
            assert ig.dresher_recursive(n, m)[0] == pytest.approx(ig.dresher_value(n, m), abs=1e-12)


def test_dresher_simulation_within_sampling_error():
    mean, se = ig.simulate_dresher(5, 2, 20_000, np.random.default_rng(11))
    assert abs(mean - 0.375) < 4 * se


games = st.builds(
    lambda beta, d, b, e, c, frac: ig.InspectionGame(beta, d, b, 0.0, e, c, frac * c),
    st.floats(0.0, 0.6),
    st.floats(0.2, 3.0),
    st.floats(0.5, 5.0),
    st.floats(0.01, 0.2),
    st.floats(0.5, 3.0),
    st.floats(0.05, 0.9),
)


@settings(max_examples=60, deadline=None)
@given(games)
def test_closed_form_equals_support_enumeration(g):
    eq = ig.equilibrium(g)
    if not eq["interior"]:
        return
    A, B = g.matrices()
    mixed = [(x, y) for x, y in ig.support_enumeration(A, B) if 0 < x[1] < 1]
    assert len(mixed) == 1
    x, y = mixed[0]
    assert x[1] == pytest.approx(eq["p_star"], rel=1e-9)
    assert y[1] == pytest.approx(eq["q_star"], rel=1e-9)
    insp, ee = ig.payoffs(g, eq["p_star"], eq["q_star"])
    assert insp == pytest.approx(eq["inspector_payoff"], abs=1e-12)
    assert ee == pytest.approx(eq["inspectee_payoff"], abs=1e-12)


def test_2x2_simulation_within_sampling_error():
    g = ig.InspectionGame(0.2, 1, 4, 0, 0.1, 1, 0.5)
    s = ig.simulate_2x2(g, 0.25, 0.25, 200_000, np.random.default_rng(3))
    se = s["inspector_sd"] / np.sqrt(200_000)
    assert abs(s["inspector"] - (-0.25)) < 4 * se
    assert abs(s["inspectee"] - 0.0) < 4 * s["inspectee_sd"] / np.sqrt(200_000)


@settings(max_examples=25, deadline=None)
@given(games, st.floats(0.0, 1.0))
def test_engine_opportunist_is_the_inspectee_best_response(g, rate):
    """One-step schedule: the opportunist complies iff the inspection rate is at least p* (ties: legal),
    and the exact expectation equals the 2x2 payoffs of the resulting pure behaviour."""
    eq = ig.equilibrium(g)
    ci = inspection_impl(g, rate, "opportunist")
    e = expected(ci, np.array([LEGAL_DEAL]), np.array([0]), np.ones((1, 2, 1)))
    cheats = bool(e.cheated[0, 1])
    if abs(rate - eq["p_star"]) > 1e-9:
        assert cheats == (rate < eq["p_star"])
    insp, ee = ig.payoffs(g, rate, 1.0 if cheats else 0.0)
    assert e.realised[0, 0] == pytest.approx(insp, abs=1e-12)
    assert e.realised[0, 1] == pytest.approx(ee, abs=1e-12)
    (row,) = [x for x in deterrence_table(ci, LEGAL_DEAL, 0, np.ones((2, 1))) if x.party == "inspectee"]
    assert row.deterrent_rate == (
        pytest.approx(eq["p_star"], rel=1e-12) if eq["p_star"] <= 1 else float("inf")
    )


def test_engine_leadership_payoff_at_p_star():
    g = ig.InspectionGame(0.2, 1, 4, 0, 0.1, 1, 0.5)
    ci = inspection_impl(g, 0.25, "opportunist")
    e = expected(ci, np.array([LEGAL_DEAL]), np.array([0]), np.ones((1, 2, 1)))
    assert e.cheated[0, 1] == 0.0
    assert e.realised[0, 0] == pytest.approx(ig.leadership(g)["inspector_payoff"], abs=1e-15)


def test_engine_simulation_matches_the_mixed_equilibrium():
    """Inspection at p*, the inspectee mixing with q*: the simulated payoffs match the closed form."""
    g = ig.InspectionGame(0.2, 1, 4, 0, 0.1, 1, 0.5)
    n = 200_000
    ci = inspection_impl(g, 0.25, "random(p=0.25)")
    o = simulate(ci, np.full(n, LEGAL_DEAL), np.zeros(n, int), np.ones((n, 2, 1)), np.random.default_rng(5))
    eq = ig.equilibrium(g)
    for k, target in ((0, eq["inspector_payoff"]), (1, eq["inspectee_payoff"])):
        se = o.realised[:, k].std(ddof=1) / np.sqrt(n)
        assert abs(o.realised[:, k].mean() - target) < 4 * se
    assert abs(o.cheated[:, 1].mean() - 0.25) < 4 * np.sqrt(0.25 * 0.75 / n)
    assert abs(o.caught[:, 1].mean() - 0.25 * 0.25 * 0.8) < 4 * np.sqrt(0.05 * 0.95 / n)


def test_engine_nuisance_cost_enters_p_star():
    g = ig.InspectionGame(0.1, 1.0, 2.0, 0.3, 0.05, 1.0, 0.4)
    p_star = ig.equilibrium(g)["p_star"]
    for rate, cheats in ((p_star - 1e-6, True), (p_star + 1e-6, False)):
        ci = inspection_impl(g, rate, "opportunist")
        e = expected(ci, np.array([LEGAL_DEAL]), np.array([0]), np.ones((1, 2, 1)))
        assert bool(e.cheated[0, 1]) is cheats
        assert e.realised[0, 1] == pytest.approx(ig.payoffs(g, rate, 1.0 if cheats else 0.0)[1], abs=1e-12)
