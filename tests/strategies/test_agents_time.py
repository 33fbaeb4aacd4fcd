"""Scripted-opponent tests of the agents whose rules are time and offer-statistics based.

Each test plays the agent against a scripted opponent on a one-issue domain (value j worth 1 - j/10 to the
agent) and re-derives, round by round and with brute-force helpers, the action the paper's rules (as
read in the agent's docstring) prescribe; the whole trace of the agent must match.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from accord.strategies import make

sys.path.insert(0, str(Path(__file__).parent))  # the tests run with --import-mode=importlib
from boa_helpers import Scripted, actions_of, agent_rng, at_or_above, band, one_issue, play, two_issues  # noqa: E402

K = 11
MINE = [1.0 - j / 10 for j in range(K)]
THEIRS = [j / 10 for j in range(K)]
U = np.array(MINE)


def expect_loop(deadline, offers, decide, agent_first=True):
    """Expected actions of the agent: ``decide(r, t, x)`` returns ("offer", o) or ("accept", x).

    ``x`` is the opponent's standing offer the agent faces in round r (None when it opens). In the last
    round, if the agent moves last there (it does not open), the end-game rule comes first: any offer
    worth the reservation value (0 here: every offer) is accepted. The opener's last turn is not a last
    chance (its counter-offer can still be accepted), so it decides as usual.
    """
    out = []
    for r in range(deadline):
        t = r / (deadline - 1)
        if agent_first:
            x = offers[min(r - 1, len(offers) - 1)] if r > 0 else None
        else:
            x = offers[min(r, len(offers) - 1)]
        last = r == deadline - 1 and not agent_first
        act = ("accept", x) if last and x is not None else decide(r, t, x)
        out.append((r, *act))
        if act[0] == "accept":
            break
    return out


def test_micro_concedes_one_step_per_new_opponent_offer():
    sc = one_issue([1.0, 0.8, 0.6, 0.4, 0.2, 0.0], [0.0, 0.2, 0.4, 0.6, 0.8, 1.0], rv=(0.3, 0.0))
    seed = 3
    res = play(sc, make("micro"), Scripted([5, 5, 4, 3, 3, 3]), deadline=8, seed=seed)
    repeat = [0, 1][int(agent_rng(seed).integers(2))]
    # R0 best; R1 concede (opponent made 1 offer); R2 repeat (opponent repeated); R3 concede to v2;
    # R4 the opponent's v3 (0.4) is at least the lowest own proposal incl. the next one (v3, 0.4 >= rv).
    assert actions_of(res, 0) == [
        (0, "offer", 0),
        (1, "offer", 1),
        (2, "offer", repeat),
        (3, "offer", 2),
        (4, "accept", 3),
    ]


def test_micro_stops_conceding_at_its_reservation_value():
    sc = one_issue([1.0, 0.8, 0.6, 0.4, 0.2, 0.0], [0.0, 0.2, 0.4, 0.6, 0.8, 1.0], rv=(0.5, 0.0))
    seed = 5
    res = play(sc, make("micro"), Scripted([5, 5, 4, 3, 3, 3, 3]), deadline=7, seed=seed)
    rng = agent_rng(seed)
    r2 = [0, 1][int(rng.integers(2))]
    later = [[0, 1, 2][int(rng.integers(3))] for _ in range(3)]  # v3 is below rv: repeats from then on
    assert actions_of(res, 0) == [(0, "offer", 0), (1, "offer", 1), (2, "offer", r2), (3, "offer", 2)] + [
        (r, "offer", o) for r, o in zip((4, 5, 6), later, strict=True)
    ]


def hardheaded_floor(t):
    """HardHeaded's floor: Pmin 0.585 (its constant; reservation 0 here), Pmax 1, Ka = 0.05, e = 0.05."""
    return 0.585 + (1.0 - 0.585) * (1 - (0.05 + 0.95 * t ** (1 / 0.05)))


