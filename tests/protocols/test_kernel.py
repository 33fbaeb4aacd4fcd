"""The protocol kernel (:mod:`accord.protocols.kernel`) against independent references.

- Its rules against a plain scalar reference written from the rules' statement (turn order from the run's
  opener, accept / counter-offer / walk away, agreement when every other party has accepted, the deadline,
  breakdown after a drawn number of rounds), for table-driven policies over many runs at once.
- The exogenous breakdown rule against its closed form: two hardliners that never agree, with risk h per
  round and a deadline of D rounds, break down with probability 1 - (1 - h)^(D - 1) and play
  E[min(M, D)] = (1 - (1 - h)^D) / h rounds (M geometric), through the turn-by-turn engine and the arrays.
- A batch of k runs equals k batches of one with a breakdown risk set.
- Every engine plays through :func:`kernel.turns` (the rules exist once).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.model.issues import Issue
from accord.model.preferences import Preferences
from accord.model.scenario import Party, Protocol, Scenario
from accord.model.space import OutcomeSpace
from accord.protocols import kernel
from accord.protocols.alternating import run_alternating
from accord.protocols.batch import run_alternating_batch
from accord.strategies.catalog import make

# --------------------------------------------------------------------------------------------------
# the rules against a scalar reference


def _h(*xs: int) -> int:
    """A small deterministic hash of integers (the policies' "decisions")."""
    v = 0x9E3779B1
    for x in xs:
        v = ((v ^ (x + 0x7F4A7C15)) * 0x85EBCA6B) & 0xFFFFFFFF
        v ^= v >> 13
    return v


class _Table:
    """Party p's decisions as a function of (run, round, standing offer); walks away rarely."""

    def __init__(self, p: int, size: int, walk: int, accept: int) -> None:
        self.p, self.size, self.walk, self.accept = p, size, walk, accept

    def decide(self, b: int, k: int, x: int) -> int:
        v = _h(b, k, self.p, x) % 100
        return (
            kernel.WALK if v < self.walk else kernel.ACCEPT if v < self.walk + self.accept else kernel.REJECT
        )

    def offer(self, b: int, k: int) -> int:
        v = _h(b, k, self.p, 7919)
        return -1 if v % 100 < self.walk // 2 else v % self.size

    def respond(self, board: kernel.Board, rows: np.ndarray) -> np.ndarray:
        return np.array([self.decide(b, board.round, int(board.standing[b])) for b in rows.tolist()])

    def propose(self, board: kernel.Board, rows: np.ndarray) -> np.ndarray:
        return np.array([self.offer(b, board.round) for b in rows.tolist()], dtype=np.int64)


def _reference(tables, b: int, D: int, opener: int, breaks: int | None):
    """One run by the rules as stated: (end, rounds, agreed outcome, walker)."""
    P = len(tables)
    standing, accepted = -1, 0
    for k in range(D):
        if k and breaks is not None and breaks <= k:
            return kernel.BREAKDOWN, k, -1, -1
        for j in range(P):
            p = (opener + j) % P
            dec = tables[p].decide(b, k, standing) if standing >= 0 else kernel.REJECT
            if dec == kernel.ACCEPT:
                accepted += 1
                if accepted == P - 1:
                    return kernel.AGREEMENT, k + 1, standing, -1
                continue
            if dec == kernel.WALK:
                return kernel.WALK_AWAY, k + 1, -1, p
            x = tables[p].offer(b, k)
            if x < 0:
                return kernel.WALK_AWAY, k + 1, -1, p
            standing, accepted = x, 0
    return kernel.DEADLINE, D, -1, -1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    P=st.integers(2, 4),
    B=st.integers(1, 30),
    size=st.integers(1, 9),
    walk=st.integers(0, 6),
    accept=st.integers(0, 60),
    data=st.data(),
)
def test_the_kernel_plays_the_rules_as_stated(P, B, size, walk, accept, data):
    D = np.array(data.draw(st.lists(st.integers(1, 12), min_size=B, max_size=B)), dtype=np.int64)
    openers = np.array(data.draw(st.lists(st.integers(0, P - 1), min_size=B, max_size=B)), dtype=np.int64)
    raw = data.draw(st.lists(st.one_of(st.none(), st.integers(1, 14)), min_size=B, max_size=B))
    breaks = None if all(x is None for x in raw) else np.array([10**9 if x is None else x for x in raw])
    tables = [_Table(p, size, walk, accept) for p in range(P)]
    board = kernel.play(kernel.Board(P, D, size), tables, openers, breaks_at=breaks)
    for b in range(B):
        want = _reference(tables, b, int(D[b]), int(openers[b]), None if breaks is None else int(breaks[b]))
        got = (int(board.end[b]), int(board.rounds[b]), int(board.agreed[b]), int(board.walker[b]))
        assert got == want, f"run {b}"


# --------------------------------------------------------------------------------------------------
# breakdown against its closed form


def _hardliners(deadline: int, risk: float) -> Scenario:
    space = OutcomeSpace([Issue.integer("x", 0, 4)])
    up, down = np.linspace(0, 1, 5), np.linspace(1, 0, 5)
    parties = (
        Party("a", Preferences(space, np.ones(1), (up,), (), (), 0.0, 1.0)),
        Party("b", Preferences(space, np.ones(1), (down,), (), (), 0.0, 1.0)),
    )
    return Scenario("hard", space, parties, Protocol(deadline=deadline, breakdown_risk=risk))


