"""The run directory: a manifest, Parquet parts written chunk by chunk, and the merged results tables.

Layout of ``DIR``::

    manifest.json            command, versions, seeds and the full plan (from which the run is redone)
    parts/<table>-NNNNNN.parquet   one file per finished chunk while the run is going
    <table>.parquet          the merged table (rows sorted by ``run``) once every chunk is done

``<table>`` is ``results`` (one row per negotiation) and, with a sensitivity analysis, ``sobol`` and
``oat``. Every file is written to a temporary name, flushed to disk and renamed into place, so a part
is either complete or absent: an interruption (Ctrl-C, a killed process, a lost machine) loses at most
the chunks in flight, and ``--resume`` redoes exactly the chunks whose part is missing. Parts carry the
plan's hash in their metadata, so parts of another plan are never mixed in. While a run is unfinished,
``parts/`` reads as one dataset (``pyarrow.dataset.dataset(DIR / "parts")``, DuckDB
``read_parquet('DIR/parts/results-*.parquet')``).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["RunStore", "MANIFEST", "PLAN_KEY"]

MANIFEST = "manifest.json"
PARTS = "parts"
LOCK = ".lock"
#: Key of the plan hash in each Parquet part's metadata.
PLAN_KEY = b"accord.plan"


def _os_error(path: Path, exc: OSError) -> InputError:
    reason = exc.strerror or type(exc).__name__
    return InputError(str(path), None, f"a writable output directory ({reason})")


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _os_error(path, exc) from None


class RunStore:
    """Reads and writes one run directory."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.parts = self.root / PARTS

    # -------------------------------------------------------------------------------------------- lock
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the run directory for this process: a second run on the same ``--out`` is refused.

        An exclusive ``flock`` on ``DIR/.lock``: the kernel releases it when the holder ends, however it
        ends (SIGKILL included), so a stale lock never blocks ``--resume``.
        """
        import fcntl

        if self.root.exists() and not self.root.is_dir():
            raise InputError(str(self.root), None, "a directory path for --out (a file is there)")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _os_error(self.root, exc) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
                raise InputError(
                    str(self.root),
                    None,
                    f"an output directory no other run is writing (held by pid {holder}; wait for it, "
                    "or pick another --out)",
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            yield
        finally:
            os.close(fd)  # releases the lock

    # ---------------------------------------------------------------------------------------- manifest
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def exists(self) -> bool:
        return self.manifest_path.exists()

    def read_manifest(self) -> dict[str, Any]:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(str(self.root), None, f"a run directory holding {MANIFEST}") from None
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(str(self.manifest_path), None, f"a readable JSON manifest ({exc})") from None

    def write_manifest(self, manifest: Mapping[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n"
        _atomic_write_bytes(self.manifest_path, text.encode("utf-8"))

    def create(self) -> None:
        """Make the directory (and ``parts/``); refuses a directory that already holds a run."""
        if self.exists():
            raise InputError(
                str(self.root),
                None,
                "a new output directory (this one holds a run: add --resume or pick another --out)",
            )
        if self.root.exists() and not self.root.is_dir():
            raise InputError(str(self.root), None, "a directory path for --out (a file is there)")
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
            probe = self.root / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise _os_error(self.root, exc) from None

    # ------------------------------------------------------------------------------------------- parts
    def part_path(self, table: str, chunk: int) -> Path:
        return self.parts / f"{table}-{chunk:06d}.parquet"

    def done_chunks(self, table: str, plan_hash: str, rows: Mapping[int, int]) -> set[int]:
        """Chunks of ``table`` whose part is complete: readable, of this plan, with the expected row count.

        ``rows`` maps a chunk number to its expected number of rows. Parts that fail a check (another
        plan, a damaged file) are removed so they are redone.
        """
        import pyarrow.parquet as pq

        done: set[int] = set()
        if not self.parts.is_dir():
            return done
        prefix = f"{table}-"
        for f in self.parts.iterdir():
            if f.name.startswith(".") and ".tmp-" in f.name:
                f.unlink(missing_ok=True)  # a write cut short
                continue
            if not (f.name.startswith(prefix) and f.suffix == ".parquet"):
                continue
            try:
                chunk = int(f.stem[len(prefix) :])
                meta = pq.read_metadata(f)
                ok = (
                    chunk in rows
                    and meta.num_rows == rows[chunk]
                    and (meta.metadata or {}).get(PLAN_KEY, b"").decode() == plan_hash
                )
            except (ValueError, OSError):
                ok = False
            if ok:
                done.add(chunk)
            else:
                f.unlink(missing_ok=True)
        return done

    def write_part(self, table: str, chunk: int, data: pa.Table, plan_hash: str) -> Path:
        """Write one finished chunk (atomically)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        meta = dict(data.schema.metadata or {})
        meta[PLAN_KEY] = plan_hash.encode()
        data = data.replace_schema_metadata(meta)
        path = self.part_path(table, chunk)
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _os_error(self.parts, exc) from None
        sink = pa.BufferOutputStream()
        pq.write_table(data, sink, compression="zstd")
        _atomic_write_bytes(path, sink.getvalue().to_pybytes())
        return path

    def read_parts(self, table: str) -> pa.Table:
        """Every part of ``table`` as one table (sorted by ``run``); an empty table if there are none."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        files = sorted(self.parts.glob(f"{table}-*.parquet")) if self.parts.is_dir() else []
        if not files:
            return pa.table({})
        tables = [pq.read_table(f) for f in files]
        merged = pa.concat_tables(tables, promote_options="default").replace_schema_metadata(None)
        if "run" in merged.column_names:
            merged = merged.sort_by("run")
        return merged

    # ------------------------------------------------------------------------------------------ tables
    def table_path(self, table: str) -> Path:
        return self.root / f"{table}.parquet"

    def finalize(self, table: str, metadata: Mapping[str, str] | None = None) -> Path:
        """Merge the parts of ``table`` into ``<table>.parquet`` (sorted by run) and remove the parts."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        data = self.read_parts(table)
        if metadata:
            data = data.replace_schema_metadata({k.encode(): v.encode() for k, v in metadata.items()})
        path = self.table_path(table)
        sink = pa.BufferOutputStream()
        pq.write_table(data, sink, compression="zstd")
        _atomic_write_bytes(path, sink.getvalue().to_pybytes())
        self.remove_parts(table)
        return path

    def remove_parts(self, table: str) -> None:
        """Delete the parts of ``table`` (once its merged table is in place)."""
        if self.parts.is_dir():
            for f in self.parts.glob(f"{table}-*.parquet"):
                f.unlink(missing_ok=True)

    def clear_parts(self) -> None:
        if self.parts.is_dir():
            with contextlib.suppress(OSError):  # not empty: some other table still has parts
                self.parts.rmdir()

    def read(self, table: str = "results") -> pa.Table:
        """The merged table, or (for an unfinished run) what its parts hold so far."""
        import pyarrow.parquet as pq

        path = self.table_path(table)
        if path.exists():
            try:
                return pq.read_table(path)
            except OSError as exc:
                raise InputError(str(path), None, f"a readable Parquet table ({exc})") from None
        return self.read_parts(table)

    def has_table(self, table: str) -> bool:
        if self.table_path(table).exists():
            return True
        return self.parts.is_dir() and any(self.parts.glob(f"{table}-*.parquet"))
