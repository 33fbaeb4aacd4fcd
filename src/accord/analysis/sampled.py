"""Approximate frontier, Nash, KS and max welfare of a space too large to enumerate, for preferences the
exact frontier search cannot take (non-additive terms, hard constraints: GENIUS's nonlinear ANAC 2014
domains, 10^10 outcomes).

APPROXIMATE, and labelled so wherever it is shown: the candidates are ``samples`` outcomes drawn
uniformly (seeded) plus the ends of coordinate-ascent climbs (each issue in turn set to its best value,
until a whole pass improves nothing) on each party's utility, weighted sums of the utilities and the
Nash product, started from the best sampled outcomes of each. The frontier returned is the non-dominated set of those
candidates: every point is a real outcome with its exact utilities, but better outcomes may exist. Same
seed, same result.
"""

from __future__ import annotations

import numpy as np

from accord.analysis.large import analyze_large
from accord.analysis.pareto import pareto_indices
from accord.analysis.solutions import ScenarioAnalysis, frontier_analysis
from accord.model.scenario import Scenario

__all__ = ["DEFAULT_SAMPLES", "analyze_sampled", "analyze_unenumerated"]

#: Outcomes drawn uniformly by default.
DEFAULT_SAMPLES = 100_000
#: Climbs started per objective, and passes over the issues per climb at most.
STARTS, PASSES = 4, 25


def _utilities(scenario: Scenario, idx: np.ndarray) -> np.ndarray:
    return np.stack([p.preferences.evaluate(idx) for p in scenario.parties]).astype(np.float64)


def _feasible(scenario: Scenario, idx: np.ndarray) -> np.ndarray:
    ok = np.ones(idx.shape, dtype=bool)
    for p in scenario.parties:
        ok &= p.preferences.acceptable(idx)
    return ok


def _objectives(P: int) -> list[np.ndarray | None]:
    """Weight vectors of the weighted-sum climbs (each party alone, equal weights and, for two parties,
    21 evenly spaced mixes), then None: the Nash product."""
    out: list[np.ndarray | None] = [np.eye(P)[i] for i in range(P)] + [np.full(P, 1.0 / P)]
    if P == 2:
        out += [np.array([lam, 1.0 - lam]) for lam in np.linspace(0.05, 0.95, 19)]
    return [*out, None]


def _score(U: np.ndarray, ok: np.ndarray, r: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """A climb's objective: the weighted sum ``w · U``, or the Nash product when ``w`` is None."""
    if w is None:
        s = np.prod(np.clip(U - r[:, None], 0.0, None), axis=0)
    else:
        s = w @ U
    s[~ok] = -np.inf
    return s


def _climb(scenario: Scenario, start: int, k: np.ndarray | None, r: np.ndarray) -> list[int]:
    """Coordinate ascent from ``start`` on objective ``k`` (see :func:`_score`); the outcomes it passed."""
    space = scenario.space
    strides, cards = space.strides, space.cards
    cur = int(start)
    seen = [cur]
    for _ in range(PASSES):
        moved = False
        for j in range(len(cards)):
            d = (cur // int(strides[j])) % int(cards[j])
            cand = cur - d * int(strides[j]) + np.arange(int(cards[j]), dtype=np.int64) * int(strides[j])
            s = _score(_utilities(scenario, cand), _feasible(scenario, cand), r, k)
            best = int(np.argmax(s))
            if s[best] > s[d]:
                cur = int(cand[best])
                seen.append(cur)
                moved = True
        if not moved:
            break
    return seen


def analyze_sampled(scenario: Scenario, samples: int = DEFAULT_SAMPLES, seed: int = 0) -> ScenarioAnalysis:
    """Approximate :class:`~accord.analysis.solutions.ScenarioAnalysis` (see the module doc):
    ``zopa_size`` and ``n_feasible`` are None."""
    size = scenario.space.size
    rng = np.random.default_rng(seed)
    idx = np.unique(rng.integers(0, size, int(min(samples, size)), dtype=np.int64))
    r = np.array([p.preferences.reservation for p in scenario.parties], dtype=np.float64)
    U, ok = _utilities(scenario, idx), _feasible(scenario, idx)
    extra: list[int] = []
    for k in _objectives(len(scenario.parties)):
        s = _score(U, ok, r, k)
        for start in idx[np.argsort(-s, kind="stable")[:STARTS]]:
            extra += _climb(scenario, int(start), k, r)
    idx = np.unique(np.concatenate([idx, np.array(extra, dtype=np.int64)]))
    U, ok = _utilities(scenario, idx), _feasible(scenario, idx)
    local = pareto_indices(U, ok)
    pareto, F = idx[local], np.ascontiguousarray(U[:, local])
    return frontier_analysis(scenario.party_names, size, pareto, F, r)


def unenumerated_method(scenario: Scenario) -> str:
    """How a space too large to enumerate is analysed: the exact frontier of linear-additive preferences,
    else the approximate one of :func:`analyze_sampled`, said so."""
    if all(not p.preferences.terms and not p.preferences.constraints for p in scenario.parties):
        return "linear-additive frontier (no enumeration)"
    return (
        f"APPROXIMATE: {DEFAULT_SAMPLES:,} sampled outcomes and local search, seed 0 (better outcomes "
        "may exist; non-additive terms or constraints on a space too large to enumerate)"
    )


def analyze_unenumerated(scenario: Scenario) -> tuple[ScenarioAnalysis, str]:
    """The analysis of a space too large to enumerate, and how it was made (:func:`unenumerated_method`):
    :func:`accord.analysis.large.analyze_large` for linear-additive preferences, else
    :func:`analyze_sampled`."""
    method = unenumerated_method(scenario)
    if not method.startswith("APPROXIMATE"):
        return analyze_large(scenario), method
    return analyze_sampled(scenario), method
