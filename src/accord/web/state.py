"""What one app instance holds: settings, the library, games, Monte Carlo jobs, uploads, worker pools, the
signing secret and, with ``data_dir``, the SQLite store that lets games and uploads survive a restart."""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
from pathlib import Path

from accord.web.clients import Signer
from accord.web.gamestore import GameStore
from accord.web.jobs import JobStore
from accord.web.library import Entry, Library
from accord.web.settings import Settings
from accord.web.work import Pool

log = logging.getLogger("accord.web")


class WebState:
    def __init__(self, settings: Settings) -> None:
        self.settings = s = settings
        self.library = Library(s)
        self.store = None
        if s.data_dir is not None:
            from accord.web.persist import Store

            self.store = Store(Path(s.data_dir))
            self.upload_dir = Path(s.data_dir) / "uploads"
            self.upload_dir.mkdir(parents=True, exist_ok=True)
            self._temporary = False
        else:
            self.upload_dir = Path(tempfile.mkdtemp(prefix="accord-web-uploads-"))
            self._temporary = True
        secret = s.secret or secrets.token_bytes(32)
        if s.secret is None and self.store is not None:
            secret = self.store.secret(secret)
        self.signer = Signer(secret)
        self.games = GameStore(s, self.store)
        self.jobs = JobStore(s.max_jobs, s.max_finished_jobs, s.max_jobs_per_client)
        self.pool = Pool(s.workers, s.max_queue, s.request_timeout)
        #: Game moves and reads: their own few threads, never queued behind a heavy analysis or run, and
        #: not the ASGI server's 40 (on two cores, 40 threads waking at once for 200 moves fight the event
        #: loop for the interpreter lock: the moves' p99 was 2.2 s against 0.6 s for game starts).
        self.game_pool = Pool(s.game_workers, s.max_queue * 4, s.request_timeout, name="accord-web-game")
        self.parse_pool = Pool(1, 8, s.request_timeout + s.parse_timeout, name="accord-web-parse")
        if self.store is not None:
            self._restore()

    def _restore(self) -> None:
        """Uploads, then games (replayed), from the store; rows past their retention are forgotten."""
        from accord.web.gameplay import restore

        assert self.store is not None
        s = self.settings
        for target in self.store.forget_older(s.game_ttl, s.upload_ttl):
            self._remove_upload_folder(Path(target))
        for row in self.store.uploads():
            target = self.upload_dir / row["target"]
            if not target.exists():
                self.store.delete_upload(row["id"])
                continue
            e = Entry(
                row["id"],
                target,
                "scenario",
                label=row["label"],
                uploaded=True,
                owner=row["owner"],
                address=row["address"] or "",
            )
            e.created = row["created"]
            self.library._uploads[e.id] = e
        n = self.games.restore(lambda row: restore(self.library, row))
        log.info("restored %d uploads and %d games from %s", len(self.library.uploads()), n, s.data_dir)
        self.library.on_upload = self._keep_upload
        self.library.on_drop = lambda e: self.store.delete_upload(e.id)  # type: ignore[union-attr]

    def _keep_upload(self, e: Entry) -> None:
        assert self.store is not None
        rel = e.path.relative_to(self.upload_dir)
        self.store.save_upload(e.id, e.owner, e.label, str(rel), e.created, e.address)

    def _remove_upload_folder(self, target: Path) -> None:
        folder = (self.upload_dir / target).parent
        if folder.parent == self.upload_dir:
            shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        # The pools stay: an ASGI host may run the lifespan more than once (idle threads cost nothing).
        if self.store is not None:
            self.store.close()
        if self._temporary:
            shutil.rmtree(self.upload_dir, ignore_errors=True)
