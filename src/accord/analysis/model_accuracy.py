"""How well an opponent model knows the opponent: correlation between modelled and true utility.

Baarslag, Hendrikx, Hindriks & Jonker (2013), "Predicting the performance of opponent models in automated
negotiation", IAT 2013, pp. 59-66 (and "Learning about the opponent in automated bilateral negotiation: a
comprehensive survey of opponent modeling techniques", JAAMAS 30 (2016) 849-898) measure an opponent
model's accuracy over the whole outcome space by

- the Pearson correlation between the modelled and the true opponent utility of every outcome, and
- the Kendall rank correlation (tau-b, which handles ties) between the two orderings of the outcomes.

Where the space is larger than ``max_outcomes``, both are computed on a uniform random sample of outcomes
(drawn without replacement from the generator passed in), so the figure is an estimate.
Kendall's tau-b is computed exactly on the chosen outcomes by comparing every pair, in blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Accuracy", "pearson", "kendall_tau_b", "accuracy", "model_accuracy", "accuracy_over_offers"]

#: Default largest number of outcomes compared (pairs grow as its square).
DEFAULT_MAX_OUTCOMES = 3000
_BLOCK = 256


@dataclass(frozen=True)
class Accuracy:
    """Pearson and Kendall tau-b between modelled and true utility, over ``n`` outcomes."""

    pearson: float
    kendall: float
    n: int
    sampled: bool


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's r; NaN when either side is constant."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    dx, dy = x - x.mean(), y - y.mean()
    den = np.sqrt((dx * dx).sum() * (dy * dy).sum())
    return float((dx * dy).sum() / den) if den > 0 else float("nan")


def kendall_tau_b(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's tau-b: (concordant - discordant) / sqrt((n0 - ties_x)(n0 - ties_y)); NaN if undefined."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = len(x)
    if n < 2:
        return float("nan")
    s = 0  # sum over pairs i < j of sign(x_i - x_j) sign(y_i - y_j)
    for a in range(0, n, _BLOCK):
        b = min(n, a + _BLOCK)
        sx = np.sign(x[a:b, None] - x[None, a:])
        sy = np.sign(y[a:b, None] - y[None, a:])
        prod = sx * sy
        # Keep the pairs (i, j) with j > i: row r of the block is outcome a + r, column c is outcome a + c.
        s += int(np.triu(prod, k=1).sum())
    n0 = n * (n - 1) // 2
    tx = _tied_pairs(x)
    ty = _tied_pairs(y)
    den = np.sqrt(float(n0 - tx) * float(n0 - ty))
    return float(s / den) if den > 0 else float("nan")


def _tied_pairs(v: np.ndarray) -> int:
    _, counts = np.unique(v, return_counts=True)
    return int((counts * (counts - 1) // 2).sum())


def accuracy(
    modelled: np.ndarray,
    true: np.ndarray,
    *,
    max_outcomes: int = DEFAULT_MAX_OUTCOMES,
    rng: np.random.Generator | None = None,
) -> Accuracy:
    """Accuracy of ``modelled`` against ``true`` (two arrays over the same outcomes)."""
    modelled = np.asarray(modelled, dtype=np.float64)
    true = np.asarray(true, dtype=np.float64)
    if modelled.shape != true.shape or modelled.ndim != 1:
        raise ValueError("modelled and true must be 1-d arrays of the same length")
    n = len(true)
    sampled = n > max_outcomes
    if sampled:
        if rng is None:
            raise ValueError("a numpy Generator is needed to sample a space larger than max_outcomes")
        pick = np.sort(rng.choice(n, size=max_outcomes, replace=False))
        modelled, true = modelled[pick], true[pick]
    return Accuracy(pearson(modelled, true), kendall_tau_b(modelled, true), len(true), sampled)


def model_accuracy(
    model: object,
    true: np.ndarray,
    *,
    max_outcomes: int = DEFAULT_MAX_OUTCOMES,
    rng: np.random.Generator | None = None,
) -> Accuracy:
    """Accuracy of an :class:`~accord.strategies.boa.components.OpponentModel` against the true utility.

    ``true`` is the opponent's utility over all outcomes (``compiled.utilities[j]``). When sampling, the
    model is evaluated on the sampled outcomes only.
    """
    true = np.asarray(true, dtype=np.float64)
    n = len(true)
    if n <= max_outcomes:
        return accuracy(model.utility_all(), true, max_outcomes=max_outcomes)  # type: ignore[attr-defined]
    if rng is None:
        raise ValueError("a numpy Generator is needed to sample a space larger than max_outcomes")
    pick = np.sort(rng.choice(n, size=max_outcomes, replace=False))
    est = model.utility(pick)  # type: ignore[attr-defined]
    return Accuracy(pearson(est, true[pick]), kendall_tau_b(est, true[pick]), max_outcomes, True)


def accuracy_over_offers(
    model: object,
    ctx: object,
    offers: list[int] | np.ndarray,
    true: np.ndarray,
    *,
    checkpoints: int = 10,
    max_outcomes: int = DEFAULT_MAX_OUTCOMES,
    seed: int = 0,
) -> list[tuple[int, Accuracy]]:
    """Feed ``offers`` (the opponent's, in order, evenly spread over t in [0, 1]) to a fresh model.

    Returns (number of offers seen, accuracy) at ``checkpoints`` evenly spaced points, the last after
    every offer. Every checkpoint uses the same outcome sample (from ``seed``), so the curve is comparable.
    ``ctx`` is the :class:`~accord.strategies.base.Context` of the modelling party.
    """
    model.setup_model(ctx)  # type: ignore[attr-defined]
    k = len(offers)
    marks = sorted({max(1, round(k * (c + 1) / checkpoints)) for c in range(checkpoints)}) if k else []
    out = []
    done = 0
    for m in marks:
        for j in range(done, m):
            model.update(int(offers[j]), j / max(1, k - 1))  # type: ignore[attr-defined]
        done = m
        out.append(
            (m, model_accuracy(model, true, max_outcomes=max_outcomes, rng=np.random.default_rng(seed)))
        )
    return out
