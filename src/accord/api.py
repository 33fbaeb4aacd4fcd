"""The few functions every front end calls: load, compile, analyse, run.

The CLI, the web app, the experiment runner and Python users all go through here, so nothing is
computed in two places. Functions return plain data (dicts of JSON-able values) or result objects.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.errors import InputError
from accord.model.scenario import CompiledScenario, Scenario, scenario_runs

if TYPE_CHECKING:  # the protocols and strategies load on first use, keeping `accord analyze` lean
    from accord.protocols.alternating import Result
    from accord.strategies.base import Negotiator

_COMPILED: weakref.WeakKeyDictionary[Scenario, CompiledScenario] = weakref.WeakKeyDictionary()


def load(path: str | Path, parties: Sequence[str] | None = None) -> Scenario:
    """Load a scenario (accord YAML, or a GENIUS / GeniusWeb folder); ``parties`` picks some by name."""
    from accord.io import load as _load

    return _load(path, parties)


def _scenario(scenario: Scenario | str | Path, parties: Sequence[str] | None = None) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario.select(list(parties)) if parties else scenario
    return load(scenario, parties)


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Compiled arrays of a scenario, cached so many runs share them."""
    c = _COMPILED.get(scenario)
    if c is None:
        c = scenario.compile()
        _COMPILED[scenario] = c
    return c


def analyze(scenario: Scenario | str | Path, parties: Sequence[str] | None = None) -> dict[str, Any]:
    """The standard analysis as one JSON-able dict (the contract of ``accord analyze --json``; its keys:
    :func:`accord.analysis.document.analysis_document`)."""
    from accord.analysis.document import analysis_document, scenario_analysis

    sc = _scenario(scenario, parties)
    return analysis_document(sc, scenario_analysis(sc, compile_scenario))


def outcome_distances(scenario: Scenario | str | Path, outcome_index: int | None) -> dict[str, float | None]:
    """Distances in utility space from an outcome to the Pareto frontier, Nash, KS and max-welfare points.

    Empty when there is no outcome (no agreement). Uses the same analysis as :func:`analyze`.
    """
    from accord.analysis.document import outcome_distances as _distances

    return _distances(_scenario(scenario), outcome_index, compile_scenario)


def negotiator_for(spec: str) -> Negotiator:
    """Build a negotiator from a name or a spec such as ``aspiration(e=2)`` (:mod:`accord.strategies.choice`)."""
    from accord.strategies.choice import negotiator_for as build

    return build(spec)


def resolve_negotiators(scenario: Scenario, names: Sequence[str] | None) -> list[str]:
    """One negotiator spec per party: given per party, one for all, or each party's default."""
    from accord.protocols.registry import resolve_negotiators as resolve

    return resolve(scenario, names)


def run(
    scenario: Scenario | str | Path,
    negotiators: Sequence[str] | Sequence[Negotiator] | None = None,
    *,
    parties: Sequence[str] | None = None,
    steps: int | None = None,
    seed: int = 0,
) -> Result:
    """Run one negotiation with seed ``seed``; ``steps`` overrides the deadline in rounds."""
    from accord.protocols.alternating import run_alternating

    sc = _scenario(scenario, parties)
    if steps is not None and steps < 1:
        raise InputError(None, "steps", "a positive number of rounds", steps)
    comp = compile_scenario(sc)
    comp.require_offers()
    if negotiators and not isinstance(negotiators[0], str):
        negs = list(negotiators)  # type: ignore[arg-type]
    else:
        negs = [negotiator_for(s) for s in resolve_negotiators(sc, negotiators)]  # type: ignore[arg-type]
    if sc.protocol.type != "alternating_offers":  # another protocol: accord.protocols.registry
        return run_batch([sc], negs, steps=steps, seed=seed)[0]  # type: ignore[arg-type]
    return run_alternating(comp, negs, deadline=steps, seed=seed)  # type: ignore[arg-type]


def run_many(
    scenario: Scenario | str | Path,
    negotiators: Sequence[str] | None = None,
    *,
    parties: Sequence[str] | None = None,
    steps: int | None = None,
    seed: int = 0,
    runs: int = 1,
) -> dict[str, Any]:
    """Run ``runs`` negotiations with seeds seed..seed+runs-1 (the contract of ``accord run --json``)."""
    sc = _scenario(scenario, parties)
    specs = resolve_negotiators(sc, negotiators)
    return summarize_runs(sc, specs, run_batch(sc, specs, steps=steps, seed=seed, runs=runs))


