"""Stacked alternating offers: scripted negotiators, exact traces."""

import numpy as np
import pytest

from accord.model.issues import Issue
from accord.model.preferences import linear_additive
from accord.model.scenario import Party, Protocol, Scenario
from accord.model.space import OutcomeSpace
from accord.protocols.alternating import run_alternating
from accord.strategies.base import ACCEPT, REJECT, WALK, Negotiator, StrategyInfo


class Scripted(Negotiator):
    """Offers a fixed list of outcomes in turn; responds from a fixed list of answers."""

    info = StrategyInfo("scripted", "test", "-", "scripted")

    def __init__(self, offers, answers=()):
        self.offers = list(offers)
        self.answers = list(answers)
        self.k = 0
        self.j = 0

    def propose(self, state):
        o = self.offers[min(self.k, len(self.offers) - 1)]
        self.k += 1
        return o

    def respond(self, state, offer):
        a = self.answers[self.j] if self.j < len(self.answers) else REJECT
        self.j += 1
        return a


def scenario(n_parties=2, deadline=5):
    sp = OutcomeSpace([Issue.integer("x", 0, 9)])
    parties = tuple(
        Party(
            f"p{i}",
            linear_additive(
                sp, [1.0], [np.linspace(0, 1, 10)[:: 1 if i % 2 == 0 else -1]], reservation=0.1 * i
            ),
        )
        for i in range(n_parties)
    )
    return Scenario("t", sp, parties, Protocol(deadline=deadline))


def test_bilateral_trace_and_agreement():
    sc = scenario()
    c = sc.compile()
    res = run_alternating(c, [Scripted([9, 8, 7]), Scripted([0, 1], [REJECT, ACCEPT])], seed=3)
    # round 1: p0 offers 9, p1 rejects and offers 0; round 2: p0 rejects(default) offers 8, p1 accepts
    assert res.trace.action == ["offer", "offer", "offer", "accept"]
    assert res.trace.party.tolist() == [0, 1, 0, 1]
    assert res.trace.round.tolist() == [0, 0, 1, 1]
    assert res.trace.offer.tolist() == [9, 0, 8, 8]
    assert res.agreement and res.outcome == {"x": 8} and res.rounds == 2 and res.end == "agreement"
    assert res.utilities == {"p0": pytest.approx(8 / 9), "p1": pytest.approx(1 / 9)}
    np.testing.assert_array_equal(res.trace.utilities[:, 0], c.utilities[0, [9, 0, 8, 8]])


def test_walk_away_and_deadline():
    sc = scenario()
    c = sc.compile()
    res = run_alternating(c, [Scripted([9]), Scripted([0], [REJECT, WALK])])
    assert not res.agreement and res.end == "walk_away" and res.walked_away_by == "p1" and res.rounds == 2
    assert res.utilities == {"p0": 0.0, "p1": 0.1}  # no deal: each gets its reservation value
    res = run_alternating(c, [Scripted([9]), Scripted([0])], deadline=3)
    assert not res.agreement and res.end == "deadline" and res.rounds == 3 and len(res.trace) == 6


def test_opener_and_proposal_walk():
    sc = scenario()
    res = run_alternating(sc.compile(), [Scripted([9]), Scripted([None])], opener=1)
    assert res.trace.party.tolist() == [1] and res.walked_away_by == "p1" and res.rounds == 1


def test_multilateral_needs_every_other_party_to_accept():
    sc = scenario(n_parties=3, deadline=4)
    negs = [Scripted([5, 6]), Scripted([4], [ACCEPT, ACCEPT]), Scripted([3], [REJECT, ACCEPT])]
    res = run_alternating(sc.compile(), negs)
    # p0 offers 5; p1 accepts; p2 rejects and offers 3; p0 rejects, offers 6; p1 accepts; p2 accepts -> deal on 6
    assert res.trace.action == ["offer", "accept", "offer", "offer", "accept", "accept"]
    assert res.outcome == {"x": 6} and res.rounds == 2


def test_same_seed_same_result():
    from accord.strategies import make

    sc = scenario(deadline=30)
    c = sc.compile()
    a = run_alternating(c, [make("random"), make("aspiration")], seed=7)
    b = run_alternating(c, [make("random"), make("aspiration")], seed=7)
    assert a.trace.offer.tolist() == b.trace.offer.tolist() and a.trace.action == b.trace.action
