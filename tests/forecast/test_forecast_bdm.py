"""Bueno de Mesquita's expected-utility model: the Scholz replication oracle, hand-computed cases, properties."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.forecast.bdm import BDMOptions, run_bdm
from accord.forecast.tables import read_table


def ec(ec_path):
    d = read_table(ec_path).issue_data()
    return d.actors, d.capability, d.position, d.salience


def test_scholz_code_mode_reproduces_every_round(ec_path, oracle_rows):
    """oracles/bdm_scholz_replication_rounds.csv: median and mean of rounds 0-10, to the last digit."""
    res = run_bdm(*ec(ec_path), BDMOptions.scholz_code(rounds=10))
    rows = oracle_rows("bdm_scholz_replication_rounds.csv")
    assert len(rows) == 11 and len(res.medians) == 11
    for (rnd, med, mean), m, mu in zip(rows, res.medians, res.means, strict=True):
        assert (m, mu) == (float(med), float(mean)), f"round {rnd}"
    assert res.stopped == "max_rounds" and len(res.rounds) == 10


def test_scholz_code_mode_reproduces_round_one_moves(ec_path, oracle_rows):
    res = run_bdm(*ec(ec_path), BDMOptions.scholz_code(rounds=1))
    got = [
        (o.receiver, o.proposer, o.kind, o.eu_receiver, o.eu_proposer, o.new_position)
        for o in res.rounds[0].offers
    ]
    want = [
        (r[1], r[2], r[3], float(r[4]), float(r[5]), float(r[6]))
        for r in oracle_rows("bdm_scholz_replication_round1_moves.csv")
    ]
    assert got == want
    # the same numbers are each receiver's perception of the relation
    rd = res.rounds[0]
    actors = res.actors
    for _, recv, prop, kind, a, b, _ in (r for r in oracle_rows("bdm_scholz_replication_round1_moves.csv")):
        i, j = actors.index(recv), actors.index(prop)
        assert (rd.eu_challenge[i, j], rd.eu_challenged[i, j]) == (float(a), float(b))
        rel = next(r for r in res.relations(1) if r["actor"] == recv and r["other"] == prop)
        assert rel["reading"] == kind


# ---------------------------------------------------------------- two actors: closed forms by hand
#
# Two actors at 0 and 1 (R = 1), c = (1, 1), s = (0.5, 0.9), w = c*s = (0.5, 0.9).
# Votes: v_1(1,2) = w_1 (|0-1| - 0) = 0.5, v_2(1,2) = w_2 (0 - |1-0|) = -0.9 (distances 0 or 1, so risk
# exponents do not change them). Pairwise denominator: P_12 = 0.5/1.4 = 5/14, P_21 = 9/14.
# All-triples denominator: sum |v| over (k, a, b) = 2*0.5 + 2*0.9 = 2.8: P_12 = 5/28, P_21 = 9/28.
# With d = 1: U_s = 2, U_f = -2, U_sq = 2 - 4*0.5^r, so EU(i->j) = 4*0.5^r - 4 s_j (1 - P_ij).
# Risk (r = 1): D_1 = EU(2->1) = 2 - 4 s_1 (1 - P_21), D_2 = 2 - 4 s_2 (1 - P_12); the larger D gets
# R = +1, r = (2/3)/(4/3) = 0.5, the smaller R = -1, r = 2.


def _two_actor_expectations(p12: float, p21: float):
    s1, s2 = 0.5, 0.9
    d1, d2 = 2 - 4 * s1 * (1 - p21), 2 - 4 * s2 * (1 - p12)
    r1, r2 = (0.5, 2.0) if d1 > d2 else (2.0, 0.5)
    eu = lambda r, s_target, p: 4 * 0.5**r - 4 * s_target * (1 - p)  # noqa: E731
    a1, b1 = eu(r1, s2, p12), eu(r1, s1, p21)  # actor 1's view: EU_1(1->2), EU_1(2->1)
    a2, b2 = eu(r2, s1, p21), eu(r2, s2, p12)  # actor 2's view: EU_2(2->1), EU_2(1->2)
    return (r1, r2), (a1, b1), (a2, b2)


@pytest.mark.parametrize(
    ("opts", "p12", "p21", "kind"),
    [
        (BDMOptions(), 5 / 14, 9 / 14, "confrontation"),  # a1 = 0.514, b1 = 2.114
        (BDMOptions.scholz_code(rounds=3), 5 / 28, 9 / 28, "compromise"),  # a1 = -0.129, b1 = 1.471
    ],
)
def test_two_actor_round_by_hand(opts, p12, p21, kind):
    res = run_bdm(("one", "two"), [1, 1], [0, 1], [0.5, 0.9], opts)
    rd = res.rounds[0]
    (r1, r2), (a1, b1), (a2, b2) = _two_actor_expectations(p12, p21)
    np.testing.assert_allclose(rd.probability, [[0, p12], [p21, 0]], rtol=1e-14)
    np.testing.assert_allclose(rd.risk, [r1, r2], rtol=1e-14)
    np.testing.assert_allclose([rd.eu_challenge[0, 1], rd.eu_challenged[0, 1]], [a1, b1], rtol=1e-13)
    np.testing.assert_allclose([rd.eu_challenge[1, 0], rd.eu_challenged[1, 0]], [a2, b2], rtol=1e-13)
    # in both readings D_1 > D_2, so r = (0.5, 2); actor two sees b2 < 0 and stays; actor one moves
    assert r1 == 0.5 and b2 < 0
    assert [(o.receiver, o.proposer, o.kind) for o in rd.offers] == [("one", "two", kind)]
    want = 1.0 if kind == "confrontation" else abs(a1 / b1)
    assert math.isclose(rd.offers[0].new_position, want, rel_tol=1e-13)


def test_two_actor_paper_reading_ends_at_the_stronger_position():
    res = run_bdm(("one", "two"), [1, 1], [0, 1], [0.5, 0.9])
    assert res.rounds[0].offers[0].kind == "confrontation"
    assert res.positions[1].tolist() == [1.0, 1.0]
    assert res.stopped == "fixed_point" and res.forecast == 1.0 and len(res.rounds) == 2


# ---------------------------------------------------------------- an independent scalar reference


def _reference_round(x, c, s, opts):
    """One round written with loops straight from the equations (docs/models/forecasting.md §3.1)."""
    n, rng = len(x), max(x) - min(x)

    def vote(k, i, j, r):
        return c[k] * s[k] * ((abs(x[k] - x[j]) / rng) ** r[k] - (abs(x[k] - x[i]) / rng) ** r[k])

    def prob(i, j, r):
        if x[i] == x[j]:
            return 0.0
        num = sum(max(0.0, vote(k, i, j, r)) for k in range(n))
        if opts.probability_denominator == "pairwise":
            den = sum(abs(vote(k, i, j, r)) for k in range(n))
        else:
            den = sum(abs(vote(k, a, b, r)) for k in range(n) for a in range(n) for b in range(n))
        return num / den

    def eu(i, j, r_eval, r_vote):
        d = abs(x[i] - x[j]) / rng
        us, uf, usq = (
            2 - 4 * (0.5 - 0.5 * d) ** r_eval,
            2 - 4 * (0.5 + 0.5 * d) ** r_eval,
            2 - 4 * 0.5**r_eval,
        )
        p = prob(i, j, r_vote)
        return s[j] * (p * us + (1 - p) * uf) + (1 - s[j]) * us - usq

    ones = [1.0] * n
    dng = [sum(eu(j, i, 1.0, ones) for j in range(n) if j != i) for i in range(n)]
    hi, lo = max(dng), min(dng)
    big = [(2 * dd - hi - lo) / (hi - lo) for dd in dng]
    r = [(1 - b / 3) / (1 + b / 3) for b in big]
    new = list(x)
    for i in range(n):
        offers = []
        for j in range(n):
            if x[j] == x[i]:
                continue
            a, b = eu(i, j, r[i], r), eu(j, i, r[i], r)
            if b > a > 0:
                offers.append((abs(x[j] - x[i]), x[j]))
            elif b > 0 > a and b > abs(a):
                pos = x[i] + (x[j] - x[i]) * abs(a / b)
                offers.append((abs(pos - x[i]), pos))
            elif b > 0 > a and b < abs(a):
                offers.append((abs(x[j] - x[i]), x[j]))
        if offers:
            new[i] = min(offers)[1]
    return r, new


@settings(max_examples=25, deadline=None)
@given(
    st.integers(3, 7).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 100), min_size=n, max_size=n, unique=True),
            st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n),
            st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n),
        )
    )
)
def test_first_round_matches_a_loop_reference_from_the_equations(t):
    x, c, s = (list(map(float, v)) for v in t)
    opts = BDMOptions(max_rounds=1, stop="fixed")
    res = run_bdm(tuple("abcdefg"[: len(x)]), c, x, s, opts)
    r, new = _reference_round(x, c, s, opts)
    np.testing.assert_allclose(res.rounds[0].risk, r, rtol=1e-9)
    np.testing.assert_allclose(res.positions[1], new, rtol=1e-9, atol=1e-9)


# ---------------------------------------------------------------- properties and options

positions_tables = st.integers(2, 8).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0, 100, allow_nan=False), min_size=n, max_size=n),
        st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n),
        st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n),
    )
)


@settings(max_examples=25, deadline=None)
@given(positions_tables, st.sampled_from(["paper", "scholz", "positions"]))
def test_rounds_stay_in_the_initial_hull_and_risk_in_range(t, variant):
    x, c, s = (np.array(v, float) for v in t)
    opts = {
        "paper": BDMOptions(max_rounds=15),
        "scholz": BDMOptions.scholz_code(rounds=8),
        "positions": BDMOptions(max_rounds=5, risk_range="positions"),
    }[variant]
    res = run_bdm(tuple(str(i) for i in range(x.size)), c, x, s, opts)
    lo, hi = x.min(), x.max()
    assert (res.positions >= lo - 1e-9).all() and (res.positions <= hi + 1e-9).all()
    for rd in res.rounds:
        assert (rd.risk >= 0.5 - 1e-12).all() and (rd.risk <= 2 + 1e-12).all()
        off = rd.probability[~np.eye(x.size, dtype=bool)]
        assert ((off >= 0) & (off <= 1)).all()
        if variant != "scholz":
            pos = res.positions[rd.round - 1]
            diff = pos[:, None] != pos[None, :]
            np.testing.assert_allclose((rd.probability + rd.probability.T)[diff], 1.0, atol=1e-12)
    assert lo - 1e-9 <= res.forecast <= hi + 1e-9


def test_stop_rules(ec_path):
    fixed = run_bdm(*ec(ec_path), BDMOptions(stop="fixed", max_rounds=7))
    assert len(fixed.rounds) == 7 and fixed.stopped == "max_rounds"
    fp = run_bdm(*ec(ec_path))
    assert fp.stopped == "fixed_point"
    last = fp.positions[-1] - fp.positions[-2]
    assert np.abs(last).max() <= 1e-6 * 6
    med = run_bdm(*ec(ec_path), BDMOptions(stop="median"))
    assert med.stopped == "median" and med.medians[-1] == med.medians[-2]
    mean_rule = run_bdm(*ec(ec_path), dataclasses.replace(BDMOptions(), decision_rule="mean"))
    assert mean_rule.forecast == mean_rule.means[-1]


def test_one_position_means_nothing_to_do():
    res = run_bdm(("a", "b"), [1, 2], [3, 3], [0.5, 0.5])
    assert res.stopped == "no_range" and res.forecast == 3 and not res.rounds


def test_capitulation_switch_only_matters_when_capitulations_exist(ec_path):
    with_c = run_bdm(*ec(ec_path), dataclasses.replace(BDMOptions.scholz_code(10), capitulation=True))
    kinds = {o.kind for rd in with_c.rounds for o in rd.offers}
    assert kinds <= {"confrontation", "compromise", "capitulation"}
    without = run_bdm(*ec(ec_path), BDMOptions.scholz_code(10))
    assert "capitulation" not in {o.kind for rd in without.rounds for o in rd.offers}
