"""GENIUS's utility cap, min(sum, 1) (``AdditiveUtilitySpace.getUtility``), on every path that evaluates.

Reference: the capped sum written out by brute force over every outcome (itertools.product). Paths: one
outcome (``evaluate``), the whole space (``evaluate_all``), the batched compilation of many runs
(``compile_many``), the array engine's stacked utilities, the frontier search that does not enumerate
(``analyze_large``, against the enumerating ``analyze``), and the YAML round trip.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from accord import api
from accord.analysis.large import analyze_large
from accord.analysis.solutions import analyze
from accord.io.yaml_scenario import dumps_yaml, loads_yaml
from accord.model.batch import compile_many
from accord.model.issues import Issue
from accord.model.preferences import Preferences
from accord.model.scenario import Party, Protocol, Scenario
from accord.model.space import OutcomeSpace
from accord.protocols.batch import _stacked_utilities

SPACE = OutcomeSpace(
    [Issue.categorical(n, [f"{n}{v}" for v in range(k)]) for n, k in (("a", 3), ("b", 4), ("c", 2))]
)
W_A = np.array([0.5, 0.3, 0.25])  # sums to 1.05: the best outcomes sum above 1
S_A = (np.array([0.2, 1.0, 0.9]), np.array([1.0, 0.0, 0.95, 0.4]), np.array([0.6, 1.0]))
W_B = np.array([0.2, 0.5, 0.3])
S_B = (np.array([1.0, 0.1, 0.4]), np.array([0.0, 1.0, 0.3, 0.7]), np.array([1.0, 0.2]))


def scenario(cap: float | None = 1.0) -> Scenario:
    a = Preferences(SPACE, W_A, S_A, cap=cap)
    b = Preferences(SPACE, W_B, S_B)
    return Scenario("capped", SPACE, (Party("a", a), Party("b", b)), Protocol())


def brute(weights, scores, cap=None) -> np.ndarray:
    out = []
    for combo in itertools.product(*[range(len(s)) for s in scores]):
        u = sum(w * s[v] for w, s, v in zip(weights, scores, combo, strict=True))
        out.append(u if cap is None else min(u, cap))
    return np.array(out)


def test_some_outcomes_sum_above_the_cap() -> None:
    assert brute(W_A, S_A).max() > 1.0  # the test means something


def test_evaluate_and_evaluate_all_are_capped() -> None:
    pr = scenario().parties[0].preferences
    ref = brute(W_A, S_A, 1.0)
    np.testing.assert_allclose(pr.evaluate_all(), ref, rtol=0, atol=1e-15)
    idx = np.arange(SPACE.size)
    np.testing.assert_allclose(pr.evaluate(idx), ref, rtol=0, atol=1e-15)
    assert pr.evaluate_all().max() == 1.0 and not pr.linear


def test_batched_compilation_and_stacked_utilities_are_capped() -> None:
    scs = [scenario(), scenario(None), scenario(0.9)]
    U, _, _ = compile_many(scs)
    for sc, u in zip(scs, U, strict=True):
        cap = sc.parties[0].preferences.cap
        np.testing.assert_allclose(u[0], brute(W_A, S_A, cap), rtol=0, atol=1e-15)
        np.testing.assert_allclose(u[1], brute(W_B, S_B), rtol=0, atol=1e-15)
    out = np.empty((3, 2, SPACE.size))
    _stacked_utilities(scs, out)
    assert out.tobytes() == np.ascontiguousarray(U).tobytes()


def test_frontier_search_agrees_with_enumeration() -> None:
    sc = scenario()
    small, large = analyze(sc.compile()), analyze_large(sc)
    assert sorted(map(tuple, small.pareto_utilities.T.round(12))) == sorted(
        map(tuple, large.pareto_utilities.T.round(12))
    )
    np.testing.assert_allclose(
        small.pareto_utilities[:, small.pareto == small.nash],
        large.pareto_utilities[:, large.pareto == large.nash],
        atol=1e-12,
    )
    assert large.pareto_utilities[0].max() == 1.0


def test_runs_score_the_capped_utility() -> None:
    for strategies in (["hardliner", "conceder"], ["aspiration", "tit_for_tat"]):
        (res,) = api.run_batch(scenario(), strategies, steps=10, seed=0)
        assert res.agreement
        assert res.utilities["a"] == pytest.approx(brute(W_A, S_A, 1.0)[res.outcome_index], abs=1e-15)


@pytest.mark.parametrize("cap", [1.0, 0.75])
def test_yaml_round_trip_keeps_the_cap(cap: float) -> None:
    sc = scenario(cap)
    back = loads_yaml(dumps_yaml(sc), "capped.yaml")
    assert back.parties[0].preferences.cap == cap
    assert back.parties[1].preferences.cap is None
    np.testing.assert_array_equal(back.parties[0].preferences.evaluate_all(), brute(W_A, S_A, cap))
