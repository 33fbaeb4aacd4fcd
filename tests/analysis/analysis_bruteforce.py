"""Plain-Python brute force of the standard analysis: the independent reference of the analysis tests.

Loops over every outcome, no numpy, no accord code. Definitions as documented in
``accord.analysis.solutions``: the frontier over feasible outcomes (reservations ignored); the ZOPA;
Nash product and KS ratio over the ZOPA; welfare over the feasible outcomes; ties go to the
Pareto-optimal maximiser with the lowest outcome index.
"""

from __future__ import annotations

from collections.abc import Sequence


def dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    return all(x >= y for x, y in zip(a, b, strict=True)) and any(x > y for x, y in zip(a, b, strict=True))


def frontier(points: Sequence[Sequence[float]], allowed: Sequence[bool] | None = None) -> list[int]:
    """Non-dominated allowed points, sorted by the first utility descending, then index."""
    ids = [j for j in range(len(points)) if allowed is None or allowed[j]]
    out = [p for p in ids if not any(dominates(points[q], points[p]) for q in ids)]
    return sorted(out, key=lambda j: (-points[j][0], j))


def _best_pareto(values: dict[int, float], pareto: set[int]) -> int | None:
    if not values:
        return None
    top = max(values.values())
    return min(j for j, v in values.items() if v == top and j in pareto)


def analysis(points: Sequence[Sequence[float]], r: Sequence[float], feasible: Sequence[bool]) -> dict:
    """Frontier, ZOPA, Nash, KS, max welfare of ``points[ω] = (u_0, u_1, ...)``."""
    n = len(r)
    par = frontier(points, feasible)
    pset = set(par)
    feas = [j for j in range(len(points)) if feasible[j]]
    zopa = [j for j in feas if all(points[j][i] >= r[i] for i in range(n))]
    welfare = {}
    for j in feas:
        s = points[j][0]
        for i in range(1, n):
            s = s + points[j][i]
        welfare[j] = s
    out = {"pareto": par, "zopa_size": len(zopa), "max_welfare": _best_pareto(welfare, pset)}
    if not zopa:
        out.update(nash=None, kalai_smorodinsky=None, zopa_best=None)
        return out
    best = [max(points[j][i] for j in zopa) for i in range(n)]
    nash, ks = {}, {}
    for j in zopa:
        p = points[j][0] - r[0]
        for i in range(1, n):
            p = p * (points[j][i] - r[i])
        nash[j] = p
        ratios = [(points[j][i] - r[i]) / (best[i] - r[i]) if best[i] - r[i] > 0 else 1.0 for i in range(n)]
        ks[j] = min(ratios)
    out.update(nash=_best_pareto(nash, pset), kalai_smorodinsky=_best_pareto(ks, pset), zopa_best=best)
    return out
