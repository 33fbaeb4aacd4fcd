"""The pages: the library, a scenario, run, play, upload, a stakeholder table. Rendered on the server (Jinja2);
the run and play pages add small dependency-free scripts (static/run.js, static/play.js) for the live parts."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from accord.errors import InputError
from accord.strategies.catalog import available
from accord.web import views
from accord.web.charts import SOLUTION_STYLE, dance_svg, utility_svg
from accord.web.data import chart_for, forecast_for
from accord.web.library import UnknownId
from accord.web.routes_api import heavy, upload
from accord.web.state import WebState

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter()


def st(request: Request) -> WebState:
    return request.app.state.web


def _fmt(x: Any, nd: int = 3) -> str:
    if x is None:
        return "–"
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, float):
        return f"{x:.{nd}f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def _deal(o: Any) -> str:
    if not o:
        return "no agreement"
    return ", ".join(f"{k} = {v}" for k, v in o.items())


templates.env.filters["f"] = _fmt
templates.env.filters["deal"] = _deal


def page(request: Request, name: str, code: int = 200, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, ctx, status_code=code)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return page(request, "error.html", status, status=status, message=message)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home(request: Request) -> HTMLResponse:
    ctx = await heavy(request, _home, st(request).library)
    return await heavy(request, functools.partial(page, request, "library.html", **ctx))


def _home(lib: Any) -> dict[str, Any]:
    cards, broken = [], []
    for e in lib.entries():
        try:
            cards.append(views.scenario_info(lib, e.id))
        except InputError as exc:
            broken.append({"id": e.id, "error": str(exc)})
    return {"cards": cards, "broken": broken, "tables": lib.entries("table")}


@router.get("/scenarios/{sid}", response_class=HTMLResponse, include_in_schema=False)
async def scenario_page(
    sid: str, request: Request, x: str | None = None, y: str | None = None
) -> HTMLResponse:
    hit = st(request).library.peek(sid, f"page:{x}:{y}")  # the same page for every visitor: no thread
    return HTMLResponse(hit if hit is not None else await heavy(request, scenario_html, request, sid, x, y))


def scenario_html(request: Request, sid: str, x: str | None, y: str | None) -> bytes:
    """The scenario page, rendered once per file version and axes (it is the same for every visitor)."""
    s = st(request)
    e, _ = s.library.scenario(sid)
    make = lambda: page(request, "scenario.html", **_scenario_ctx(s, sid, x, y)).body  # noqa: E731
    return s.library.cached(e, f"page:{x}:{y}", make)


def _scenario_ctx(s: WebState, sid: str, x: str | None, y: str | None) -> dict[str, Any]:
    info = views.scenario_info(s.library, sid)
    a = s.library.analysis(sid, 0, 25)
    chart = chart_for(s, sid, x, y)
    forecast = None
    tid = s.settings.forecast_links.get(sid)
    if tid is not None:
        try:
            forecast = {"id": tid, "data": forecast_for(s, tid)}
        except (UnknownId, InputError):
            forecast = None
    n = info["outcomes"]
    return dict(
        info=info,
        a=a,
        chart=chart,
        svg=utility_svg(chart),
        styles=SOLUTION_STYLE,
        pareto=a["pareto"][:25],
        zopa_share=None if a.get("zopa_size") is None else a["zopa_size"] / n,
        forecast=forecast,
    )


@router.get("/scenarios/{sid}/run", response_class=HTMLResponse, include_in_schema=False)
async def run_page(
    sid: str,
    request: Request,
    mode: str | None = None,
    variant: str | None = None,
    seed: int = 0,
    steps: str | None = None,
) -> HTMLResponse:
    return await heavy(request, _run_page, sid, request, mode, variant, seed, steps)


def _run_page(
    sid: str, request: Request, mode: str | None, variant: str | None, seed: int, steps: str | None
) -> HTMLResponse:
    s = st(request)
    info = views.scenario_info(s.library, sid)
    q = request.query_params
    negs = [q.get(f"neg_{p['name']}", "").strip() for p in info["parties"]]
    result = error = None
    if mode is not None:
        try:
            steps_i = int(steps) if steps not in (None, "") else None
            if steps_i is not None and not 1 <= steps_i <= s.settings.max_rounds:
                raise InputError(None, "steps", f"1 to {s.settings.max_rounds} rounds", steps)
            if mode == "talks":
                result = views.run_one(s.library, sid, None, variant or "base", None, seed)
            else:
                chosen = [
                    n or (p["strategy"] or "boulware") for n, p in zip(negs, info["parties"], strict=True)
                ]
                result = views.run_one(s.library, sid, chosen, None, steps_i, seed)
        except ValueError:
            error = {"field": "steps", "message": f"steps: expected a whole number of rounds, got {steps!r}"}
        except InputError as exc:
            error = {"field": exc.field or "", "message": str(exc)}
    dance = None
    if result is not None:
        chart = chart_for(s, sid, None, None)
        dance = dance_svg(
            result["trace"], chart["x"], chart["y"], chart, [p["name"] for p in info["parties"]]
        )
    return page(
        request,
        "run.html",
        info=info,
        strategies=list(available()),
        negs=negs,
        mode=mode or ("talks" if info["talks"] else "strategies"),
        variant=variant or "base",
        seed=seed,
        steps=steps or "",
        result=result,
        error=error,
        dance=dance,
    )


@router.get("/scenarios/{sid}/play", response_class=HTMLResponse, include_in_schema=False)
async def play_page(sid: str, request: Request) -> HTMLResponse:
    info = st(request).library.peek(sid, "info")  # cached: no thread hop
    if info is None:
        info = await heavy(request, views.scenario_info, st(request).library, sid)
    group = request.query_params.get("group", "")[:80]
    return page(request, "play.html", info=info, strategies=list(available()), group=group)


@router.get("/tables/{tid}", response_class=HTMLResponse, include_in_schema=False)
async def table_page(tid: str, request: Request) -> HTMLResponse:
    s = st(request)
    data = await heavy(request, forecast_for, s, tid)
    linked = [k for k, v in s.settings.forecast_links.items() if v == tid]
    return page(request, "table.html", tid=tid, f=data, linked=linked)


@router.get("/upload", response_class=HTMLResponse, include_in_schema=False)
def upload_form(request: Request) -> HTMLResponse:
    return page(request, "upload.html", error=None, text="", limits=st(request).settings)


@router.post("/upload", include_in_schema=False)
async def upload_post(
    request: Request,
    file: Annotated[UploadFile | None, File()] = None,
    text: Annotated[str, Form()] = "",
) -> Response:
    s = st(request)
    data, name = b"", "pasted.yaml"
    if file is not None and file.filename:
        data = await file.read(s.settings.max_upload_bytes + 1)
        name = file.filename
    elif text.strip():
        data = text.encode("utf-8")
    try:
        if not data:
            raise InputError(None, "file", "a YAML file, a zip of a GENIUS folder, or YAML text")
        made = await upload(request, name, data)
    except InputError as exc:
        shown = ""
        if data and data[:4] != b"PK\x03\x04":
            shown = data[:200_000].decode("utf-8", "replace")
        err = {
            "message": str(exc),
            "file": exc.file,
            "field": exc.field,
            "expected": exc.expected,
            "got": exc.got,
            "line": exc.line,
        }
        return page(request, "upload.html", 422, error=err, text=shown, limits=s.settings)
    return RedirectResponse(f"/scenarios/{made['id']}", status_code=303)
