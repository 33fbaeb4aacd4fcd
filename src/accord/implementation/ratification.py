"""Ratification after signature: a domestic pivot accepts the deal iff it beats the status quo for it.

Two-level games (Putnam 1988, *International Organization* 42:427): a signed deal takes effect only if the
pivotal domestic ratifier of each side prefers it to no agreement; the set of deals it would ratify is the
side's *win-set*. Iida (1993, *JCR* 37:403) made the pivot uncertain to the negotiators, so a deal is ratified
only with a probability. Two forms, both on arrays with a leading run axis:

- spatial (one issue): a pivot with ideal point r and symmetric loss ratifies x over the status quo q iff
  |x − r| ≤ |q − r| (:func:`ratifies_spatial`). With r ~ U[lo, hi] and x > q that is r ≥ (x + q)/2, so
  P(ratify) = clip((hi − (x + q)/2)/(hi − lo), 0, 1), and the mirror image for x < q
  (:func:`p_ratify_spatial_uniform`);
- on a party's utility scale (many issues): the pivot's gain from the deal is the party's own gain over the
  status quo, u(deal) − u(status quo), less a threshold θ drawn per run from a declared distribution (how much
  harder to please the pivot is than the leader who signed); it ratifies iff gain ≥ θ, so P(ratify) = F_θ(gain)
  (:func:`ratifies_threshold`, :func:`p_ratify_threshold_uniform`). Ties ratify.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ratifies_spatial",
    "p_ratify_spatial_uniform",
    "ratifies_threshold",
    "p_ratify_threshold_uniform",
]


def ratifies_spatial(deal: np.ndarray, status_quo: np.ndarray, pivot: np.ndarray) -> np.ndarray:
    """(B,) whether a pivot at ``pivot`` prefers ``deal`` to ``status_quo`` (one issue, symmetric loss)."""
    x, q, r = (np.asarray(a, dtype=np.float64) for a in (deal, status_quo, pivot))
    return np.abs(x - r) <= np.abs(q - r)


def p_ratify_spatial_uniform(deal: float, status_quo: float, low: float, high: float) -> float:
    """P(ratify) for a pivot ideal point uniform on [low, high] (low < high)."""
    if deal == status_quo:
        return 1.0
    m = 0.5 * (deal + status_quo)
    share = (high - m) / (high - low) if deal > status_quo else (m - low) / (high - low)
    return float(min(max(share, 0.0), 1.0))


def ratifies_threshold(gain: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """(B, ...) whether a pivot whose threshold is ``threshold`` ratifies a deal with ``gain`` over the status
    quo on the party's utility scale: gain ≥ θ."""
    return np.asarray(gain, dtype=np.float64) >= np.asarray(threshold, dtype=np.float64)


def p_ratify_threshold_uniform(gain: np.ndarray | float, low: float, high: float) -> np.ndarray:
    """P(ratify) = F_θ(gain) for θ ~ U[low, high]."""
    return np.clip((np.asarray(gain, dtype=np.float64) - low) / (high - low), 0.0, 1.0)
