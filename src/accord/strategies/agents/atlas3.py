"""Atlas3 (ANAC 2015 winner).

Mori & Ito (2017), "Atlas3: a negotiating agent based on expecting lower limit of concession function",
in *Modern Approaches to Agent-based Complex Automated Negotiation*, SCI 674, pp. 169-173; the lower
limit comes from Mori & Ito (2015), "A compromising strategy based on expected utility of evolutionary
stable strategy in bilateral closed bargaining problem". Atlas3 concedes linearly in time toward a lower
limit given by the expected utility of the evolutionarily stable strategy of a final-offer game, searches
bids near its threshold and then replaces issue values by the ones the opponent offers most often
(keeping the bid above the threshold); in a final phase, whose length grows with the number of distinct
bids the opponent has offered, it offers those bids back, best first, and then accepts anything above its
reservation value.

Our reading, with the choices the description leaves open:

- the final-offer game: each side either insists (gets A = Pmax if the other concedes) or concedes to the
  other's best offer (gets B = the best opponent offer); both insisting gives the reservation value R
  (here Pmin) and both conceding splits the difference (A + B) / 2. In its mixed (evolutionarily stable)
  equilibrium the opponent concedes with probability q = 2 (B - R) / (A + B - 2R), and the expected
  utility L = R + q (A - R) is the lower limit (L = R while no opponent offer beats R);
- threshold(t) = L + (Pmax - L)(1 - t) without discounting; with a discount factor d < 1,
  max(Pmax (1 - t / d), L / d^t);
- bid: the outcome closest to the threshold from above, then the opponent's most offered value issue by
  issue (in issue order) wherever the bid stays at or above the threshold; acceptance: at least the
  threshold;
- final phase: from t > 1 - s (n + 1), s its own turn interval (t / own turns so far) and n the number of
  distinct opponent offers (its "popular bids"): it offers back the best popular bid not offered back yet
  while that bid beats the opponent's current offer and the reservation value; otherwise it accepts the
  current offer if it is worth more than the reservation value (at least, once every popular bid has been
  offered back), and if not, bids as before.

The final phase's length rule, the linear threshold and the popular-bid order were read in GENIUS 10.4's
original (``agents.anac.y2015.Atlas3``; our own code, not a transcription). Its random start of the bid
search and its walking away (when the discounted reservation value beats the threshold) are left out.
Cost per round: O(log N + issues) and O(n) in the final phase.
"""

from __future__ import annotations

from accord.strategies.agents._common import ValueCounts, replace_values
from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.components import (
    AcceptanceCondition,
    BiddingStrategy,
    ComponentInfo,
    component,
)
from accord.strategies.boa.negotiator import BOA

SOURCE = "Mori & Ito 2017"


def ess_lower_limit(a: float, b: float, r: float) -> float:
    """Expected utility of the mixed equilibrium of the concession game (see the module doc)."""
    if b <= r or a <= r:
        return r
    b = min(b, a)
    q = 2.0 * (b - r) / (a + b - 2.0 * r)
    return r + q * (a - r)


@component("bidding", "atlas3")
class Atlas3Bidding(BiddingStrategy):
    info = ComponentInfo(
        "atlas3", "bidding", SOURCE, "Linear concession to an ESS lower limit; a final phase of popular bids."
    )

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        self.counts = ValueCounts(boa.ctx.space)
        self.turns = 0
        self.turn_key: tuple[int, int] | None = None
        self.popular: list[int] = []  # distinct opponent offers, best first
        self.known: set[int] = set()
        self.seen = 0
        self.back: set[int] = set()  # popular bids offered back in the final phase
        self.final_accept: bool | None = None  # the final phase's decision this turn (None: not in it)

    def target(self, t: float) -> float:
        boa = self.boa
        low = ess_lower_limit(boa.p_max, boa.history.best_opp_util, boa.p_min)
        d = boa.ctx.discount
        if 0.0 < d < 1.0:
            return max(boa.p_max * (1.0 - t / d), low / d**t)
        return low + (boa.p_max - low) * (1.0 - t)

    def _sync_popular(self) -> None:
        h = self.boa.history
        u = self.boa.ctx.utility
        for o in h.opp_offers[self.seen :]:
            if o not in self.known:
                self.known.add(o)
                # best first; a new bid goes after those of equal utility (first seen first)
                k = len(self.popular)
                while k > 0 and u[self.popular[k - 1]] < u[o]:
                    k -= 1
                self.popular.insert(k, o)
        self.seen = len(h.opp_offers)

    def _regular(self, t: float) -> int:
        boa = self.boa
        h = boa.history
        p = self.target(t)
        base = boa.index.at_or_above(p)
        if not h.opp_offers:
            return base
        self.counts.sync(h)
        floor = min(p, float(boa.ctx.utility[base]))
        return replace_values(
            boa.ctx.space, boa.ctx.utility, base, self.counts.modes(), floor, boa.ctx.acceptable
        )

    def bid(self, state: State) -> int | None:
        boa = self.boa
        h = boa.history
        t = state.time
        key = (state.round, len(state.offers))
        if key != self.turn_key:
            self.turn_key = key
            self.turns += 1
        self._sync_popular()
        self.final_accept = None
        scale = t / self.turns
        if not h.opp_offers or t <= 1.0 - scale * (len(self.popular) + 1):
            return self._regular(t)
        u = boa.ctx.utility
        rv = boa.ctx.reservation
        current = float(u[h.opp_offers[-1]])
        cand = next((o for o in self.popular if o not in self.back), None)
        if cand is None:  # every popular bid offered back: take the offer if it is worth rv
            self.final_accept = current >= rv
            return self._regular(t)
        if u[cand] > current and u[cand] > rv:
            self.back.add(cand)
            self.final_accept = False
            return cand
        self.final_accept = current > rv
        return self._regular(t)


@component("acceptance", "ac_atlas3")
class Atlas3Acceptance(AcceptanceCondition):
    info = ComponentInfo(
        "ac_atlas3",
        "acceptance",
        SOURCE,
        "At least the threshold; in the final phase, what the popular-bid walk decides.",
    )

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        b = self.boa.bidding
        decided = getattr(b, "final_accept", None)
        if decided is not None:
            return bool(decided)
        target = b.target(state.time)
        return target is not None and float(self.boa.ctx.utility[offer]) >= target


@register("atlas3")
class Atlas3(BOA):
    info = StrategyInfo(
        "atlas3",
        "anac",
        f"{SOURCE} (ANAC 2015 winner)",
        "Concedes linearly to an evolutionarily-stable lower limit; bids reuse the opponent's frequent "
        "values; a final phase offers the opponent's own bids back, then accepts.",
    )

    def __init__(self) -> None:
        super().__init__(Atlas3Bidding(), None, Atlas3Acceptance())
