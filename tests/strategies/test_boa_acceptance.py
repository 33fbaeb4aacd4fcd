"""Acceptance conditions against their definitions (Baarslag, Hindriks & Jonker 2011).

A BOA negotiator with a scripted bidding strategy (bid r is sent in round r) meets a scripted opponent;
the round at which it accepts must be the first one where the condition's definition holds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from accord.strategies.boa import BOA
from accord.strategies.boa.acceptance import window_utilities
from accord.strategies.boa.components import BiddingStrategy, ComponentInfo

sys.path.insert(0, str(Path(__file__).parent))  # the tests run with --import-mode=importlib
from boa_helpers import Scripted, actions_of, one_issue, play  # noqa: E402

R = 11
U = np.array([1.0 - j / 10 for j in range(11)])
SC = one_issue(list(U), [j / 10 for j in range(11)])


class FixedBids(BiddingStrategy):
    info = ComponentInfo("fixed", "bidding", "test", "bids a fixed list")

    def __init__(self, bids: list[int]) -> None:
        self.bids = bids

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        self.k = 0

    def bid(self, state):
        b = self.bids[min(self.k, len(self.bids) - 1)]
        self.k += 1
        return b


def first_acceptance(bids, offers, holds):
    """Expected trace: offers bids[r] until the first round r >= 1 where holds(r, t, x, seen) is true. The
    agent opens, so its turn in the last round is not a last chance (its counter-offer can still be
    accepted): the BOA negotiator's end-game rule does not fire there."""
    out, seen = [], []
    for r in range(R):
        t = r / (R - 1)
        if r > 0:
            x = offers[r - 1]
            seen.append((x, t))
            if holds(r, t, x, seen):
                out.append((r, "accept", x))
                break
        out.append((r, "offer", bids[r]))
    return out


CONCEDING = list(range(11))  # own utility 1.0, 0.9, ..., 0.0
TOUGH = [0] * 11
OFFERS = [10, 9, 9, 8, 6, 6, 5, 5, 5, 5, 5]
WOBBLY = [5, 4, 6, 5, 6, 7, 6, 5, 5, 4, 6]


def run(acceptance, bids, offers):
    res = play(SC, BOA(bidding=FixedBids(bids), acceptance=acceptance), Scripted(offers), deadline=R)
    return actions_of(res, 0)


@pytest.mark.parametrize(("a", "b"), [(1.0, 0.0), (1.1, 0.05), (1.0, 0.2)])
def test_ac_next(a, b):
    want = first_acceptance(CONCEDING, OFFERS, lambda r, t, x, s: a * U[x] + b >= U[CONCEDING[r]])
    assert run(f"ac_next(a={a}, b={b})", CONCEDING, OFFERS) == want


def test_ac_prev():
    want = first_acceptance(CONCEDING, OFFERS, lambda r, t, x, s: U[x] >= U[CONCEDING[r - 1]])
    assert run("ac_prev", CONCEDING, OFFERS) == want


@pytest.mark.parametrize("alpha", [0.35, 0.5, 0.95])
def test_ac_const(alpha):
    want = first_acceptance(TOUGH, OFFERS, lambda r, t, x, s: U[x] >= alpha)
    assert run(f"ac_const({alpha})", TOUGH, OFFERS) == want


@pytest.mark.parametrize("T", [0.0, 0.35, 0.7, 1.0])
def test_ac_time(T):
    want = first_acceptance(TOUGH, OFFERS, lambda r, t, x, s: t >= T)
    assert run(f"ac_time(t={T})", TOUGH, OFFERS) == want


@pytest.mark.parametrize("measure", ["max", "avg"])
@pytest.mark.parametrize("T", [0.3, 0.6, 0.9])
def test_ac_combi(T, measure):
    def holds(r, t, x, seen):
        if U[x] >= U[TOUGH[r]]:
            return True
        if t < T:
            return False
        window = [U[o] for o, ts in seen[:-1] if 2 * t - 1 <= ts <= t]
        if not window:
            return True
        return U[x] >= (max(window) if measure == "max" else sum(window) / len(window))

    want = first_acceptance(TOUGH, WOBBLY, holds)
    assert run(f"ac_combi(t={T}, measure={measure})", TOUGH, WOBBLY) == want


def test_ac_target_uses_the_bidding_strategys_target():
    # Time-dependent linear bidding: target(t) = 1 - t; accept once U(x) >= 1 - t (or >= the next bid).
    def holds(r, t, x, s):
        return U[x] >= 1 - t or U[x] >= U[int(np.flatnonzero(1 - t <= U).max())]

    res = play(SC, BOA(bidding="linear", acceptance="ac_target"), Scripted(OFFERS), deadline=R)
    got = actions_of(res, 0)
    assert got[-1][1] == "accept"
    r = got[-1][0]
    assert all(not holds(k, k / 10, OFFERS[k - 1], None) for k in range(1, r))
    assert holds(r, r / 10, OFFERS[r - 1], None)


def test_no_condition_accepts_below_the_reservation_value():
    sc = one_issue(list(U), [j / 10 for j in range(11)], rv=(0.45, 0.0))
    res = play(sc, BOA(bidding=FixedBids(TOUGH), acceptance="ac_time(t=0)"), Scripted(OFFERS), deadline=R)
    accepted = [o for _, a, o in actions_of(res, 0) if a == "accept"]
    # OFFERS are worth 0, .1, .1, .2, .4, .4, .5, ...: the first worth >= 0.45 (index 5) is made in
    # round 6 and accepted in round 7, although AC_time(0) holds from the start.
    assert accepted == [5]
    assert actions_of(res, 0)[-1][0] == 7


def test_window_is_the_remaining_time_looking_back():
    times = [0.1, 0.3, 0.5, 0.7, 0.9]
    utils = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert list(window_utilities(times, utils, 0.8)) == [4.0]  # W = [0.6, 0.8]
    assert list(window_utilities(times, utils, 1.0)) == []  # no time left: W = [1, 1]
    assert list(window_utilities(times, utils, 0.9)) == [5.0]  # W = [0.8, 0.9]
    assert list(window_utilities(times, utils, 0.5)) == [1.0, 2.0, 3.0]
    assert window_utilities([], [], 0.5).size == 0
