"""Scripted-opponent tests of the agents that learn about the opponent or combine other agents.

As in test_agents_time.py, the expected actions are re-derived round by round from the rules in the
agent's docstring with independent brute-force code (for the Bayesian agents: the exact posterior over
the triangular hypotheses of a one-issue domain; for IAMhaggler: the Gaussian process written with an
explicit matrix inverse, the planned agreement with math.erf).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from accord.strategies import make
from accord.strategies.agents.atlas3 import ess_lower_limit

sys.path.insert(0, str(Path(__file__).parent))  # the tests run with --import-mode=importlib
from boa_helpers import Scripted, actions_of, agent_rng, at_or_above, band, one_issue, play, two_issues  # noqa: E402

MINE = [1.0 - j / 10 for j in range(11)]
THEIRS = [j / 10 for j in range(11)]
U1 = np.array(MINE)

# Two issues p, q (3 values each); own utility 0.6 s_p + 0.4 s_q.
W_A, S_A = [0.6, 0.4], [[1.0, 0.5, 0.0], [1.0, 0.9, 0.0]]
W_B, S_B = [0.5, 0.5], [[0.0, 0.5, 1.0], [0.0, 1.0, 0.5]]
U2 = np.array([W_A[0] * S_A[0][p] + W_A[1] * S_A[1][q] for p in range(3) for q in range(3)])


def run_expected(deadline, offers, decide, agent_first=True):
    """Expected actions of the agent; in the last round, if the agent moves last there (it does not open),
    the end-game rule comes first (accept any offer worth the reservation value, 0 in these domains:
    every offer). The opener's turn in the last round is not a last chance: it decides as usual."""
    out = []
    for r in range(deadline):
        t = r / (deadline - 1)
        x = (
            (offers[min(r - 1, len(offers) - 1)] if r > 0 else None)
            if agent_first
            else offers[min(r, len(offers) - 1)]
        )
        last = r == deadline - 1 and not agent_first
        act = ("accept", x) if last and x is not None else decide(r, t, x)
        out.append((r, *act))
        if act[0] == "accept":
            break
    return out


