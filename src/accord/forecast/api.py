"""The forecasting functions the CLI, the web app and Python users call (plain data in and out).

``forecast`` gives the JSON contract of ``accord forecast --json``::

    {models: {name: {forecast, rounds: [{round, positions: {actor: x}, median, mean}], ...}},
     initial_median, initial_mean, issue, scale, table}

for a one-issue table (or one chosen issue); a table with several issues gives ``{table, issues: {issue:
<that object>}}``. ``forecast_bound`` links a forecast to a negotiation: it maps the forecast on the
table's scale to a utility through declared points (a two-level game's win-set bound, Putnam 1988).
"""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.forecast.bdm import PRESETS, BDMOptions, BDMResult
from accord.forecast.compromise import median_voter, weighted_mean
from accord.forecast.models import MODELS, ForecastSettings, ModelRun, check_models, run_models
from accord.forecast.tables import ActorTable, read_table
from accord.forecast.uncertainty import MonteCarloResult, SensitivitySteps, monte_carlo, sensitivity

__all__ = [
    "MODELS",
    "load_table",
    "make_settings",
    "forecast",
    "forecast_runs",
    "runs_to_dict",
    "forecast_distribution",
    "forecast_sensitivity",
    "forecast_bound",
    "forecast_relations",
    "write_plots",
    "check_report_path",
    "scenario_links",
]

TableLike = ActorTable | str | Path


def load_table(table: TableLike) -> ActorTable:
    """An ``ActorTable`` from a path (CSV or YAML), or the table itself."""
    return table if isinstance(table, ActorTable) else read_table(table)


def make_settings(
    rounds: int | None = None, bdm: str = "paper", bdm_set: Mapping[str, str] | None = None
) -> ForecastSettings:
    """Settings from front-end strings: a bdm preset (``paper``, ``scholz-code``) and ``option=value`` overrides."""
    if bdm not in PRESETS:
        raise InputError(None, "--bdm", f"one of {', '.join(PRESETS)}", bdm)
    if rounds is not None and rounds < 1:
        raise InputError(None, "--rounds", "a positive number of rounds", rounds)
    opts = PRESETS[bdm]
    hints = typing.get_type_hints(BDMOptions)
    changes: dict[str, Any] = {}
    for key, raw in (bdm_set or {}).items():
        if key not in hints:
            raise InputError(None, "--bdm-set", f"an option of {', '.join(hints)}", key)
        changes[key] = _coerce(key, raw, hints[key])
    return ForecastSettings(rounds=rounds, bdm=dataclasses.replace(opts, **changes))


def _coerce(key: str, raw: str, hint: Any) -> Any:
    args = typing.get_args(hint)
    if typing.get_origin(hint) is typing.Literal:
        if raw not in args:
            raise InputError(None, f"--bdm-set {key}", f"one of {', '.join(map(str, args))}", raw)
        return raw
    try:
        if hint is bool:
            if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(raw)
            return raw.lower() in ("true", "1", "yes")
        return hint(raw)
    except ValueError:
        raise InputError(None, f"--bdm-set {key}", f"a value of type {hint.__name__}", raw) from None


def forecast_runs(
    table: TableLike,
    models: Sequence[str] = ("all",),
    settings: ForecastSettings | None = None,
    issue: str | None = None,
) -> tuple[ActorTable, dict[str, dict[str, ModelRun]]]:
    """The table and ``{issue: {model: ModelRun}}`` (objects, for plots and detailed output)."""
    t = load_table(table)
    if issue is not None:
        t.issue_index(issue)
    return t, run_models(t, check_models(models, t.file), settings, [issue] if issue else None)


def runs_to_dict(table: ActorTable, runs: Mapping[str, Mapping[str, ModelRun]]) -> dict[str, Any]:
    """The JSON contract from model runs (see module docstring)."""
    per_issue = {}
    for iss, by_model in runs.items():
        d = table.issue_index(iss)
        data = table.issue_data(d)
        per_issue[iss] = {
            "issue": iss,
            "scale": table.scales[d].to_dict(),
            "initial_median": median_voter(data.position, data.weight),
            "initial_mean": weighted_mean(data.capability, data.position, data.salience),
            "models": {m: r.to_dict() for m, r in by_model.items()},
        }
    if len(per_issue) == 1:
        return {"table": table.file, **next(iter(per_issue.values()))}
    return {"table": table.file, "issues": per_issue}


def forecast(
    table: TableLike,
    models: Sequence[str] = ("all",),
    rounds: int | None = None,
    issue: str | None = None,
    settings: ForecastSettings | None = None,
) -> dict[str, Any]:
    """Forecast with the chosen models; the JSON contract of ``accord forecast --json``."""
    st = settings or ForecastSettings(rounds=rounds)
    if rounds is not None and st.rounds != rounds:
        st = dataclasses.replace(st, rounds=rounds)
    t, runs = forecast_runs(table, models, st, issue)
    return runs_to_dict(t, runs)


def forecast_distribution(
    table: TableLike,
    models: Sequence[str] = ("all",),
    runs: int = 200,
    seed: int = 0,
    settings: ForecastSettings | None = None,
) -> tuple[MonteCarloResult, dict[str, Any]]:
    """Monte Carlo over the table's uncertain inputs: the result object and ``{issue: {model: summary}}``."""
    t = load_table(table)
    if runs < 1:
        raise InputError(t.file, "--runs", "a positive number of runs", runs)
    mc = monte_carlo(t, check_models(models, t.file), runs, seed, settings)
    summary = {iss: mc.summary(iss) for iss in t.issues}
    return mc, {"runs": runs, "seed": seed, "uncertain_inputs": len(t.distributions), "issues": summary}


