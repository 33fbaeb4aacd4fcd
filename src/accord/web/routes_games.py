"""The games API under /api/games: each game belongs to the client (browser) that started it.

Reads, values, moves, exports and the end analysis of a game answer its owner only; any other client gets
404, the same answer as for an id that does not exist (accord.web.clients, accord.web.gamestore). The
facilitator (``accord serve --facilitator-key``) reads every game: ``GET /api/facilitator/games``.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from accord.errors import InputError
from accord.web import views
from accord.web.clients import address_of, client_of, is_facilitator
from accord.web.game import Game, GameSpec
from accord.web.gameplay import build_game, export, export_csv
from accord.web.routes_api import ERRORS, Name, OutcomeIn, Seed, Spec, _json, heavy, st

router = APIRouter(prefix="/api", responses=ERRORS)


class GameIn(BaseModel):
    scenario: Name
    party: Name = Field(description="The party the person plays.")
    opponent: Spec | None = Field(None, description="The machine strategy (default: each party's own).")
    rounds: Annotated[int, Field(ge=1, le=1000)] | None = None
    seed: Seed = 0
    group: Annotated[str, Field(min_length=1, max_length=80)] | None = Field(
        None, description="The class this game belongs to (the facilitator's view groups by it)."
    )


class MoveIn(BaseModel):
    move: Literal["offer", "accept", "walk"]
    outcome: dict[str, str | int | float | bool] | None = Field(
        None, description="The offer, for move = offer."
    )


class ReplayOffer(BaseModel):
    move: Literal["offer"]
    offer: Annotated[int, Field(ge=0, le=2**53, description="The outcome's index in the scenario's space")]


class ReplayOther(BaseModel):
    move: Literal["accept", "walk"]
    offer: None = None


class ReplayIn(BaseModel):
    spec: GameIn
    moves: list[Annotated[ReplayOffer | ReplayOther, Field(discriminator="move")]] = Field(
        default_factory=list, max_length=2000
    )


def _game(request: Request, gid: str) -> Game:
    return st(request).games.get(gid, client_of(request))


def _start(request: Request, body: GameIn, moves: list[tuple[str, int | None]]) -> dict[str, Any]:
    s = st(request)
    spec = GameSpec(body.scenario, body.party, body.opponent, body.rounds, body.seed, body.group)
    game = build_game(s.library, spec, owner=client_of(request), address=address_of(request), moves=moves)
    s.games.add(game)
    return views.game_view(s.library, game)


@router.post("/games", summary="Start a game: the person plays one party against machine strategies")
async def post_game(body: GameIn, request: Request) -> Response:
    return _json(await heavy(request, _start, request, body, []))


@router.post("/games/replay", summary="A new game replaying an exported one's spec and moves")
async def post_replay(body: ReplayIn, request: Request) -> Response:
    moves: list[tuple[str, int | None]] = [(m.move, m.offer) for m in body.moves]
    return _json(await heavy(request, _start, request, body.spec, moves))


async def on_games(request: Request, fn: Any, *args: Any) -> Any:
    """``fn(*args)`` on the app's game threads (see WebState.game_pool)."""
    return await st(request).game_pool.run(fn, *args)


@router.get("/games/{gid}", summary="The state of a game, as its player sees it")
async def get_game(gid: str, request: Request) -> Response:
    return await on_games(request, _get_game, gid, request)


def _get_game(gid: str, request: Request) -> Response:
    g = _game(request, gid)
    with g.lock:
        return _json(views.game_view(st(request).library, g))


@router.get(
    "/games/{gid}/export",
    summary="The game's spec, moves and trace (JSON or CSV), replayable",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}, "description": "The export"}},
)
def get_export(
    gid: str, request: Request, format: Annotated[Literal["json", "csv"], Query()] = "json"
) -> Response:
    g = _game(request, gid)
    with g.lock:
        data = export(g)
    if format == "csv":
        return Response(
            export_csv(data),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="game-{g.id}.csv"'},
        )
    return _json(data)


@router.post("/games/{gid}/value", summary="What an offer is worth to the player (before sending it)")
async def post_value(gid: str, body: OutcomeIn, request: Request) -> Response:
    # On the event loop: an index from the issues' values and one utility looked up, no strategy asked
    # (a thread hop would cost more than the work).
    g = _game(request, gid)
    sess = g.session
    idx = views.outcome_index(sess.compiled.scenario, body.outcome)
    return _json(
        {
            "index": idx,
            "value": float(sess.compiled.utilities[sess.human, idx]),
            "reservation": float(sess.compiled.reservations[sess.human]),
            "allowed": sess.allowed(idx),
        }
    )


@router.post("/games/{gid}/move", summary="The player's move: offer, accept or walk away")
async def post_move(gid: str, body: MoveIn, request: Request) -> Response:
    return await on_games(request, _move, gid, body, request)


def _move(gid: str, body: MoveIn, request: Request) -> Response:
    s = st(request)
    g = _game(request, gid)
    with g.lock:
        if g.failed:
            raise InputError(None, "move", "a move in a running game (this one failed)", body.move)
        idx = None
        if body.move == "offer":
            if body.outcome is None:
                raise InputError(None, "outcome", "the offer {issue: value} for move = offer")
            idx = views.outcome_index(g.session.compiled.scenario, body.outcome)
        try:
            g.play(body.move, idx)
        except InputError:
            raise
        except Exception as exc:
            g.failed = f"the machine strategy failed: {type(exc).__name__}: {exc}"
            s.games.save(g)
            raise
        s.games.save(g)
        return _json(views.game_view(s.library, g))


def facilitator_ok(request: Request, key: str | None) -> bool:
    """The facilitator's cookie, or the key itself in the ``X-Facilitator-Key`` header."""
    want = st(request).settings.facilitator_key
    if want is None:
        return False
    return is_facilitator(request) or (key is not None and hmac.compare_digest(key, want))


def class_games(request: Request, group: str | None) -> list[dict[str, Any]]:
    """Every game (of ``group`` if given) as the facilitator sees it: the player's view and, once finished,
    the end analysis."""
    s = st(request)
    out = []
    for g in s.games.all(group):
        with g.lock:
            v = views.game_view(s.library, g)
        v.pop("history", None)
        if v.get("result"):
            v["result"] = {k: v["result"][k] for k in v["result"] if k != "trace"}
        v["group"] = g.spec.group
        v["moves"] = len(g.moves)
        out.append(v)
    return out


@router.get("/facilitator/games", summary="Every game of the class, live, with end analyses (facilitator)")
def get_class_games(
    request: Request,
    group: Annotated[str | None, Query(max_length=80)] = None,
    x_facilitator_key: Annotated[str | None, Header()] = None,
) -> Response:
    if not facilitator_ok(request, x_facilitator_key):
        raise HTTPException(
            403, "the facilitator view needs the facilitator key (accord serve --facilitator-key)"
        )
    return _json(class_games(request, group))
