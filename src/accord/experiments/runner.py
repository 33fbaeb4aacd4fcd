"""Experiments: Monte Carlo under uncertainty, parameter sweeps, tournaments, and their execution.

An experiment is a :class:`Plan`: a JSON-able spec (kind, seed, scenarios with their documents and
hashes, negotiators, runs, swept parameters, sensitivity settings) from which every row of the results
is determined. The rows are numbered (``run``); each row's job (scenario, variant, fixed parameter
values, negotiators, seed) is a pure function of the spec and the row number, so any subset of rows can
be computed anywhere, in any order, and gives the same values. Rows are computed in chunks (tasks) by
an executor (:mod:`accord.experiments.executors`) and stored as Parquet parts
(:mod:`accord.experiments.store`); ``resume`` computes only the missing chunks.

Seeds: Monte Carlo run k uses seed ``seed + k`` (as ``accord run --runs``); a sweep uses seeds
``seed .. seed + runs - 1`` at every grid point, and a tournament at every pairing (common random
numbers: differences between points or strategies are not differences of luck). The uncertain numbers of
a run are drawn from its seed (:mod:`accord.experiments.params`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.experiments.jobs import KINDS, ChunkTask, Job, Source, sha256_folder, source_from
from accord.experiments.plans import Plan
from accord.experiments.worker import negotiate, prepare, run_chunk_table
from accord.protocols.alternating import Trace
from accord.protocols.registry import resolve_negotiators

__all__ = ["Source", "Job", "Plan", "ChunkTask", "source_from", "execute", "reproduce", "replay", "KINDS"]


def _versions() -> dict[str, str]:
    import platform
    import sys
    from importlib import metadata

    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for pkg in ("accord", "numpy", "pyarrow", "SALib", "dask", "distributed", "pydantic", "PyYAML"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_manifest(plan: Plan, command: Sequence[str] | None, executor: Any) -> dict[str, Any]:
    """The manifest of a new run: command, versions, seeds, tables and the plan itself."""
    seeds: dict[str, Any] = {"seed": plan.seed}
    if plan.kind == "montecarlo":
        seeds["rule"] = "run k of each variant uses seed + k; uncertain numbers are drawn from the run's seed"
    elif plan.kind == "sweep":
        seeds["rule"] = "repetition r at every grid point uses seed + r (common random numbers)"
    else:
        seeds["rule"] = "repetition r of every pairing uses seed + r (common random numbers)"
    return {
        "accord_run": 1,
        "kind": plan.kind,
        "command": list(command) if command else None,
        "created": _now(),
        "status": "running",
        "versions": _versions(),
        "seeds": seeds,
        "tables": {name: rows for name, rows in plan.tables},
        "chunk_size": plan.chunk_size,
        "plan_hash": plan.hash,
        "executor": executor.describe(),
        "plan": plan.spec,
    }


def _table_complete(store: Any, table: str, rows: int, plan_hash: str) -> bool:
    import pyarrow.parquet as pq

    path = store.table_path(table)
    if not path.exists():
        return False
    try:
        meta = pq.read_metadata(path)
    except OSError:
        return False
    tag = (meta.metadata or {}).get(b"accord.plan", b"").decode()
    return meta.num_rows == rows and tag == plan_hash


def execute(
    plan: Plan,
    out: str | Path,
    executor: Any = None,
    *,
    resume: bool = False,
    progress: Any = None,
    command: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Run a plan into the run directory ``out`` and return its summary.

    ``resume`` continues a run directory of the same plan (same options, same scenario files), computing
    only the chunks that are missing; without it, ``out`` must not hold a run. ``progress(table, done,
    total)`` is called as rows are stored. Chunks finished before an interruption stay on disk.
    """
    from accord.experiments.executors import InProcess
    from accord.experiments.store import RunStore

    store = RunStore(out)
    executor = executor if executor is not None else InProcess()
    with store.locked():
        return _execute(plan, store, executor, resume, progress, command)


