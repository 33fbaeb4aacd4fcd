"""Gahboninho (ANAC 2011, second place).

Ben Adar, Sofy & Elimelech (2013), "Gahboninho: strategy for balancing pressure and compromise in
automated negotiation", in *Complex Automated Negotiations*, SCI 435, pp. 205-208. The agent first puts
pressure on the opponent: it opens with its best bid and barely moves (its first bids stay above 0.925)
while it measures how "noisy" the opponent is (how varied its offers are). It then recommends a next-offer
utility that falls with time toward a floor that never goes below the best offer the opponent has made,
slowly, and more slowly against an opponent that keeps exploring; it offers the cheapest own bid at that
utility and accepts offers close to it (a compromising factor); at the very end it offers the opponent's
best bid.

Our reading, with the details the paper leaves open filled in after reading GENIUS 10.4's original
(``agents.anac.y2011.Gahboninho``, our own code, not a transcription):

- opening: its best bid, then for at most ``opening`` (40) offers while t < 0.15, the cheapest bid worth
  at least 0.925 + 0.075 (1 - k/40) at its k-th offer; it then accepts any offer worth more than 0.95;
- noise nu: starts at 0.4; after every window of 20 opponent offers it rises by 0.05 if the opponent
  offered more distinct bids in that window than in the one before (it is searching), else falls by 0.01
  (kept in [0, 1]);
- recommended utility r(t) = min(Pmax, M - (M - m) t) with the floor m = max(best opponent offer,
  f(t), Pmin), f = 0.9125 until t = 0.85, 0.84 until 0.92, 0.775 until 0.94, then 0.7, and the ceiling
  M = m (1 + 6 nu); r falls by at most ``max_fall`` (0.0018) and rises by at most 0.01 per offer (the
  original limits each of its two evaluations per turn to 0.0009 and 0.005);
- bid: the cheapest own bid worth at least r (no opponent model in the choice); in its last round (the
  time left is under one and a half of its own turn intervals, its estimate of the rounds left; or
  t >= ``end``, 0.9996) the opponent's best offer;
- acceptance: an offer worth at least c(t) r, the compromising factor c = 0.95 until t = 0.85, 0.94
  until 0.92, 0.93 until 0.94, then 0.91.

Choices made here: the floors are absolute utilities (ANAC profiles are normalised to a best of 1); the
original's late-time rules tied to its measured round length and its filtering of bids by an opponent
model for time-based sessions are left out. Cost per round: O(log N).
"""

from __future__ import annotations

from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.components import (
    AcceptanceCondition,
    BiddingStrategy,
    ComponentInfo,
    component,
)
from accord.strategies.boa.negotiator import BOA

SOURCE = "Ben Adar, Sofy & Elimelech 2013"

#: (time up to which it holds, floor f, compromising factor c)
PHASES = ((0.85, 0.9125, 0.95), (0.92, 0.84, 0.94), (0.94, 0.775, 0.93), (1.0, 0.7, 0.91))


@component("bidding", "gahboninho")
class GahboninhoBidding(BiddingStrategy):
    info = ComponentInfo(
        "gahboninho",
        "bidding",
        SOURCE,
        "Pressure first; a slow fall toward a floor above the opponent's best.",
    )

    def __init__(
        self,
        opening: int = 40,
        noise: float = 0.4,
        max_fall: float = 0.0018,
        end: float = 0.9996,
        window: int = 20,
    ) -> None:
        if opening < 0 or not 0.0 <= noise <= 1.0 or max_fall < 0 or not 0.0 < end <= 1.0 or window < 1:
            raise ValueError("need opening >= 0, 0 <= noise <= 1, max_fall >= 0, 0 < end <= 1, window >= 1")
        self.opening, self.noise0, self.max_fall = int(opening), float(noise), float(max_fall)
        self.end, self.window = float(end), int(window)

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        self.noise = self.noise0
        self.prev = boa.p_max  # the last recommended utility
        self.factor = PHASES[0][2]
        self.opened = 0  # offers made in the opening phase
        self.windows_done = 0
        self.prev_distinct: int | None = None

    def _update_noise(self) -> None:
        offers = self.boa.history.opp_offers
        while (self.windows_done + 1) * self.window <= len(offers):
            a = self.windows_done * self.window
            distinct = len(set(offers[a : a + self.window]))
            if self.prev_distinct is not None:
                step = 0.05 if distinct > self.prev_distinct else -0.01
                self.noise = min(1.0, max(0.0, self.noise + step))
            self.prev_distinct = distinct
            self.windows_done += 1

    def recommend(self, t: float) -> float:
        boa = self.boa
        floor, self.factor = next((f, c) for until, f, c in PHASES if t <= until)
        m = max(boa.history.best_opp_util, floor, boa.p_min)
        big = max(m * (1.0 + 6.0 * self.noise), m)
        r = min(boa.p_max, big - (big - m) * t)
        r = max(r, self.prev - self.max_fall)
        r = min(r, self.prev + 0.01)
        self.prev = r
        return r

    def target(self, t: float) -> float:
        return self.prev

    @property
    def in_opening(self) -> bool:
        return self.opened < self.opening

    def bid(self, state: State) -> int | None:
        boa = self.boa
        h = boa.history
        t = state.time
        self._update_noise()
        if not h.my_offers:
            return boa.index.at_or_above(boa.p_max)
        if self.in_opening and t < 0.15:
            self.opened += 1
            return boa.index.at_or_above(0.925 + 0.075 * (1.0 - self.opened / max(1, self.opening)))
        self.opened = self.opening  # the opening phase is over for good
        r = self.recommend(t)
        turn = t / max(1, len(h.my_offers))  # its own turn interval so far
        last = t >= self.end or t > 1.0 - 1.5 * turn
        if last and h.best_opp is not None and h.best_opp_util >= boa.p_min:
            return h.best_opp
        return boa.index.at_or_above(r)


@component("acceptance", "ac_gahboninho")
class GahboninhoAcceptance(AcceptanceCondition):
    info = ComponentInfo(
        "ac_gahboninho",
        "acceptance",
        SOURCE,
        "Above 0.95 while opening; then at least the compromising factor times the recommended utility.",
    )

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        b = self.boa.bidding
        u = float(self.boa.ctx.utility[offer])
        if isinstance(b, GahboninhoBidding) and b.in_opening:
            return u > 0.95
        factor = getattr(b, "factor", 1.0)
        target = b.target(state.time)
        return target is not None and u >= factor * target


@register("gahboninho")
class Gahboninho(BOA):
    info = StrategyInfo(
        "gahboninho",
        "anac",
        f"{SOURCE} (ANAC 2011)",
        "Pressure first, then a slow, noise-dependent fall toward a floor above the opponent's best offer.",
    )

    def __init__(self, opening: int = 40, max_fall: float = 0.0018) -> None:
        super().__init__(GahboninhoBidding(opening=opening, max_fall=max_fall), None, GahboninhoAcceptance())
