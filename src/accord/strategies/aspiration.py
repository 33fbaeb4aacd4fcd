"""Aspiration-level negotiation.

The aspiration level falls from the best own utility to the reservation value as
asp(t) = Pmin + (Pmax - Pmin)(1 - t^e): e > 1 holds out (Boulware-like, the default e = 4),
e = 1 concedes linearly, e < 1 concedes early. The negotiator accepts any offer worth at least its
current aspiration and offers, at random, one of its outcomes whose utility lies in
[asp(t), asp(t) + width] (the closest one above if that band is empty). Aspiration levels as the
driver of bargaining concessions: Siegel & Fouraker (1960), *Bargaining and Group Decision Making*;
Pruitt (1981), *Negotiation Behavior*. The exponent convention follows NegMAS's AspirationNegotiator
(Mohammad et al. 2021), so the two libraries' "aspiration" agents are comparable.
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


@register("aspiration")
class Aspiration(Negotiator):
    info = StrategyInfo(
        "aspiration",
        "time-dependent",
        "Siegel & Fouraker 1960; Pruitt 1981",
        "Accepts anything above a falling aspiration level; offers at random just above it.",
        stochastic=True,
    )

    def __init__(self, e: float = 4.0, width: float = 0.02) -> None:
        if e <= 0:
            raise ValueError("e must be > 0")
        self.e = float(e)
        self.width = float(width)

    def setup(self, ctx: Context) -> None:
        super().setup(ctx)
        self.index = TargetIndex(ctx)
        self.p_max = self.index.best
        self.p_min = max(ctx.reservation, self.index.worst)

    def level(self, t: float) -> float:
        return self.p_min + (self.p_max - self.p_min) * (1.0 - min(max(t, 0.0), 1.0) ** self.e)

    def propose(self, state: State) -> int | None:
        a = self.level(state.time)
        band = self.index.in_range(a, a + self.width)
        if len(band) == 0:
            return self.index.at_or_above(a)
        return int(band[self.ctx.rng.integers(len(band))])

    def respond(self, state: State, offer: int) -> str:
        if self.acceptable_offer(offer) and self.ctx.utility[offer] >= self.level(state.time):
            return ACCEPT
        return REJECT
