"""The FastAPI application: ``create_app(settings)`` builds one instance (``accord serve`` runs it).

Errors: accord's :class:`~accord.errors.InputError` answers 422 with the file, field and expectation (the
pages show it next to the field); an unknown id 404; any other exception in a request (a simulation that
fails) a JSON error with status 500, logged, and the server carries on.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from accord.errors import AccordError, InputError
from accord.web.assets import Assets
from accord.web.clients import COOKIE, FACILITATOR_COOKIE, new_client_id
from accord.web.data import warm
from accord.web.library import UnknownId
from accord.web.limits import LimitReached, Overloaded, TooLarge
from accord.web.scrub import scrub
from accord.web.settings import Settings
from accord.web.state import WebState

HERE = Path(__file__).resolve().parent
log = logging.getLogger("accord.web")


def error_body(exc: Exception, state: WebState | None = None) -> dict[str, Any]:
    if isinstance(exc, InputError):
        file = exc.file if state is None or exc.file is None else scrub(str(exc.file), state)
        return {
            "message": str(exc) if state is None else scrub(str(exc), state),
            "file": file,
            "field": exc.field,
            "expected": exc.expected,
            "got": None if exc.got is None else str(exc.got)[:200],
            "line": exc.line,
        }
    return {"message": str(exc) if state is None else scrub(str(exc), state)}


def body_cap(settings: Settings) -> int:
    return settings.max_upload_bytes + 64_000


def too_large_message(settings: Settings) -> str:
    return f"request body larger than {body_cap(settings):,} bytes (max_upload_bytes + 64,000)"


class DeclaredLength:
    """Refuses at once, with 413, a request whose Content-Length is over the cap (or not a number). Bodies
    without a length, or with a lying one, are limited while they stream by FastAPI's ``max_body_size``."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            size = dict(scope.get("headers") or []).get(b"content-length")
            if size is not None and (not size.isdigit() or int(size) > body_cap(self.settings)):
                msg = too_large_message(self.settings)
                await JSONResponse({"error": {"message": msg}}, status_code=413)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class Identify:
    """Every request gets its client id (a signed cookie, made on the first answer) and whether it comes
    from the facilitator (see accord.web.clients). Plain ASGI: no per-request task as in BaseHTTPMiddleware."""

    def __init__(self, app: Any, state: WebState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        st = self.state
        cookies = Request(scope).cookies
        cid = st.signer.check(cookies.get(COOKIE))
        fresh = cid is None
        client = cid or new_client_id()
        fac = (
            st.settings.facilitator_key is not None
            and st.signer.check(cookies.get(FACILITATOR_COOKIE)) == "facilitator"
        )
        scope.setdefault("state", {}).update(client=client, facilitator=fac)
        if not fresh:
            await self.app(scope, receive, send)
            return
        age = int(max(st.settings.game_ttl, st.settings.upload_ttl))
        cookie = f"{COOKIE}={st.signer.sign(client)}; Max-Age={age}; Path=/; HttpOnly; SameSite=lax"

        async def send_cookie(message: Any) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"set-cookie", cookie.encode("latin-1"))]
            await send(message)

        await self.app(scope, receive, send_cookie)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app with its own library, games, jobs and upload folder."""
    state = WebState(settings or Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        if state.settings.warm:
            state.pool.ex.submit(warm, state)
        yield
        state.close()

    app = FastAPI(
        title="accord",
        description="Explore negotiations, run what-ifs and negotiate against the machine (docs/web.md).",
        version="0.1.0",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
        max_body_size=body_cap(state.settings),
    )
    app.state.web = state

    app.add_middleware(Identify, state=state)
    app.add_middleware(DeclaredLength, settings=state.settings)

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError):  # type: ignore[no-untyped-def]
        if _wants_html(request):
            from accord.web.routes_pages import error_page

            return error_page(request, 422, scrub(str(exc), state))
        return JSONResponse({"error": error_body(exc, state)}, status_code=422)

    @app.exception_handler(AccordError)
    async def accord_error(request: Request, exc: AccordError):  # type: ignore[no-untyped-def]
        if _wants_html(request):
            from accord.web.routes_pages import error_page

            return error_page(request, 422, scrub(str(exc), state))
        return JSONResponse({"error": error_body(exc, state)}, status_code=422)

    @app.exception_handler(UnknownId)
    async def unknown(request: Request, exc: UnknownId):  # type: ignore[no-untyped-def]
        msg = f"no such item: {exc.args[0] if exc.args else ''}"
        if _wants_html(request):
            from accord.web.routes_pages import error_page

            return error_page(request, 404, msg)
        return JSONResponse({"error": {"message": msg}}, status_code=404)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):  # type: ignore[no-untyped-def]
        detail = too_large_message(state.settings) if exc.status_code == 413 else str(exc.detail)
        if _wants_html(request):
            from accord.web.routes_pages import error_page

            out = error_page(request, exc.status_code, detail)
        else:
            out = JSONResponse({"error": {"message": detail}}, status_code=exc.status_code)
        for k, v in (exc.headers or {}).items():  # 405 keeps its Allow header
            out.headers[k] = v
        return out

    @app.exception_handler(LimitReached)
    @app.exception_handler(Overloaded)
    @app.exception_handler(TooLarge)
    async def bounded(request: Request, exc: Exception):  # type: ignore[no-untyped-def]
        code = getattr(exc, "status", 503)
        headers = {"Retry-After": "5"} if code in (429, 503) else None
        if _wants_html(request):
            from accord.web.routes_pages import error_page

            out = error_page(request, code, str(exc))
            out.headers.update(headers or {})
            return out
        return JSONResponse({"error": {"message": str(exc)}}, status_code=code, headers=headers)

    @app.exception_handler(Exception)
    async def failure(request: Request, exc: Exception):  # type: ignore[no-untyped-def]
        log.exception("request failed: %s %s", request.method, request.url.path)
        msg = scrub(f"the simulation failed: {type(exc).__name__}: {exc}", state)
        if _wants_html(request):
            from accord.web.routes_pages import error_page

            return error_page(request, 500, msg)
        return JSONResponse({"error": {"message": msg}}, status_code=500)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):  # type: ignore[no-untyped-def]
        """A request that does not fit the schema: 422 naming the first bad field, as accord's errors do."""
        errs = exc.errors()
        first = errs[0] if errs else {}
        field = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
        got = first.get("input")
        detail = {
            "message": f"{field or 'request'}: {first.get('msg', 'invalid')}"
            + (f" (and {len(errs) - 1} more problem(s))" if len(errs) > 1 else ""),
            "file": None,
            "field": field or None,
            "expected": str(first.get("msg", "")),
            "got": None if got is None else str(got)[:200],
            "line": None,
        }
        if _wants_html(request):
            from accord.web.routes_pages import error_page

            return error_page(request, 422, detail["message"])
        return JSONResponse({"error": detail}, status_code=422)

    from accord.web.routes_api import router as api_router
    from accord.web.routes_facilitator import router as facilitator_router
    from accord.web.routes_games import router as games_router
    from accord.web.routes_pages import router as pages_router

    app.include_router(api_router)
    app.include_router(games_router)
    app.include_router(pages_router)
    app.include_router(facilitator_router)
    app.mount("/static", Assets(HERE / "static"), name="static")
    return app
