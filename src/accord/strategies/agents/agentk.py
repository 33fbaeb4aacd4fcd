"""AgentK (ANAC 2010, second place).

Kawaguchi, Fujita & Ito (2011), "Compromising strategy based on estimated maximum utility for automated
negotiation agents competition (ANAC-10)", IEA/AIE 2011, LNCS 6704, pp. 501-510. From the opponent's
offers so far (their utility to AgentK) it takes the mean mu(t) and standard deviation sigma(t), and
estimates the best utility the opponent may still offer as

    emax(t) = mu(t) + (1 - mu(t)) d(t),   d(t) = sqrt(12) sigma(t)

(the width of a uniform distribution with that deviation). Its target is

    target(t) = 1 - (1 - emax(t)) t^alpha,

it offers a random bid worth at least the target, and it accepts an offer x worth at least the target,
or otherwise with probability P = t^5 / 5 + (U(x) - emax(t)) + (U(x) - target(t)) when that is positive.

Choices made here where the description is open or assumes normalised profiles: "1" is read as the
agent's best utility Pmax (identical on normalised profiles), emax is capped at Pmax and the target is
floored at the reservation value; alpha = 3; before the first opponent offer the target is Pmax; the
random bid is uniform over all own outcomes worth at least the target. The acceptance probability is
drawn from the negotiator's own generator only when 0 < P < 1. Cost per round: O(log N) plus O(k) for
the statistics of the k opponent offers.
"""

from __future__ import annotations

import math

import numpy as np

from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.components import (
    AcceptanceCondition,
    BiddingStrategy,
    ComponentInfo,
    component,
)
from accord.strategies.boa.negotiator import BOA

SOURCE = "Kawaguchi, Fujita & Ito 2011"


def mean_std(values: list[float]) -> tuple[float, float]:
    """``(mean, population std)`` of ``values``, bit for bit as ``np.mean`` and ``np.std`` compute them.

    The same operations as NumPy's own (one pairwise sum, divide; subtract the mean, square, pairwise
    sum, divide, square root), without the generic wrappers' overhead.
    """
    a = np.asarray(values, dtype=np.float64)
    n = a.size
    mu = np.add.reduce(a) / n
    x = a - mu
    np.square(x, out=x)
    return float(mu), float(np.sqrt(np.add.reduce(x) / n))


def agentk_levels(boa: BOA, t: float, alpha: float) -> tuple[float, float]:
    """(emax(t), target(t)) from the opponent's offers so far.

    emax depends on the opponent's offers only, so it is computed once per new offer (the bidding
    strategy and the acceptance condition both ask for it every turn).
    """
    us = boa.history.opp_utils
    p_max = boa.p_max
    if not us:
        return p_max, p_max
    memo = boa.__dict__.get("_agentk_emax")
    if memo is not None and memo[0] == len(us) and memo[1] is us:
        emax = memo[2]
    else:
        mu, sigma = mean_std(us)
        emax = min(p_max, mu + (p_max - mu) * math.sqrt(12.0) * sigma)
        boa.__dict__["_agentk_emax"] = (len(us), us, emax)
    target = p_max - (p_max - emax) * min(max(t, 0.0), 1.0) ** alpha
    return emax, max(target, boa.p_min)


@component("bidding", "agentk")
class AgentKBidding(BiddingStrategy):
    info = ComponentInfo("agentk", "bidding", SOURCE, "Random bid above 1 - (1 - emax) t^alpha.")

    def __init__(self, alpha: float = 3.0) -> None:
        if alpha <= 0:
            raise ValueError("alpha must be > 0")
        self.alpha = float(alpha)

    def target(self, t: float) -> float:
        return agentk_levels(self.boa, t, self.alpha)[1]

    def bid(self, state: State) -> int | None:
        p = self.target(state.time)
        band = self.boa.index.in_range(p, self.boa.p_max)
        if len(band) == 0:
            return self.boa.index.at_or_above(p)
        return int(band[self.boa.ctx.rng.integers(len(band))])


@component("acceptance", "ac_agentk")
class AgentKAcceptance(AcceptanceCondition):
    info = ComponentInfo(
        "ac_agentk", "acceptance", SOURCE, "Accept above target, else with P = t^5/5 + (u-emax) + (u-target)."
    )

    def __init__(self, alpha: float = 3.0) -> None:
        self.alpha = float(alpha)

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        u = float(self.boa.ctx.utility[offer])
        emax, target = agentk_levels(self.boa, state.time, self.alpha)
        if u >= target:
            return True
        p = state.time**5 / 5.0 + (u - emax) + (u - target)
        if p <= 0.0:
            return False
        return p >= 1.0 or bool(self.boa.ctx.rng.random() < p)


@register("agentk")
class AgentK(BOA):
    info = StrategyInfo(
        "agentk",
        "anac",
        f"{SOURCE} (ANAC 2010)",
        "Targets the opponent's estimated best offer; accepts probabilistically near it.",
        stochastic=True,
    )

    def __init__(self, alpha: float = 3.0) -> None:
        super().__init__(AgentKBidding(alpha), None, AgentKAcceptance(alpha))
