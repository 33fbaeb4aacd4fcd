"""Games and uploads that survive a restart: SQLite (``web.sqlite``) in the server's data folder.

A game is stored as what determines it: its :class:`~accord.web.game.GameSpec` (scenario, party, opponent,
rounds, seed, class) and the person's moves; machine strategies are seeded, so replaying the moves on a new
session rebuilds the same game, trace included (the test replays and compares). An upload is stored as its
folder under ``uploads/`` plus a row (owner, label, time). Rows older than the retention
(``game_ttl`` / ``upload_ttl``) are forgotten at start. Python's ``sqlite3``; one connection, one lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from accord.web.game import Game

SCHEMA = """
CREATE TABLE IF NOT EXISTS games (
  id TEXT PRIMARY KEY, owner TEXT, address TEXT, spec TEXT, moves TEXT, failed TEXT,
  created REAL, touched REAL);
CREATE TABLE IF NOT EXISTS uploads (
  id TEXT PRIMARY KEY, owner TEXT, label TEXT, target TEXT, created REAL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB);
"""


class Store:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._db = sqlite3.connect(folder / "web.sqlite", check_same_thread=False)
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

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
        self._do(
            "INSERT OR REPLACE INTO games VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
        self._do("DELETE FROM games WHERE id = ?", (ident,))

    def games(self) -> list[dict[str, Any]]:
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
        now = time.time()
        self._do("DELETE FROM games WHERE touched < ?", (now - games_ttl,))
        old = self._do("SELECT target FROM uploads WHERE created < ?", (now - uploads_ttl,))
        self._do("DELETE FROM uploads WHERE created < ?", (now - uploads_ttl,))
        return [r[0] for r in old]

    # ------------------------------------------------------------------------------------------ uploads
    def save_upload(self, ident: str, owner: str, label: str, target: str, created: float) -> None:
        self._do(
            "INSERT OR REPLACE INTO uploads VALUES (?, ?, ?, ?, ?)", (ident, owner, label, target, created)
        )

    def delete_upload(self, ident: str) -> None:
        self._do("DELETE FROM uploads WHERE id = ?", (ident,))

    def uploads(self) -> list[dict[str, Any]]:
        cols = ("id", "owner", "label", "target", "created")
        return [dict(zip(cols, r, strict=True)) for r in self._do("SELECT * FROM uploads ORDER BY created")]
