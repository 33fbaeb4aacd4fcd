"""IAMhaggler2011 (ANAC 2011, third place).

Williams, Robu, Gerding & Jennings (2011), "Using Gaussian processes to optimise concession in complex
negotiations against unknown opponents", IJCAI 2011, pp. 432-438; and "IAMhaggler2011: a Gaussian
process regression based negotiation agent", in *Complex Automated Negotiations*, SCI 435 (2013),
pp. 209-212. Time is cut into slots; at the end of each slot the best utility (to the agent) of the
opponent's offers in that slot is recorded, and a Gaussian process fitted to these points predicts the
opponent's future concession (mean and uncertainty). The agent picks the time t* and utility u* that
maximise the expected (discounted) utility u * P(opponent offers at least u by t*) * d^t*, and concedes
linearly from its current target to u* at t*. It offers a random bid near its target and accepts
offers worth at least its target (or its next bid).

Choices made here: 36 slots; a Matern-3/2 kernel with fixed hyper-parameters (signal 0.1, length
scale 0.3, noise 0.02) and the mean of the observations as prior mean (the paper fits them by
maximum likelihood); t* on a grid of 25 future times and u* on a grid of 50 utilities between Pmin and
Pmax; P(at least u by t*) is the largest predicted probability at any grid time up to t* (so it never
falls as t* grows) and ties go to the latest t*; bids uniformly at random in [target, target + 0.05]; the target never below the best opponent
offer so far (that offer is sent back instead). Cost: O(slots^3) once per slot (a 36 x 36 solve at
most), O(log N) per round otherwise.
"""

from __future__ import annotations

import math

import numpy as np

from accord.strategies.base import State, StrategyInfo, register
from accord.strategies.boa.components import BiddingStrategy, ComponentInfo, component
from accord.strategies.boa.negotiator import BOA

SOURCE = "Williams, Robu, Gerding & Jennings 2011"


def _erf(z: np.ndarray) -> np.ndarray:
    """``math.erf`` of every element (the same values as ``np.vectorize(math.erf)``, with less overhead)."""
    flat = np.fromiter(map(math.erf, z.ravel().tolist()), dtype=np.float64, count=z.size)
    return flat.reshape(z.shape)


def matern32(a: np.ndarray, b: np.ndarray, signal: float, length: float) -> np.ndarray:
    r = np.abs(a[:, None] - b[None, :]) * (math.sqrt(3.0) / length)
    return signal**2 * (1.0 + r) * np.exp(-r)


