"""The BOA negotiator: a bidding strategy, an opponent model and an acceptance condition.

Baarslag, Hindriks, Hendrikx, Dirkzwager & Jonker (2014), "Decoupling negotiating agents to explore the
space of negotiation strategies", SCI 535, pp. 61-83. On each turn the negotiator first feeds the new
opponent offers to its opponent model, then asks the bidding strategy for the bid it would send, and
only then lets the acceptance condition judge the opponent's offer against that bid (so AC_next sees
exactly the bid that is sent if the offer is rejected). The bid is computed once per turn and cached.

With more than two parties, one model is kept per opponent and the estimated opponent utility is their
mean; the history pools the offers of all other parties.
"""

from __future__ import annotations

import copy

import numpy as np

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
from accord.strategies.boa.components import (
    AcceptanceCondition,
    BiddingStrategy,
    History,
    OpponentModel,
    flat_digits,
)
from accord.strategies.boa.parts import as_component


@register("boa")
class BOA(Negotiator):
    """``BOA(bidding="boulware", model="frequency", acceptance="ac_combi(t=0.98)")``: parts by name or object."""

    info = StrategyInfo(
        "boa",
        "boa",
        "Baarslag et al. 2014 (BOA architecture)",
        "Any bidding strategy + opponent model + acceptance condition, each chosen by name.",
        uses_opponent_model=True,
    )

    def __init__(
        self,
        bidding: object = "boulware",
        model: object = None,
        acceptance: object = "ac_next",
    ) -> None:
        self.bidding: BiddingStrategy = as_component("bidding", bidding)  # type: ignore[assignment]
        self.model_prototype: OpponentModel | None = (
            None if model is None or model == "none" else as_component("model", model)  # type: ignore[assignment]
        )
        self.acceptance: AcceptanceCondition = as_component("acceptance", acceptance)  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"BOA(bidding={self.bidding!r}, model={self.model_prototype!r}, acceptance={self.acceptance!r})"
        )

    def setup(self, ctx: Context) -> None:
        super().setup(ctx)
        self.index = TargetIndex(ctx)
        self.p_max = self.index.best
        self.p_min = max(ctx.reservation, self.index.worst)
        self.history = History(ctx.utility)
        self.models: dict[int, OpponentModel] = {}
        self._seen = 0
        self._cache_key: tuple[int, int] | None = None
        self._cache_bid: int | None = None
        # Flat model-table positions of the outcomes index.order[:len], filled as far as asked.
        self._order_flat = np.empty((0, len(ctx.space.cards)), dtype=np.int64)
        self.bidding.setup(self)
        self.acceptance.setup(self)

    # -- what the components use -------------------------------------------------------------------
    @property
    def has_model(self) -> bool:
        return self.model_prototype is not None

    def opponent_utility(self, idx: np.ndarray | int) -> np.ndarray | None:
        """Estimated utility of ``idx`` to the opponent(s) (mean over opponents); None without a model."""
        if not self.models:
            return None
        ms = list(self.models.values())
        u = ms[0].utility(idx)
        for m in ms[1:]:
            u = u + m.utility(idx)
        return u / len(ms)

    def opponent_utility_flat(self, flat: np.ndarray, idx: np.ndarray) -> np.ndarray | None:
        """:meth:`opponent_utility` of the outcomes ``idx``, given also by their flat table positions
        (:func:`flat_digits`), which spare recomputing their issue values. A model that evaluates
        outcomes its own way (overrides ``utility``) is asked with ``idx``."""
        if not self.models:
            return None
        total = None
        for m in self.models.values():
            own = type(m).utility is not OpponentModel.utility
            u = m.utility(idx) if own else m.utility_flat(flat)
            total = u if total is None else total + u
        return total / len(self.models)

    def order_flat(self, stop: int) -> np.ndarray:
        """Flat table positions of ``index.order[:stop]`` (computed once per outcome, extended by doubling)."""
        have = len(self._order_flat)
        if have < stop:
            order = self.index.order
            end = min(len(order), max(stop, 2 * have, 256))
            more = flat_digits(self.ctx.space, order[have:end])
            self._order_flat = np.concatenate((self._order_flat, more)) if have else more
        return self._order_flat

    def _model_for(self, party: int) -> OpponentModel | None:
        if self.model_prototype is None:
            return None
        m = self.models.get(party)
        if m is None:
            m = copy.deepcopy(self.model_prototype)
            m.setup_model(self.ctx)
            m.setup(self)
            self.models[party] = m
        return m

    def observe(self, state: State) -> None:
        """Record the offers made since the last turn and update the opponent models (O(new offers))."""
        me = self.ctx.party
        for k in range(self._seen, len(state.offers)):
            o, p = state.offers[k], state.offerers[k]
            if p == me:
                self.history.add_mine(o)
            else:
                self.history.add_opponent(o, p, state.time)
                m = self._model_for(p)
                if m is not None:
                    m.update(o, state.time)
        self._seen = len(state.offers)

    def next_bid(self, state: State) -> int | None:
        """The bid this negotiator sends now (computed once per turn)."""
        key = (state.round, len(state.offers))
        if key != self._cache_key:
            self._cache_bid = self.bidding.bid(state)
            self._cache_key = key
        return self._cache_bid

    # -- the negotiator interface ---------------------------------------------------------------------
    def propose(self, state: State) -> int | None:
        self.observe(state)
        return self.next_bid(state)

    def respond(self, state: State, offer: int) -> str:
        self.observe(state)
        if not self.acceptable_offer(offer):
            return REJECT
        if self.last_chance(state):
            return ACCEPT  # the end-game rule: anything above the reservation value beats no deal
        nb = self.next_bid(state)
        return ACCEPT if self.acceptance.accept(state, offer, nb) else REJECT