def test_hardheaded_walks_down_its_list_above_the_floor_and_accepts_above_its_lowest_bid():
    R, seed = 11, 4
    offers = [10 - r for r in range(R)]  # worth r/10 to the agent
    order = list(range(K))  # own list best first: v0 (1.0), v1 (0.9), ...
    st = {"pos": 0, "queue": [], "mine": []}
    rng = agent_rng(seed)

    def decide(r, t, x):
        if r == 0:
            st["queue"] = [order[0]]
        elif not st["queue"]:
            nxt = order[st["pos"] + 1]
            if U[nxt] < hardheaded_floor(t):  # below the floor: repeat an earlier bid, drawn at random
                st["queue"] = [st["mine"][int(rng.integers(len(st["mine"])))]]
            else:  # one step down (no other bid within 0.01 on this list)
                st["pos"] += 1
                st["queue"] = [nxt]
        nb = st["queue"][0]
        if x is not None and (U[x] > min(U[st["mine"]]) or U[x] >= U[nb]):
            return ("accept", x)
        st["mine"].append(st["queue"].pop(0))
        return ("offer", nb)

    res = play(one_issue(MINE, THEIRS), make("hardheaded"), Scripted(offers), deadline=R, seed=seed)
    want = expect_loop(R, offers, decide)
    assert actions_of(res, 0) == want
    # The floor holds it at its best bid until t = 1, where it steps to v1 (0.9) and takes the offer of 0.9.
    assert want[:-1] == [(r, "offer", 0) for r in range(10)] and want[-1] == (10, "accept", 1)


def test_hardheaded_bids_what_the_frequency_model_rates_best_among_equals():
    # Own utility depends on issue p only, so the three q values tie; the opponent always offers q2.
    sc = two_issues(
        [1.0, 0.0], [[1.0, 0.5, 0.0], [0.0, 0.0, 0.0]], [0.5, 0.5], [[0.0, 0.5, 1.0], [0.0, 0.5, 1.0]]
    )
    seed = 2
    res = play(sc, make("hardheaded"), Scripted([8]), deadline=5, seed=seed)
    rng = agent_rng(seed)
    # Round 0: its best bid, the lowest index among the best, (p0, q0) = 0. Round 1: the next step down the
    # list is (p0, q1) = 1, and (p0, q2) = 2 is within 0.01 of it: both queued, the frequency model's
    # favourite first (the opponent offered q2): 2, then 1. Round 3 and 4: the next step, (p1, q0) worth
    # 0.5, is below the floor (0.978 at t = 0.75, 0.585 at t = 1): an earlier bid, drawn at random. The
    # opponent's offer is worth 0, never above its lowest bid (1.0) nor its next: no acceptance.
    r3 = [0, 2, 1][int(rng.integers(3))]
    r4 = [0, 2, 1, r3][int(rng.integers(4))]
    assert hardheaded_floor(0.75) > 0.5 and hardheaded_floor(1.0) > 0.5
    assert actions_of(res, 0) == [
        (0, "offer", 0),
        (1, "offer", 2),
        (2, "offer", 1),
        (3, "offer", r3),
        (4, "offer", r4),
    ]


@pytest.mark.parametrize("seed", [0, 7])
def test_agentk_target_random_bids_and_probabilistic_acceptance(seed):
    R = 11
    offers = [10, 9, 8, 7, 6, 6, 5, 5, 4, 4, 3]
    rng = agent_rng(seed, party=0)
    seen = []

    def decide(r, t, x):
        seen.append(U[x])
        a = np.array(seen)
        mu, sd = a.mean(), a.std()
        emax = min(1.0, mu + (1 - mu) * math.sqrt(12) * sd)
        target = max(0.0, 1 - (1 - emax) * t**3)
        cands = band(U, target, 1.0)
        bid = cands[int(rng.integers(len(cands)))]
        if U[x] >= target:
            return ("accept", x)
        p = t**5 / 5 + (U[x] - emax) + (U[x] - target)
        if p >= 1 or (p > 0 and rng.random() < p):
            return ("accept", x)
        return ("offer", bid)

    res = play(
        one_issue(MINE, THEIRS), make("agentk"), Scripted(offers), deadline=R, agent_first=False, seed=seed
    )
    assert actions_of(res, 0) == expect_loop(R, offers, decide, agent_first=False)


