"""Building experiment plans (Monte Carlo, sweep, tournament) and laying their rows out as jobs.

A plan's spec is checked when it is built, before any run: the scenarios load, the distributions are
possible, the swept paths exist and give valid scenarios at both ends of their ranges, the strategies
exist and fit the number of parties. What is left for the runs to discover is only what a draw can break
(e.g. an untruncated normal drawing a negative weight), and that error names the run's seed and draws.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.errors import InputError
from accord.experiments import params as P
from accord.experiments.jobs import (
    KINDS,
    SPEC_VERSION,
    ChunkTask,
    Job,
    Source,
    canonical,
    job_grid,
    source_from,
)
from accord.experiments.worker import variant_doc
from accord.io import load
from accord.strategies.choice import negotiator_for

__all__ = ["plan_montecarlo", "plan_sweep", "plan_tournament", "layout", "default_chunk_size"]


@dataclass(frozen=True)
class Layout:
    """Rows of one table of a plan and the job of each row."""

    rows: int
    job: Callable[[int], Job]
    extra: dict[str, Any] | None = None


def default_chunk_size(rows: int) -> int:
    """Rows per chunk: about 64 chunks, between 10 and 500 rows each (fixed by the plan, not the executor)."""
    return int(min(500, max(10, math.ceil(rows / 64))))


def _check_negotiators(specs: Sequence[str]) -> list[str]:

    out = [s.strip() for s in specs if s and s.strip()]
    for s in out:
        negotiator_for(s)  # unknown names raise InputError with suggestions
    return out


def _nominal_scenario(
    src: Source, variant: str = "base", overrides: dict[P.Path, object] | None = None
) -> Any:
    if src.doc is None:
        return load(src.path, src.parties)
    from accord.io.yaml_scenario import scenario_from_dict

    doc, unc, _ = variant_doc(src, variant)
    nominal = P.nominal_document(doc, unc)
    sc = scenario_from_dict(P.set_paths(nominal, overrides or {}), src.path)
    return sc.select(list(src.parties)) if src.parties else sc


def _fit(negotiators: list[str] | None, n_parties: int, names: Sequence[str]) -> None:
    if negotiators and len(negotiators) not in (1, n_parties):
        raise InputError(
            None,
            "--negotiators",
            f"one strategy for all parties or one per party ({n_parties}: {', '.join(names)})",
            ",".join(negotiators),
        )


def _spec(kind: str, sources: list[Source], seed: int, **fields: Any) -> dict[str, Any]:
    return {
        "spec_version": SPEC_VERSION,
        "kind": kind,
        "seed": int(seed),
        "sources": [s.to_json() for s in sources],
        **fields,
    }


#: Most rows (negotiations) one plan may hold; larger studies are split into several run directories.
MAX_PLAN_ROWS = 100_000_000


def _check_runs(runs: int, name: str = "--runs") -> None:
    if runs < 1:
        raise InputError(None, name, "a positive number", runs)
    if runs > MAX_PLAN_ROWS:
        raise InputError(None, name, f"at most {MAX_PLAN_ROWS:,}", runs)


def _check_rows(rows: int, what: str) -> None:
    """A plan's size is checked before anything is allocated for it."""
    if rows > MAX_PLAN_ROWS:
        raise InputError(None, what, f"a plan of at most {MAX_PLAN_ROWS:,} negotiations", f"{rows:,}")


