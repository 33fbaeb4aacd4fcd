"""Core commands: analyze, run, schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli.app import fail
from accord.cli.lines import split_list as _split
from accord.cli.options import MAX_ROUNDS, MAX_SEED


def _dump(obj: Any) -> None:
    typer.echo(json.dumps(obj, indent=2, default=str))


PathArg = Annotated[Path, typer.Argument(help="Scenario: an accord YAML file or a GENIUS/GeniusWeb folder.")]
PartiesOpt = Annotated[
    str | None,
    typer.Option(
        "--parties",
        "-p",
        help="Comma-separated party names to keep (e.g. usa,dprk); for a GENIUS/GeniusWeb folder, profile "
        "names or 'all' (default: a bilateral scenario, or every base profile of a multilateral domain).",
    ),
]


def analyze(
    path: PathArg,
    parties: PartiesOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Pareto frontier, Nash, Kalai-Smorodinsky, max welfare and the zone of possible agreement.

    Example: accord analyze scenarios/hanoi-2019.yaml --json
    """
    from accord import api

    result = api.analyze(path, _split(parties))
    if as_json:
        _dump(result)
        return
    from accord.cli.render import print_analysis

    print_analysis(result)


def run(
    path: PathArg,
    parties: PartiesOpt = None,
    negotiators: Annotated[
        str | None,
        typer.Option(
            "--negotiators",
            "-n",
            help="Strategies, one for all or one per party: boulware,conceder (see `accord strategies`).",
        ),
    ] = None,
    steps: Annotated[
        int | None,
        typer.Option(
            "--steps", "-s", min=1, max=MAX_ROUNDS, help="Deadline in rounds (default: the scenario's)."
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", min=0, max=MAX_SEED, help="Seed of the first run; run k uses seed + k.")
    ] = 0,
    runs: Annotated[
        int, typer.Option("--runs", "-r", min=1, max=1_000_000, help="Number of negotiations.")
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    trace: Annotated[
        Path | None, typer.Option("--trace", help="Write the first run's trace to this .csv or .json file.")
    ] = None,
    nominal: Annotated[
        bool,
        typer.Option(
            "--nominal",
            help="Talks with --runs N: every uncertain number at its nominal value (default: drawn per run).",
        ),
    ] = False,
) -> None:
    """Run negotiations between strategies and show the result (and, for one run, the trace).

    Example: accord run scenarios/hanoi-2019.yaml --negotiators boulware,conceder --steps 100 --seed 0
    """
    from accord import api

    if steps is not None and steps < 1:
        fail(f"--steps: expected a positive number of rounds, got {steps}")
    if runs < 1:
        fail(f"--runs: expected a positive number of runs, got {runs}")
    from accord.cli.talks import run_talks_command  # staged talks and variants (issue 3)

    if run_talks_command(path, parties, negotiators, steps, seed, runs, as_json, trace, nominal):
        return
    sc = api.load(path, _split(parties))
    specs = api.resolve_negotiators(sc, _split(negotiators))
    results = api.run_batch(sc, specs, steps=steps, seed=seed, runs=runs)
    summary = api.summarize_runs(sc, specs, results)
    if trace is not None:
        api.write_trace(sc, results[0], trace)
    if as_json:
        _dump(summary)
        return
    from accord.cli.render import print_runs

    print_runs(sc, summary, results)


def schema() -> None:
    """Print the JSON Schema of accord's scenario files.

    Example: accord schema > scenario.schema.json
    """
    from accord.io.schema import scenario_json_schema

    _dump(scenario_json_schema())


def register(app: typer.Typer) -> None:
    app.command()(analyze)
    app.command()(run)
    app.command()(schema)
