"""The backtest's runs with every uncertain number drawn per run, the talks included.

Run k of a case uses seed ``seed + k`` for everything: the scenario's uncertain numbers are drawn from it as
``accord montecarlo`` draws them (:func:`accord.experiments.params.sample_values_many`; a weight, a score, a
walk-away offset, a stage's rounds or breakdown risk, a belief, an inspection rate, ...), the run's scenario is
built from those numbers (patched from the nominal one where the patch is exact,
:mod:`accord.experiments.fastbuild`), and the talks, the implementation and the after-signature rules are run on
it with the same seed (:mod:`accord.model.seeding`). Runs that share a structure are played in lockstep
(:func:`accord.protocols.talks.run_lockstep_batch`, which gives each run what the run-by-run engine gives it);
the others run by run. So the model's probability of a category is the share of runs in it with the
uncertainty of the inputs carried through the talks, not one nominal talks run copied across runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from accord.model.talks import TalksScenario

__all__ = ["DrawnRuns", "drawn_batch", "drawn_runs", "merged_batch"]


@dataclass
class DrawnRuns:
    """The runs' scenarios (run k: seed + k) and their batches: ``groups`` holds, per group of runs played
    together, the run indices, the :class:`~accord.protocols.talks.Batch` (rows in that order) and the runs'
    walk-away values (R_g, P) or (1, P)."""

    scenarios: list[TalksScenario]
    seeds: list[int]
    groups: list[tuple[list[int], Any, np.ndarray]] = field(default_factory=list)


def _scenarios(path: str | Path, runs: int, seed: int, variant: str = "base") -> list[TalksScenario]:
    """Run k's scenario (seed + k) of ``variant`` with its uncertain numbers drawn, as a talks scenario."""
    from accord.experiments import params as P
    from accord.experiments.jobs import ChunkTask, Job, Source, source_from
    from accord.experiments.worker import draw_scenarios, variant_doc
    from accord.io.prepare import _has_forecast
    from accord.io.talks import talks_from_document

    src = source_from(path)
    if src.doc is not None and _has_forecast(
        src.doc
    ):  # stakeholder forecasts: computed once, at the table's values
        import json

        from accord.forecast.link import resolve_document

        doc, _links = resolve_document(src.doc, src.path)
        src = Source(src.label, src.path, src.sha256, json.loads(json.dumps(doc)), src.parties)
    jobs = [Job(k, 0, seed + k, variant=variant) for k in range(runs)]
    task = ChunkTask("backtest", 0, {0: src}, tuple(jobs))
    out: list[TalksScenario] = []
    doc = None
    for job, sc, _drawn in draw_scenarios(task, jobs):
        if not hasattr(sc, "stages"):  # a plain scenario: its protocol as one leaders' stage
            if doc is None:
                doc, unc, _ = variant_doc(src, variant)
            values, _ = P.sample_values(doc, unc, job.seed)
            sc = talks_from_document(P.set_paths(doc, values), src.path)
        out.append(sc)
    return out


def drawn_runs(path: str | Path, runs: int, seed: int, variant: str = "base") -> DrawnRuns:
    """The ``runs`` runs of the case in ``path`` (run k: seed + k; one of its ``variant``s), every uncertain
    number drawn per run, played in lockstep where their structure allows (else run by run)."""
    from accord.protocols.lockstep import structure_key, supported
    from accord.protocols.talks import compiled, run_batch, run_lockstep_batch

    tss = _scenarios(path, runs, seed, variant)
    seeds = [seed + k for k in range(runs)]
    by: dict[Any, list[int]] = {}
    for k, ts in enumerate(tss):
        key = structure_key(ts) if supported(ts) else ("single", k)
        by.setdefault(key, []).append(k)
    out = DrawnRuns(tss, seeds)
    for key, idx in by.items():
        if key[0] == "single":
            b = run_batch(tss[idx[0]], 1, seeds[idx[0]])
            out.groups.append((idx, b, compiled(tss[idx[0]]).worlds.reservations[None, :]))
        else:
            b = run_lockstep_batch([tss[k] for k in idx], [seeds[k] for k in idx])
            out.groups.append((idx, b, b.reservations))
    return out


def merged_batch(d: DrawnRuns, talks: TalksScenario | None = None) -> Any:
    """The groups of ``d`` as one :class:`~accord.protocols.talks.Batch`, rows in run order (run k: seed +
    k), with each run's walk-away values in ``reservations``. ``talks``: the scenario the batch names
    (default: run 0's), whose parties, stages and outcome space every run shares."""
    from accord.implementation.steps import Outcome
    from accord.protocols.talks import Batch

    R = len(d.scenarios)
    results: list[Any] = [None] * R
    P = len(d.scenarios[0].party_names)
    nominal, realised, res = np.zeros((R, P)), np.zeros((R, P)), np.zeros((R, P))
    agreed = np.zeros(R, dtype=bool)
    impl_rows: list[tuple[int, Any, int]] = []  # (run, group's outcome, its row)
    for idx, b, reservations in d.groups:
        for j, k in enumerate(idx):
            results[k] = b.results[j]
        nominal[idx], realised[idx], agreed[idx] = b.nominal, b.realised, b.agreed
        res[idx] = reservations if reservations.shape[0] == len(idx) else np.tile(reservations, (len(idx), 1))
        if b.impl is not None:
            rows = np.flatnonzero(b.agreed)
            impl_rows += [(idx[int(r)], b.impl, m) for m, r in enumerate(rows)]
    impl = None
    if impl_rows:
        impl_rows.sort(key=lambda t: t[0])
        fields = [f for f in Outcome.__dataclass_fields__ if f != "beliefs"]
        cols = {f: np.stack([getattr(o, f)[m] for _, o, m in impl_rows]) for f in fields}
        with_beliefs = all(o.beliefs is not None for _, o, _ in impl_rows)
        bel = np.stack([o.beliefs[m] for _, o, m in impl_rows]) if with_beliefs else None
        impl = Outcome(**cols, beliefs=bel)
    ts = talks if talks is not None else d.scenarios[0]
    engine = "lockstep" if all(b.engine == "lockstep" for _, b, _ in d.groups) else "run_by_run"
    return Batch(ts, list(d.seeds), results, nominal, realised, impl, agreed, res, engine=engine)


def drawn_batch(path: str | Path, runs: int, seed: int, variant: str = "base") -> Any:
    """The ``runs`` runs of ``variant`` of the case in ``path`` with every uncertain number drawn per run
    (:func:`drawn_runs`), as one batch named by the variant at its nominal values (what ``accord run --runs
    N`` summarises)."""
    from accord.io.talks import load_talks

    named = load_talks(path, None if variant == "base" else variant)
    return merged_batch(drawn_runs(path, runs, seed, variant), named)
