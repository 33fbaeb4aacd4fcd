"""MiCRO: the minimal concession in response to offers benchmark.

de Jonge (2022), "An analysis of the linear bilateral ANAC domains using the MiCRO benchmark strategy",
IJCAI 2022, pp. 223-229. MiCRO sorts its outcomes by its own utility. Let m be the number of distinct
offers the opponent has made and n the number of distinct offers MiCRO has made. If n <= m it concedes
one step: it proposes the best outcome it has not proposed yet (the (n+1)-th in its order), provided
that outcome is worth at least its reservation value; otherwise it repeats one of its earlier
proposals, chosen uniformly at random. It accepts an offer worth at least the least valuable of its own
proposals, the one it is about to make included.

Choices made here: ties in the own order are broken by outcome index; the random repeat uses the
negotiator's generator. No opponent model. Cost per round: O(log N) amortised (the order is sorted
lazily, only as deep as MiCRO concedes).
"""

from __future__ import annotations

from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.bidding import nth_best
from accord.strategies.boa.components import (
    AcceptanceCondition,
    BiddingStrategy,
    ComponentInfo,
    component,
)
from accord.strategies.boa.negotiator import BOA

SOURCE = "de Jonge 2022"


@component("bidding", "micro")
class MiCROBidding(BiddingStrategy):
    info = ComponentInfo(
        "micro", "bidding", SOURCE, "Concede one outcome per new opponent offer, else repeat."
    )

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        self.proposed: list[int] = []
        self.lowest = float("inf")

    def bid(self, state: State) -> int | None:
        m = len(set(self.boa.history.opp_offers))
        n = len(self.proposed)
        if n <= m:
            cand = nth_best(self.boa.index, n)
            if cand is not None and self.boa.ctx.utility[cand] >= self.boa.ctx.reservation:
                self.proposed.append(cand)
                self.lowest = min(self.lowest, float(self.boa.ctx.utility[cand]))
                return cand
        if not self.proposed:
            return None
        return self.proposed[int(self.boa.ctx.rng.integers(len(self.proposed)))]

    def target(self, t: float) -> float | None:
        return self.lowest if self.proposed else None


@component("acceptance", "ac_micro")
class MiCROAcceptance(AcceptanceCondition):
    info = ComponentInfo(
        "ac_micro",
        "acceptance",
        SOURCE,
        "Accept at least the least valuable of my proposals (next included).",
    )

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        u = self.boa.ctx.utility
        lowest = min(self.boa.history.my_utils, default=float("inf"))
        if next_bid is not None:
            lowest = min(lowest, float(u[next_bid]))
        return float(u[offer]) >= lowest


@register("micro")
class MiCRO(BOA):
    info = StrategyInfo(
        "micro",
        "benchmark",
        f"{SOURCE} (IJCAI 2022)",
        "Concedes one step for each new distinct opponent offer; accepts at its lowest proposal.",
        stochastic=True,
    )

    def __init__(self) -> None:
        super().__init__(MiCROBidding(), None, MiCROAcceptance())
