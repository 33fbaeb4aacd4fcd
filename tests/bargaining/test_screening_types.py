"""Private types, Bayes updates and the screening proposer against their closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from accord.bargaining import screening as SC
from accord.bargaining import types as T

GRID = np.linspace(0.0, 1.0, 1001)  # candidate offers, step 0.001, containing 1/2


def test_tioli_uniform_closed_form_half_and_half():
    s = SC.tioli_uniform()
    assert s["offer"] == 0.5 and s["breakdown_probability"] == 0.5 and s["proposer_expected"] == 0.25


def test_screening_offer_on_arrays_finds_one_half():
    # Prior U[0, 1] on a fine grid of types; the acceptance probability comes from the responder's own rule.
    values, probs = T.uniform_grid(0.0, 1.0, 20_000, runs=3)
    acc = T.acceptance_probability(GRID, values, probs)
    assert acc[0] == pytest.approx(np.clip(GRID, 0, 1), abs=1e-4)  # F(x) = x
    best, eu = SC.screening_offer(np.broadcast_to(1.0 - GRID, acc.shape), acc)
    assert GRID[best].tolist() == [0.5, 0.5, 0.5] and eu == pytest.approx(0.25, abs=1e-4)


def test_screening_breakdown_by_simulation():
    # Nature draws the responder's value per run; the proposer's offer of 1/2 is accepted iff v <= 1/2.
    rng = np.random.default_rng(12)
    B = 100_000
    v = T.UniformType(0.0, 1.0).draw(rng, B)
    broke = ~T.accepts(np.full(B, 0.5), v)
    # sd of a share with p = 1/2 over 1e5 runs is 0.0016; 4 sd.
    assert broke.mean() == pytest.approx(0.5, abs=0.0064)


def test_non_common_prior_changes_the_offer_not_the_truth():
    # The proposer believes U[0.2, 0.6] while nature draws U[0, 1] (misperception). Under its belief
    # argmax (1 - x)(x - 0.2)/0.4 is x = (1 + 0.2)/2 = 0.6, the top of the believed support: sure acceptance.
    s = SC.tioli_uniform(0.2, 0.6)
    assert s["offer"] == pytest.approx(0.6) and s["breakdown_probability"] == pytest.approx(0.0)
    values, probs = T.uniform_grid(0.2, 0.6, 4000)
    acc = T.acceptance_probability(GRID, values, probs)
    best, _ = SC.screening_offer((1.0 - GRID)[None, :], acc)
    assert GRID[best[0]] == pytest.approx(0.6, abs=1e-3)
    # Under the true U[0, 1] the offer 0.6 is rejected with probability 0.4.
    assert 1 - T.UniformType(0.0, 1.0).cdf(0.6) == pytest.approx(0.4)


def test_audience_cost_closed_form():
    for am in (0.0, 0.2, 0.5):
        s = SC.tioli_uniform(shift=am)
        assert s["offer"] == pytest.approx((1 + am) / 2)
        assert s["breakdown_probability"] == pytest.approx((1 + am) / 2)
    assert SC.committed_type(np.array([0.1, 0.3]), 0.5, 0.4) == pytest.approx([0.3, 0.5])
    # The same on arrays: the responder's effective type is theta + a m.
    values, probs = T.uniform_grid(0.0, 1.0, 20_000)
    acc = T.acceptance_probability(GRID, SC.committed_type(values, 0.5, 0.4), probs)
    best, _ = SC.screening_offer((1.0 - GRID)[None, :], acc)
    assert GRID[best[0]] == pytest.approx(0.6, abs=1e-3)


def test_bayes_after_a_rejection_is_the_truncated_prior():
    values, probs = T.uniform_grid(0.0, 1.0, 1000, runs=2)
    lik = T.response_likelihood(np.array([0.5, 0.25]), np.array([False, True]), values)
    post, mass = T.bayes_update(probs, lik)
    # Rejection of 1/2: U(1/2, 1], mean 3/4, P(reject) = 1/2; acceptance of 1/4: U[0, 1/4], mean 1/8.
    assert mass == pytest.approx([0.5, 0.25])
    assert T.posterior_mean(values, post) == pytest.approx([0.75, 0.125], abs=1e-3)
    assert post[0, values <= 0.5].sum() == 0


def test_bayes_keeps_prior_on_impossible_observation_and_tremble_avoids_it():
    values, probs = T.uniform_grid(0.0, 0.4, 100)
    lik = T.response_likelihood(np.array([0.5]), np.array([False]), values)  # every type would accept
    post, mass = T.bayes_update(probs, lik)
    assert mass[0] == 0 and np.array_equal(post, probs)
    lik = T.response_likelihood(np.array([0.5]), np.array([False]), values, tremble=0.01)
    post, mass = T.bayes_update(probs, lik)
    assert mass[0] == pytest.approx(0.01) and post.sum() == pytest.approx(1.0)


def test_draw_types_follows_each_runs_distribution():
    rng = np.random.default_rng(3)
    values = np.array([0.0, 1.0, 2.0])
    probs = np.tile([0.2, 0.5, 0.3], (60_000, 1))
    k = T.draw_types(values, probs, rng)
    freq = np.bincount(k, minlength=3) / k.size
    assert freq == pytest.approx([0.2, 0.5, 0.3], abs=0.008)  # 4 sd of a share over 6e4 runs
    assert np.array_equal(T.draw_types(values, probs[:5], np.random.default_rng(3)), k[:5])


def test_sequential_screening_with_bayes_updates():
    # Myopic sequential screening of U[0, 1] types: offers 1/2, 3/4, 7/8 to those who rejected before; the
    # belief after each rejection is the truncated prior, and 2^-n runs are without a deal after n rounds.
    B = 20_000
    rng = np.random.default_rng(1985)
    theta = T.UniformType(0.0, 1.0).draw(rng, B)
    values, probs = T.uniform_grid(0.0, 1.0, 500, runs=B)  # cells of 0.002
    open_ = np.ones(B, dtype=bool)
    for n in (1, 2, 3):
        rows = np.flatnonzero(open_)
        best, ok, post = SC.screening_round(
            GRID, np.broadcast_to(1.0 - GRID, (rows.size, GRID.size)), values, probs[rows], theta[rows]
        )
        assert GRID[best] == pytest.approx(1 - 2.0**-n, abs=2e-3)
        probs[rows] = post
        open_[rows[ok]] = False
        # sd of a share with p <= 1/2 over 2e4 runs is at most 0.0036; 4 sd
        assert open_.mean() == pytest.approx(2.0**-n, abs=0.015)
    still = np.flatnonzero(open_)
    assert T.posterior_mean(values, probs[still[:3]]) == pytest.approx([1 - 2.0**-4] * 3, abs=1e-3)
