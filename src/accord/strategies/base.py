"""The negotiator interface, the shared context and state, and the strategy registry's data.

A negotiator answers two questions, nothing else:
- ``propose(state)``: which outcome (an integer index) to offer now, or ``None`` to walk away;
- ``respond(state, offer)``: ``ACCEPT``, ``REJECT`` (then the protocol asks it to propose) or ``WALK``.
It sees only its own utility array (``ctx.utility``), its reservation value, the outcome space, the
deadline and the public history of offers in ``state``. Randomness comes only from ``ctx.rng``.

Strategy modules register here (:func:`register`); the lookups by name (``make``, ``available``), which
load the built-in modules and the installed entry points, live above them in :mod:`accord.strategies.catalog`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
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
    protocol: str = "alternating_offers"


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

    def last_chance(self, state: State) -> bool:
        """No later turn will let anyone answer this negotiator: the last round, and it moves last in it.

        In the last round every party but the last to move can still counter-offer and be accepted by a
        party after it, so only the last mover's refusal ends the talks for certain. It is recognised by
        the offers made so far: every party before it in the round has proposed (P x round + P - 1
        offers; with acceptances in a multilateral round fewer, and the rule then does not fire).
        """
        if state.round < self.ctx.deadline - 1:
            return False
        p = self.ctx.n_parties
        return len(state.offers) >= p * state.round + p - 1

    def acceptable_offer(self, offer: int) -> bool:
        """The offer clears the reservation value and the hard constraints."""
        ctx = self.ctx
        if ctx.acceptable is not None and not ctx.acceptable[offer]:
            return False
        return bool(ctx.utility[offer] >= ctx.reservation)


_REGISTRY: dict[str, Callable[..., Negotiator]] = {}
_INFO: dict[str, StrategyInfo] = {}
_CLASSES: dict[str, type] = {}

#: Entry-point group through which installed packages add strategies (name = "module:Class").
ENTRY_POINTS = "accord.strategies"
#: The protocol a strategy plays unless its info says otherwise.
DEFAULT_PROTOCOL = "alternating_offers"
_FIELD = "negotiators"


def register(*names: str, **presets: object) -> Callable[[type], type]:
    """Class decorator: register a strategy under ``names`` (the first is its canonical name).

    ``presets`` are keyword arguments baked into that registration (e.g. ``e=0.2`` for Boulware). The
    class declares ``info`` (a :class:`StrategyInfo`; its ``protocol`` says which protocol it plays).
    Registering the same class under the same name again changes nothing, and a class of the same
    module and name (its module run again, as a script run twice in one session) replaces it; another
    class under a taken name is an error.
    """

    def deco(cls: type) -> type:
        for n in names:
            old = _CLASSES.get(n)
            if old is cls:
                continue
            if n in _REGISTRY and not _same_definition(old, cls):
                raise ValueError(f"strategy name {n!r} registered twice")
            _REGISTRY[n] = (lambda c=cls, p=presets: lambda **kw: c(**{**p, **kw}))()
            _CLASSES[n] = cls
            info: StrategyInfo = cls.info  # type: ignore[attr-defined]
            _INFO[n] = info if n == info.name else replace(info, name=n)
        return cls

    return deco


def registered() -> dict[str, StrategyInfo]:
    """The strategies registered so far, by name, without loading any module (the catalog,
    :mod:`accord.strategies.catalog`, loads the built-in ones and the installed entry points; a strategy
    made of other strategies, such as Caduceus, is built by it after they are loaded)."""
    return dict(_INFO)


def build(name: str, **params: object) -> Negotiator:
    """A new negotiator of the registered strategy ``name`` (see :func:`registered`)."""
    return _REGISTRY[name](**params)


def _same_definition(a: type | None, b: type) -> bool:
    return a is not None and (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)


def load_object(path: str, where: str = _FIELD) -> object:
    """The object ``path`` names as ``package.module:name`` (a user's strategy class or protocol).

    The module is imported as Python would; if it is not found, the current directory is tried too
    (where a user's ``halfway.py`` usually sits, as the console script does not look there). A missing
    module or name, or a module that fails to import, raises :class:`~accord.errors.InputError` naming
    ``where``.
    """
    import importlib
    import os
    import sys

    module, sep, attr = path.partition(":")
    if not sep or not module or not attr:
        raise InputError(None, where, "a strategy name or module:Class, such as mypkg.agents:MyAgent", path)
    try:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            top = module.split(".")[0]
            cwd = os.getcwd()
            if exc.name != top or cwd in sys.path:
                raise
            sys.path.append(cwd)
            mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise InputError(None, where, f"an importable module for {path} ({exc})", module) from None
    except (ImportError, SyntaxError) as exc:
        raise InputError(
            None, where, f"a module that imports ({type(exc).__name__}: {exc})", module
        ) from None
    obj = getattr(mod, attr, None)
    if obj is None:
        names = [n for n in vars(mod) if not n.startswith("_")]
        near = difflib.get_close_matches(attr, names, n=3)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise InputError(None, where, f"a name {attr} in module {module}{hint}", path)
    return obj


def load_class(path: str, where: str = _FIELD) -> type:
    """The class ``path`` names as ``package.module:Class`` (see :func:`load_object`)."""
    obj = load_object(path, where)
    if not isinstance(obj, type):
        raise InputError(None, where, f"a class, but {path} is a {type(obj).__name__}", path)
    return obj


class TargetIndex:
    """Own outcomes by utility, to answer "the outcome closest to a target, at or above it".

    Sorting is lazy: only the outcomes at or above the lowest target asked so far are sorted, and the
    sorted band grows (doubling its depth) as targets fall, so a negotiation that ends early never pays
    for a full sort. If the compiled scenario already holds the full order (many runs of one scenario),
    that order is used directly. Order: utility descending, ties by outcome index. Outcomes failing the
    hard constraints are left out. Answers of :meth:`at_or_above` depend on the utilities alone, so they
    are memoised by target (a time-based negotiator asks the same target when responding and proposing).

    A large band is sorted through one integer key per outcome (the order-preserving integer image
    of -u, its lowest bits replaced by the outcome index) with NumPy's much faster value sort, then
    checked: if two different utilities were too close for the truncated key (the check finds any
    misplaced pair), the band is sorted again the plain way. Either way the order is the one above.
    """

    #: Bands at least this large are sorted through packed integer keys (speed only).
    PACKED_FROM = 2048

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
        self._buf_order: np.ndarray | None = None
        self._buf_neg: np.ndarray | None = None
        self._shift = max(1, (u.size - 1).bit_length())

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
        order = self._sort_packed(cand) if cand.size >= self.PACKED_FROM else None
        if order is None:
            neg = -u[cand]
            # Utility descending, ties by index (cand is ascending). The unstable sort is several times
            # faster; it gives the same order whenever the band holds no tied utilities.
            o = np.argsort(neg)
            sneg = neg[o]
            if sneg.size > 1 and (sneg[1:] == sneg[:-1]).any():
                o = np.argsort(neg, kind="stable")
                sneg = neg[o]
            order = cand[o]
        else:
            sneg = -u[order]
        self._append(order, sneg)
        self.covered = new

    def _sort_packed(self, cand: np.ndarray) -> np.ndarray | None:
        """``cand`` sorted by (-u, index) via packed int64 keys; None if the keys could not tell two apart.

        The bits of a float64 read as an int64, with the lower 63 bits flipped for negative numbers,
        order floats as their values do (after -0.0 is made +0.0). Shifting right by ``b`` bits keeps
        that order up to ties; the freed low ``b`` bits take the index, which breaks ties by index.
        Different utilities that tie after the shift may end up out of order: the final check finds
        them, and the caller falls back to the plain sort.
        """
        b = self._shift
        neg = -self.u[cand] + 0.0  # + 0.0: -0.0 becomes +0.0, equal floats get equal keys
        k = neg.view(np.int64)
        k = k ^ ((k >> 63) & np.int64(0x7FFFFFFFFFFFFFFF))
        k >>= b
        k <<= b
        k |= cand
        k.sort()
        order = k & np.int64((1 << b) - 1)
        sneg = -self.u[order]
        # Every neighbour pair in order: utility descending, and by index among equal utilities.
        a, z = sneg[:-1], sneg[1:]
        if (z < a).any() or ((z == a) & (order[1:] < order[:-1])).any():
            return None
        return order

    def _append(self, order: np.ndarray, neg: np.ndarray) -> None:
        """Append to the band. Its arrays are views of buffers grown by doubling (appending never
        changes what a view handed out before shows)."""
        n, m = len(self.order), len(order)
        if self._buf_order is None or n + m > len(self._buf_order):
            cap = min(max(2 * (n + m), 1024), max(self.u.size, n + m))
            bo, bn = np.empty(cap, dtype=np.int64), np.empty(cap, dtype=np.float64)
            bo[:n], bn[:n] = self.order, self.neg
            self._buf_order, self._buf_neg = bo, bn
        self._buf_order[n : n + m] = order
        self._buf_neg[n : n + m] = neg
        self.order = self._buf_order[: n + m]
        self.neg = self._buf_neg[: n + m]

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
        a, b = self.range_bounds(low, high)
        return self.order[a:b]

    def range_bounds(self, low: float, high: float) -> tuple[int, int]:
        """``(a, b)`` such that ``order[a:b]`` holds the outcomes with utility in [low, high]."""
        if not low >= self.covered:
            self._cover(low)
        neg = self.neg
        return int(neg.searchsorted(-high, side="left")), int(neg.searchsorted(-low, side="right"))
