"""Caduceus (ANAC 2016 winner): a weighted committee of expert agents.

Güneş, Arditi & Aydoğan (2017), "Collective voice of experts in multilateral negotiation", PRIMA 2017,
LNCS 10621, pp. 450-458. Caduceus runs several successful agents side by side as experts, each with a
weight. It accepts when the weighted majority of the experts would accept; it builds its bid issue by
issue, taking for each issue the value with the largest total weight among the experts' bids. In the
first part of the negotiation it offers its best bid.

Choices made here: the experts are the agents of this library that sat in the original committee, ParsAgent
and Atlas3 (the original's RandomDance, Kawaii and inner Caduceus are not implemented), with the
original's fixed scores for them, 500 and 3 (the five scores 500, 10, 5, 3, 1, read in GENIUS 10.4's
``agents.anac.y2016.caduceus.Caduceus``, not copied), so ParsAgent's voice dominates as it does there;
"weighted majority" means more than half of the total weight; a value tie goes to the heavier expert's
value; the opening phase lasts until t = 0.83 (the original's, scaled there by the discount factor); if
the combined bid is worth less than Pmin to Caduceus (or breaks a hard constraint), the heaviest expert's
bid is sent instead. Each expert gets its own random generator spawned from Caduceus's. The experts and
their weights are parameters (``experts="a+b+c"``, ``weights="3+2+1"``; without weights: k, k-1, ..., 1).
Cost per round: the sum of the experts' costs.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from accord.strategies.base import (
    ACCEPT,
    REJECT,
    Context,
    Negotiator,
    State,
    StrategyInfo,
    TargetIndex,
    build,
    register,
    registered,
)

SOURCE = "Güneş, Arditi & Aydoğan 2017"
DEFAULT_EXPERTS = "pars_agent+atlas3"
DEFAULT_WEIGHTS = "500+3"


@register("caduceus")
class Caduceus(Negotiator):
    info = StrategyInfo(
        "caduceus",
        "anac",
        f"{SOURCE} (ANAC 2016 winner)",
        "Weighted vote of expert agents on acceptance; issue-wise weighted vote on the bid.",
        stochastic=True,
        uses_opponent_model=True,
    )

    def __init__(
        self, experts: str = DEFAULT_EXPERTS, lead: float = 0.83, weights: str | None = None
    ) -> None:
        names = [n.strip() for n in experts.split("+") if n.strip()]
        if not names or "caduceus" in names:
            raise ValueError("experts: one or more strategy names joined by '+', not caduceus")
        known = registered()  # the catalog loads the built-in strategies before it makes Caduceus
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValueError(f"experts: unknown strategies {unknown}")
        if not 0.0 <= lead <= 1.0:
            raise ValueError("lead must be in [0, 1]")
        self.names, self.lead = names, float(lead)
        k = len(names)
        if weights is None:
            weights = DEFAULT_WEIGHTS if experts == DEFAULT_EXPERTS else ""
        if weights:
            try:
                w = np.asarray([float(x) for x in weights.split("+")], dtype=np.float64)
            except ValueError:
                raise ValueError(f"weights: numbers joined by '+', got {weights!r}") from None
            if len(w) != k or (w <= 0).any():
                raise ValueError(f"weights: {k} positive numbers joined by '+', one per expert")
        else:
            w = np.arange(k, 0, -1, dtype=np.float64)
        self.weights = w / w.sum()

    def setup(self, ctx: Context) -> None:
        super().setup(ctx)
        self.index = TargetIndex(ctx)
        self.experts = [build(n) for n in self.names]
        for e, r in zip(self.experts, ctx.rng.spawn(len(self.experts)), strict=True):
            e.setup(dataclasses.replace(ctx, rng=r))

    def respond(self, state: State, offer: int) -> str:
        votes = [e.respond(state, offer) == ACCEPT for e in self.experts]
        if not self.acceptable_offer(offer):
            return REJECT
        if self.last_chance(state):
            return ACCEPT
        return ACCEPT if float(self.weights[np.asarray(votes)].sum()) > 0.5 else REJECT

    def propose(self, state: State) -> int | None:
        if state.time < self.lead:
            return self.index.at_or_above(self.index.best)
        bids = [(w, e.propose(state)) for w, e in zip(self.weights, self.experts, strict=True)]
        bids = [(w, b) for w, b in bids if b is not None]
        if not bids:
            return None
        space = self.ctx.space
        digits = space.digits(np.asarray([b for _, b in bids], dtype=np.int64))
        ws = np.asarray([w for w, _ in bids])
        chosen = []
        for d, card in zip(digits, space.cards, strict=True):
            tally = np.bincount(d, weights=ws, minlength=int(card))
            best = np.flatnonzero(tally == tally.max())
            # A tie goes to the value of the heaviest expert among those that chose a tied value.
            chosen.append(int(next(x for x in d if x in best)))
        combined = int(space.encode(chosen))
        ok = self.ctx.acceptable is None or self.ctx.acceptable[combined]
        if ok and self.ctx.utility[combined] >= max(self.ctx.reservation, self.index.worst):
            return combined
        return int(bids[0][1])
