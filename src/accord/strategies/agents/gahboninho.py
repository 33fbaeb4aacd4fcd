"""Gahboninho (ANAC 2011, second place).

Ben Adar, Sofy & Elimelech (2013), "Gahboninho: strategy for balancing pressure and compromise in
automated negotiation", in *Complex Automated Negotiations*, SCI 435, pp. 205-208. The agent first puts
pressure on the opponent by insisting on its best bid while it measures how much the opponent gives way
(its "niceness"); it then concedes, less against an opponent that concedes and more against a stubborn
one, offering among its acceptable bids the one the frequency model rates best for the opponent; at the
very end it offers the best bid the opponent itself has made.

Our reading, with the choices the description leaves open:

- probe phase t < probe (0.1): offer the best own bid;
- niceness nu in [0, 1]: the range of the opponent's offers in own utility over (Pmax - Pmin);
- floor = b + (Pmax - b) nu / 2 with b the larger of Pmin and the best opponent offer so far;
- target(t) = Pmax - (Pmax - floor) ((t - probe) / (1 - probe))^2 after the probe phase;
- bid: the frequency model's favourite in [target, target + 0.05]; from t >= end (0.99) the opponent's
  best offer, if it is worth at least Pmin;
- acceptance: AC_target (at least the target, or at least the next bid).

Cost per round: O(log N + cap x issues).
"""

from __future__ import annotations

from accord.strategies.agents._common import WindowedTargetBidding
from accord.strategies.base import StrategyInfo, register
from accord.strategies.boa.components import ComponentInfo, component
from accord.strategies.boa.models import FrequencyModel
from accord.strategies.boa.negotiator import BOA

SOURCE = "Ben Adar, Sofy & Elimelech 2013"


@component("bidding", "gahboninho")
class GahboninhoBidding(WindowedTargetBidding):
    info = ComponentInfo(
        "gahboninho", "bidding", SOURCE, "Insist, measure niceness, then concede to a floor."
    )

    def __init__(self, probe: float = 0.1, end: float = 0.99, window: float = 0.05) -> None:
        if not 0.0 <= probe < end <= 1.0:
            raise ValueError("need 0 <= probe < end <= 1")
        self.probe, self.end, self.window = float(probe), float(end), float(window)

    def floor(self) -> float:
        boa = self.boa
        h = boa.history
        span = boa.p_max - boa.p_min
        nu = 0.0 if not h.opp_utils or span <= 0 else min(1.0, (max(h.opp_utils) - min(h.opp_utils)) / span)
        b = max(boa.p_min, h.best_opp_util)
        return min(boa.p_max, b + (boa.p_max - b) * nu / 2.0)

    def target(self, t: float) -> float:
        p_max = self.boa.p_max
        if t < self.probe:
            return p_max
        x = (t - self.probe) / (1.0 - self.probe)
        return p_max - (p_max - self.floor()) * x * x


@register("gahboninho")
class Gahboninho(BOA):
    info = StrategyInfo(
        "gahboninho",
        "anac",
        f"{SOURCE} (ANAC 2011)",
        "Insists while probing the opponent's niceness, then concedes less to nicer opponents.",
        uses_opponent_model=True,
    )

    def __init__(self, probe: float = 0.1, end: float = 0.99) -> None:
        super().__init__(GahboninhoBidding(probe, end), FrequencyModel(), "ac_target")
