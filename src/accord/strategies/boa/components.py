"""The three parts of a BOA negotiator, their registries, and the offer history they share.

The BOA architecture (Baarslag, Hindriks, Hendrikx, Dirkzwager & Jonker 2014, "Decoupling negotiating
agents to explore the space of negotiation strategies", in *Novel Insights in Agent-based Complex
Automated Negotiation*, SCI 535, pp. 61-83) splits a negotiator into

- a bidding strategy (which outcome to offer next),
- an opponent model (an estimate of the opponent's utility, learnt from its offers), and
- an acceptance condition (whether to accept the opponent's offer, given the bid about to be sent).

Each part is a small class registered under a name, so that ``boa(bidding=..., model=..., acceptance=...)``
can assemble any combination; the lookups by name are in :mod:`accord.strategies.boa.parts`, above the
modules that register parts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from accord.strategies.base import Context, Negotiator, State

KINDS = ("bidding", "model", "acceptance")


@dataclass(frozen=True)
class ComponentInfo:
    """Declared traits of a BOA component, read by ``accord strategies --boa`` and the docs."""

    name: str
    kind: str
    source: str
    description: str


class History:
    """Every offer seen, in order, with the time it was seen and its utility to the owner.

    Updated once per new offer (O(1)); the best opponent offer is tracked incrementally.
    """

    def __init__(self, utility: np.ndarray) -> None:
        self.utility = utility
        self.opp_offers: list[int] = []
        self.opp_parties: list[int] = []
        self.opp_times: list[float] = []
        self.opp_utils: list[float] = []
        self.my_offers: list[int] = []
        self.my_utils: list[float] = []
        self.best_opp: int | None = None
        self.best_opp_util = -np.inf

    def add_opponent(self, offer: int, party: int, t: float) -> None:
        u = float(self.utility[offer])
        self.opp_offers.append(offer)
        self.opp_parties.append(party)
        self.opp_times.append(t)
        self.opp_utils.append(u)
        if u > self.best_opp_util:
            self.best_opp, self.best_opp_util = offer, u

    def add_mine(self, offer: int) -> None:
        self.my_offers.append(offer)
        self.my_utils.append(float(self.utility[offer]))


class Component:
    """Base of the three kinds. ``setup`` receives the owning BOA negotiator
    (:class:`accord.strategies.boa.negotiator.BOA`, which imports this module: typed here as the
    :class:`~accord.strategies.base.Negotiator` it is)."""

    info: ClassVar[ComponentInfo]

    def setup(self, boa: Negotiator) -> None:
        self.boa = boa

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class BiddingStrategy(Component):
    """Chooses the next offer. ``target(t)`` (optional) is the utility it aims for at time t."""

    def bid(self, state: State) -> int | None:
        raise NotImplementedError

    def target(self, t: float) -> float | None:
        return None


class AcceptanceCondition(Component):
    """Decides whether to accept ``offer`` given the bid the negotiator would send next (or None)."""

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        raise NotImplementedError


class OpponentModel(Component):
    """A linear-additive estimate of one opponent's utility, learnt from its offers only.

    Subclasses keep ``weights`` (one per issue, summing to 1) and ``values`` (per issue, an estimated
    utility in [0, 1] of each value) up to date in ``update``; evaluation is shared here, through one
    padded (issues x values) table of weighted values, so a batch of m outcomes costs O(m x issues) in a
    few array operations. The model sees offers as outcome indices and reads their issue values from
    the mixed-radix digits (:meth:`OutcomeSpace.digits`).
    """

    def setup_model(self, ctx: Context) -> None:
        """Prepare for a new negotiation over ``ctx.space`` (called once per opponent)."""
        self.space = ctx.space
        self._strides = np.asarray(ctx.space.strides, dtype=np.int64)
        self._cards = np.asarray(ctx.space.cards, dtype=np.int64)
        self._pairs = [(int(s), int(c)) for s, c in zip(self._strides, self._cards, strict=True)]
        self._rows = np.arange(len(self._pairs))
        self._valid = np.arange(int(self._cards.max()))[None, :] < self._cards[:, None]
        n = len(self._pairs)
        self.set_estimate(np.full(n, 1.0 / n), self._valid.astype(np.float64))

    def set_estimate(self, weights: np.ndarray, padded_values: np.ndarray) -> None:
        """Set the weights (n,) and the value utilities padded to (n, largest issue); zero padding."""
        self._w = np.asarray(weights, dtype=np.float64)
        self._v = np.where(self._valid, padded_values, 0.0)
        self._table: np.ndarray | None = None

    @property
    def weights(self) -> np.ndarray:
        return self._w

    @weights.setter
    def weights(self, w: np.ndarray) -> None:
        self.set_estimate(w, self._v)

    @property
    def values(self) -> list[np.ndarray]:
        return [self._v[i, :c] for i, (_, c) in enumerate(self._pairs)]

    @values.setter
    def values(self, vals: list[np.ndarray]) -> None:
        padded = np.zeros_like(self._v)
        for i, x in enumerate(vals):
            padded[i, : len(x)] = x
        self.set_estimate(self._w, padded)

    def digits_of(self, offer: int) -> list[int]:
        """The value index of each issue in outcome ``offer`` (plain integers)."""
        return [(int(offer) // s) % c for s, c in self._pairs]

    def update(self, offer: int, t: float) -> None:
        raise NotImplementedError

    def table(self) -> np.ndarray:
        """``T[i, v] = w_i * v_i(v)``, padded with zeros to the largest issue."""
        if self._table is None:
            self._table = self._w[:, None] * self._v
        return self._table

    def utility(self, idx: np.ndarray | int) -> np.ndarray:
        """Estimated opponent utility of the outcomes ``idx`` (cost O(len(idx) x issues))."""
        a = np.asarray(idx, dtype=np.int64)
        d = (a[..., None] // self._strides) % self._cards
        return self.table()[self._rows, d].sum(axis=-1)

    def utility_flat(self, flat: np.ndarray) -> np.ndarray:
        """:meth:`utility` of outcomes given by their positions in the flattened table (see
        :func:`flat_digits`): the same terms summed in the same order, without recomputing the digits."""
        return np.ravel(self.table()).take(flat).sum(axis=-1)

    def utility_all(self) -> np.ndarray:
        """Estimated utility of every outcome, in index order (broadcast over the issue axes)."""
        k = len(self._pairs)
        t = self.table()
        u = np.zeros((1,) * k)
        for j, (_, c) in enumerate(self._pairs):
            shape = [1] * k
            shape[j] = -1
            u = u + t[j, :c].reshape(shape)
        cards = tuple(c for _, c in self._pairs)
        return np.ascontiguousarray(np.broadcast_to(u, cards)).reshape(-1)


def flat_digits(space: object, idx: np.ndarray) -> np.ndarray:
    """``F[m, i] = i * width + (value of issue i in outcome idx[m])``, width = the largest issue size.

    The positions of each outcome's terms in an opponent model's flattened (issues x width) table.
    """
    strides = np.asarray(space.strides, dtype=np.int64)  # type: ignore[attr-defined]
    cards = np.asarray(space.cards, dtype=np.int64)  # type: ignore[attr-defined]
    width = int(cards.max())
    a = np.asarray(idx, dtype=np.int64)
    return (a[..., None] // strides) % cards + np.arange(len(cards), dtype=np.int64) * width


_FACTORIES: dict[str, dict[str, Callable[..., Component]]] = {k: {} for k in KINDS}
_CLASSES: dict[str, dict[str, type[Component]]] = {k: {} for k in KINDS}
_INFOS: dict[str, dict[str, ComponentInfo]] = {k: {} for k in KINDS}
_PRESETS: dict[str, dict[str, tuple[str, ...]]] = {k: {} for k in KINDS}


def component(kind: str, *names: str, **presets: object) -> Callable[[type[Component]], type[Component]]:
    """Class decorator: register a BOA component of ``kind`` under ``names``, with baked-in ``presets``."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")

    def deco(cls: type[Component]) -> type[Component]:
        for n in names:
            if n in _FACTORIES[kind]:
                raise ValueError(f"{kind} component {n!r} registered twice")
            _FACTORIES[kind][n] = (lambda c=cls, p=presets: lambda **kw: c(**{**p, **kw}))()
            _CLASSES[kind][n] = cls
            _PRESETS[kind][n] = tuple(presets)
            base = cls.info
            _INFOS[kind][n] = (
                base if n == base.name else ComponentInfo(n, kind, base.source, base.description)
            )
        return cls

    return deco
