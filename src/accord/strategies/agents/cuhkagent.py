"""CUHKAgent (ANAC 2012 winner).

Hao & Leung (2014), "CUHKAgent: an adaptive negotiation strategy for bilateral negotiations over
multiple items", in *Novel Insights in Agent-based Complex Automated Negotiation*, SCI 535, pp. 171-179;
its strategy is ABiNeS (Hao & Leung 2012, "ABiNeS: an adaptive bilateral negotiating strategy over
multiple items", IAT 2012). The agent keeps an acceptance threshold that it lowers adaptively: it
exploits the opponent until a non-exploitation point lambda, later for an opponent that keeps making new
offers (a high concession degree) and earlier under discounting, and then concedes toward the best offer
the opponent has made. Among its bids above the threshold it offers the one it estimates best for the
opponent (a value-frequency model), and it accepts offers above the threshold or its next bid.

Our reading, with the choices the description leaves open:

- concession degree gamma = distinct opponent offers / opponent offers;
- lambda = lambda0 + (1 - lambda0) gamma d, with d the discount factor and lambda0 = 0.5;
- floor f = max(Pmin, best opponent offer); level M = min(Pmax, f + (Pmax - f)(1 + gamma) / 2);
- threshold(t) = Pmax - (Pmax - M)(t / lambda)^2 for t <= lambda, then linear from M to f at t = 1;
- bid: the frequency model's favourite in [threshold, threshold + 0.05]; acceptance: AC_target.

Cost per round: O(log N + cap x issues).
"""

from __future__ import annotations

from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.bidding import DEFAULT_CAP, pick_for_opponent
from accord.strategies.boa.components import BiddingStrategy, ComponentInfo, component
from accord.strategies.boa.models import FrequencyModel
from accord.strategies.boa.negotiator import BOA

SOURCE = "Hao & Leung 2014"


@component("bidding", "cuhk_agent")
class CUHKBidding(BiddingStrategy):
    info = ComponentInfo("cuhk_agent", "bidding", SOURCE, "Adaptive threshold with a non-exploitation point.")

    def __init__(self, lambda0: float = 0.5, window: float = 0.05) -> None:
        if not 0.0 < lambda0 <= 1.0:
            raise ValueError("lambda0 must be in (0, 1]")
        self.lambda0, self.window = float(lambda0), float(window)

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        self.distinct: set[int] = set()
        self.seen = 0

    def _gamma(self) -> float:
        offers = self.boa.history.opp_offers
        self.distinct.update(offers[self.seen :])
        self.seen = len(offers)
        return len(self.distinct) / len(offers) if offers else 1.0

    def target(self, t: float) -> float:
        boa = self.boa
        gamma = self._gamma()
        lam = self.lambda0 + (1.0 - self.lambda0) * gamma * boa.ctx.discount
        f = max(boa.p_min, boa.history.best_opp_util)
        mid = min(boa.p_max, f + (boa.p_max - f) * (1.0 + gamma) / 2.0)
        if t <= lam:
            return boa.p_max - (boa.p_max - mid) * (t / lam) ** 2
        return mid - (mid - f) * (t - lam) / (1.0 - lam)

    def bid(self, state: State) -> int | None:
        p = self.target(state.time)
        return pick_for_opponent(self.boa, p, p + self.window, DEFAULT_CAP)


@register("cuhk_agent")
class CUHKAgent(BOA):
    info = StrategyInfo(
        "cuhk_agent",
        "anac",
        f"{SOURCE} (ANAC 2012 winner)",
        "Exploits until an adaptive non-exploitation point, then concedes toward the opponent's best.",
        uses_opponent_model=True,
    )

    def __init__(self, lambda0: float = 0.5) -> None:
        super().__init__(CUHKBidding(lambda0), FrequencyModel(), "ac_target")
