"""AgentLG (ANAC 2012, second place).

Described in Williams, Robu, Gerding & Jennings (2014), "An overview of the results and insights from
the third automated negotiating agents competition (ANAC 2012)", SCI 535, pp. 151-162, and in the
agent's ANAC 2012 description (L. Golosman). AgentLG is stubborn most of the time and compromises at
the end. Until t = 0.6 it offers, in turn, its few best bids and learns how often the opponent offers
each value; from 0.6 it widens its list of bids only when the opponent concedes, just far enough to
include a bid the opponent should like more; near the deadline it offers the opponent's best offer.
It accepts an offer nearly as good as its own last bid, or as good as the worst bid on its list.

Our reading, with what the description leaves open filled in after reading the GENIUS 10.4 original
(our own code, not a transcription; see docs/strategies/agentlg.md):

- the list: own outcomes best first, none below o1 + (Pmax - o1) / 4 (o1: own utility of the
  opponent's first offer) nor Pmin; it starts with the best outcome alone; bids cycle through it;
- until t1 = 0.6, at most every 0.1 of time, while the next outcome is worth at least
  Pmax - (Pmax - o1) / 4, the list grows past every outcome worth at least d^0.1 times its current worst
  (d the discount factor) and takes one more (without discounting: one utility level per step);
- from t1 to 0.9, after each pass through the list, at most every 0.05 of time and only if the
  opponent's best offer improved since the last step (or, with discounting, 0.1 of time went by), the
  list grows to the first outcome the opponent model rates at least as high as the best-rated bid on
  the list (the model: per issue, the count of the value over the count of the most offered value,
  summed over issues, unweighted);
- from 0.9 ("panic") it repeats the worst bid on its list (the original's code concedes no further
  there), and from 0.9995 it offers the opponent's best offer if it is worth Pmin;
- once it has offered a bid the opponent itself offered, it repeats it;
- acceptance: U(x) >= 0.99 U(own last bid), or after t = 0.999 U(x) >= 0.9 U(own last bid), or
  U(x) >= the worst bid on the list (as it stood before this turn's bid).

Choices made here: the original trims the list for very large domains (raising the floor until fewer
than 160,000 outcomes remain); here the list is the sorted band of :class:`TargetIndex`, no trimming.
Cost per round: O(1) plus O(list x issues) at each of the few widening steps.
"""

from __future__ import annotations

import numpy as np

from accord.strategies.agents._common import ValueCounts
from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.components import (
    AcceptanceCondition,
    BiddingStrategy,
    ComponentInfo,
    component,
)
from accord.strategies.boa.negotiator import BOA

SOURCE = "Williams, Robu, Gerding & Jennings 2014 (ANAC 2012 overview)"


def value_scores(counts: np.ndarray, digits: list[np.ndarray]) -> np.ndarray:
    """Sum over issues of count(value) / count(most offered value); 0 for an issue never seen."""
    total = np.zeros(len(digits[0]) if digits else 0)
    for i, d in enumerate(digits):
        top = counts[i].max()
        if top > 0:
            total = total + counts[i][d] / top
    return total


