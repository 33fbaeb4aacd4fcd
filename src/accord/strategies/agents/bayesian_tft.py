"""Tit-for-tat agents that measure the opponent's concessions with a Bayesian opponent model.

- Nice Tit-for-Tat: Baarslag, Hindriks & Jonker (2013), "A tit for tat negotiation strategy for
  real-time bilateral negotiations", in *Complex Automated Negotiations*, SCI 435, pp. 229-233. It
  estimates the Nash point with its Bayesian model of the opponent and concedes toward it in the same
  proportion as the opponent has conceded toward it (measured in the opponent's estimated utility,
  from the opponent's first offer); among its bids of that utility it offers the one best for the
  opponent ("nice"); it accepts with AC_next and, near the deadline, offers as good as the best of
  the recent window (here AC_combi(T = 0.98, MAX^W)).
- Bayesian Tit-for-Tat: Hindriks & Tykhonov (2008), "Opponent modelling in automated multi-issue
  negotiation using Bayesian learning", AAMAS 2008, and Hindriks, Jonker & Tykhonov (2009), "The
  benefits of opponent models in negotiation", IAT 2009: each concession the opponent makes (the drop in
  its estimated utility from one offer to the next) is answered with the same drop in the agent's own
  target, each selfish step with the same rise; among its bids at the target it offers the one best for
  the opponent; it accepts with AC_next. As a pure mirror never makes the first concession (two of them
  deadlock), its target is also capped by a Boulware curve p(t) with e = 0.2: our choice.

Choices made here: the Nash point is estimated on a fixed sample of outcomes (the ``sample`` / 2 best
own outcomes plus ``sample`` / 2 drawn at random at set-up) instead of the whole space, so a round costs
O(sample x issues) rather than O(N); the Nash product uses (u - reservation) x estimated opponent
utility; the target never falls below the estimated Nash utility (Nice TFT) or Pmin; bids are chosen in
[target, target + 0.05].
"""

from __future__ import annotations

import numpy as np

from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.acceptance import ACCombi
from accord.strategies.boa.bidding import DEFAULT_CAP, nth_best, pick_for_opponent
from accord.strategies.boa.components import BiddingStrategy, ComponentInfo, component, flat_digits
from accord.strategies.boa.models import BayesianModel
from accord.strategies.boa.negotiator import BOA
from accord.strategies.time_based import target_utility

NICE = "Baarslag, Hindriks & Jonker 2013"
BAYES = "Hindriks & Tykhonov 2008; Hindriks, Jonker & Tykhonov 2009"


@component("bidding", "nice_tit_for_tat")
class NiceTFTBidding(BiddingStrategy):
    info = ComponentInfo("nice_tit_for_tat", "bidding", NICE, "Mirror the opponent's concession toward Nash.")

    def __init__(self, sample: int = 1000, window: float = 0.05) -> None:
        if sample < 2:
            raise ValueError("sample must be >= 2")
        self.sample, self.window = int(sample), float(window)

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        ctx = boa.ctx
        half = self.sample // 2
        nth_best(boa.index, half - 1)
        top = boa.index.order[:half]
        rand = ctx.rng.integers(ctx.space.size, size=half)
        pts = np.unique(np.concatenate([top, rand]))
        if ctx.acceptable is not None:
            pts = pts[ctx.acceptable[pts]]
        self.points = pts
        self.points_flat = flat_digits(ctx.space, pts)  # their issue values, computed once
        self.u_points = ctx.utility[pts] - ctx.reservation

    def nash(self) -> tuple[float, float]:
        """(own utility, estimated opponent utility) of the estimated Nash point."""
        est = self.boa.opponent_utility_flat(self.points_flat, self.points)
        prod = np.where(self.u_points >= 0, self.u_points * est, -np.inf)
        k = int(np.argmax(prod))
        return float(self.boa.ctx.utility[self.points[k]]), float(est[k])

    def target(self, t: float) -> float:
        boa = self.boa
        offers = boa.history.opp_offers
        if len(offers) < 2 or not boa.models:
            return boa.p_max
        first, last = boa.opponent_utility(np.asarray([offers[0], offers[-1]]))
        u_me, u_opp = self.nash()
        den = first - u_opp
        c = 0.0 if den <= 0 else min(1.0, max(0.0, (first - last) / den))
        return max(boa.p_min, u_me, boa.p_max - c * (boa.p_max - u_me))

    def bid(self, state: State) -> int | None:
        p = self.target(state.time)
        return pick_for_opponent(self.boa, p, p + self.window, DEFAULT_CAP)


@component("bidding", "bayesian_tit_for_tat")
class BayesianTFTBidding(BiddingStrategy):
    info = ComponentInfo("bayesian_tit_for_tat", "bidding", BAYES, "Answer each modelled concession in kind.")

    def __init__(self, window: float = 0.05, e: float = 0.2) -> None:
        if e < 0:
            raise ValueError("e must be >= 0")
        self.window, self.e = float(window), float(e)

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        self.level = boa.p_max
        self.seen = 0

    def target(self, t: float) -> float:
        boa = self.boa
        offers = boa.history.opp_offers
        if boa.models and len(offers) > self.seen:
            start = max(self.seen, 1)
            if len(offers) > start:
                est = boa.opponent_utility(np.asarray(offers[start - 1 :]))
                for drop in est[:-1] - est[1:]:
                    self.level = min(boa.p_max, max(boa.p_min, self.level - float(drop)))
            self.seen = len(offers)
        return min(self.level, target_utility(t, self.e, boa.p_min, boa.p_max))

    def bid(self, state: State) -> int | None:
        p = self.target(state.time)
        return pick_for_opponent(self.boa, p, p + self.window, DEFAULT_CAP)


@register("nice_tit_for_tat")
class NiceTitForTat(BOA):
    info = StrategyInfo(
        "nice_tit_for_tat",
        "behaviour-dependent",
        NICE,
        "Concedes toward the estimated Nash point as far as the opponent has; nice bids; AC_combi.",
        stochastic=True,
        uses_opponent_model=True,
    )

    def __init__(self, sample: int = 1000) -> None:
        super().__init__(NiceTFTBidding(sample), BayesianModel(), ACCombi(t=0.98))


@register("bayesian_tit_for_tat")
class BayesianTitForTat(BOA):
    info = StrategyInfo(
        "bayesian_tit_for_tat",
        "behaviour-dependent",
        BAYES,
        "Mirrors each concession the opponent makes, measured with a Bayesian model of it.",
        uses_opponent_model=True,
    )

    def __init__(self) -> None:
        super().__init__(BayesianTFTBidding(), BayesianModel(), "ac_next")
