"""The worker side of experiments: the row of one job, computed anywhere from the job alone.

A job names its scenario source, variant, fixed values, strategies and seed. The worker draws the run's
uncertain numbers from the seed (:mod:`accord.experiments.params`), builds the scenario (patched from the
nominal one where possible, :mod:`accord.experiments.fastbuild`), negotiates, and measures the result
(:mod:`accord.experiments.metrics`). Scenarios with equal draws are built once per process (a bounded
cache), so many runs of one scenario share the compiled arrays.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from accord.errors import InputError
from accord.experiments import params as P
from accord.experiments.jobs import ChunkTask, Job, Source, canonical, to_arrow
from accord.io import load
from accord.protocols.alternating import run_alternating
from accord.protocols.registry import resolve_negotiators, run_protocol
from accord.strategies.choice import negotiator_for

__all__ = ["Prepared", "variant_doc", "prepare", "negotiate", "run_job", "run_chunk", "run_chunk_table"]


_DOCS: dict[tuple[str, str], tuple[dict[str, Any], list[P.Uncertain], dict[str, P.Path]]] = {}
_BUILT: dict[tuple, Any] = {}
_BUILT_MAX = 256


@dataclass
class Prepared:
    """A built scenario with its compiled arrays and (lazily) its analysis, shared by runs with equal draws."""

    scenario: Any
    compiled: Any
    talks: Any = None  # a TalksScenario when the scenario has tracks, private facts or an implementation
    _analysis: Any = None
    uses: int = 0

    def use(self) -> None:
        """Count a run; from the second run on, share each party's sorted outcomes (sorted once here)."""
        self.uses += 1
        if self.uses == 2 and self.talks is None:
            for i in range(self.compiled.n_parties):
                self.compiled.order(i)

    @property
    def analysis(self) -> Any:
        if self._analysis is None:
            from accord.analysis.solutions import analyze

            self._analysis = analyze(self.compiled)
        return self._analysis


def variant_doc(src: Source, variant: str) -> tuple[dict[str, Any], list[P.Uncertain], dict[str, P.Path]]:
    """The document of a variant, its uncertain numbers, and a path for every parameter name (cached)."""
    key = (src.sha256, variant)
    hit = _DOCS.get(key)
    if hit is None:
        assert src.doc is not None
        doc = P.apply_variant(src.doc, variant, src.path)
        unc = P.find_uncertain(doc, src.path)
        hit = (doc, unc, {u.name: u.path for u in unc})
        _DOCS[key] = hit
    return hit


_PATCHERS: dict[tuple[str, str], Any] = {}
_TALKS_KEYS = ("tracks", "private", "implementation")


def has_talks(doc: dict[str, Any]) -> bool:
    """The document has talks blocks (tracks, private facts or an implementation)."""
    return any(doc.get(k) is not None for k in _TALKS_KEYS)


def from_document(doc: dict[str, Any], path: str) -> Any:
    """The scenario of a plain document: a TalksScenario if it has talks blocks, else a Scenario."""
    if has_talks(doc):
        from accord.io.talks import talks_from_document

        return talks_from_document(doc, path)
    from accord.io.yaml_scenario import scenario_from_dict

    return scenario_from_dict(doc, path)


def _base(sc: Any) -> Any:
    return getattr(sc, "scenario", sc)


def _patcher(src: Source, variant: str) -> Any:
    """The patcher of a variant (:mod:`accord.experiments.fastbuild`), built from its nominal scenario."""
    key = (src.sha256, variant)
    if key not in _PATCHERS:
        from accord.experiments.fastbuild import Patcher

        doc, unc, _ = variant_doc(src, variant)
        _PATCHERS[key] = Patcher(doc, from_document(P.nominal_document(doc, unc), src.path))
    return _PATCHERS[key]


