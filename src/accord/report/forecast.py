"""``accord forecast TABLE --report out.html``: the forecast as one self-contained HTML page.

The page holds what the command prints (the forecasts of every model side by side, initial and final
positions) and the figures (position trajectories, the forecast distribution of the Monte Carlo runs, the
one-at-a-time sensitivity), embedded as PNG data URIs so the file can be mailed on its own. It reuses the
HTML helpers of ``accord report`` (:mod:`accord.report.html`); the figures are
:mod:`accord.forecast.plots`.
"""

from __future__ import annotations

import io
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from accord.errors import InputError
from accord.forecast.api import TableLike, check_report_path, forecast_runs, load_table, runs_to_dict
from accord.forecast.bdm import BDMResult
from accord.forecast.models import ModelRun
from accord.forecast.plots import distribution_figure, sensitivity_figure, trajectories_figure
from accord.forecast.tables import QUANTITIES, ActorTable
from accord.forecast.uncertainty import MonteCarloResult
from accord.report.html import esc, figure, kv, page, section
from accord.report.html import table as html_table

__all__ = ["write_report", "write_html", "report_html"]


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    return buf.getvalue()


def _cell(table: ActorTable, q: str, d: int, a: int) -> object:
    dist = table.distributions.get((q, d, a))
    v = float(getattr(table, q)[d, a])
    return f"{dist.describe()} → {v:.4g}" if dist is not None else v


def _issue_section(
    table: ActorTable,
    result: Mapping[str, Any],
    runs: Mapping[str, ModelRun],
    mc: MonteCarloResult | None,
    sens: Sequence[Mapping[str, Any]],
    k: int,
) -> str:

    iss = result["issue"]
    d = table.issues.index(iss)
    sc = result["scale"]
    parts = []
    scale = f"{sc['min']:g} to {sc['max']:g}" if sc["min"] is not None else "the range of the positions"
    parts.append(
        kv(
            [
                ("scale", scale),
                *((f"anchor {v}", label) for v, label in sc["anchors"].items()),
                ("initial weighted median (median voter)", result["initial_median"]),
                ("initial weighted mean (compromise model)", result["initial_mean"]),
            ]
        )
    )
    # forecasts side by side
    summary = (mc.summary(iss) if mc is not None else None) or {}
    heads = ["model", "forecast", "rounds", "stopped"]
    if summary:
        heads += ["MC mean", "MC sd", "5%", "50%", "95%"]
    rows = []
    for m, mr in result["models"].items():
        row: list[object] = [m, mr["forecast"], len(mr["rounds"]) - 1, mr["stopped"]]
        if summary:
            s = summary[m]
            q = s["quantiles"]
            row += [s["mean"], s["sd"], q["0.05"], q["0.5"], q["0.95"]]
        rows.append(row)
    parts.append("<h3>Forecasts side by side</h3>" + html_table(heads, rows))
    # actors: inputs and final positions
    dyn = [m for m, r in runs.items() if r.positions.shape[0] > 1]
    heads = ["actor", "capability", "position", "salience", *(f"{m} final" for m in dyn)]
    rows = []
    for a in [int(i) for i, p in enumerate(table.present[d]) if p]:
        name = table.actors[a]
        finals = [float(runs[m].positions[-1, runs[m].actors.index(name)]) for m in dyn]
        rows.append([name, *(_cell(table, q, d, a) for q in QUANTITIES), *finals])
    parts.append(
        "<h3>Actors</h3><p>Inputs (a distribution shows its nominal value, used by the point forecasts) and, "
        "for the models with rounds, each actor's final position.</p>" + html_table(heads, rows)
    )
    bdm = runs.get("bdm")
    if bdm is not None and isinstance(bdm.detail, BDMResult) and bdm.detail.rounds:
        rel = bdm.detail.relations(1)
        short = {"confrontation": "conf", "compromise": "comp", "capitulation": "capit", "none": "–"}
        who = list(bdm.actors)
        cells = {(r["actor"], r["other"]): r for r in rel}
        rows = [
            [a, *("" if a == b else
                  f"{short[str(cells[a, b]['reading'])]} ({cells[a, b]['eu_challenge']:+.2f} / "
                  f"{cells[a, b]['eu_challenged']:+.2f})" for b in who)]
            for a in who
        ]  # fmt: skip
        parts.append(
            "<h3>Expected-utility model, round 1: how each actor reads each relation</h3>"
            "<p>Row: the perceiving actor i; column: the other actor j. Reading: confrontation, compromise, "
            "capitulation or none; in brackets EU<sub>i</sub>(i→j) / EU<sub>i</sub>(j→i), i's expected utility "
            "of challenging j and of being challenged by j (positive: worth doing).</p>"
            + html_table(["i \\ j", *who], rows)
        )
    fig = trajectories_figure(runs, iss)
    parts.append(
        figure(
            _png(fig),
            "Each actor's position by round for the models with rounds (Bueno de Mesquita's expected-utility "
            "model, the exchange model); horizontal lines: every model's forecast.",
            alt=f"position trajectories on {iss}",
        )
    )
    if mc is not None:
        fig = distribution_figure({m: mc.samples(iss, m) for m in mc.models}, iss, iss)
        parts.append(
            "<h3>Forecast distribution</h3>"
            + figure(
                _png(fig),
                f"Forecasts of {mc.forecasts.shape[0]} Monte Carlo runs over the table's "
                f"{len(table.distributions)} uncertain inputs (seed {mc.seed}); lines: 5%, 50%, 95%.",
                alt=f"forecast distribution on {iss}",
            )
        )
    else:
        parts.append(
            "<p class='meta'>No Monte Carlo runs: add <code>--runs N</code> to draw the table's uncertain "
            "inputs and show the forecast distribution.</p>"
        )
    for s in sens:
        if s["issue"] != iss:
            continue
        fig = sensitivity_figure(s)
        rows = [
            [e["actor"], e["input"], "", "", e["forecast"], e["effect"]]
            if e["input"] == "removed"
            else [e["actor"], e["input"], e["low"], e["high"],
                  f"{e['forecast_low']:.4g} → {e['forecast_high']:.4g}", e["effect"]]
            for e in s["effects"][:15]
        ]  # fmt: skip
        parts.append(
            f"<h3>Sensitivity of the {esc(s['model'])} forecast</h3>"
            + figure(
                _png(fig),
                "One input at a time, the others nominal: uncertain inputs at their 5% and 95% quantiles; point "
                "values at position ± 10% of the scale, salience ± 0.1, capability × (1 ± 0.25); × an actor "
                "removed.",
                alt="sensitivity tornado",
            )
            + html_table(["actor", "input", "low", "high", "forecast", "largest change"], rows)
        )
    return section(f"Issue: {iss}", *parts, anchor=f"issue-{k}")


