"""Relative tit-for-tat: concede in proportion to the opponent's last concession.

A behaviour-dependent tactic of Faratin, Sierra & Jennings (1998, §4.2): the agent reproduces, in
percentage terms, the change the opponent made ``delta`` offers ago. Here it is applied in the agent's
own utility space (as the opponent's utility is unknown): if the opponent's offers rose in value to me
from u_prev to u_last, my target is scaled by u_prev / u_last, so I concede by the same proportion.
The target stays within [Pmin, Pmax]; the first offer is the best outcome. It accepts an offer worth
at least what it would offer next (AC_next, Baarslag et al. 2011), and at its last chance (its turn
in the last round) any offer worth its reservation value. With more than two parties it
mirrors the most recent offer of anyone else.
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


@register("tit_for_tat")
class RelativeTitForTat(Negotiator):
    info = StrategyInfo(
        "tit_for_tat",
        "behaviour-dependent",
        "Faratin, Sierra & Jennings 1998 (relative tit-for-tat)",
        "Scales its target utility by the opponent's last relative concession.",
    )

    def __init__(self, delta: int = 1) -> None:
        if delta < 1:
            raise ValueError("delta must be >= 1")
        self.delta = int(delta)

    def setup(self, ctx: Context) -> None:
        super().setup(ctx)
        self.index = TargetIndex(ctx)
        self.p_max = self.index.best
        self.p_min = max(ctx.reservation, self.index.worst)
        self.target = self.p_max
        self.seen = 0

    def _update(self, state: State) -> None:
        me = self.ctx.party
        theirs = [o for o, p in zip(state.offers, state.offerers, strict=True) if p != me]
        if len(theirs) <= self.seen:
            return
        self.seen = len(theirs)
        if len(theirs) <= self.delta:
            return
        u = self.ctx.utility
        u_prev = float(u[theirs[-1 - self.delta]])
        u_last = float(u[theirs[-1]])
        if u_last > 0 and u_prev > 0:
            self.target = min(self.p_max, max(self.p_min, self.target * (u_prev / u_last)))

    def propose(self, state: State) -> int | None:
        self._update(state)
        return self.index.at_or_above(self.target)

    def respond(self, state: State, offer: int) -> str:
        self._update(state)
        if not self.acceptable_offer(offer):
            return REJECT
        if self.last_chance(state):
            return ACCEPT
        mine = self.ctx.utility[self.index.at_or_above(self.target)]
        return ACCEPT if self.ctx.utility[offer] >= mine else REJECT
