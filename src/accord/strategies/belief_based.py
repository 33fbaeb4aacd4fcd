"""Strategies for staged talks: an envoy within a mandate, and a leader who weighs walking away.

Both concede on the time-dependent schedule of Faratin, Sierra & Jennings (1998) over their stage,
p(t) = Pmin + (Pmax − Pmin)(1 − t^(1/e)), from their best outcome on the table to their floor (the envoy's
mandate, the leader's walk-away value). Above the target they do not offer their closest outcome blindly:
among the outcomes at or above the target they offer the one most similar to the other side's last offer
(the similarity-based trade-off of Faratin, Sierra & Jennings 2002, Artificial Intelligence 142:205-237,
with an unweighted city-block similarity over issue ranks).

Beliefs enter through the arrays the talks give them (:mod:`accord.protocols.tracks`): their own utility is
the expected utility over the worlds they deem possible; an offer they receive is valued with the belief
*conditioned on that offer* by Bayes' rule (what the offer reveals about the sender's private facts);
belief-dependent demands (e.g. a declaration while hidden sites are believed likely) are already applied to
the outcomes they may offer or accept. A leader's utility includes its own stakes (audience cost of
breaking a public demand, Fearon 1994; prestige of a signing).

The leader walks away when nothing on the table reaches its walk-away value, and, at its last chance
to decide, accepts the standing offer iff it is worth at least the walk-away value (conceding), otherwise
walks (Putnam 1988's win-set test; Fearon 1994). The envoy never walks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from accord.strategies.base import (
    ACCEPT,
    REJECT,
    WALK,
    Context,
    Negotiator,
    State,
    StrategyInfo,
    TargetIndex,
    register,
)
from accord.strategies.time_based import target_utility


def city_block(cand: np.ndarray, opp: np.ndarray, spans: np.ndarray) -> np.ndarray:
    """Σ_j |cand[..., j] − opp[..., j]| / spans[j]: rank distances added issue by issue, left to right (one
    formula for the run-by-run and the lockstep engines, so ties break alike)."""
    dist = np.abs(cand[..., 0] - opp[..., 0]) / spans[0]
    for j in range(1, cand.shape[-1]):
        dist = dist + np.abs(cand[..., j] - opp[..., j]) / spans[j]
    return dist


@dataclass
class TalkInfo:
    """What the talks tell a staged negotiator beyond its :class:`Context`."""

    stage: str
    role: str
    turn_order: list[int]
    digits: np.ndarray  # (n_outcomes, n_issues) value index of every outcome
    spans: np.ndarray  # (n_issues,) card - 1 (at least 1): normalises rank distances
    respond_utility: dict[int, np.ndarray] = field(default_factory=dict)  # sender -> posterior-valued utility
    walk_allowed: bool = True


class _Staged(Negotiator):
    """Shared logic: time-dependent target, similarity-based trade-off offers, posterior-valued responses."""

    walks = False

    def __init__(self, e: float = 1.0, tradeoff: bool = True) -> None:
        if e < 0:
            raise ValueError("e must be >= 0")
        self.e = float(e)
        self.tradeoff = bool(tradeoff)
        self.talks: TalkInfo | None = None

    def setup(self, ctx: Context) -> None:
        super().setup(ctx)
        self.index = TargetIndex(ctx)
        self.empty = not np.isfinite(self.index.best)
        self.p_max = self.index.best
        self.p_min = max(ctx.reservation, self.index.worst) if not self.empty else ctx.reservation

    def target(self, t: float) -> float:
        return target_utility(t, self.e, self.p_min, self.p_max)

    def _opponent_offer(self, state: State) -> int | None:
        for o, p in zip(reversed(state.offers), reversed(state.offerers), strict=True):
            if p != self.ctx.party:
                return o
        return None

    def _walk_now(self) -> bool:
        return self.walks and (self.talks is None or self.talks.walk_allowed)

    def propose(self, state: State) -> int | None:
        if self.empty or (self.walks and self.p_max < self.ctx.reservation):
            return None  # nothing on the table is worth its floor: walk away
        tau = self.target(state.time)
        opp = self._opponent_offer(state)
        if opp is None or not self.tradeoff or self.talks is None:
            return self.index.at_or_above(tau)
        cand = self.index.in_range(tau - TargetIndex.TOLERANCE, self.p_max)
        if cand.size == 0:
            return self.index.at_or_above(tau)
        d = self.talks.digits
        dist = city_block(d[cand], d[opp], self.talks.spans)
        return int(cand[int(np.argmin(dist))])

    def _value_of(self, state: State, offer: int) -> float:
        if self.talks is not None and state.proposer in self.talks.respond_utility:
            return float(self.talks.respond_utility[state.proposer][offer])
        return float(self.ctx.utility[offer])

    def _last_chance(self, state: State) -> bool:
        order = self.talks.turn_order if self.talks is not None else None
        last = order[-1] if order else self.ctx.n_parties - 1
        return state.round >= self.ctx.deadline - 1 and self.ctx.party == last

    def respond(self, state: State, offer: int) -> str:
        ctx = self.ctx
        ok = ctx.acceptable is None or bool(ctx.acceptable[offer])
        u = self._value_of(state, offer)
        if self._last_chance(state):
            if ok and u >= ctx.reservation:
                return ACCEPT
            return WALK if self._walk_now() else REJECT
        if ok and u >= max(self.target(state.time), ctx.reservation) - TargetIndex.TOLERANCE:
            return ACCEPT
        return REJECT


@register("envoy")
class Envoy(_Staged):
    """Working-level envoy: concedes within its mandate over many rounds; never walks."""

    info = StrategyInfo(
        "envoy",
        "staged talks",
        "Faratin, Sierra & Jennings 1998, 2002; Putnam 1988",
        "Time-dependent concession down to its mandate, similarity-based trade-offs, beliefs by Bayes' rule.",
    )


@register("leader")
class Leader(_Staged):
    """Summit leader: concedes late (Boulware by default) and walks away rather than concede below its
    walk-away value (its stakes included)."""

    info = StrategyInfo(
        "leader",
        "staged talks",
        "Faratin, Sierra & Jennings 1998, 2002; Fearon 1994; Putnam 1988",
        "Boulware concession with audience costs and prestige; walks away when the best deal is worth less than none.",
    )
    walks = True

    def __init__(self, e: float = 0.2, tradeoff: bool = True) -> None:
        super().__init__(e, tradeoff)


@register("walk_away")
class WalkAway(Negotiator):
    """Walks away at its first turn (the baseline "no talks" course)."""

    info = StrategyInfo("walk_away", "baseline", "-", "Leaves the talks at its first turn.")

    def propose(self, state: State) -> int | None:
        return None

    def respond(self, state: State, offer: int) -> str:
        return WALK
