"""Small pieces several published agents share: value counts of the opponent's offers, bid repair.

Both work on plain integers and small arrays (one row per issue), never on the outcome space.
"""

from __future__ import annotations

import numpy as np

from accord.strategies.base import State
from accord.strategies.boa.bidding import DEFAULT_CAP, pick_for_opponent
from accord.strategies.boa.components import BiddingStrategy, History


def encode(strides: list[int], digits: list[int]) -> int:
    """The outcome index of per-issue value indices (mixed radix, first issue most significant)."""
    return sum(d * s for d, s in zip(digits, strides, strict=True))


class ValueCounts:
    """How often the opponent offered each value of each issue; synced incrementally from a History."""

    def __init__(self, space: object) -> None:
        cards = np.asarray(space.cards, dtype=np.int64)  # type: ignore[attr-defined]
        self.strides = [int(s) for s in space.strides]  # type: ignore[attr-defined]
        self.cards = [int(c) for c in cards]
        # Padding at -1 so that argmax never picks a value an issue does not have.
        self.counts = np.where(np.arange(int(cards.max()))[None, :] < cards[:, None], 0, -1)
        self.rows = np.arange(len(self.cards))
        self.seen = 0

    def sync(self, history: History) -> None:
        for o in history.opp_offers[self.seen :]:
            d = [(o // s) % c for s, c in zip(self.strides, self.cards, strict=True)]
            self.counts[self.rows, d] += 1
        self.seen = len(history.opp_offers)

    def modes(self) -> list[int]:
        """Per issue, the most offered value (ties: the lowest value index)."""
        return [int(v) for v in self.counts.argmax(axis=1)]


def replace_values(
    space: object,
    utility: np.ndarray,
    outcome: int,
    values: list[int],
    floor: float,
    acceptable: np.ndarray | None = None,
) -> int:
    """Greedily set each issue (in issue order) of ``outcome`` to ``values[i]`` while own utility >= floor.

    A replacement is kept only if the new outcome is still worth ``floor`` and meets the hard constraints.
    """
    strides = [int(s) for s in space.strides]  # type: ignore[attr-defined]
    cards = [int(c) for c in space.cards]  # type: ignore[attr-defined]
    digits = [(outcome // s) % c for s, c in zip(strides, cards, strict=True)]
    idx = outcome
    for i, v in enumerate(values):
        if digits[i] == v:
            continue
        trial = idx + (v - digits[i]) * strides[i]
        if utility[trial] >= floor and (acceptable is None or acceptable[trial]):
            digits[i] = v
            idx = trial
    return int(idx)


class WindowedTargetBidding(BiddingStrategy):
    """A target utility over time, offered as the opponent's likely favourite within a window above it;
    from time ``end`` on, the opponent's best offer so far if it clears the walk-away value.

    Subclasses set ``end`` and ``window`` and define ``target(t)`` (AgentLG, Gahboninho).
    """

    end: float
    window: float

    def target(self, t: float) -> float:
        raise NotImplementedError

    def bid(self, state: State) -> int | None:
        h = self.boa.history
        if state.time >= self.end and h.best_opp is not None and h.best_opp_util >= self.boa.p_min:
            return h.best_opp
        p = self.target(state.time)
        return pick_for_opponent(self.boa, p, p + self.window, DEFAULT_CAP)