def run_batch(
    scenario: Scenario | Sequence[Scenario],
    specs: Sequence[str],
    *,
    steps: int | None = None,
    seed: int = 0,
    runs: int | None = None,
) -> list[Result]:
    """Run negotiations with seeds seed, seed+1, ...: ``runs`` of one scenario, or one per scenario.

    ``scenario`` is one scenario (run ``runs`` times, default 1) or a sequence of scenarios (negotiation k
    runs ``scenario[k]``, e.g. fresh preferences per negotiation; ``runs`` defaults to their number).
    ``specs`` are resolved per scenario as in :func:`run`. Each result is what :func:`run` returns with the
    same arguments and seed. When every negotiator is time-dependent (Boulware, linear, conceder,
    hardliner, ``time_based(...)``), the negotiations run together in :mod:`accord.protocols.batch`
    (vectorised over the batch; same results); their traces are replayed when first read.
    """
    from accord.protocols.batch import batchable, run_alternating_batch
    from accord.strategies.choice import negotiators_per_run

    scs = scenario_runs(scenario, runs)
    if steps is not None and steps < 1:
        raise InputError(None, "steps", "a positive number of rounds", steps)
    seeds = [seed + k for k in range(len(scs))]
    if any(sc.protocol.type != "alternating_offers" for sc in scs):  # accord.protocols.registry
        from accord.protocols.registry import run_protocol

        named = not specs or isinstance(specs[0], str)  # specs, or (from run) strategy objects
        parties = [resolve_negotiators(sc, specs) if named else specs for sc in scs]
        return run_protocol(scs, parties, seeds=seeds, deadline=steps, compile_fn=compile_scenario)
    negs = negotiators_per_run([resolve_negotiators(sc, specs) for sc in scs], batchable)
    for sc in {id(sc): sc for sc in scs if sc.has_constraints}.values():
        compile_scenario(sc).require_offers()  # only constraints can leave a party nothing (compiled anyway)
    return run_alternating_batch(scs, negs, deadline=steps, seeds=seeds, compile_fn=compile_scenario)


def summarize_runs(sc: Scenario, specs: Sequence[str], results: Sequence[Result]) -> dict[str, Any]:
    """Summary of a batch of runs as one JSON-able dict (:func:`accord.report.output.summarize_runs`)."""
    from accord.report.output import summarize_runs as _summary

    return _summary(sc, specs, results)


def trace_rows(scenario: Scenario, result: Result) -> list[dict[str, Any]]:
    """The trace of one run as rows (round, time, party, action, offer, outcome, utilities)."""
    return result.trace.rows(scenario.space)


def write_trace(scenario: Scenario, result: Result, path: str | Path) -> Path:
    """Write a run's trace as CSV (``.csv``) or JSON (``.json``): one row per action."""
    from accord.io.traces import write_trace_table

    doc = {"scenario": scenario.name, "parties": list(scenario.party_names), "result": result.summary()}
    doc["trace"] = trace_rows(scenario, result)
    keys = ("round", "time", "party", "action")
    return write_trace_table(path, doc, keys, scenario.space.names, scenario.party_names)


# ------------------------------------------------------------- staged talks, private facts, implementation
# (docs/models/tracks.md, beliefs.md, implementation.md; the engines are accord.protocols.tracks / .talks /
# .questions and accord.implementation)


def has_talks(path: str | Path) -> bool:
    """True if ``path`` is an accord YAML file declaring tracks, private facts, an implementation or variants."""
    p = Path(path)
    if p.is_dir() or p.suffix.lower() not in (".yaml", ".yml") or not p.exists():
        return False
    from accord.io.talks import has_talks as _has
    from accord.io.talks import read

    return _has(read(p)[0])


def load_talks(path: str | Path, variant: str | None = None) -> Any:
    """A scenario with its talks (a :class:`~accord.model.talks.TalksScenario`), optionally one of its variants."""
    from accord.io.talks import load_talks as _load

    return _load(path, variant)


