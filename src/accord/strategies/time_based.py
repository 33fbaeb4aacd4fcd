"""Time-dependent concession tactics (Boulware, linear, conceder, hardliner).

Faratin, Sierra & Jennings (1998), "Negotiation decision functions for autonomous agents",
Robotics and Autonomous Systems 24:159-182; the polynomial family as in GENIUS's TimeDependentAgent
(Fatima, Wooldridge & Jennings 2001): f(t) = k + (1 - k) · t^(1/e) and the target utility
p(t) = Pmin + (Pmax - Pmin) · (1 - f(t)), with Pmax the best own utility and Pmin the larger of the
reservation value and the worst own utility. e < 1 concedes late (Boulware, e = 0.2), e = 1 linearly,
e > 1 early (conceder, e = 2); e = 0 never concedes (hardliner).
It offers the outcome whose utility is closest to the target from above, and accepts an offer worth at
least what it would offer next (AC_next, Baarslag et al. 2011).
"""

from __future__ import annotations

from accord.strategies.base import (
    ACCEPT,
    REJECT,
    Context,
    Negotiator,
    State,
    StrategyInfo,
    TargetIndex,
    register,
)


def concession(t: float, e: float, k: float = 0.0) -> float:
    """f(t) = k + (1 - k) t^(1/e); f = k for e = 0 (hardliner), 1 at t = 1 otherwise."""
    if e == 0:
        return k
    t = min(max(t, 0.0), 1.0)
    return k + (1.0 - k) * t ** (1.0 / e)


def target_utility(t: float, e: float, p_min: float, p_max: float, k: float = 0.0) -> float:
    """p(t) = Pmin + (Pmax - Pmin)(1 - f(t))."""
    return p_min + (p_max - p_min) * (1.0 - concession(t, e, k))


@register("time_based")
@register("boulware", e=0.2)
@register("linear", e=1.0)
@register("conceder", e=2.0)
@register("hardliner", e=0.0)
class TimeBased(Negotiator):
    info = StrategyInfo(
        "time_based",
        "time-dependent",
        "Faratin, Sierra & Jennings 1998; Fatima, Wooldridge & Jennings 2001",
        "Concedes on a polynomial schedule of time: f(t) = k + (1-k) t^(1/e).",
    )

    def __init__(self, e: float = 1.0, k: float = 0.0) -> None:
        if e < 0:
            raise ValueError("e must be >= 0")
        self.e = float(e)
        self.k = float(k)

    def setup(self, ctx: Context) -> None:
        super().setup(ctx)
        self.index = TargetIndex(ctx)
        self.p_max = self.index.best
        self.p_min = max(ctx.reservation, self.index.worst)

    def target(self, t: float) -> float:
        return target_utility(t, self.e, self.p_min, self.p_max, self.k)

    def propose(self, state: State) -> int | None:
        return self.index.at_or_above(self.target(state.time))

    def respond(self, state: State, offer: int) -> str:
        if not self.acceptable_offer(offer):
            return REJECT
        mine = self.ctx.utility[self.index.at_or_above(self.target(state.time))]
        return ACCEPT if self.ctx.utility[offer] >= mine else REJECT
