"""Readable terminal output (Rich) for the core commands. Printing lives here, never in the library."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from accord.model.scenario import Scenario
from accord.protocols.alternating import Result

console = Console()


def _fmt_outcome(outcome: dict[str, Any] | None, limit: int = 90) -> str:
    if outcome is None:
        return "-"
    s = ", ".join(f"{k}={v}" for k, v in outcome.items())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _fmt_utils(u: dict[str, Any] | None) -> str:
    if not u:
        return "-"
    return "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} -" for k, v in u.items())


def print_analysis(a: dict[str, Any], title: str | None = None) -> None:
    console.print(f"[bold]{title or a.get('scenario', '')}[/bold]")
    console.print(
        f"{a['outcomes']:,} outcomes · parties: {', '.join(a['parties'])} · "
        f"reservation values: {_fmt_utils(a.get('reservations'))}"
    )
    zs = a.get("zopa_size")
    if str(a.get("method", "")).startswith("APPROXIMATE"):
        console.print(f"[yellow]{a['method']}[/yellow]")
    if zs is None:
        console.print("zone of possible agreement: not enumerated (space too large)")
    elif zs == 0:
        console.print(
            "[red]zone of possible agreement: empty[/red] (no outcome gives every party its walk-away value)"
        )
    else:
        console.print(f"zone of possible agreement: {zs:,} outcomes ({zs / a['outcomes']:.1%})")
    t = Table(title="Solutions", show_lines=False)
    t.add_column("solution")
    t.add_column("outcome")
    for p in a["parties"]:
        t.add_column(p, justify="right")
    for key, label in (
        ("nash", "Nash"),
        ("kalai_smorodinsky", "Kalai-Smorodinsky"),
        ("max_welfare", "max welfare"),
    ):
        pt = a.get(key)
        if pt is None:
            t.add_row(label, "none (empty ZOPA)", *["-" for _ in a["parties"]])
        else:
            t.add_row(
                label, _fmt_outcome(pt["outcome"]), *[f"{pt['utilities'][p]:.4f}" for p in a["parties"]]
            )
    console.print(t)
    pareto = a.get("pareto") or []
    console.print(f"Pareto frontier: {len(pareto)} outcomes")
    shown = pareto if len(pareto) <= 12 else pareto[:: max(1, len(pareto) // 12)]
    ft = Table(show_header=True)
    ft.add_column("outcome")
    for p in a["parties"]:
        ft.add_column(p, justify="right")
    for pt in shown:
        ft.add_row(_fmt_outcome(pt["outcome"]), *[f"{pt['utilities'][p]:.4f}" for p in a["parties"]])
    if shown:
        console.print(ft)


def print_trace(sc: Scenario, result: Result, max_rows: int = 60) -> None:
    rows = result.trace.rows(sc.space)
    t = Table(title=f"Negotiation trace ({len(rows)} actions)")
    t.add_column("round", justify="right")
    t.add_column("party")
    t.add_column("action")
    t.add_column("offer")
    for p in sc.party_names:
        t.add_column(f"u({p})", justify="right")
    show = rows if len(rows) <= max_rows else rows[: max_rows // 2] + rows[-max_rows // 2 :]
    for k, r in enumerate(show):
        if len(rows) > max_rows and k == max_rows // 2:
            t.add_row("…", "", f"{len(rows) - max_rows} actions not shown", "", *["" for _ in sc.party_names])
        us = r["utilities"]
        t.add_row(
            str(r["round"] + 1),
            r["party"],
            r["action"],
            _fmt_outcome(r["outcome"], 70),
            *[("-" if us[p] is None else f"{us[p]:.3f}") for p in sc.party_names],
        )
    console.print(t)


def print_result(result: Result) -> None:
    if result.agreement:
        console.print(
            f"[green]Agreement[/green] in round {result.rounds}: {_fmt_outcome(result.outcome, 200)}"
        )
        console.print(f"utilities: {_fmt_utils(result.utilities)}")
        if result.discounted_utilities != result.utilities:
            console.print(f"discounted: {_fmt_utils(result.discounted_utilities)}")
    elif result.end == "walk_away":
        console.print(
            f"[red]No agreement[/red]: {result.walked_away_by} walked away in round {result.rounds}"
        )
    else:
        console.print(f"[red]No agreement[/red]: deadline reached after {result.rounds} rounds")


def print_runs(sc: Scenario, summary: dict[str, Any], results: Sequence[Result]) -> None:
    console.print(f"[bold]{sc.name}[/bold] · negotiators: {', '.join(summary['negotiators'])}")
    if len(results) == 1:
        print_trace(sc, results[0])
        print_result(results[0])
        from accord import api

        print_analysis(api.analyze(sc), title="Analysis of the scenario")
        dist = api.outcome_distances(sc, results[0].outcome_index)
        if dist:
            console.print(
                "agreement's distance in utility space: "
                + ", ".join(f"to {k} {v:.4f}" for k, v in dist.items() if v is not None)
            )
        return
    t = Table(title=f"{summary['runs']} runs")
    t.add_column("seed", justify="right")
    t.add_column("result")
    t.add_column("rounds", justify="right")
    for p in sc.party_names:
        t.add_column(f"u({p})", justify="right")
    for r in summary["results"][:50]:
        res = (
            "agreement"
            if r["agreement"]
            else (f"walk-away ({r['walked_away_by']})" if r["walked_away_by"] else "deadline")
        )
        t.add_row(
            str(r["seed"]), res, str(r["rounds"]), *[f"{r['utilities'][p]:.3f}" for p in sc.party_names]
        )
    console.print(t)
    console.print(
        f"agreement rate {summary['agreement_rate']:.1%} · mean rounds {summary['mean_rounds']:.1f} · "
        f"mean utilities {_fmt_utils(summary['mean_utilities'])}"
    )