def test_gahboninho_pressure_then_slow_fall_and_compromising_acceptance():
    """Gahboninho's rules (module doc) re-derived turn by turn on a fine one-issue domain (value j worth
    1 - j/100 to it), against an opponent that stays low, then moves up to 0.7, 0.8 and 0.91."""
    n, R = 101, 101
    mine = [1 - j / 100 for j in range(n)]
    u = np.array(mine)
    offers = [60] * 40 + [30, 31] * 10 + [20] * 20 + [9] * 21
    phases = [(0.85, 0.9125, 0.95), (0.92, 0.84, 0.94), (0.94, 0.775, 0.93), (1.0, 0.7, 0.91)]
    seen, sent = [], []
    st = {"noise": 0.4, "prev": 1.0, "windows": 0, "last_distinct": None, "opened": 0, "open": True}

    def decide(r, t, x):
        if x is not None:
            seen.append(x)
        while (st["windows"] + 1) * 20 <= len(seen):  # noise: once per window of 20 opponent offers
            w = seen[st["windows"] * 20 : (st["windows"] + 1) * 20]
            if st["last_distinct"] is not None:
                step = 0.05 if len(set(w)) > st["last_distinct"] else -0.01
                st["noise"] = min(1.0, max(0.0, st["noise"] + step))
            st["last_distinct"] = len(set(w))
            st["windows"] += 1
        best = max((u[o] for o in seen), default=-math.inf)
        factor = None
        if not sent:
            nb = at_or_above(u, 1.0)
        elif st["open"] and st["opened"] < 40 and t < 0.15:
            st["opened"] += 1
            nb = at_or_above(u, 0.925 + 0.075 * (1 - st["opened"] / 40))
        else:
            st["open"] = False
            floor, factor = next((f, c) for until, f, c in phases if t <= until)
            m = max(best, floor, 0.0)
            big = max(m * (1 + 6 * st["noise"]), m)
            rec = min(1.0, big - (big - m) * t)
            rec = min(max(rec, st["prev"] - 0.0018), st["prev"] + 0.01)
            st["prev"] = rec
            last = t >= 0.9996 or t > 1 - 1.5 * t / len(sent)  # its last round, by its own turn interval
            nb = max(seen, key=lambda o: (u[o], -seen.index(o))) if last else at_or_above(u, rec)
        if x is not None:
            ok = u[x] > 0.95 if factor is None else u[x] >= factor * st["prev"]
            if ok:
                return ("accept", x)
        sent.append(nb)
        return ("offer", nb)

    res = play(one_issue(mine, [1 - v for v in mine]), make("gahboninho"), Scripted(offers), deadline=R)
    want = expect_loop(R, offers, decide)
    assert actions_of(res, 0) == want
    # It held out above 0.95 through the fall and took the opponent's 0.91 late (0.91 >= 0.91 x ~0.97).
    assert want[-1][1] == "accept" and u[want[-1][2]] == pytest.approx(0.91)
    assert min(u[o] for _, a, o in want if a == "offer") > 0.95


@pytest.mark.parametrize("delta", [1.0, 0.6])
def test_cuhk_agent_discount_driven_threshold(delta):
    """CUHKAgent's rules (module doc) re-derived turn by turn; without discounting the threshold stays at
    Pmax, with delta = 0.6 it falls to Pmax delta^(1 - lambda) at lambda and then follows Pmax delta^(1-t)."""
    R = 21
    offers = [10, 9, 8, 7, 6, 5, 4, 3, 2] + [1] * 12
    sc = one_issue(MINE, THEIRS)
    a = sc.parties[0]
    pa = dataclasses.replace(a, preferences=dataclasses.replace(a.preferences, discount=delta))
    sc = dataclasses.replace(sc, parties=(pa, sc.parties[1]))
    beta = 1.8 if delta > 0.75 else 1.5 if delta > 0.5 else 1.2
    lam0 = 0.08 + 0.92 * delta**beta
    seen, mine = [], []
    st = {"concede": False}

    def lam():
        g = 1 - len(set(seen)) / len(seen) if seen else 0.0
        return min(1.0, lam0 + 0.1 * (1 - lam0) * g**10)

    def tau(t):
        lm = lam()
        if t <= lm:
            return 1 - (1 - delta ** (1 - lm)) * (t / lm) ** 2
        return delta ** (1 - t)

    def favourite(lo, hi):  # the frequency model's favourite in [lo, hi] (one issue: value counts)
        cands = [j for j in range(K) if lo <= U[j] <= hi]
        if not cands or not seen:
            return at_or_above(U, lo)
        return max(cands, key=lambda j: (seen.count(j), U[j]))

    def decide(r, t, x):
        if x is not None:
            seen.append(x)
        best = max(seen, key=lambda o: (U[o], -seen.index(o))) if seen else None
        if not seen or not mine:
            nb = 0
        elif t > 0.9985:
            nb = best if U[best] >= 0.85 else favourite(1 - 0.15, 1 - 0.02)
        elif st["concede"]:
            st["concede"], nb = False, best
        else:
            nb = best if U[best] >= tau(t) else favourite(tau(t), 1.0)
        if x is not None:
            if U[x] >= tau(t) or U[x] >= U[nb]:
                return ("accept", x)
            b = U[best] * delta**t
            if (t > lam() and b > delta) or b > tau(t) * delta**t:
                if U[x] >= U[best] - 0.01:
                    return ("accept", x)
                st["concede"] = True
        mine.append(nb)
        return ("offer", nb)

    res = play(sc, make("cuhk_agent"), Scripted(offers), deadline=R)
    want = expect_loop(R, offers, decide)
    assert actions_of(res, 0) == want
    if delta == 1.0:  # a hardliner until the end rule: its best bid; at t = 1 the opponent's best (0.9)
        assert want == [(r, "offer", 0) for r in range(R - 1)] + [(R - 1, "accept", 1)]
    else:  # it concedes and takes an offer before the deadline
        assert want[-1][1] == "accept" and want[-1][0] < R - 1


