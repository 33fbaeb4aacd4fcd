"""IAMhaggler2011 (ANAC 2011, third place).

Williams, Robu, Gerding & Jennings (2011), "Using Gaussian processes to optimise concession in complex
negotiations against unknown opponents", IJCAI 2011, pp. 432-438; and "IAMhaggler2011: a Gaussian
process regression based negotiation agent", in *Complex Automated Negotiations*, SCI 435 (2013),
pp. 209-212. Time is cut into 36 slots; when a slot ends, the best utility (to the agent) of the
opponent's offers in it is recorded, and a Gaussian process fitted to these points predicts the
utility the opponent will offer at every future time (mean and uncertainty). The agent first picks the
time t* at which the expected (discounted) value of the opponent's offer is largest, then the utility
u* that maximises u * P(the opponent offers at least u at t*) at that time, and concedes linearly from
its current target to u* at t*. It offers a random bid near its target and accepts offers nearly as
good as its own bids.

What the papers leave open, filled in after reading the GENIUS 10.4 original (our own code, not a
transcription; see docs/strategies/iamhaggler.md):

- the regression is on the offers minus a prior trend: a line from the first slot's best utility to
  ``aspiration`` (0.9) at the deadline, i.e. the agent expects an opponent to concede over time; the
  prediction adds the line back (a constant prior mean made the agent read a tough opponent as one
  that will never move, and concede to it);
- values are risk-seeking: the expected utility weighs u by u^risk (risk = 3);
- t* maximises, over future times on a grid of 101, the expected risk-weighted, discounted utility of
  the opponent's offer (the predicted distribution, truncated to the utility grid, in 100 bins);
  ties go to the later time; u* is then the best of u^risk * P(at least u) * d^t* (ties: the higher u);
- the target line is drawn each turn from the previous turn's target; in the first slot the target
  is Pmax - (Pmax - Pmin) t / 2;
- bids are random within ``width`` / 2 of the target, or the opponent's best offer once the target
  reaches it; acceptance: 1.02 U(x) >= U(the agent's last bid), or >= ``aspiration``, or >= U(the bid it
  would send).

Choices made here: fixed GP hyper-parameters (Matern-3/2, signal 0.1, length scale 0.3, noise 0.02; the
original averages over hyper-parameter priors by Bayesian Monte Carlo); the utility grid spans
[Pmin, Pmax]; the target stays in [Pmin, Pmax]. Cost: one 36 x 36 solve and a 201 x 101 grid of erf
values (``scipy.special.erf``, imported on first use) once per slot, O(log N) per round otherwise.
"""

from __future__ import annotations

import math

import numpy as np

from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.components import (
    AcceptanceCondition,
    BiddingStrategy,
    ComponentInfo,
    component,
)
from accord.strategies.boa.negotiator import BOA

SOURCE = "Williams, Robu, Gerding & Jennings 2011"


def matern32(a: np.ndarray, b: np.ndarray, signal: float, length: float) -> np.ndarray:
    r = np.abs(a[:, None] - b[None, :]) * (math.sqrt(3.0) / length)
    return signal**2 * (1.0 + r) * np.exp(-r)


