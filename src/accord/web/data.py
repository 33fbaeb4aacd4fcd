"""What the pages and the JSON API both serve, computed once per file version and cached by the library:
a scenario's utility-space chart, a table's stakeholder forecasts, and the warming of both at start."""

from __future__ import annotations

import logging
from typing import Any

from accord import api
from accord.errors import InputError
from accord.forecast.api import forecast
from accord.web.charts import utility_chart
from accord.web.state import WebState
from accord.web.views import scenario_info
from accord.web.work import start_parser

log = logging.getLogger("accord.web")


def chart_for(s: WebState, sid: str, x: str | None, y: str | None) -> dict[str, Any]:
    """Utility-space chart data for two parties (default: the first two), cached per file version."""
    e, sc = s.library.scenario(sid)
    names = sc.party_names
    xi = sc.party_index(x) if x else 0
    yi = sc.party_index(y) if y else (1 if xi != 1 else 0)
    if xi == yi:
        raise InputError(None, "y", "a party other than x", y)
    a = s.library.frontier(sid)
    comp = api.compile_scenario(sc) if s.library.too_large(sc) is None else None
    return s.library.cached(
        e,
        f"chart:{names[xi]}:{names[yi]}",
        lambda: utility_chart(sc, comp, a, xi, yi, max_points=s.settings.chart_points),
    )


def forecast_for(s: WebState, tid: str) -> dict[str, Any]:
    e = s.library.get(tid, "table")
    # The table is named by its id, never by its path on the server.
    return s.library.cached(e, "forecast", lambda: {**forecast(e.path), "table": e.id})


def warm(s: WebState) -> None:
    """Load, analyse and chart every library scenario once (on the worker pool, at start), so the
    first visitors of a class do not all wait on the same cold scenario; the upload parser's fork server
    starts here too, so a class's first upload does not wait for it."""
    try:
        start_parser()
    except Exception:  # noqa: BLE001 - the first upload starts it then
        log.debug("starting the upload parser failed", exc_info=True)
    for e in s.library.entries():
        try:
            scenario_info(s.library, e.id)
            s.library.analysis(e.id, 0, 25)
            chart_for(s, e.id, None, None)
            if e.id in s.settings.forecast_links:
                forecast_for(s, s.settings.forecast_links[e.id])
        except Exception:  # noqa: BLE001 - a broken file shows its error when visited, not here
            log.debug("warming %s failed", e.id, exc_info=True)
