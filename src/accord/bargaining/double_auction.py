"""The Chatterjee–Samuelson linear double auction: bargaining when both sides' values are private.

A seller with cost c and a buyer with value v, each private and drawn independently from U[0, 1], name an ask a
and a bid b at once; they trade iff b ≥ a, at the price (a + b)/2 (Chatterjee & Samuelson 1983, *Operations
Research* 31:835, k = 1/2). The linear Bayesian equilibrium (Chatterjee & Samuelson 1983; Myerson &
Satterthwaite 1983, *JET* 29:265, who show it is the most efficient mechanism here) is

    b(v) = 2v/3 + 1/12,        a(c) = 2c/3 + 1/4,

so trade happens iff v ≥ c + 1/4, with probability ∫_0^{3/4} (3/4 − c) dc = 9/32 (against 1/2 for efficient
trade): private values alone lose trades worth making.

The best responses to linear strategies are closed forms (first-order conditions of the expected surplus; the
bid b of a buyer of value v against asks uniform on [γ, γ + α] maximises ∫_γ^b (v − (a + b)/2) da, so
b = (2v + γ)/3; the ask of a seller of cost c against bids uniform on [η, η + ρ] is a = (2c + η + ρ)/3), so the
equilibrium is checked as their fixed point.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

__all__ = [
    "BUYER",
    "SELLER",
    "bid",
    "ask",
    "trade",
    "best_response_bid",
    "best_response_ask",
    "TRADE_PROBABILITY",
]

#: Equilibrium strategies as (slope, intercept): b(v) = 2v/3 + 1/12, a(c) = 2c/3 + 1/4.
BUYER = (Fraction(2, 3), Fraction(1, 12))
SELLER = (Fraction(2, 3), Fraction(1, 4))
#: P(trade) in the linear equilibrium with U[0, 1] values.
TRADE_PROBABILITY = Fraction(9, 32)


def bid(v: np.ndarray) -> np.ndarray:
    """(B,) the equilibrium bid of buyers with values ``v``."""
    return float(BUYER[0]) * np.asarray(v, dtype=np.float64) + float(BUYER[1])


def ask(c: np.ndarray) -> np.ndarray:
    """(B,) the equilibrium ask of sellers with costs ``c``."""
    return float(SELLER[0]) * np.asarray(c, dtype=np.float64) + float(SELLER[1])


def trade(bids: np.ndarray, asks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(B,) whether each run trades (b ≥ a) and its price (a + b)/2 (NaN without trade)."""
    ok = np.asarray(bids) >= np.asarray(asks)
    return ok, np.where(ok, 0.5 * (np.asarray(bids) + np.asarray(asks)), np.nan)


def best_response_bid(v: Fraction, ask_slope: Fraction, ask_intercept: Fraction) -> Fraction:
    """The bid that maximises a buyer's expected surplus against asks uniform on [γ, γ + α] (an interior value
    v ≥ γ): (2v + γ)/3."""
    return (2 * v + ask_intercept) / 3


def best_response_ask(c: Fraction, bid_slope: Fraction, bid_intercept: Fraction) -> Fraction:
    """The ask that maximises a seller's expected surplus against bids uniform on [η, η + ρ] (an interior
    cost): (2c + η + ρ)/3."""
    return (2 * c + bid_intercept + bid_slope) / 3
