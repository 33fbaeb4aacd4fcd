"""Acceptance conditions of Baarslag, Hindriks & Jonker.

"Acceptance conditions in automated negotiation" (2011), in *Complex Automated Negotiations*, SCI 435
(2013), pp. 95-111; extended in "Effective acceptance conditions in real-time automated negotiation",
Decision Support Systems 60 (2014) 68-77. With x the opponent's offer, x' the bid the agent is about to
send, U the agent's own utility and t in [0, 1] the normalised time:

- AC_next(a, b):  a U(x) + b >= U(x')
- AC_prev(a, b):  a U(x) + b >= U(the agent's previous bid)        (false before its first bid)
- AC_const(alpha): U(x) >= alpha
- AC_time(T):      t >= T
- AC_target: U(x) >= the bidding strategy's own target utility at t, or AC_next (how most ANAC agents
  accept, once decoupled; Baarslag et al. 2014)
- AC_combi(T, MAX^W): AC_next(1, 0) or (t >= T and U(x) >= MAX^W), MAX^W the best utility of the
  opponent's offers received in the window W = [t - (1 - t), t] (the remaining time, looking back);
  ``measure="avg"`` gives AC_combi(T, AVG^W). An empty window puts no bar (the condition holds).

Whatever the condition, the BOA negotiator never accepts an offer below its reservation value or
against its hard constraints. If the bidding strategy is about to walk away (x' is None), U(x') is the
reservation value.
"""

from __future__ import annotations

import numpy as np

from accord.strategies.base import State
from accord.strategies.boa.components import AcceptanceCondition, ComponentInfo, component

SOURCE = "Baarslag, Hindriks & Jonker 2011"


def _next_utility(cond: AcceptanceCondition, next_bid: int | None) -> float:
    ctx = cond.boa.ctx
    return float(ctx.reservation) if next_bid is None else float(ctx.utility[next_bid])


def window_utilities(times: list[float], utils: list[float], t: float) -> np.ndarray:
    """Utilities of the offers received at times in W = [t - (1 - t), t]."""
    if not times:
        return np.empty(0)
    ts = np.asarray(times)
    return np.asarray(utils)[(ts >= 2.0 * t - 1.0) & (ts <= t)]


@component("acceptance", "ac_next")
class ACNext(AcceptanceCondition):
    info = ComponentInfo("ac_next", "acceptance", SOURCE, "Accept if a*U(offer) + b >= U(my next bid).")

    def __init__(self, a: float = 1.0, b: float = 0.0) -> None:
        self.a, self.b = float(a), float(b)

    def __repr__(self) -> str:
        return f"ACNext(a={self.a}, b={self.b})"

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        u = float(self.boa.ctx.utility[offer])
        return self.a * u + self.b >= _next_utility(self, next_bid)


@component("acceptance", "ac_prev")
class ACPrev(AcceptanceCondition):
    info = ComponentInfo("ac_prev", "acceptance", SOURCE, "Accept if a*U(offer) + b >= U(my previous bid).")

    def __init__(self, a: float = 1.0, b: float = 0.0) -> None:
        self.a, self.b = float(a), float(b)

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        mine = self.boa.history.my_utils
        if not mine:
            return False
        return self.a * float(self.boa.ctx.utility[offer]) + self.b >= mine[-1]


@component("acceptance", "ac_const")
class ACConst(AcceptanceCondition):
    info = ComponentInfo("ac_const", "acceptance", SOURCE, "Accept if U(offer) >= alpha.")

    def __init__(self, alpha: float = 0.9) -> None:
        self.alpha = float(alpha)

    def __repr__(self) -> str:
        return f"ACConst(alpha={self.alpha})"

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        return float(self.boa.ctx.utility[offer]) >= self.alpha


@component("acceptance", "ac_time")
class ACTime(AcceptanceCondition):
    info = ComponentInfo("ac_time", "acceptance", SOURCE, "Accept any offer once the time t >= T.")

    def __init__(self, t: float = 0.99) -> None:
        if not 0.0 <= t <= 1.0:
            raise ValueError("t must be in [0, 1]")
        self.t = float(t)

    def __repr__(self) -> str:
        return f"ACTime(t={self.t})"

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        return state.time >= self.t


@component("acceptance", "ac_combi")
class ACCombi(AcceptanceCondition):
    info = ComponentInfo(
        "ac_combi",
        "acceptance",
        SOURCE,
        "AC_next, or after time T any offer at least the best (or mean) of the recent window W.",
    )

    def __init__(self, t: float = 0.98, measure: str = "max") -> None:
        if not 0.0 <= t <= 1.0:
            raise ValueError("t must be in [0, 1]")
        if measure not in ("max", "avg"):
            raise ValueError("measure must be 'max' or 'avg'")
        self.t, self.measure = float(t), measure

    def __repr__(self) -> str:
        return f"ACCombi(t={self.t}, measure={self.measure!r})"

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        u = float(self.boa.ctx.utility[offer])
        if u >= _next_utility(self, next_bid):
            return True
        if state.time < self.t:
            return False
        h = self.boa.history
        # The offer under judgement is the last one received; W looks at the ones before it.
        w = window_utilities(h.opp_times[:-1], h.opp_utils[:-1], state.time)
        if w.size == 0:
            return True
        bar = float(w.max()) if self.measure == "max" else float(w.mean())
        return u >= bar


@component("acceptance", "ac_target")
class ACTarget(AcceptanceCondition):
    info = ComponentInfo(
        "ac_target",
        "acceptance",
        "Baarslag et al. 2014 (decoupled ANAC agents)",
        "Accept if U(offer) >= the bidding strategy's target utility now, or AC_next.",
    )

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        u = float(self.boa.ctx.utility[offer])
        target = self.boa.bidding.target(state.time)
        if target is not None and u >= target:
            return True
        return u >= _next_utility(self, next_bid)