def _build(
    src: Source,
    variant: str,
    values: dict[P.Path, object],
    drawn: dict[str, object],
    seed: int,
    document: bool = True,
) -> Any:
    """The scenario for drawn values: patched from the nominal one where possible, else built in full.

    A set of paths is patched only after one patch of it was checked equal, field by field, to the full
    build (:meth:`Patcher.verify`). ``document=False`` leaves the nominal document on a talks scenario (the
    engines and metrics never read it; the Hanoi questions do).
    """
    doc = variant_doc(src, variant)[0]
    patcher = _patcher(src, variant)
    paths = list(values)
    try:
        if patcher.can(paths):
            sc = patcher.scenario(values, document=document)
            if sc is not None:
                sig = frozenset(paths)
                if sig in patcher.checked:
                    return sc
                full = from_document(P.set_paths(doc, values), src.path)
                if patcher.verify(values, full):
                    patcher.checked.add(sig)
                return full
        return from_document(P.set_paths(doc, values), src.path)
    except InputError as exc:
        shown = ", ".join(f"{k}={v!r}" for k, v in drawn.items())
        raise InputError(
            exc.file, exc.field, f"{exc.expected} (run with seed {seed}; values drawn: {shown})", exc.got
        ) from None


def job_overrides(src: Source, job: Job) -> dict[P.Path, object]:
    """The values a job sets (sweeps, sensitivity points), by path in its variant's document."""
    doc, _, paths = variant_doc(src, job.variant)
    out: dict[P.Path, object] = {}
    for name, value in job.overrides:
        path = paths.get(name)
        out[path if path is not None else P.resolve_path(doc, name, src.path)] = value
    return out


def prepare(src: Source, job: Job) -> tuple[Prepared, dict[str, object]]:
    """The scenario of one job (its uncertain numbers drawn from its seed) and the values drawn or set."""
    if src.doc is None:
        key: tuple = (src.sha256, src.parties)
        hit = _BUILT.get(key)
        if hit is None:
            sc = load(src.path, src.parties)
            hit = Prepared(sc, sc.compile())
            _BUILT[key] = hit
        return hit, {}
    doc, unc, _ = variant_doc(src, job.variant)
    values, drawn = P.sample_values(doc, unc, job.seed, job_overrides(src, job))
    key = (src.sha256, job.variant, canonical(drawn))
    hit = _BUILT.get(key)
    if hit is None:
        sc = _build(src, job.variant, values, drawn, job.seed)
        base = _base(sc)
        hit = Prepared(base, base.compile(), None if base is sc else sc)
        if len(_BUILT) >= _BUILT_MAX:
            _BUILT.pop(next(iter(_BUILT)))
        _BUILT[key] = hit
    return hit, drawn


def negotiate(prep: Prepared, specs: Sequence[str], seed: int, deadline: int | None = None) -> Any:
    """One negotiation of a prepared scenario between the named strategies, with seed ``seed``."""
    if prep.scenario.protocol.type != "alternating_offers":  # another protocol: accord.protocols.registry
        return run_protocol(
            [prep.scenario], [specs], seeds=[seed], deadline=deadline, compile_fn=lambda _: prep.compiled
        )[0]
    return run_alternating(prep.compiled, [negotiator_for(s) for s in specs], deadline=deadline, seed=seed)


def run_job(
    src: Source, job: Job, issue_columns: bool = False, deadline: int | None = None
) -> dict[str, Any]:
    """The results row of one job (``deadline``: rounds overriding the scenario's)."""
    from accord.experiments.metrics import run_metrics

    prep, drawn = prepare(src, job)
    prep.use()
    sc = prep.scenario
    specs = list(job.negotiators) if job.negotiators else resolve_negotiators(sc, None)
    if job.negotiators and len(specs) == 1:
        specs = specs * len(sc.parties)
    result = negotiate(prep, specs, job.seed, deadline)
    row = _head(src, job, drawn, specs)
    row.update(run_metrics(prep.compiled, prep.analysis, result))
    if issue_columns:
        for iss in sc.space.issues:
            row[f"issue.{iss.name}"] = None if result.outcome is None else str(result.outcome[iss.name])
    return row


