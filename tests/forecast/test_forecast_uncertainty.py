"""Uncertain inputs: distributions, seeded Monte Carlo, one-at-a-time sensitivity."""

import math

import numpy as np
import pytest

from accord.forecast.compromise import median_voter, weighted_mean
from accord.forecast.distributions import Distribution, DistributionSpecError, parse_distribution
from accord.forecast.tables import read_table
from accord.forecast.uncertainty import SensitivitySteps, monte_carlo, sensitivity

TABLE = (
    "# scale: 0 .. 100\n"
    "actor,capability,position,salience\n"
    "a,1,uniform(10 30),0.8\n"
    "b,triangular(0.5 1 2),60,normal(0.5 0.2)\n"
    "c,2,90,0.3\n"
)


def test_parse_distribution_forms_and_errors():
    assert parse_distribution("uniform(1, 2)") == Distribution("uniform", (1.0, 2.0))
    assert parse_distribution({"tri": [0, 1, 2]}) == Distribution("triangular", (0.0, 1.0, 2.0))
    assert parse_distribution("0.5") is None and parse_distribution(3) is None
    for bad in ("uniform(2 1)", "uniform(1)", "normal(0 -1)", "uniform(a b)", "poisson(3)"):
        with pytest.raises(DistributionSpecError):
            parse_distribution(bad)
    with pytest.raises(DistributionSpecError):
        parse_distribution("uniform(0.5 1.5)", 0.0, 1.0)


def test_quantiles_are_the_inverse_distribution_functions():
    tri = Distribution("triangular", (0.0, 1.0, 4.0))
    assert tri.quantile(0) == 0 and tri.quantile(1) == 4
    assert math.isclose(tri.quantile(0.25), 1.0)  # F(mode) = (m - a)/(b - a) = 1/4
    u = Distribution("uniform", (2.0, 6.0))
    assert u.quantile(0.25) == 3.0 and u.nominal == 4.0
    n = Distribution("normal", (0.5, 0.2), 0.0, 1.0)
    assert math.isclose(n.quantile(0.5), 0.5, abs_tol=1e-12)  # symmetric truncation keeps the median
    draws = n.sample(np.random.default_rng(3), 20000)
    assert draws.min() >= 0 and draws.max() <= 1
    assert abs(np.quantile(draws, 0.9) - n.quantile(0.9)) < 0.01


def test_monte_carlo_same_seed_same_result_and_draws_enter_the_models(write):
    t = read_table(write(TABLE))
    a = monte_carlo(t, ["mean", "median", "bdm"], 30, seed=7)
    b = monte_carlo(t, ["mean", "median", "bdm"], 30, seed=7)
    np.testing.assert_array_equal(a.forecasts, b.forecasts)
    c = monte_carlo(t, ["mean"], 30, seed=8)
    assert not np.array_equal(a.forecasts[:, :, 0], c.forecasts[:, :, 0])
    # every run's mean and median are the closed forms of that run's drawn table
    pos = a.draws[("position", "issue", "a")]
    cap = a.draws[("capability", "issue", "b")]
    sal = a.draws[("salience", "issue", "b")]
    assert pos.min() >= 10 and pos.max() <= 30 and sal.min() >= 0 and sal.max() <= 1
    for r in range(30):
        cc, xx, ss = np.array([1, cap[r], 2]), np.array([pos[r], 60, 90]), np.array([0.8, sal[r], 0.3])
        assert a.forecasts[r, 0, 0] == weighted_mean(cc, xx, ss)
        assert a.forecasts[r, 0, 1] == median_voter(xx, cc * ss)
    s = a.summary("issue")
    assert s["mean"]["runs"] == 30 and s["mean"]["quantiles"]["0.05"] <= s["mean"]["quantiles"]["0.95"]


def test_monte_carlo_of_a_certain_table_is_a_point(ec_path):
    t = read_table(ec_path)
    mc = monte_carlo(t, ["mean"], 5, seed=1)
    assert (mc.forecasts == 7.389955686853767).all() and not mc.draws


def test_sensitivity_of_the_mean_matches_closed_forms(ec_path):
    t = read_table(ec_path)
    res = sensitivity(t, "mean", steps=SensitivitySteps(capability=0.5))
    d = t.issue_data()
    assert res["nominal"] == weighted_mean(d.capability, d.position, d.salience)
    effects = res["effects"]
    assert [e["effect"] for e in effects] == sorted((e["effect"] for e in effects), reverse=True)
    uk = d.actors.index("UK")
    by = {(e["actor"], e["input"]): e for e in effects}
    c = d.capability.copy()
    c[uk] *= 1.5
    assert math.isclose(by[("UK", "capability")]["forecast_high"], weighted_mean(c, d.position, d.salience))
    keep = np.arange(len(d.actors)) != uk
    assert math.isclose(
        by[("UK", "removed")]["forecast"],
        weighted_mean(d.capability[keep], d.position[keep], d.salience[keep]),
    )
    # positions move by 10 % of the range (4..10), in both directions
    e = by[("UK", "position")]
    assert (e["low"], e["high"]) == (10 - 0.6, 10 + 0.6)


def test_sensitivity_uses_quantiles_of_uncertain_cells(write):
    t = read_table(write(TABLE))
    res = sensitivity(t, "median")
    e = next(e for e in res["effects"] if e["actor"] == "a" and e["input"] == "position")
    assert math.isclose(e["low"], 11.0) and math.isclose(e["high"], 29.0)
