"""accord's negotiators against the GENIUS 10.4 originals, from committed reference sessions (no Java).

References (tests/reference/genius/, made by validation/genius/make_reference.py running GENIUS itself):
- timedep.json: GENIUS's TimeDependentAgentBoulware (e = 0.2) and TimeDependentAgentConceder (e = 2) in
  every pairing on 11 shared domains, 100 rounds, every offer with its time and both utilities;
- anac.json: each ANAC original (AgentK, HardHeaded, Gahboninho, AgentLG, CUHKAgent, Atlas3, ParsAgent,
  Caduceus) against those two on the same domains, 3 seeds: outcome, utilities, rounds.

What is checked: accord's concession schedule p(t) gives GENIUS's Boulware/Conceder offers exactly when fed
GENIUS's clock; turn-by-turn replay of whole sessions (does not hold yet: two conventions differ, see
docs/validation.md); and agreement rate and mean utility within 0.05 of the original for the ANAC agents
that match today (8 of the 9 in at least one of three settings, see MATCHING). The others are listed with the reason in docs/validation.md, not tested as passing.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from accord import api
from accord.strategies.time_based import target_utility

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import genius_fidelity as gf  # noqa: E402

REF = Path(__file__).parent / "genius"
TIMEDEP = json.loads((REF / "timedep.json").read_text())
E = {"agents.TimeDependentAgentBoulware": 0.2, "agents.TimeDependentAgentConceder": 2.0}
NAME = {"agents.TimeDependentAgentBoulware": "boulware", "agents.TimeDependentAgentConceder": "conceder"}

#: ANAC agents whose agreement rate and mean utility are within 0.05 of the GENIUS original against both
#: opponents on the reference cells today (the others: docs/validation.md), as (agent, GENIUS's
#: time-dependent rules for the opponent, GENIUS's round clock for the agent), both harness-only
#: settings of benchmarks/genius_fidelity.py; (False, False) is accord's own boulware/conceder and clock.
MATCHING = [
    ("agentk", False, False),
    ("hardheaded", False, False),
    ("caduceus", False, False),
    ("agentk", True, False),
    ("hardheaded", True, False),
    ("gahboninho", True, False),
    ("atlas3", True, False),
    ("pars_agent", True, False),
    ("caduceus", True, False),
    ("agentk", True, True),
    ("hardheaded", True, True),
    ("gahboninho", True, True),
    ("agentlg", True, True),
    ("cuhk_agent", True, True),
    ("atlas3", True, True),
    ("pars_agent", True, True),
    ("caduceus", True, True),
]


@cache
def _utilities(folder: str, party: int) -> tuple[np.ndarray, float]:
    prefs = gf.scenario(folder).parties[party].preferences
    return np.unique(prefs.evaluate_all()), float(prefs.reservation)


def _sid(s: dict) -> str:
    return f"{s['folder']}:{NAME[s['agents'][0]]}-{NAME[s['agents'][1]]}"


def test_reference_sessions_are_complete() -> None:
    assert len(TIMEDEP) == 44 and {s["folder"] for s in TIMEDEP} == set(
        gf.json.loads((REF / "meta.json").read_text())["session_domains"]
    )
    assert all(s["end"] == "agreement" and s["trace"][-1]["action"] == "accept" for s in TIMEDEP)


@pytest.mark.parametrize("s", TIMEDEP, ids=_sid)
def test_genius_time_dependent_offers_follow_accords_schedule(s: dict) -> None:
    """Each GENIUS offer is the outcome whose utility is nearest accord's p(t) at GENIUS's time t.

    Pmax is the best own utility and Pmin the larger of the worst and the reservation value, as read by
    accord; GENIUS's SortedOutcomeSpace.getBidNearUtility picks the nearest utility (above or below).
    """
    for x in s["trace"]:
        if x["action"] != "offer":
            continue
        k = x["agent"]
        u, rv = _utilities(s["folder"], k)
        target = target_utility(x["time"], E[s["agents"][k]], max(u.min(), rv), u.max())
        assert x["utility"][k] == pytest.approx(u[np.argmin(np.abs(u - target))], abs=1e-12)


@pytest.mark.xfail(
    strict=True,
    reason="accord's clock is t = r/(R-1) from round 0 and it offers at or above p(t); GENIUS's is "
    "t = r/(R+1) from round 1 and it offers the nearest utility (docs/validation.md)",
)
def test_time_dependent_sessions_replay_turn_by_turn() -> None:
    for s in TIMEDEP:
        r = api.run(gf.scenario(s["folder"]), [NAME[a] for a in s["agents"]], steps=s["rounds"], seed=0)
        mine = [
            float(r.trace.utilities[k, r.trace.party[k]])
            for k in range(len(r.trace))
            if r.trace.action[k] == "offer"
        ]
        theirs = [x["utility"][x["agent"]] for x in s["trace"] if x["action"] == "offer"]
        assert mine[: len(theirs)] == pytest.approx(theirs, abs=1e-12), _sid(s)


@pytest.mark.parametrize(("agent", "genius_opponent", "genius_clock"), MATCHING)
def test_anac_agent_matches_genius_original(agent: str, genius_opponent: bool, genius_clock: bool) -> None:
    rows = gf.compare([agent], genius_opponent=genius_opponent, genius_clock=genius_clock)
    assert {r["opponent"] for r in rows} == {"boulware", "conceder"}
    for r in rows:
        assert r["cells"] >= 30 and r["domains"] >= 10
        assert abs(r["diff"]["agreement"]) <= 0.05, r
        assert abs(r["diff"]["utility"]) <= 0.05, r


def test_accord_protocol_replays_genius_sessions_on_genius_rules() -> None:
    """With GENIUS's two conventions (clock, nearest bid; benchmarks/genius_fidelity.py), accord's protocol
    replays GENIUS's sessions: same offers (in the offerer's utility) in the same turns, same ends, up to
    the first turn where several outcomes share the nearest utility and the two sides pick different ones
    (GENIUS's choice among ties follows its sorted list and binary search)."""
    exact = 0
    for s in TIMEDEP:
        negs = [gf.genius_time_dependent(E[a]) for a in s["agents"]]
        r = api.run(gf.scenario(s["folder"]), negs, steps=s["rounds"], seed=0)
        t = r.trace
        mine = [(int(t.party[k]), t.utilities[k]) for k in range(len(t)) if t.action[k] == "offer"]
        theirs = [(x["agent"], np.array(x["utility"])) for x in s["trace"] if x["action"] == "offer"]
        for (pa, ua), (pb, ub) in zip(mine, theirs, strict=False):
            assert pa == pb, _sid(s)
            assert ua[pa] == pytest.approx(ub[pb], abs=1e-12), _sid(s)  # the offerer's utility: always
            if not np.allclose(ua, ub, atol=1e-12):
                break  # a different outcome of the same utility: the sessions part here
        else:
            assert len(mine) == len(theirs) and r.rounds == s["end_round"], _sid(s)
            assert list(r.utilities.values()) == pytest.approx(s["utility"], abs=1e-12), _sid(s)
            exact += 1
    assert exact >= 24  # of 44 (measured 2026-12-07); the other 20 part at a tie
