"""Experiment commands: montecarlo, sweep, tournament, report.

Each experiment writes a run directory (results.parquet, manifest.json, summary.json); ``--resume``
continues an interrupted one. Progress bars go to stderr, so ``--json`` output on stdout stays clean.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli.core import _split
from accord.cli.options import MAX_SEED

OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Run directory to write (default: runs/<scenario>-<command>)."),
]
SeedOpt = Annotated[
    int,
    typer.Option("--seed", min=0, max=MAX_SEED, help="Seed of the first run; see the manifest for the rule."),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers", "-w", help="Local worker processes (default: every core; 1 runs in this process)."
    ),
]
SchedulerOpt = Annotated[
    str | None, typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
]
ResumeOpt = Annotated[
    bool, typer.Option("--resume", help="Continue the run in --out, computing only what is missing.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
NegotiatorsOpt = Annotated[
    str | None,
    typer.Option(
        "--negotiators", "-n", help="Strategies, one for all or one per party (default: each party's own)."
    ),
]


def _dump(obj: Any) -> None:
    typer.echo(json.dumps(obj, indent=2, default=str))


def _command() -> list[str]:
    return ["accord", *sys.argv[1:]]


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    if quiet:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.0f} runs/s", style="progress.data.speed")

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        Rate(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    ids: dict[str, Any] = {}

    def update(table: str, done: int, total: int) -> None:
        if "run" not in ids:
            ids["run"] = bar.add_task("runs", total=total, completed=done)
            ids["start"] = done
        bar.update(ids["run"], completed=done, description=f"runs ({table})")

    with bar:
        yield update


def _execute(
    plan: Any, out: Path, workers: int | None, scheduler: str | None, resume: bool, quiet: bool
) -> dict:
    from accord.experiments import execute, make_executor

    if not (
        quiet or resume or scheduler or out.exists()
    ):  # a pilot's estimate before long work (cli/estimate.py)
        from accord.cli.estimate import estimate

        est = estimate(plan, workers)
        if est is not None:
            sys.stderr.write(est.line() + "\n")
    with make_executor(workers, scheduler) as ex, _progress(quiet) as progress:
        try:
            return execute(plan, out, ex, resume=resume, progress=progress, command=_command())
        except KeyboardInterrupt:
            sys.stderr.write(f"interrupted: finished chunks are kept in {out}; continue with --resume\n")
            raise typer.Exit(code=130) from None


def _default_out(path: Path, kind: str) -> Path:
    stem = path.stem if path.suffix else path.name
    return Path("runs") / f"{stem}-{kind}"


def _print_summary(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    s = result["summary"]
    variants = result.get("variants") or []
    if result.get("drawn"):
        con.print(f"drawn per run: {result['drawn']}")
    if len(variants) > 1:  # one row per variant; the pooled figure only labelled as such
        vt = Table(title="Per variant (same seeds; mean utility: reservation value when no deal)")
        for col in ("variant", "runs", "agreement", "95% CI", "mean rounds", *s["mean_utilities"]):
            vt.add_column(col, justify="left" if col == "variant" else "right")
        for v in variants:
            vlo, vhi = v.get("agreement_rate_ci95", [None, None])
            vt.add_row(
                v["variant"],
                f"{v['runs']:,}",
                f"{v['agreement_rate']:.1%}",
                "-" if vlo is None else f"{vlo:.1%}-{vhi:.1%}",
                f"{v['mean_rounds']:.2f}",
                *[f"{u:.4f}" if u is not None else "-" for u in v["mean_utilities"].values()],
            )
        con.print(vt)
    pooled = f" (all {len(variants)} variants pooled)" if len(variants) > 1 else ""
    lo, hi = s.get("agreement_rate_ci95", [None, None])
    con.print(
        f"[bold]{s['runs']:,} runs[/bold]{pooled} · agreement rate {s['agreement_rate']:.1%}"
        + (f" (95% CI {lo:.1%}-{hi:.1%})" if lo is not None else "")
        + f" · mean rounds {s['mean_rounds']:.2f}"
    )
    if len(variants) <= 1:
        t = Table(title="Mean utility (reservation value when no deal)")
        for name in s["mean_utilities"]:
            t.add_column(name, justify="right")
        t.add_row(*[f"{v:.4f}" if v is not None else "-" for v in s["mean_utilities"].values()])
        con.print(t)
    rows = result.get("leaderboard")
    if rows:  # tournaments
        con.print(_leaderboard_table(rows, result.get("scoring", "utility")))
    con.print(f"results: {result['out']}/results.parquet · report: accord report {result['out']}")


def _leaderboard_table(rows: list[dict[str, Any]], scoring: str) -> Any:
    """The tournament leaderboard; the score column is what ranks (ANAC: mean discounted utility)."""
    from rich.table import Table

    how = "ANAC scoring: mean discounted utility" if scoring == "anac" else "mean utility"
    lb = Table(title=f"Leaderboard (ranked by {how})")
    cols = ["rank", "negotiator", "negotiations", "mean_utility", "mean_discounted_utility"]
    cols += ["agreement_rate", "mean_dist_pareto", "mean_rounds"]
    if any(r.get("mean_wall_seconds") is not None for r in rows):
        cols.append("mean_wall_seconds")
    heads = {
        "negotiator": "strategy",
        "negotiations": "n",
        "mean_utility": "utility",
        "mean_discounted_utility": "discounted",
        "agreement_rate": "deals",
        "mean_dist_pareto": "to Pareto",
        "mean_rounds": "rounds",
        "mean_wall_seconds": "time",
    }
    for col in cols:
        lb.add_column(heads.get(col, col), justify="right" if col != "negotiator" else "left")

    def cell(r: dict[str, Any], col: str) -> str:
        v = r.get(col)
        if v is None:
            return "-"
        if col in ("rank", "negotiator"):
            return str(v)
        if col == "negotiations":
            return f"{v:,}"
        if col == "agreement_rate":
            return f"{v:.1%}"
        if col == "mean_wall_seconds":
            return f"{v * 1000:.2f} ms"
        if col == "mean_rounds":
            return f"{v:.1f}"
        return f"{v:.4f}"

    for r in rows:
        lb.add_row(*[cell(r, c) for c in cols])
    return lb


def montecarlo(
    path: Annotated[
        Path, typer.Argument(help="An accord YAML scenario (its distributions are drawn per run).")
    ],
    runs: Annotated[int, typer.Option("--runs", "-r", help="Number of runs (per variant).")] = 1000,
    seed: SeedOpt = 0,
    out: OutOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    negotiators: NegotiatorsOpt = None,
    variant: Annotated[
        str | None,
        typer.Option("--variant", help="Variants to run, comma-separated, or 'all' (default: base)."),
    ] = None,
    sensitivity: Annotated[
        int | None,
        typer.Option(
            "--sensitivity", help="Add Sobol indices (N base samples, a power of two) and a tornado."
        ),
    ] = None,
    oat_runs: Annotated[
        int | None, typer.Option("--oat-runs", help="Seeds per point of the tornado (default: the N above).")
    ] = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Monte Carlo: many runs of one scenario, its uncertain numbers drawn from each run's seed.

    Example: accord montecarlo scenarios/hanoi-2019.yaml --runs 200 --seed 0 --out runs/hanoi-mc
    """
    from accord.experiments import plan_montecarlo

    plan = plan_montecarlo(
        path,
        runs,
        seed=seed,
        negotiators=_split(negotiators),
        variants=_split(variant),
        sensitivity=sensitivity,
        oat_runs=oat_runs,
    )
    result = _execute(plan, out or _default_out(path, "montecarlo"), workers, scheduler, resume, quiet)
    if as_json:
        s = result["summary"]
        per = result.get("variants") or []
        _dump(
            {
                "runs": result["runs"],
                "agreement_rate": result["agreement_rate"],
                "agreement_rate_ci95": s.get("agreement_rate_ci95"),
                "mean_utilities": s.get("mean_utilities"),
                "pooled_over_variants": [v["variant"] for v in per] if len(per) > 1 else None,
                "variants": {
                    v["variant"]: {
                        k: v.get(k)
                        for k in ("runs", "agreement_rate", "agreement_rate_ci95", "mean_utilities")
                    }
                    for v in per
                },
                "drawn": result.get("drawn"),
                "out": result["out"],
            }
        )
        return
    _print_summary(result)


