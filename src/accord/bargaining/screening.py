"""The screening proposer: an offer chosen to maximise expected utility given the chance it is accepted.

A proposer who does not know the responder's walk-away value θ but holds a prior F over it offers x (the
responder's share of a unit pie, or any offer worth x to the responder) to maximise

    EU(x) = P(accept | x) · u_proposer(x) + (1 − P(accept | x)) · d,        P(accept | x) = F(x),

with d its own value of no deal. This is the monopoly-pricing / take-it-or-leave-it problem of bargaining under
one-sided incomplete information (Fudenberg & Tirole 1991, *Game Theory*, §10.2; Ausubel, Cramton & Deneckere
2002, *Handbook of Game Theory* vol. 3 ch. 50, §2). With θ ~ U[0, 1] over a unit pie and d = 0,
EU(x) = (1 − x) x, so x* = 1/2 and talks break down with probability 1 − F(1/2) = 1/2: incomplete information
alone makes efficient deals fail.

Public commitments and audience costs (Fearon 1994, *APSR* 88:577): a leader who has publicly demanded a
level m and then accepts less pays an audience cost a·m. A responder of resolve θ who made such a demand takes
an offer x only if x − a·m ≥ θ, so its effective type is θ + a·m (:func:`committed_type`). Against a screening
proposer with θ ~ U[0, 1] and a·m ≤ 1 this gives x* = (1 + a·m)/2 and breakdown probability (1 + a·m)/2
(:func:`tioli_uniform` with ``shift``): a public commitment buys a better offer at a higher risk of no deal,
Fearon's tying-hands trade-off. (The closed form is derived here for this model; Fearon's own model is a war of
attrition with audience costs rising in time.)
"""

from __future__ import annotations

import numpy as np

from accord.bargaining.types import acceptance_probability, accepts, bayes_update, response_likelihood

__all__ = ["screening_offer", "screening_round", "tioli_uniform", "committed_type"]


def screening_offer(
    proposer_value: np.ndarray, accept_probability: np.ndarray, outside: np.ndarray | float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Per run, the offer (an index into the n candidate offers) that maximises
    ``P(accept)·u + (1 − P(accept))·d``: ``proposer_value`` and ``accept_probability`` are (B, n), ``outside``
    d is (B,) or a number. Ties go to the lowest index. Returns (best index (B,), expected utility (B,))."""
    d = np.broadcast_to(np.asarray(outside, dtype=np.float64), (proposer_value.shape[0],))
    eu = accept_probability * proposer_value + (1.0 - accept_probability) * d[:, None]
    best = np.argmax(eu, axis=1)
    return best, eu[np.arange(eu.shape[0]), best]


def screening_round(
    offers: np.ndarray,
    proposer_value: np.ndarray,
    values: np.ndarray,
    probs: np.ndarray,
    theta: np.ndarray,
    outside: np.ndarray | float = 0.0,
    tremble: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One round for B runs at once: each run's proposer makes its screening offer among ``offers`` (n,) (worth
    ``proposer_value`` (B, n) to it) under its belief ``probs`` (B, K) over the responder's types ``values``
    (K,); the responder of true type ``theta`` (B,) answers by :func:`~accord.bargaining.types.accepts`; the
    proposer updates its belief by Bayes' rule with the likelihood of that same rule. Returns (offer index (B,),
    accepted (B,), posterior (B, K)).

    Repeated after rejections this is myopic sequential screening (the proposer ignores the value of later
    rounds and the responder does not wait): with θ ~ U[0, 1] the n-th offer is 1 − 2^-n and talks are still
    without a deal after n rounds with probability 2^-n."""
    acc = acceptance_probability(offers, values, probs)
    best, _ = screening_offer(proposer_value, acc, outside)
    x = np.asarray(offers, dtype=np.float64)[best]
    ok = accepts(x, theta)
    post, _ = bayes_update(probs, response_likelihood(x, ok, values, tremble))
    return best, ok, post


def committed_type(
    theta: np.ndarray, audience_cost: np.ndarray | float, commitment: np.ndarray | float
) -> np.ndarray:
    """The walk-away value of a party that publicly demanded ``commitment`` m and would pay ``audience_cost``·m
    for accepting less (Fearon 1994): θ + a·m."""
    return np.asarray(theta, dtype=np.float64) + np.asarray(audience_cost) * np.asarray(commitment)


def tioli_uniform(
    low: float = 0.0, high: float = 1.0, outside: float = 0.0, shift: float = 0.0
) -> dict[str, float]:
    """Closed form of the take-it-or-leave-it offer of a unit pie to a responder with type U[low, high] (plus
    ``shift``, an audience cost a·m), proposer's value of no deal ``outside``: maximise (1 − d − x)·F(x − shift).

    The first-order condition of (1 − d − x)(x − shift − low)/(high − low) gives x = (1 − d + low + shift)/2,
    clipped to [low + shift, high + shift]."""
    lo, hi = low + shift, high + shift
    x = min(max((1.0 - outside + lo) / 2.0, lo), hi)
    p = (x - lo) / (hi - lo)
    return {
        "offer": x,
        "acceptance_probability": p,
        "breakdown_probability": 1.0 - p,
        "proposer_expected": p * (1.0 - x) + (1.0 - p) * outside,
    }
