"""Analysis of a negotiation: Pareto frontier, ZOPA, Nash, Kalai-Smorodinsky, max welfare, distances.

- :mod:`accord.analysis.pareto`: exact frontiers of utility arrays (two parties and many).
- :mod:`accord.analysis.solutions`: :func:`analyze` of a compiled scenario, :func:`distances`.
- :mod:`accord.analysis.large`: the exact frontier of linear-additive preferences without enumerating
  the space, and :func:`analyze_large`.
"""

from __future__ import annotations

from accord.analysis.large import analyze_large, linear_frontier
from accord.analysis.pareto import pareto_indices
from accord.analysis.solutions import ScenarioAnalysis, analyze, distances, zopa_mask

__all__ = [
    "pareto_indices",
    "ScenarioAnalysis",
    "analyze",
    "distances",
    "zopa_mask",
    "linear_frontier",
    "analyze_large",
]
