"""CUHKAgent (ANAC 2012 winner).

Hao & Leung (2014), "CUHKAgent: an adaptive negotiation strategy for bilateral negotiations over
multiple items", in *Novel Insights in Agent-based Complex Automated Negotiation*, SCI 535, pp. 171-179;
its strategy is ABiNeS (Hao & Leung 2012, "ABiNeS: an adaptive bilateral negotiating strategy over
multiple items", IAT 2012). The agent keeps an acceptance threshold that it lowers only as far as the
discount factor makes waiting costly: it exploits the opponent until a non-exploitation point lambda
(later for a tough opponent, earlier under heavy discounting), then follows the discounted value of its
best outcome. Among its bids above the threshold it offers the one it estimates best for the opponent (a
value-frequency model); if the opponent has already offered something above the threshold it offers that
back; it accepts offers above the threshold or its next bid; at the very end it concedes to the best
offer the opponent has made.

As described there, with delta the discount factor and Pmax the best own utility:

- lambda = lambda0 + (1 - lambda0) delta^beta with lambda0 = 0.08 and beta = 1.8 (delta > 0.75), 1.5
  (delta > 0.5) or 1.2, raised toward 1 for a tough opponent: lambda + 0.1 (1 - lambda) g^10, g the
  opponent's toughness (the share of its offers that repeat an earlier one);
- threshold tau(t) = Pmax - (Pmax - Pmax delta^(1 - lambda)) (t / lambda)^alpha for t <= lambda (alpha = 2),
  then Pmax delta^(1 - t). Without discounting (delta = 1) tau stays at Pmax: the agent only concedes
  where waiting costs it something;
- bid: the opponent's best offer if it is worth at least tau; else among own bids worth at least tau the
  frequency model's favourite;
- acceptance: U(x) >= tau or U(x) >= U(next bid); after lambda, if the opponent's best offer (discounted)
  beats Pmax delta, an offer within 0.01 of that best is accepted, and otherwise that best is offered
  back next;
- end: from t > ``end`` (0.9985) it offers the opponent's best offer if worth at least 0.85, else the
  model's favourite in [Pmax - 0.15, Pmax - 0.02].

Our reading, with details the papers leave open filled in after reading GENIUS 10.4's original
(``agents.anac.y2012.CUHKAgent``; our own code, not a transcription): in an undiscounted domain of more
than 3,000 outcomes the bid floor is Pmax - 0.05 (Pmax - 0.25 from t = 0.98 above 10,000 outcomes), and
tau drops to it. The original's own clock never reaches t > 0.9985 in a 100-round session, accord's does
in its last round, so the end rule fires there in accord and not in GENIUS (docs/validation.md). Cost per
round: O(log N + cap x issues).
"""

from __future__ import annotations

from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.bidding import DEFAULT_CAP, pick_for_opponent
from accord.strategies.boa.components import (
    AcceptanceCondition,
    BiddingStrategy,
    ComponentInfo,
    component,
)
from accord.strategies.boa.models import FrequencyModel
from accord.strategies.boa.negotiator import BOA

SOURCE = "Hao & Leung 2014"


@component("bidding", "cuhk_agent")
class CUHKBidding(BiddingStrategy):
    info = ComponentInfo(
        "cuhk_agent", "bidding", SOURCE, "Discount-driven threshold with a non-exploitation point."
    )

    def __init__(self, lambda0: float = 0.08, alpha: float = 2.0, end: float = 0.9985) -> None:
        if not 0.0 <= lambda0 <= 1.0 or alpha <= 0 or not 0.0 < end <= 1.0:
            raise ValueError("need 0 <= lambda0 <= 1, alpha > 0 and 0 < end <= 1")
        self.lambda0, self.alpha, self.end = float(lambda0), float(alpha), float(end)

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        d = boa.ctx.discount if 0.0 < boa.ctx.discount <= 1.0 else 1.0
        self.delta = d
        beta = 1.8 if d > 0.75 else 1.5 if d > 0.5 else 1.2
        self.lambda_base = self.lambda0 + (1.0 - self.lambda0) * d**beta
        self.concede_next = False
        n = boa.ctx.space.size
        self.large = d == 1.0 and n > 3000
        self.huge = d == 1.0 and n > 10000

    def _lambda(self) -> float:
        offers = self.boa.history.opp_offers
        g = 1.0 - len(set(offers)) / len(offers) if offers else 0.0
        return min(1.0, self.lambda_base + 0.1 * (1.0 - self.lambda_base) * g**10)

    def target(self, t: float) -> float:
        p_max, d = self.boa.p_max, self.delta
        lam = self._lambda()
        if t <= lam and lam > 0:
            low = p_max * d ** (1.0 - lam)
            tau = p_max - (p_max - low) * (t / lam) ** self.alpha
        else:
            tau = p_max * d ** (1.0 - t)
        if self.large:
            floor = p_max - (0.25 if self.huge and t >= 0.98 else 0.05)
            tau = min(tau, floor)
        return max(tau, self.boa.p_min)

    def bid(self, state: State) -> int | None:
        boa = self.boa
        h = boa.history
        t = state.time
        if not h.opp_offers or not h.my_offers:
            return boa.index.at_or_above(boa.p_max)
        if t > self.end:
            if h.best_opp_util >= 0.85:
                return h.best_opp
            return pick_for_opponent(boa, boa.p_max - 0.15, boa.p_max - 0.02, DEFAULT_CAP)
        if self.concede_next:
            self.concede_next = False
            return h.best_opp
        tau = self.target(t)
        if h.best_opp_util >= tau:
            return h.best_opp
        return pick_for_opponent(boa, tau, boa.p_max, DEFAULT_CAP)


@component("acceptance", "ac_cuhk_agent")
class CUHKAcceptance(AcceptanceCondition):
    info = ComponentInfo(
        "ac_cuhk_agent",
        "acceptance",
        SOURCE,
        "At least the threshold or the next bid; near the opponent's best once that beats the discounted best.",
    )

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        boa = self.boa
        b = boa.bidding
        u = float(boa.ctx.utility[offer])
        t = state.time
        tau = b.target(t)
        nxt = boa.ctx.reservation if next_bid is None else float(boa.ctx.utility[next_bid])
        if (tau is not None and u >= tau) or u >= nxt:
            return True
        if not isinstance(b, CUHKBidding):
            return False
        d = b.delta
        best = boa.history.best_opp_util * d**t
        if (t > b._lambda() and best > boa.p_max * d) or (tau is not None and best > tau * d**t):
            if u >= boa.history.best_opp_util - 0.01:
                return True
            b.concede_next = True
        return False


@register("cuhk_agent")
class CUHKAgent(BOA):
    info = StrategyInfo(
        "cuhk_agent",
        "anac",
        f"{SOURCE} (ANAC 2012 winner)",
        "Exploits until a discount-driven non-exploitation point; concedes only as discounting makes "
        "waiting costly; offers what the opponent's value counts favour.",
        uses_opponent_model=True,
    )

    def __init__(self, lambda0: float = 0.08) -> None:
        super().__init__(CUHKBidding(lambda0), FrequencyModel(), CUHKAcceptance())
