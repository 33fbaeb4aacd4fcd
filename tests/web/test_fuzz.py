"""OpenAPI fuzzing (schemathesis, in process against the ASGI app): no request makes a server error, and
every status and content type answered is one the schema documents. (`st run --checks all` against a live
server, with tests/web/schemathesis.toml, is in docs/web.md.)

Examples are bounded (``max_examples`` per operation) so the whole run stays well under two minutes. Path
ids are mixed: random strings (404) and real scenario and game ids, so the bodies reach the engine.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from .conftest import SCENARIOS


def _app():
    from fastapi.testclient import TestClient

    from accord.web import Settings, create_app

    app = create_app(
        Settings(
            library=(SCENARIOS,),
            max_montecarlo_runs=3,
            max_jobs=1,
            max_implementation_runs=50,
            max_games=50,
        )
    )
    owner = TestClient(app)
    game = owner.post("/api/games", json={"scenario": "singapore-2018", "party": "usa"}).json()
    return app, game["id"], owner.cookies["accord_client"]


APP, GAME, COOKIE = _app()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)
REAL_IDS = ("hanoi-2019", "singapore-2018", "six-party-2007")


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors(case):
    params = case.path_parameters or {}
    pick = len(repr(case.body)) + len(repr(params))
    if "sid" in params and pick % 3:
        params["sid"] = REAL_IDS[pick % len(REAL_IDS)]
    if "gid" in params and pick % 2:
        params["gid"] = GAME
    if "tid" in params and pick % 2:
        params["tid"] = "nk-sanctions-2019"
    # the game's owner's cookie, so the game routes reach the engine (other clients get 404)
    response = case.call(headers={"cookie": f"accord_client={COOKIE}"})
    assert response.status_code < 500, (case.method, case.formatted_path, case.body, response.text[:500])
    case.validate_response(response, checks=[status_code_conformance, content_type_conformance])
