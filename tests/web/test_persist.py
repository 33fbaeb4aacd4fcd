"""Games and uploads survive a restart (SQLite in the data folder); a game exports as its trace and replays."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from accord import api

from .conftest import SCENARIOS, linear_yaml


def _app(data, extra_library, **kw):
    from accord.web import Settings, create_app

    return create_app(Settings(library=(SCENARIOS, extra_library), data_dir=data, **kw))


def test_a_restart_keeps_games_and_uploads(tmp_path, extra_library):
    data = tmp_path / "run"
    sc = api.load(SCENARIOS / "hanoi-2019.yaml")
    with TestClient(_app(data, extra_library)) as c:
        g = c.post(
            "/api/games", json={"scenario": "hanoi-2019", "party": "usa", "opponent": "boulware"}
        ).json()
        for k in (3, 7):
            g = c.post(
                f"/api/games/{g['id']}/move", json={"move": "offer", "outcome": sc.space.outcome(k)}
            ).json()
        up = c.post(
            "/api/uploads", files={"file": ("mine.yaml", linear_yaml(2, 3).encode(), "text/plain")}
        ).json()
        before = c.get(f"/api/games/{g['id']}").json()
        cookie = c.cookies["accord_client"]
    with TestClient(_app(data, extra_library), cookies={"accord_client": cookie}) as c:
        after = c.get(f"/api/games/{g['id']}").json()
        assert after == before  # same history, standing offer and round: the moves were replayed
        assert c.get(f"/api/scenarios/{up['id']}").json()["outcomes"] == 9
        assert TestClient(c.app).get(f"/api/games/{g['id']}").status_code == 404  # still only the owner's
        end = c.post(f"/api/games/{g['id']}/move", json={"move": "walk"}).json()
        assert end["status"] == "walk_away"


def test_retention_forgets_old_games_and_uploads(tmp_path, extra_library):
    data = tmp_path / "run"
    with TestClient(_app(data, extra_library)) as c:
        g = c.post("/api/games", json={"scenario": "linear-small", "party": "a"}).json()
        up = c.post(
            "/api/uploads", files={"file": ("m.yaml", linear_yaml(2, 3).encode(), "text/plain")}
        ).json()
        cookie = c.cookies["accord_client"]
    folders = [p for p in (data / "uploads").iterdir()]
    assert len(folders) == 1
    with TestClient(
        _app(data, extra_library, game_ttl=-1, upload_ttl=-1), cookies={"accord_client": cookie}
    ) as c:
        assert c.get(f"/api/games/{g['id']}").status_code == 404
        assert c.get(f"/api/scenarios/{up['id']}").status_code == 404
    assert list((data / "uploads").iterdir()) == []


def test_export_and_replay_give_the_same_game(client):
    sc = api.load(SCENARIOS / "hanoi-2019.yaml")
    g = client.post(
        "/api/games", json={"scenario": "hanoi-2019", "party": "dprk", "opponent": "random", "seed": 5}
    ).json()
    k = 0
    while g["status"] == "your_turn" and k < 6:
        g = client.post(
            f"/api/games/{g['id']}/move", json={"move": "offer", "outcome": sc.space.outcome(k * 11)}
        ).json()
        k += 1
    if g["status"] == "your_turn":
        g = client.post(f"/api/games/{g['id']}/move", json={"move": "walk"}).json()
    data = client.get(f"/api/games/{g['id']}/export").json()
    assert data["status"] == g["status"] and data["trace"] == g["result"]["trace"]
    again = client.post("/api/games/replay", json={"spec": data["spec"], "moves": data["moves"]}).json()
    assert again["id"] != g["id"] and again["result"] == g["result"]
    rows = list(csv.DictReader(io.StringIO(client.get(f"/api/games/{g['id']}/export?format=csv").text)))
    assert len(rows) == len(data["trace"])
    assert [r["action"] for r in rows] == [t["action"] for t in data["trace"]]
    first = data["trace"][0]
    assert all(rows[0][f"issue:{i}"] == str(v) for i, v in first["outcome"].items())
    bad = client.post("/api/games/replay", json={"spec": data["spec"], "moves": [{"move": "offer"}]})
    assert bad.status_code == 422 and bad.json()["error"]["field"].startswith("moves.0")


def test_moves_reach_the_database_without_a_clean_shutdown(tmp_path, extra_library):
    """Game rows are written behind (WAL, one writer thread): within moments of a move its row is committed,
    so a server that dies without shutting down (no lifespan end, no close) still gives the game back."""
    import json
    import sqlite3
    import time

    data = tmp_path / "run"
    sc = api.load(SCENARIOS / "hanoi-2019.yaml")
    c = TestClient(_app(data, extra_library))  # no `with`: the app is never shut down
    g = c.post("/api/games", json={"scenario": "hanoi-2019", "party": "usa", "opponent": "boulware"}).json()
    for k in (3, 7, 11):
        g = c.post(
            f"/api/games/{g['id']}/move", json={"move": "offer", "outcome": sc.space.outcome(k)}
        ).json()
    db = sqlite3.connect(data / "web.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    deadline = time.time() + 10
    moves: list = []
    while time.time() < deadline:
        row = db.execute("SELECT moves FROM games WHERE id = ?", (g["id"],)).fetchone()
        moves = json.loads(row[0]) if row else []
        if len(moves) == 3:
            break
        time.sleep(0.02)
    db.close()
    assert [m[1] for m in moves] == [3, 7, 11]
    again = TestClient(_app(data, extra_library), cookies={"accord_client": c.cookies["accord_client"]})
    assert again.get(f"/api/games/{g['id']}").json() == c.get(f"/api/games/{g['id']}").json()


def test_a_data_folder_of_an_older_server_opens(tmp_path):
    """A web.sqlite made before uploads kept their address gains the column; its rows read back."""
    import sqlite3

    from accord.web.persist import Store

    db = sqlite3.connect(tmp_path / "web.sqlite")
    db.execute(
        "CREATE TABLE uploads (id TEXT PRIMARY KEY, owner TEXT, label TEXT, target TEXT, created REAL)"
    )
    db.execute("INSERT INTO uploads VALUES ('upload-1', 'me', 'm.yaml', 'upload-1/m.yaml', 5.0)")
    db.commit()
    db.close()
    store = Store(tmp_path)
    assert store.uploads() == [
        {
            "id": "upload-1",
            "owner": "me",
            "label": "m.yaml",
            "target": "upload-1/m.yaml",
            "created": 5.0,
            "address": "",
        }
    ]
    store.save_upload("upload-2", "you", "n.yaml", "upload-2/n.yaml", 6.0, "10.0.0.4")
    assert store.uploads()[1]["address"] == "10.0.0.4"
    store.close()