def sweep(
    path: Annotated[Path, typer.Argument(help="An accord YAML scenario.")],
    param: Annotated[
        list[str],
        typer.Option(
            "--param", "-P", help="PATH=LO:HI:STEPS or PATH=V1,V2,... (repeat for a grid over several)."
        ),
    ],
    runs: Annotated[int, typer.Option("--runs", "-r", help="Runs (seeds) per grid point.")] = 20,
    seed: SeedOpt = 0,
    out: OutOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    negotiators: NegotiatorsOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Sweep: a grid over one or more numbers of the scenario, several seeded runs per point.

    Example: accord sweep scenarios/hanoi-2019.yaml --param parties.usa.weights.yongbyon=0:0.4:5 --runs 20
    """
    from accord.experiments import plan_sweep

    plan = plan_sweep(path, param, runs=runs, seed=seed, negotiators=_split(negotiators))
    result = _execute(plan, out or _default_out(path, "sweep"), workers, scheduler, resume, quiet)
    if as_json:
        _dump({"runs": result["runs"], "out": result["out"], "points": result.get("points", [])})
        return
    from rich.console import Console
    from rich.table import Table

    names = [g[0] for g in plan.spec["params"]]
    t = Table(title=f"Agreement rate by point ({runs} runs each)")
    for n in names:
        t.add_column(n, justify="right")
    t.add_column("agreement", justify="right")
    t.add_column("95% CI", justify="right")
    for pt in result.get("points", []):
        lo, hi = pt["agreement_rate_ci95"]
        t.add_row(*[str(pt["values"][n]) for n in names], f"{pt['agreement_rate']:.1%}", f"{lo:.0%}-{hi:.0%}")
    Console().print(t)
    Console().print(f"results: {result['out']}/results.parquet · report: accord report {result['out']}")


def tournament(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Scenario files or GENIUS folders (FOLDER@profileA,profileB picks two)."),
    ],
    negotiators: Annotated[
        str,
        typer.Option(
            "--negotiators", "-n", help="Strategies to play each other, e.g. boulware,conceder,linear."
        ),
    ],
    repetitions: Annotated[
        int, typer.Option("--repetitions", "-R", help="Repetitions of every pairing.")
    ] = 1,
    steps: Annotated[
        int | None,
        typer.Option(
            "--steps", "-s", help="Deadline in rounds of every negotiation (default: each scenario's)."
        ),
    ] = None,
    scoring: Annotated[
        str,
        typer.Option(
            "--scoring",
            help="auto, anac or utility. anac: mean discounted utility at agreement time, the discounted "
            "reservation value without a deal, both roles (as ANAC scored); auto: anac when the scenarios "
            "discount, else utility.",
        ),
    ] = "auto",
    timing: Annotated[
        bool,
        typer.Option(
            "--timing/--no-timing", help="Record each negotiation's wall-clock seconds (wall_seconds)."
        ),
    ] = True,
    seed: SeedOpt = 0,
    out: OutOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Tournament: every ordered pair of strategies (self-play included) on every scenario, repeated.

    Example: accord tournament ../shared/data/genius/Laptop@laptop_buyer_utility,laptop_seller_utility --negotiators boulware,conceder,linear --repetitions 5 --steps 100
    """
    from accord.experiments import plan_tournament

    plan = plan_tournament(
        paths,
        _split(negotiators) or [],
        repetitions=repetitions,
        seed=seed,
        steps=steps,
        scoring=scoring,
        timing=timing,
    )
    default = Path("runs") / "tournament"
    result = _execute(plan, out or default, workers, scheduler, resume, quiet)
    if as_json:
        _dump(
            {
                "negotiations": result["negotiations"],
                "scoring": result.get("scoring", "utility"),
                "leaderboard": result["leaderboard"],
                "leaderboard_per_domain": result["leaderboard_per_domain"],
                "out": result["out"],
            }
        )
        return
    _print_summary(result)


def report(
    run_dir: Annotated[
        Path, typer.Argument(help="A run directory written by montecarlo, sweep or tournament.")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Report folder (default: RUN_DIR/report).")
    ] = None,
    seed: Annotated[
        int,
        typer.Option(
            "--seed", min=0, max=MAX_SEED, help="Seed for thinning very large outcome spaces in plots."
        ),
    ] = 0,
    run: Annotated[
        int | None,
        typer.Option("--run", help="Run shown as the sample negotiation (default: the first deal)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a self-contained HTML report with figures (PNG and SVG) for a run directory.

    Example: accord report runs/hanoi-demo
    """
    from accord.report import build_report

    index = build_report(run_dir, out, seed=seed, sample_run=run)
    if as_json:
        _dump({"report": str(index), "figures": sorted(p.name for p in index.parent.glob("*.svg"))})
        return
    typer.echo(f"report: {index}")


def register(app: typer.Typer) -> None:
    app.command()(montecarlo)
    app.command()(sweep)
    app.command()(tournament)
    app.command()(report)
