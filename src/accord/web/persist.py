"""Games and uploads that survive a restart: SQLite (``web.sqlite``) in the server's data folder.

A game is stored as what determines it: its :class:`~accord.web.game.GameSpec` (scenario, party, opponent,
rounds, seed, class) and the person's moves; machine strategies are seeded, so replaying the moves on a new
session rebuilds the same game, trace included (the test replays and compares). An upload is stored as its
folder under ``uploads/`` plus a row (owner, label, time). Rows older than the retention
(``game_ttl`` / ``upload_ttl``) are forgotten at start. Python's ``sqlite3``; one connection, one lock.

Speed under a class: the database runs in WAL mode with ``synchronous=NORMAL`` (a commit appends to the
log without waiting for the disk; a process that dies keeps every committed row, a power cut may lose the
last ones), and game rows are written behind: :meth:`Store.save_game` and :meth:`Store.delete_game` only
note the row (the latest state of a game wins) and one writer thread commits what is noted, in one
transaction, at most ``flush_every`` seconds later. A move never waits for the database, and 200 players'
moves cost a few commits a second instead of one each. :meth:`Store.close` (the app's shutdown) commits what
is left; a killed server loses at most the last ``flush_every`` seconds of moves. Uploads and the secret
are written at once (rare, and an upload's row must exist before its id is handed out).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from accord.web.game import Game

log = logging.getLogger("accord.web")

SCHEMA = """
CREATE TABLE IF NOT EXISTS games (
  id TEXT PRIMARY KEY, owner TEXT, address TEXT, spec TEXT, moves TEXT, failed TEXT,
  created REAL, touched REAL);
CREATE TABLE IF NOT EXISTS uploads (
  id TEXT PRIMARY KEY, owner TEXT, label TEXT, target TEXT, created REAL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB);
"""


class Store:
    def __init__(self, folder: Path, flush_every: float = 0.05) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._db = sqlite3.connect(folder / "web.sqlite", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        cols = {r[1] for r in self._db.execute("PRAGMA table_info(uploads)")}
        if "address" not in cols:  # a data folder made before uploads had an address share
            self._db.execute("ALTER TABLE uploads ADD COLUMN address TEXT DEFAULT ''")
            self._db.commit()
        self._lock = threading.Lock()
        self.flush_every = flush_every
        #: Game rows noted but not yet committed: id -> row (None: delete).
        self._pending: dict[str, tuple | None] = {}
        self._pending_lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._writer = threading.Thread(target=self._write_behind, name="accord-web-store", daemon=True)
        self._writer.start()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._wake.set()
        self._writer.join(10)
        self.flush()
        with self._lock:
            self._db.close()

    def _write_behind(self) -> None:
        while not self._closed:
            self._wake.wait()
            if self._closed:
                return
            time.sleep(self.flush_every)  # gather what the next moments bring into one transaction
            self._wake.clear()
            try:
                self.flush()
            except sqlite3.Error:  # a full disk, say: logged; the games stay in memory, the server goes on
                log.exception("writing games to %s failed", self.folder)

    def flush(self) -> None:
        """Commit every noted game row now (the writer thread does it on its own within ``flush_every``)."""
        with self._pending_lock:
            batch, self._pending = self._pending, {}
        if not batch:
            return
        saves = [row for row in batch.values() if row is not None]
        deletes = [(k,) for k, row in batch.items() if row is None]
        with self._lock:
            if deletes:
                self._db.executemany("DELETE FROM games WHERE id = ?", deletes)
            if saves:
                self._db.executemany("INSERT OR REPLACE INTO games VALUES (?, ?, ?, ?, ?, ?, ?, ?)", saves)
            self._db.commit()

    def _note(self, ident: str, row: tuple | None) -> None:
        with self._pending_lock:
            self._pending[ident] = row
        self._wake.set()

    def _do(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            cur = self._db.execute(sql, args)
            rows = cur.fetchall()
            self._db.commit()
            return rows

    # ------------------------------------------------------------------------------------------- secret
    def secret(self, make: bytes) -> bytes:
        """The signing secret kept across restarts (``make`` the first time)."""
        rows = self._do("SELECT value FROM meta WHERE key = 'secret'")
        if rows:
            return bytes(rows[0][0])
        self._do("INSERT INTO meta VALUES ('secret', ?)", (make,))
        return make

    # -------------------------------------------------------------------------------------------- games
    def save_game(self, g: Game) -> None:
        self._note(
            g.id,
            (
                g.id,
                g.owner,
                g.address,
                json.dumps(g.spec.to_json()),
                json.dumps(g.moves),
                g.failed,
                g.created,
                g.touched,
            ),
        )

    def delete_game(self, ident: str) -> None:
        self._note(ident, None)

    def games(self) -> list[dict[str, Any]]:
        self.flush()
        cols = ("id", "owner", "address", "spec", "moves", "failed", "created", "touched")
        out = []
        for r in self._do("SELECT * FROM games ORDER BY created"):
            d = dict(zip(cols, r, strict=True))
            d["spec"] = json.loads(d["spec"])
            d["moves"] = [tuple(m) for m in json.loads(d["moves"])]
            out.append(d)
        return out

    def forget_older(self, games_ttl: float, uploads_ttl: float) -> list[str]:
        """Drop rows past their retention; returns the upload targets to delete from disk."""
        self.flush()
        now = time.time()
        self._do("DELETE FROM games WHERE touched < ?", (now - games_ttl,))
        old = self._do("SELECT target FROM uploads WHERE created < ?", (now - uploads_ttl,))
        self._do("DELETE FROM uploads WHERE created < ?", (now - uploads_ttl,))
        return [r[0] for r in old]

    # ------------------------------------------------------------------------------------------ uploads
    def save_upload(
        self, ident: str, owner: str, label: str, target: str, created: float, address: str = ""
    ) -> None:
        self._do(
            "INSERT OR REPLACE INTO uploads (id, owner, label, target, created, address) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (ident, owner, label, target, created, address),
        )

    def delete_upload(self, ident: str) -> None:
        self._do("DELETE FROM uploads WHERE id = ?", (ident,))

    def uploads(self) -> list[dict[str, Any]]:
        cols = ("id", "owner", "label", "target", "created", "address")
        rows = self._do(f"SELECT {', '.join(cols)} FROM uploads ORDER BY created")
        return [dict(zip(cols, r, strict=True)) for r in rows]
