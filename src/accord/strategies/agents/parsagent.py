"""ParsAgent (ANAC 2015, second place).

Khosravimehr & Nassiri-Mofakham (2017), "Pars Agent: hybrid time-dependent, random and frequency-based
bidding and acceptance strategies in multilateral negotiations", in *Modern Approaches to Agent-based
Complex Automated Negotiation*, SCI 674, pp. 175-183. A Boulware time-dependent target with a fixed
floor; the agent first tries the bid made of the values the opponents offer most often; if that bid is not
good enough for it, it offers a random variation of its own best bid that stays above its target; it
accepts offers above its target.

Our reading, with the choices the description leaves open:

- target p(t) = max(0.7, Pmin + (Pmax - Pmin)(1 - t^(1/e))) with e = 0.15 (0.2 with discounting), the
  0.7 floor being the agent's own minimum;
- the frequency bid takes, per issue, the opponent's most offered value; it is offered if it is worth
  more than p(t) and meets the hard constraints;
- otherwise: its best bid with one issue changed to another value, drawn at random among such
  variations worth more than p(t) (its best bid itself if there is none); the first offer is such a
  variation too;
- acceptance: an offer worth more than p(t).

Learned from GENIUS 10.4's original (``agents.anac.y2015.ParsAgent``; our own code, not a transcription):
the 0.7 floor and that the random bid is a one-issue variation of its best bid (near its best, not near
its target). Cost per round: O(log N + issues x values).
"""

from __future__ import annotations

import numpy as np

from accord.strategies.agents._common import ValueCounts, encode
from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.components import (
    AcceptanceCondition,
    BiddingStrategy,
    ComponentInfo,
    component,
)
from accord.strategies.boa.negotiator import BOA
from accord.strategies.time_based import target_utility

SOURCE = "Khosravimehr & Nassiri-Mofakham 2017"


@component("bidding", "pars_agent")
class ParsBidding(BiddingStrategy):
    info = ComponentInfo(
        "pars_agent",
        "bidding",
        SOURCE,
        "Opponent's frequent values if good enough, else a random variation of the best bid.",
    )

    def __init__(self, e: float = 0.15, floor: float = 0.7) -> None:
        if e <= 0:
            raise ValueError("e must be > 0")
        self.e, self.floor = float(e), float(floor)

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        self.counts = ValueCounts(boa.ctx.space)
        self.e_now = self.e if boa.ctx.discount >= 1.0 else max(self.e, 0.2)
        best = boa.index.at_or_above(boa.p_max)
        space = boa.ctx.space
        self.best = int(best)
        # The one-issue variations of the best bid, with their own utilities (fixed for the session).
        strides = [int(s) for s in space.strides]
        cards = [int(c) for c in space.cards]
        digits = [(self.best // s) % c for s, c in zip(strides, cards, strict=True)]
        near = [
            self.best + (v - d) * s
            for d, s, c in zip(digits, strides, cards, strict=True)
            for v in range(c)
            if v != d
        ]
        near = np.asarray(near, dtype=np.int64)
        if boa.ctx.acceptable is not None and near.size:
            near = near[boa.ctx.acceptable[near]]
        self.near = near
        self.near_u = boa.ctx.utility[near] if near.size else np.empty(0)

    def target(self, t: float) -> float:
        boa = self.boa
        return max(self.floor, target_utility(t, self.e_now, boa.p_min, boa.p_max))

    def _variation(self, p: float) -> int:
        ok = np.flatnonzero(self.near_u > p)
        if ok.size == 0:
            return self.best
        return int(self.near[ok[self.boa.ctx.rng.integers(ok.size)]])

    def bid(self, state: State) -> int | None:
        boa = self.boa
        p = self.target(state.time)
        if boa.history.opp_offers:
            self.counts.sync(boa.history)
            cand = encode(self.counts.strides, self.counts.modes())
            ok = boa.ctx.acceptable is None or boa.ctx.acceptable[cand]
            if ok and boa.ctx.utility[cand] > p:
                return cand
        return self._variation(p)


@component("acceptance", "ac_pars_agent")
class ParsAcceptance(AcceptanceCondition):
    info = ComponentInfo("ac_pars_agent", "acceptance", SOURCE, "Accept an offer worth more than the target.")

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        target = self.boa.bidding.target(state.time)
        return target is not None and float(self.boa.ctx.utility[offer]) > target


@register("pars_agent")
class ParsAgent(BOA):
    info = StrategyInfo(
        "pars_agent",
        "anac",
        f"{SOURCE} (ANAC 2015)",
        "Boulware target above 0.7; offers the opponent's most frequent values when good enough, else a "
        "random variation of its best bid.",
        stochastic=True,
    )

    def __init__(self, e: float = 0.15) -> None:
        super().__init__(ParsBidding(e), None, ParsAcceptance())
