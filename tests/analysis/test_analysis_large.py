"""The linear-additive frontier without enumeration equals the enumerated one, bit for bit.

On hypothesis-drawn spaces up to 10^5 outcomes (2 and 3 parties, ties forced in) the index set, the
order and the utilities equal those of the enumerated analysis, itself checked against plain-Python
brute force in test_analysis_solutions.py. On a 10^12-outcome space (12 issues x 10 values, the
random-preferences recipe of negmas-baseline.md) the frontier is checked by properties that need no
enumeration: utilities equal ``Preferences.evaluate``, no frontier point dominates another, no random
outcome dominates any, and the max-welfare point attains the per-issue maximum of the summed weights.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis.large import analyze_large, linear_frontier
from accord.analysis.solutions import analyze
from accord.errors import InputError, SpaceTooLargeError
from accord.model.expr import compile_expression
from accord.model.issues import Issue
from accord.model.preferences import Preferences, Term, linear_additive
from accord.model.scenario import Party, Scenario
from accord.model.space import OutcomeSpace


def recipe_scenario(k: int, n: int = 2, seed: int = 0) -> Scenario:
    """negmas-baseline.md recipe: Dirichlet weights, min-max rescaled U(0,1) tables, r ~ U(0, 0.4)."""
    rng = np.random.default_rng(seed)
    space = OutcomeSpace([Issue.integer(f"i{j}", 0, 9) for j in range(k)])
    parties = []
    for p in range(n):
        w = rng.dirichlet(np.ones(k))
        raw = rng.random((k, 10))
        lo, hi = raw.min(axis=1, keepdims=True), raw.max(axis=1, keepdims=True)
        tables = (raw - lo) / (hi - lo)
        r = float(rng.uniform(0.0, 0.4))
        parties.append(Party(f"p{p}", linear_additive(space, w, list(tables), reservation=r)))
    return Scenario("recipe", space, tuple(parties))


@st.composite
def additive_scenarios(draw: st.DrawFn) -> Scenario:
    n = draw(st.integers(2, 3))
    cards = draw(
        st.lists(st.integers(1, 10), min_size=1, max_size=6).filter(lambda c: math.prod(c) <= 100_000)
    )
    space = OutcomeSpace([Issue.integer(f"i{k}", 0, c - 1) for k, c in enumerate(cards)])
    coarse = draw(st.booleans())
    num = st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.5, 1.0]) if coarse else st.floats(0.0, 1.0)
    parties = []
    for p in range(n):
        w = [draw(num) for _ in cards]
        scores = [[draw(num) for _ in range(c)] for c in cards]
        parties.append(Party(f"p{p}", linear_additive(space, w, scores, reservation=draw(num))))
    return Scenario("drawn", space, tuple(parties))


def assert_same_analysis(sc: Scenario) -> None:
    a = analyze(sc.compile())
    b = analyze_large(sc)
    assert np.array_equal(b.pareto, a.pareto)
    assert b.pareto.dtype == np.int64
    assert np.array_equal(b.pareto_utilities, a.pareto_utilities)  # bit-identical floats
    assert (b.nash, b.kalai_smorodinsky, b.max_welfare) == (a.nash, a.kalai_smorodinsky, a.max_welfare)
    if a.zopa_best is None:
        assert b.zopa_best is None
    else:
        assert np.array_equal(b.zopa_best, a.zopa_best)
    assert b.zopa_size is None and b.n_feasible is None and b.n_outcomes == a.n_outcomes


@settings(max_examples=60, deadline=None)
@given(additive_scenarios())
def test_large_frontier_equals_enumeration(sc: Scenario) -> None:
    assert_same_analysis(sc)


@pytest.mark.parametrize(("k", "n"), [(5, 2), (4, 3)])
def test_recipe_spaces_equal_enumeration(k: int, n: int) -> None:
    assert_same_analysis(recipe_scenario(k, n, seed=k + n))


def test_rounding_ties_are_kept() -> None:
    # Issue 1's two values differ by far less than the rounding unit of the sum: 1.0 + 1e-17 == 1.0.
    # Value 0 is dominated on its own, but both outcomes have identical float utilities, so both are
    # on the enumerated frontier; a pruning without a safety margin would lose outcome 0.
    space = OutcomeSpace([Issue.integer("a", 0, 1), Issue.integer("b", 0, 1)])
    pa = linear_additive(space, [1.0, 1.0], [[1.0, 0.0], [0.0, 1e-17]])
    pb = linear_additive(space, [1.0, 1.0], [[0.0, 1.0], [0.5, 0.5]])
    sc = Scenario("ulp", space, (Party("a", pa), Party("b", pb)))
    a = analyze(sc.compile())
    # outcomes 0 and 1 both give (1.0, 0.5); outcome 3 (1e-17, 1.5) dominates outcome 2 (0, 1.5)
    assert a.pareto.tolist() == [0, 1, 3]
    assert_same_analysis(sc)


def test_twelve_issues_of_ten_values() -> None:
    sc = recipe_scenario(12)
    a = analyze_large(sc)
    idx, F = a.pareto, a.pareto_utilities
    assert sc.space.size == 10**12 and idx.size > 0
    for i, party in enumerate(sc.parties):
        assert np.array_equal(party.preferences.evaluate(idx), F[i])
    # order: first party's utility descending, ties by index
    assert np.array_equal(np.lexsort((idx, -F[0])), np.arange(idx.size))
    # no frontier point dominates another
    ge = (F[0][:, None] >= F[0][None, :]) & (F[1][:, None] >= F[1][None, :])
    gt = (F[0][:, None] > F[0][None, :]) | (F[1][:, None] > F[1][None, :])
    assert not (ge & gt).any()
    # no random outcome dominates a frontier point
    rng = np.random.default_rng(1)
    sample = rng.integers(0, sc.space.size, size=200_000)
    S = np.stack([p.preferences.evaluate(sample) for p in sc.parties])
    for j in range(idx.size):
        assert not ((S[0] >= F[0, j]) & (S[1] >= F[1, j]) & ((S[0] > F[0, j]) | (S[1] > F[1, j]))).any()
    # max welfare: the per-issue argmax of the summed contributions (exact for additive utilities)
    ca, cb = (p.preferences.contributions() for p in sc.parties)
    best = sum(float(np.max(x + y)) for x, y in zip(ca, cb, strict=True))
    assert float(a.max_welfare_utilities.sum()) == pytest.approx(best, abs=1e-12)
    u = a.nash_utilities - a.reservations
    assert np.all(u >= 0) and u.prod() == pytest.approx((F - a.reservations[:, None]).prod(axis=0).max())


def test_three_parties_modest_size() -> None:
    sc = recipe_scenario(7, n=3, seed=5)
    a = analyze_large(sc)
    for i, party in enumerate(sc.parties):
        assert np.array_equal(party.preferences.evaluate(a.pareto), a.pareto_utilities[i])
    F = a.pareto_utilities
    rng = np.random.default_rng(2)
    sample = rng.integers(0, sc.space.size, size=20_000)
    S = np.stack([p.preferences.evaluate(sample) for p in sc.parties])
    for j in range(0, F.shape[1], max(1, F.shape[1] // 200)):
        ge = (F[:, j : j + 1] <= S).all(axis=0)
        gt = (F[:, j : j + 1] < S).any(axis=0)
        assert not (ge & gt).any()


def test_linear_frontier_encodes_like_the_space() -> None:
    sc = recipe_scenario(3, seed=9)
    idx, F = linear_frontier([p.preferences.contributions() for p in sc.parties])
    digits = sc.space.digits(idx)
    assert np.array_equal(sc.space.encode(digits), idx)
    a = analyze(sc.compile())
    assert np.array_equal(idx, a.pareto) and np.array_equal(F, a.pareto_utilities)


def test_refuses_what_does_not_decompose() -> None:
    space = OutcomeSpace([Issue.integer("a", 0, 2), Issue.integer("b", 0, 2)])
    plain = linear_additive(space, [0.5, 0.5], [[0, 0.5, 1], [1, 0.5, 0]])
    cond = compile_expression("a == 1 and b == 1", space)
    with_term = Preferences(space, plain.weights, plain.scores, terms=(Term(cond, 0.3),))
    with_cons = Preferences(space, plain.weights, plain.scores, constraints=(cond,))
    for other in (with_term, with_cons):
        with pytest.raises(InputError):
            analyze_large(Scenario("x", space, (Party("a", plain), Party("b", other))))
    with pytest.raises(SpaceTooLargeError):
        analyze_large(recipe_scenario(6), max_candidates=50)
