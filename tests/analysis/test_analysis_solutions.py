"""analyze() and distances() equal a plain-Python brute force on random small scenarios.

Scenarios are drawn by hypothesis: 2 or 3 parties, 1-3 issues of 1-4 values, scores and weights
either from a coarse grid (forcing equal utilities and duplicate utility vectors) or arbitrary floats,
reservation values that may equal utilities (zero Nash factors) or exceed them (empty ZOPA), and hard
constraints forbidding value combinations.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from analysis_bruteforce import analysis as brute_analysis
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis.solutions import analyze, distances
from accord.model.expr import compile_expression
from accord.model.issues import Issue
from accord.model.preferences import Preferences
from accord.model.scenario import Party, Scenario
from accord.model.space import OutcomeSpace

GRID = [0.0, 0.25, 0.5, 0.75, 1.0]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Scenario, list[list[tuple[int, int, int, int]]]]:
    n = draw(st.integers(2, 3))
    cards = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    space = OutcomeSpace([Issue.integer(f"i{k}", 0, c - 1) for k, c in enumerate(cards)])
    coarse = draw(st.booleans())
    num = st.sampled_from(GRID) if coarse else st.floats(0.0, 1.0, allow_nan=False)
    parties = []
    forbidden: list[list[tuple[int, int, int, int]]] = []
    for p in range(n):
        if p > 0 and draw(st.integers(0, 4)) == 0:  # an exact copy of party 0: fully aligned
            w, sc = parties[0].preferences.weights, parties[0].preferences.scores
        else:
            w = np.array([draw(num) for _ in cards])
            sc = tuple(np.array([draw(num) for _ in range(c)]) for c in cards)
        r = draw(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.25]) | st.floats(0.0, 0.6))
        combos = []
        if len(cards) >= 2 and draw(st.integers(0, 2)) == 0:
            for _ in range(draw(st.integers(1, 3))):
                a, b = draw(st.integers(0, cards[0] - 1)), draw(st.integers(0, cards[1] - 1))
                combos.append((0, a, 1, b))
        forbidden.append(combos)
        cons = tuple(compile_expression(f"not (i{i} == {a} and i{j} == {b})", space) for i, a, j, b in combos)
        parties.append(Party(f"p{p}", Preferences(space, w, sc, constraints=cons, reservation=float(r))))
    return Scenario("drawn", space, tuple(parties)), forbidden


def python_utilities(sc: Scenario) -> list[list[float]]:
    """points[ω] = utilities of ω, summed left to right in issue order in plain Python."""
    cards = [iss.size for iss in sc.space.issues]
    pts = []
    for digits in itertools.product(*[range(c) for c in cards]):
        row = []
        for party in sc.parties:
            pr = party.preferences
            u = float(pr.weights[0]) * float(pr.scores[0][digits[0]])
            for k in range(1, len(cards)):
                u = u + float(pr.weights[k]) * float(pr.scores[k][digits[k]])
            row.append(u)
        pts.append(row)
    return pts


def python_feasible(sc: Scenario, forbidden: list[list[tuple[int, int, int, int]]]) -> list[bool]:
    cards = [iss.size for iss in sc.space.issues]
    out = []
    for digits in itertools.product(*[range(c) for c in cards]):
        ok = all(not (digits[i] == a and digits[j] == b) for combos in forbidden for i, a, j, b in combos)
        out.append(ok)
    return out


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_analyze_equals_brute_force(drawn: tuple[Scenario, list]) -> None:
    sc, forbidden = drawn
    comp = sc.compile()
    pts = python_utilities(sc)
    assert comp.utilities.T.tolist() == pts  # same floats as the plain-Python sum
    feas = python_feasible(sc, forbidden)
    r = [p.preferences.reservation for p in sc.parties]
    ref = brute_analysis(pts, r, feas)
    a = analyze(comp)
    assert a.pareto.tolist() == ref["pareto"]
    assert a.pareto_utilities.T.tolist() == [pts[j] for j in ref["pareto"]]
    assert a.nash == ref["nash"]
    assert a.kalai_smorodinsky == ref["kalai_smorodinsky"]
    assert a.max_welfare == ref["max_welfare"]
    assert a.zopa_size == ref["zopa_size"]
    assert a.n_feasible == sum(feas)
    if ref["zopa_best"] is None:
        assert a.zopa_best is None
    else:
        assert a.zopa_best.tolist() == ref["zopa_best"]
    # distances from every outcome, against plain Python
    for j in range(0, len(pts), max(1, len(pts) // 5)):
        d = distances(comp, j, a)
        assert d["utilities"] == pts[j]
        if ref["pareto"]:
            near = min(math.dist(pts[j], pts[q]) for q in ref["pareto"])
            assert d["pareto"] == pytest.approx(near, abs=1e-12)
        for key in ("nash", "kalai_smorodinsky", "max_welfare"):
            if ref[key] is None:
                assert d[key] is None
            else:
                assert d[key] == pytest.approx(math.dist(pts[j], pts[ref[key]]), abs=1e-12)


def _scenario_from_table(U: list[list[float]], r: list[float]) -> Scenario:
    """One issue whose k-th value gives party i the utility U[i][k]."""
    space = OutcomeSpace([Issue.integer("x", 0, len(U[0]) - 1)])
    parties = tuple(
        Party(f"p{i}", Preferences(space, np.array([1.0]), (np.array(row),), reservation=r[i]))
        for i, row in enumerate(U)
    )
    return Scenario("table", space, parties)


def test_zero_nash_products_pick_a_pareto_point() -> None:
    # Every ZOPA outcome leaves some party exactly at its reservation value: all products are 0.
    # Outcome 0 is dominated by outcome 1; the documented tie rule picks the Pareto-optimal one.
    a = analyze(_scenario_from_table([[0.5, 1.0, 0.5], [0.5, 0.5, 1.0]], [0.5, 0.5]).compile())
    assert a.zopa_size == 3
    assert a.pareto.tolist() == [1, 2]
    assert a.nash == 1


def test_ks_tie_with_a_dominated_outcome_goes_to_the_frontier() -> None:
    # Outcomes 0 and 1 share the KS value 0.5 (set by party 0); 0 is dominated by 1.
    a = analyze(_scenario_from_table([[0.5, 0.5, 1.0], [0.9, 1.0, 0.2]], [0.0, 0.0]).compile())
    assert a.zopa_best.tolist() == [1.0, 1.0]
    assert a.kalai_smorodinsky == 1


def test_empty_zopa_and_reservation_best_guard() -> None:
    a = analyze(_scenario_from_table([[0.2, 0.4], [0.9, 0.1]], [0.5, 0.0]).compile())
    assert (a.zopa_size, a.nash, a.kalai_smorodinsky, a.zopa_best) == (0, None, None, None)
    assert a.max_welfare == 0  # max welfare ignores reservations
    # best_0 == r_0: party 0 gets its best in the whole ZOPA, so KS is decided by party 1 alone
    b = analyze(_scenario_from_table([[0.5, 0.5, 0.2], [0.3, 0.8, 0.9]], [0.5, 0.0]).compile())
    assert b.zopa_size == 2 and b.zopa_best.tolist() == [0.5, 0.8]
    # both Nash products are 0; outcome 0 is dominated by outcome 1, the Pareto-optimal one wins
    assert b.kalai_smorodinsky == 1 and b.nash == 1


def test_no_feasible_outcome() -> None:
    space = OutcomeSpace([Issue.integer("x", 0, 1)])
    cons = (compile_expression("x == 0 and x == 1", space),)
    parties = (
        Party("a", Preferences(space, np.array([1.0]), (np.array([0.0, 1.0]),), constraints=cons)),
        Party("b", Preferences(space, np.array([1.0]), (np.array([1.0, 0.0]),))),
    )
    a = analyze(Scenario("none", space, parties).compile())
    assert a.pareto.size == 0 and a.n_feasible == 0 and a.zopa_size == 0
    assert (a.nash, a.kalai_smorodinsky, a.max_welfare) == (None, None, None)
    assert distances(np.array([[0.3], [0.4]]), 0, a)["pareto"] is None
