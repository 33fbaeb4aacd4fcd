"""The scenario library the server offers: files in the configured folders, plus uploaded scenarios.

Ids are file stems (``hanoi-2019``); a web request only ever names an id, never a path. Loaded scenarios,
their analyses and charts are cached per file and modification time, so many requests share one compiled
scenario (``accord.api.compile_scenario`` caches the arrays per scenario object).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord import api
from accord.errors import InputError, SpaceTooLargeError
from accord.model.scenario import Scenario
from accord.web.settings import Settings

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,120}$")
YAML = (".yaml", ".yml")


class UnknownId(KeyError):
    """No scenario, table, game or job with this id."""


@dataclass
class Entry:
    id: str
    path: Path
    kind: str  # "scenario" | "table"
    label: str = ""  # the name shown in error messages instead of a server path
    uploaded: bool = False
    created: float = field(default_factory=time.time)

    @property
    def is_yaml(self) -> bool:
        return self.path.suffix.lower() in YAML


def _is_genius_folder(p: Path) -> bool:
    try:
        return p.is_dir() and any(f.suffix.lower() in (".xml", ".json") for f in p.iterdir())
    except OSError:
        return False


class Library:
    """Scenario files by id, with caches of what the pages need."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._uploads: dict[str, Entry] = {}
        self._cache: dict[tuple[str, str], tuple[float, Any]] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------------------------ listing
    def entries(self, kind: str = "scenario") -> list[Entry]:
        """Library entries of one kind, sorted by id (uploads are not listed)."""
        seen: dict[str, Entry] = {}
        for folder in self.settings.library:
            try:
                items = sorted(folder.iterdir())
            except OSError:
                continue
            for p in items:
                if p.name.startswith(".") or not ID_RE.match(p.stem):
                    continue
                if p.is_file() and p.suffix.lower() in YAML:
                    k = "scenario"
                elif p.is_file() and p.suffix.lower() == ".csv":
                    k = "table"
                elif _is_genius_folder(p):
                    k = "scenario"
                else:
                    continue
                ident = p.stem if p.is_file() else p.name
                if k == kind and ident not in seen:
                    seen[ident] = Entry(ident, p, k, label=p.name)
        return [seen[k] for k in sorted(seen)]

    def get(self, ident: str, kind: str = "scenario") -> Entry:
        if kind == "scenario" and ident in self._uploads:
            return self._uploads[ident]
        for e in self.entries(kind):
            if e.id == ident:
                return e
        raise UnknownId(ident)

    # ------------------------------------------------------------------------------------------ uploads
    def add_upload(self, entry: Entry) -> None:
        with self._lock:
            self._expire_uploads()
            while len(self._uploads) >= self.settings.max_uploads:
                oldest = min(self._uploads.values(), key=lambda e: e.created)
                self._uploads.pop(oldest.id, None)
            self._uploads[entry.id] = entry

    def _expire_uploads(self) -> None:
        now = time.time()
        for k, e in list(self._uploads.items()):
            if now - e.created > self.settings.upload_ttl:
                self._uploads.pop(k, None)

    # ------------------------------------------------------------------------------------------ caches
    def _stamp(self, e: Entry) -> float:
        try:
            if e.path.is_dir():
                return max([e.path.stat().st_mtime] + [f.stat().st_mtime for f in e.path.iterdir()])
            return e.path.stat().st_mtime
        except OSError:
            raise UnknownId(e.id) from None

    def cached(self, e: Entry, what: str, make: Callable[[], Any]) -> Any:
        """``make()`` once per entry, kind of result and file version (computed under a per-key lock)."""
        key = (str(e.path), what)
        stamp = self._stamp(e)
        hit = self._cache.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == stamp:
                return hit[1]
            try:
                value = make()
            except InputError as exc:
                raise relabel(exc, e) from None
            self._cache[key] = (stamp, value)
            return value

    def scenario(self, ident: str) -> tuple[Entry, Scenario]:
        """The loaded scenario; refused (SpaceTooLargeError) above ``settings.max_outcomes``."""
        e = self.get(ident)

        def load() -> Scenario:
            sc = api.load(e.path)
            limit = self.settings.max_outcomes
            if sc.space.size > limit:
                raise SpaceTooLargeError(
                    str(e.path),
                    "issues",
                    f"at most {limit:,} outcomes on this server (this scenario has {sc.space.size:,})",
                )
            # Compiled utilities take one float per party and outcome: budget them as two parties at the limit.
            if sc.space.size * len(sc.parties) > 2 * limit:
                raise SpaceTooLargeError(
                    str(e.path),
                    "parties",
                    f"at most {2 * limit:,} party-outcome pairs on this server "
                    f"({len(sc.parties)} parties x {sc.space.size:,} outcomes)",
                )
            return sc

        return e, self.cached(e, "scenario", load)

    def analysis(self, ident: str) -> dict[str, Any]:
        """``accord.api.analyze`` of the scenario: the object of ``accord analyze --json``."""
        e, sc = self.scenario(ident)
        return self.cached(e, "analysis", lambda: api.analyze(sc))

    def has_talks(self, e: Entry) -> bool:
        return e.is_yaml and self.cached(e, "has_talks", lambda: api.has_talks(e.path))

    def talks(self, e: Entry) -> Any:
        """The scenario with its talks (tracks, private facts, implementation, variants) or None."""
        if not self.has_talks(e):
            return None
        return self.cached(e, "talks", lambda: api.load_talks(e.path))

    def variants(self, e: Entry) -> list[str]:
        if not self.has_talks(e):
            return []
        from accord.io.talks import read, variant_names

        return self.cached(e, "variants", lambda: variant_names(read(e.path)[0]))


def relabel(exc: InputError, e: Entry) -> InputError:
    """The same error naming the entry's label instead of a server path."""
    file = exc.file
    if file is not None:
        file = file.replace(str(e.path), e.label)
        if file.startswith(str(e.path.parent)):
            file = e.label + file[len(str(e.path.parent)) :]
    out = type(exc)(file, exc.field, exc.expected, exc.got, line=exc.line, more=exc.more)
    return out
