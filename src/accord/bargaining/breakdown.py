"""Time that matters: discounting, a cost per round, and an exogenous risk of breakdown after each rejection.

- Rubinstein (1982, *Econometrica* 50:97): alternating offers of a unit pie with discount factors δ1, δ2;
  the unique subgame-perfect share of the first proposer is x1* = (1 − δ2)/(1 − δ1 δ2), agreed at once.
- Binmore, Rubinstein & Wolinsky (1986, *RAND J. Econ.* 17:176): no discounting, but after each rejection the
  talks end with probability p, leaving breakdown payoffs b1, b2. The indifference conditions
  1 − x = p b2 + (1 − p) y and 1 − y = p b1 + (1 − p) x give x* = (1 − b2 + (1 − p) b1)/(2 − p), which tends to
  the Nash split (1 + b1 − b2)/2 as p → 0 (oracle: reference/oracles/binmore_rubinstein_wolinsky_breakdown.csv).
- A cost per round c_i is subtracted from a party's utility for every round that has passed (Rubinstein 1982
  §4, fixed bargaining costs).

:func:`spe_shares` solves the finite game of T rounds by backward induction, vectorised over runs, with both
frictions at once; as T grows it tends to the closed forms above. :func:`breakdown_rounds` draws, per run, the
round after which nature ends the talks, so a kernel running R rounds sees fewer rounds end more often in no deal
only through this risk: P(talks still open after r rejections) = (1 − p)^r (:func:`still_open`).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "rubinstein_share",
    "brw_share",
    "spe_shares",
    "still_open",
    "breakdown_rounds",
    "time_adjusted",
]


def rubinstein_share(delta1: np.ndarray | float, delta2: np.ndarray | float) -> np.ndarray:
    """First proposer's subgame-perfect share (1 − δ2)/(1 − δ1 δ2) (Rubinstein 1982)."""
    d1, d2 = np.asarray(delta1, dtype=np.float64), np.asarray(delta2, dtype=np.float64)
    return (1.0 - d2) / (1.0 - d1 * d2)


def brw_share(
    p: np.ndarray | float, b1: np.ndarray | float = 0.0, b2: np.ndarray | float = 0.0
) -> np.ndarray:
    """First proposer's share (1 − b2 + (1 − p) b1)/(2 − p) under breakdown risk p (Binmore et al. 1986)."""
    p = np.asarray(p, dtype=np.float64)
    return (1.0 - np.asarray(b2) + (1.0 - p) * np.asarray(b1)) / (2.0 - p)


def spe_shares(
    rounds: int,
    p: np.ndarray | float = 0.0,
    delta: tuple[np.ndarray | float, np.ndarray | float] = (1.0, 1.0),
    breakdown: tuple[np.ndarray | float, np.ndarray | float] = (0.0, 0.0),
) -> np.ndarray:
    """(B,) the first proposer's subgame-perfect share in ``rounds`` rounds of alternating offers (party 0
    opens), with breakdown probability ``p`` after each rejection, discount factors ``delta`` per round and
    breakdown payoffs ``breakdown`` (each a number or (B,) per run).

    Backward induction: in the last round the responder accepts its breakdown payoff; before it, it accepts
    p·b_r + (1 − p)·δ_r·x_next, with x_next its own share as next proposer. (It assumes b0 + b1 < 1, so a deal
    beats breakdown for the proposer.)"""
    if rounds < 1:
        raise ValueError(f"need at least one round, got {rounds}")
    p = np.atleast_1d(np.asarray(p, dtype=np.float64))
    d = [np.asarray(x, dtype=np.float64) for x in delta]
    b = [np.asarray(x, dtype=np.float64) for x in breakdown]
    proposer = (rounds - 1) % 2
    x = 1.0 - b[1 - proposer] + 0.0 * p  # last round: the responder gets its breakdown payoff
    for t in range(rounds - 2, -1, -1):
        proposer = t % 2
        resp = 1 - proposer
        x = 1.0 - (p * b[resp] + (1.0 - p) * d[resp] * x)
    return x


def still_open(p: np.ndarray | float, rejections: np.ndarray | int) -> np.ndarray:
    """P(nature has not ended the talks after ``rejections`` rejections) = (1 − p)^r."""
    return (1.0 - np.asarray(p, dtype=np.float64)) ** np.asarray(rejections)


def breakdown_rounds(p: np.ndarray, rounds: int, rng: np.random.Generator) -> np.ndarray:
    """(B,) per run the number of rejections after which nature ends the talks (geometric with parameter p per
    run), ``rounds`` where it does not happen within the deadline. One uniform per run (inverse transform)."""
    p = np.asarray(p, dtype=np.float64)
    u = rng.random(p.shape)
    with np.errstate(divide="ignore"):
        k = np.where(p > 0, np.ceil(np.log1p(-u) / np.log1p(-np.minimum(p, 1.0 - 1e-16))), np.inf)
    k = np.where(p >= 1.0, 1.0, k)
    return np.minimum(k, rounds).astype(np.int64)


def time_adjusted(
    utility: np.ndarray,
    rounds_elapsed: np.ndarray | int,
    delta: np.ndarray | float = 1.0,
    cost: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Utility of a deal reached after ``rounds_elapsed`` rounds: u·δ^t − c·t (B, ...) per run."""
    t = np.asarray(rounds_elapsed, dtype=np.float64)
    return np.asarray(utility) * np.asarray(delta) ** t - np.asarray(cost) * t
