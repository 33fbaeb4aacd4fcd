"""Who is asking: each browser is a *client*, named by a signed cookie the server sets on its first answer.

The cookie ``accord_client`` holds a random id and its HMAC-SHA256 under the server's secret
(``hmac.compare_digest``), so a client cannot forge another's id; a missing or forged cookie gets a fresh id.
Games belong to the client that started them (see :mod:`accord.web.game`), and the fair shares of
:class:`~accord.web.settings.Settings` (open games, jobs, uploads) are counted per client. A script keeps the
cookie like a browser does (``httpx.Client`` and ``requests.Session`` do). The facilitator is recognised by a
second signed cookie, set once the facilitator key has been given (``POST /facilitator``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request

COOKIE = "accord_client"
FACILITATOR_COOKIE = "accord_facilitator"


class Signer:
    """Signs and checks short tokens with the server's secret."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def sign(self, value: str) -> str:
        mac = hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{value}.{mac}"

    def check(self, token: str | None) -> str | None:
        """The value of a genuine token, else None."""
        if not token or "." not in token:
            return None
        value, _, mac = token.rpartition(".")
        good = hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()[:32]
        return value if hmac.compare_digest(mac, good) else None


def new_client_id() -> str:
    return secrets.token_urlsafe(18)


def client_of(request: Request) -> str:
    """The id of the client making the request (set by the app's middleware)."""
    return request.state.client


def address_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def is_facilitator(request: Request) -> bool:
    return bool(getattr(request.state, "facilitator", False))
