"""The time-dependent tactics reproduce the GENIUS TimeDependentAgent targets (oracle CSV)."""

import csv
import os
from pathlib import Path

import numpy as np
import pytest

from accord.model.issues import Issue
from accord.model.preferences import linear_additive
from accord.model.scenario import Party, Protocol, Scenario
from accord.protocols.alternating import run_alternating
from accord.strategies import make
from accord.strategies.time_based import target_utility

ORACLE = Path(os.environ["ACCORD_SHARED"]) / "reference/oracles/genius_time_dependent_targets.csv"


def oracle_rows():
    lines = [ln for ln in ORACLE.read_text().splitlines() if not ln.startswith("#")]
    return [(float(r["e"]), float(r["t"]), float(r["target_utility"])) for r in csv.DictReader(lines)]


@pytest.mark.parametrize("e,t,target", oracle_rows())
def test_target_matches_genius(e, t, target):
    assert target_utility(t, e, 0.0, 1.0) == pytest.approx(target, rel=1e-12, abs=1e-15)


def test_presets_use_the_published_exponents():
    for name, e in (("boulware", 0.2), ("linear", 1.0), ("conceder", 2.0), ("hardliner", 0.0)):
        assert make(name).e == e


def _one_issue(n=101):
    sp = Issue.integer("x", 0, n - 1)
    from accord.model.space import OutcomeSpace

    space = OutcomeSpace([sp])
    a = linear_additive(space, [1.0], [np.linspace(0, 1, n)])
    b = linear_additive(space, [1.0], [np.linspace(1, 0, n)])
    return Scenario("pie", space, (Party("a", a), Party("b", b)), Protocol(deadline=11))


def test_offers_follow_the_target_schedule():
    """A linear negotiator against a hardliner offers, each round, the outcome nearest its target from above."""
    sc = _one_issue()
    res = run_alternating(sc.compile(), [make("linear"), make("hardliner")], seed=0)
    a_offers = [
        int(o)
        for o, p, act in zip(res.trace.offer, res.trace.party, res.trace.action, strict=True)
        if p == 0 and act == "offer"
    ]
    # a's utility of outcome x is x/100; target at round r is 1 - r/10 -> outcome 100 - 10 r
    assert a_offers == [100 - 10 * r for r in range(len(a_offers))]
    assert len(a_offers) == 10  # rounds 1..10; in round 11 (t = 1) a accepts instead of offering
    # the hardliner only ever offers its best outcome (x = 0) and accepts nothing short of it
    b_offers = {int(o) for o, p in zip(res.trace.offer, res.trace.party, strict=True) if p == 1}
    assert b_offers == {0}
    # AC_next: at t = 1 a's next offer would be worth 0 and b's standing offer is worth 0, so a accepts it.
    assert res.agreement and res.outcome == {"x": 0} and res.rounds == 11
    assert res.trace.action[-1] == "accept" and res.trace.party[-1] == 0
