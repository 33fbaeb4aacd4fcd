"""ParsAgent (ANAC 2015, second place).

Khosravimehr & Nassiri-Mofakham (2017), "Pars Agent: hybrid time-dependent, random and frequency-based
bidding and acceptance strategies in multilateral negotiations", in *Modern Approaches to Agent-based
Complex Automated Negotiation*, SCI 674, pp. 175-183. A Boulware time-dependent target; the agent first
tries the bid made of the values the opponents offer most often; if that bid is not good enough for it,
it offers a random bid above its target; it accepts offers above its target.

Our reading, with the choices the description leaves open: target p(t) = Pmin + (Pmax - Pmin)(1 - t^(1/e))
with e = 0.15; the frequency bid takes, per issue, the opponent's most offered value; the random bid is
uniform in [p(t), p(t) + 0.1]; acceptance is AC_target. Cost per round: O(log N + issues).
"""

from __future__ import annotations

from accord.strategies.agents._common import ValueCounts, encode
from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.components import BiddingStrategy, ComponentInfo, component
from accord.strategies.boa.negotiator import BOA
from accord.strategies.time_based import target_utility

SOURCE = "Khosravimehr & Nassiri-Mofakham 2017"


@component("bidding", "pars_agent")
class ParsBidding(BiddingStrategy):
    info = ComponentInfo(
        "pars_agent", "bidding", SOURCE, "Opponent's frequent values if good enough, else random."
    )

    def __init__(self, e: float = 0.15, width: float = 0.1) -> None:
        if e <= 0 or width < 0:
            raise ValueError("e must be > 0 and width >= 0")
        self.e, self.width = float(e), float(width)

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        self.counts = ValueCounts(boa.ctx.space)

    def target(self, t: float) -> float:
        return target_utility(t, self.e, self.boa.p_min, self.boa.p_max)

    def bid(self, state: State) -> int | None:
        boa = self.boa
        p = self.target(state.time)
        if boa.history.opp_offers:
            self.counts.sync(boa.history)
            cand = encode(self.counts.strides, self.counts.modes())
            ok = boa.ctx.acceptable is None or boa.ctx.acceptable[cand]
            if ok and boa.ctx.utility[cand] >= p:
                return cand
        band = boa.index.in_range(p, p + self.width)
        if len(band) == 0:
            return boa.index.at_or_above(p)
        return int(band[boa.ctx.rng.integers(len(band))])


@register("pars_agent")
class ParsAgent(BOA):
    info = StrategyInfo(
        "pars_agent",
        "anac",
        f"{SOURCE} (ANAC 2015)",
        "Boulware target; offers the opponent's most frequent values when good enough, else random.",
        stochastic=True,
    )

    def __init__(self, e: float = 0.15) -> None:
        super().__init__(ParsBidding(e), None, "ac_target")
