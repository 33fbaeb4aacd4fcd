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

import hashlib
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from accord.errors import InputError
from accord.experiments import params as P

__all__ = ["Source", "Job", "Plan", "ChunkTask", "source_from", "execute", "reproduce", "replay", "KINDS"]

KINDS = ("montecarlo", "sweep", "tournament")
#: Version of the plan spec (bumped when the meaning of a spec changes).
SPEC_VERSION = 1


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    h.update(path.read_bytes())
    return h.hexdigest()


def _sha256_folder(path: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".xml", ".json")):
        h.update(f.name.encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


@dataclass(frozen=True)
class Source:
    """A scenario as experiments use it: a YAML document (shipped to workers) or a GENIUS folder (by path)."""

    label: str
    path: str
    sha256: str
    doc: dict[str, Any] | None = None
    parties: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "path": self.path,
            "sha256": self.sha256,
            "parties": list(self.parties) if self.parties else None,
            "doc": self.doc,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Source:
        parties = tuple(d["parties"]) if d.get("parties") else None
        return cls(d["label"], d["path"], d["sha256"], d.get("doc"), parties)


def source_from(spec: str | Path, parties: Sequence[str] | None = None) -> Source:
    """A source from a path: ``file.yaml``, a GENIUS/GeniusWeb folder, or ``folder@profileA,profileB``."""
    text = str(spec)
    if parties is None and "@" in text and not Path(text).exists():
        text, _, sel = text.rpartition("@")
        parties = [s.strip() for s in sel.split(",") if s.strip()]
    p = Path(text)
    if not p.exists():
        raise InputError(text, None, "an existing scenario file (.yaml) or a GENIUS/GeniusWeb folder")
    sel = tuple(parties) if parties else None
    if p.is_dir():
        label = p.name + (f"@{','.join(sel)}" if sel else "")
        try:
            sha = _sha256_folder(p)
        except OSError as exc:
            raise InputError(text, None, f"a readable folder ({exc.strerror})") from None
        return Source(label, str(p.resolve()), sha, None, sel)
    from accord.io.yaml_scenario import read_document

    doc = read_document(p)
    P.find_uncertain(doc, str(p))  # impossible distributions fail here, before any run
    return Source(p.stem, str(p.resolve()), _sha256_file(p), json.loads(json.dumps(doc)), sel)


@dataclass(frozen=True)
class Job:
    """One negotiation of a plan."""

    run: int
    source: int
    seed: int
    negotiators: tuple[str, ...] | None = None
    overrides: tuple[tuple[str, object], ...] = ()
    variant: str = "base"
    labels: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class ChunkTask:
    """What a worker needs to compute one chunk: the sources its jobs use, and the jobs."""

    table: str
    chunk: int
    sources: dict[int, Source]
    jobs: tuple[Job, ...]
    issue_columns: bool = False
    deadline: int | None = None  # rounds, overriding the scenarios' own (tournament --steps)
    timed: bool = False  # add each negotiation's wall-clock seconds (tournament timing)


# ------------------------------------------------------------------------------------------------ plans


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


class Plan:
    """The full description of an experiment; see the module doc. Build with the ``plan_*`` functions."""

    def __init__(self, spec: dict[str, Any]) -> None:
        from accord.experiments import plans

        if spec.get("kind") not in KINDS:
            raise InputError(None, "kind", f"an experiment kind among {KINDS}", spec.get("kind"))
        self.spec = spec
        self.kind: str = spec["kind"]
        self.seed = int(spec["seed"])
        self.sources = [Source.from_json(s) for s in spec["sources"]]
        self.hash = hashlib.sha256(_canonical(spec).encode()).hexdigest()
        self.chunk_size = int(spec["chunk_size"])
        self._layout = plans.layout(self)

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


def job_grid(values: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
    """Every combination of swept values, the first parameter varying slowest."""
    return list(itertools.product(*values))


# ------------------------------------------------------------------------------------------- execution


def to_arrow(rows: Sequence[dict[str, Any]]) -> Any:
    """Rows (dicts) as an Arrow table; the columns are the union of the keys, in order of appearance."""
    import pyarrow as pa

    if rows:
        first = list(rows[0])
        if all(list(r) == first for r in rows):
            # the usual case (every row has the same columns): Arrow's own conversion, the same inference
            # per column as below, without a Python list per column
            try:
                return pa.Table.from_pylist(list(rows))
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
                pass
    keys = list(dict.fromkeys(k for r in rows for k in r))
    arrays = {}
    for k in keys:
        values = [r.get(k) for r in rows]
        try:
            arrays[k] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            arrays[k] = pa.array([None if v is None else str(v) for v in values], type=pa.string())
    return pa.table(arrays)


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
    from datetime import datetime

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
    from accord.experiments.worker import run_chunk_table

    store = RunStore(out)
    executor = executor if executor is not None else InProcess()
    with store.locked():
        return _execute(plan, store, executor, resume, progress, command, run_chunk_table)


def _execute(
    plan: Plan,
    store: Any,
    executor: Any,
    resume: bool,
    progress: Any,
    command: Sequence[str] | None,
    run_chunk_table: Any,
) -> dict[str, Any]:
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
        if src.doc is None and _sha256_folder(Path(src.path)) != src.sha256:
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
    import numpy as np

    from accord.protocols.alternating import Trace

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
    from accord.experiments.worker import negotiate, prepare

    job = plan.jobs(table, run, run + 1)[0]
    src = plan.sources[job.source]
    prep, drawn = prepare(src, job)
    if prep.talks is not None:
        from accord.protocols.talks import run_batch

        return prep.scenario, _join_stages(run_batch(prep.talks, 1, job.seed).results[0], job.seed), drawn
    from accord.api import resolve_negotiators

    specs = list(job.negotiators) if job.negotiators else resolve_negotiators(prep.scenario, None)
    if len(specs) == 1:
        specs = specs * len(prep.scenario.parties)
    return prep.scenario, negotiate(prep, specs, job.seed), drawn
