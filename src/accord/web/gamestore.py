"""Games by id, each bound to the client that started it, within fair shares (docs/web.md, "Limits").

Nobody's open game is ever evicted to make room for another's: a client beyond its share of open games, an
address beyond its share, or a full server gets 429 with the limit named. Only finished games are dropped to
make room (the client's own oldest first; when the server is full, the oldest finished game of the client
holding the most), and idle games expire after ``game_ttl``. With a :class:`~accord.web.persist.Store` the
games are written through to SQLite and rebuilt after a restart (see :mod:`accord.web.persist`).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from accord.web.game import Game
from accord.web.limits import LimitReached
from accord.web.settings import Settings

if TYPE_CHECKING:
    from accord.web.persist import Store


class GameStore:
    """Games by id within the fair shares of ``settings`` (see the module docstring)."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.s = settings
        self.limit = settings.max_games
        self.ttl = settings.game_ttl
        self.store = store
        self._games: dict[str, Game] = {}
        self._lock = threading.Lock()

    def restore(self, build: Callable[[dict], Game]) -> int:
        """Rebuild the persisted games with ``build`` (a row -> Game); those that cannot be rebuilt (their
        scenario is gone) are dropped. Returns how many came back."""
        if self.store is None:
            return 0
        for row in self.store.games():
            try:
                g = build(row)
            except Exception:  # noqa: BLE001 - a game that cannot be rebuilt is forgotten, not fatal
                self.store.delete_game(row["id"])
                continue
            self._games[g.id] = g
        return len(self._games)

    def __len__(self) -> int:
        return len(self._games)

    def _drop(self, ident: str) -> None:
        self._games.pop(ident, None)
        if self.store is not None:
            self.store.delete_game(ident)

    def _expire(self, now: float) -> None:
        for k, g in list(self._games.items()):
            if now - g.touched > self.ttl:
                self._drop(k)

    def add(self, game: Game) -> None:
        """Keep ``game``, or raise LimitReached naming the share it would exceed."""
        s = self.s
        with self._lock:
            now = time.time()
            self._expire(now)
            mine = [g for g in self._games.values() if g.owner == game.owner]
            if sum(g.open for g in mine) >= s.max_open_games_per_client:
                raise LimitReached(
                    f"at most {s.max_open_games_per_client} open games per player (max_open_games_per_client); "
                    "finish or walk away from one first"
                )
            if sum(g.address == game.address for g in self._games.values()) >= s.max_games_per_address:
                raise LimitReached(
                    f"at most {s.max_games_per_address} games from one network address (max_games_per_address)"
                )
            done = sorted((g for g in mine if not g.open), key=lambda g: g.touched)
            for g in done[: max(0, len(done) - s.max_finished_games_per_client + 1)]:
                self._drop(g.id)
            if len(self._games) >= self.limit:
                finished = [g for g in self._games.values() if not g.open]
                if not finished:
                    raise LimitReached(
                        f"the server holds its maximum of {self.limit:,} games (max_games); try again later"
                    )
                most = Counter(g.owner for g in finished).most_common(1)[0][0]
                self._drop(min((g for g in finished if g.owner == most), key=lambda g: g.touched).id)
            self._games[game.id] = game
        self.save(game)

    def save(self, game: Game) -> None:
        if self.store is not None:
            self.store.save_game(game)

    def get(self, ident: str, owner: str | None) -> Game:
        """The game, for its owner (``owner=None``: the facilitator); anyone else gets UnknownId (404)."""
        from accord.web.library import UnknownId

        with self._lock:
            g = self._games.get(ident)
            if g is None or time.time() - g.touched > self.ttl:
                if g is not None:
                    self._drop(ident)
                raise UnknownId(ident)
            if owner is not None and g.owner != owner:
                raise UnknownId(ident)  # the same answer as for an id that does not exist
            g.touched = time.time()
            return g

    def all(self, group: str | None = None) -> list[Game]:
        """Every live game (the facilitator's view), newest first; only those of ``group`` if given."""
        with self._lock:
            self._expire(time.time())
            games = list(self._games.values())
        return sorted((g for g in games if group is None or g.spec.group == group), key=lambda g: -g.created)
