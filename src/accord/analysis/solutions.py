"""The standard analysis of a negotiation: frontier, ZOPA, Nash, Kalai-Smorodinsky, max welfare, distances.

Definitions (all on the float64 utilities ``U[i, ω]`` and reservation values ``r_i``):

- *feasible*: every party's hard constraints hold. Constraint-violating outcomes are excluded from every
  solution below (frontier, ZOPA, Nash, KS, max welfare).
- ``pareto``: the non-dominated feasible outcomes; reservation values are ignored
  (:func:`accord.analysis.pareto.pareto_indices`).
- ZOPA (zone of possible agreement): feasible outcomes with ``U[i, ω] >= r_i`` for every party.
- ``nash``: maximises the Nash product ``(u_0 - r_0) * (u_1 - r_1) * ...`` (multiplied left to right)
  over the ZOPA (Nash 1950, "The bargaining problem", Econometrica 18(2):155-162).
- ``kalai_smorodinsky``: maximises ``min_i (u_i - r_i) / (best_i - r_i)`` over the ZOPA, ``best_i`` being
  party i's highest utility in the ZOPA; a party with ``best_i == r_i`` gets the ratio 1 (every ZOPA
  outcome gives it its best). This is the discrete form of the point of the frontier on the segment from
  the disagreement point to the ideal point (Kalai & Smorodinsky 1975, Econometrica 43(3):513-518).
- ``max_welfare``: maximises ``u_0 + u_1 + ...`` (added left to right) over all feasible outcomes.
- Ties: among the outcomes attaining the maximum, the Pareto-optimal one with the lowest outcome index.
  (A maximum is always attained on the frontier, because float subtraction, multiplication, division by
  a positive number, ``min`` and addition are all monotone; preferring frontier points keeps every
  solution Pareto-optimal even when a dominated outcome attains the same rounded value, e.g. a KS
  minimum set by a party whose utility both outcomes share.)
- ``nash`` and ``kalai_smorodinsky`` are None when the ZOPA is empty; ``max_welfare`` is None only when no
  outcome is feasible.

Because every maximum is attained on the frontier, and ``best_i`` too, the solutions are computed on the
frontier points only; only the ZOPA size needs a pass over all outcomes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from accord.analysis.pareto import pareto_indices
from accord.model.scenario import CompiledScenario, Scenario

__all__ = [
    "ScenarioAnalysis",
    "analyze",
    "solve_on_frontier",
    "nash_products",
    "ks_values",
    "welfare",
    "zopa_mask",
    "distances",
]


@dataclass(frozen=True, eq=False)
class ScenarioAnalysis:
    """Result of :func:`analyze` (or :func:`accord.analysis.large.analyze_large`).

    ``pareto`` holds outcome indices sorted by the first party's utility descending (ties by index),
    ``pareto_utilities[i, k]`` the utility of party i at ``pareto[k]``. ``zopa_size`` and ``n_feasible``
    are None when the space was not enumerated.
    """

    parties: tuple[str, ...]
    n_outcomes: int
    n_feasible: int | None
    reservations: np.ndarray
    pareto: np.ndarray
    pareto_utilities: np.ndarray
    nash: int | None
    kalai_smorodinsky: int | None
    max_welfare: int | None
    zopa_size: int | None
    zopa_best: np.ndarray | None

    def utilities_of(self, index: int) -> np.ndarray:
        """Utilities of a frontier outcome (every solution point is one)."""
        hit = np.flatnonzero(self.pareto == int(index))
        if hit.size == 0:
            raise KeyError(f"outcome {index} is not on the Pareto frontier")
        return self.pareto_utilities[:, int(hit[0])].copy()

    @property
    def nash_utilities(self) -> np.ndarray | None:
        return None if self.nash is None else self.utilities_of(self.nash)

    @property
    def kalai_smorodinsky_utilities(self) -> np.ndarray | None:
        return None if self.kalai_smorodinsky is None else self.utilities_of(self.kalai_smorodinsky)

    @property
    def max_welfare_utilities(self) -> np.ndarray | None:
        return None if self.max_welfare is None else self.utilities_of(self.max_welfare)

    def solution_utilities(self) -> dict[str, np.ndarray | None]:
        """Utilities at the Nash, Kalai-Smorodinsky and max-welfare points (None where undefined)."""
        out: dict[str, np.ndarray | None] = {}
        for name in ("nash", "kalai_smorodinsky", "max_welfare"):
            idx = getattr(self, name)
            out[name] = None if idx is None else self.utilities_of(idx)
        return out


def zopa_mask(U: np.ndarray, reservations: np.ndarray, feasible: np.ndarray | None = None) -> np.ndarray:
    """Outcomes where every party's utility is at least its reservation value (and that are feasible)."""
    r = np.asarray(reservations, dtype=np.float64)
    ok = U[0] >= r[0]
    for i in range(1, U.shape[0]):
        ok &= U[i] >= r[i]
    if feasible is not None:
        ok &= feasible
    return ok


def nash_products(U: np.ndarray, reservations: np.ndarray) -> np.ndarray:
    """``(u_0 - r_0) * (u_1 - r_1) * ...`` per column of ``U``, multiplied left to right."""
    r = np.asarray(reservations, dtype=np.float64)
    p = U[0] - r[0]
    for i in range(1, U.shape[0]):
        p = p * (U[i] - r[i])
    return p


