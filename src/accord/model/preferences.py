"""Preferences evaluated for whole arrays of outcomes at once.

u(ω) = min(cap, Σ_i w_i · s_i(ω_i)  +  Σ_t v_t · [condition_t(ω)])

(``cap`` is None, no cap, except for GENIUS profiles whose weighted scores can sum above 1: GENIUS's
``AdditiveUtilitySpace.getUtility`` returns min(sum, 1), and so does accord for them), evaluated left to right in issue order (so every path that sums the same contributions, including
the frontier search over spaces too large to enumerate, gets bit-identical floats). Hard constraints
mark outcomes the party can never accept. The reservation value is what the party gets with no deal.
Discounting follows GENIUS: U_D(ω, t) = U(ω) · d^t with t ∈ [0, 1] the normalised time
(Baarslag et al., GENIUS user guide §2; Faratin, Sierra & Jennings 1998).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from accord.model.expr import Expression
from accord.model.space import DEFAULT_ENUMERATION_LIMIT, OutcomeSpace

#: Outcomes so far from which the outer sum is taken one value of the next issue at a time.
_LONG = 256


def additive_sum(
    weights: np.ndarray, scores: Sequence[np.ndarray], out: np.ndarray | None = None
) -> np.ndarray:
    """(G, n): the linear-additive utility Σ_i w_i · s_i of every outcome, in index order, for a stack of G
    preference rows (one party's preferences is a stack of one).

    ``weights`` is (G, k); ``scores[j]`` is (G, card_j), or (1, card_j) when every row shares it. The one
    summation of accord: c_j = w_j · s_j, u = c_0, then u[i * card_j + v] = u[i] + c_j[v] issue after issue
    (first issue most significant), so every caller (one party, a stack of scenarios, every run of a Monte
    Carlo chunk) gets the same floats. The outer sum is written one value of issue j at a time when the
    outcomes so far are many (long inner loops), in one broadcast call when few. Written into ``out`` when
    given.
    """
    G = weights.shape[0]
    u = weights[:, 0, None] * scores[0]
    if u.shape[0] != G:
        u = np.broadcast_to(u, (G, u.shape[1]))
    last = len(scores) - 1
    if last == 0:
        if out is None:
            return np.array(u, dtype=np.float64)
        out[...] = u
        return out
    for j in range(1, len(scores)):
        c = weights[:, j, None] * scores[j]
        card = c.shape[1]
        if j == last and out is not None:
            nxt = out.reshape(G, u.shape[1], card)
        else:
            nxt = np.empty((G, u.shape[1], card), dtype=np.float64)
        if u.shape[1] >= _LONG:
            for x in range(card):
                np.add(u, c[:, x, None], out=nxt[:, :, x])
        else:  # short rows: one broadcast call (the same additions)
            np.add(u[:, :, None], c[:, None, :], out=nxt)
        u = nxt.reshape(G, -1)
    return u


@dataclass(frozen=True)
class Term:
    """A non-additive term: ``value`` is added whenever ``condition`` holds (negative = penalty)."""

    condition: Expression
    value: float
    note: str = ""


@dataclass(frozen=True)
class Preferences:
    """A party's preferences over an outcome space."""

    space: OutcomeSpace
    weights: np.ndarray
    scores: tuple[np.ndarray, ...]
    terms: tuple[Term, ...] = ()
    constraints: tuple[Expression, ...] = ()
    reservation: float = 0.0
    discount: float = 1.0
    flags: Mapping[str, bool] = field(default_factory=dict)
    #: utilities above this are this (GENIUS's min(sum, 1)); None: no cap
    cap: float | None = None

    def __post_init__(self) -> None:
        w = np.asarray(self.weights, dtype=np.float64)
        if w.shape != (len(self.space.issues),):
            raise ValueError(f"need one weight per issue ({len(self.space.issues)}), got shape {w.shape}")
        sc = tuple(np.asarray(s, dtype=np.float64) for s in self.scores)
        for s, iss in zip(sc, self.space.issues, strict=True):
            if s.shape != (iss.size,):
                raise ValueError(f"issue {iss.name!r}: need {iss.size} scores, got shape {s.shape}")
        # Read-only views: the preferences cannot change them, and the caller's own arrays keep their
        # flags (views, not copies: scenarios are built in bulk in experiments and benchmarks).
        w = w.view()
        w.setflags(write=False)
        sc = tuple(s.view() for s in sc)
        for s in sc:
            s.setflags(write=False)
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "scores", sc)

    @property
    def linear(self) -> bool:
        """True if the preferences are linear-additive (no non-additive terms, no cap)."""
        return not self.terms and self.cap is None

    def capped(self, u: np.ndarray) -> np.ndarray:
        """``u`` with the cap applied (``u`` itself when there is none)."""
        return u if self.cap is None else np.minimum(u, self.cap)

    def contributions(self) -> list[np.ndarray]:
        """Per issue, the weighted score of each value: w_i · s_i."""
        return [w * s for w, s in zip(self.weights, self.scores, strict=True)]

    def evaluate(self, idx: np.ndarray | int) -> np.ndarray:
        """Utility of each outcome index in ``idx`` (any shape)."""
        digits = self.space.digits(idx)
        contrib = self.contributions()
        u = contrib[0][digits[0]]
        for c, d in zip(contrib[1:], digits[1:], strict=True):
            u = u + c[d]
        return self.capped(self._add_terms(u, digits))

    def evaluate_all(self, limit: int = DEFAULT_ENUMERATION_LIMIT) -> np.ndarray:
        """Utility of every outcome, in index order (guarded by ``limit``)."""
        self.space.check_enumerable("evaluating every outcome", limit)
        # a stack of one: index order (first issue most significant), summed left to right in issue
        # order as in ``evaluate``
        u = additive_sum(self.weights[None, :], [s[None, :] for s in self.scores])[0]
        if self.terms:
            u = self._add_terms(u, self.space.digits(np.arange(self.space.size, dtype=np.int64)))
        return self.capped(u)

    def _add_terms(self, u: np.ndarray, digits: list[np.ndarray]) -> np.ndarray:
        for t in self.terms:
            u = u + t.value * t.condition.evaluate_digits(digits, self.flags)
        return u

    def acceptable(self, idx: np.ndarray | int) -> np.ndarray:
        """True where every hard constraint holds."""
        idx = np.asarray(idx, dtype=np.int64)
        ok = np.ones(idx.shape, dtype=bool)
        if self.constraints:
            digits = self.space.digits(idx)
            for c in self.constraints:
                ok &= np.broadcast_to(c.evaluate_digits(digits, self.flags), idx.shape)
        return ok

    def discounted(self, u: np.ndarray | float, t: float) -> np.ndarray | float:
        """Utility ``u`` received at normalised time ``t`` ∈ [0, 1]."""
        if self.discount == 1.0:
            return u
        return u * self.discount ** float(t)

    def with_reservation(self, reservation: float) -> Preferences:
        return Preferences(
            self.space,
            self.weights,
            self.scores,
            self.terms,
            self.constraints,
            reservation,
            self.discount,
            self.flags,
            self.cap,
        )


def linear_additive(
    space: OutcomeSpace,
    weights: Sequence[float],
    scores: Sequence[Sequence[float]],
    reservation: float = 0.0,
    discount: float = 1.0,
) -> Preferences:
    """Convenience constructor for plain linear-additive preferences."""
    return Preferences(
        space,
        np.asarray(weights, dtype=np.float64),
        tuple(np.asarray(s, dtype=np.float64) for s in scores),
        reservation=float(reservation),
        discount=float(discount),
    )