def report_html(
    table: ActorTable,
    result: Mapping[str, Any],
    runs: Mapping[str, Mapping[str, ModelRun]],
    mc: MonteCarloResult | None = None,
    sensitivity: Sequence[Mapping[str, Any]] = (),
    command: Sequence[str] | None = None,
) -> str:
    """The HTML page for a forecast (``result`` is the JSON contract of ``accord forecast``)."""

    per_issue = result["issues"] if "issues" in result else {result["issue"]: result}
    secs = []
    toc = []
    for k, (iss, r) in enumerate(per_issue.items()):
        secs.append(_issue_section(table, r, runs[iss], mc, sensitivity, k))
        toc.append((f"issue-{k}", iss))
    wide = len(table.notes) == len(table.actors) and len(table.issues) == 1
    cols = sorted({c for n in table.notes for c, v in n.items() if v}) if wide else []
    if cols:
        rows = [[a, *(n.get(c, "") for c in cols)] for a, n in zip(table.actors, table.notes, strict=True)]
        secs.append(
            section(
                "Provenance of the inputs",
                "<p>The table's further columns, as written.</p>",
                html_table(["actor", *cols], rows),
                anchor="provenance",
            )  # fmt: skip
        )
        toc.append(("provenance", "provenance"))
    secs.append(
        section(
            "Models and reproduction",
            "<p>Compromise model: Σ c s x / Σ c s (Stokman &amp; Van Oosten 1994; Achen 2006 found it as "
            "accurate as the elaborate models). Median voter: the position that wins every pairwise vote "
            "(Bueno de Mesquita 1994). Expected-utility model: Bueno de Mesquita (1994) as reconstructed "
            "by Scholz, Calbert &amp; Smith (2011). Exchange model: Stokman &amp; Van Oosten (1994), equal "
            "gain. Equations and the options where reconstructions disagree: docs/models/forecasting.md.</p>",
            f"<pre>{esc(shlex.join(command))}</pre>" if command else "",
            anchor="models",
        )
    )
    title = f"Stakeholder forecast: {table.name or Path(table.file or 'table').name}"
    subtitle = f"{esc(table.file or '')} · {len(table.actors)} actors · {len(table.issues)} issue(s)"
    return page(title, subtitle, secs, toc)


def write_html(path: str | Path, *args: Any, **kwargs: Any) -> Path:
    """Write :func:`report_html` to ``path`` (``.html``)."""
    p = Path(path)
    text = report_html(*args, **kwargs)
    try:
        p.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), "--report", f"a writable file ({exc.strerror})") from None
    return p


def write_report(
    path: str | Path,
    table: TableLike,
    result: Mapping[str, Any] | None = None,
    runs: Mapping[str, Mapping[str, ModelRun]] | None = None,
    mc: MonteCarloResult | None = None,
    sensitivity: Sequence[Mapping[str, Any]] = (),
    command: Sequence[str] | None = None,
) -> Path:
    """Write the self-contained HTML report of a forecast (``accord forecast --report``).

    With only ``table``, every model runs with default settings; ``result`` and ``runs`` are what
    :func:`~accord.forecast.api.forecast_runs` and :func:`~accord.forecast.api.runs_to_dict` return, ``mc``
    a Monte Carlo result, ``sensitivity`` a list of :func:`~accord.forecast.api.forecast_sensitivity` results.
    """
    check_report_path(path)
    t = load_table(table)
    if runs is None:
        t, runs = forecast_runs(t)
    if result is None:
        result = runs_to_dict(t, runs)
    return write_html(path, t, result, runs, mc, sensitivity, command)