def ks_values(U: np.ndarray, reservations: np.ndarray, best: np.ndarray) -> np.ndarray:
    """``min_i (u_i - r_i) / (best_i - r_i)`` per column; a party with ``best_i == r_i`` counts as 1."""
    r = np.asarray(reservations, dtype=np.float64)
    out = np.ones(U.shape[1])
    for i in range(U.shape[0]):
        den = best[i] - r[i]
        if den > 0:
            np.minimum(out, (U[i] - r[i]) / den, out=out)
    return out


def welfare(U: np.ndarray) -> np.ndarray:
    """``u_0 + u_1 + ...`` per column, added left to right."""
    s = U[0].copy()
    for i in range(1, U.shape[0]):
        s += U[i]
    return s


def _first_max(values: np.ndarray, indices: np.ndarray) -> int:
    """The lowest outcome index among the positions where ``values`` is maximal."""
    top = values.max()
    return int(indices[values == top].min())


def solve_on_frontier(
    pareto: np.ndarray, F: np.ndarray, reservations: np.ndarray
) -> tuple[int | None, int | None, int | None, np.ndarray | None]:
    """Nash, KS and max-welfare outcomes and the per-party best utilities in the ZOPA.

    ``pareto`` are the frontier indices and ``F`` their utilities (shape (n, len(pareto))).
    """
    if pareto.size == 0:
        return None, None, None, None
    mw = _first_max(welfare(F), pareto)
    inz = zopa_mask(F, reservations)
    zi = pareto[inz]
    if zi.size == 0:
        return None, None, mw, None
    Z = F[:, inz]
    best = Z.max(axis=1)
    nash = _first_max(nash_products(Z, reservations), zi)
    ks = _first_max(ks_values(Z, reservations, best), zi)
    return nash, ks, mw, best


def frontier_analysis(
    parties: Sequence[str], n_outcomes: int, pareto: np.ndarray, F: np.ndarray, reservations: np.ndarray
) -> ScenarioAnalysis:
    """The analysis of a space known only by its frontier (``pareto`` outcomes, their utilities ``F``):
    the solutions on the frontier, no ZOPA count (the spaces too large to enumerate)."""
    nash, ks, mw, best = solve_on_frontier(pareto, F, reservations)
    return ScenarioAnalysis(
        parties=parties,
        n_outcomes=n_outcomes,
        n_feasible=None,
        reservations=reservations,
        pareto=pareto,
        pareto_utilities=F,
        nash=nash,
        kalai_smorodinsky=ks,
        max_welfare=mw,
        zopa_size=None,
        zopa_best=best,
    )


def analyze(compiled: CompiledScenario) -> ScenarioAnalysis:
    """Frontier, ZOPA and bargaining solutions of a compiled (enumerated) scenario; see the module doc."""
    U = compiled.utilities
    r = np.asarray(compiled.reservations, dtype=np.float64)
    feasible = compiled.feasible if compiled.has_constraints else None
    pareto = pareto_indices(U, feasible)
    F = U[:, pareto]
    nash, ks, mw, best = solve_on_frontier(pareto, F, r)
    zopa_size = int(np.count_nonzero(zopa_mask(U, r, feasible)))
    n_feasible = U.shape[1] if feasible is None else int(np.count_nonzero(feasible))
    return ScenarioAnalysis(
        parties=compiled.scenario.party_names,
        n_outcomes=int(U.shape[1]),
        n_feasible=n_feasible,
        reservations=r.copy(),
        pareto=pareto,
        pareto_utilities=F,
        nash=nash,
        kalai_smorodinsky=ks,
        max_welfare=mw,
        zopa_size=zopa_size,
        zopa_best=best,
    )


def _outcome_utilities(source: CompiledScenario | Scenario | np.ndarray, index: int) -> np.ndarray:
    if isinstance(source, CompiledScenario):
        return source.utilities[:, int(index)].copy()
    if isinstance(source, Scenario):
        return np.array([float(p.preferences.evaluate(int(index))) for p in source.parties])
    return np.asarray(source, dtype=np.float64)[:, int(index)].copy()


def distances(
    source: CompiledScenario | Scenario | np.ndarray, outcome_index: int, analysis: ScenarioAnalysis
) -> dict[str, object]:
    """Euclidean distances in utility space from an outcome to the frontier and the solution points.

    GENIUS reports these for every agreement ("Dist. to Pareto", "Dist. to Nash"; Lin et al. 2014,
    "Genius: an integrated environment for supporting the design of generic automated negotiators",
    Computational Intelligence 30(1)). ``source`` gives the outcome's utilities: a compiled scenario,
    a utility array ``U[i, ω]``, or a scenario (evaluated at that one outcome, for spaces too large to
    compile). Keys: ``utilities``, ``pareto`` (to the nearest frontier point; 0 on the frontier),
    ``nash``, ``kalai_smorodinsky``, ``max_welfare`` (None where the point is undefined).
    """
    u = _outcome_utilities(source, outcome_index)
    out: dict[str, object] = {"utilities": [float(x) for x in u]}
    F = analysis.pareto_utilities
    if F.shape[1]:
        d = np.sqrt(((F - u[:, None]) ** 2).sum(axis=0))
        out["pareto"] = float(d.min())
    else:
        out["pareto"] = None
    for name, pt in analysis.solution_utilities().items():
        out[name] = None if pt is None else float(np.sqrt(((pt - u) ** 2).sum()))
    return out
