"""The mediated single-text protocol against brute force on small spaces.

Independent references: the single-issue neighbours of a text are enumerated digit by digit in plain
Python (numpy's ravel/unravel), and the whole protocol is replayed by a plain loop from the documented
seed recipe (child 0 of ``SeedSequence(seed).spawn(n + 1)`` is the mediator, child i + 1 party i).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord import api
from accord.protocols.single_text import run_single_text
from accord.strategies.single_text import Annealer, HillClimber

sys.path.insert(0, str(Path(__file__).parent))  # the tests run with --import-mode=importlib
from single_text_helpers import locally_pareto_optimal, scenario  # noqa: E402


def reference(sc, seed: int, temperatures: list[float | None], steps: int) -> list[int]:
    """Texts after each step, by a plain loop (None: hill climber; a number: annealer's temperature)."""
    comp = sc.compile()
    u = comp.utilities
    cards = [int(c) for c in sc.space.cards]
    n = comp.n_parties
    kids = np.random.SeedSequence(seed).spawn(n + 1)
    med = np.random.Generator(np.random.PCG64(kids[0]))
    start = sc.protocol.options.get("start", "random")
    text = int(med.integers(sc.space.size)) if start == "random" else sc.space.index(start)
    changeable = [k for k, c in enumerate(cards) if c > 1]
    issue = med.integers(len(changeable), size=steps)
    value = med.random(steps)
    draws = [np.random.Generator(np.random.PCG64(kids[i + 1])).random(steps) for i in range(n)]
    texts = [text]
    for k in range(steps):
        pos = changeable[int(issue[k])]
        digits = list(np.unravel_index(text, cards))
        digits[pos] = (int(digits[pos]) + 1 + int(value[k] * (cards[pos] - 1))) % cards[pos]
        prop = int(np.ravel_multi_index(digits, cards))
        t = k / (steps - 1) if steps > 1 else 1.0
        ok = True
        for i, temp in enumerate(temperatures):
            gain = u[i, prop] - u[i, text]
            if gain >= 0:
                continue
            hot = 0.0 if temp is None else temp * (1 - t)
            if not (hot > 0 and draws[i][k] < math.exp(gain / hot)):
                ok = False
        if ok:
            text = prop
        texts.append(text)
    return texts


CARDS = [[3, 2, 4], [2, 2, 2, 2], [5, 3], [3, 1, 3]]


@pytest.mark.parametrize("cards", CARDS)
@pytest.mark.parametrize("kind", ["hill", "anneal"])
def test_kernel_equals_a_plain_loop(cards, kind):
    sc = scenario(cards, seed=sum(cards), deadline=60)
    comp = sc.compile()
    temps = [None, None] if kind == "hill" else [0.2, 0.05]
    negs = [HillClimber(), HillClimber()] if kind == "hill" else [Annealer(0.2), Annealer(0.05)]
    seeds = list(range(12))
    res = run_single_text(comp, negs, seeds=seeds)
    for r, s in zip(res, seeds, strict=True):
        assert r.texts.tolist() == reference(sc, s, temps, 60)


@pytest.mark.parametrize("cards", CARDS)
def test_hill_climbers_end_pareto_optimal_for_single_issue_changes(cards):
    """Enough proposals: no single-issue change (enumerated) would help one and hurt nobody."""
    for k in range(5):
        sc = scenario(cards, seed=100 + k, deadline=400)
        comp = sc.compile()
        for r in run_single_text(comp, ["hill_climber", "hill_climber"], seeds=range(10)):
            assert locally_pareto_optimal(comp.utilities, cards, int(r.texts[-1]))


@pytest.mark.parametrize("cards", CARDS)
def test_hill_climbers_never_fall_below_their_starting_utility(cards):
    sc = scenario(cards, seed=7, deadline=80, parties=3)
    comp = sc.compile()
    for r in run_single_text(comp, ["hill_climber"] * 3, seeds=range(20)):
        path = comp.utilities[:, r.texts]  # (parties, steps + 1)
        assert (np.diff(path, axis=1) >= 0).all()
        assert (path[:, -1] >= path[:, 0]).all()


def test_the_text_moves_exactly_when_every_party_accepts():
    sc = scenario([3, 3, 2], seed=3, deadline=50)
    comp = sc.compile()
    (r,) = run_single_text(comp, ["annealer", "hill_climber"], seeds=[5])
    n = 2
    votes = np.array([a == "accept" for a in r.trace.action[: 50 * n]]).reshape(50, n)
    proposed = r.trace.offer[: 50 * n : n]
    moved = r.texts[1:] != r.texts[:-1]
    assert (r.texts[1:][votes.all(axis=1)] == proposed[votes.all(axis=1)]).all()
    assert not moved[~votes.all(axis=1)].any()
    # Every hill-climber vote is "not worse for me".
    u = comp.utilities[1]
    assert (votes[:, 1] == (u[proposed] >= u[r.texts[:-1]])).all()


def test_same_seed_same_trace_and_seeds_differ():
    sc = scenario([3, 2, 4], seed=1, deadline=40)
    comp = sc.compile()
    a = run_single_text(comp, ["annealer", "annealer"], seeds=[9])[0]
    b = run_single_text(comp, ["annealer", "annealer"], seeds=[9])[0]
    assert a.trace.action == b.trace.action
    assert (a.trace.offer == b.trace.offer).all() and (a.texts == b.texts).all()
    others = [run_single_text(comp, ["annealer", "annealer"], seeds=[s])[0].texts for s in range(10, 15)]
    assert any((o != a.texts).any() for o in others)


@given(
    cards=st.lists(st.integers(1, 4), min_size=1, max_size=4).filter(lambda c: max(c) > 1),
    world=st.integers(0, 10_000),
    k=st.integers(1, 6),
    first_seed=st.integers(0, 2**31),
    kinds=st.lists(st.sampled_from(["hill_climber", "annealer", "annealer(0.5)"]), min_size=2, max_size=3),
)
def test_a_batch_of_k_runs_equals_k_runs_alone(cards, world, k, first_seed, kinds):
    sc = scenario(cards, seed=world, deadline=25, parties=len(kinds))
    comp = sc.compile()
    seeds = [first_seed + j for j in range(k)]
    together = run_single_text(comp, kinds, seeds=seeds)
    for s, r in zip(seeds, together, strict=True):
        (alone,) = run_single_text(comp, kinds, seeds=[s])
        assert (alone.texts == r.texts).all()
        assert alone.trace.action == r.trace.action and (alone.trace.offer == r.trace.offer).all()
        assert alone.summary() == r.summary()


def test_annealer_takes_worse_changes_with_the_boltzmann_probability():
    """Step 0 over many runs: the share of accepted worsening changes matches exp(gain / T0)."""
    sc = scenario([4, 4, 4], seed=11, deadline=10)
    comp = sc.compile()
    runs = 4000
    res = run_single_text(comp, [Annealer(0.3), Annealer(1e9)], seeds=range(runs))  # party 1 accepts all
    u = comp.utilities[0]
    cur = np.array([r.texts[0] for r in res])
    prop = np.array([r.trace.offer[0] for r in res])
    acc = np.array([r.trace.action[0] == "accept" for r in res])
    worse = u[prop] < u[cur]
    expected = np.exp((u[prop] - u[cur])[worse] / 0.3)
    share, mean = acc[worse].mean(), expected.mean()
    sd = math.sqrt((expected * (1 - expected)).sum()) / worse.sum()
    assert abs(share - mean) < 4 * sd
    assert acc[~worse].all()


def test_annealer_at_zero_temperature_is_a_hill_climber():
    sc = scenario([3, 3, 3], seed=5, deadline=30)
    comp = sc.compile()
    a = run_single_text(comp, [Annealer(0.0), Annealer(0.0)], seeds=range(8))
    h = run_single_text(comp, ["hill_climber", "hill_climber"], seeds=range(8))
    assert all((x.texts == y.texts).all() for x, y in zip(a, h, strict=True))


def test_given_start_and_ratification_against_walk_away_values():
    start = {"i0": "v2", "i1": "v0"}
    sc = scenario([3, 2], seed=2, deadline=5, start=start)
    comp = sc.compile()
    (r,) = run_single_text(comp, ["hill_climber", "hill_climber"], seeds=[0])
    assert r.texts[0] == sc.space.index(start)
    final = int(r.texts[-1])
    assert r.agreement and r.outcome_index == final and r.end == "agreement"
    assert r.trace.action[-2:] == ["ratify", "ratify"]
    # A walk-away value above every outcome: that party does not ratify, no deal, reservations paid.
    hard = scenario([3, 2], seed=2, deadline=5, start=start, reservation=2.0)
    (r2,) = run_single_text(hard.compile(), ["hill_climber", "hill_climber"], seeds=[0])
    assert not r2.agreement and r2.end == "walk_away" and r2.walked_away_by == "p0"
    assert r2.utilities == {"p0": 2.0, "p1": 2.0}


def test_api_runs_single_text_scenarios_with_its_default_strategy():
    sc = scenario([3, 2, 2], seed=4, deadline=30)
    r = api.run(sc, seed=3)
    (direct,) = run_single_text(sc.compile(), ["hill_climber", "hill_climber"], seeds=[3])
    assert r.summary() == direct.summary()
    many = api.run_batch(sc, ["annealer"], seed=10, runs=4)
    alone = [run_single_text(sc.compile(), ["annealer", "annealer"], seeds=[10 + j])[0] for j in range(4)]
    assert [m.summary() for m in many] == [a.summary() for a in alone]


def test_alternating_offers_strategies_are_refused_by_name():
    from accord.errors import InputError

    sc = scenario([3, 2], seed=1)
    with pytest.raises(InputError, match="single_text strategy"):
        api.run(sc, ["boulware"], seed=0)
