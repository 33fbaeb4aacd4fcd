"""Games from their spec: start, replay (after a restart, or from an exported trace) and export.

A game is determined by its :class:`~accord.web.game.GameSpec` and the person's moves (every machine
strategy draws from the session's seeded streams), so :func:`build_game` with the moves of a game gives
the same game again: same trace, same result. :func:`export_rows` is the game's trace as rows (the
protocol's own ``Trace.rows`` once finished) plus what a replay needs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from accord import api
from accord.web.game import Game, GameSession, GameSpec

if TYPE_CHECKING:
    from accord.web.library import Library


def build_game(
    lib: Library,
    spec: GameSpec,
    *,
    owner: str,
    address: str = "",
    ident: str | None = None,
    moves: Iterable[tuple[str, int | None]] = (),
) -> Game:
    """A new game from ``spec`` with ``moves`` replayed (InputError if the spec or a move is invalid)."""
    e, sc, comp = lib.compiled(spec.scenario)
    me = sc.party_index(spec.party)
    machines, opponents = {}, {}
    for i, p in enumerate(sc.parties):
        if i == me:
            continue
        name = spec.opponent or p.strategy or "boulware"
        machines[i] = api.negotiator_for(name)
        opponents[p.name] = name
    session = GameSession(comp, me, machines, deadline=spec.rounds, seed=spec.seed)
    game = Game(session, e.id, opponents, owner=owner, address=address, spec=spec, ident=ident)
    for kind, offer in moves:
        game.play(kind, None if offer is None else int(offer))
    return game


def restore(lib: Library, row: dict[str, Any]) -> Game:
    """A persisted game (a row of :class:`~accord.web.persist.Store`) rebuilt by replaying its moves."""
    g = build_game(
        lib,
        GameSpec(**row["spec"]),
        owner=row["owner"],
        address=row["address"],
        ident=row["id"],
        moves=row["moves"],
    )
    g.created, g.touched, g.failed = row["created"], row["touched"], row["failed"]
    return g


def export(game: Game) -> dict[str, Any]:
    """The game as JSON: spec, moves (replayable with ``POST /api/games/replay``) and the trace rows."""
    s = game.session
    sc = s.compiled.scenario
    names = sc.party_names
    if s.result is not None:
        rows = api.trace_rows(sc, s.result)
    else:
        rows = [
            {
                "round": r,
                "party": names[p],
                "action": a,
                "outcome": sc.space.outcome(o) if o >= 0 else None,
                "time": t,
            }
            for r, p, a, o, t in s.log
        ]
    return {
        "id": game.id,
        "spec": game.spec.to_json(),
        "moves": [{"move": k, "offer": o} for k, o in game.moves],
        "status": "running" if s.result is None else s.result.end,
        "result": None if s.result is None else s.result.summary(),
        "trace": rows,
    }


def export_csv(data: dict[str, Any]) -> str:
    """The trace rows of :func:`export` as CSV: one row per action, the outcome's issues and the utilities
    as columns."""
    rows = data["trace"]
    flat = []
    for r in rows:
        d = {k: v for k, v in r.items() if k not in ("outcome", "utilities")}
        for k, v in (r.get("outcome") or {}).items():
            d[f"issue:{k}"] = v
        for k, v in (r.get("utilities") or {}).items():
            d[f"utility:{k}"] = v
        flat.append(d)
    cols: list[str] = []
    for d in flat:
        cols += [k for k in d if k not in cols]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols or ["round"])
    w.writeheader()
    w.writerows(flat)
    return buf.getvalue()
