"""Compromise model and median voter against the published EC values, closed forms and brute force."""

import csv
import math
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.forecast.compromise import median_voter, pairwise_votes, weighted_mean, weighted_median
from accord.forecast.tables import read_table


def test_ec_initial_median_7_and_mean_7_39(ec_path):
    """BDM 1994 p.78 / Scholz et al. 2011: median 7, weighted mean 7.39 (7.389955686853767 to the last digit)."""
    d = read_table(ec_path).issue_data()
    assert median_voter(d.position, d.weight) == 7.0
    mean = weighted_mean(d.capability, d.position, d.salience)
    assert mean == 7.389955686853767
    assert round(mean, 2) == 7.39
    # the exact rational value from the printed decimals, independent of float arithmetic
    with ec_path.open() as fh:
        rows = list(csv.DictReader(ln for ln in fh if not ln.startswith("#")))
    num = sum(Fraction(r["capability"]) * Fraction(r["salience"]) * Fraction(r["position"]) for r in rows)
    den = sum(Fraction(r["capability"]) * Fraction(r["salience"]) for r in rows)
    assert num / den == Fraction(5003, 677)
    assert abs(mean - float(num / den)) <= math.ulp(mean)


def test_decide_unit_cases_for_the_compromise_model():
    """decide-exchange-model test_calculations: a(0), b(100), c(100), salience = power = 1."""
    one = np.ones(3)
    assert weighted_mean(one[:2], [0, 100], one[:2]) == 50
    assert math.isclose(weighted_mean(one, [0, 100, 100], one), 200 / 3)
    assert weighted_mean(one, [100, 100, 100], one) == 100  # a moved to 100
    assert math.isclose(weighted_mean(one, [0, 0, 100], one), 100 / 3)  # b moved to 0


tables = (
    st.integers(1, 9)
    .flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 10), min_size=n, max_size=n),  # integer positions: ties are common
            st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n),
            st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n),
        )
    )
    .filter(lambda t: sum(c * s for c, s in zip(t[1], t[2], strict=True)) > 1e-3)
)


@settings(max_examples=150, deadline=None)
@given(tables)
def test_weighted_mean_equals_closed_form(t):
    x, c, s = (np.array(v, float) for v in t)
    expected = math.fsum(ci * si * xi for ci, si, xi in zip(c, s, x, strict=True)) / math.fsum(c * s)
    assert math.isclose(weighted_mean(c, x, s), expected, rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=150, deadline=None)
@given(tables)
def test_pairwise_vote_median_equals_brute_force_weighted_median(t):
    x, c, s = (np.array(v, float) for v in t)
    w = c * s
    m = median_voter(x, w)
    assert m == weighted_median(x, w)
    # brute force: the lowest candidate position minimising the weighted sum of distances
    cands = sorted(set(x.tolist()))
    loss = [math.fsum(wi * abs(xi - y) for wi, xi in zip(w, x, strict=True)) for y in cands]
    best = min(loss)
    assert m == next(y for y, lo in zip(cands, loss, strict=True) if lo <= best + 1e-12 * (1 + best))
    # and it beats or ties every other position in the pairwise votes
    v = pairwise_votes(x, w, np.array(cands))
    assert (v[cands.index(m)] >= -1e-12).all()


@settings(max_examples=50, deadline=None)
@given(tables)
def test_pairwise_votes_are_antisymmetric(t):
    x, c, s = (np.array(v, float) for v in t)
    v = pairwise_votes(x, c * s)
    np.testing.assert_allclose(v, -v.T, atol=1e-12)
    assert np.all(np.diag(v) == 0)
