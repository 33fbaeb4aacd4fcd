"""The random negotiator: a baseline with no strategy at all.

It offers a uniformly random outcome among those it could accept (at or above its reservation value
and within its hard constraints; any outcome if none is) and accepts an acceptable offer with
probability ``p_accept``, and always at its last chance (its turn in the last round: refusing there
leaves it the reservation value). A standard control in agent tournaments (e.g. the RandomAgent of GENIUS,
Lin et al. 2014, "Genius: an integrated environment for supporting the design of generic automated
negotiators", Computational Intelligence 30(1)).
"""

from __future__ import annotations

import numpy as np

from accord.strategies.base import ACCEPT, REJECT, Context, Negotiator, State, StrategyInfo, register


@register("random")
class RandomNegotiator(Negotiator):
    info = StrategyInfo(
        "random",
        "baseline",
        "Lin et al. 2014 (GENIUS RandomAgent)",
        "Offers a random acceptable outcome; accepts an acceptable offer with probability p_accept.",
        stochastic=True,
    )

    def __init__(self, p_accept: float = 0.5) -> None:
        if not 0.0 <= p_accept <= 1.0:
            raise ValueError("p_accept must be in [0, 1]")
        self.p_accept = float(p_accept)

    def setup(self, ctx: Context) -> None:
        super().setup(ctx)
        ok = ctx.utility >= ctx.reservation
        if ctx.acceptable is not None:
            ok &= ctx.acceptable
        self.pool = np.flatnonzero(ok)
        if self.pool.size == 0:
            self.pool = np.arange(ctx.space.size)

    def propose(self, state: State) -> int | None:
        return int(self.pool[self.ctx.rng.integers(self.pool.size)])

    def respond(self, state: State, offer: int) -> str:
        if not self.acceptable_offer(offer):
            return REJECT
        if self.last_chance(state) or self.ctx.rng.random() < self.p_accept:
            return ACCEPT
        return REJECT