def _check_closed_form(ends: list[str], rounds: list[int], D: int, h: float) -> None:
    n = len(ends)
    assert set(ends) <= {"breakdown", "deadline"}
    p = 1 - (1 - h) ** (D - 1)
    share = ends.count("breakdown") / n
    assert abs(share - p) <= 4.5 * math.sqrt(p * (1 - p) / n), (share, p)
    mean = (1 - (1 - h) ** D) / h
    var = float(np.var(rounds)) or 1.0
    assert abs(float(np.mean(rounds)) - mean) <= 4.5 * math.sqrt(var / n), (np.mean(rounds), mean)
    assert all(r == D for e, r in zip(ends, rounds, strict=True) if e == "deadline")


@pytest.mark.parametrize(("D", "h"), [(10, 0.05), (6, 0.3), (2, 0.5)])
def test_breakdown_matches_its_closed_form_in_batches(D, h):
    sc = _hardliners(D, h)
    n = 4000
    res = run_alternating_batch(
        [sc] * n, [[make("hardliner"), make("hardliner")] for _ in range(n)], seeds=range(n)
    )
    _check_closed_form([r.end for r in res], [r.rounds for r in res], D, h)


def test_breakdown_matches_its_closed_form_turn_by_turn():
    D, h, n = 8, 0.15, 1500
    sc = _hardliners(D, h)
    res = [run_alternating(sc.compile(), [make("hardliner"), make("hardliner")], seed=s) for s in range(n)]
    _check_closed_form([r.end for r in res], [r.rounds for r in res], D, h)


def test_no_breakdown_without_risk_and_certain_breakdown_at_risk_one():
    for h, end, rounds in [(0.0, "deadline", 7), (1.0, "breakdown", 1)]:
        r = run_alternating(_hardliners(7, h).compile(), [make("hardliner"), make("hardliner")], seed=3)
        assert (r.end, r.rounds, r.agreement) == (end, rounds, False)


def test_the_breakdown_draw_is_geometric():
    m = kernel.breakdown_rounds(np.random.default_rng(1), 0.25, 200_000)
    assert m is not None and m.min() >= 1
    for k in range(1, 6):  # P(M = k) = (1 - h)^(k-1) h
        assert abs(np.mean(m == k) - 0.75 ** (k - 1) * 0.25) < 0.005
    assert kernel.breakdown_rounds(np.random.default_rng(1), 0.0) is None


# --------------------------------------------------------------------------------------------------
# a batch of k equals k batches of one, with breakdown


@st.composite
def _risky(draw) -> Scenario:
    cards = draw(st.lists(st.integers(2, 5), min_size=1, max_size=2))
    space = OutcomeSpace([Issue.integer(f"i{j}", 0, c - 1) for j, c in enumerate(cards)])
    parties = []
    for p in range(draw(st.integers(2, 3))):
        w = np.array([draw(st.integers(1, 4)) for _ in cards], dtype=float)
        scores = tuple(np.array([draw(st.integers(0, 8)) / 8 for _ in range(c)]) for c in cards)
        parties.append(Party(f"p{p}", Preferences(space, w / w.sum(), scores, (), (), 0.0, 1.0)))
    risk = draw(st.sampled_from([0.05, 0.2, 0.6]))
    return Scenario(
        "risky", space, tuple(parties), Protocol(deadline=draw(st.integers(2, 12)), breakdown_risk=risk)
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            _risky(),
            st.lists(st.sampled_from(["boulware", "conceder", "hardliner", "linear", "random"]), min_size=3),
            st.integers(0, 2**31 - 1),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_a_batch_with_breakdown_risk_equals_its_runs_alone(job):
    scs = [sc for sc, _, _ in job]
    specs = [names[: len(sc.parties)] for sc, names, _ in job]
    seeds = [s for _, _, s in job]
    together = run_alternating_batch(scs, [[make(s) for s in sp] for sp in specs], seeds=seeds)
    for sc, sp, seed, got in zip(scs, specs, seeds, together, strict=True):
        alone = run_alternating(sc.compile(), [make(s) for s in sp], seed=seed)
        assert got.summary() == alone.summary()
        assert got.trace.offer.tolist() == alone.trace.offer.tolist()


# --------------------------------------------------------------------------------------------------
# every engine is a view of the kernel


@pytest.fixture
def turn_calls(monkeypatch):
    calls: list[int] = []
    real = kernel.turns

    def counted(board, *a, **k):
        calls.append(board.B)
        return real(board, *a, **k)

    monkeypatch.setattr(kernel, "turns", counted)
    return calls


def test_every_alternating_engine_plays_through_the_kernel(turn_calls):
    from pathlib import Path

    from accord.io.talks import load_talks
    from accord.protocols.talks import run_batch, run_lockstep_batch

    sc = _hardliners(5, 0.0)
    run_alternating(sc.compile(), [make("boulware"), make("conceder")], seed=1)  # turn by turn
    assert turn_calls == [1]
    (r,) = run_alternating_batch([sc], [[make("boulware"), make("conceder")]], seeds=[1])  # the arrays
    assert r.engine == "arrays" and len(turn_calls) == 2
    run_alternating_batch(
        [sc] * 3, [[make("aspiration"), make("tit_for_tat")] for _ in range(3)], seeds=[1, 2, 3]
    )
    assert len(turn_calls) == 3 and turn_calls[-1] == 3  # objects, many runs together
    ts = load_talks(Path(__file__).resolve().parents[2] / "scenarios" / "hanoi-2019.yaml")
    before = len(turn_calls)
    run_lockstep_batch([ts, ts], [0, 1])  # staged talks in lockstep: one kernel run per stage
    assert len(turn_calls) > before and all(b == 2 for b in turn_calls[before:])
    before = len(turn_calls)
    run_batch(ts, 1, 0)
    assert len(turn_calls) > before
