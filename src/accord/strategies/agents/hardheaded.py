"""HardHeaded (ANAC 2011 winner).

van Krimpen, Looije & Hajizadeh (2013), "HardHeaded", in *Complex Automated Negotiations: Theories,
Models, and Software Competitions*, SCI 435, pp. 223-227; decoupled into BOA parts by Baarslag et al.
(2014). As described there:

- bidding: a very Boulware time-dependent target p(t) = Pmin + (Pmax - Pmin)(1 - t^(1/e)) with e = 0.05;
  among its own bids in the window [p(t), p(t) + window] it offers the one the frequency model rates
  best for the opponent; if the opponent has already offered something worth at least p(t) to it, it
  offers that bid back;
- opponent model: the frequency model (:class:`~accord.strategies.boa.models.FrequencyModel`);
- acceptance: the opponent's offer is accepted if it is worth at least HardHeaded's next bid, or at
  least the lowest bid HardHeaded has offered so far.

Choices made here, where the description leaves them open: Pmin is the larger of the reservation value and the
worst outcome (the original's fixed floor was tuned for normalised ANAC profiles); the window width
(0.05); ties in the model go to the higher own utility. Cost per round: O(log N + cap x issues).
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
from accord.strategies.time_based import target_utility

SOURCE = "van Krimpen, Looije & Hajizadeh 2013"


@component("bidding", "hardheaded")
class HardHeadedBidding(BiddingStrategy):
    info = ComponentInfo(
        "hardheaded", "bidding", SOURCE, "Boulware e=0.05; best bid for the model in a window."
    )

    def __init__(self, e: float = 0.05, window: float = 0.05, cap: int = DEFAULT_CAP) -> None:
        if e <= 0 or window < 0:
            raise ValueError("e must be > 0 and window >= 0")
        self.e, self.window, self.cap = float(e), float(window), int(cap)

    def target(self, t: float) -> float:
        return target_utility(t, self.e, self.boa.p_min, self.boa.p_max)

    def bid(self, state: State) -> int | None:
        p = self.target(state.time)
        h = self.boa.history
        if h.best_opp is not None and h.best_opp_util >= p:
            return h.best_opp
        return pick_for_opponent(self.boa, p, p + self.window, self.cap)


@component("acceptance", "ac_hardheaded")
class HardHeadedAcceptance(AcceptanceCondition):
    info = ComponentInfo(
        "ac_hardheaded", "acceptance", SOURCE, "Accept if at least my next bid or my lowest bid so far."
    )

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        u = float(self.boa.ctx.utility[offer])
        mine = self.boa.history.my_utils
        if mine and u >= min(mine):
            return True
        nxt = self.boa.ctx.reservation if next_bid is None else float(self.boa.ctx.utility[next_bid])
        return u >= nxt


@register("hardheaded")
class HardHeaded(BOA):
    info = StrategyInfo(
        "hardheaded",
        "anac",
        f"{SOURCE} (ANAC 2011 winner)",
        "Very Boulware target; frequency model picks the bid; accepts at its next or lowest bid.",
        uses_opponent_model=True,
    )

    def __init__(self, e: float = 0.05, window: float = 0.05) -> None:
        super().__init__(HardHeadedBidding(e, window), FrequencyModel(), HardHeadedAcceptance())
