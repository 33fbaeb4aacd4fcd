"""The JSON API under /api (documented by FastAPI's OpenAPI schema at /api/openapi.json).

Contract: ``GET /api/scenarios`` returns a list of ``{id, name}``; ``GET /api/scenarios/{id}/analysis``
returns the object of ``accord analyze --json``. Bad input answers 422 with ``{"error": {message, file,
field, expected, got, line}}``; an unknown id 404; a failing simulation a JSON error, never a dead server.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from accord import api
from accord.errors import InputError
from accord.web import views
from accord.web.game import Game, GameSession
from accord.web.jobs import Busy
from accord.web.library import UnknownId
from accord.web.state import WebState

router = APIRouter(prefix="/api")

Value = str | int | float | bool
Outcome = dict[str, Value]
Seed = Annotated[int, Field(ge=0, le=2**31 - 1, description="Seed of the run (same seed, same result).")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Spec = Annotated[
    str, Field(min_length=1, max_length=300, description="A strategy name or spec, e.g. aspiration(e=2).")
]


class ScenarioRef(BaseModel):
    id: str
    name: str


class OutcomeIn(BaseModel):
    outcome: Outcome = Field(description="{issue: value} naming every issue")


class RunIn(BaseModel):
    negotiators: list[Spec] | None = Field(None, max_length=12, description="One for all, or one per party.")
    variant: Name | None = Field(
        None, description="Run the file's staged talks with this variant ('base': none)."
    )
    steps: Annotated[int, Field(ge=1, le=1000)] | None = None
    seed: Seed = 0


class MonteCarloIn(BaseModel):
    runs: Annotated[int, Field(ge=1, le=100_000)] = 100
    seed: Seed = 0
    negotiators: list[Spec] | None = Field(None, max_length=12)
    variant: Name | None = None


class ImplementIn(BaseModel):
    deal: Outcome | None = Field(None, description="The agreement; default: the talks' most frequent one.")
    variant: Name | None = None
    runs: Annotated[int, Field(ge=1, le=100_000)] = 1000
    seed: Seed = 0


class GameIn(BaseModel):
    scenario: Name
    party: Name = Field(description="The party the person plays.")
    opponent: Spec | None = Field(None, description="The machine strategy (default: each party's own).")
    rounds: Annotated[int, Field(ge=1, le=1000)] | None = None
    seed: Seed = 0


class MoveIn(BaseModel):
    move: Literal["offer", "accept", "walk"]
    outcome: Outcome | None = Field(None, description="The offer, for move = offer.")


def st(request: Request) -> WebState:
    return request.app.state.web


def _json(obj: Any, status: int = 200) -> Response:
    """JSON as ``accord ... --json`` writes it (``default=str``), so the API and the CLI agree exactly."""
    return Response(json.dumps(obj, default=str), status_code=status, media_type="application/json")


# ------------------------------------------------------------------------------------------- scenarios
@router.get("/scenarios", response_model=list[ScenarioRef], summary="The scenario library")
def list_scenarios(request: Request) -> list[dict[str, str]]:
    lib = st(request).library
    out = []
    for e in lib.entries():
        try:
            name = lib.scenario(e.id)[1].name
        except InputError:
            name = e.id
        out.append({"id": e.id, "name": name})
    return out


@router.get("/scenarios/{sid}", summary="A scenario: description, issues, parties, sources, history")
def get_scenario(sid: str, request: Request) -> Response:
    return _json(views.scenario_info(st(request).library, sid))


@router.get("/scenarios/{sid}/analysis", summary="The object of `accord analyze --json`")
def get_analysis(sid: str, request: Request) -> Response:
    return _json(st(request).library.analysis(sid))


@router.get("/scenarios/{sid}/chart", summary="Utility-space chart data (downsampled for large spaces)")
def get_chart(sid: str, request: Request, x: str | None = None, y: str | None = None) -> Response:
    from accord.web.routes_pages import chart_for

    return _json(chart_for(st(request), sid, x, y))


@router.post("/scenarios/{sid}/utility", summary="Every party's utility of an outcome")
def post_utility(sid: str, body: OutcomeIn, request: Request) -> Response:
    _, sc = st(request).library.scenario(sid)
    comp = api.compile_scenario(sc)
    idx = views.outcome_index(sc, body.outcome)
    return _json(
        {
            "index": idx,
            "utilities": {n: float(comp.utilities[i, idx]) for i, n in enumerate(sc.party_names)},
            "acceptable": {
                n: bool(comp.acceptable[i, idx]) if comp.has_constraints else True
                for i, n in enumerate(sc.party_names)
            },
            "reservations": {n: float(v) for n, v in zip(sc.party_names, comp.reservations, strict=True)},
        }
    )


@router.post("/scenarios/{sid}/run", summary="Run one negotiation; its result, trace and distances")
def post_run(sid: str, body: RunIn, request: Request) -> Response:
    return _json(
        views.run_one(st(request).library, sid, body.negotiators, body.variant, body.steps, body.seed)
    )


@router.post(
    "/scenarios/{sid}/montecarlo", status_code=202, summary="Start a Monte Carlo batch (poll /api/jobs/{id})"
)
def post_montecarlo(sid: str, body: MonteCarloIn, request: Request) -> Response:
    from accord.experiments import plan_montecarlo

    s = st(request)
    e, sc = s.library.scenario(sid)
    if body.runs > s.settings.max_montecarlo_runs:
        raise InputError(
            None, "runs", f"at most {s.settings.max_montecarlo_runs:,} runs on this server", body.runs
        )
    try:
        plan = plan_montecarlo(
            e.path,
            body.runs,
            seed=body.seed,
            negotiators=body.negotiators,
            variants=[body.variant] if body.variant else None,
            chunk_size=max(1, body.runs // 25),
        )
    except InputError as exc:
        from accord.web.library import relabel

        raise relabel(exc, e) from None
    try:
        job = s.jobs.start_montecarlo(sid, plan, list(sc.party_names))
    except Busy as exc:
        return JSONResponse({"error": {"message": str(exc)}}, status_code=429)
    return _json(job.to_json(), 202)


@router.get("/jobs/{jid}", summary="Progress and result of a Monte Carlo batch")
def get_job(jid: str, request: Request) -> Response:
    return _json(st(request).jobs.get(jid).to_json())


@router.post("/scenarios/{sid}/implement", summary="Simulated implementation of a deal (`accord implement`)")
def post_implement(sid: str, body: ImplementIn, request: Request) -> Response:
    s = st(request)
    e, _ = s.library.scenario(sid)
    if body.runs > s.settings.max_implementation_runs:
        raise InputError(None, "runs", f"at most {s.settings.max_implementation_runs:,} runs", body.runs)
    ts = s.library.talks(e)
    if ts is None or ts.implementation is None:
        raise InputError(e.label, "implementation", "a scenario with an implementation block")
    if body.variant not in (None, "base"):
        ts = api.load_talks(e.path, body.variant)
    return _json(api.implement(ts, deal=body.deal, runs=body.runs, seed=body.seed))


@router.get("/scenarios/{sid}/forecast", summary="The stakeholder forecast linked to a scenario")
def get_scenario_forecast(sid: str, request: Request) -> Response:
    s = st(request)
    s.library.get(sid)
    tid = s.settings.forecast_links.get(sid)
    if tid is None:
        raise UnknownId(f"{sid} has no stakeholder table")
    return _json(forecast_for(s, tid))


@router.get("/tables", response_model=list[ScenarioRef], summary="Stakeholder tables in the library")
def list_tables(request: Request) -> list[dict[str, str]]:
    return [{"id": e.id, "name": e.label} for e in st(request).library.entries("table")]


@router.get("/tables/{tid}/forecast", summary="`accord forecast --json` of a stakeholder table")
def get_table_forecast(tid: str, request: Request) -> Response:
    return _json(forecast_for(st(request), tid))


def forecast_for(s: WebState, tid: str) -> dict[str, Any]:
    from accord.forecast.api import forecast

    e = s.library.get(tid, "table")
    return s.library.cached(e, "forecast", lambda: forecast(e.path))


@router.get("/strategies", summary="The machine strategies")
def get_strategies() -> list[dict[str, Any]]:
    from accord.strategies.base import available

    return [
        {"name": k, "family": v.family, "description": v.description, "source": v.source}
        for k, v in available().items()
    ]


@router.post("/uploads", summary="Upload a scenario: YAML, or a zip of a GENIUS/GeniusWeb folder")
def post_upload(request: Request, file: Annotated[UploadFile, File()]) -> Response:
    from accord.web.uploads import save_upload

    s = st(request)
    data = file.file.read(s.settings.max_upload_bytes + 1)
    e = save_upload(s.library, s.upload_dir, file.filename or "scenario.yaml", data)
    return _json({"id": e.id, "name": s.library.scenario(e.id)[1].name})


# ------------------------------------------------------------------------------------------- games
@router.post("/games", summary="Start a game: the person plays one party against machine strategies")
def post_game(body: GameIn, request: Request) -> Response:
    s = st(request)
    e, sc = s.library.scenario(body.scenario)
    me = sc.party_index(body.party)
    comp = api.compile_scenario(sc)
    machines, opponents = {}, {}
    for i, p in enumerate(sc.parties):
        if i == me:
            continue
        spec = body.opponent or p.strategy or "boulware"
        machines[i] = api.negotiator_for(spec)
        opponents[p.name] = spec
    session = GameSession(comp, me, machines, deadline=body.rounds, seed=body.seed)
    game = Game(session, e.id, opponents)
    s.games.add(game)
    return _json(views.game_view(s.library, game))


@router.get("/games/{gid}", summary="The state of a game, as its player sees it")
def get_game(gid: str, request: Request) -> Response:
    s = st(request)
    g = s.games.get(gid)
    with g.lock:
        return _json(views.game_view(s.library, g))


@router.post("/games/{gid}/value", summary="What an offer is worth to the player (before sending it)")
def post_value(gid: str, body: OutcomeIn, request: Request) -> Response:
    s = st(request)
    g = s.games.get(gid)
    sess = g.session
    sc = sess.compiled.scenario
    idx = views.outcome_index(sc, body.outcome)
    return _json(
        {
            "index": idx,
            "value": float(sess.compiled.utilities[sess.human, idx]),
            "reservation": float(sess.compiled.reservations[sess.human]),
            "allowed": sess.allowed(idx),
        }
    )


@router.post("/games/{gid}/move", summary="The player's move: offer, accept or walk away")
def post_move(gid: str, body: MoveIn, request: Request) -> Response:
    s = st(request)
    g = s.games.get(gid)
    with g.lock:
        if g.failed:
            raise InputError(None, "move", "a move in a running game (this one failed)", body.move)
        idx = None
        if body.move == "offer":
            if body.outcome is None:
                raise InputError(None, "outcome", "the offer {issue: value} for move = offer")
            idx = views.outcome_index(g.session.compiled.scenario, body.outcome)
        try:
            g.session.move(body.move, idx)
        except InputError:
            raise
        except Exception as exc:
            g.failed = f"the machine strategy failed: {type(exc).__name__}: {exc}"
            raise
        return _json(views.game_view(s.library, g))
