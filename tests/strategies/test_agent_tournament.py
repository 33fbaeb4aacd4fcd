"""Every agent negotiates with every other (and itself) on a real GENIUS domain without error.

The agreement rates are reported in docs/strategies/tournament.md (produced by the same code with
100 rounds on three domains); here 60 rounds on ItexvsCypress (ANAC 2010, 180 outcomes) keep it quick.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
import pytest

from accord.protocols.alternating import run_alternating
from accord.strategies import make

folder = pytest.importorskip("accord.io.folder")

AGENTS = [
    "hardheaded",
    "agentk",
    "gahboninho",
    "iamhaggler",
    "cuhk_agent",
    "agentlg",
    "atlas3",
    "pars_agent",
    "caduceus",
    "micro",
    "nice_tit_for_tat",
    "bayesian_tit_for_tat",
    "boa(bidding=boulware,model=frequency,acceptance=ac_combi(t=0.98))",
]
DOMAIN = str(Path(os.environ["ACCORD_SHARED"]) / "data/genius/ItexvsCypress")


def build(spec):
    from accord.strategies.spec import build_negotiator

    return build_negotiator(spec)


@pytest.fixture(scope="module")
def compiled():
    sc = folder.load_folder(DOMAIN, parties=["ItexvsCypress_Itex", "ItexvsCypress_Cypress"])
    return sc.compile()


def test_round_robin_plays_out_consistently(compiled):
    R = 60
    agreements = 0
    for a, b in itertools.product(AGENTS, AGENTS):
        res = run_alternating(compiled, [build(a), build(b)], deadline=R, seed=11)
        tr = res.trace
        assert 1 <= res.rounds <= R and len(tr) <= 2 * R
        assert ((tr.offer >= 0) & (tr.offer < compiled.space.size)).all()
        if res.agreement:
            agreements += 1
            k = res.outcome_index
            assert tr.action[-1] == "accept" and int(tr.offer[-1]) == k
            for i in range(2):  # nobody accepts below its reservation value
                assert compiled.utilities[i, k] >= compiled.reservations[i]
        else:
            assert res.end in ("deadline", "walk_away")
    assert agreements >= len(AGENTS) ** 2 // 2


@pytest.mark.parametrize(
    "name", ["agentk", "caduceus", "iamhaggler", "micro", "nice_tit_for_tat", "pars_agent"]
)
def test_stochastic_agents_repeat_with_the_same_seed(compiled, name):
    runs = [run_alternating(compiled, [make(name), make("boulware")], deadline=40, seed=5) for _ in range(2)]
    assert np.array_equal(runs[0].trace.offer, runs[1].trace.offer)
    assert runs[0].trace.action == runs[1].trace.action