def _head(src: Source, job: Job, drawn: dict[str, object], names: Sequence[str]) -> dict[str, Any]:
    row: dict[str, Any] = {"run": job.run, "scenario": src.label, "variant": job.variant, "seed": job.seed}
    row.update(dict(job.labels))
    for i, s in enumerate(names):
        row[f"negotiator_{i}"] = s
    row.update({f"param.{k}": v for k, v in drawn.items()})
    return row


def talks_rows(
    src: Source, group: Sequence[tuple[Job, dict[str, object]]], prep: Prepared, issue_columns: bool
) -> list[dict[str, Any]]:
    """Rows of consecutive seeds of one talks scenario, run as one batch (:func:`accord.protocols.talks.run_batch`).

    A batch of seeds s..s+k-1 gives each run exactly what a batch of that one seed gives (every run draws
    from its own seed), so grouping only saves time.
    """
    from accord.experiments.metrics import talks_metrics
    from accord.protocols.talks import run_batch

    ts = prep.talks
    if group[0][0].negotiators:
        raise InputError(src.path, "tracks", "strategies set per stage in the file (not --negotiators)")
    batch = run_batch(ts, len(group), group[0][0].seed)
    stage = ts.stages[-1] if ts.stages else None
    names = [
        (stage.strategies.get(n) if stage else None) or (stage.roles.get(n) if stage else None) or "leader"
        for n in ts.party_names
    ]
    rows = []
    metrics = talks_metrics(batch, compiled=prep.compiled, analysis=prep.analysis)
    for k, (job, drawn) in enumerate(group):
        row = _head(src, job, drawn, names)
        row.update(metrics[k])
        if issue_columns:
            idx = batch.results[k].outcome_index
            out = None if idx is None else ts.scenario.space.outcome(int(idx))
            for iss in ts.scenario.space.issues:
                row[f"issue.{iss.name}"] = None if out is None else str(out[iss.name])
        rows.append(row)
    return rows


def _specs(prep: Prepared, job: Job) -> list[str]:

    specs = list(job.negotiators) if job.negotiators else resolve_negotiators(prep.scenario, None)
    if job.negotiators and len(specs) == 1:
        specs = specs * len(prep.scenario.parties)
    return specs


def plain_rows(
    task: ChunkTask, group: Sequence[tuple[Job, Prepared, dict[str, object]]]
) -> list[dict[str, Any]]:
    """Rows of consecutive plain (alternating-offers) jobs, negotiated together.

    :func:`accord.protocols.batch.run_alternating_batch` computes the negotiations between time-dependent
    strategies as arrays and plays the others one by one with :func:`run_alternating`; each result equals
    that of :func:`negotiate` for the job (same compiled scenario, strategies, seed and deadline). A timed
    task (``task.timed``) plays them one at a time instead and adds ``wall_seconds``: the wall-clock time
    of building the strategies and negotiating (the compiled scenario is shared, its build not counted).
    """
    from accord.experiments.metrics import run_metrics
    from accord.protocols.batch import run_alternating_batch

    by_id: dict[int, Prepared] = {}
    scs, negs, seeds, specs_all = [], [], [], []
    for job, prep, _ in group:
        prep.use()
        specs = _specs(prep, job)
        by_id[id(prep.scenario)] = prep
        scs.append(prep.scenario)
        if not task.timed:
            negs.append([negotiator_for(s) for s in specs])
        seeds.append(job.seed)
        specs_all.append(specs)
    compile_fn = lambda sc: by_id[id(sc)].compiled  # noqa: E731
    seconds: list[float | None] = [None] * len(scs)
    if any(sc.protocol.type != "alternating_offers" for sc in scs):  # accord.protocols.registry
        results = run_protocol(scs, specs_all, seeds=seeds, deadline=task.deadline, compile_fn=compile_fn)
    elif task.timed:
        results = []
        for k, (sc, spec) in enumerate(zip(scs, specs_all, strict=True)):
            t0 = time.perf_counter()
            neg = [negotiator_for(s) for s in spec]
            results += run_alternating_batch(
                [sc], [neg], deadline=task.deadline, seeds=seeds[k : k + 1], compile_fn=compile_fn
            )
            seconds[k] = time.perf_counter() - t0
    else:
        results = run_alternating_batch(scs, negs, deadline=task.deadline, seeds=seeds, compile_fn=compile_fn)
    rows = []
    for (job, prep, drawn), specs, result, sec in zip(group, specs_all, results, seconds, strict=True):
        src = task.sources[job.source]
        row = _head(src, job, drawn, specs)
        row.update(run_metrics(prep.compiled, prep.analysis, result))
        if sec is not None:
            row["wall_seconds"] = sec
        if task.issue_columns:
            for iss in prep.scenario.space.issues:
                row[f"issue.{iss.name}"] = None if result.outcome is None else str(result.outcome[iss.name])
        rows.append(row)
    return rows


