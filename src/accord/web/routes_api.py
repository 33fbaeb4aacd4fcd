"""The JSON API under /api (documented by FastAPI's OpenAPI schema at /api/openapi.json).

Contract: ``GET /api/scenarios`` returns a list of ``{id, name}``; ``GET /api/scenarios/{id}/analysis``
returns the object of ``accord analyze --json``. Bad input answers 422 with ``{"error": {message, file,
field, expected, got, line}}``; an unknown id 404; a failing simulation a JSON error, never a dead server.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field

from accord import api
from accord.errors import InputError
from accord.strategies.catalog import available
from accord.web import views
from accord.web.clients import address_of, client_of
from accord.web.data import chart_for, forecast_for
from accord.web.library import UnknownId, relabel
from accord.web.scrub import scrub
from accord.web.state import WebState


class ErrorDetail(BaseModel):
    message: str
    file: str | None = None
    field: str | None = None
    expected: str | None = None
    got: str | None = None
    line: int | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail


def _err(text: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": text}


#: Every status a route of the API may answer besides its success (docs/web.md, "Limits").
ERRORS: dict[int | str, dict[str, Any]] = {
    400: _err("A body that is not valid JSON (or not UTF-8)"),
    403: _err("The facilitator view without the facilitator key"),
    404: _err("No such scenario, table, game or job (or a game of another player)"),
    413: _err("The request body, or the work it asks for, is larger than the server accepts"),
    422: _err("Bad input: the message names the file, the field and what was expected"),
    429: _err("A fair share is used up (open games, batches); the message names the limit"),
    503: _err("The server is busy or the request ran past its time limit; try again shortly"),
}
router = APIRouter(prefix="/api", responses=ERRORS)

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


def st(request: Request) -> WebState:
    return request.app.state.web


JSON = "application/json"


def _json(obj: Any, status: int = 200) -> Response:
    """JSON as ``accord ... --json`` writes it (``default=str``), so the API and the CLI agree exactly."""
    return Response(json.dumps(obj, default=str), status_code=status, media_type="application/json")


async def heavy(request: Request, fn: Any, *args: Any) -> Any:
    """``fn(*args)`` on the app's bounded worker pool (accord.web.work)."""
    return await st(request).pool.run(fn, *args)


# ------------------------------------------------------------------------------------------- scenarios
@router.get("/scenarios", response_model=list[ScenarioRef], summary="The scenario library")
async def list_scenarios(request: Request) -> list[dict[str, str]]:
    return await heavy(request, _list, st(request).library)


def _list(lib: Any) -> list[dict[str, str]]:
    out = []
    for e in lib.entries():
        try:
            name = lib.scenario(e.id)[1].name
        except InputError:
            name = e.id
        out.append({"id": e.id, "name": name})
    return out


@router.get("/scenarios/{sid}", summary="A scenario: description, issues, parties, sources, history")
async def get_scenario(sid: str, request: Request) -> Response:
    return _json(await heavy(request, views.scenario_info, st(request).library, sid))


@router.get(
    "/scenarios/{sid}/analysis",
    summary="The object of `accord analyze --json`, the frontier paged (`pareto_page` when it is long)",
)
async def get_analysis(
    sid: str,
    request: Request,
    offset: Annotated[int, Query(ge=0, le=10**13, description="First frontier point of the page")] = 0,
    limit: Annotated[
        int | None, Query(ge=0, le=100_000, description="Points per page (at most page_size)")
    ] = None,
) -> Response:
    lib = st(request).library
    hit = lib.peek(sid, "analysis-json") if offset == 0 and limit is None else None
    if hit is None:  # the first page, serialised, is served from the cache without a worker thread
        hit = await heavy(request, analysis_bytes, lib, sid, offset, limit)
    return Response(hit, media_type=JSON)


def analysis_bytes(lib: Any, sid: str, offset: int = 0, limit: int | None = None) -> bytes:
    """The analysis answer; its first page (what pages and players ask for) serialised once per file
    version, other pages each time (their number is up to the client, so they are not kept)."""
    if offset == 0 and limit is None:
        e, _ = lib.scenario(sid)
        return lib.cached(e, "analysis-json", lambda: json.dumps(lib.analysis(sid), default=str).encode())
    return json.dumps(lib.analysis(sid, offset, limit), default=str).encode()


@router.get("/scenarios/{sid}/chart", summary="Utility-space chart data (downsampled for large spaces)")
async def get_chart(sid: str, request: Request, x: str | None = None, y: str | None = None) -> Response:
    return _json(await heavy(request, chart_for, st(request), sid, x, y))


@router.post("/scenarios/{sid}/utility", summary="Every party's utility of an outcome")
async def post_utility(sid: str, body: OutcomeIn, request: Request) -> Response:
    return _json(await heavy(request, _utility, st(request), sid, body))