def gp_predict(
    x: np.ndarray,
    y: np.ndarray,
    xs: np.ndarray,
    prior: tuple[float, float],
    hyper: tuple[float, float, float] = (0.1, 0.3, 0.02),
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior mean and standard deviation (noise included) at ``xs`` of a GP whose prior mean is the
    line ``prior[0] + prior[1] * x``; ``hyper`` = (signal, length scale, noise)."""
    signal, length, noise = hyper
    a, b = prior
    k = matern32(x, x, signal, length) + noise**2 * np.eye(len(x))
    ks = matern32(x, xs, signal, length)
    sol = np.linalg.solve(k, np.column_stack([y - (a + b * x), ks]))
    mean = a + b * xs + ks.T @ sol[:, 0]
    var = signal**2 - np.einsum("ij,ij->j", ks, sol[:, 1:])
    return mean, np.sqrt(np.maximum(var, 0.0) + noise**2)


def upper_tail(u: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """P(X >= u[j]) for X ~ N(mean[i], sd[i]^2), as a (times, utilities) array; z clipped to [-6, 6]."""
    from scipy.special import erf

    z = np.clip((u[None, :] - mean[:, None]) / (sd[:, None] * math.sqrt(2.0)), -6.0, 6.0)
    return 0.5 * (1.0 - erf(z))


def best_agreement(
    grid: np.ndarray,
    mean: np.ndarray,
    sd: np.ndarray,
    times: np.ndarray,
    discount: float,
    risk: float,
) -> tuple[int, int]:
    """(time index, utility index) of the planned agreement (see the module doc).

    ``grid`` is the utility grid, best first, evenly spaced; the opponent's offer at times[i] is
    N(mean[i], sd[i]^2) truncated to the grid's range [grid[0] + h/2, grid[-1] - h/2].
    """
    h = float(grid[0] - grid[1]) if len(grid) > 1 else 1.0
    edges = np.concatenate([grid + h / 2.0, grid[-1:] - h / 2.0])
    tail_edges = upper_tail(edges, mean, sd)  # (times, n + 1): P(X >= edge)
    tail = upper_tail(grid, mean, sd)
    lo, hi = tail_edges[:, :1], tail_edges[:, -1:]
    span = hi - lo
    flat = span[:, 0] <= 0.0
    span[flat] = 1.0
    cum = (tail - lo) / span
    dens = (tail_edges[:, 1:] - tail_edges[:, :-1]) / span
    if flat.any():  # the whole distribution off the grid: all its mass at the nearer end
        above = mean[flat, None] >= grid[None, :]
        cum[flat] = above.astype(np.float64)
        dens[flat] = 0.0
        dens[flat, np.where(mean[flat] >= grid[0], 0, len(grid) - 1)] = 1.0
    value = np.maximum(grid, 0.0) ** risk
    df = discount**times
    expected = (dens * value[None, :]).sum(axis=1) * df
    i = len(times) - 1 - int(np.argmax(expected[::-1]))  # ties: the latest time
    j = int(np.argmax(cum[i] * value * df[i]))  # ties: the higher utility (grid is best first)
    return i, j


@component("bidding", "iamhaggler")
class IAMhagglerBidding(BiddingStrategy):
    info = ComponentInfo("iamhaggler", "bidding", SOURCE, "GP forecast of the opponent's concession.")

    def __init__(
        self, slots: int = 36, width: float = 0.05, risk: float = 3.0, aspiration: float = 0.9
    ) -> None:
        if slots < 2:
            raise ValueError("slots must be >= 2")
        self.slots, self.width = int(slots), float(width)
        self.risk, self.aspiration = float(risk), float(aspiration)

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        self.fitted_slot = 0
        self.last_t, self.last_u = 0.0, boa.p_max
        self.t_star: float | None = None
        self.u_star = boa.p_max
        # Best utility of the opponent's offers per slot, folded in as the slots close (the history's
        # times never decrease, so the offers of closed slots are a prefix of it).
        self.best = [-math.inf] * self.slots
        self.folded = 0
        n = 100
        self.grid = boa.p_min + (boa.p_max - boa.p_min) * (1.0 - (np.arange(n) + 0.5) / n)
        self.times = np.linspace(0.0, 1.0, 101)

    def _fold(self, bound: float) -> int:
        """Fold the offers received before time ``bound`` into the per-slot bests; how many there are."""
        h = self.boa.history
        ts, us, k = h.opp_times, h.opp_utils, self.folded
        best, slots = self.best, self.slots
        while k < len(ts) and ts[k] < bound:
            s = min(int(ts[k] * slots), slots - 1)
            if us[k] > best[s]:
                best[s] = us[k]
            k += 1
        self.folded = k
        return k

    def _refit(self, t: float, slot: int) -> None:
        """A slot has closed: fit the process to the slot bests and plan (t*, u*)."""
        self.fitted_slot = slot
        self._fold(slot / self.slots)
        have = [j for j, b in enumerate(self.best) if b != -math.inf]
        future = self.times[self.times > t]
        if not have or future.size == 0:
            return
        x = (np.asarray(have) + 0.5) / self.slots
        y = np.asarray([self.best[j] for j in have])
        y0 = float(y[0])
        mean, sd = gp_predict(x, y, future, (y0, min(self.aspiration, self.boa.p_max) - y0))
        i, j = best_agreement(self.grid, mean, sd, future, self.boa.ctx.discount, self.risk)
        self.t_star, self.u_star = float(future[i]), float(self.grid[j])

    def target(self, t: float) -> float:
        boa = self.boa
        slot = min(self.slots - 1, int(t * self.slots))
        if slot == 0:
            return boa.p_max - (boa.p_max - boa.p_min) * t / 2.0
        if slot > self.fitted_slot:
            self._refit(t, slot)
        if self.t_star is None:
            u = self.last_u
        elif self.t_star <= self.last_t:
            u = self.u_star
        else:
            u = self.last_u + (t - self.last_t) * (self.u_star - self.last_u) / (self.t_star - self.last_t)
        return min(max(u, boa.p_min), boa.p_max)

    def bid(self, state: State) -> int | None:
        t = state.time
        p = self.target(t)
        if t * self.slots >= 1.0:
            self.last_t, self.last_u = t, p
        h = self.boa.history
        if h.best_opp is not None and h.best_opp_util >= p:
            return h.best_opp
        half = self.width / 2.0
        band = self.boa.index.in_range(p - half, p + half)
        if len(band) == 0:
            return self.boa.index.at_or_above(p)
        return int(band[self.boa.ctx.rng.integers(len(band))])


@component("acceptance", "ac_iamhaggler")
class IAMhagglerAcceptance(AcceptanceCondition):
    info = ComponentInfo(
        "ac_iamhaggler",
        "acceptance",
        SOURCE,
        "Accept if m U(offer) >= U(last bid), U(next bid) or the aspiration level (m = 1.02).",
    )

    def __init__(self, multiplier: float = 1.02, aspiration: float = 0.9) -> None:
        self.multiplier, self.aspiration = float(multiplier), float(aspiration)

    def accept(self, state: State, offer: int, next_bid: int | None) -> bool:
        ctx = self.boa.ctx
        u = self.multiplier * float(ctx.utility[offer])
        mine = self.boa.history.my_utils
        if (mine and u >= mine[-1]) or u >= self.aspiration:
            return True
        return next_bid is not None and u >= float(ctx.utility[next_bid])


@register("iamhaggler")
class IAMhaggler(BOA):
    info = StrategyInfo(
        "iamhaggler",
        "anac",
        f"{SOURCE} (IAMhaggler2011, ANAC 2011)",
        "Forecasts the opponent's concession with a Gaussian process; concedes toward the best bet.",
        stochastic=True,
    )

    def __init__(self, slots: int = 36) -> None:
        super().__init__(IAMhagglerBidding(slots), None, IAMhagglerAcceptance())
