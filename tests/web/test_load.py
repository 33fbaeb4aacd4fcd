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


def test_a_flood_on_loopback_leaves_the_others_playing(extra_library, tmp_path):
    """1,000 game starts by one client and 200 by cookie-less ones, through a real server on 127.0.0.1 with
    its games persisted, while two players play: nobody's game is evicted, the flood is answered 429 naming
    the limit, and the whole thing is bounded in time."""
    import time

    from accord.web import Settings, create_app

    from .conftest import LiveServer, free_port

    settings = Settings(
        library=(SCENARIOS, extra_library),
        data_dir=tmp_path / "run",
        max_open_games_per_client=5,
        max_games_per_address=150,
        max_games=300,
        warm=False,
    )
    srv = LiveServer(create_app(settings), free_port()).start()
    sc = api.load(SCENARIOS / "hanoi-2019.yaml")
    try:
        t0 = time.time()
        with (
            httpx.Client(base_url=srv.url, timeout=60) as alice,
            httpx.Client(base_url=srv.url, timeout=60) as bob,
        ):
            mine = [
                c.post(
                    "/api/games", json={"scenario": "hanoi-2019", "party": "usa", "opponent": "boulware"}
                ).json()
                for c in (alice, bob)
            ]
            with httpx.Client(base_url=srv.url, timeout=60) as flooder:
                flooder.get("/api/strategies")  # its cookie, shared by the flood's threads

                def flood(_: int) -> int:
                    return flooder.post(
                        "/api/games", json={"scenario": "linear-small", "party": "a"}
                    ).status_code

                def anonymous(_: int) -> int:
                    with httpx.Client(base_url=srv.url, timeout=60) as c:
                        return c.post(
                            "/api/games", json={"scenario": "linear-small", "party": "a"}
                        ).status_code

                with ThreadPoolExecutor(8) as pool:
                    codes = list(pool.map(flood, range(1000)))
                    anon = list(pool.map(anonymous, range(200)))
                last = flooder.post("/api/games", json={"scenario": "linear-small", "party": "a"})
            assert codes.count(200) == 5 and codes.count(429) == 995
            assert "max_open_games_per_client" in last.json()["error"]["message"]
            assert set(anon) == {200, 429} and anon.count(200) <= 150 - 5 - 2  # the address's share
            for c, g in zip((alice, bob), mine, strict=True):
                for k in (3, 9):
                    r = c.post(
                        f"/api/games/{g['id']}/move", json={"move": "offer", "outcome": sc.space.outcome(k)}
                    )
                    assert r.status_code == 200, r.text
                assert (
                    c.post(f"/api/games/{g['id']}/move", json={"move": "walk"}).json()["status"]
                    == "walk_away"
                )
        assert time.time() - t0 < 120
    finally:
        srv.stop()