@component("bidding", "agentlg")
class AgentLGBidding(BiddingStrategy):
    info = ComponentInfo(
        "agentlg",
        "bidding",
        SOURCE,
        "Cycle through a short list of best bids; widen it as the opponent concedes.",
    )

    def __init__(self, t1: float = 0.6, panic: float = 0.9, end: float = 0.9995) -> None:
        if not 0.0 < t1 <= panic <= end <= 1.0:
            raise ValueError("need 0 < t1 <= panic <= end <= 1")
        self.t1, self.panic, self.end = float(t1), float(panic), float(end)

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        self.counts = ValueCounts(boa.ctx.space)
        self.total = 0  # outcomes on the sorted band at or above the list's floor (set at the first offer)
        self.n = 1  # bids on the list: index.order[: n]
        self.idx = 0
        self.last_t = 0.0
        self.last_opp_best = -np.inf
        self.repeat: int | None = None
        self.floor = boa.p_max  # U(the worst bid on the list) before this turn's bid

    def _u(self, k: int) -> float:
        return float(self.boa.ctx.utility[self.boa.index.order[k]])

    def _start(self) -> None:
        boa = self.boa
        o1 = boa.history.opp_utils[0]
        low = max(boa.p_min, o1 + (boa.p_max - o1) / 4.0)
        self.total = max(1, boa.index.range_bounds(low, boa.p_max)[1])

    def _phase1(self, t: float) -> None:
        boa = self.boa
        o1 = boa.history.opp_utils[0]
        bound = boa.p_max - (boa.p_max - o1) / 4.0
        if t - self.last_t > 0.1 and self.n < self.total and bound <= self._u(self.n):
            thr = self._u(self.n - 1) * boa.ctx.discount**0.1
            k = self.n - 1
            while k < self.total - 1 and self._u(k) >= thr:
                k += 1
            self.n = k + 1
            self.last_t = t
        if self.idx >= self.n:
            self.idx = 0

    def _widen(self, t: float) -> None:
        """Grow the list to the first outcome rated by the opponent model at least as its best-rated bid."""
        boa = self.boa
        h = boa.history
        moved = h.best_opp_util > self.last_opp_best or (boa.ctx.discount < 1.0 and t - self.last_t > 0.1)
        if not (t - self.last_t > 0.05 and moved):
            return
        self.counts.sync(h)
        order = boa.index.order
        space = boa.ctx.space
        on = value_scores(self.counts.counts, space.digits(order[: self.n]))
        best = max(0.0, float(on.max())) if on.size else 0.0
        rest = value_scores(self.counts.counts, space.digits(order[self.n : self.total]))
        hit = np.flatnonzero(rest >= best)
        if hit.size:
            self.n += int(hit[0]) + 1
        self.last_opp_best = h.best_opp_util
        self.last_t = t

    def bid(self, state: State) -> int | None:
        boa = self.boa
        h = boa.history
        if not h.opp_offers:
            return int(boa.index.at_or_above(boa.p_max))
        if not self.total:
            self._start()
        order = boa.index.order  # after _start: the sorted band covers the list
        self.floor = self._u(self.n - 1)
        if self.repeat is not None:
            return self.repeat
        t = state.time
        if t >= self.end:
            b = h.best_opp if h.best_opp_util >= boa.p_min else int(order[self.n - 1])
        else:
            b = int(order[self.idx])
            self.idx += 1
            if t < self.t1:
                self._phase1(t)
                self.last_opp_best = h.best_opp_util
            elif self.idx >= self.n:
                if t < self.panic:
                    self.idx = 0
                    self._widen(t)
                else:
                    self.idx = self.n - 1 if t - self.last_t > 0.008 else 0
        if b in h.opp_offers:
            self.repeat = b
        return int(b)  # type: ignore[arg-type]


@component("acceptance", "ac_agentlg")
class AgentLGAcceptance(AcceptanceCondition):
    info = ComponentInfo(
        "ac_agentlg",
        "acceptance",
        SOURCE,
        "Accept at 0.99 of the last bid (0.9 after t = 0.999) or at the worst bid on the list.",
    )

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        boa = self.boa
        u = float(boa.ctx.utility[offer])
        mine = boa.history.my_utils
        if mine and (u >= 0.99 * mine[-1] or (state.time > 0.999 and u >= 0.9 * mine[-1])):
            return True
        return u >= boa.bidding.floor  # type: ignore[attr-defined]


@register("agentlg")
class AgentLG(BOA):
    info = StrategyInfo(
        "agentlg",
        "anac",
        "Williams et al. 2014, ANAC 2012 overview (AgentLG, 2nd place)",
        "Stubborn list of best bids, widened only when the opponent concedes; accepts near its own bids.",
        uses_opponent_model=True,
    )

    def __init__(self, t1: float = 0.6) -> None:
        super().__init__(AgentLGBidding(t1), None, AgentLGAcceptance())
