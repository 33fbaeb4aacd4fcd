"""Play: the step-by-step session against the engine's own protocol, and games through the API."""

from __future__ import annotations

import numpy as np
import pytest

from accord import api
from accord.protocols.alternating import run_alternating
from accord.strategies.base import ACCEPT, WALK, Context
from accord.web.game import GameSession
from accord.web.gamestore import GameStore

from .conftest import SCENARIOS


def play_as_strategy(comp, human: int, spec: str, others: list[str], deadline: int, seed: int):
    """A session whose person follows strategy ``spec`` (set up exactly as the protocol sets up a party)."""
    n = comp.n_parties
    machines = {
        i: api.negotiator_for(s) for i, s in zip([j for j in range(n) if j != human], others, strict=True)
    }
    sess = GameSession(comp, human, machines, deadline=deadline, seed=seed)
    me = api.negotiator_for(spec)
    rng = [np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(seed).spawn(n)][human]
    sc = comp.scenario
    me.setup(
        Context(
            party=human,
            name=sc.parties[human].name,
            space=comp.space,
            utility=comp.utilities[human],
            reservation=float(comp.reservations[human]),
            discount=float(comp.discounts[human]),
            deadline=deadline,
            n_parties=n,
            rng=rng,
            acceptable=comp.acceptable[human] if comp.has_constraints else None,
            order_fn=lambda: comp.order(human),
            cached_order_fn=lambda: comp.cached_order(human),
        )
    )
    while not sess.finished:
        st = sess.state
        if st.standing is not None:
            resp = me.respond(st, st.standing)
            if resp == ACCEPT:
                sess.move("accept")
                continue
            if resp == WALK:
                sess.move("walk")
                continue
        offer = me.propose(st)
        sess.move("walk") if offer is None else sess.move("offer", offer)
    return sess.result


CASES = [
    ("hanoi-2019", 0, "boulware", ["conceder"], 20, 0),
    ("hanoi-2019", 1, "conceder", ["boulware"], 20, 3),
    ("hanoi-2019", 0, "random", ["aspiration"], 15, 7),
    ("hanoi-2019", 1, "hardliner", ["walk_away"], 10, 0),
    ("jcpoa-2015", 1, "linear", ["agentk"], 30, 2),
    ("six-party-2007", 2, "conceder", ["boulware", "linear"], 25, 1),
    ("six-party-2007", 0, "random", ["random", "conceder"], 12, 9),
]


@pytest.mark.parametrize(("sid", "human", "spec", "others", "deadline", "seed"), CASES)
def test_session_replays_the_protocol_exactly(sid, human, spec, others, deadline, seed):
    sc = api.load(SCENARIOS / f"{sid}.yaml")
    comp = api.compile_scenario(sc)
    got = play_as_strategy(comp, human, spec, others, deadline, seed)
    specs = list(others)
    specs.insert(human, spec)
    ref = run_alternating(comp, [api.negotiator_for(s) for s in specs], deadline=deadline, seed=seed)
    assert got.summary() == ref.summary()
    assert got.trace.action == ref.trace.action
    for col in ("round", "party", "offer", "time"):
        assert np.array_equal(getattr(got.trace, col), getattr(ref.trace, col)), col
    assert np.array_equal(got.trace.utilities, ref.trace.utilities, equal_nan=True)


