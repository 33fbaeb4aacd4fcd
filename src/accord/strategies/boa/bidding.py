"""Generic bidding strategies for BOA, and the helpers the agents' bidding strategies share.

- ``time_dependent(e, k)`` with the presets ``boulware`` (e = 0.2), ``linear`` (1), ``conceder`` (2) and
  ``hardliner`` (0): the target utility p(t) = Pmin + (Pmax - Pmin)(1 - f(t)), f(t) = k + (1 - k) t^(1/e)
  (Faratin, Sierra & Jennings 1998; Fatima, Wooldridge & Jennings 2001; the GENIUS TimeDependent_Offering
  of Baarslag et al. 2014). Without an opponent model it offers the outcome closest to p(t) from above;
  with one, the outcome in [p(t), p(t) + width] the model rates best for the opponent (the "best bid"
  opponent-model strategy of the BOA framework).
- ``random``: a uniformly random outcome at or above the reservation value (a control).

Cost per bid: O(log N) for the target search, plus O(cap x issues) when a model ranks a band of bids
(the band is thinned to ``cap`` evenly spaced candidates).
"""

from __future__ import annotations

import numpy as np

from accord.strategies.base import State, TargetIndex
from accord.strategies.boa.components import BiddingStrategy, ComponentInfo, component
from accord.strategies.time_based import target_utility

#: Most candidates an opponent model ranks per bid.
DEFAULT_CAP = 256


_THIN: dict[tuple[int, int], np.ndarray] = {}


def thin_positions(n: int, cap: int) -> np.ndarray | None:
    """Positions of at most ``cap`` evenly spaced elements among ``n`` (first and last kept); None: all.

    Memoised by (n, cap): the same positions recur from round to round.
    """
    if n <= cap:
        return None
    pos = _THIN.get((n, cap))
    if pos is None:
        if len(_THIN) >= 65536:
            _THIN.clear()
        pos = np.linspace(0, n - 1, cap).round().astype(np.int64)
        pos.setflags(write=False)
        _THIN[(n, cap)] = pos
    return pos


def thin(band: np.ndarray, cap: int) -> np.ndarray:
    """At most ``cap`` evenly spaced elements of ``band`` (first and last kept)."""
    pos = thin_positions(len(band), cap)
    return band if pos is None else band[pos]


def pick_for_opponent(boa: object, low: float, high: float, cap: int = DEFAULT_CAP) -> int:
    """Among own outcomes with utility in [low, high], the one the opponent model rates best.

    Ties go to the higher own utility (then the lower index). Without a model, or before any opponent
    offer, or if the band is empty: the outcome closest to ``low`` from above. The candidates' issue
    values are cached along the sorted order (:meth:`BOA.order_flat`), so a bid costs O(cap x issues)
    in a few array operations.
    """
    index: TargetIndex = boa.index  # type: ignore[attr-defined]
    a, b = index.range_bounds(low, high)
    if b <= a or not boa.models:  # type: ignore[attr-defined]
        return index.at_or_above(low)
    flat = boa.order_flat(b)  # type: ignore[attr-defined]
    pos = thin_positions(b - a, cap)
    if pos is None:
        cand, f = index.order[a:b], flat[a:b]
    else:
        cand, f = index.order[a + pos], flat[a + pos]
    est = boa.opponent_utility_flat(f, cand)  # type: ignore[attr-defined]
    return int(cand[int(np.argmax(est))])


def nth_best(index: TargetIndex, k: int) -> int | None:
    """The k-th best own outcome (0-based; utility descending, ties by index), None if there are fewer.

    Sorts lazily: only the top of the order is ever sorted (the band grows by doubling its depth).
    """
    while len(index.order) <= k and index.covered != -np.inf:
        depth = 0.0 if not np.isfinite(index.covered) else index.best - index.covered
        index.in_range(index.best - max(2.0 * depth, 1e-3), index.best)
    return int(index.order[k]) if k < len(index.order) else None


@component("bidding", "time_dependent")
@component("bidding", "boulware", e=0.2)
@component("bidding", "linear", e=1.0)
@component("bidding", "conceder", e=2.0)
@component("bidding", "hardliner", e=0.0)
class TimeDependentBidding(BiddingStrategy):
    info = ComponentInfo(
        "time_dependent",
        "bidding",
        "Faratin, Sierra & Jennings 1998; Fatima, Wooldridge & Jennings 2001",
        "Target p(t) = Pmin + (Pmax-Pmin)(1 - k - (1-k) t^(1/e)); the model picks within [p, p + width].",
    )

    def __init__(self, e: float = 1.0, k: float = 0.0, width: float = 0.02, cap: int = DEFAULT_CAP) -> None:
        if e < 0:
            raise ValueError("e must be >= 0")
        if not 0.0 <= k <= 1.0:
            raise ValueError("k must be in [0, 1]")
        if width < 0 or cap < 1:
            raise ValueError("width must be >= 0 and cap >= 1")
        self.e, self.k, self.width, self.cap = float(e), float(k), float(width), int(cap)

    def __repr__(self) -> str:
        return f"TimeDependentBidding(e={self.e}, k={self.k})"

    def target(self, t: float) -> float:
        return target_utility(t, self.e, self.boa.p_min, self.boa.p_max, self.k)

    def bid(self, state: State) -> int | None:
        p = self.target(state.time)
        return pick_for_opponent(self.boa, p, p + self.width, self.cap)


@component("bidding", "random")
class RandomBidding(BiddingStrategy):
    info = ComponentInfo(
        "random",
        "bidding",
        "Lin et al. 2014 (GENIUS RandomAgent)",
        "A uniformly random outcome at or above the reservation value.",
    )

    def setup(self, boa: object) -> None:
        super().setup(boa)  # type: ignore[arg-type]
        ctx = self.boa.ctx
        ok = ctx.utility >= self.boa.p_min
        if ctx.acceptable is not None:
            ok &= ctx.acceptable
        self.pool = np.flatnonzero(ok)

    def bid(self, state: State) -> int | None:
        if self.pool.size == 0:
            return self.boa.index.at_or_above(self.boa.p_min)
        return int(self.pool[self.boa.ctx.rng.integers(self.pool.size)])
