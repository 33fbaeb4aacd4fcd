"""Run the stakeholder models on an actor table, one issue at a time (the exchange model on all at once).

Every model gives round-by-round positions, the c·s-weighted median and mean of each round, and its
forecast: the weighted mean (compromise model), the median voter, the expected-utility model's median at
termination (or mean, by its decision rule), and the compromise outcome of the exchange model's final
voting positions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.forecast.bdm import BDMOptions, BDMResult, run_bdm
from accord.forecast.compromise import median_voter, weighted_mean
from accord.forecast.exchange import ExchangeOptions, ExchangeResult, run_exchange
from accord.forecast.tables import ActorTable

MODELS = ("mean", "median", "bdm", "exchange")


@dataclass(frozen=True)
class ForecastSettings:
    """Model options in one place. ``rounds`` (if set) caps the rounds of bdm and exchange; with
    ``bdm.stop == "fixed"`` it is the exact number of bdm rounds."""

    rounds: int | None = None
    bdm: BDMOptions = field(default_factory=BDMOptions)
    exchange: ExchangeOptions = field(default_factory=ExchangeOptions)

    def bdm_options(self) -> BDMOptions:
        return self.bdm if self.rounds is None else replace(self.bdm, max_rounds=self.rounds)

    def exchange_options(self) -> ExchangeOptions:
        return self.exchange if self.rounds is None else replace(self.exchange, max_rounds=self.rounds)


@dataclass
class ModelRun:
    """One model on one issue. ``positions`` is (rounds + 1, actors); round 0 is the input."""

    model: str
    issue: str
    actors: tuple[str, ...]
    positions: np.ndarray
    medians: np.ndarray
    means: np.ndarray
    forecast: float
    stopped: str = "static"
    detail: BDMResult | ExchangeResult | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: {forecast, rounds: [{round, positions, median, mean}], ...}."""
        out: dict[str, Any] = {
            "forecast": self.forecast,
            "stopped": self.stopped,
            "rounds": [
                {
                    "round": t,
                    "positions": {a: float(v) for a, v in zip(self.actors, row, strict=True)},
                    "median": float(self.medians[t]),
                    "mean": float(self.means[t]),
                }
                for t, row in enumerate(self.positions)
            ],
        }
        if isinstance(self.detail, BDMResult):
            out["risk"] = [
                {
                    "round": rd.round,
                    "exponents": {a: float(r) for a, r in zip(self.actors, rd.risk, strict=True)},
                }
                for rd in self.detail.rounds
            ]
            out["offers"] = [o.__dict__ for rd in self.detail.rounds for o in rd.offers]
        if isinstance(self.detail, ExchangeResult):
            out["exchanges"] = [
                e.__dict__ for e in self.detail.exchanges if self.issue in (e.issue_p, e.issue_q)
            ]
        return out


def check_models(models: Sequence[str], file: str | None = None) -> tuple[str, ...]:
    """Expand ``all`` and reject unknown names."""
    out: list[str] = []
    for m in models:
        names = MODELS if m == "all" else (m,)
        for name in names:
            if name not in MODELS:
                raise InputError(file, "model", f"one of {', '.join(MODELS)} or all", name)
            if name not in out:
                out.append(name)
    return tuple(out)


def _static(model: str, table: ActorTable, d: int) -> ModelRun:
    data = table.issue_data(d)
    mean = weighted_mean(data.capability, data.position, data.salience)
    med = median_voter(data.position, data.weight)
    return ModelRun(model, data.name, data.actors, data.position[None, :], np.array([med]), np.array([mean]),
                    mean if model == "mean" else med)  # fmt: skip


def run_models(
    table: ActorTable,
    models: Sequence[str] = MODELS,
    settings: ForecastSettings | None = None,
    issues: Sequence[str] | None = None,
) -> dict[str, dict[str, ModelRun]]:
    """``{issue: {model: ModelRun}}`` for the chosen models and issues (default: all)."""
    st = settings or ForecastSettings()
    names = check_models(models, table.file)
    idx = [table.issue_index(i) for i in issues] if issues else list(range(len(table.issues)))
    out: dict[str, dict[str, ModelRun]] = {table.issues[d]: {} for d in idx}
    ex: ExchangeResult | None = None
    if "exchange" in names:
        ex = run_exchange(table.actors, table.issues, table.capability, table.position, table.salience,
                          table.present, st.exchange_options())  # fmt: skip
    for d in idx:
        iss = table.issues[d]
        for name in names:
            if name in ("mean", "median"):
                out[iss][name] = _static(name, table, d)
            elif name == "bdm":
                data = table.issue_data(d)
                res = run_bdm(data.actors, data.capability, data.position, data.salience, st.bdm_options(),
                              table.scale_range(d))  # fmt: skip
                out[iss][name] = ModelRun(name, iss, data.actors, res.positions, res.medians, res.means,
                                          res.forecast, res.stopped, res)  # fmt: skip
            else:
                assert ex is not None
                data = table.issue_data(d)
                pos = ex.positions[:, d, table.present[d]]
                out[iss][name] = ModelRun(name, iss, data.actors, pos, ex.medians[:, d], ex.outcomes[:, d],
                                          float(ex.outcomes[-1, d]), ex.stopped, ex)  # fmt: skip
    return out


def forecast_matrix(
    table: ActorTable, models: Sequence[str], settings: ForecastSettings | None = None
) -> np.ndarray:
    """Only the forecasts, as an (issues, models) array (what Monte Carlo and sensitivity need)."""
    runs = run_models(table, models, settings)
    return np.array([[runs[i][m].forecast for m in models] for i in table.issues])