def _execute(
    plan: Plan,
    store: Any,
    executor: Any,
    resume: bool,
    progress: Any,
    command: Sequence[str] | None,
) -> dict[str, Any]:
    """:func:`execute` with the run directory held."""
    out = store.root
    if resume and store.exists():
        manifest = store.read_manifest()
        if manifest.get("plan_hash") != plan.hash:
            raise InputError(
                str(out),
                "manifest.json",
                "the same experiment to resume (options, seeds or scenario files differ from the run there)",
            )
        manifest.setdefault("resumed", []).append({"at": _now(), "executor": executor.describe()})
    else:
        store.create()
        manifest = new_manifest(plan, command, executor)
    manifest["status"] = "running"
    store.write_manifest(manifest)
    total = sum(rows for _, rows in plan.tables)
    done_rows = 0
    for table, rows in plan.tables:
        if _table_complete(store, table, rows, plan.hash):
            store.remove_parts(table)  # left over when a merge was cut short after its table was written
            done_rows += rows
            continue
        chunks = plan.chunks(table)
        expected = {k: hi - lo for k, lo, hi in chunks}
        done = store.done_chunks(table, plan.hash, expected)
        done_rows += sum(expected[k] for k in done)
        if progress:
            progress(table, done_rows, total)
        todo = [k for k, _, _ in chunks if k not in done]
        tasks = [plan.task(table, k) for k in todo]
        for i, part in executor.map(run_chunk_table, tasks):
            store.write_part(table, todo[i], part, plan.hash)
            done_rows += part.num_rows
            if progress:
                progress(table, done_rows, total)
        store.finalize(table, {"accord.plan": plan.hash})
    store.clear_parts()
    from accord.experiments.summaries import summarize

    summary = summarize(plan, store)
    manifest.update(status="complete", finished=_now(), summary=summary.get("headline"))
    store.write_manifest(manifest)
    return {"out": str(out), **summary}


def plan_of(run_dir: str | Path) -> Plan:
    """The plan stored in a run directory's manifest."""
    from accord.experiments.store import RunStore

    return Plan(RunStore(run_dir).read_manifest()["plan"])


def reproduce(
    run_dir: str | Path, out: str | Path, executor: Any = None, progress: Any = None
) -> dict[str, Any]:
    """Run the experiment of ``run_dir`` again into ``out`` (same plan; GENIUS folders must be unchanged)."""
    plan = plan_of(run_dir)
    for src in plan.sources:
        if src.doc is None and sha256_folder(Path(src.path)) != src.sha256:
            raise InputError(src.path, None, "the scenario folder the run used (its files have changed)")
    return execute(plan, out, executor, progress=progress, command=["reproduce", str(run_dir)])


@dataclass
class Replayed:
    """Staged talks replayed as one negotiation: the stages' traces end to end (rounds counted on)."""

    trace: Any
    end: str
    seed: int
    agreement: bool
    stages: list[tuple[str, int]]  # (stage name, its first round)
    talks: Any = None


def _join_stages(res: Any, seed: int) -> Replayed:
    parts = [(st.name, st.result) for st in res.stages if st.result is not None]
    total = max(1, sum(int(st.rounds) for st in res.stages))
    cols: dict[str, list[Any]] = {k: [] for k in ("round", "party", "action", "offer", "utilities", "time")}
    starts, offset, names = [], 0, None
    for (name, r), st in zip(parts, [s for s in res.stages if s.result is not None], strict=True):
        tr = r.trace
        names = tr.party_names
        starts.append((name, offset))
        cols["round"].append(tr.round + offset)
        cols["party"].append(tr.party)
        cols["action"].extend(tr.action)
        cols["offer"].append(tr.offer)
        cols["utilities"].append(tr.utilities)
        cols["time"].append((tr.round + offset) / max(1, total - 1))
        offset += int(st.rounds)
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        trace = Trace((), empty, empty, [], empty, np.empty((0, 0)), np.empty(0))
    else:
        trace = Trace(
            names,
            np.concatenate(cols["round"]),
            np.concatenate(cols["party"]),
            cols["action"],
            np.concatenate(cols["offer"]),
            np.concatenate(cols["utilities"]),
            np.concatenate(cols["time"]).astype(np.float64),
        )
    return Replayed(trace, res.end, seed, bool(res.agreement), starts, res)


def replay(run_dir: str | Path, run: int, table: str = "results") -> tuple[Any, Any, dict[str, object]]:
    """Negotiate one stored run again: (scenario, result with its trace, values drawn). Same seed, same run.

    For staged talks the result is a :class:`Replayed`: the stages' traces joined (stage utilities, as each
    stage values the offers).
    """
    plan = plan_of(run_dir)
    rows = dict(plan.tables).get(table, 0)
    if not 0 <= run < rows:
        raise InputError(str(run_dir), table, f"a run number in 0..{rows - 1}", run)

    job = plan.jobs(table, run, run + 1)[0]
    src = plan.sources[job.source]
    prep, drawn = prepare(src, job)
    if prep.talks is not None:
        from accord.protocols.talks import run_batch

        return prep.scenario, _join_stages(run_batch(prep.talks, 1, job.seed).results[0], job.seed), drawn

    specs = list(job.negotiators) if job.negotiators else resolve_negotiators(prep.scenario, None)
    if len(specs) == 1:
        specs = specs * len(prep.scenario.parties)
    return prep.scenario, negotiate(prep, specs, job.seed), drawn
