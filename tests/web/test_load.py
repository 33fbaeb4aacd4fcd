"""A bounded load test: 50 players at once against a real server on 127.0.0.1, each in its own game."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from accord import api

from .conftest import SCENARIOS

PLAYERS = 50


def test_fifty_concurrent_players(live_server):
    a = api.analyze(SCENARIOS / "hanoi-2019.yaml")
    nash = a["nash"]["outcome"]
    sc = api.load(SCENARIOS / "hanoi-2019.yaml")

    def player(k: int) -> dict:
        with httpx.Client(base_url=live_server.url, timeout=60) as c:
            walker = k % 5 == 0
            r = c.post(
                "/api/games",
                json={"scenario": "hanoi-2019", "party": "usa", "opponent": "conceder", "seed": k},
            )
            r.raise_for_status()
            g = r.json()
            moves = 0
            while g["status"] == "your_turn":
                v = c.post(f"/api/games/{g['id']}/value", json={"outcome": nash})
                v.raise_for_status()
                body = {"move": "walk"} if walker else {"move": "offer", "outcome": nash}
                r = c.post(f"/api/games/{g['id']}/move", json=body)
                r.raise_for_status()
                g = r.json()
                moves += 1
            assert c.get("/scenarios/hanoi-2019").status_code == 200
            return {"k": k, "status": g["status"], "result": g["result"], "moves": moves, "walker": walker}

    with ThreadPoolExecutor(PLAYERS) as pool:
        out = list(pool.map(player, range(PLAYERS)))
    assert len(out) == PLAYERS
    for o in out:
        if o["walker"]:
            assert o["status"] == "walk_away" and o["result"]["utilities"] == a["reservations"]
        else:
            assert o["status"] == "agreement"
            assert o["result"]["outcome"] == nash
            assert o["result"]["outcome_index"] == sc.space.index(nash)
