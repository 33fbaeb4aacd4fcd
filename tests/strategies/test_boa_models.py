"""Opponent models: the frequency model by hand, the Bayesian model against the exact posterior."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.model.issues import Issue
from accord.model.space import OutcomeSpace
from accord.strategies.base import Context
from accord.strategies.boa.models import BayesianModel, FrequencyModel, triangular_hypotheses


def ctx_for(cards):
    space = OutcomeSpace(
        [Issue.categorical(f"i{k}", [f"v{j}" for j in range(c)]) for k, c in enumerate(cards)]
    )
    return Context(0, "a", space, np.zeros(space.size), 0.0, 1.0, 10, 2, np.random.default_rng(0))


def test_frequency_model_by_hand():
    ctx = ctx_for((3, 3))
    m = FrequencyModel()
    m.setup_model(ctx)
    enc = lambda p, q: 3 * p + q  # noqa: E731
    for o in [enc(0, 0), enc(0, 1), enc(0, 1), enc(2, 1)]:
        m.update(o, 0.0)
    # Weights: start (1/2, 1/2); each kept value adds 0.2 / 2 = 0.1 to its issue, then renormalise.
    w = [0.5, 0.5]
    for kept in ([True, False], [True, True], [False, True]):
        w = [x + (0.1 if k else 0.0) for x, k in zip(w, kept, strict=True)]
        w = [x / sum(w) for x in w]
    assert m.weights == pytest.approx(w, abs=1e-15)
    # Counts start at 1 and gain 1 per offer: p = (1+3, 1, 1+1), q = (1+1, 1+3, 1).
    assert m.values[0] == pytest.approx([1.0, 0.25, 0.5])
    assert m.values[1] == pytest.approx([0.5, 1.0, 0.25])
    # The estimate of (p2, q0) is w_p * 0.5 + w_q * 0.5.
    assert m.utility(np.array([enc(2, 0)]))[0] == pytest.approx(0.5 * w[0] + 0.5 * w[1])


def test_utility_all_equals_pointwise_evaluation():
    ctx = ctx_for((2, 3, 4))
    m = FrequencyModel()
    m.setup_model(ctx)
    rng = np.random.default_rng(1)
    for o in rng.integers(ctx.space.size, size=15):
        m.update(int(o), 0.0)
    idx = np.arange(ctx.space.size)
    brute = [sum(m.weights[k] * m.values[k][d] for k, d in enumerate(ctx.space.digits(int(i)))) for i in idx]
    assert m.utility_all() == pytest.approx(brute, abs=1e-15)
    assert m.utility(idx) == pytest.approx(brute, abs=1e-15)


def exact_posterior_mean(offers, times, k, sigma, concession):
    hyps = [[1 - abs(v - j) / max(j, k - 1 - j) for v in range(k)] for j in range(k)]
    post = [1.0 / k] * k
    for b, t in zip(offers, times, strict=True):
        post = [
            p * math.exp(-0.5 * ((h[b] - (1 - concession * t)) / sigma) ** 2)
            for p, h in zip(post, hyps, strict=True)
        ]
        s = sum(post)
        post = [p / s for p in post]
    return [sum(p * h[v] for p, h in zip(post, hyps, strict=True)) for v in range(k)]


@pytest.mark.parametrize(("sigma", "concession"), [(0.15, 0.1), (0.3, 0.5)])
def test_bayesian_model_equals_the_exact_posterior_on_one_issue(sigma, concession):
    k = 7
    m = BayesianModel(sigma=sigma, concession=concession)
    m.setup_model(ctx_for((k,)))
    offers, times = [6, 6, 5, 5, 4, 3], [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    for o, t in zip(offers, times, strict=True):
        m.update(o, t)
    assert m.weights == pytest.approx([1.0])
    assert m.values[0] == pytest.approx(exact_posterior_mean(offers, times, k, sigma, concession), abs=1e-12)


def test_triangular_hypotheses_peak_at_each_value():
    h = triangular_hypotheses(5)
    assert (np.argmax(h, axis=1) == np.arange(5)).all()
    assert h[0].tolist() == [1.0, 0.75, 0.5, 0.25, 0.0]  # "downhill"
    assert h[4].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]  # "uphill"
    assert h[2].tolist() == [0.0, 0.5, 1.0, 0.5, 0.0]


def test_bayesian_model_learns_the_value_the_opponent_insists_on():
    m = BayesianModel()
    ctx = ctx_for((5, 4))
    m.setup_model(ctx)
    for k in range(20):
        m.update(int(ctx.space.encode([3, k % 4])), k / 19)
    assert int(np.argmax(m.values[0])) == 3


@settings(max_examples=40, deadline=None)
@given(
    cards=st.lists(st.integers(1, 5), min_size=1, max_size=4),
    data=st.data(),
)
def test_models_stay_normalised(cards, data):
    ctx = ctx_for(tuple(cards))
    offers = data.draw(st.lists(st.integers(0, ctx.space.size - 1), max_size=12))
    for model in (FrequencyModel(), BayesianModel()):
        model.setup_model(ctx)
        for j, o in enumerate(offers):
            model.update(o, j / max(1, len(offers) - 1))
        assert model.weights.sum() == pytest.approx(1.0)
        assert (model.weights > 0).all()
        for v in model.values:
            assert ((v >= -1e-12) & (v <= 1 + 1e-12)).all()
        u = model.utility_all()
        assert ((u >= -1e-12) & (u <= 1 + 1e-12)).all()
        if isinstance(model, BayesianModel):
            assert all(p.sum() == pytest.approx(1.0) for p in model.post)
