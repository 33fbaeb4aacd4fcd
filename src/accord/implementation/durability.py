"""Implementation over time: a signed deal's dated steps under a hazard of political change, and inspections
that find cheating, miss it, or raise false alarms.

Change of preferences or government (a per-year hazard; Lockwood & Thomas 2002 and Compte & Jehiel 2004 study
gradual deals that must stay self-enforcing; the hazard form is the standard survival model, Kalbfleisch &
Prentice 2002, *The Statistical Analysis of Failure Time Data*, ch. 1): party i's government or preferences
change in any year with probability h_i, i.e. at rate λ_i = −ln(1 − h_i); scheduled elections are events at
known times t_e at which the government changes with probability π_e. A change ends the deal with probability
ρ (the new government reneges; 1 unless declared). A *self-enforcing* deal (no party gains from cheating) then
survives to T with probability

    S(T) = exp(−ρ Σ_i λ_i T) · Π_{t_e ≤ T} (1 − ρ π_e)          (ρ = 1: S(T) = exp(−λ T), λ = Σ λ_i),

(:func:`survival`), and :func:`change_times` draws the first change per run and party.

Cheating and false alarms (Avenhaus, von Stengel & Zamir 2002, *Handbook of Game Theory* vol. 3 ch. 51, §2–3):
at each of K steps a party still legal starts violating with probability q (the inspectee's mixed strategy);
it is inspected with probability p, an inspection finds an open violation with probability 1 − β, and an
inspection of a legal party raises a false alarm with probability α (the error of the first kind of §3). A
violation found or a false alarm ends the deal. The four end states after K steps (:data:`STATES`): the party
stayed legal (*completed*), its violation was caught, a false alarm ended the deal, or it violated and was
never caught (*undetected*: not completed, reported apart). :func:`step_matrix` is the Markov chain of one
step, :func:`exact_states` its K-th power, :func:`simulate_states` draws it per run. With p = p*, q = q* of
:func:`accord.implementation.inspection_game.equilibrium` (:func:`equilibrium_rates`) one step reproduces the
inspection game's equilibrium payoffs.
"""

from __future__ import annotations

import numpy as np

from accord.implementation.inspection_game import InspectionGame, equilibrium

__all__ = [
    "STATES",
    "rates",
    "survival",
    "change_times",
    "survives",
    "step_matrix",
    "exact_states",
    "simulate_states",
    "equilibrium_rates",
]

#: End states of the inspection chain, in this order.
STATES = ("legal", "violating_undetected", "caught", "false_alarm")
LEGAL, UNDETECTED, CAUGHT, FALSE_ALARM = range(4)


def rates(hazard: np.ndarray) -> np.ndarray:
    """Per-year probabilities of a change, h in [0, 1), as rates λ = −ln(1 − h) (h = 1: infinite rate)."""
    h = np.asarray(hazard, dtype=np.float64)
    if np.any((h < 0) | (h > 1)):
        raise ValueError("a per-year hazard is a probability in [0, 1]")
    with np.errstate(divide="ignore"):
        return -np.log1p(-h)


def survival(
    hazard: np.ndarray,
    horizon: float,
    elections: np.ndarray | None = None,
    turnover: np.ndarray | None = None,
    renege: float = 1.0,
) -> np.ndarray:
    """(B,) S(T): probability that no change ending the deal happens before ``horizon`` years, with per-year
    hazards ``hazard`` (B, P) and scheduled elections at years ``elections`` (E,) with change probabilities
    ``turnover`` (B, E) or (E,)."""
    lam = rates(hazard).sum(axis=-1)
    s = np.exp(-renege * lam * horizon)
    if elections is not None and len(elections):
        due = np.asarray(elections, dtype=np.float64) <= horizon
        pi = np.broadcast_to(np.asarray(turnover, dtype=np.float64), (*s.shape, due.size))
        s = s * np.prod(np.where(due, 1.0 - renege * pi, 1.0), axis=-1)
    return s


