"""The agents' fast paths give exactly what the straightforward computations give.

Each optimised piece is checked against a plain reference written out here (brute-force sorting,
full recomputation, NumPy's own mean and std), with exact equality: the speed-ups must not change a
single decision, so a last-bit difference would be a failure too.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.model.issues import Issue
from accord.model.space import OutcomeSpace
from accord.strategies.agents.agentk import agentk_levels, mean_std
from accord.strategies.agents.iamhaggler import IAMhaggler
from accord.strategies.base import Context, State, TargetIndex
from accord.strategies.boa.bidding import pick_for_opponent, thin_positions
from accord.strategies.boa.components import flat_digits
from accord.strategies.boa.models import FrequencyModel
from accord.strategies.boa.negotiator import BOA


def ctx_of(u: np.ndarray, mask: np.ndarray | None = None, space: OutcomeSpace | None = None) -> Context:
    return Context(0, "a", space, u, 0.0, 1.0, 100, 2, np.random.default_rng(0), acceptable=mask)


def brute_order(u: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Utility descending, ties by index, constrained outcomes left out."""
    order = np.argsort(-u, kind="stable")
    return order if mask is None else order[mask[order]]


# -- TargetIndex ---------------------------------------------------------------------------------------

utilities = st.integers(1, 400).flatmap(
    lambda n: st.tuples(
        # Few distinct values (many ties), or values 1 ulp apart (near-ties the packed keys cannot tell).
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
        st.lists(st.booleans(), min_size=n, max_size=n),
        st.sampled_from(["ties", "ulps", "mixed"]),
        st.booleans(),
    )
)


def make_utilities(ints: list[int], kind: str) -> np.ndarray:
    a = np.asarray(ints, dtype=np.float64)
    if kind == "ties":
        return a / 6.0
    base = np.full(len(a), 0.5)
    ulps = base.copy()
    for step in range(6):  # 0.5 moved up by 0..6 ulps
        ulps = np.where(a > step, np.nextafter(ulps, 1.0), ulps)
    return ulps if kind == "ulps" else np.where(a % 2 == 0, ulps, a / 7.0)


@settings(max_examples=150, deadline=None)
@given(utilities, st.lists(st.floats(-0.2, 1.2), min_size=1, max_size=12), st.sampled_from([1, 4, 2048]))
def test_target_index_matches_brute_force(data, targets, packed_from):
    ints, keep, kind, use_mask = data
    u = make_utilities(ints, kind)
    mask = np.asarray(keep) if use_mask and any(keep) else None
    old = TargetIndex.PACKED_FROM
    TargetIndex.PACKED_FROM = packed_from  # small thresholds send tiny bands through the packed sort
    try:
        ix = TargetIndex(ctx_of(u, mask))
        ref = brute_order(u, mask)
        for target in targets:
            got = ix.at_or_above(target)
            ok = ref[u[ref] >= target - TargetIndex.TOLERANCE]
            # The smallest utility at or above the target, lowest index among ties; else the best.
            want = ok[np.flatnonzero(u[ok] == u[ok].min())[0]] if ok.size else ref[0]
            assert got == want
            lo, hi = target - 0.1, target + 0.05
            band = ix.in_range(lo, hi)
            assert np.array_equal(band, ref[(u[ref] >= lo) & (u[ref] <= hi)])
            # The sorted band is always a prefix of the full order, with its utilities.
            n = len(ix.order)
            assert np.array_equal(ix.order, ref[:n]) and np.array_equal(ix.neg, -u[ref[:n]])
            if 0 < n < ref.size:  # the band is exactly the outcomes at or above `covered`
                assert u[ref[n]] < ix.covered <= u[ref[n - 1]]
    finally:
        TargetIndex.PACKED_FROM = old


def test_packed_sort_detects_keys_it_cannot_tell_apart():
    # Outcome 1 is one ulp better than outcome 0: the truncated keys tie, so index order (0, 1) is
    # wrong, and the check must reject it; the index still answers from the exact order.
    u = np.array([0.5, np.nextafter(0.5, 1.0), 0.25])
    ix = TargetIndex(ctx_of(u))
    assert ix._sort_packed(np.arange(3)) is None
    ix2 = TargetIndex(ctx_of(np.array([0.5, 0.5, 0.75, -0.0, 0.0])))
    assert np.array_equal(ix2._sort_packed(np.arange(5)), [2, 0, 1, 3, 4])
    old = TargetIndex.PACKED_FROM
    TargetIndex.PACKED_FROM = 1
    try:
        ix.in_range(0.0, 1.0)
        assert np.array_equal(ix.order, [1, 0, 2])
    finally:
        TargetIndex.PACKED_FROM = old


