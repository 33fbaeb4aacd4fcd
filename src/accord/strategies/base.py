"""The negotiator interface, the shared context and state, and the strategy registry.

A negotiator answers two questions, nothing else:
- ``propose(state)``: which outcome (an integer index) to offer now, or ``None`` to walk away;
- ``respond(state, offer)``: ``ACCEPT``, ``REJECT`` (then the protocol asks it to propose) or ``WALK``.
It sees only its own utility array (``ctx.utility``), its reservation value, the outcome space, the
deadline and the public history of offers in ``state``. Randomness comes only from ``ctx.rng``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from accord.errors import InputError
from accord.model.space import OutcomeSpace

ACCEPT = "accept"
REJECT = "reject"
WALK = "walk"


@dataclass(frozen=True)
class StrategyInfo:
    """Declared traits of a strategy, read by the CLI listing and the docs."""

    name: str
    family: str
    source: str
    description: str
    stochastic: bool = False
    uses_opponent_model: bool = False


@dataclass
class Context:
    """What a negotiator knows when the negotiation starts."""

    party: int
    name: str
    space: OutcomeSpace
    utility: np.ndarray
    reservation: float
    discount: float
    deadline: int
    n_parties: int
    rng: np.random.Generator
    acceptable: np.ndarray | None = None
    order_fn: Callable[[], np.ndarray] | None = None
    _order: np.ndarray | None = field(default=None, repr=False)

    cached_order_fn: Callable[[], np.ndarray | None] | None = None

    def order(self) -> np.ndarray:
        """Own outcomes sorted best first (ties by index); shared with other runs when cached."""
        if self._order is None:
            self._order = self.order_fn() if self.order_fn else np.argsort(-self.utility, kind="stable")
        return self._order

    def cached_order(self) -> np.ndarray | None:
        """The full order if it has already been computed (and cached with the scenario), else None."""
        if self._order is not None:
            return self._order
        return self.cached_order_fn() if self.cached_order_fn else None


@dataclass
class State:
    """The public state of a negotiation when a negotiator is asked to act."""

    round: int
    time: float
    offers: list[int]
    offerers: list[int]
    standing: int | None = None
    proposer: int | None = None

    def last_offer_of(self, party: int) -> int | None:
        for o, p in zip(reversed(self.offers), reversed(self.offerers), strict=True):
            if p == party:
                return o
        return None


class Negotiator:
    """Base class. Subclasses set ``info`` and override ``propose`` and ``respond``."""

    info: ClassVar[StrategyInfo]

    def setup(self, ctx: Context) -> None:
        self.ctx = ctx

    def propose(self, state: State) -> int | None:
        raise NotImplementedError

    def respond(self, state: State, offer: int) -> str:
        raise NotImplementedError

    def acceptable_offer(self, offer: int) -> bool:
        """The offer clears the reservation value and the hard constraints."""
        ctx = self.ctx
        if ctx.acceptable is not None and not ctx.acceptable[offer]:
            return False
        return bool(ctx.utility[offer] >= ctx.reservation)


_REGISTRY: dict[str, Callable[..., Negotiator]] = {}
_INFO: dict[str, StrategyInfo] = {}


def register(*names: str, **presets: object) -> Callable[[type[Negotiator]], type[Negotiator]]:
    """Class decorator: register a strategy under ``names`` (the first is its canonical name).

    ``presets`` are keyword arguments baked into that registration (e.g. ``e=0.2`` for Boulware).
    """

    def deco(cls: type[Negotiator]) -> type[Negotiator]:
        for n in names:
            if n in _REGISTRY:
                raise ValueError(f"strategy name {n!r} registered twice")
            _REGISTRY[n] = (lambda c=cls, p=presets: lambda **kw: c(**{**p, **kw}))()
            _INFO[n] = (
                cls.info
                if n == cls.info.name
                else StrategyInfo(
                    n,
                    cls.info.family,
                    cls.info.source,
                    cls.info.description,
                    cls.info.stochastic,
                    cls.info.uses_opponent_model,
                )
            )
        return cls

    return deco


def _load_builtin() -> None:
    # Importing the modules registers their strategies.
    from accord.strategies import agents, aspiration, belief_based, boa, random_, time_based, tit_for_tat  # noqa: F401


def available() -> dict[str, StrategyInfo]:
    """Every registered strategy name with its declared info."""
    _load_builtin()
    return dict(sorted(_INFO.items()))


def make(name: str, **params: object) -> Negotiator:
    """Build the strategy called ``name``; unknown names get the nearest names suggested."""
    _load_builtin()
    factory = _REGISTRY.get(name)
    if factory is None:
        near = difflib.get_close_matches(name, list(_REGISTRY), n=3)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise InputError(None, "negotiators", f"a strategy among {sorted(_REGISTRY)}{hint}", name)
    try:
        return factory(**params)
    except TypeError as exc:
        raise InputError(None, f"negotiators.{name}", f"valid parameters ({exc})") from None


class TargetIndex:
    """Own outcomes by utility, to answer "the outcome closest to a target, at or above it".

    Sorting is lazy: only the outcomes at or above the lowest target asked so far are sorted, and the
    sorted band grows (doubling its depth) as targets fall, so a negotiation that ends early never pays
    for a full sort. If the compiled scenario already holds the full order (many runs of one scenario),
    that order is used directly. Order: utility descending, ties by outcome index. Outcomes failing the
    hard constraints are left out. Answers of :meth:`at_or_above` depend on the utilities alone, so they
    are memoised by target (a time-based negotiator asks the same target when responding and proposing).
    """

    def __init__(self, ctx: Context) -> None:
        u = ctx.utility
        self.u = u
        self.mask = None if ctx.acceptable is None or ctx.acceptable.all() else ctx.acceptable
        cached = ctx.cached_order()
        if cached is not None:
            order = cached if self.mask is None else cached[self.mask[cached]]
            self.order = np.asarray(order)
            self.neg = -u[self.order]
            self.covered = -np.inf
        else:
            self.order = np.empty(0, dtype=np.int64)
            self.neg = np.empty(0, dtype=np.float64)
            self.covered = np.inf
        pool = u if self.mask is None else u[self.mask]
        self.best = float(pool.max()) if pool.size else float("nan")
        self.worst = float(pool.min()) if pool.size else float("nan")
        self._memo: dict[float, int] = {}

    def _cover(self, level: float) -> None:
        """Make sure every outcome with utility >= ``level`` is in the sorted band."""
        if level >= self.covered:
            return
        depth = self.best - level
        done = self.best - self.covered if np.isfinite(self.covered) else 0.0
        new = min(level, self.best - max(2.0 * done, depth, 1e-3))
        if new <= self.worst:
            new = -np.inf
        u = self.u
        sel = u >= new if np.isinf(self.covered) else (u >= new) & (u < self.covered)
        if self.mask is not None:
            sel &= self.mask
        cand = np.flatnonzero(sel)
        neg = -u[cand]
        # Utility descending, ties by index (cand is ascending). The unstable sort is several times
        # faster; it gives the same order whenever the band holds no tied utilities, else the stable one.
        o = np.argsort(neg)
        sneg = neg[o]
        if sneg.size > 1 and (sneg[1:] == sneg[:-1]).any():
            o = np.argsort(neg, kind="stable")
            sneg = neg[o]
        self.order = np.concatenate((self.order, cand[o]))
        self.neg = np.concatenate((self.neg, sneg))
        self.covered = new

    #: Targets computed in floating point (1 - 7/10 = 0.30000000000000004) are met by outcomes within this
    #: tolerance below them, so a schedule that lands on a utility exactly in theory offers that outcome.
    TOLERANCE = 1e-12

    def at_or_above(self, target: float) -> int:
        """Outcome with the smallest utility >= target (lowest index among ties); the best if none reaches it."""
        hit = self._memo.get(target)
        if hit is not None:
            return hit
        key = target
        target = target - self.TOLERANCE
        level = min(target, self.best)
        if not level >= self.covered:
            self._cover(level)
        neg = self.neg
        j = int(neg.searchsorted(-target, side="right")) - 1
        if j < 0:
            out = int(self.order[0])
        else:
            out = int(self.order[int(neg.searchsorted(neg[j], side="left"))])
        self._memo[key] = out
        return out

    def in_range(self, low: float, high: float) -> np.ndarray:
        """Outcomes with utility in [low, high] (best first)."""
        if not low >= self.covered:
            self._cover(low)
        a = int(self.neg.searchsorted(-high, side="left"))
        b = int(self.neg.searchsorted(-low, side="right"))
        return self.order[a:b]