def gp_predict(
    x: np.ndarray, y: np.ndarray, xs: np.ndarray, signal: float, length: float, noise: float
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior mean and standard deviation (noise included) at ``xs`` of a GP with constant mean."""
    m = float(y.mean())
    k = matern32(x, x, signal, length) + noise**2 * np.eye(len(x))
    ks = matern32(x, xs, signal, length)
    sol = np.linalg.solve(k, np.column_stack([y - m, ks]))
    mean = m + ks.T @ sol[:, 0]
    var = signal**2 - np.einsum("ij,ij->j", ks, sol[:, 1:])
    return mean, np.sqrt(np.maximum(var, 0.0) + noise**2)


def _expected(grid: np.ndarray, mean: np.ndarray, den: np.ndarray, df: np.ndarray) -> np.ndarray:
    """eu[i, j] = grid[j] P(opponent offers at least grid[j] by future time i) d^t_i."""
    z = (grid[None, :] - mean[:, None]) / den
    # Probability that the opponent offers at least u by time tau (the best single grid time so far).
    prob = np.maximum.accumulate(0.5 * (1.0 - _erf(z)), axis=0)
    return grid[None, :] * prob * df


def best_bet_reference(
    grid: np.ndarray, mean: np.ndarray, sd: np.ndarray, future: np.ndarray, discount: float
) -> tuple[int, int]:
    """(time index, utility index) of the largest expected utility over the whole grid.

    Ties (e.g. without discounting) go to the latest time (no reason to concede sooner), then to the
    lower utility.
    """
    eu = _expected(grid, mean, sd[:, None] * math.sqrt(2.0), discount ** future[:, None])
    flat = eu[::-1].reshape(-1)
    i, j = np.unravel_index(int(np.argmax(flat)), eu.shape)
    return len(future) - 1 - int(i), int(j)


#: Grid columns evaluated at a time by :func:`best_bet`.
BATCH = 6


def best_bet(
    grid: np.ndarray, mean: np.ndarray, sd: np.ndarray, future: np.ndarray, discount: float
) -> tuple[int, int]:
    """:func:`best_bet_reference`, evaluating fewer probabilities (the erf calls are most of the cost).

    Each column j of the grid gets an upper bound on its expected utilities: the probability
    (1 - erf(z)) / 2 is at most 1, and for z > 0 at most exp(-z^2) min(1, 1 / (z sqrt(pi))) / 2 (the
    tail bounds of erfc), widened by 1e-9 relative and 1e-12 absolute, far above the error of any
    libm's erf, so it bounds the computed value too; rounding being monotone, the bound carries
    through the cumulative maximum and the products. Columns are evaluated in decreasing order of
    bound, a few at a time, until the next bound is below the best value found: no column left out
    can hold the maximum (they stay at -inf), so the answer is the reference's, ties included.
    """
    df = discount ** future[:, None]
    den = sd[:, None] * math.sqrt(2.0)
    k = len(grid)
    if k < 2 * BATCH or not (grid.min() >= 0.0 and bool((df >= 0.0).all())):
        eu = _expected(grid, mean, den, df)
    else:
        z = (grid[None, :] - mean[:, None]) / den  # as in _expected
        tail = 0.5 * np.exp(-z * z) * np.minimum(1.0, 1.0 / (np.maximum(z, 1e-300) * math.sqrt(math.pi)))
        qb = np.where(z > 0.0, np.minimum(1.0, tail * (1.0 + 1e-9) + 1e-12), 1.0)
        bound = (grid[None, :] * np.maximum.accumulate(qb, axis=0) * df).max(axis=0)
        order = np.argsort(-bound, kind="stable")
        eu = np.full((len(future), k), -np.inf)
        bar = -np.inf
        for pos in range(0, k, BATCH):
            cols = order[pos : pos + BATCH]
            cols = cols[bound[cols] >= bar]
            if cols.size == 0:
                break
            part = _expected(grid[cols], mean, den, df)
            eu[:, cols] = part
            bar = max(bar, float(part.max()))
    flat = eu[::-1].reshape(-1)
    i, j = np.unravel_index(int(np.argmax(flat)), eu.shape)
    return len(future) - 1 - int(i), int(j)


@component("bidding", "iamhaggler")
class IAMhagglerBidding(BiddingStrategy):
    info = ComponentInfo("iamhaggler", "bidding", SOURCE, "GP forecast of the opponent's concession.")

    def __init__(self, slots: int = 36, width: float = 0.05) -> None:
        if slots < 2:
            raise ValueError("slots must be >= 2")
        self.slots, self.width = int(slots), float(width)

    def setup(self, boa: BOA) -> None:
        super().setup(boa)
        self.fitted_slot = -1
        self.t0, self.u0 = 0.0, boa.p_max
        self.t_star, self.u_star = 1.0, boa.p_max
        # Best utility of the opponent's offers per slot, folded in as the slots close (the history's
        # times never decrease, so the offers of closed slots are a prefix of it).
        self.best = [-math.inf] * self.slots
        self.folded = 0
        self.grid = np.linspace(boa.p_min, boa.p_max, 50)

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

    def _refit(self, t: float) -> None:
        slot = min(self.slots - 1, int(t * self.slots))
        if slot <= self.fitted_slot:
            return
        self.fitted_slot = slot
        if self._fold(slot / self.slots) == 0:
            return
        have = [j for j, b in enumerate(self.best) if b != -math.inf]
        if len(have) < 2:
            return
        x = (np.asarray(have) + 0.5) / self.slots
        future = np.linspace(t, 1.0, 25)
        mean, sd = gp_predict(x, np.asarray([self.best[j] for j in have]), future, 0.1, 0.3, 0.02)
        grid = self.grid
        i, j = best_bet(grid, mean, sd, future, self.boa.ctx.discount)
        self.t0, self.u0 = t, self._line(t)
        self.t_star, self.u_star = float(future[i]), float(grid[j])

    def _line(self, t: float) -> float:
        if t >= self.t_star or self.t_star <= self.t0:
            return self.u_star
        return self.u0 + (self.u_star - self.u0) * (t - self.t0) / (self.t_star - self.t0)

    def target(self, t: float) -> float:
        self._refit(t)
        return max(self._line(t), self.boa.p_min)

    def bid(self, state: State) -> int | None:
        p = self.target(state.time)
        h = self.boa.history
        if h.best_opp is not None and h.best_opp_util >= p:
            return h.best_opp
        band = self.boa.index.in_range(p, p + self.width)
        if len(band) == 0:
            return self.boa.index.at_or_above(p)
        return int(band[self.boa.ctx.rng.integers(len(band))])


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
        super().__init__(IAMhagglerBidding(slots), None, "ac_target")