@pytest.mark.parametrize("seed", range(3))
def test_target_index_large_random_space(seed):
    rng = np.random.default_rng(seed)
    u = np.round(rng.random(60_000), 3 + seed)  # ties at several resolutions
    mask = rng.random(u.size) < 0.9 if seed == 1 else None
    ix = TargetIndex(ctx_of(u, mask))
    ref = brute_order(u, mask)
    for target in np.linspace(1.0, 0.0, 40):
        ix.at_or_above(float(target))
        n = len(ix.order)
        assert np.array_equal(ix.order, ref[:n])
    assert len(ix.order) == ref.size


# -- opponent models and bidding -----------------------------------------------------------------------


def space_of(cards: list[int]) -> OutcomeSpace:
    return OutcomeSpace(
        [Issue.categorical(f"i{k}", [f"v{j}" for j in range(c)]) for k, c in enumerate(cards)]
    )


def reference_frequency(cards: list[int], offers: list[int], learn: float, add: float):
    """The frequency model recomputed in full after each offer."""
    strides = [int(np.prod(cards[i + 1 :])) for i in range(len(cards))]
    n, kmax = len(cards), max(cards)
    valid = np.arange(kmax)[None, :] < np.asarray(cards)[:, None]
    counts, w, prev = valid.astype(np.float64), np.full(n, 1.0 / n), None
    for o in offers:
        d = np.asarray([(o // s) % c for s, c in zip(strides, cards, strict=True)])
        if prev is not None:
            same = d == prev
            if same.any():
                w = w + same * (learn / n)
                w = w / w.sum()
        counts[np.arange(n), d] += add
        v = np.where(valid, counts / counts.max(axis=1, keepdims=True), 0.0)
        prev = d
        yield w, v


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=9),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=30),
    st.sampled_from([0.0, 0.2, 0.35]),
    st.sampled_from([1.0, 0.3]),
)
def test_frequency_model_matches_full_recomputation(cards, raw, learn, add):
    space = space_of(cards)
    offers = [r % space.size for r in raw]
    m = FrequencyModel(learn, add)
    m.setup_model(ctx_of(np.zeros(space.size), space=space))
    probe = np.arange(space.size)
    for o, (w, v) in zip(offers, reference_frequency(cards, offers, learn, add), strict=True):
        m.update(o, 0.0)
        assert np.array_equal(m.weights, w) and np.array_equal(m._v, v)
        table = w[:, None] * v
        d = (probe[:, None] // np.asarray(space.strides)) % np.asarray(space.cards)
        direct = table[np.arange(len(cards)), d].sum(axis=-1)
        assert np.array_equal(m.utility(probe), direct)
        assert np.array_equal(m.utility_flat(flat_digits(space, probe)), direct)


@pytest.mark.parametrize("model", ["frequency", "bayesian"])
@pytest.mark.parametrize("cards", [[3, 4], [2] * 9, [3, 2, 4, 2, 3, 2, 2, 3, 2, 2]])
def test_boa_order_digits_and_pick_match_plain_computation(cards, model):
    space = space_of(cards)
    rng = np.random.default_rng(len(cards))
    u = np.round(rng.random(space.size), 2)
    boa = BOA("boulware", model, "ac_next")
    boa.setup(ctx_of(u, space=space))
    state = State(round=3, time=0.3, offers=[], offerers=[])
    for o in rng.integers(space.size, size=8):
        state.offers.append(int(o))
        state.offerers.append(1)
    boa.observe(state)
    for low in np.linspace(1.0, 0.0, 25):
        for cap in (1, 3, 7, 256):
            got = pick_for_opponent(boa, float(low), float(low) + 0.2, cap)
            band = boa.index.in_range(float(low), float(low) + 0.2)
            if len(band) == 0:
                want = boa.index.at_or_above(float(low))
            else:
                cand = band
                if len(band) > cap:
                    cand = band[np.linspace(0, len(band) - 1, cap).round().astype(np.int64)]
                want = int(cand[int(np.argmax(boa.opponent_utility(cand)))])
            assert got == want
        n = len(boa.index.order)
        assert np.array_equal(boa.order_flat(n)[:n], flat_digits(space, boa.index.order))
    every = np.arange(space.size)
    assert np.array_equal(
        boa.opponent_utility_flat(flat_digits(space, every), every), boa.opponent_utility(every)
    )


def test_thin_positions_are_the_linspace_positions():
    for n in range(1, 600, 7):
        for cap in (1, 2, 5, 64, 256):
            pos = thin_positions(n, cap)
            want = np.linspace(0, n - 1, cap).round().astype(np.int64) if n > cap else None
            assert (pos is None and want is None) or np.array_equal(pos, want)


# -- AgentK --------------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False), min_size=1, max_size=300))
def test_mean_std_is_numpy_bit_for_bit(xs):
    a = np.asarray(xs)
    assert mean_std(xs) == (float(a.mean()), float(a.std()))


class _FakeHistory:
    def __init__(self) -> None:
        self.opp_utils: list[float] = []


class _FakeBOA:
    def __init__(self) -> None:
        self.history = _FakeHistory()
        self.p_max, self.p_min = 0.97, 0.2


def direct_levels(us: list[float], t: float, p_max: float, p_min: float, alpha: float):
    if not us:
        return p_max, p_max
    a = np.asarray(us)
    mu, sigma = float(a.mean()), float(a.std())
    emax = min(p_max, mu + (p_max - mu) * math.sqrt(12.0) * sigma)
    target = p_max - (p_max - emax) * min(max(t, 0.0), 1.0) ** alpha
    return emax, max(target, p_min)


def test_agentk_levels_memo_equals_direct_computation():
    rng = np.random.default_rng(7)
    boa = _FakeBOA()
    for k in range(120):
        if k % 3:  # the history grows on most calls; some calls repeat it with another time
            boa.history.opp_utils.append(float(rng.random()))
        for t in (k / 119, rng.random()):
            got = agentk_levels(boa, t, 3.0)  # type: ignore[arg-type]
            assert got == direct_levels(boa.history.opp_utils, t, boa.p_max, boa.p_min, 3.0)
    fresh = _FakeBOA()  # a new history of the same length must not reuse the old memo
    fresh.history.opp_utils = [0.1] * len(boa.history.opp_utils)
    assert agentk_levels(fresh, 0.5, 3.0) == direct_levels(fresh.history.opp_utils, 0.5, 0.97, 0.2, 3.0)  # type: ignore[arg-type]


# -- IAMhaggler ----------------------------------------------------------------------------------------


def test_iamhaggler_slot_bests_match_a_full_recount():
    rng = np.random.default_rng(11)
    agent = IAMhaggler()
    u = rng.random(500)
    agent.setup(ctx_of(u, space=space_of([5, 10, 10])))
    bidding = agent.bidding
    times = np.sort(rng.random(80))
    for k, t in enumerate(times):
        agent.history.add_opponent(int(rng.integers(500)), 1, float(t))
        if k % 4 == 3:
            bound = float(times[k]) * 0.9
            bidding._fold(bound)
            ts, us = np.asarray(agent.history.opp_times), np.asarray(agent.history.opp_utils)
            done = ts < bound
            s = np.minimum((ts[done] * bidding.slots).astype(np.int64), bidding.slots - 1)
            best = np.full(bidding.slots, -np.inf)
            np.maximum.at(best, s, us[done])
            assert np.array_equal(np.asarray(bidding.best), best)


def test_a_model_with_its_own_utility_is_asked_directly():
    class Reversed(FrequencyModel):
        def utility(self, idx):  # prefers low outcome indices, whatever the table says
            return -np.asarray(idx, dtype=np.float64)

    space = space_of([4, 5])
    u = np.linspace(0.0, 1.0, space.size)
    boa = BOA("boulware", Reversed(), "ac_next")
    boa.setup(ctx_of(u, space=space))
    boa.observe(State(round=1, time=0.1, offers=[3], offerers=[1]))
    band = boa.index.in_range(0.5, 1.0)
    assert pick_for_opponent(boa, 0.5, 1.0, 256) == int(band.min())
