"""Atlas3 (ANAC 2015 winner).

Mori & Ito (2017), "Atlas3: a negotiating agent based on expecting lower limit of concession function",
in *Modern Approaches to Agent-based Complex Automated Negotiation*, SCI 674, pp. 169-173; the lower
limit comes from Mori & Ito (2015), "A compromising strategy based on expected utility of evolutionary
stable strategy in bilateral closed bargaining problem". Atlas3 concedes toward a lower limit given by
the expected utility of the evolutionarily stable strategy of a concession game, searches bids near its
target and then replaces issue values by the ones the opponent offers most often (keeping the bid above
the target), and at the end offers the best of the opponent's own offers.

Our reading, with the choices the description leaves open:

- the concession game: each side either insists (gets A = Pmax if the other concedes) or concedes to the
  other's best offer (gets B = the best opponent offer); both insisting gives the reservation value R
  (here Pmin) and both conceding splits the difference (A + B) / 2. In its mixed (evolutionarily stable)
  equilibrium the opponent concedes with probability q = 2 (B - R) / (A + B - 2R), and the expected
  utility L = R + q (A - R) is the lower limit (L = R while no opponent offer beats R);
- target(t) = A - (A - L) t^3;
- bid: the outcome closest to the target from above, then the opponent's most offered value issue by
  issue (in issue order) wherever the bid stays at or above the target;
- from t >= end (0.99): the opponent's best offer if it is worth at least Pmin; acceptance: AC_target.

Cost per round: O(log N + issues).
"""

from __future__ import annotations

from accord.strategies.agents._common import ValueCounts, replace_values
from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.components import BiddingStrategy, ComponentInfo, component
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
        "atlas3", "bidding", SOURCE, "Concede to an ESS lower limit; swap in frequent values."
    )

    def __init__(self, end: float = 0.99) -> None:
        if not 0.0 < end <= 1.0:
            raise ValueError("end must be in (0, 1]")
        self.end = float(end)

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        self.counts = ValueCounts(boa.ctx.space)

    def target(self, t: float) -> float:
        boa = self.boa
        low = ess_lower_limit(boa.p_max, boa.history.best_opp_util, boa.p_min)
        return boa.p_max - (boa.p_max - low) * t**3

    def bid(self, state: State) -> int | None:
        boa = self.boa
        h = boa.history
        if state.time >= self.end and h.best_opp is not None and h.best_opp_util >= boa.p_min:
            return h.best_opp
        p = self.target(state.time)
        base = boa.index.at_or_above(p)
        if not h.opp_offers:
            return base
        self.counts.sync(h)
        floor = min(p, float(boa.ctx.utility[base]))
        return replace_values(
            boa.ctx.space, boa.ctx.utility, base, self.counts.modes(), floor, boa.ctx.acceptable
        )


@register("atlas3")
class Atlas3(BOA):
    info = StrategyInfo(
        "atlas3",
        "anac",
        f"{SOURCE} (ANAC 2015 winner)",
        "Concedes to an evolutionarily-stable lower limit; bids reuse the opponent's frequent values.",
    )

    def __init__(self, end: float = 0.99) -> None:
        super().__init__(Atlas3Bidding(end), None, "ac_target")