def change_times(hazard: np.ndarray, rng: np.random.Generator, renege: float = 1.0) -> np.ndarray:
    """(B, P) the year of each party's first change that ends the deal: changes come at rate λ_i and each ends
    it with probability ρ = ``renege``, so the first that does is exponential with rate ρ λ_i (a thinned
    Poisson process); inf where that rate is 0. One uniform per run and party."""
    lam = renege * rates(hazard)
    u = rng.random(lam.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = -np.log1p(-u) / lam
    return np.where(lam > 0, t, np.inf)


def survives(
    hazard: np.ndarray,
    horizon: float,
    rng: np.random.Generator,
    elections: np.ndarray | None = None,
    turnover: np.ndarray | None = None,
    renege: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(B,) whether each run's deal outlives ``horizon`` years, and (B,) the year it ended (inf if it did not).

    Draws, per run: one uniform per party (:func:`change_times`), then one per election (the government
    changes and the new one reneges with probability ρ π_e); in that order from ``rng``."""
    t = change_times(hazard, rng, renege)  # (B, P)
    end = t.min(axis=1) if t.shape[-1] else np.full(t.shape[0], np.inf)
    if elections is not None and len(elections):
        el = np.asarray(elections, dtype=np.float64)
        pi = np.broadcast_to(np.asarray(turnover, dtype=np.float64), (t.shape[0], el.size))
        ends = rng.random((t.shape[0], el.size)) < renege * pi
        end = np.minimum(end, np.where(ends, el[None, :], np.inf).min(axis=1))
    ended = end <= horizon
    return ~ended, np.where(ended, end, np.inf)


def step_matrix(p: np.ndarray, q: np.ndarray, detect: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """(B, 4, 4) one step's transition probabilities over :data:`STATES` (rows: from, columns: to); every
    argument (B,) or a number. Order in a step: the legal party decides, then is inspected."""
    p, q, d, a = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(x, dtype=np.float64)) for x in (p, q, detect, alpha))
    )
    B = p.shape[0]
    M = np.zeros((B, 4, 4))
    find = p * d
    M[:, LEGAL, CAUGHT] = q * find
    M[:, LEGAL, UNDETECTED] = q * (1.0 - find)
    M[:, LEGAL, FALSE_ALARM] = (1.0 - q) * p * a
    M[:, LEGAL, LEGAL] = (1.0 - q) * (1.0 - p * a)
    M[:, UNDETECTED, CAUGHT] = find
    M[:, UNDETECTED, UNDETECTED] = 1.0 - find
    M[:, CAUGHT, CAUGHT] = 1.0
    M[:, FALSE_ALARM, FALSE_ALARM] = 1.0
    return M


def exact_states(
    p: np.ndarray, q: np.ndarray, detect: np.ndarray, alpha: np.ndarray, steps: int
) -> np.ndarray:
    """(B, 4) probabilities of the end states after ``steps`` steps, starting legal."""
    M = step_matrix(p, q, detect, alpha)
    start = np.zeros((M.shape[0], 4))
    start[:, LEGAL] = 1.0
    return np.einsum("bi,bij->bj", start, np.linalg.matrix_power(M, steps))


def simulate_states(
    p: np.ndarray, q: np.ndarray, detect: np.ndarray, alpha: np.ndarray, steps: int, rng: np.random.Generator
) -> np.ndarray:
    """(B,) end state of each run after ``steps`` steps (codes of :data:`STATES`); per step and run three
    uniforms: violate, inspect, find (the last also decides a false alarm for a legal party)."""
    p, q, d, a = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(x, dtype=np.float64)) for x in (p, q, detect, alpha))
    )
    state = np.full(p.shape[0], LEGAL, dtype=np.int64)
    for _ in range(steps):
        u = rng.random((3, p.shape[0]))
        legal = state == LEGAL
        start = legal & (u[0] < q)
        state = np.where(start, UNDETECTED, state)
        inspected = u[1] < p
        found = (state == UNDETECTED) & inspected & (u[2] < d)
        alarm = legal & ~start & inspected & (u[2] < a)
        state = np.where(found, CAUGHT, np.where(alarm, FALSE_ALARM, state))
    return state


def equilibrium_rates(g: InspectionGame) -> tuple[float, float, float]:
    """(p*, q*, 1 − β): the inspection game's equilibrium inspection and violation probabilities and the
    detection probability, to drive the chain (Avenhaus et al. 2002)."""
    eq = equilibrium(g)
    return float(eq["p_star"]), float(eq["q_star"]), 1.0 - g.beta
