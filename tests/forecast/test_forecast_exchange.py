"""Stokman-Van Oosten exchange model: a hand-computed 2x2 case and the equal-gain properties on random tables."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.forecast.compromise import weighted_mean
from accord.forecast.exchange import candidates, outcomes, run_exchange


def test_two_actors_two_issues_by_hand():
    """A (positions 0, 0; saliences .9, .3; capability 1) and B (100, 100; .4, .6; capability 2).

    O_p = (1*.9*0 + 2*.4*100)/(.9 + .8) = 80/1.7, O_q = (1*.3*0 + 2*.6*100)/(.3 + 1.2) = 80.
    A is left of both outcomes, B right of both; A's ratio .9/.3 = 3 > B's .4/.6, so A demands p (B moves on p
    toward 0) and B demands q (A moves on q toward 100).
    Shares: a_Bp = .8/1.7, a_Aq = .3/1.5 = .2. Caps: dp <= a_Bp*100 and |0 - O_p| (both 80/1.7);
    dq <= a_Aq*100 = 20 and |100 - O_q| = 20. Equal gain: dq = k dp, k = (.9 + .4)/(.3 + .6) = 13/9,
    so dp = min(80/1.7, 20/k) = 180/13, dq = 20.
    Gains: G_A = .9 dp - .3 dq, G_B = .6 dq - .4 dp, both 84/13. B moves by dp/a_Bp = (180/13)*(1.7/.8);
    A moves all the way to 100. Then O_q = 100 = B's position: nothing is left to exchange.
    """
    c = np.array([[1.0, 2.0], [1.0, 2.0]])
    x = np.array([[0.0, 100.0], [0.0, 100.0]])
    s = np.array([[0.9, 0.4], [0.3, 0.6]])
    res = run_exchange(("A", "B"), ("p", "q"), c, x, s)
    k = (0.9 + 0.4) / (0.3 + 0.6)
    dp, dq = 180 / 13, 20.0
    assert math.isclose(dq, k * dp)
    g_a, g_b = 0.9 * dp - 0.3 * dq, 0.6 * dq - 0.4 * dp
    assert math.isclose(g_a, 84 / 13) and math.isclose(g_b, 84 / 13)
    (e,) = res.exchanges
    assert (e.demander_p, e.supplier_p, e.issue_p, e.issue_q) == ("A", "B", "p", "q")
    assert math.isclose(e.gain, 84 / 13, rel_tol=1e-12)
    assert math.isclose(e.move_supplier_on_p, -dp * 1.7 / 0.8, rel_tol=1e-12)
    assert math.isclose(e.move_demander_on_q, 100.0, rel_tol=1e-12)
    assert math.isclose(e.delta_outcome_p, -dp, rel_tol=1e-12) and math.isclose(
        e.delta_outcome_q, dq, rel_tol=1e-12
    )
    np.testing.assert_allclose(res.positions[-1], [[0.0, 100 - dp * 1.7 / 0.8], [100.0, 100.0]], rtol=1e-12)
    np.testing.assert_allclose(res.forecast, [80 / 1.7 - dp, 100.0], rtol=1e-12)
    assert res.stopped == "no_exchange" and len(res.outcomes) == 2


def test_single_issue_has_nothing_to_exchange_and_forecasts_the_mean():
    c, x, s = np.array([[1.0, 2, 3]]), np.array([[0.0, 50, 100]]), np.array([[0.2, 0.5, 0.9]])
    res = run_exchange(("a", "b", "c"), ("p",), c, x, s)
    assert not res.exchanges and res.forecast[0] == weighted_mean(c[0], x[0], s[0])


tables = st.tuples(st.integers(2, 3), st.integers(2, 6)).flatmap(
    lambda mn: st.tuples(
        st.lists(st.floats(0.05, 1.0), min_size=mn[0] * mn[1], max_size=mn[0] * mn[1]),
        st.lists(st.floats(0.0, 100.0), min_size=mn[0] * mn[1], max_size=mn[0] * mn[1]),
        st.lists(st.floats(0.05, 1.0), min_size=mn[0] * mn[1], max_size=mn[0] * mn[1]),
        st.just(mn),
    )
)


@settings(max_examples=40, deadline=None)
@given(tables)
def test_every_exchange_has_equal_positive_gains_and_respects_the_caps(t):
    (m, n) = t[3]
    c, x0, s = (np.array(v, float).reshape(m, n) for v in t[:3])
    actors, issues = tuple(f"a{i}" for i in range(n)), tuple(f"d{i}" for i in range(m))
    res = run_exchange(actors, issues, c, x0, s)
    w = c * s
    # replay the exchanges on the voting positions and check each one against the equations
    vote = x0.copy()
    for e in res.exchanges:
        i, j = actors.index(e.demander_p), actors.index(e.supplier_p)
        p, q = issues.index(e.issue_p), issues.index(e.issue_q)
        o = outcomes(vote, w)
        assert np.sign(x0[p, i] - o[p]) == -np.sign(x0[p, j] - o[p]) != 0  # opposite sides, both issues
        assert np.sign(x0[q, i] - o[q]) == -np.sign(x0[q, j] - o[q]) != 0
        assert s[p, i] / s[q, i] > s[p, j] / s[q, j]
        before_jp, before_iq = vote[p, j], vote[q, i]
        vote[p, j] += e.move_supplier_on_p
        vote[q, i] += e.move_demander_on_q
        # votes move toward the partner's policy position and never past it
        assert (x0[p, i] - vote[p, j]) * (x0[p, i] - before_jp) >= -1e-9
        assert abs(x0[p, i] - vote[p, j]) <= abs(x0[p, i] - before_jp) + 1e-9
        assert (x0[q, j] - vote[q, i]) * (x0[q, j] - before_iq) >= -1e-9
        assert abs(x0[q, j] - vote[q, i]) <= abs(x0[q, j] - before_iq) + 1e-9
        o2 = outcomes(vote, w)
        dp, dq = abs(o2[p] - o[p]), abs(o2[q] - o[q])
        assert math.isclose(dp, abs(e.delta_outcome_p), rel_tol=1e-9, abs_tol=1e-9)
        g_i = s[p, i] * dp - s[q, i] * dq
        g_j = s[q, j] * dq - s[p, j] * dp
        assert math.isclose(g_i, g_j, rel_tol=1e-7, abs_tol=1e-9)  # equal gain
        assert math.isclose(g_i, e.gain, rel_tol=1e-7, abs_tol=1e-9) and e.gain > 0
        assert math.isclose(dq, dp * (s[p, i] + s[p, j]) / (s[q, i] + s[q, j]), rel_tol=1e-7, abs_tol=1e-9)
        # outcomes move toward the demanders and never past their policy positions
        assert np.sign(o2[p] - o[p]) == np.sign(x0[p, i] - o[p])
        assert (x0[p, i] - o2[p]) * (x0[p, i] - o[p]) >= -1e-9
        assert (x0[q, j] - o2[q]) * (x0[q, j] - o[q]) >= -1e-9
    np.testing.assert_allclose(vote, res.positions[-1], atol=1e-9)
    np.testing.assert_allclose(res.forecast, outcomes(vote, w), atol=1e-9)
    if res.stopped == "no_exchange":
        gain, _, _, _ = candidates(x0, res.positions[-1], s, w, np.ones(n, dtype=bool))
        assert not (gain > 1e-9 * 100).any()
    # each actor exchanges at most once per round
    for rnd in {e.round for e in res.exchanges}:
        names = [a for e in res.exchanges if e.round == rnd for a in (e.demander_p, e.supplier_p)]
        assert len(names) == len(set(names))


def test_absent_actors_do_not_exchange_on_that_issue():
    c = np.ones((2, 3))
    x = np.array([[0.0, 100, 50], [0.0, 100, 50]])
    s = np.array([[0.9, 0.1, 0.5], [0.1, 0.9, 0.5]])
    present = np.array([[True, True, True], [True, False, True]])
    res = run_exchange(("a", "b", "c"), ("p", "q"), c, x, s, present)
    assert all("b" not in (e.demander_p, e.supplier_p) for e in res.exchanges)
    assert np.isnan(res.positions[:, 1, 1]).all()