@pytest.mark.parametrize(
    "offers",
    [
        [10] * 6 + [9] * 6 + [8] * 6 + [7] * 6 + [6] * 6 + [5] * 6 + [4] * 5,  # concedes slowly
        [10] * 41,  # never moves
        [7, 8, 9, 10] + [9] * 20 + [4, 4, 3, 3, 3, 2] + [1] * 11,  # jumps late
    ],
)
def test_agentlg_short_list_widened_only_when_the_opponent_concedes(offers):
    """AgentLG's rules (module doc) re-derived turn by turn with lists and loops."""
    R = 41
    order = list(range(11))  # own outcomes best first (U = 1 - j/10)
    seen, mine = [], []
    st = {"total": 0, "n": 1, "idx": 0, "last_t": 0.0, "last_best": -math.inf, "repeat": None}

    def score(o):  # one issue: count of the value over the count of the most offered value
        return seen.count(o) / max(seen.count(v) for v in seen)

    def bid(t):
        best = max(U[o] for o in seen)
        o1 = U[seen[0]]
        if not st["total"]:
            st["total"] = max(1, len(band(U, max(0.0, o1 + (1 - o1) / 4), 1.0)))
        if st["repeat"] is not None:
            return st["repeat"]
        n, total = st["n"], st["total"]
        if t >= 0.9995:  # the end: the opponent's best offer (worth at least Pmin = 0 here)
            b = max(seen, key=lambda o: (U[o], -seen.index(o)))
            st["repeat"] = b  # an opponent's own offer: repeated from then on
            return b
        b = order[st["idx"]]
        st["idx"] += 1
        if t < 0.6:
            if t - st["last_t"] > 0.1 and n < total and 1 - (1 - o1) / 4 <= U[order[n]]:
                k = n - 1
                while k < total - 1 and U[order[k]] >= U[order[n - 1]]:
                    k += 1
                st["n"], st["last_t"] = k + 1, t
            if st["idx"] >= st["n"]:
                st["idx"] = 0
            st["last_best"] = best
        elif st["idx"] >= n:
            if t < 0.9:
                st["idx"] = 0
                if t - st["last_t"] > 0.05 and best > st["last_best"]:
                    top = max(score(order[k]) for k in range(n))
                    nxt = [k for k in range(n, total) if score(order[k]) >= top]
                    if nxt:
                        st["n"] = nxt[0] + 1
                    st["last_best"], st["last_t"] = best, t
            else:
                st["idx"] = n - 1 if t - st["last_t"] > 0.008 else 0
        if b in seen:
            st["repeat"] = b
        return b

    def decide(r, t, x):
        if x is None:
            mine.append(0)
            return ("offer", 0)  # no opponent offer yet: the best outcome
        seen.append(x)
        floor = U[order[st["n"] - 1]]  # the worst bid on the list before this turn's bid
        nb = bid(t)
        last = U[mine[-1]]
        if U[x] >= 0.99 * last or (t > 0.999 and U[x] >= 0.9 * last) or U[x] >= floor:
            return ("accept", x)
        mine.append(nb)
        return ("offer", nb)

    res = play(one_issue(MINE, THEIRS), make("agentlg"), Scripted(offers), deadline=R)
    assert actions_of(res, 0) == expect_loop(R, offers, decide)