def forecast_sensitivity(
    table: TableLike,
    model: str = "mean",
    issue: str | None = None,
    settings: ForecastSettings | None = None,
    steps: SensitivitySteps | None = None,
) -> dict[str, Any]:
    """One-at-a-time sensitivity of one model's forecast (see ``accord.forecast.uncertainty``)."""
    t = load_table(table)
    return sensitivity(t, model, issue if issue is not None else (t.issues[0] if len(t.issues) == 1 else None),
                       settings, steps)  # fmt: skip


def forecast_bound(
    table: TableLike,
    model: str = "median",
    *,
    mapping: Mapping[float, float] | Sequence[tuple[float, float]],
    issue: str | None = None,
    settings: ForecastSettings | None = None,
    file: str | None = None,
) -> float:
    """A forecast turned into a utility, e.g. a party's walk-away value in a negotiation scenario.

    ``mapping`` declares points (scale value → utility); the forecast is interpolated linearly between them
    and held constant beyond the ends. Example: what the Security Council would accept (forecast on a
    0-100 relief scale) bounds the relief the US can offer: ``{0: 1.0, 100: 0.0}`` gives the US utility of
    the forecast relief. ``file`` names the scenario file in error messages.
    """
    pts = sorted(
        (float(k), float(v)) for k, v in (mapping.items() if isinstance(mapping, Mapping) else mapping)
    )
    xs = [p[0] for p in pts]
    if len(pts) < 2 or len(set(xs)) != len(xs) or not all(math.isfinite(v) for p in pts for v in p):
        raise InputError(
            file, "forecast.map", "at least two points {scale value: utility} with distinct values", mapping
        )
    if not all(0.0 <= p[1] <= 1.0 for p in pts):
        raise InputError(file, "forecast.map", "utilities in [0, 1]", mapping)
    t, runs = forecast_runs(table, [model], settings, issue)
    iss = issue or t.issues[t.issue_index(issue)]
    value = runs[iss][check_models([model])[0]].forecast
    return float(np.interp(value, xs, [p[1] for p in pts]))


def forecast_relations(
    table: TableLike, round_: int = 1, issue: str | None = None, settings: ForecastSettings | None = None
) -> list[dict[str, Any]]:
    """The expected-utility model's bilateral relations in one round, as each actor perceives them.

    One dict per ordered pair: ``{actor, other, eu_challenge = EU_actor(actor→other), eu_challenged =
    EU_actor(other→actor), probability_win, expects_to_challenge, expects_challenge, reading}``.
    """
    t, runs = forecast_runs(table, ["bdm"], settings, issue)
    res = next(iter(runs.values()))["bdm"].detail
    assert isinstance(res, BDMResult)
    if not 1 <= round_ <= len(res.rounds):
        raise InputError(t.file, "round", f"a round between 1 and {len(res.rounds)}", round_)
    return res.relations(round_)


def write_plots(
    runs: Mapping[str, Mapping[str, ModelRun]],
    path: str | Path,
    mc: MonteCarloResult | None = None,
    title: str = "",
) -> list[Path]:
    """Trajectory figure(s) at ``path`` (``PATH-ISSUE.ext`` per issue when several) and, with Monte Carlo,
    ``PATH-distribution.ext``; the suffix (``.png``, ``.svg``, ``.pdf``) picks the format."""
    from accord.forecast.plots import plot_distribution, plot_trajectories

    p = Path(path)
    if p.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError(str(path), "--plot", "a file name ending in .png, .svg or .pdf", p.suffix or p.name)
    if not p.parent.is_dir():
        raise InputError(str(path), "--plot", "a file in an existing folder", str(p.parent))
    out = []
    several = len(runs) > 1
    for iss, by_model in runs.items():
        stem = f"{p.stem}-{iss}" if several else p.stem
        out.append(plot_trajectories(by_model, p.with_name(stem + p.suffix), title or iss))
        if mc is not None:
            samples = {m: mc.samples(iss, m) for m in mc.models}
            out.append(
                plot_distribution(samples, p.with_name(f"{stem}-distribution{p.suffix}"), title or iss, iss)
            )
    return out


def check_report_path(path: str | Path) -> Path:
    """``path`` if an HTML report can be written there (checked before any model runs)."""
    p = Path(path)
    if p.suffix.lower() not in (".html", ".htm"):
        raise InputError(str(path), "--report", "a file name ending in .html", p.suffix or p.name)
    if not p.parent.is_dir():
        raise InputError(str(path), "--report", "a file in an existing folder", str(p.parent))
    return p


def scenario_links(path: str | Path) -> list[dict[str, Any]]:
    """The stakeholder forecasts a scenario file uses (``{forecast: ...}`` forms), resolved: one dict per
    link ``{field, table, model, issue, forecast, value}`` (docs/scenario-format.md)."""
    from accord.forecast.link import resolve_document
    from accord.io.yaml_scenario import read_document

    _, links = resolve_document(read_document(path), str(path))
    return [k.to_dict() for k in links]
