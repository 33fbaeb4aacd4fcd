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
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from accord.errors import AccordError, InputError
from accord.web.library import UnknownId
from accord.web.settings import Settings
from accord.web.state import WebState

HERE = Path(__file__).resolve().parent
log = logging.getLogger("accord.web")


def error_body(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, InputError):
        return {
            "message": str(exc),
            "file": exc.file,
            "field": exc.field,
            "expected": exc.expected,
            "got": None if exc.got is None else str(exc.got)[:200],
            "line": exc.line,
        }
    return {"message": str(exc)}


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app with its own library, games, jobs and upload folder."""
    state = WebState(settings or Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
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
    )
    app.state.web = state

    @app.middleware("http")
    async def limit_body(request: Request, call_next):  # type: ignore[no-untyped-def]
        size = request.headers.get("content-length")
        cap = state.settings.max_upload_bytes + 64_000
        if size is not None and (not size.isdigit() or int(size) > cap):
            return JSONResponse(
                {"error": {"message": f"request body larger than {cap:,} bytes"}}, status_code=413
            )
        return await call_next(request)

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError):  # type: ignore[no-untyped-def]
        if _wants_html(request):
            from accord.web.routes_pages import error_page

            return error_page(request, 422, str(exc))
        return JSONResponse({"error": error_body(exc)}, status_code=422)

    @app.exception_handler(AccordError)
    async def accord_error(request: Request, exc: AccordError):  # type: ignore[no-untyped-def]
        if _wants_html(request):
            from accord.web.routes_pages import error_page

            return error_page(request, 422, str(exc))
        return JSONResponse({"error": error_body(exc)}, status_code=422)

    @app.exception_handler(UnknownId)
    async def unknown(request: Request, exc: UnknownId):  # type: ignore[no-untyped-def]
        msg = f"no such item: {exc.args[0] if exc.args else ''}"
        if _wants_html(request):
            from accord.web.routes_pages import error_page

            return error_page(request, 404, msg)
        return JSONResponse({"error": {"message": msg}}, status_code=404)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):  # type: ignore[no-untyped-def]
        if _wants_html(request):
            from accord.web.routes_pages import error_page

            return error_page(request, exc.status_code, str(exc.detail))
        return JSONResponse({"error": {"message": str(exc.detail)}}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def failure(request: Request, exc: Exception):  # type: ignore[no-untyped-def]
        log.exception("request failed: %s %s", request.method, request.url.path)
        msg = f"the simulation failed: {type(exc).__name__}: {exc}"
        if _wants_html(request):
            from accord.web.routes_pages import error_page

            return error_page(request, 500, msg)
        return JSONResponse({"error": {"message": msg}}, status_code=500)

    from accord.web.routes_api import router as api_router
    from accord.web.routes_pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