def talks_variants(path: str | Path) -> dict[str, Any]:
    """Every declared variant of a scenario file, loaded (name -> TalksScenario)."""
    from accord.io.talks import load_talks as _load
    from accord.io.talks import read, variant_names

    return {v: _load(path, v) for v in variant_names(read(path)[0])}


def _talks(scenario: Any, variant: str | None = None) -> Any:
    from accord.model.talks import TalksScenario

    if isinstance(scenario, TalksScenario):
        return scenario if variant is None else load_talks(scenario.scenario.path or "", variant)
    return load_talks(scenario, variant)


def talks_batch(scenario: Any, *, variant: str | None = None, runs: int = 1, seed: int = 0) -> Any:
    """The runs of a scenario's talks and implementation (a :class:`accord.protocols.talks.Batch`)."""
    from accord.protocols.talks import run_batch as _batch

    return _batch(_talks(scenario, variant), runs, seed)


def talks_summary(batch: Any) -> dict[str, Any]:
    """The summary of a batch of staged talks (the fields of :func:`run_talks`)."""
    from accord.protocols.talks import summarize

    return summarize(batch)


def talks_trace_rows(batch: Any, run: int = 0) -> list[dict[str, Any]]:
    """One run's staged trace: one row per action, with its stage (what :func:`write_talks_trace` writes)."""
    from accord.protocols.talks import trace_rows as _rows

    return _rows(batch, run)


def run_talks(
    scenario: Any, *, variant: str | None = None, runs: int = 1, seed: int = 0, with_results: bool = True
) -> dict[str, Any]:
    """Run a scenario's staged talks and implementation ``runs`` times (seeds seed..seed+runs-1).

    The summary has the fields of :func:`summarize_runs` (``utilities`` nominal, ``realised_utilities`` after
    implementation; ``mean_utilities`` realised) plus ``stages``, ``ends``, ``beliefs_after_talks`` and
    ``implementation`` (threat reduction, cheating detected, completion; see docs/models/implementation.md).
    """
    from accord.protocols.talks import summarize

    b = talks_batch(scenario, variant=variant, runs=runs, seed=seed)
    return summarize(b, with_results=with_results)


def run_talks_with_variants(
    path: str | Path, *, runs: int = 1, seed: int = 0, draws: bool = False, base: Any = None
) -> dict[str, Any]:
    """What ``accord run SCENARIO --json`` prints for a scenario with talks: the base summary and ``variants``
    (name -> agreement_rate, mean_utilities, threat_reduction_mean, cheating_detected_rate, completed_rate).
    ``draws``: every uncertain number drawn per run (run k: seed + k, as ``accord backtest``); else nominal.
    ``base``: the base's batch if already played."""
    from accord.experiments.variants import run_with_variants

    return run_with_variants(path, runs=runs, seed=seed, draws=draws, base=base)


