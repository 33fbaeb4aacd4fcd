"""Exact Pareto frontier of linear-additive preferences over spaces too large to enumerate.

An outcome's utility vector is a sum over issues of per-value contribution vectors (one component per
party). The frontier is built issue by issue: the partial sums of issues 0..k are combined with every
value of issue k+1, and partial sums that are dominated are pruned, since a dominated partial
combination completes to a dominated outcome (the merge idea of multi-objective dynamic programming;
Ehrgott 2005, *Multicriteria Optimization*, ch. 9; Bazgan, Hugot & Vanderpooten 2009, "Solving efficiently
the 0-1 multi-objective knapsack problem", Computers & Operations Research 36(1):260-279).

Bit-exactness. Contributions are added left to right in issue order, exactly as
:meth:`accord.model.preferences.Preferences.evaluate` does, so frontier utilities equal the enumerated
ones bit for bit. Float addition can turn a strict advantage into a tie (a gap below the rounding unit
of a later sum is absorbed), and a tie would put the dominated outcome on the enumerated frontier as a
duplicate. So intermediate pruning only removes a partial sum when the dominating one is ahead by more
than ``2 (K + 1) 2^-52 M`` in some component (K issues, M a bound on the magnitude of every partial sum of
that party): each later addition can shrink a gap by at most ``2^-52 M``, so that lead survives to the
end. The last step uses exact dominance. The result equals the enumerated frontier: same index set,
identical utilities, same order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from accord.analysis.pareto import pareto_indices, pareto_rows
from accord.analysis.solutions import ScenarioAnalysis, frontier_analysis
from accord.errors import InputError, SpaceTooLargeError
from accord.model.scenario import Scenario

__all__ = ["linear_frontier", "analyze_large", "DEFAULT_MAX_CANDIDATES"]

#: Largest number of candidate partial sums held at once (each costs ~ 8 (n + 1) bytes).
DEFAULT_MAX_CANDIDATES = 20_000_000


def _dominated_2d(P: np.ndarray, margin: np.ndarray) -> np.ndarray:
    """Rows of ``P`` (N, 2) dominated by another row with a lead above ``margin`` in some column."""
    out = np.zeros(P.shape[0], dtype=bool)
    for a, b in ((0, 1), (1, 0)):
        # exists q: q[a] > p[a] + margin[a] and q[b] >= p[b]
        order = np.argsort(P[:, a], kind="stable")
        xa = P[order, a]
        suf = np.empty(xa.size + 1)
        suf[-1] = -np.inf
        suf[:-1] = np.maximum.accumulate(P[order, b][::-1])[::-1]
        j = np.searchsorted(xa, P[:, a] + margin[a], side="right")
        out |= suf[j] >= P[:, b]
    return out


def _prune(P: np.ndarray, margin: np.ndarray) -> np.ndarray:
    """Boolean mask of rows to keep: not dominated with a lead above ``margin``."""
    if P.shape[1] == 2:
        return ~_dominated_2d(P, margin)
    return pareto_rows(P, margin)


def linear_frontier(
    contributions: Sequence[Sequence[np.ndarray]],
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
) -> tuple[np.ndarray, np.ndarray]:
    """Pareto frontier of the additive utilities ``u_p(ω) = c[p][0][ω_0] + c[p][1][ω_1] + ...``.

    ``contributions[p][i]`` is party p's contribution array for issue i (one entry per value; e.g.
    :meth:`Preferences.contributions`). Returns ``(indices, utilities)``: int64 mixed-radix outcome
    indices (first issue most significant, as :meth:`OutcomeSpace.encode`) sorted by the first party's
    utility descending, ties by index, and their utilities, shape (n_parties, len(indices)). Raises
    :class:`SpaceTooLargeError` if more than ``max_candidates`` partial sums would be held at once.
    """
    n = len(contributions)
    if n < 1:
        raise ValueError("need at least one party")
    K = len(contributions[0])
    if K < 1 or any(len(c) != K for c in contributions):
        raise ValueError("every party needs one contribution array per issue (at least one issue)")
    # C[i]: (card_i, n) contribution vectors of issue i
    C = [
        np.stack([np.asarray(contributions[p][i], dtype=np.float64) for p in range(n)], axis=1)
        for i in range(K)
    ]
    cards = [c.shape[0] for c in C]
    if any(c < 1 for c in cards) or any(c.shape[0] != cards[i] for i, c in enumerate(C)):
        raise ValueError("every issue needs at least one value, the same number for every party")
    if not all(np.isfinite(c).all() for c in C):
        raise ValueError("contributions must be finite")
    bound = sum(np.abs(c).max(axis=0) for c in C)  # per party, >= |any partial sum|
    margin = 2.0 * (K + 1) * np.finfo(np.float64).eps * bound

    values = [np.flatnonzero(_prune(c, margin)) for c in C]
    T = C[0][values[0]]
    idx = values[0].astype(np.int64)
    for i in range(1, K):
        v = values[i]
        size = T.shape[0] * v.size
        if size > max_candidates:
            raise SpaceTooLargeError(
                None, "issues", f"at most {max_candidates:,} candidate partial outcomes", size
            )
        T = (T[:, None, :] + C[i][v][None, :, :]).reshape(-1, n)
        idx = (idx[:, None] * cards[i] + v[None, :]).reshape(-1)
        if i < K - 1:
            keep = _prune(T, margin)
            T, idx = T[keep], idx[keep]
    local = pareto_indices(T.T)
    idx, T = idx[local], T[local]
    order = np.lexsort((idx, -T[:, 0]))
    return idx[order], np.ascontiguousarray(T[order].T)


def analyze_large(scenario: Scenario, max_candidates: int = DEFAULT_MAX_CANDIDATES) -> ScenarioAnalysis:
    """Frontier, Nash, KS and max welfare of a linear-additive scenario without enumerating its space.

    Same definitions and tie rules as :func:`accord.analysis.solutions.analyze` (on spaces small enough
    for both, the results are identical). ``zopa_size`` and ``n_feasible`` are None: counting the ZOPA
    needs every outcome. The max-welfare point is the frontier point of largest utility sum; for
    linear-additive utilities it is also a per-issue argmax of the summed contributions.
    Hard constraints and non-additive terms are not supported here (they do not decompose by issue).
    """
    for p in scenario.parties:
        prefs = p.preferences
        if prefs.terms:
            raise InputError(
                scenario.path,
                f"parties.{p.name}.terms",
                "linear-additive preferences (no non-additive terms) for the analysis of a space this large",
            )
        if prefs.constraints:
            raise InputError(
                scenario.path,
                f"parties.{p.name}.constraints",
                "no hard constraints for the analysis of a space this large",
            )
    contributions = [p.preferences.contributions() for p in scenario.parties]
    pareto, F = linear_frontier(contributions, max_candidates)
    caps = [p.preferences.cap for p in scenario.parties]
    if any(c is not None for c in caps):
        # GENIUS's min(sum, 1) is nondecreasing in the sum: the capped frontier is the uncapped one, capped,
        # less the points the cap made dominated
        F = np.minimum(F, np.array([np.inf if c is None else c for c in caps])[:, None])
        keep = np.sort(pareto_indices(F))
        pareto, F = pareto[keep], np.ascontiguousarray(F[:, keep])
    r = np.array([p.preferences.reservation for p in scenario.parties], dtype=np.float64)
    return frontier_analysis(scenario.party_names, scenario.space.size, pareto, F, r)
