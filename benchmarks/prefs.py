"""The library-independent random-preferences recipe of the benchmarks (plain numpy, no accord, no NegMAS).

Both sides of every benchmark import this module, so accord and NegMAS build identical preferences.
Recipe (from the NegMAS 0.16 baseline, shared/reference/negmas-baseline.md):

- k integer issues with the values 0..9 (k = 3: 1,000 outcomes; 5: 100,000; 6: 10^6);
- for each party, in order (party A before party B): weights ~ Dirichlet(1, ..., 1) over the k issues, then
  for each issue a value table v(0..9) ~ U(0, 1) min-max rescaled to [0, 1], then a reservation value
  r ~ U(0, 0.4); utility = sum_i w_i * v_i(x_i);
- one ``numpy.random.default_rng(seed)`` (seed 0) drives every draw; the negotiation benchmark draws a fresh
  pair for each negotiation from the same generator, one pair after another.

NegMAS's ``LinearAdditiveUtilityFunction.random()`` is not used: it makes every value function increasing,
so the two sides would not conflict.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VALUES = 10


@dataclass(frozen=True)
class PartyPrefs:
    """One party's linear-additive preferences: ``weights[k]``, ``tables[k, 10]``, ``reservation``."""

    weights: np.ndarray
    tables: np.ndarray
    reservation: float

    def utilities(self) -> np.ndarray:
        """Utility of every outcome (first issue most significant), in index order: a brute-force check."""
        k = len(self.weights)
        u = np.zeros((VALUES,) * k)
        for i in range(k):
            shape = [1] * k
            shape[i] = VALUES
            u = u + (self.weights[i] * self.tables[i]).reshape(shape)
        return u.reshape(-1)


def draw_party(rng: np.random.Generator, k: int) -> PartyPrefs:
    """Draw one party: Dirichlet weights, then k rescaled U(0,1) tables, then the reservation value."""
    w = rng.dirichlet(np.ones(k))
    raw = rng.random((k, VALUES))
    lo = raw.min(axis=1, keepdims=True)
    hi = raw.max(axis=1, keepdims=True)
    tables = (raw - lo) / (hi - lo)
    r = float(rng.uniform(0.0, 0.4))
    return PartyPrefs(w, tables, r)


def draw_pair(rng: np.random.Generator, k: int) -> tuple[PartyPrefs, PartyPrefs]:
    """Party A, then party B, from the same generator."""
    a = draw_party(rng, k)
    b = draw_party(rng, k)
    return a, b


def draw_pairs(n: int, k: int, seed: int = 0) -> list[tuple[PartyPrefs, PartyPrefs]]:
    """``n`` fresh pairs, one per negotiation, all from ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    return [draw_pair(rng, k) for _ in range(n)]