def _is_talks(src: Source, variant: str) -> bool:
    return src.doc is not None and has_talks(variant_doc(src, variant)[0])


def draw_scenario(src: Source, job: Job) -> tuple[Any, dict[str, object]]:
    """The scenario object of one job (a TalksScenario for talks documents) and the values drawn, uncompiled."""
    doc, unc, _ = variant_doc(src, job.variant)
    values, drawn = P.sample_values(doc, unc, job.seed, job_overrides(src, job))
    return _build(src, job.variant, values, drawn, job.seed, document=False), drawn


def draw_scenarios(task: ChunkTask, jobs: Sequence[Job]) -> list[tuple[Job, Any, dict[str, object]]]:
    """:func:`draw_scenario` for many jobs: every job's values drawn at once per source and variant
    (:func:`accord.experiments.params.sample_values_many`, equal to drawing them seed by seed)."""
    by: dict[tuple[int, str], list[int]] = {}
    for k, job in enumerate(jobs):
        by.setdefault((job.source, job.variant), []).append(k)
    built: list[Any] = [None] * len(jobs)
    for (si, variant), ks in by.items():
        src = task.sources[si]
        doc, unc, _ = variant_doc(src, variant)
        same: dict[tuple, dict[P.Path, object]] = {}  # one dict per distinct override set
        ovs = []
        for k in ks:
            key = jobs[k].overrides
            if key not in same:
                same[key] = job_overrides(src, jobs[k])
            ovs.append(same[key])
        draws = P.sample_values_many(doc, unc, [jobs[k].seed for k in ks], ovs)
        for k, (values, drawn) in zip(ks, draws, strict=True):
            job = jobs[k]
            built[k] = (job, _build(src, variant, values, drawn, job.seed, document=False), drawn)
    return built


def lockstep_rows(
    task: ChunkTask, group: Sequence[tuple[Job, Any, dict[str, object]]]
) -> list[dict[str, Any]]:
    """Rows of talks jobs of one structure run in lockstep (:func:`accord.protocols.talks.run_lockstep_batch`).

    Each row equals the one :func:`talks_rows` gives for its job alone (tests/experiments/test_lockstep_rows.py).
    """
    from accord.experiments.metrics import outcome_cell, talks_metrics
    from accord.model.batch import compile_worlds_many
    from accord.protocols.talks import run_lockstep_batch

    jobs = [g[0] for g in group]
    tss = [g[1] for g in group]
    worlds = compile_worlds_many([t.scenario for t in tss], [t.private for t in tss])
    batch = run_lockstep_batch(tss, [j.seed for j in jobs], worlds=worlds)
    ts0 = tss[0]
    stage = ts0.stages[-1]
    names = [stage.strategies.get(n) or stage.roles.get(n) or "leader" for n in ts0.party_names]
    points = _points(tss, batch, worlds)
    rows = []
    cache: dict[int, tuple[dict[str, object], str]] = {}
    space = ts0.scenario.space
    issue_names = [iss.name for iss in space.issues]
    metrics = talks_metrics(batch, points, outcomes=cache)
    for k, (job, _, drawn) in enumerate(group):
        src = task.sources[job.source]
        row = _head(src, job, drawn, names)
        row.update(metrics[k])
        if task.issue_columns:
            idx = batch.results[k].outcome_index
            out = None if idx is None else outcome_cell(space, int(idx), cache)[0]
            for name in issue_names:
                row[f"issue.{name}"] = None if out is None else str(out[name])
        rows.append(row)
    return rows