def implement(
    scenario: Any,
    *,
    variant: str | None = None,
    deal: str | dict[str, Any] | None = None,
    runs: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """Implementation of one agreement: simulated (``runs`` seeded runs), exact expectation, deterrent rates.

    ``deal`` (``"issue=value,..."`` or a mapping naming every issue) defaults to the talks' most frequent
    agreement. Decisions use each party's prior beliefs; the world is the scenario's truth (drawn per run
    when a fact has a probability, from the same stream as in ``accord run``: :mod:`accord.model.seeding`).
    """
    from accord.protocols.deals import implementation_report

    return implementation_report(_talks(scenario, variant), deal, runs, seed)


def questions(path: str | Path, *, runs: int = 100, seed: int = 0) -> dict[str, Any]:
    """The analyst's four questions answered from the model (accord.experiments.questions)."""
    from accord.experiments.questions import answer_all

    return answer_all(load_talks(path), talks_variants(path), runs, seed)


def backtest(
    directory: str | Path = "scenarios", *, runs: int = 100, seed: int = 0, draws: bool = True
) -> list[dict[str, Any]]:
    """Every scenario in ``directory`` (a folder, a file, or a list of them) with a recorded history: the model's
    probabilities of the three outcome categories, what happened, and whether the model's most likely outcome
    matches it (``accord backtest --json``; scores: :func:`accord.experiments.backtest.score_cases`).
    ``draws``: every uncertain number drawn per run, the talks included; False: all at nominal values."""
    from accord.experiments.backtest import backtest as _bt

    if runs < 1:
        raise InputError(None, "runs", "a positive number of runs", runs)
    return _bt(directory, runs, seed, draws=draws)


def inspection_game(
    beta: float, d: float, b: float, h: float, e: float, c: float, a: float, *, runs: int = 0, seed: int = 0
) -> dict[str, Any]:
    """The 2x2 inspection game in closed form (equilibrium, inspector leadership), optionally simulated."""
    from accord.implementation import inspection_game as ig

    return ig.game_report(ig.InspectionGame(beta, d, b, h, e, c, a), runs, seed)


def dresher(n: int, m: int, *, runs: int = 0, seed: int = 0) -> dict[str, Any]:
    """Dresher's recursive inspection game: closed form, recursion and equilibrium, optionally simulated."""
    from accord.implementation.inspection_game import dresher_report

    return dresher_report(n, m, runs, seed)


def write_talks_trace(batch: Any, path: str | Path, run: int = 0) -> Path:
    """Write one run's staged trace as CSV (``.csv``) or JSON (``.json``), one row per action with its stage."""
    from accord.io.traces import write_trace_table
    from accord.report.explain import explain_run

    talks = batch.talks
    rows = talks_trace_rows(batch, run)
    doc = {"scenario": talks.name, "seed": batch.seeds[run], "trace": rows}
    doc["why"] = explain_run(talks, batch.results[run])
    keys = ("stage", "round", "party", "action")
    return write_trace_table(path, doc, keys, talks.scenario.space.names, talks.party_names)


# ------------------------------------------------------------------------------------------------------
# Stakeholder forecasting (accord.forecast; docs/models/forecasting.md). Thin re-exports, imported on
# first call so `import accord.api` stays light. Tables are paths (CSV or YAML) or ActorTable objects.


def forecast(table: Any, models: Sequence[str] = ("all",), rounds: int | None = None,
             issue: str | None = None, settings: Any = None) -> dict[str, Any]:  # fmt: skip
    """Forecasts side by side: the JSON contract of ``accord forecast --json`` (see accord.forecast.api)."""
    from accord.forecast import api as F

    return F.forecast(table, models, rounds, issue, settings)


def forecast_distribution(table: Any, models: Sequence[str] = ("all",), runs: int = 200, seed: int = 0,
                          settings: Any = None) -> tuple[Any, dict[str, Any]]:  # fmt: skip
    """Monte Carlo over a table's uncertain inputs: the result object and a summary per issue and model."""
    from accord.forecast import api as F

    return F.forecast_distribution(table, models, runs, seed, settings)


def forecast_sensitivity(table: Any, model: str = "mean", issue: str | None = None,
                         settings: Any = None) -> dict[str, Any]:  # fmt: skip
    """One-at-a-time sensitivity of one model's forecast to every actor's inputs."""
    from accord.forecast import api as F

    return F.forecast_sensitivity(table, model, issue, settings)


def forecast_relations(table: Any, round_: int = 1, issue: str | None = None,
                       settings: Any = None) -> list[dict[str, Any]]:  # fmt: skip
    """The expected-utility model's bilateral relations in one round, as each actor perceives them."""
    from accord.forecast import api as F

    return F.forecast_relations(table, round_, issue, settings)


def forecast_bound(table: Any, model: str = "median", *, mapping: Any, issue: str | None = None) -> float:
    """A forecast mapped to a utility through declared points (a two-level game's win-set bound)."""
    from accord.forecast import api as F

    return F.forecast_bound(table, model, mapping=mapping, issue=issue)


def forecast_report(path: str | Path, table: Any, **kwargs: Any) -> Path:
    """Write the self-contained HTML report of a forecast (``accord forecast --report``)."""
    from accord.report.forecast import write_report

    return write_report(path, table, **kwargs)


def scenario_forecast_links(path: str | Path) -> list[dict[str, Any]]:
    """The stakeholder forecasts a scenario file uses, resolved: ``{field, table, model, issue, forecast, value}``."""
    from accord.io.forecast_links import scenario_links

    return scenario_links(path)
