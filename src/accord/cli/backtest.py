"""``accord backtest``: the library's historical cases as a forecast (accord.experiments.backtest).

Thin: the cases come from :func:`accord.api.backtest`, the scores from
:func:`accord.experiments.backtest.score_cases`, the page from :mod:`accord.report.backtest`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli.app import fail


def _console() -> Any:
    from rich.console import Console

    return Console(width=120)


def _p(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _verdict(r: dict[str, Any]) -> str:
    """The model's most likely category, and whether it is what happened (right / WRONG)."""
    modal = str(r.get("model_modal", "-"))
    if r.get("agrees") is None:
        return modal
    return f"{modal}: {'right' if r['agrees'] else 'WRONG'}"


def _drawn_note(rows: list[dict[str, Any]], runs: int, drawn: bool = True) -> str:
    """What the backtest's runs draw and what they hold fixed (``drawn``: the files' distributions drawn per
    run, the default; else held at their nominal values, ``--nominal``)."""
    from accord.report.explain import uncertain_count

    with_dist = sum(bool(uncertain_count(r.get("file"))) for r in rows)
    if drawn:
        fixed = (
            f"the distributions of {with_dist} case file(s) drawn per run, the talks included (--nominal holds "
            "them at their nominal values)"
            if with_dist
            else "every number as written"
        )
        return (
            f"{runs} run(s) per case with {fixed}; per run the model's own chance events are drawn too (facts "
            "nature draws, breakdowns, private types, inspections, ratification, hazards and elections after "
            "signature)"
        )
    fixed = (
        f"the distributions of {with_dist} case file(s) at their nominal values (accord montecarlo draws them)"
        if with_dist
        else "every number as written"
    )
    return (
        f"{runs} run(s) per case with {fixed}; per run the model's own chance events are drawn (facts nature "
        "draws, breakdowns, private types, inspections, ratification, hazards and elections after signature), so "
        "a case whose talks are deterministic gets 0 or 1 for agreement and its spread comes from after signature"
    )


def backtest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Scenario files and/or folders of them (default: scenarios).")
    ] = None,
    runs: Annotated[int, typer.Option("--runs", "-r", help="Seeded runs (run k uses seed + k).")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the first run.")] = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (with --score: cases and scores).")
    ] = False,
    score: Annotated[
        bool, typer.Option("--score", help="Brier, log and ranked probability scores against two baselines.")
    ] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write an HTML page with the reliability diagram here.")
    ] = None,
    nominal: Annotated[
        bool,
        typer.Option(
            "--nominal",
            help="Every uncertain number at its nominal value (default: drawn per run, talks included).",
        ),
    ] = False,
) -> None:
    """Run every case with a recorded history and print the model's probabilities next to what happened.

    Example: accord backtest scenarios --runs 100 --score
    """
    from rich.table import Table

    from accord import api
    from accord.experiments.backtest import CATEGORIES, score_cases

    if runs < 1:
        fail(f"--runs: expected a positive number of runs, got {runs}")
    rows = api.backtest(paths or [Path("scenarios")], runs=runs, seed=seed, draws=not nominal)
    scored = score_cases(rows) if (score or report) else None
    if report is not None and scored is not None:
        from accord.report.backtest import write_backtest_report

        written = write_backtest_report(rows, scored, report)
        if not as_json:
            typer.echo(f"report: {written}")
    if as_json:
        obj: Any = {"cases": rows, "scores": scored} if score else rows
        typer.echo(json.dumps(obj, indent=2, default=str))
        return
    t = Table(title=f"backtest: {runs} run(s) per case", title_justify="left")
    for c in (
        "case",
        "history",
        *(f"P({c})" for c in CATEGORIES),
        "P(history)",
        "most likely",
        "historical deal: P(completed)",
    ):
        t.add_column(c, overflow="fold")
    for r in rows:
        g = r.get("implementation_of_historical_deal")
        t.add_row(
            r["scenario"],
            str(r["history"]["category"]),
            *(_p(r["model"][c]) for c in CATEGORIES),
            _p(r["probability_of_history"]),
            _verdict(r),
            "-" if not g else _p(g["model"]["agreement_completed"]),
        )
    con = _console()
    con.print(t)
    coded = [r for r in rows if r.get("agrees") is not None]
    if coded:
        right = sum(bool(r["agrees"]) for r in coded)
        con.print(
            f"the model's most likely result matches history in {right} of {len(coded)} case(s) "
            "(variants of a case included; --score scores the probabilities)"
        )
    con.print(f"drawn: {_drawn_note(rows, runs, drawn=not nominal)}")
    if scored is None or not score:
        return
    if not scored["scores"]:
        con.print("no case with a history coded at five years: nothing to score")
        return
    s = Table(
        title=f"scores on {scored['cases']} case(s) (lower is better; log floor {scored['log_floor']})",
        title_justify="left",
    )
    for c in ("forecaster", "Brier (0-2)", "log score", "ranked probability score"):
        s.add_column(c)
    for name, v in scored["scores"].items():
        s.add_row(name, f"{v['brier']:.3f}", f"{v['log']:.3f}", f"{v['rps']:.3f}")
    con.print(s)
    if scored["left_out"]:
        con.print(f"left out (history not coded at five years): {', '.join(scored['left_out'])}")
    if scored["confident_misses"]:
        con.print(f"confident misses (history given under 0.02): {', '.join(scored['confident_misses'])}")
