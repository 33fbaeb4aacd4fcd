"""What an experiment is made of, below everything that makes or runs it: sources, jobs, chunk tasks.

A :class:`Source` is a scenario as experiments ship it (a YAML document or a GENIUS folder by path); a
:class:`Job` is one row of a plan (:mod:`accord.experiments.plans`); a :class:`ChunkTask` is what a worker
(:mod:`accord.experiments.worker`) needs to compute a chunk of rows. The runner
(:mod:`accord.experiments.runner`) and the plans import these; this module imports neither.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.errors import InputError
from accord.experiments import params as P

__all__ = [
    "KINDS",
    "SPEC_VERSION",
    "ChunkTask",
    "Job",
    "Source",
    "canonical",
    "job_grid",
    "source_from",
    "to_arrow",
]

KINDS = ("montecarlo", "sweep", "tournament")
#: Version of the plan spec (bumped when the meaning of a spec changes).
SPEC_VERSION = 1


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    h.update(path.read_bytes())
    return h.hexdigest()


def sha256_folder(path: Path) -> str:
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
            sha = sha256_folder(p)
        except OSError as exc:
            raise InputError(text, None, f"a readable folder ({exc.strerror})") from None
        return Source(label, str(p.resolve()), sha, None, sel)
    from accord.io.yaml_scenario import read_document

    doc = read_document(p)
    P.find_uncertain(doc, str(p))  # impossible distributions fail here, before any run
    return Source(p.stem, str(p.resolve()), sha256_file(p), json.loads(json.dumps(doc)), sel)


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


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def job_grid(values: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
    """Every combination of swept values, the first parameter varying slowest."""
    return list(itertools.product(*values))


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
