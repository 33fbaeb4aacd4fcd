"""Scoring probability forecasts of categorical outcomes, and the two reference forecasters.

A forecast is an array ``P`` of shape (N, K): N cases, K categories, each row summing to 1; the outcome
``y`` (N,) holds the index of the category that happened. The scores (lower is better for all three):

- multi-category Brier score ``sum_k (P[n, k] - [y_n = k])**2`` (Brier 1950, *Monthly Weather Review* 78:1),
  from 0 (certain and right) to 2 (certain and wrong); "one third each" over three categories scores 2/3;
- logarithmic score ``-ln max(P[n, y_n], floor)`` (Good 1952, *JRSS B* 14:107), floored so that one
  confident miss is finite (floor 0.01: at most ln 100 = 4.61 per case);
- ranked probability score over ordered categories ``sum_{k<K} (F[n, k] - O[n, k])**2 / (K - 1)`` with F and
  O the cumulative forecast and outcome (Epstein 1969, *J. Applied Meteorology* 8:985; Murphy 1971), from 0
  to 1; it charges less for a miss by one category than for a miss by two.

Reference forecasters: *uniform* (1/K each) and the *leave-one-out base rate*: for case n, the frequencies of
the categories among the other cases with one pseudo-count per category (Laplace's rule of succession), so
no category gets probability 0 and a case's own outcome never enters its forecast.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "brier",
    "log_score",
    "rps",
    "uniform_forecast",
    "loo_base_rate",
    "score_all",
    "reliability_bins",
]

#: The log score's floor on the probability of what happened.
LOG_FLOOR = 0.01


def _check(P: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    P = np.asarray(P, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    if P.ndim != 2 or y.shape != (P.shape[0],):
        raise ValueError(f"need P of shape (N, K) and y of shape (N,), got {P.shape} and {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= P.shape[1]):
        raise ValueError(f"outcomes must index the {P.shape[1]} categories")
    return P, y


def _onehot(y: np.ndarray, K: int) -> np.ndarray:
    return np.eye(K)[y]


def brier(P: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(N,) multi-category Brier score of each case."""
    P, y = _check(P, y)
    return ((P - _onehot(y, P.shape[1])) ** 2).sum(axis=1)


def log_score(P: np.ndarray, y: np.ndarray, floor: float = LOG_FLOOR) -> np.ndarray:
    """(N,) ``-ln max(p(what happened), floor)`` of each case."""
    P, y = _check(P, y)
    return -np.log(np.maximum(P[np.arange(y.size), y], floor))


def rps(P: np.ndarray, y: np.ndarray, order: Sequence[int] | None = None) -> np.ndarray:
    """(N,) ranked probability score with the categories taken in ``order`` (default: column order)."""
    P, y = _check(P, y)
    K = P.shape[1]
    o = np.arange(K) if order is None else np.asarray(order, dtype=np.int64)
    F = np.cumsum(P[:, o], axis=1)[:, :-1]
    G = np.cumsum(_onehot(y, K)[:, o], axis=1)[:, :-1]
    return ((F - G) ** 2).sum(axis=1) / (K - 1)


def uniform_forecast(n: int, k: int) -> np.ndarray:
    """(n, k) forecast of 1/k for every category."""
    return np.full((n, k), 1.0 / k)


def loo_base_rate(y: np.ndarray, k: int, pseudo: float = 1.0) -> np.ndarray:
    """(N, k) leave-one-out base rate: case n gets (count among the others + pseudo) / (N − 1 + k·pseudo)."""
    y = np.asarray(y, dtype=np.int64)
    counts = np.bincount(y, minlength=k).astype(np.float64)
    others = counts[None, :] - _onehot(y, k)
    return (others + pseudo) / (y.size - 1 + k * pseudo)


def score_all(
    forecasts: dict[str, np.ndarray], y: np.ndarray, order: Sequence[int] | None = None
) -> dict[str, dict[str, float]]:
    """Mean Brier, log and ranked probability score of every named forecast on the same cases."""
    out: dict[str, dict[str, float]] = {}
    for name, P in forecasts.items():
        out[name] = {
            "brier": float(brier(P, y).mean()),
            "log": float(log_score(P, y).mean()),
            "rps": float(rps(P, y, order).mean()),
        }
    return out


def reliability_bins(P: np.ndarray, y: np.ndarray, bins: int = 5) -> dict[str, np.ndarray]:
    """Every (case, category) forecast pooled into ``bins`` equal-width bins of probability: per bin the
    mean forecast probability, the observed frequency of the category, and the count (Murphy & Winkler 1977,
    *Applied Statistics* 26:41). Empty bins are NaN with count 0."""
    P, y = _check(P, y)
    p = P.ravel()
    hit = _onehot(y, P.shape[1]).ravel()
    idx = np.minimum((p * bins).astype(np.int64), bins - 1)
    n = np.bincount(idx, minlength=bins).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.bincount(idx, weights=p, minlength=bins) / n
        freq = np.bincount(idx, weights=hit, minlength=bins) / n
    return {"forecast": mean_p, "observed": freq, "count": n.astype(np.int64)}