def _new(client, **kw):
    body = {"scenario": "hanoi-2019", "party": "usa", **kw}
    r = client.post("/api/games", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_game_to_an_agreement_shows_the_analysis(client):
    a = client.get("/api/scenarios/hanoi-2019/analysis").json()
    nash = a["nash"]["outcome"]
    g = _new(client, opponent="conceder")
    assert g["status"] == "your_turn" and g["standing"]["by"] == "dprk"  # the DPRK opens at Hanoi
    v = client.post(f"/api/games/{g['id']}/value", json={"outcome": nash}).json()
    assert v["value"] == a["nash"]["utilities"]["usa"]
    while g["status"] == "your_turn":
        g = client.post(f"/api/games/{g['id']}/move", json={"move": "offer", "outcome": nash}).json()
    assert g["status"] == "agreement"
    res = g["result"]
    assert res["outcome"] == nash and res["utilities"] == a["nash"]["utilities"]
    assert res["distances"]["nash"] == 0.0 and res["distances"]["pareto"] == 0.0
    sc = api.load(SCENARIOS / "hanoi-2019.yaml")
    assert res["distances"] == api.outcome_distances(sc, sc.space.index(nash))
    assert res["implementation_available"] is True
    assert client.post(f"/api/games/{g['id']}/move", json={"move": "walk"}).status_code == 422


def test_game_walk_away_gives_the_reservation_values(client):
    g = _new(client)
    g = client.post(f"/api/games/{g['id']}/move", json={"move": "walk"}).json()
    assert g["status"] == "walk_away"
    assert g["result"]["walked_away_by"] == "usa" and g["result"]["agreement"] is False
    a = api.analyze(SCENARIOS / "hanoi-2019.yaml")
    assert g["result"]["utilities"] == a["reservations"]


def test_machine_walk_away_ends_the_game(client):
    g = _new(client, party="dprk", opponent="walk_away")  # the DPRK opens; the US machine walks at its turn
    assert g["status"] == "your_turn"
    sc = api.load(SCENARIOS / "hanoi-2019.yaml")
    g = client.post(
        f"/api/games/{g['id']}/move", json={"move": "offer", "outcome": sc.space.outcome(0)}
    ).json()
    assert g["status"] == "walk_away" and g["result"]["walked_away_by"] == "usa"


def test_red_lines_hold_for_the_person_too(client):
    g = _new(client, opponent="boulware")
    st = g["standing"]["outcome"]
    assert st["sanctions_relief"] == "all_un"  # the DPRK's opening breaks a US red line
    assert g["can_accept"] is False
    r = client.post(f"/api/games/{g['id']}/move", json={"move": "accept"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "move"
    r = client.post(f"/api/games/{g['id']}/move", json={"move": "offer", "outcome": st})
    assert r.status_code == 422 and r.json()["error"]["field"] == "offer"
    assert client.get(f"/api/games/{g['id']}").json()["status"] == "your_turn"


def test_games_are_isolated(client):
    sc = api.load(SCENARIOS / "hanoi-2019.yaml")
    g1 = _new(client, opponent="conceder")
    g2 = _new(client, opponent="conceder")
    assert g1["id"] != g2["id"]
    client.post(f"/api/games/{g1['id']}/move", json={"move": "offer", "outcome": sc.space.outcome(5)})
    assert client.get(f"/api/games/{g2['id']}").json()["history"] == g2["history"]
    client.post(f"/api/games/{g2['id']}/move", json={"move": "walk"})
    assert client.get(f"/api/games/{g1['id']}").json()["status"] == "your_turn"


def test_game_store_keeps_fair_shares_and_expires(monkeypatch):
    import time

    from accord.web import Settings
    from accord.web.game import Game
    from accord.web.library import UnknownId
    from accord.web.limits import LimitReached

    sc = api.load(SCENARIOS / "hanoi-2019.yaml")
    comp = api.compile_scenario(sc)
    store = GameStore(Settings(max_games=4, game_ttl=100.0, max_open_games_per_client=2))

    def new(owner: str) -> Game:
        g = Game(
            GameSession(comp, 0, {1: api.negotiator_for("boulware")}, seed=0), "hanoi-2019", {}, owner=owner
        )
        store.add(g)
        return g

    a1, a2 = new("alice"), new("alice")
    with pytest.raises(LimitReached, match="max_open_games_per_client"):
        new("alice")  # her share of open games is used up; nobody else's game goes
    a1.play("walk")  # finished: no longer counts as open
    a3 = new("alice")
    b1 = new("bob")
    assert len(store) == 4
    c1 = new("carol")  # full: the one finished game (alice's) makes room
    with pytest.raises(UnknownId):
        store.get(a1.id, "alice")
    with pytest.raises(LimitReached, match="max_games"):
        new("dave")  # full of open games: refused, nobody's open game is evicted
    for g, who in ((a2, "alice"), (a3, "alice"), (b1, "bob"), (c1, "carol")):
        assert store.get(g.id, who) is g
        with pytest.raises(UnknownId):
            store.get(g.id, "mallory")  # another client: the same 404 as for no such game
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 1000)
    with pytest.raises(UnknownId):
        store.get(b1.id, "bob")
