"""HardHeaded (ANAC 2011 winner).

van Krimpen, Looije & Hajizadeh (2013), "HardHeaded", in *Complex Automated Negotiations: Theories,
Models, and Software Competitions*, SCI 435, pp. 223-227; decoupled into BOA parts by Baarslag et al.
(2014). As described there, HardHeaded keeps all its bids sorted by its own utility and walks down that
list slowly, never below a very Boulware floor:

- floor: p(t) = Pmin + (Pmax - Pmin)(1 - F(t)) with F(t) = Ka + (1 - Ka) t^(1/e), e = 0.05, Ka = 0.05,
  and Pmin its fixed minimum bid utility 0.585 (the paper's constant, for normalised profiles; here the
  larger of it and the reservation value, capped at Pmax);
- walk: it opens with its best bid; then, whenever its queue of planned bids is empty, it takes the next
  bid down its sorted list together with the following ones within 0.01 of it (and at or above the
  floor), and queues at most 5 of them, the ones its frequency model rates best for the opponent first;
  so it concedes one step of its own list per offer. When the next step would fall below the floor it
  repeats one of its earlier bids instead (drawn at random), so the floor is never crossed;
- if the opponent has already offered something worth more to it than its planned bid, it offers that
  bid back;
- opponent model: the frequency model (:class:`~accord.strategies.boa.models.FrequencyModel`);
- acceptance: the opponent's offer is accepted if it is worth more than the lowest bid HardHeaded has
  offered so far, or at least the bid it would send next.

Choices made here, where the paper leaves them open (read in GENIUS's original (``agents.anac.y2011.HardHeaded``) to understand the
rules, not transcribed): the list holds every outcome (ties kept apart), so a step is one outcome; the 0.01
tolerance and the group size 5; the floor keeps 0.585 even where a reservation value is set (we take the
larger of the two: a bid below the reservation value is never worth offering). The original's
discounted variant (a step point at the discount factor) is not modelled: undiscounted floor only.
Cost per offer: O(log N) amortised for the walk (the sorted list grows lazily) + O(5 x issues).
"""

from __future__ import annotations

import numpy as np

from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.bidding import nth_best
from accord.strategies.boa.components import (
    AcceptanceCondition,
    BiddingStrategy,
    ComponentInfo,
    component,
)
from accord.strategies.boa.models import FrequencyModel
from accord.strategies.boa.negotiator import BOA

SOURCE = "van Krimpen, Looije & Hajizadeh 2013"


@component("bidding", "hardheaded")
class HardHeadedBidding(BiddingStrategy):
    info = ComponentInfo(
        "hardheaded",
        "bidding",
        SOURCE,
        "Walk down the own sorted bids one step per offer above a Boulware floor (e=0.05).",
    )

    def __init__(
        self,
        e: float = 0.05,
        ka: float = 0.05,
        floor: float = 0.585,
        tolerance: float = 0.01,
        group: int = 5,
    ) -> None:
        if e <= 0 or not 0.0 <= ka <= 1.0 or tolerance < 0 or group < 1:
            raise ValueError("need e > 0, 0 <= ka <= 1, tolerance >= 0 and group >= 1")
        self.e, self.ka, self.floor = float(e), float(ka), float(floor)
        self.tolerance, self.group = float(tolerance), int(group)

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        self.pos = -1  # position in the own sorted list of the lowest bid queued so far
        self.queue: list[int] = []

    def target(self, t: float) -> float:
        boa = self.boa
        low = min(boa.p_max, max(boa.p_min, self.floor))
        f = self.ka + (1.0 - self.ka) * t ** (1.0 / self.e)
        return low + (boa.p_max - low) * (1.0 - f)

    def _refill(self, state: State) -> None:
        boa = self.boa
        u = boa.ctx.utility
        if self.pos < 0:
            self.pos = 0
            self.queue = [int(boa.index.order[0]) if len(boa.index.order) else nth_best(boa.index, 0)]
            return
        p = self.target(state.time)
        first = nth_best(boa.index, self.pos + 1)
        if first is None or u[first] < p:
            mine = boa.history.my_offers
            self.queue = [int(mine[boa.ctx.rng.integers(len(mine))])] if mine else [nth_best(boa.index, 0)]
            return
        self.pos += 1
        group = [first]
        while True:
            nxt = nth_best(boa.index, self.pos + 1)
            if nxt is None or u[first] - u[nxt] >= self.tolerance or u[nxt] < p:
                break
            group.append(nxt)
            self.pos += 1
        est = boa.opponent_utility(np.asarray(group, dtype=np.int64))
        if est is not None and len(group) > 1:
            # The model's favourites first (ties: the higher own utility, i.e. the list order).
            ranked = np.argsort(-np.asarray(est, dtype=np.float64), kind="stable")
            group = [group[k] for k in ranked]
        self.queue = group[: self.group]

    def bid(self, state: State) -> int | None:
        if not self.queue:
            self._refill(state)
        h = self.boa.history
        if h.best_opp is not None and h.best_opp_util > self.boa.ctx.utility[self.queue[0]]:
            return h.best_opp
        return self.queue.pop(0)


@component("acceptance", "ac_hardheaded")
class HardHeadedAcceptance(AcceptanceCondition):
    info = ComponentInfo(
        "ac_hardheaded",
        "acceptance",
        SOURCE,
        "Accept if above my lowest bid so far or at least my next bid.",
    )

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        u = float(self.boa.ctx.utility[offer])
        mine = self.boa.history.my_utils
        if mine and u > min(mine):
            return True
        nxt = self.boa.ctx.reservation if next_bid is None else float(self.boa.ctx.utility[next_bid])
        return u >= nxt


@register("hardheaded")
class HardHeaded(BOA):
    info = StrategyInfo(
        "hardheaded",
        "anac",
        f"{SOURCE} (ANAC 2011 winner)",
        "Walks down its sorted bids one step per offer above a very Boulware floor; the frequency model "
        "orders near-equal bids; accepts above its lowest bid so far.",
        uses_opponent_model=True,
        stochastic=True,
    )

    def __init__(self, e: float = 0.05, floor: float = 0.585) -> None:
        super().__init__(HardHeadedBidding(e=e, floor=floor), FrequencyModel(), HardHeadedAcceptance())