def plan_montecarlo(
    scenario: str | Path,
    runs: int,
    *,
    seed: int = 0,
    negotiators: Sequence[str] | None = None,
    variants: Sequence[str] | None = None,
    sensitivity: int | None = None,
    oat_runs: int | None = None,
    quantiles: tuple[float, float] = (0.1, 0.9),
    chunk_size: int | None = None,
) -> Plan:
    """``runs`` negotiations per variant with seeds ``seed .. seed + runs - 1``; uncertain numbers drawn per run.

    ``sensitivity`` = N adds a Sobol study (N base samples, a power of two) and a one-at-a-time tornado
    (``oat_runs`` seeds per point, default N) over the scenario's uncertain numbers.
    """
    _check_runs(runs)
    src = source_from(scenario)
    if src.doc is None:
        raise InputError(
            str(scenario), None, "an accord YAML scenario (Monte Carlo draws its uncertain numbers)"
        )
    negs = _check_negotiators(negotiators) if negotiators else None
    names = P.variants_of(src.doc)
    chosen = list(variants) if variants else ["base"]
    if chosen == ["all"]:
        chosen = names
    for v in chosen:
        sc = _nominal_scenario(src, v)
        _fit(negs, len(sc.parties), sc.party_names)
    sens = None
    if sensitivity is not None:
        unc = variant_doc(src, "base")[1]
        if not unc:
            raise InputError(src.path, None, "uncertain numbers (distributions) to study the sensitivity to")
        from accord.experiments.sensitivity import unit_design

        unit_design(len(unc), int(sensitivity), seed)  # checks N
        k = int(oat_runs if oat_runs is not None else sensitivity)
        _check_runs(k, "--oat-runs")
        sens = {"samples": int(sensitivity), "oat_runs": k, "quantiles": [float(q) for q in quantiles]}
    rows = runs * len(chosen)
    _check_rows(rows, "--runs")
    spec = _spec(
        "montecarlo",
        [src],
        seed,
        runs=int(runs),
        negotiators=negs,
        variants=chosen,
        sensitivity=sens,
        chunk_size=int(chunk_size or default_chunk_size(rows)),
    )
    return Plan(spec)


def plan_sweep(
    scenario: str | Path,
    sweeps: Sequence[str] | Sequence[tuple[str, Sequence[object]]],
    *,
    runs: int = 1,
    seed: int = 0,
    negotiators: Sequence[str] | None = None,
    chunk_size: int | None = None,
) -> Plan:
    """A grid over one or more parameters (``PATH=LO:HI:STEPS`` or ``PATH=V1,V2``), ``runs`` seeds per point."""
    _check_runs(runs)
    if not sweeps:
        raise InputError(None, "--param", "at least one PATH=LO:HI:STEPS to sweep")
    src = source_from(scenario)
    if src.doc is None:
        raise InputError(
            str(scenario), None, "an accord YAML scenario (a sweep sets numbers in its document)"
        )
    negs = _check_negotiators(negotiators) if negotiators else None

    doc, _unc, _ = variant_doc(src, "base")
    grid: list[list[Any]] = []
    for sw in sweeps:
        name, values = P.parse_sweep(sw) if isinstance(sw, str) else (sw[0], list(sw[1]))
        path = P.resolve_path(doc, name, src.path)
        canonical = P.dotted_name(doc, path)
        if any(g[0] == canonical for g in grid):
            raise InputError(None, "--param", "each parameter swept once", name)
        for v in (values[0], values[-1]):
            sc = _nominal_scenario(src, "base", {path: v})
        grid.append([canonical, list(values)])
    _fit(negs, len(sc.parties), sc.party_names)
    points = math.prod(len(g[1]) for g in grid)
    rows = points * runs
    _check_rows(rows, "--param")
    spec = _spec(
        "sweep",
        [src],
        seed,
        runs=int(runs),
        negotiators=negs,
        params=grid,
        chunk_size=int(chunk_size or default_chunk_size(rows)),
    )
    return Plan(spec)


#: How a tournament ranks strategies: "utility" (mean utility, the reservation value without a deal) or
#: "anac" (mean discounted utility u * d^t at the time t of the agreement, the reservation value
#: discounted at the time the talks ended without one; both roles count). "auto": "anac" when some party
#: of some scenario discounts (d < 1), else "utility".
SCORING = ("auto", "anac", "utility")


