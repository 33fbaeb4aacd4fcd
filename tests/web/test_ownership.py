"""Each game is its player's: another client cannot read, value, move in or export it; fair shares keep a
flood from evicting anyone; the facilitator sees every game with its end analysis; no server path leaks."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from accord import api

from .conftest import SCENARIOS


@pytest.fixture
def class_app(extra_library):
    from accord.web import Settings, create_app

    return create_app(
        Settings(
            library=(SCENARIOS, extra_library),
            facilitator_key="s3cret",
            max_open_games_per_client=5,
            max_games=200,
            max_games_per_address=150,
        )
    )


def _new(c: TestClient, **kw) -> dict:
    r = c.post("/api/games", json={"scenario": "hanoi-2019", "party": "usa", "opponent": "conceder", **kw})
    assert r.status_code == 200, r.text
    return r.json()


def test_another_client_cannot_see_or_move_in_a_game(class_app):
    alice, mallory = TestClient(class_app), TestClient(class_app)
    g = _new(alice)
    assert alice.cookies.get("accord_client")  # the signed cookie made on the first answer
    nash = api.analyze(SCENARIOS / "hanoi-2019.yaml")["nash"]["outcome"]
    for method, path, body in (
        ("GET", f"/api/games/{g['id']}", None),
        ("GET", f"/api/games/{g['id']}/export", None),
        ("POST", f"/api/games/{g['id']}/value", {"outcome": nash}),
        ("POST", f"/api/games/{g['id']}/move", {"move": "walk"}),
    ):
        r = mallory.request(method, path, json=body)
        assert r.status_code == 404, (path, r.text)
    # a forged cookie is a new client, not alice
    token = alice.cookies["accord_client"]
    forged = TestClient(class_app, cookies={"accord_client": token[:-1] + ("1" if token[-1] == "0" else "0")})
    assert forged.post(f"/api/games/{g['id']}/move", json={"move": "walk"}).status_code == 404
    after = alice.get(f"/api/games/{g['id']}").json()
    assert after["status"] == "your_turn" and after["history"] == g["history"]
    assert alice.post(f"/api/games/{g['id']}/move", json={"move": "walk"}).json()["status"] == "walk_away"


def test_a_flood_of_games_evicts_nobody(class_app):
    victim, flooder = TestClient(class_app), TestClient(class_app)
    mine = _new(victim)
    t0 = time.time()
    codes = [
        flooder.post("/api/games", json={"scenario": "linear-small", "party": "a"}).status_code
        for _ in range(1000)
    ]
    assert codes.count(200) == 5 and codes.count(429) == 995  # 5 = max_open_games_per_client
    r = flooder.post("/api/games", json={"scenario": "linear-small", "party": "a"})
    assert "max_open_games_per_client" in r.json()["error"]["message"] and r.headers["retry-after"]
    # a flooder dropping its cookie is a new client each time: the address's share stops it
    codes = [
        TestClient(class_app).post("/api/games", json={"scenario": "linear-small", "party": "a"}).status_code
        for _ in range(200)
    ]
    assert 429 in codes
    assert time.time() - t0 < 60
    g = victim.get(f"/api/games/{mine['id']}")
    assert g.status_code == 200 and g.json()["status"] == "your_turn"


def test_facilitator_sees_the_class_with_end_analyses(class_app):
    a, b, teacher = TestClient(class_app), TestClient(class_app), TestClient(class_app)
    ga = _new(a, group="class-7b")
    gb = _new(b, group="class-7b")
    other = _new(b, group="class-8a")
    a.post(f"/api/games/{ga['id']}/move", json={"move": "walk"})
    assert teacher.get("/api/facilitator/games").status_code == 403
    assert teacher.get("/api/facilitator/games", headers={"x-facilitator-key": "nope"}).status_code == 403
    assert teacher.get("/facilitator").status_code == 403  # the key form
    assert teacher.post("/facilitator", data={"key": "nope"}).status_code == 403
    r = teacher.post("/facilitator", data={"key": "s3cret"}, follow_redirects=False)
    assert r.status_code == 303
    rows = teacher.get("/api/facilitator/games?group=class-7b").json()
    assert {g["id"] for g in rows} == {ga["id"], gb["id"]} and other["id"] not in {g["id"] for g in rows}
    done = next(g for g in rows if g["id"] == ga["id"])
    ref = a.get(f"/api/games/{ga['id']}").json()["result"]
    assert done["status"] == "walk_away" and done["result"]["utilities"] == ref["utilities"]
    html = teacher.get("/facilitator?group=class-7b").text
    assert html.count("<tr data-game=") == 2 and "walk_away" in html and "playing" in html


def test_facilitator_view_is_off_without_a_key(client):
    assert client.get("/facilitator").status_code == 404
    assert client.get("/api/facilitator/games", headers={"x-facilitator-key": ""}).status_code == 403


def test_no_server_path_in_any_response(client, extra_library):
    roots = [str(SCENARIOS), str(extra_library), str(client.app.state.web.upload_dir), str(SCENARIOS.parent)]
    bad = "name: x\nissues: {a: [p, q]}\nparties:\n  u: {weights: {a: 1}, scores: {a: {p: 0, q: zero}}}\n"
    answers = [
        client.get("/api/scenarios/hanoi-2019/forecast"),
        client.get("/api/tables/nk-sanctions-2019/forecast"),
        client.post("/api/uploads", files={"file": ("bad.yaml", bad.encode(), "text/plain")}),
        client.post("/api/scenarios/hanoi-2019/run", json={"negotiators": ["no-such-strategy"]}),
        client.post("/api/scenarios/hanoi-2019/implement", json={"deal": {"x": 1}}),
        client.get("/tables/nk-sanctions-2019"),
        client.post("/upload", data={"text": bad}),
    ]
    for r in answers:
        assert all(root not in r.text for root in roots), (r.request.url, r.text[:300])
    assert answers[0].json()["table"] == "nk-sanctions-2019"


def test_a_flood_of_uploads_pushes_out_nobody_else(extra_library):
    """Uploads from one address are bounded (429 naming max_uploads_per_address, before any parse), so a
    client that drops its cookie each time cannot push out another address's upload; a full server drops
    from the address holding the most."""
    from accord.web import Settings, create_app

    from .conftest import linear_yaml

    app = create_app(
        Settings(
            library=(SCENARIOS, extra_library),
            max_uploads=8,
            max_uploads_per_client=3,
            max_uploads_per_address=5,
            warm=False,
        )
    )

    def up(c: TestClient, k: int):
        return c.post(
            "/api/uploads", files={"file": (f"u{k}.yaml", linear_yaml(2, 3).encode(), "text/plain")}
        )

    victim = TestClient(app, client=("10.0.0.2", 4000))
    mine = up(victim, 0).json()["id"]
    t0 = time.time()
    codes = [up(TestClient(app, client=("10.0.0.9", 4000 + k)), k).status_code for k in range(30)]
    assert codes.count(200) == 5 and codes.count(429) == 25
    r = up(TestClient(app, client=("10.0.0.9", 5000)), 99)
    assert r.status_code == 429 and "max_uploads_per_address" in r.json()["error"]["message"]
    assert r.headers["retry-after"]
    assert time.time() - t0 < 60
    other = TestClient(app, client=("10.0.0.3", 4000))  # another address still has its share
    kept = [up(other, k).json()["id"] for k in range(3)]  # the server is now full: 1 + 5 + 2, then 3
    web = app.state.web
    assert len(web.library.uploads()) == 8
    by_address = {a: sum(e.address == a for e in web.library.uploads()) for a in ("10.0.0.2", "10.0.0.9")}
    assert by_address == {"10.0.0.2": 1, "10.0.0.9": 4}  # the flooding address lost its oldest
    for sid in [mine, *kept]:
        assert victim.get(f"/api/scenarios/{sid}").status_code == 200


def test_a_failed_batch_names_no_server_path(client, monkeypatch):
    import tempfile

    import accord.experiments

    where = f"{tempfile.gettempdir()}/accord-web-mc-x/run/table.parquet and {SCENARIOS}/hanoi-2019.yaml"

    def broken(*a, **kw):
        raise OSError(f"cannot write {where}")

    monkeypatch.setattr(accord.experiments, "execute", broken)
    j = client.post("/api/scenarios/hanoi-2019/montecarlo", json={"runs": 5, "seed": 0}).json()
    t0 = time.time()
    while j["status"] == "running" and time.time() - t0 < 30:
        time.sleep(0.05)
        j = client.get(f"/api/jobs/{j['id']}").json()
    assert j["status"] == "error" and "cannot write" in j["error"] and "hanoi-2019.yaml" in j["error"]
    assert tempfile.gettempdir() not in j["error"] and str(SCENARIOS) not in j["error"]
