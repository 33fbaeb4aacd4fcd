"""Uncertainty of a stakeholder forecast: Monte Carlo over uncertain inputs, one-at-a-time sensitivity.

- Monte Carlo: every uncertain cell of the table (a distribution instead of a number) is drawn ``runs``
  times from one ``numpy.random.Generator`` (cells in a fixed order: quantity, issue, actor), each draw of
  the whole table is run through the models, and the forecasts form a distribution. Same seed, same result.
- Sensitivity (the "perturbed salience or capability, dropped actors" runs analysts expect, see
  docs/models/forecasting.md §6): each input of each actor is set in turn to a low and a high value, the
  others held at their nominal values, and the change of the forecast is recorded; a tornado ordering
  shows which actor's inputs move the forecast most. Uncertain cells use their 5 % and 95 % quantiles;
  certain cells a declared step (position ± 10 % of the scale, salience ± 0.1, capability × (1 ± 0.25)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from accord.forecast.models import ForecastSettings, check_models, forecast_matrix
from accord.forecast.tables import QUANTITIES, ActorTable

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass
class MonteCarloResult:
    """``forecasts[run, issue, model]``; ``draws`` maps each uncertain cell to its ``runs`` values."""

    issues: tuple[str, ...]
    models: tuple[str, ...]
    forecasts: np.ndarray
    draws: dict[tuple[str, str, str], np.ndarray]
    seed: int | None

    def samples(self, issue: str, model: str) -> np.ndarray:
        return self.forecasts[:, self.issues.index(issue), self.models.index(model)]

    def summary(self, issue: str) -> dict[str, dict[str, Any]]:
        """Per model: runs, mean, sd, min, max and the 5/25/50/75/95 % quantiles of the forecast."""
        out = {}
        for m in self.models:
            v = self.samples(issue, m)
            out[m] = {
                "runs": int(v.size),
                "mean": float(v.mean()),
                "sd": float(v.std(ddof=1)) if v.size > 1 else 0.0,
                "min": float(v.min()),
                "max": float(v.max()),
                "quantiles": {
                    f"{q:g}": float(x) for q, x in zip(QUANTILES, np.quantile(v, QUANTILES), strict=True)
                },
            }
        return out


def monte_carlo(
    table: ActorTable,
    models: Sequence[str],
    runs: int,
    seed: int | np.random.Generator | None = 0,
    settings: ForecastSettings | None = None,
) -> MonteCarloResult:
    """Draw the uncertain inputs ``runs`` times and run the models on each draw."""
    names = check_models(models, table.file)
    if runs < 1:
        raise ValueError("runs must be >= 1")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    cells = sorted(table.distributions, key=lambda k: (QUANTITIES.index(k[0]), k[1], k[2]))
    draws = {cell: table.distributions[cell].sample(rng, runs) for cell in cells}
    out = np.empty((runs, len(table.issues), len(names)))
    for r in range(runs):
        arr = {
            "capability": table.capability.copy(),
            "position": table.position.copy(),
            "salience": table.salience.copy(),
        }
        for (q, d, a), vals in draws.items():
            arr[q][d, a] = vals[r]
        t = table.with_values(arr["capability"], arr["position"], arr["salience"])
        out[r] = forecast_matrix(t, names, settings)
    named = {(q, table.issues[d], table.actors[a]): v for (q, d, a), v in draws.items()}
    return MonteCarloResult(table.issues, names, out, named, seed if isinstance(seed, int) else None)


@dataclass(frozen=True)
class SensitivitySteps:
    """Perturbations of certain (point-valued) inputs; uncertain ones use ``quantiles`` of their distribution."""

    quantiles: tuple[float, float] = (0.05, 0.95)
    position: float = 0.1  # fraction of the scale range
    salience: float = 0.1
    capability: float = 0.25  # relative
    drop_actors: bool = True


def _bounds(table: ActorTable, q: str, d: int, a: int, steps: SensitivitySteps) -> tuple[float, float]:
    dist = table.distributions.get((q, d, a))
    if dist is not None:
        return dist.quantile(steps.quantiles[0]), dist.quantile(steps.quantiles[1])
    v = float(getattr(table, q)[d, a])
    if q == "capability":
        return v * (1 - steps.capability), v * (1 + steps.capability)
    if q == "salience":
        return max(0.0, v - steps.salience), min(1.0, v + steps.salience)
    lo, hi = table.scale_range(d)
    delta = steps.position * (hi - lo)
    sc = table.scales[d]
    low, high = v - delta, v + delta
    if sc.lo is not None and sc.hi is not None:
        low, high = max(sc.lo, low), min(sc.hi, high)
    return low, high


def sensitivity(
    table: ActorTable,
    model: str = "mean",
    issue: str | None = None,
    settings: ForecastSettings | None = None,
    steps: SensitivitySteps | None = None,
) -> dict[str, Any]:
    """One-at-a-time sensitivity of one model's forecast on one issue to every actor's inputs.

    Returns ``{issue, model, nominal, effects}``; each effect is ``{actor, input, low, high,
    forecast_low, forecast_high, swing, effect}`` (``input`` = ``removed`` for a dropped actor, with only
    ``forecast``), sorted by ``effect`` = the largest absolute change from the nominal forecast.
    """
    (name,) = check_models([model], table.file)
    st = steps or SensitivitySteps()
    d = table.issue_index(issue)
    k = 0

    def fc(t: ActorTable) -> float:
        return float(forecast_matrix(t, [name], settings)[d, k])

    nominal = fc(table)
    effects: list[dict[str, Any]] = []
    for a in np.flatnonzero(table.present[d]):
        for q in QUANTITIES:
            low, high = _bounds(table, q, d, int(a), st)
            res = []
            for v in (low, high):
                arr = {x: getattr(table, x).copy() for x in QUANTITIES}
                arr[q][d, a] = v
                res.append(fc(table.with_values(arr["capability"], arr["position"], arr["salience"])))
            effects.append({
                "actor": table.actors[a], "input": q, "low": low, "high": high,
                "forecast_low": res[0], "forecast_high": res[1], "swing": res[1] - res[0],
                "effect": max(abs(res[0] - nominal), abs(res[1] - nominal)),
            })  # fmt: skip
        if st.drop_actors:
            present = table.present.copy()
            present[d, a] = False
            if (table.capability[d] * table.salience[d] * present[d] > 0).any():
                f = fc(replace(table, present=present))
                effects.append(
                    {"actor": table.actors[a], "input": "removed", "forecast": f, "effect": abs(f - nominal)}
                )
    effects.sort(key=lambda e: -e["effect"])
    return {"issue": table.issues[d], "model": name, "nominal": nominal, "effects": effects}