def _points(tss: Sequence[Any], batch: Any, worlds: tuple[Any, Any, Any]) -> list[dict[str, Any]]:
    """Welfare, Nash product and distances of every run's point, on each run's base scenario (as
    :func:`accord.experiments.metrics._point_metrics` gives them run by run).

    The base scenario's arrays are world 0 of ``worlds`` (every fact false) when no party's preferences set
    a flag themselves: ``Scenario.compile`` evaluates absent flags as false (tests/model/test_batch.py).
    """
    from accord.experiments.metrics import point_metrics_many

    if any(any(p.preferences.flags.values()) for ts in tss for p in ts.scenario.parties):
        from accord.model.batch import compile_many

        U, A, res = compile_many([ts.scenario for ts in tss])
    else:
        U, A, res = worlds[0][:, :, 0], worlds[1][:, :, 0], worlds[2]
    return point_metrics_many(U, A, res, batch.nominal, batch.agreed)


def _talks_chunk(task: ChunkTask, jobs: Sequence[Job]) -> list[dict[str, Any]]:
    """Rows of consecutive talks jobs: runs of a structure the lockstep engine plays go together, others
    run by run; rows come back in job order."""
    from accord.protocols.lockstep import structure_key, supported

    built = draw_scenarios(task, jobs)
    groups: dict[Any, list[int]] = {}
    for k, (_, ts, _) in enumerate(built):
        groups.setdefault(structure_key(ts), []).append(k)
    for key in list(groups):
        if not supported(built[groups[key][0]][1]):
            for k in groups.pop(key):
                groups[("single", k)] = [k]
    out: list[dict[str, Any] | None] = [None] * len(jobs)
    for key, idx in groups.items():
        if key[0] == "single":
            job = built[idx[0]][0]
            src = task.sources[job.source]
            prep, drawn = prepare(src, job)
            prep.use()
            got = talks_rows(src, [(job, drawn)], prep, task.issue_columns)
        else:
            got = lockstep_rows(task, [built[k] for k in idx])
        for k, row in zip(idx, got, strict=True):
            out[k] = row
    return [r for r in out if r is not None]


def run_chunk(task: ChunkTask) -> list[dict[str, Any]]:
    """Worker entry point: the rows of one chunk, in job order."""
    jobs = task.jobs
    rows: list[dict[str, Any]] = []
    i = 0
    while i < len(jobs):
        job = jobs[i]
        src = task.sources[job.source]
        if not job.negotiators and _is_talks(src, job.variant):
            j = i + 1
            while (
                j < len(jobs)
                and jobs[j].source == job.source
                and jobs[j].variant == job.variant
                and not jobs[j].negotiators
            ):
                j += 1
            rows.extend(_talks_chunk(task, jobs[i:j]))
            i = j
            continue
        prep, drawn = prepare(src, job)
        if prep.talks is None:
            plain = [(job, prep, drawn)]
            j = i + 1
            while j < len(jobs):
                nxt, d = prepare(task.sources[jobs[j].source], jobs[j])
                if nxt.talks is not None:
                    break
                plain.append((jobs[j], nxt, d))
                j += 1
            rows.extend(plain_rows(task, plain))
            i = j
            continue
        group = [(job, drawn)]
        j = i + 1
        while j < len(jobs) and jobs[j].source == job.source and jobs[j].seed == jobs[j - 1].seed + 1:
            nxt, d = prepare(src, jobs[j])
            if nxt is not prep or jobs[j].negotiators != job.negotiators:
                break
            group.append((jobs[j], d))
            j += 1
        rows.extend(talks_rows(src, group, prep, task.issue_columns))
        i = j
    return rows


def run_chunk_table(task: ChunkTask) -> Any:
    """Worker entry point of the runner: the rows of one chunk as an Arrow table (converted where they were
    computed, so a worker process sends Arrow buffers back instead of pickled dicts)."""
    return to_arrow(run_chunk(task))