def tournament_scoring(scoring: str, scenarios: Sequence[Any]) -> str:
    """The scoring a tournament uses ("anac" or "utility"); see :data:`SCORING`."""
    if scoring not in SCORING:
        raise InputError(None, "--scoring", f"one of {', '.join(SCORING)}", scoring)
    if scoring != "auto":
        return scoring
    discounts = any(p.preferences.discount < 1.0 for sc in scenarios for p in sc.parties)
    return "anac" if discounts else "utility"


def plan_tournament(
    paths: Sequence[str | Path],
    negotiators: Sequence[str],
    *,
    repetitions: int = 1,
    seed: int = 0,
    chunk_size: int | None = None,
    steps: int | None = None,
    scoring: str = "auto",
    timing: bool = False,
) -> Plan:
    """Every ordered assignment of the strategies to the parties (every ordered pair for two parties, self-play
    included) on every scenario, ``repetitions`` times with seeds ``seed .. seed + repetitions - 1``.

    ``steps`` sets the deadline in rounds of every negotiation (default: each scenario's own); ``scoring``
    how strategies are ranked (:data:`SCORING`; ANAC's scoring by default when the scenarios discount);
    ``timing`` adds each negotiation's wall-clock seconds to the results (``wall_seconds``).
    """
    _check_runs(repetitions, "--repetitions")
    if steps is not None and (isinstance(steps, bool) or int(steps) != steps or steps < 1):
        raise InputError(None, "--steps", "a positive whole number of rounds", steps)
    if not paths:
        raise InputError(None, "PATH", "at least one scenario file or GENIUS folder")
    pool = _check_negotiators(negotiators)
    if not pool:
        raise InputError(None, "--negotiators", "at least one strategy (e.g. boulware,conceder)")
    if len(set(pool)) != len(pool):
        raise InputError(None, "--negotiators", "distinct strategies", ",".join(pool))
    sources = [source_from(p) for p in paths]
    seen: dict[str, int] = {}
    for i, s in enumerate(sources):  # unique labels
        if s.label in seen:
            seen[s.label] += 1
            sources[i] = Source(f"{s.label}#{seen[s.label]}", s.path, s.sha256, s.doc, s.parties)
        else:
            seen[s.label] = 1
    nominal = [_nominal_scenario(s) for s in sources]
    n_parties = [len(sc.parties) for sc in nominal]
    rows = sum(len(pool) ** n * repetitions for n in n_parties)
    _check_rows(rows, "--repetitions")
    extra: dict[str, Any] = {"scoring": tournament_scoring(scoring, nominal)}
    if steps is not None:
        extra["steps"] = int(steps)
    if timing:
        extra["timing"] = True
    spec = _spec(
        "tournament",
        sources,
        seed,
        negotiators=pool,
        repetitions=int(repetitions),
        n_parties=n_parties,
        chunk_size=int(chunk_size or default_chunk_size(rows)),
        **extra,
    )
    return Plan(spec)


# ------------------------------------------------------------------------------------------------ layout


def _negs(spec: dict[str, Any]) -> tuple[str, ...] | None:
    n = spec.get("negotiators")
    return tuple(n) if n else None


class Plan:
    """The full description of an experiment; see the module doc. Build with the ``plan_*`` functions."""

    def __init__(self, spec: dict[str, Any]) -> None:
        if spec.get("kind") not in KINDS:
            raise InputError(None, "kind", f"an experiment kind among {KINDS}", spec.get("kind"))
        self.spec = spec
        self.kind: str = spec["kind"]
        self.seed = int(spec["seed"])
        self.sources = [Source.from_json(s) for s in spec["sources"]]
        self.hash = hashlib.sha256(canonical(spec).encode()).hexdigest()
        self.chunk_size = int(spec["chunk_size"])
        self._layout = layout(self)

    @property
    def tables(self) -> list[tuple[str, int]]:
        """(table name, number of rows) in the order they are computed."""
        return [(name, lay.rows) for name, lay in self._layout.items()]

    def jobs(self, table: str, lo: int, hi: int) -> list[Job]:
        return [self._layout[table].job(j) for j in range(lo, hi)]

    def chunks(self, table: str) -> list[tuple[int, int, int]]:
        """(chunk number, first row, end row) of a table."""
        rows = self._layout[table].rows
        c = self.chunk_size
        return [(k, lo, min(lo + c, rows)) for k, lo in enumerate(range(0, rows, c))]

    def task(self, table: str, chunk: int) -> ChunkTask:
        _, lo, hi = self.chunks(table)[chunk]
        jobs = tuple(self.jobs(table, lo, hi))
        used = {j.source for j in jobs}
        spec = self.spec
        return ChunkTask(
            table,
            chunk,
            {i: self.sources[i] for i in used},
            jobs,
            len(self.sources) == 1,
            spec.get("steps"),
            bool(spec.get("timing")),
        )

    def layout(self, table: str) -> Any:
        return self._layout[table]


