"""Chatterjee–Samuelson linear double auction: equilibrium strategies exactly, trade probability 9/32."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from accord.bargaining import double_auction as DA


def test_equilibrium_is_the_fixed_point_of_best_responses_exactly():
    (rb, eb), (ra, ga) = DA.BUYER, DA.SELLER
    for v in (Fraction(1, 4), Fraction(1, 2), Fraction(9, 10)):
        assert DA.best_response_bid(v, ra, ga) == rb * v + eb
    for c in (Fraction(0), Fraction(1, 3), Fraction(2, 3)):
        assert DA.best_response_ask(c, rb, eb) == ra * c + ga


def test_best_response_by_brute_force():
    # Expected surplus of each candidate bid against the equilibrium asks, by quadrature over seller costs.
    c = (np.arange(40_000) + 0.5) / 40_000
    asks = DA.ask(c)
    bids = np.linspace(0.0, 1.0, 2001)
    for v in (0.3, 0.6, 0.95):
        surplus = [np.mean(np.where(b >= asks, v - 0.5 * (b + asks), 0.0)) for b in bids]
        assert bids[int(np.argmax(surplus))] == pytest.approx(2 * v / 3 + 1 / 12, abs=1e-3)


def test_trade_probability_exact_by_quadrature():
    n = 4000
    g = (np.arange(n) + 0.5) / n
    ok, _ = DA.trade(DA.bid(g)[:, None], DA.ask(g)[None, :])
    assert ok.mean() == pytest.approx(float(DA.TRADE_PROBABILITY), abs=1e-3)  # midpoint grid error ~1/n
    assert Fraction(3, 4) ** 2 / 2 == DA.TRADE_PROBABILITY


def test_trade_probability_by_seeded_simulation():
    rng = np.random.default_rng(1983)
    B = 200_000
    v, c = rng.random(B), rng.random(B)
    ok, price = DA.trade(DA.bid(v), DA.ask(c))
    # sd of a share with p = 9/32 over 2e5 runs is 0.0010; 4 sd.
    assert ok.mean() == pytest.approx(9 / 32, abs=0.004)
    # trade iff v >= c + 1/4 (up to rounding at the boundary)
    assert np.mean(ok != (v >= c + 0.25)) < 1e-4
    assert np.all((price[ok] >= c[ok]) & (price[ok] <= v[ok]))
