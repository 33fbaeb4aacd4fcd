"""Opponent models: frequency-based (HardHeaded) and Bayesian (Hindriks & Tykhonov 2008).

Both estimate a linear-additive utility u(w) = sum_i w_i v_i(w_i) from the opponent's offers alone and
update it incrementally: one offer costs O(sum of issue sizes) for the frequency model and
O(sum_i k_i^2 n) for the Bayesian one (k_i values of issue i, n issues), never a pass over the outcomes.

Frequency model (van Krimpen, Looije & Hajizadeh 2013, "HardHeaded", in *Complex Automated Negotiations*,
SCI 435, pp. 223-227; the BOA frequency model of Baarslag et al. 2014): issue weights start equal; when
the opponent keeps an issue's value from one offer to the next, that issue's weight grows by
``learn_coef / n`` and the weights are renormalised (a stubborn issue matters to it). Each value offered
adds ``value_addition`` to that value's count; a value's estimated utility is its count over the
largest count of its issue. Counts start at 1 (so unseen values are not ruled out): a choice the
description leaves open.

Bayesian model (Hindriks & Tykhonov 2008, "Opponent modelling in automated multi-issue negotiation using
Bayesian learning", AAMAS, pp. 331-338), in its scalable form where issues are learnt independently:

- hypotheses on issue i's evaluation function: the triangular functions peaking at each value j,
  h_j(v) = 1 - |v - j| / max(j, k - 1 - j) (the peaks at the ends are the paper's "downhill" and
  "uphill" functions); the value order is the order in the domain file, also for unordered issues;
- hypotheses on issue i's weight: its rank r in 1..n among the issues, with weight 2r / (n (n + 1));
- the opponent is assumed to concede slowly, so its offer at time t has (for it) the utility
  u*(t) = 1 - concession * t; the likelihood of an offer b under a hypothesis is the normal density of
  u_h(b) - u*(t) with standard deviation ``sigma``, where u_h(b) combines the hypothesis for issue i with
  the current expectation for the other issues; each issue's joint (evaluation, rank) distribution is
  updated by Bayes' rule. The expected weights (normalised) and evaluations give the estimate.
  The linear concession and the values of ``concession`` and ``sigma`` are our choices where the paper
  gives the form of the assumption but no constants for our normalised-time setting.
"""

from __future__ import annotations

import numpy as np

from accord.strategies.base import Context
from accord.strategies.boa.components import ComponentInfo, OpponentModel, component


@component("model", "frequency")
class FrequencyModel(OpponentModel):
    info = ComponentInfo(
        "frequency",
        "model",
        "van Krimpen, Looije & Hajizadeh 2013 (HardHeaded); Baarslag et al. 2014",
        "Issue weights grow when the opponent keeps a value; value utilities from offer counts.",
    )

    def __init__(self, learn_coef: float = 0.2, value_addition: float = 1.0) -> None:
        if learn_coef < 0 or value_addition <= 0:
            raise ValueError("learn_coef must be >= 0 and value_addition > 0")
        self.learn_coef, self.value_addition = float(learn_coef), float(value_addition)

    def __repr__(self) -> str:
        return f"FrequencyModel(learn_coef={self.learn_coef}, value_addition={self.value_addition})"

    def setup_model(self, ctx: Context) -> None:
        super().setup_model(ctx)
        self.counts = self._valid.astype(np.float64)  # every value starts at 1 (padding at 0)
        self.maxes = self.counts.max(axis=1).tolist()
        self.freq = self.counts / self.counts.max(axis=1, keepdims=True)  # counts / largest count
        self.prev: list[int] | None = None

    def update(self, offer: int, t: float) -> None:
        # Incremental form of: add to the offered counts, values = counts / (largest count of the issue),
        # reweight the issues whose value was kept. Each entry gets the same floating-point operations as
        # recomputing the whole table, so the estimate is bit for bit the same; only the issues whose
        # largest count grows are divided again.
        d = self.digits_of(offer)
        w = self._w
        if self.prev is not None:
            same = [a == b for a, b in zip(d, self.prev, strict=True)]
            if any(same):
                w = w + np.asarray(same) * (self.learn_coef / len(w))
                w = w / w.sum()
        counts, maxes, v = self.counts, self.maxes, self.freq
        for i, j in enumerate(d):
            c = counts[i, j] + self.value_addition
            counts[i, j] = c
            if c > maxes[i]:
                maxes[i] = float(c)
                v[i] = counts[i] / c
            else:
                v[i, j] = c / maxes[i]
        self._w, self._v, self._table = w, v.copy(), None
        self.prev = d


def triangular_hypotheses(k: int) -> np.ndarray:
    """Row j: the triangular evaluation function peaking at value j (k x k, entries in [0, 1])."""
    if k == 1:
        return np.ones((1, 1))
    v = np.arange(k, dtype=np.float64)
    j = v[:, None]
    span = np.maximum(j, k - 1 - j)
    return 1.0 - np.abs(v[None, :] - j) / span


@component("model", "bayesian")
class BayesianModel(OpponentModel):
    info = ComponentInfo(
        "bayesian",
        "model",
        "Hindriks & Tykhonov 2008 (scalable Bayesian learning)",
        "Bayes' rule over triangular value functions and weight ranks, issue by issue.",
    )

    def __init__(self, sigma: float = 0.15, concession: float = 0.1) -> None:
        if sigma <= 0 or not 0.0 <= concession <= 1.0:
            raise ValueError("sigma must be > 0 and concession in [0, 1]")
        self.sigma, self.concession = float(sigma), float(concession)

    def __repr__(self) -> str:
        return f"BayesianModel(sigma={self.sigma}, concession={self.concession})"

    def setup_model(self, ctx: Context) -> None:
        super().setup_model(ctx)
        n = len(self._pairs)
        kmax = int(self._cards.max())
        self.rank_weights = 2.0 * np.arange(1, n + 1) / (n * (n + 1))
        # hyp[i, h, v]: hypothesis h of issue i evaluated at value v (zero padding beyond the size).
        self.hyp = np.zeros((n, kmax, kmax))
        # post[i, h, r]: joint probability of evaluation hypothesis h and weight rank r for issue i.
        self.post = np.zeros((n, kmax, n))
        for i, (_, c) in enumerate(self._pairs):
            self.hyp[i, :c, :c] = triangular_hypotheses(c)
            self.post[i, :c, :] = 1.0 / (c * n)
        self._refresh()

    def _refresh(self) -> None:
        w = self.post.sum(axis=1) @ self.rank_weights
        vals = np.einsum("ih,ihv->iv", self.post.sum(axis=2), self.hyp)
        self.set_estimate(w / w.sum(), vals)

    def update(self, offer: int, t: float) -> None:
        d = np.asarray(self.digits_of(offer))
        target = 1.0 - self.concession * t
        contrib = self.table()[self._rows, d]
        rest = contrib.sum() - contrib
        # u_h(b) for every issue i, evaluation hypothesis h and rank r, the other issues at their expectation.
        hv = self.hyp[self._rows, :, d]
        u = hv[:, :, None] * self.rank_weights[None, None, :] + rest[:, None, None]
        q = self.post * np.exp(-0.5 * ((u - target) / self.sigma) ** 2)
        s = q.sum(axis=(1, 2))
        ok = s > 0
        self.post[ok] = q[ok] / s[ok, None, None]
        self._refresh()