def layout(plan: Plan) -> dict[str, Layout]:
    """The tables of a plan and the job of every row (see :class:`Plan`)."""
    spec, seed = plan.spec, plan.seed
    out: dict[str, Layout] = {}
    if plan.kind == "montecarlo":
        runs, variants, negs = int(spec["runs"]), list(spec["variants"]), _negs(spec)

        def mc(j: int) -> Job:
            r = j % runs
            return Job(j, 0, seed + r, negs, (), variants[j // runs], (("repetition", r),))

        out["results"] = Layout(runs * len(variants), mc)
        if spec.get("sensitivity"):
            out.update(_sensitivity_layouts(plan, negs))
    elif plan.kind == "sweep":
        runs, negs = int(spec["runs"]), _negs(spec)
        names = [g[0] for g in spec["params"]]
        grid = job_grid([g[1] for g in spec["params"]])

        def sw(j: int) -> Job:
            p, r = divmod(j, runs)
            return Job(
                j,
                0,
                seed + r,
                negs,
                tuple(zip(names, grid[p], strict=True)),
                "base",
                (("point", p), ("repetition", r)),
            )

        out["results"] = Layout(len(grid) * runs, sw)
    else:
        pool, reps = list(spec["negotiators"]), int(spec["repetitions"])
        combos = [list(itertools_product(pool, n)) for n in spec["n_parties"]]
        offsets = [0]
        for c in combos:
            offsets.append(offsets[-1] + len(c) * reps)

        def tn(j: int) -> Job:
            s = bisect.bisect_right(offsets, j) - 1
            c, r = divmod(j - offsets[s], reps)
            return Job(j, s, seed + r, tuple(combos[s][c]), (), "base", (("repetition", r),))

        out["results"] = Layout(offsets[-1], tn)
    return out


def itertools_product(pool: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return list(itertools.product(pool, repeat=n))


def _sensitivity_layouts(plan: Plan, negs: tuple[str, ...] | None) -> dict[str, Layout]:
    from accord.experiments.sensitivity import design_values, oat_points, unit_design

    sens, seed = plan.spec["sensitivity"], plan.seed
    unc = variant_doc(plan.sources[0], "base")[1]
    names = [u.name for u in unc]
    d = len(unc)
    U = unit_design(d, int(sens["samples"]), seed)
    values = design_values(unc, U)

    def sobol(j: int) -> Job:
        k = j // (d + 2)
        return Job(j, 0, seed + k, negs, tuple(zip(names, values[j], strict=True)), "base", (("sample", k),))

    k_runs = int(sens["oat_runs"])
    pts = oat_points(unc, tuple(sens["quantiles"]))  # type: ignore[arg-type]

    def oat(j: int) -> Job:
        p, r = divmod(j, k_runs)
        name, level, vals = pts[p]
        labels = (("oat_parameter", name), ("oat_level", level), ("repetition", r))
        return Job(j, 0, seed + r, negs, tuple(vals.items()), "base", labels)

    return {
        "sobol": Layout(len(values), sobol, {"names": names}),
        "oat": Layout(len(pts) * k_runs, oat, {"names": names}),
    }
