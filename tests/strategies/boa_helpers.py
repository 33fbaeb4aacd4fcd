"""Shared pieces of the BOA / agent tests: tiny hand-checkable domains and a scripted opponent."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from accord.model.issues import Issue
from accord.model.preferences import linear_additive
from accord.model.scenario import Party, Protocol, Scenario
from accord.model.space import OutcomeSpace
from accord.protocols.alternating import Result, run_alternating
from accord.strategies.base import ACCEPT, REJECT, Negotiator, State, StrategyInfo, TargetIndex


def one_issue(mine: Sequence[float], theirs: Sequence[float], rv: Sequence[float] = (0.0, 0.0)) -> Scenario:
    """One issue whose value j is worth mine[j] to party "a" and theirs[j] to party "b"."""
    space = OutcomeSpace([Issue.categorical("x", [f"v{j}" for j in range(len(mine))])])
    pa = linear_additive(space, [1.0], [list(mine)], reservation=rv[0])
    pb = linear_additive(space, [1.0], [list(theirs)], reservation=rv[1])
    return Scenario("tiny", space, (Party("a", pa), Party("b", pb)), Protocol(deadline=10))


def two_issues(
    w_a: Sequence[float],
    s_a: Sequence[Sequence[float]],
    w_b: Sequence[float],
    s_b: Sequence[Sequence[float]],
) -> Scenario:
    """Two issues (sizes from the score lists) with linear-additive preferences for "a" and "b"."""
    space = OutcomeSpace(
        [
            Issue.categorical(name, [f"{name}{j}" for j in range(len(s))])
            for name, s in zip("pq", s_a, strict=True)
        ]
    )
    pa = linear_additive(space, w_a, s_a)
    pb = linear_additive(space, w_b, s_b)
    return Scenario("tiny2", space, (Party("a", pa), Party("b", pb)), Protocol(deadline=10))


class Scripted(Negotiator):
    """Offers ``offers`` in turn (the last one repeated) and accepts nothing (or from ``accept_from``)."""

    info = StrategyInfo("scripted", "test", "test", "scripted opponent")

    def __init__(self, offers: Sequence[int], accept_from: int | None = None) -> None:
        self.offers = list(offers)
        self.accept_from = accept_from
        self.k = 0

    def propose(self, state: State) -> int | None:
        o = self.offers[min(self.k, len(self.offers) - 1)]
        self.k += 1
        return o

    def respond(self, state: State, offer: int) -> str:
        if self.accept_from is not None and state.round >= self.accept_from:
            return ACCEPT
        return REJECT


def play(
    sc: Scenario,
    agent: Negotiator,
    opponent: Negotiator,
    *,
    deadline: int,
    agent_first: bool = True,
    seed: int = 0,
) -> Result:
    """Run agent (party "a") against opponent (party "b"); the opener is "a" unless agent_first is False."""
    return run_alternating(
        sc.compile(), [agent, opponent], deadline=deadline, opener=0 if agent_first else 1, seed=seed
    )


def actions_of(result: Result, party: int) -> list[tuple[int, str, int]]:
    """(round, action, outcome) for every action of ``party``."""
    tr = result.trace
    return [
        (int(tr.round[k]), tr.action[k], int(tr.offer[k]))
        for k in range(len(tr))
        if int(tr.party[k]) == party
    ]


def agent_rng(seed: int, party: int = 0, n: int = 2) -> np.random.Generator:
    """The generator run_alternating hands to ``party`` for a given seed (its documented protocol)."""
    return np.random.default_rng(seed).spawn(n)[party]


def at_or_above(u: np.ndarray, target: float) -> int:
    """Brute force: the outcome with the smallest utility >= target (lowest index on ties); the best if none.

    "At or above" allows the float tolerance TargetIndex documents (1 - 7/10 must meet 0.3).
    """
    ok = np.flatnonzero(u >= target - TargetIndex.TOLERANCE)
    if ok.size == 0:
        return int(np.argmax(u))
    best = u[ok].min()
    return int(ok[u[ok] == best].min())


def band(u: np.ndarray, low: float, high: float) -> list[int]:
    """Brute force: outcomes with utility in [low, high], best first, ties by index."""
    idx = [j for j in range(len(u)) if low <= u[j] <= high]
    return sorted(idx, key=lambda j: (-u[j], j))
