"""Baseline forecasts: the compromise model (weighted mean) and the median voter (pairwise votes).

- Compromise model (Stokman & Van Oosten 1994; the "mean voter" of Bueno de Mesquita 1994):
  ``x̄ = Σ c_i s_i x_i / Σ c_i s_i``. Achen (2006, *The European Union Decides*, ch. 10) found it at least as
  accurate as the elaborate models on 66 EU proposals, so it is the mandatory baseline.
- Median voter (Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011): the position x_j that beats every
  other x_k in pairwise votes ``v(j, k) = Σ_i c_i s_i (|x_i − x_k| − |x_i − x_j|) / R``. A position wins
  exactly when it minimises the weighted sum of distances, so in one dimension it is the c·s-weighted median.

Sums run left to right over the actors (``np.cumsum``), the order of a plain Python ``sum``, so results
match the published replication code to the last digit.
"""

from __future__ import annotations

import math

import numpy as np


def seq_sum(a: np.ndarray, axis: int = 0) -> np.ndarray:
    """Sum along ``axis`` strictly left to right (numpy's ``sum`` uses pairwise blocks for long axes)."""
    a = np.asarray(a, dtype=float)
    if a.shape[axis] == 0:
        return np.sum(a, axis=axis)
    return np.take(np.cumsum(a, axis=axis), -1, axis=axis)


_LIBM_POW = np.frompyfunc(math.pow, 2, 1)


def power(base: np.ndarray | float, exponent: np.ndarray | float) -> np.ndarray:
    """``base ** exponent`` elementwise with the C library's ``pow`` (correctly rounded in glibc).

    numpy's own ``power`` switched to SIMD code whose last bit differs from libm in about 5 % of cases
    (numpy 2.4), which moves the published replications' figures in their last digit; the models here
    are small (actors x actors), so the exact scalar function costs nothing that matters.
    """
    b, e = np.broadcast_arrays(np.asarray(base, dtype=float), np.asarray(exponent, dtype=float))
    return np.asarray(_LIBM_POW(b, e), dtype=float).reshape(b.shape)


def weighted_mean(capability: np.ndarray, position: np.ndarray, salience: np.ndarray) -> float:
    """The compromise model ``Σ c s x / Σ c s`` (``c*s`` first, then ``*x``, summed left to right)."""
    cs = np.asarray(capability, float) * np.asarray(salience, float)
    den = float(seq_sum(cs))
    if den <= 0:
        raise ValueError("weighted mean: no actor has capability > 0 and salience > 0")
    return float(seq_sum(cs * np.asarray(position, float))) / den


def pairwise_votes(
    position: np.ndarray,
    weight: np.ndarray,
    candidates: np.ndarray | None = None,
    scale_range: float = 1.0,
    risk: np.ndarray | float = 1.0,
) -> np.ndarray:
    """``V[a, b] = Σ_k w_k ((|x_k − y_b|/R)^r_k − (|x_k − y_a|/R)^r_k)``: support for candidate a over b.

    ``candidates`` default to the distinct positions. ``risk`` (scalar or per voter) raises the distances
    to a power, as in Bueno de Mesquita's votes with risk attitudes; the median voter uses 1.
    """
    x = np.asarray(position, float)
    y = np.unique(x) if candidates is None else np.asarray(candidates, float)
    r = np.broadcast_to(np.asarray(risk, float), x.shape)
    dist = power(np.abs(x[:, None] - y[None, :]) / scale_range, r[:, None])  # (voters, candidates)
    w = np.asarray(weight, float)[:, None, None]
    return seq_sum(w * (dist[:, None, :] - dist[:, :, None]), axis=0)


def median_voter(position: np.ndarray, weight: np.ndarray, scale_range: float | None = None) -> float:
    """The position that beats or ties every other in pairwise votes (lowest one if several tie).

    Candidates are the actors' distinct positions. A candidate wins when none of its pairwise margins is
    negative beyond rounding (1e-12 of the total vote); in one dimension one always does.
    """
    x = np.asarray(position, float)
    w = np.asarray(weight, float)
    y = np.unique(x)
    if y.size == 1:
        return float(y[0])
    rng = float(y[-1] - y[0]) if scale_range is None else scale_range
    v = pairwise_votes(x, w, y, rng if rng > 0 else 1.0)
    tol = 1e-12 * max(float(np.abs(w).sum()), 1e-300)
    winners = np.flatnonzero((v >= -tol).all(axis=1))
    if winners.size:
        return float(y[winners[0]])
    return float(y[np.argmax(v.min(axis=1))])  # pragma: no cover - cannot happen in one dimension


def weighted_median(position: np.ndarray, weight: np.ndarray) -> float:
    """The lower weighted median by sorting: smallest x with cumulative weight of positions <= x at least half.

    Kept separate from ``median_voter`` so tests can check one against the other.
    """
    x = np.asarray(position, float)
    w = np.asarray(weight, float)
    y = np.unique(x)
    cum = np.array([w[x <= v].sum() for v in y])
    return float(y[np.flatnonzero(cum >= 0.5 * w.sum() * (1 - 1e-12))[0]])
