"""The analysis of a scenario as the server sends it: sized to its use, whatever the size of the space.

The engine's analysis (:func:`accord.analysis.solutions.analyze` on the compiled arrays, or
:func:`accord.analysis.large.analyze_large` where the space is beyond the server's compile limits and the
preferences are linear-additive) is kept as arrays; a response holds the solutions, the summary counts and
one page of the frontier (``offset``, ``limit`` at most ``page_size``), never one entry per outcome.
On a frontier of one page the object equals ``accord analyze --json`` (the API contract test checks it
for every library file); a longer frontier adds ``pareto_page: {offset, limit, total}``.

Both are :func:`accord.analysis.document.analysis_document` (this module pages it), so the two cannot
disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accord import api
from accord.analysis.document import analysis_document
from accord.analysis.solutions import ScenarioAnalysis
from accord.model.scenario import Scenario

if TYPE_CHECKING:
    from accord.web.library import Entry, Library


def scenario_analysis(lib: Library, e: Entry, sc: Scenario) -> ScenarioAnalysis:
    """The engine's analysis: enumerated when the server compiles the space, else the exact
    linear-additive frontier (the library admits a space beyond its limits only then)."""
    if lib.too_large(sc) is None:
        from accord.analysis.solutions import analyze

        return analyze(api.compile_scenario(sc))
    from accord.analysis.large import analyze_large

    return analyze_large(sc)


def analysis_json(sc: Scenario, a: ScenarioAnalysis, offset: int = 0, limit: int = 1000) -> dict[str, Any]:
    """The ``accord analyze --json`` object with the frontier paged (see the module docstring)."""
    return analysis_document(sc, a, offset, limit)


def frontier_pairs(a: ScenarioAnalysis, x: int, y: int, most: int) -> tuple[list[list[float]], int]:
    """The frontier in the plane of parties ``x`` and ``y`` (sorted by x, then y descending), thinned to
    at most ``most`` points evenly along it for drawing, and its full length."""
    import numpy as np

    F = a.pareto_utilities
    px, py = F[x], F[y]
    order = np.lexsort((-py, px))
    n = int(order.size)
    if n > most:
        order = order[np.unique(np.linspace(0, n - 1, most).round().astype(np.int64))]
    return [[round(float(u), 5), round(float(v), 5)] for u, v in zip(px[order], py[order], strict=True)], n
