"""The scenario library the server offers: files in the configured folders, plus uploaded scenarios.

Ids are file stems (``hanoi-2019``); a web request only ever names an id, never a path. Loaded scenarios,
their analyses and charts are cached per file and modification time, so many requests share one compiled
scenario (``accord.api.compile_scenario`` caches the arrays per scenario object).
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord import api
from accord.errors import InputError, SpaceTooLargeError
from accord.model.scenario import CompiledScenario, Scenario
from accord.web.analysis import analysis_json, scenario_analysis
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
    owner: str = ""  # the client that uploaded it (fair shares); anyone with the id may use it
    address: str = ""  # the network address it came from (the address's share)
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
        #: Results of seeded requests (same file, same inputs, same seed: same answer), least recently
        #: used dropped beyond ``MEMO_SIZE``: their keys come from the request, so they are bounded.
        self._memo: OrderedDict[tuple[str, float, str], Any] = OrderedDict()
        self._memo_locks: dict[tuple[str, float, str], threading.Lock] = {}
        #: The listing (kind -> entries by id) and what it was made from (each folder's mtime, the time).
        self._listing: dict[str, dict[str, Entry]] = {}
        self._listed: tuple[tuple[float, ...], float] | None = None
        #: Called with an upload kept and one dropped (the app persists them); None: nothing to do.
        self.on_upload: Callable[[Entry], None] | None = None
        self.on_drop: Callable[[Entry], None] | None = None

    # ------------------------------------------------------------------------------------------ listing
    def entries(self, kind: str = "scenario") -> list[Entry]:
        """Library entries of one kind, sorted by id (uploads are not listed)."""
        return list(self._listing_now().get(kind, {}).values())

    #: Seconds a listing is trusted while no library folder changes (a file added inside a GENIUS
    #: sub-folder does not touch the library folder's own mtime).
    LISTING_TTL = 2.0

    def _listing_now(self) -> dict[str, dict[str, Entry]]:
        """The listing, scanned again only when a library folder changed (its mtime) or every
        ``LISTING_TTL`` seconds: a request then costs one ``stat`` per folder, not a scan of each."""
        stamps = []
        for folder in self.settings.library:
            try:
                stamps.append(folder.stat().st_mtime)
            except OSError:
                stamps.append(-1.0)
        key = tuple(stamps)
        now = time.monotonic()
        made = self._listed
        if made is None or made[0] != key or now - made[1] > self.LISTING_TTL:
            listing: dict[str, dict[str, Entry]] = {}
            for e in self._scan():
                listing.setdefault(e.kind, {})[e.id] = e
            self._listing, self._listed = listing, (key, now)
        return self._listing

    def _scan(self) -> list[Entry]:
        seen: dict[tuple[str, str], Entry] = {}
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
                if (k, ident) not in seen:
                    seen[k, ident] = Entry(ident, p, k, label=p.name)
        return [seen[k] for k in sorted(seen)]

    def get(self, ident: str, kind: str = "scenario") -> Entry:
        if kind == "scenario" and ident in self._uploads:
            return self._uploads[ident]
        e = self._listing_now().get(kind, {}).get(ident)
        if e is None:
            raise UnknownId(ident)
        return e

    # ------------------------------------------------------------------------------------------ uploads
    def check_upload_share(self, owner: str, address: str) -> None:
        """LimitReached (429) if an upload by ``owner`` from ``address`` would be refused: the first check,
        before the parse (:meth:`add_upload` checks again)."""
        with self._lock:
            self._upload_share(owner, address)

    def _upload_share(self, owner: str, address: str) -> list[Entry]:
        """The owner's uploads a new one of theirs would push out (its own oldest beyond
        ``max_uploads_per_client``); LimitReached (429) if the address already holds its share
        ``max_uploads_per_address`` without them. Under the lock."""
        from accord.web.limits import LimitReached

        s = self.settings
        mine = sorted((e for e in self._uploads.values() if e.owner == owner), key=lambda e: e.created)
        out = mine[: max(0, len(mine) - s.max_uploads_per_client + 1)]
        leaving = {e.id for e in out}
        held = sum(e.address == address and e.id not in leaving for e in self._uploads.values())
        if held >= s.max_uploads_per_address:
            raise LimitReached(
                f"at most {s.max_uploads_per_address} uploads kept from one network address "
                f"(max_uploads_per_address); they expire after {s.upload_ttl / 3600:g} h (upload_ttl)"
            )
        return out

    def add_upload(self, entry: Entry) -> None:
        """Keep an upload: the owner's own oldest goes first beyond ``max_uploads_per_client``; an address
        beyond ``max_uploads_per_address`` is refused (429); when the server holds ``max_uploads``, the
        oldest upload of the client holding the most, at the address holding the most, goes. A dropped
        upload is gone for real: its folder, its cached scenario, analysis and charts, its row in the store."""
        s = self.settings
        with self._lock:
            self._expire_uploads()
            for e in self._upload_share(entry.owner, entry.address):
                self._drop_upload(e)
            while self._uploads and len(self._uploads) >= s.max_uploads:
                ups = list(self._uploads.values())
                where = Counter(e.address for e in ups).most_common(1)[0][0]
                ups = [e for e in ups if e.address == where]
                most = Counter(e.owner for e in ups).most_common(1)[0][0]
                self._drop_upload(min((e for e in ups if e.owner == most), key=lambda e: e.created))
            self._uploads[entry.id] = entry
        if self.on_upload is not None:
            self.on_upload(entry)

    def _drop_upload(self, e: Entry) -> None:
        self._uploads.pop(e.id, None)
        for key in [k for k in self._cache if k[0] == str(e.path)]:
            self._cache.pop(key, None)
            self._locks.pop(key, None)
        for mkey in [k for k in self._memo if k[0] == str(e.path)]:
            self._memo.pop(mkey, None)
        shutil.rmtree(e.path.parent, ignore_errors=True)  # the upload's own folder, made by the server
        if self.on_drop is not None:
            self.on_drop(e)

    def discard_upload(self, ident: str) -> None:
        with self._lock:
            e = self._uploads.get(ident)
            if e is not None:
                self._drop_upload(e)

    def uploads(self) -> list[Entry]:
        return list(self._uploads.values())

    def _expire_uploads(self) -> None:
        now = time.time()
        for e in list(self._uploads.values()):
            if now - e.created > self.settings.upload_ttl:
                self._drop_upload(e)

    # ------------------------------------------------------------------------------------------ caches
    def _stamp(self, e: Entry) -> float:
        try:
            if e.path.is_dir():
                return max([e.path.stat().st_mtime] + [f.stat().st_mtime for f in e.path.iterdir()])
            return e.path.stat().st_mtime
        except OSError:
            raise UnknownId(e.id) from None

    def peek(self, ident: str, what: str) -> Any:
        """The cached ``what`` of scenario ``ident`` if it is there and current, else None: one dict
        lookup and one ``stat``, cheap enough for the event loop (a hit needs no worker thread)."""
        try:
            e = self.get(ident)
            hit = self._cache.get((str(e.path), what))
            return hit[1] if hit is not None and hit[0] == self._stamp(e) else None
        except UnknownId:
            return None

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

    #: Seeded results kept by :meth:`memo`.
    MEMO_SIZE = 256

    def memo(self, e: Entry, what: str, make: Callable[[], Any]) -> Any:
        """``make()`` once per entry, file version and ``what`` (the request's inputs and seed, as text),
        among the ``MEMO_SIZE`` most recently used: a class that reaches the same deal asks for its
        simulated implementation once, not once per student. Concurrent equal requests wait for one."""
        key = (str(e.path), self._stamp(e), what)
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
            lock = self._memo_locks.setdefault(key, threading.Lock())
        with lock:
            with self._lock:
                if key in self._memo:
                    return self._memo[key]
            try:
                value = make()
            except InputError as exc:
                raise relabel(exc, e) from None
            finally:
                with self._lock:
                    self._memo_locks.pop(key, None)
            with self._lock:
                self._memo[key] = value
                while len(self._memo) > self.MEMO_SIZE:
                    self._memo.popitem(last=False)
            return value

    def scenario(self, ident: str) -> tuple[Entry, Scenario]:
        """The loaded scenario. A space over the limits is kept only if its analysis needs no enumeration
        (linear-additive, no hard constraints): then its page shows the frontier only; otherwise it is
        refused (SpaceTooLargeError) before anything is enumerated."""
        e = self.get(ident)

        def load() -> Scenario:
            sc = api.load(e.path)
            why = self.too_large(sc)
            if why is not None and not frontier_only(sc):
                raise SpaceTooLargeError(
                    str(e.path),
                    why[0],
                    why[1] + "; larger spaces are accepted only "
                    "with linear-additive preferences and no hard constraints",
                )
            return sc

        return e, self.cached(e, "scenario", load)

    def too_large(self, sc: Scenario) -> tuple[str, str] | None:
        """Why the server will not compile ``sc`` (the field and the limit), or None."""
        limit = self.settings.max_outcomes
        n = sc.space.size
        if n > limit:
            return "issues", f"at most {limit:,} outcomes on this server (this scenario has {n:,})"
        # Compiled utilities take one float per party and outcome: budget them as two parties at the limit.
        if n * len(sc.parties) > 2 * limit:
            return "parties", (
                f"at most {2 * limit:,} party-outcome pairs on this server "
                f"({len(sc.parties)} parties x {n:,} outcomes)"
            )
        need = compiled_bytes(sc)
        if need > self.settings.max_compiled_bytes:
            return "issues", (
                f"a compiled scenario of at most {self.settings.max_compiled_bytes:,} bytes on this server "
                f"(this one needs about {need:,})"
            )
        return None

    def compiled(self, ident: str) -> tuple[Entry, Scenario, CompiledScenario]:
        """The scenario and its compiled arrays; InputError (422) if the space is too large to compile."""
        e, sc = self.scenario(ident)
        why = self.too_large(sc)
        if why is not None:
            raise SpaceTooLargeError(
                e.label, why[0], why[1] + " to run or play (its page shows the frontier)"
            )
        return e, sc, api.compile_scenario(sc)

    def frontier(self, ident: str) -> Any:
        """The analysis as arrays (:class:`~accord.analysis.solutions.ScenarioAnalysis`), cached."""
        e, sc = self.scenario(ident)
        return self.cached(e, "frontier", lambda: scenario_analysis(sc, self.too_large(sc) is None))

    def analysis(self, ident: str, offset: int = 0, limit: int | None = None) -> dict[str, Any]:
        """The object of ``accord analyze --json`` with the frontier paged (see :mod:`accord.web.analysis`)."""
        _, sc = self.scenario(ident)
        page = self.settings.page_size if limit is None else min(limit, self.settings.page_size)
        return analysis_json(sc, self.frontier(ident), offset, page)

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


def frontier_only(sc: Scenario) -> bool:
    """Whether the analysis of ``sc`` needs no enumeration (``accord.analysis.large``'s conditions)."""
    return all(not p.preferences.terms and not p.preferences.constraints for p in sc.parties)


def compiled_bytes(sc: Scenario) -> int:
    """Memory a compiled scenario takes, about: utilities, an order per party (strategies sort their
    outcomes once) and the constraint masks."""
    n, k = sc.space.size, len(sc.parties)
    return n * k * (8 + 8 + 2)


def relabel(exc: InputError, e: Entry) -> InputError:
    """The same error naming the entry's label instead of a server path."""
    file = exc.file
    if file is not None:
        file = file.replace(str(e.path), e.label)
        if file.startswith(str(e.path.parent)):
            file = e.label + file[len(str(e.path.parent)) :]
    out = type(exc)(file, exc.field, exc.expected, exc.got, line=exc.line, more=exc.more)
    return out
