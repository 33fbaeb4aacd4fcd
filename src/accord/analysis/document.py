"""The standard analysis of a scenario as one JSON-able document (what ``accord analyze --json`` prints).

Enumerable spaces are analysed on the compiled utility arrays (:mod:`accord.analysis.solutions`); spaces
too large to enumerate on the exact linear-additive frontier (:mod:`accord.analysis.large`), or, with
non-additive terms or constraints, approximately (:mod:`accord.analysis.sampled`, labelled APPROXIMATE).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from accord.analysis.sampled import analyze_unenumerated, unenumerated_method
from accord.analysis.solutions import ScenarioAnalysis, analyze, distances
from accord.model.scenario import CompiledScenario, Scenario

Compile = Callable[[Scenario], CompiledScenario]


def outcome_point(scenario: Scenario, idx: int | None, utilities: np.ndarray | None) -> dict[str, Any] | None:
    """One point of the document: ``{outcome: {issue: value}, utilities: {party: u}}`` (None for none)."""
    if idx is None or utilities is None:
        return None
    return {
        "outcome": scenario.space.outcome(int(idx)),
        "utilities": {n: float(u) for n, u in zip(scenario.party_names, utilities, strict=True)},
    }


def scenario_analysis(sc: Scenario, compile_fn: Compile = Scenario.compile) -> ScenarioAnalysis:
    """The analysis on the compiled arrays where the space can be enumerated, else the exact
    linear-additive frontier, else an approximate sampled one (:mod:`accord.analysis.sampled`).
    ``compile_fn`` compiles the scenario (a cache, for many calls on one)."""
    if sc.space.enumerable():
        return analyze(compile_fn(sc))
    return analyze_unenumerated(sc)[0]


def analysis_document(
    sc: Scenario, a: ScenarioAnalysis, offset: int = 0, limit: int | None = None
) -> dict[str, Any]:
    """Keys: ``scenario``, ``outcomes``, ``parties``, ``reservations``, ``pareto`` (list of {outcome,
    utilities}), ``nash``, ``kalai_smorodinsky``, ``max_welfare`` (each {outcome, utilities} or None),
    ``zopa_size`` and ``method``. Spaces too large to enumerate are analysed on the exact linear-additive
    frontier; then ``zopa_size`` is None and the solutions are taken over the frontier. ``offset`` and
    ``limit`` give one page of the frontier; a page short of the whole adds ``pareto_page: {offset, limit,
    total}``."""
    total = int(a.pareto.size)
    offset = max(0, int(offset))
    stop = total if limit is None else min(total, offset + max(0, int(limit)))
    F = a.pareto_utilities
    out: dict[str, Any] = {
        "scenario": sc.name,
        "outcomes": sc.space.size,
        "parties": list(sc.party_names),
        "reservations": {p.name: p.preferences.reservation for p in sc.parties},
        "pareto": [outcome_point(sc, int(a.pareto[k]), F[:, k]) for k in range(offset, stop)],
    }
    sols = a.solution_utilities()
    for key in ("nash", "kalai_smorodinsky", "max_welfare"):
        idx = getattr(a, key)
        out[key] = None if idx is None else outcome_point(sc, int(idx), sols[key])
    out["zopa_size"] = None if a.zopa_size is None else int(a.zopa_size)
    out["method"] = "enumeration" if a.zopa_size is not None else unenumerated_method(sc)
    if offset > 0 or stop < total:
        out["pareto_page"] = {"offset": offset, "limit": stop - offset, "total": total}
    return out


def outcome_distances(
    sc: Scenario, outcome_index: int | None, compile_fn: Compile = Scenario.compile
) -> dict[str, float | None]:
    """Distances in utility space from an outcome to the Pareto frontier, Nash, KS and max-welfare points
    (the analysis of :func:`scenario_analysis`); empty when there is no outcome (no agreement)."""
    if outcome_index is None:
        return {}
    subject = compile_fn(sc) if sc.space.enumerable() else sc
    d = distances(subject, int(outcome_index), scenario_analysis(sc, compile_fn))
    d.pop("utilities", None)
    return d  # type: ignore[return-value]
