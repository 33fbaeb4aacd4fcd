"""``accord forecast``: stakeholder forecasts (compromise, median voter, expected utility, exchange)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli.options import MAX_SEED
from accord.errors import AccordError

TableArg = Annotated[
    Path, typer.Argument(help="Actor table: CSV (Actor,Capability,Position,Salience[,Issue]) or YAML.")
]


def forecast(
    table: TableArg,
    model: Annotated[
        str,
        typer.Option("--model", "-m", help="mean, median, bdm, exchange, all, or a comma-separated list."),
    ] = "all",
    rounds: Annotated[
        int | None,
        typer.Option("--rounds", help="Most rounds for bdm and exchange (exact with --bdm scholz-code)."),
    ] = None,
    issue: Annotated[
        str | None, typer.Option("--issue", help="Forecast only this issue of a multi-issue table.")
    ] = None,
    bdm: Annotated[
        str,
        typer.Option(
            "--bdm", help="Expected-utility reading: paper (Scholz et al. 2011 text) or scholz-code."
        ),
    ] = "paper",
    bdm_set: Annotated[
        list[str] | None,
        typer.Option(
            "--bdm-set", help="Override one bdm option, e.g. --bdm-set risk_range=positions (repeatable)."
        ),
    ] = None,
    runs: Annotated[
        int, typer.Option("--runs", help="Monte Carlo runs over the table's distributions (0: none).")
    ] = 0,
    seed: Annotated[
        int, typer.Option("--seed", min=0, max=MAX_SEED, help="Seed of the Monte Carlo runs.")
    ] = 0,
    sensitivity: Annotated[
        str | None, typer.Option("--sensitivity", help="One-at-a-time sensitivity of this model's forecast.")
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Write figures: position trajectories (and the forecast distribution)."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Write a self-contained HTML report (forecasts, trajectories, distribution, sensitivity).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Forecast a group decision from stakeholder capability, position and salience, models side by side.

    Example: accord forecast scenarios/nk-sanctions-2019.csv --model all --runs 200 --seed 1 --report nk.html
    """
    from accord.cli.app import fail

    try:
        result = _compute(table, model, rounds, issue, bdm, bdm_set, runs, seed, sensitivity, plot, report)
    except AccordError as exc:
        fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(result, indent=2, default=float))
        return
    _print(result)


def _compute(
    table: Path, model: str, rounds: int | None, issue: str | None, bdm: str, bdm_set: list[str] | None,
    runs: int, seed: int, sensitivity: str | None, plot: Path | None, report: Path | None = None,
) -> dict[str, Any]:  # fmt: skip
    from accord.errors import InputError
    from accord.forecast import api

    overrides = {}
    for item in bdm_set or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(None, "--bdm-set", "option=value", item)
        overrides[key.strip()] = value.strip()
    if runs < 0:
        raise InputError(None, "--runs", "a number of runs >= 0", runs)
    settings = api.make_settings(rounds, bdm, overrides)
    models = [m.strip() for m in model.split(",") if m.strip()]
    t, model_runs = api.forecast_runs(table, models, settings, issue)
    result = api.runs_to_dict(t, model_runs)
    mc = None
    if runs:
        mc, summary = api.forecast_distribution(t, models, runs, seed, settings)
        if issue:
            summary["issues"] = {issue: summary["issues"][issue]}
        result["monte_carlo"] = summary
    if report is not None:
        api.check_report_path(report)
    # the report shows a sensitivity: of the chosen model, else of the compromise model (cheap)
    sens_model = sensitivity or ("mean" if report is not None else None)
    if sens_model:
        sens = [api.forecast_sensitivity(t, sens_model, iss, settings) for iss in model_runs]
        if sensitivity:
            result["sensitivity"] = sens
    if plot is not None:
        result["figures"] = [str(p) for p in api.write_plots(model_runs, plot, mc)]
    if report is not None:
        command = ["accord", "forecast", str(table), "--model", model]
        for flag, value in (("--rounds", rounds), ("--issue", issue), ("--runs", runs or None),
                            ("--seed", seed if runs else None), ("--sensitivity", sens_model)):  # fmt: skip
            if value is not None:
                command += [flag, str(value)]
        if bdm != "paper":
            command += ["--bdm", bdm]
        for item in bdm_set or []:
            command += ["--bdm-set", item]
        command += ["--report", str(report)]
        from accord.report.forecast import write_report

        write_report(report, t, result, model_runs, mc, sens, command)
        result["report"] = str(report)
    return result


def _print(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    issues = result["issues"] if "issues" in result else {result["issue"]: result}
    for iss, r in issues.items():
        sc = r["scale"]
        scale = (
            f"scale {sc['min']:g} to {sc['max']:g}" if sc["min"] is not None else "scale: range of positions"
        )
        con.print(f"[bold]{result['table']}[/bold] · issue [bold]{iss}[/bold] · {scale}")
        for v, label in sc["anchors"].items():
            con.print(f"  {v:>6}  {label}")
        con.print(
            f"initial weighted median {r['initial_median']:.4g} · weighted mean {r['initial_mean']:.4g}"
        )
        models = r["models"]
        tab = Table(title="Forecasts")
        tab.add_column("model")
        tab.add_column("forecast", justify="right")
        tab.add_column("rounds", justify="right")
        tab.add_column("stopped")
        mc = (result.get("monte_carlo") or {}).get("issues", {}).get(iss)
        if mc:
            for col in ("MC mean", "5%", "95%"):
                tab.add_column(col, justify="right")
        for m, mr in models.items():
            row = [m, f"{mr['forecast']:.4g}", str(len(mr["rounds"]) - 1), mr["stopped"]]
            if mc:
                s = mc[m]
                row += [f"{s['mean']:.4g}", f"{s['quantiles']['0.05']:.4g}", f"{s['quantiles']['0.95']:.4g}"]
            tab.add_row(*row)
        con.print(tab)
        dyn = [m for m in models if len(models[m]["rounds"]) > 1]
        pos = Table(title="Positions: initial and final")
        pos.add_column("actor")
        pos.add_column("initial", justify="right")
        for m in dyn:
            pos.add_column(f"{m} final", justify="right")
        first = next(iter(models.values()))["rounds"][0]["positions"]
        for actor, x0 in first.items():
            pos.add_row(
                actor, f"{x0:.4g}", *[f"{models[m]['rounds'][-1]['positions'][actor]:.4g}" for m in dyn]
            )
        con.print(pos)
        for sens in result.get("sensitivity", []):
            if sens["issue"] != iss:
                continue
            st = Table(
                title=f"Sensitivity of the {sens['model']} forecast ({sens['nominal']:.4g}): largest effects"
            )
            for col in ("actor", "input", "low → high", "forecast low → high"):
                st.add_column(col)
            for e in sens["effects"][:10]:
                if e["input"] == "removed":
                    st.add_row(e["actor"], "removed", "", f"{e['forecast']:.4g}")
                else:
                    st.add_row(e["actor"], e["input"], f"{e['low']:.3g} → {e['high']:.3g}",
                               f"{e['forecast_low']:.4g} → {e['forecast_high']:.4g}")  # fmt: skip
            con.print(st)
    for f in result.get("figures", []):
        con.print(f"wrote {f}")
    if "report" in result:
        con.print(f"wrote {result['report']}")


def register(app: typer.Typer) -> None:
    app.command()(forecast)