def _utility(s: WebState, sid: str, body: OutcomeIn) -> dict[str, Any]:
    _, sc, comp = s.library.compiled(sid)
    idx = views.outcome_index(sc, body.outcome)
    return {
        "index": idx,
        "utilities": {n: float(comp.utilities[i, idx]) for i, n in enumerate(sc.party_names)},
        "acceptable": {
            n: bool(comp.acceptable[i, idx]) if comp.has_constraints else True
            for i, n in enumerate(sc.party_names)
        },
        "reservations": {n: float(v) for n, v in zip(sc.party_names, comp.reservations, strict=True)},
    }


@router.post("/scenarios/{sid}/run", summary="Run one negotiation; its result, trace and distances")
async def post_run(sid: str, body: RunIn, request: Request) -> Response:
    lib = st(request).library
    return _json(
        await heavy(request, views.run_one, lib, sid, body.negotiators, body.variant, body.steps, body.seed)
    )


@router.post(
    "/scenarios/{sid}/montecarlo", status_code=202, summary="Start a Monte Carlo batch (poll /api/jobs/{id})"
)
async def post_montecarlo(sid: str, body: MonteCarloIn, request: Request) -> Response:
    return _json(await heavy(request, _montecarlo, st(request), sid, body, client_of(request)), 202)


def _montecarlo(s: WebState, sid: str, body: MonteCarloIn, owner: str) -> dict[str, Any]:
    from accord.experiments import plan_montecarlo

    e, sc, _ = s.library.compiled(sid)
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
        raise relabel(exc, e) from None
    return s.jobs.start_montecarlo(sid, plan, list(sc.party_names), owner).to_json()


@router.get("/jobs/{jid}", summary="Progress and result of a Monte Carlo batch")
def get_job(jid: str, request: Request) -> Response:
    out = st(request).jobs.get(jid).to_json()
    if out.get("error"):  # a failure's text names no folder of the server (a batch runs in a temporary one)
        out["error"] = scrub(out["error"], st(request))
    return _json(out)


@router.post("/scenarios/{sid}/implement", summary="Simulated implementation of a deal (`accord implement`)")
async def post_implement(sid: str, body: ImplementIn, request: Request) -> Response:
    return _json(await heavy(request, _implement, st(request), sid, body))


def _implement(s: WebState, sid: str, body: ImplementIn) -> dict[str, Any]:
    e, _ = s.library.scenario(sid)
    if body.runs > s.settings.max_implementation_runs:
        raise InputError(None, "runs", f"at most {s.settings.max_implementation_runs:,} runs", body.runs)
    ts = s.library.talks(e)
    if ts is None or ts.implementation is None:
        raise InputError(e.label, "implementation", "a scenario with an implementation block")

    def make() -> dict[str, Any]:
        t = ts if body.variant in (None, "base") else api.load_talks(e.path, body.variant)
        return api.implement(t, deal=body.deal, runs=body.runs, seed=body.seed)

    # Seeded, so the same request gives the same answer: kept (bounded) for the next student.
    key = json.dumps(
        ["implement", body.variant, body.deal, body.runs, body.seed], sort_keys=True, default=str
    )
    return s.library.memo(e, key, make)


@router.get("/scenarios/{sid}/forecast", summary="The stakeholder forecast linked to a scenario")
async def get_scenario_forecast(sid: str, request: Request) -> Response:
    s = st(request)
    s.library.get(sid)
    tid = s.settings.forecast_links.get(sid)
    if tid is None:
        raise UnknownId(f"{sid} has no stakeholder table")
    return _json(await heavy(request, forecast_for, s, tid))


@router.get("/tables", response_model=list[ScenarioRef], summary="Stakeholder tables in the library")
def list_tables(request: Request) -> list[dict[str, str]]:
    return [{"id": e.id, "name": e.label} for e in st(request).library.entries("table")]


@router.get("/tables/{tid}/forecast", summary="`accord forecast --json` of a stakeholder table")
async def get_table_forecast(tid: str, request: Request) -> Response:
    return _json(await heavy(request, forecast_for, st(request), tid))


@router.get("/strategies", summary="The machine strategies")
def get_strategies() -> list[dict[str, Any]]:
    return [
        {"name": k, "family": v.family, "description": v.description, "source": v.source}
        for k, v in available().items()
    ]


@router.post("/uploads", summary="Upload a scenario: YAML, or a zip of a GENIUS/GeniusWeb folder")
async def post_upload(
    request: Request,
    file: Annotated[UploadFile, File(json_schema_extra={"minLength": 1}, description="YAML, or a zip")],
) -> Response:
    s = st(request)
    data = await file.read(s.settings.max_upload_bytes + 1)
    return _json(await upload(request, file.filename or "scenario.yaml", data))


async def upload(request: Request, name: str, data: bytes) -> dict[str, str]:
    """Store, parse (in a child process, time-limited) and load an upload on the parse pool."""
    from accord.web.uploads import save_upload

    s = st(request)

    def work() -> dict[str, str]:
        e = save_upload(s.library, s.upload_dir, name, data, client_of(request), address_of(request))
        return {"id": e.id, "name": s.library.scenario(e.id)[1].name}

    return await s.parse_pool.run(work)
