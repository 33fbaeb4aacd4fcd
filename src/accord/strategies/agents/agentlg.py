"""AgentLG (ANAC 2012, second place).

Described in Williams, Robu, Gerding & Jennings (2014), "An overview of the results and
insights from the third automated negotiating agents competition (ANAC 2012)", SCI 535, pp. 151-162,
and in the agent's ANAC 2012 description. AgentLG concedes very little in the first part of the
negotiation, offering its best bids chosen by how often the opponent has offered their values (a
frequency model); in the second part it compromises toward the opponent's best offer, but not below the
middle between it and its own best; at the very end it offers, and accepts, the opponent's best offer.

Our reading, with the choices the description leaves open: the first part ends at t1 = 0.6 and concedes
5 % of (Pmax - Pmin); in the second part the target falls linearly to b = max(Pmin, (Pmax + best
opponent offer) / 2) (never above the first part's end); from t >= end (0.99) it offers the opponent's
best offer if it is worth at least Pmin; acceptance is AC_target. Cost per round: O(log N + cap x issues).
"""

from __future__ import annotations

from accord.strategies.agents._common import WindowedTargetBidding
from accord.strategies.base import StrategyInfo, register
from accord.strategies.boa.components import ComponentInfo, component
from accord.strategies.boa.models import FrequencyModel
from accord.strategies.boa.negotiator import BOA

SOURCE = "Williams, Robu, Gerding & Jennings 2014 (ANAC 2012 overview)"


@component("bidding", "agentlg")
class AgentLGBidding(WindowedTargetBidding):
    info = ComponentInfo(
        "agentlg", "bidding", SOURCE, "Hold, then compromise to the middle of the best offers."
    )

    def __init__(self, t1: float = 0.6, first: float = 0.05, end: float = 0.99, window: float = 0.05) -> None:
        if not 0.0 < t1 < end <= 1.0 or not 0.0 <= first <= 1.0:
            raise ValueError("need 0 < t1 < end <= 1 and first in [0, 1]")
        self.t1, self.first, self.end, self.window = float(t1), float(first), float(end), float(window)

    def target(self, t: float) -> float:
        boa = self.boa
        a = boa.p_max - self.first * (boa.p_max - boa.p_min)
        if t < self.t1:
            return boa.p_max - (boa.p_max - a) * t / self.t1
        b = min(a, max(boa.p_min, (boa.p_max + boa.history.best_opp_util) / 2.0))
        return a - (a - b) * min(1.0, (t - self.t1) / (1.0 - self.t1))


@register("agentlg")
class AgentLG(BOA):
    info = StrategyInfo(
        "agentlg",
        "anac",
        "Williams et al. 2014, ANAC 2012 overview (AgentLG, 2nd place)",
        "Holds firm for most of the time, then compromises halfway to the opponent's best offer.",
        uses_opponent_model=True,
    )

    def __init__(self, t1: float = 0.6) -> None:
        super().__init__(AgentLGBidding(t1), FrequencyModel(), "ac_target")
