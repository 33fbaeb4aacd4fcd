"""The end-game rule, for every built-in strategy: at its last chance, accept anything worth its reservation value.

An agent's last chance is its turn in the last round when it moves last in that round: no later turn lets
anyone answer it, and refusing leaves it the reservation value. (The opener's turn in the last round is not
a last chance: its counter-offer can still be accepted; the GENIUS originals do not accept there either.) The ANAC agents' papers (e.g. Mori & Ito 2017 for Atlas3; Baarslag et al.
2014 on decoupled ANAC agents) accept there any offer above the reservation value; a rational agent with a
deadline does the same. Two checks:

1. a scripted opponent whose every earlier offer is worth less than the agent's reservation value offers, at
   the agent's last turn, the cheapest outcome above it (and a seeded random one above it): accepted, on
   every shared GENIUS and GeniusWeb domain but SixIssuesInteger (a million outcomes), the agent moving
   second (last);
2. every strategy against every strategy on small shared domains: whenever a negotiation reaches the last
   round, its last mover never counter-offers a standing offer worth its reservation value.

Left out, by design: ``hardliner`` (GENIUS's Hardliner: never concedes, accepts only its best outcome) and
``walk_away`` (the "no talks" baseline: leaves at its first turn).
"""

from __future__ import annotations

import dataclasses
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from accord.io import load
from accord.protocols.alternating import run_alternating
from accord.strategies import make
from accord.strategies.catalog import available

sys.path.insert(0, str(Path(__file__).parent))  # the tests run with --import-mode=importlib
from boa_helpers import Scripted  # noqa: E402

GENIUS = Path("/work/shared/data/genius")
# Shared GENIUS domains and the profile pair of their SOURCES.md check.
DOMAINS = {
    "NiceOrDie": ["NiceOrDie1", "NiceOrDie2"],
    "Laptop": ["laptop_buyer_utility", "laptop_seller_utility"],
    "ItexvsCypress": ["ItexvsCypress_Itex", "ItexvsCypress_Cypress"],
    "EnglandZimbabwe": ["England", "Zimbabwe"],
    "Grocery": ["Grocery_domain_mary", "Grocery_domain_sam"],
    "Amsterdam": ["Amsterdam_party1", "Amsterdam_party2"],
    "Camera": ["camera_buyer_utility", "camera_seller_utility"],
    "Travel": ["travel_chox", "travel_fanny"],
    "Barter": ["Barter-A-prof1", "Barter-A-prof2"],
    "ANAC2015-CarDomain": ["car-Profile1", "car-Profile2"],
    "PartyDomain": ["party1_utility", "party2_utility"],
    "GeniusWeb-Party": ["party1", "party2"],
    "ANL2023-domain00": ["profileA", "profileB"],
    "Energy": ["energy_consumer", "energy_distributor"],
}
BY_DESIGN = {"hardliner", "walk_away"}
STRATEGIES = sorted(set(available()) - BY_DESIGN)
R = 12

pytestmark = pytest.mark.skipif(not GENIUS.is_dir(), reason="shared GENIUS data not present")


@cache
def domain(name: str):
    return load(GENIUS / name, DOMAINS[name])


def with_reservation(sc, party: int, rv: float):
    parties = list(sc.parties)
    p = parties[party]
    parties[party] = dataclasses.replace(p, preferences=dataclasses.replace(p.preferences, reservation=rv))
    return dataclasses.replace(sc, parties=tuple(parties))


@cache
def setting(name: str, side: int):
    """The domain with the agent's reservation value at its median utility; the opponent's early offer (worth
    the agent's least), the cheapest outcome above the reservation value, and a seeded random one above it."""
    sc = domain(name)
    u = sc.compile().utilities[side]
    rv = float(np.median(u))
    above = np.flatnonzero(u > rv + 1e-9)
    if above.size == 0:  # a tiny domain with a skewed median: the second-worst level
        rv = float(np.unique(u)[-2])
        above = np.flatnonzero(u > rv + 1e-9)
    cheapest = int(above[np.argmin(u[above])])
    pick = int(np.random.default_rng(len(name)).choice(above))
    return with_reservation(sc, side, rv), int(np.argmin(u)), (cheapest, pick), rv


def domain_files_present() -> list[str]:
    return [d for d in DOMAINS if (GENIUS / d).is_dir()]


@pytest.mark.parametrize("name", domain_files_present())
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_last_chance_accepts_an_offer_above_reservation(strategy, name):
    side = 0
    sc, low, finals, rv = setting(name, side)
    u = sc.compile().utilities[side]
    assert u[low] < rv
    for final in finals:
        # The opponent opens; the agent answers its offer of the last round, R-1, and moves last.
        script = Scripted([low] * (R - 1) + [final])
        res = run_alternating(sc.compile(), [make(strategy), script], deadline=R, opener=1, seed=3)
        assert res.end == "agreement", (strategy, name, final, u[final], rv)
        assert res.outcome_index == final
        assert res.rounds == R


SMALL = ["NiceOrDie", "Laptop", "ItexvsCypress", "Grocery"]
# Reservation values that make the last offer matter: the domain's own (0) and a demanding 0.5.
RVS = [None, 0.5]


@pytest.mark.parametrize("rv", RVS)
@pytest.mark.parametrize("name", [d for d in SMALL if (GENIUS / d).is_dir()])
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_no_acceptable_last_offer_refused_against_any_opponent(strategy, name, rv):
    sc = domain(name)
    if rv is not None:
        sc = with_reservation(with_reservation(sc, 0, rv), 1, rv)
    comp = sc.compile()
    steps = 20
    for opp in [*STRATEGIES, "hardliner"]:
        for pair in ([strategy, opp], [opp, strategy]):
            res = run_alternating(comp, [make(pair[0]), make(pair[1])], deadline=steps, seed=1)
            tr = res.trace
            standing, standing_round = None, -1
            for k in range(len(tr)):
                p, act, o, rnd = int(tr.party[k]), tr.action[k], int(tr.offer[k]), int(tr.round[k])
                if pair[p] in BY_DESIGN:
                    if act == "offer":
                        standing, standing_round = o, rnd
                    continue
                # The last mover: it answers an offer made in the last round itself.
                last_mover = rnd == steps - 1 and standing_round == steps - 1
                if last_mover and act == "offer" and standing is not None:
                    worth = float(comp.utilities[p][standing])
                    assert worth < comp.reservations[p], (pair, name, rv, p, worth)
                if act == "offer":
                    standing, standing_round = o, rnd


@pytest.mark.parametrize("agent", ["atlas3", "caduceus", "gahboninho"])
def test_issue_cell_grocery_with_reservation_half_agrees(agent):
    """The cell of issue 18: Grocery (mary, sam), both reservation values 0.5, conceder against the agent,
    100 rounds, seeds 0-2: 0 of 3 agreements before the end-game rule. In round 99 the conceder offers an
    outcome the agent values above 0.5; the agent must take it."""
    sc = with_reservation(with_reservation(domain("Grocery"), 0, 0.5), 1, 0.5)
    comp = sc.compile()
    for seed in range(3):
        res = run_alternating(comp, [make("conceder"), make(agent)], deadline=100, seed=seed)
        assert res.agreement, (agent, seed)
        assert comp.utilities[1][res.outcome_index] >= 0.5