def modes(seen, cards=(3, 3)):
    counts = [np.zeros(c, dtype=int) for c in cards]
    for o in seen:
        counts[0][o // 3] += 1
        counts[1][o % 3] += 1
    return [int(np.argmax(c)) for c in counts]


@pytest.mark.parametrize(("a", "b", "r"), [(1.0, 0.5, 0.0), (0.9, 0.3, 0.1), (1.0, 0.8, 0.4)])
def test_atlas3_lower_limit_is_the_expected_utility_of_the_mixed_equilibrium(a, b, r):
    low = ess_lower_limit(a, b, r)
    q = (low - r) / (a - r)  # the opponent's probability of conceding implied by L = R + q (A - R)
    insist = q * a + (1 - q) * r
    concede = q * (a + b) / 2 + (1 - q) * b
    assert insist == pytest.approx(
        concede, abs=1e-12
    )  # indifference: the definition of the mixed equilibrium
    assert b <= low <= a
    assert ess_lower_limit(1.0, 0.5, 0.0) == pytest.approx(2 / 3)


def test_atlas3_linear_concession_replacement_and_final_phase():
    R = 11
    offers = [8, 4] + [7] * 9  # its best offer (4) comes early, then it offers less
    seen, back = [], set()

    def decide(r, t, x):
        if x is not None:
            seen.append(x)
        best = max(U2[o] for o in seen) if seen else -math.inf
        low = 2 * best / (1 + best) if best > 0 else 0.0
        target = low + (1 - low) * (1 - t)  # linear in time (no discounting)

        def regular():
            base = at_or_above(U2, target)
            if not seen:
                return base
            floor = min(target, U2[base])
            d = [base // 3, base % 3]
            for i, v in enumerate(modes(seen)):
                trial = d.copy()
                trial[i] = v
                if U2[trial[0] * 3 + trial[1]] >= floor:
                    d = trial
            return d[0] * 3 + d[1]

        # popular bids: the distinct opponent offers, best first (ties: first seen first)
        popular = sorted(dict.fromkeys(seen), key=lambda o: (-U2[o], seen.index(o)))
        final = seen and t > 1 - t / (r + 1) * (len(popular) + 1)  # own turns so far: r + 1
        if final:
            cand = next((o for o in popular if o not in back), None)
            if cand is not None and U2[cand] > U2[x] and U2[cand] > 0.0:
                back.add(cand)
                return ("offer", cand)
            if U2[x] > 0.0 or (cand is None and U2[x] >= 0.0):
                return ("accept", x)
            return ("offer", regular())
        nb = regular()
        if x is not None and U2[x] >= target:
            return ("accept", x)
        return ("offer", nb)

    sc = two_issues(W_A, S_A, W_B, S_B)
    res = play(sc, make("atlas3"), Scripted(offers), deadline=R)
    want = run_expected(R, offers, decide)
    assert actions_of(res, 0) == want
    # In the final phase it offered the opponent's best bid back, then took the current offer.
    assert want[-2:] == [(7, "offer", 4), (8, "accept", 7)]


# A flatter own utility, so that many bids lie close to the target: 0.5 s_p + 0.5 s_q.
S_NEAR = [[1.0, 0.95, 0.9], [1.0, 0.96, 0.92]]
U_NEAR = np.array([0.5 * S_NEAR[0][p] + 0.5 * S_NEAR[1][q] for p in range(3) for q in range(3)])


@pytest.mark.parametrize("seed", [0, 4, 9])
def test_pars_agent_frequency_bid_or_a_variation_of_its_best_bid(seed):
    R = 21
    offers = [8, 8, 7, 8, 8, 7, 8, 8, 8, 8, 7, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8]
    U2 = U_NEAR  # noqa: N806
    rng = agent_rng(seed)
    seen = []
    # Its best bid (p0, q0) = 0 with one issue changed: p1, p2 (outcomes 3, 6), then q1, q2 (1, 2).
    variations = [3, 6, 1, 2]

    def decide(r, t, x):
        if x is not None:
            seen.append(x)
        p_min = U2.min()  # the worst outcome (0.91): Pmin is the larger of it and the reservation value 0
        target = max(0.7, p_min + (1 - p_min) * (1 - t ** (1 / 0.15)))
        nb = None
        if seen:
            m = modes(seen)
            cand = m[0] * 3 + m[1]
            if U2[cand] > target:
                nb = cand
        if nb is None:
            ok = [o for o in variations if U2[o] > target]
            nb = ok[int(rng.integers(len(ok)))] if ok else 0
        if x is not None and U2[x] > target:
            return ("accept", x)
        return ("offer", nb)

    res = play(
        two_issues([0.5, 0.5], S_NEAR, W_B, S_B), make("pars_agent"), Scripted(offers), deadline=R, seed=seed
    )
    assert len({o for _, a, o in actions_of(res, 0) if a == "offer"}) > 1  # the random branch was exercised
    assert actions_of(res, 0) == run_expected(R, offers, decide)


def test_caduceus_weighted_votes_of_its_experts():
    R = 11
    offers = [8, 7, 5, 4, 4, 2, 1, 1, 1, 1, 1]
    experts = [0.2, 2.0, 0.0]  # boulware, conceder, hardliner: weights 3:2:1
    weights = [3 / 6, 2 / 6, 1 / 6]

    def expert_target(e, t):
        return 1.0 if e == 0 else 1 - t ** (1 / e)

    def decide(r, t, x):
        bids = [at_or_above(U2, expert_target(e, t)) for e in experts]
        if x is not None:
            yes = sum(w for w, b in zip(weights, bids, strict=True) if U2[x] >= U2[b])
            if yes > 0.5:
                return ("accept", x)
        chosen = []
        for i in range(2):
            vals = [b // 3 if i == 0 else b % 3 for b in bids]
            tally = {}
            for w, v in zip(weights, vals, strict=True):
                tally[v] = tally.get(v, 0.0) + w
            top = max(tally.values())
            chosen.append(next(v for v in vals if tally[v] == top))
        return ("offer", chosen[0] * 3 + chosen[1])

    agent = make("caduceus", experts="boulware+conceder+hardliner", lead=0.0)
    res = play(two_issues(W_A, S_A, W_B, S_B), agent, Scripted(offers), deadline=R)
    assert actions_of(res, 0) == run_expected(R, offers, decide)


def test_caduceus_opens_with_its_best_bid_until_the_lead_time():
    res = play(two_issues(W_A, S_A, W_B, S_B), make("caduceus", lead=0.5), Scripted([8]), deadline=11)
    early = [o for r, a, o in actions_of(res, 0) if a == "offer" and r / 10 < 0.5]
    assert early == [0] * 5


def _gp(x, y, xs, line, signal=0.1, length=0.3, noise=0.02):
    """The GP posterior with an explicit inverse; prior mean line[0] + line[1] * x."""

    def k(a, b):
        d = np.abs(np.subtract.outer(a, b)) * math.sqrt(3) / length
        return signal**2 * (1 + d) * np.exp(-d)

    prior = lambda v: line[0] + line[1] * v  # noqa: E731
    inv = np.linalg.inv(k(x, x) + noise**2 * np.eye(len(x)))
    ks = k(x, xs)
    mean = prior(xs) + ks.T @ inv @ (y - prior(x))
    var = signal**2 - np.diag(ks.T @ inv @ ks)
    return mean, np.sqrt(np.maximum(var, 0) + noise**2)


def _tail(u, m, s):
    """P(X >= u), X ~ N(m, s^2), with math.erf (z clipped to [-6, 6] as the agent documents)."""
    z = min(6.0, max(-6.0, (u - m) / (s * math.sqrt(2))))
    return 0.5 * (1 - math.erf(z))


def _plan(mean, sd, fut, grid, risk=3.0, discount=1.0):
    """t*: the latest future time of largest expected u^risk d^t over the truncated distribution of the
    opponent's offer (grid bins of width h); u*: the highest u maximising u^risk P(>= u at t*) d^t*."""
    h = grid[0] - grid[1]
    rows = []
    for m, s, tau in zip(mean, sd, fut, strict=True):
        lo, hi = _tail(grid[0] + h / 2, m, s), _tail(grid[-1] - h / 2, m, s)
        dens = [(_tail(g - h / 2, m, s) - _tail(g + h / 2, m, s)) / (hi - lo) for g in grid]
        cum = [(_tail(g, m, s) - lo) / (hi - lo) for g in grid]
        ev = sum(d * g**risk for d, g in zip(dens, grid, strict=True)) * discount**tau
        rows.append((ev, cum))
    top = max(ev for ev, _ in rows)
    i = max(a for a, (ev, _) in enumerate(rows) if ev == top)
    score = [c * g**risk * discount ** fut[i] for c, g in zip(rows[i][1], grid, strict=True)]
    return float(fut[i]), float(grid[int(np.argmax(score))])


@pytest.mark.parametrize("seed", [0, 2])
def test_iamhaggler_gaussian_process_concession(seed):
    R, S = 13, 4
    offers = [10, 9, 9, 8, 8, 7, 6, 6, 5, 5, 4, 4, 4]
    rng = agent_rng(seed)
    grid = [1 - (k + 0.5) / 100 for k in range(100)]  # Pmin = 0, Pmax = 1 here
    times = [i / 100 for i in range(101)]
    seen, seen_t, mine = [], [], []
    st = {"fitted": 0, "last": (0.0, 1.0), "plan": None, "targets": []}

    def target(t):
        slot = min(S - 1, int(t * S))
        if slot == 0:
            return 1 - t / 2
        if slot > st["fitted"]:
            st["fitted"] = slot
            best = {}
            for o, ti in zip(seen, seen_t, strict=True):
                if ti < slot / S:
                    k = min(S - 1, int(ti * S))
                    best[k] = max(best.get(k, -1.0), U1[o])
            fut = [tau for tau in times if tau > t]
            if best and fut:
                xs = np.array([(k + 0.5) / S for k in sorted(best)])
                ys = np.array([best[k] for k in sorted(best)])
                y0 = ys[0]
                mean, sd = _gp(xs, ys, np.array(fut), (y0, 0.9 - y0))
                st["plan"] = _plan(mean, sd, fut, grid)
        t0, u0 = st["last"]
        if st["plan"] is None:
            u = u0
        else:
            ts, us = st["plan"]
            u = us if ts <= t0 else u0 + (t - t0) * (us - u0) / (ts - t0)
        return min(max(u, 0.0), 1.0)

    def decide(r, t, x):
        if x is not None:
            seen.append(x)
            seen_t.append(t)
        p = target(t)
        st["targets"].append(p)
        if t * S >= 1:
            st["last"] = (t, p)
        b = max(seen, key=lambda o: (U1[o], -seen.index(o))) if seen else None
        if b is not None and U1[b] >= p:
            nb = b
        else:
            cands = band(U1, p - 0.025, p + 0.025)
            nb = cands[int(rng.integers(len(cands)))] if cands else at_or_above(U1, p)
        if x is not None:
            v = 1.02 * U1[x]
            if (mine and v >= U1[mine[-1]]) or v >= 0.9 or v >= U1[nb]:
                return ("accept", x)
        mine.append(nb)
        return ("offer", nb)

    res = play(one_issue(MINE, THEIRS), make("iamhaggler", slots=S), Scripted(offers), deadline=R, seed=seed)
    want = run_expected(R, offers, decide)
    assert actions_of(res, 0) == want
    # The plan was made: the target left the opening line and stayed within [Pmin, Pmax].
    assert st["plan"] is not None and all(0.0 <= p <= 1.0 for p in st["targets"])


def bayes_estimate(seen, times, k=11, sigma=0.15, concession=0.1):
    """Exact posterior mean of the opponent's value function over the triangular hypotheses (one issue)."""
    hyps = [[1 - abs(v - j) / max(j, k - 1 - j) for v in range(k)] for j in range(k)]
    post = [1.0 / k] * k
    for b, t in zip(seen, times, strict=True):
        target = 1 - concession * t
        post = [p * math.exp(-0.5 * ((h[b] - target) / sigma) ** 2) for p, h in zip(post, hyps, strict=True)]
        s = sum(post)
        post = [p / s for p in post]
    return np.array([sum(p * h[v] for p, h in zip(post, hyps, strict=True)) for v in range(k)])


OPP = [10, 9, 9, 8, 7, 7, 6, 5, 5, 4, 4]


def test_nice_tit_for_tat_mirrors_the_concession_toward_the_nash_point():
    R = 11
    seen, times = [], []

    def decide(r, t, x):
        if x is not None:
            seen.append(x)
            times.append(t)
        target = 1.0
        if len(seen) >= 2:
            est = bayes_estimate(seen, times)
            prods = U1 * est
            k = int(np.argmax(prods))
            u_me, u_opp = U1[k], est[k]
            first, last = est[seen[0]], est[seen[-1]]
            den = first - u_opp
            c = 0.0 if den <= 0 else min(1.0, max(0.0, (first - last) / den))
            target = max(0.0, u_me, 1 - c * (1 - u_me))
        nb = at_or_above(U1, target)
        if x is not None:
            if U1[x] >= U1[nb]:
                return ("accept", x)
            window = [U1[o] for o, ti in zip(seen[:-1], times[:-1], strict=True) if 2 * t - 1 <= ti <= t]
            if t >= 0.98 and (not window or U1[x] >= max(window)):
                return ("accept", x)
        return ("offer", nb)

    res = play(one_issue(MINE, THEIRS), make("nice_tit_for_tat"), Scripted(OPP), deadline=R)
    assert actions_of(res, 0) == run_expected(R, OPP, decide)


def test_bayesian_tit_for_tat_answers_each_modelled_concession():
    R = 11
    seen, times = [], []
    st = {"level": 1.0}

    def decide(r, t, x):
        if x is not None:
            seen.append(x)
            times.append(t)
            if len(seen) >= 2:
                est = bayes_estimate(seen, times)
                drop = est[seen[-2]] - est[seen[-1]]
                st["level"] = min(1.0, max(0.0, st["level"] - drop))
        target = min(st["level"], 1 - t ** (1 / 0.2))
        nb = at_or_above(U1, target)
        if x is not None and U1[x] >= U1[nb]:
            return ("accept", x)
        return ("offer", nb)

    res = play(one_issue(MINE, THEIRS), make("bayesian_tit_for_tat"), Scripted(OPP), deadline=R)
    assert actions_of(res, 0) == run_expected(R, OPP, decide)
