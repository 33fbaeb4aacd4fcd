"""The facilitator's view, ``/facilitator``: every game of a class, live, with the end analyses side by side.

Off unless the server was started with ``accord serve --facilitator-key KEY``. The facilitator gives the
key once (a form, ``POST /facilitator``); the server then sets a signed cookie (accord.web.clients), so the
key never travels in a URL. The page reloads itself every few seconds; a class is the free-text ``group``
players give when they start a game (``/scenarios/ID/play?group=NAME`` fills it in for them).
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from accord.web.clients import FACILITATOR_COOKIE
from accord.web.routes_games import class_games, facilitator_ok
from accord.web.routes_pages import error_page, page, st

router = APIRouter()


@router.get("/facilitator", response_class=HTMLResponse, include_in_schema=False)
def facilitator_page(request: Request, group: str | None = None) -> HTMLResponse:
    if st(request).settings.facilitator_key is None:
        return error_page(
            request, 404, "the facilitator view is off (start the server with --facilitator-key)"
        )
    if not facilitator_ok(request, None):
        return page(request, "facilitator.html", 403, games=None, group=group, error=None)
    games = class_games(request, group or None)
    groups = sorted({g["group"] for g in class_games(request, None) if g["group"]})
    return page(request, "facilitator.html", games=games, group=group, groups=groups, error=None)


@router.post("/facilitator", include_in_schema=False)
def facilitator_login(request: Request, key: Annotated[str, Form(max_length=500)] = "") -> Response:
    s = st(request)
    want = s.settings.facilitator_key
    if want is None:
        return error_page(
            request, 404, "the facilitator view is off (start the server with --facilitator-key)"
        )
    if not hmac.compare_digest(key, want):
        return page(request, "facilitator.html", 403, games=None, group=None, error="wrong facilitator key")
    out = RedirectResponse("/facilitator", status_code=303)
    out.set_cookie(FACILITATOR_COOKIE, s.signer.sign("facilitator"), httponly=True, samesite="lax")
    return out
