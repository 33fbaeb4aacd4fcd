"""The web app of accord: ``accord serve`` (FastAPI + uvicorn), pages rendered on the server, a JSON API.

``create_app(Settings(...))`` builds an app; see docs/web.md. Everything it shows is computed by
``accord.api`` and the engine modules it fronts; this package only arranges and draws.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from accord.web.app import create_app

        return create_app
    if name == "Settings":
        from accord.web.settings import Settings

        return Settings
    raise AttributeError(name)
