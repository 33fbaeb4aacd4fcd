"""Private types with priors: drawn per run, believed on a grid, updated by Bayes' rule.

A party's private number (walk-away value, cost, resolve) is its *type* θ. Nature draws the true type of each
run from the declared distribution; the other side holds a prior over θ, which need not be the distribution
nature uses (non-common priors, misperception; Harsanyi 1967–68 for the common-prior case, Morris 1995,
*Economics and Philosophy* 11:227, for non-common priors). Beliefs live on a grid of K type values with
probabilities per run, shape (B, K), so one array holds every run's belief.

The likelihood of an observed action is derived from the strategy's own type-dependent play, not typed in: a
responder of type θ accepts an offer worth x to it iff x ≥ θ (:func:`accepts`), so the likelihood of an
acceptance is 1[θ_k ≤ x] and of a rejection 1[θ_k > x] (:func:`response_likelihood`); with a tremble ε
(Selten 1975) each is mixed with ε so that no observation has probability zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "UniformType",
    "PrivateType",
    "uniform_grid",
    "draw_types",
    "accepts",
    "acceptance_probability",
    "response_likelihood",
    "bayes_update",
    "posterior_mean",
]


@dataclass(frozen=True)
class UniformType:
    """A type drawn uniformly from [low, high] (low < high)."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError(f"a uniform type needs low < high, got [{self.low}, {self.high}]")

    def cdf(self, x: np.ndarray | float) -> np.ndarray:
        """P(θ ≤ x)."""
        return np.clip((np.asarray(x, dtype=np.float64) - self.low) / (self.high - self.low), 0.0, 1.0)

    def draw(self, rng: np.random.Generator, runs: int) -> np.ndarray:
        """(runs,) true types, one per run, by inverse transform of one uniform each."""
        return self.low + (self.high - self.low) * rng.random(runs)


@dataclass(frozen=True)
class PrivateType:
    """A private type of party ``owner`` (an index): nature's distribution, and the priors of the other parties
    (observer index -> prior); an observer not listed holds nature's distribution (a common prior)."""

    name: str
    owner: int
    kind: str
    nature: UniformType
    priors: dict[int, UniformType]

    def prior(self, observer: int) -> UniformType:
        """The prior ``observer`` holds over this type."""
        if observer == self.owner:
            raise ValueError(f"party {observer} owns type {self.name!r} and knows it")
        return self.priors.get(observer, self.nature)

    def grid(self, observer: int, k: int, runs: int) -> tuple[np.ndarray, np.ndarray]:
        """``observer``'s prior as a grid of k values and (runs, k) probabilities (:func:`uniform_grid`)."""
        p = self.prior(observer)
        return uniform_grid(p.low, p.high, k, runs)


def uniform_grid(low: float, high: float, k: int, runs: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """A prior U[low, high] on k cell midpoints: values (k,) and probabilities (runs, k)."""
    edges = np.linspace(low, high, k + 1)
    values = 0.5 * (edges[:-1] + edges[1:])
    return values, np.full((runs, k), 1.0 / k)


def draw_types(values: np.ndarray, probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(B,) index of each run's drawn type from its own distribution ``probs`` (B, K) over ``values``."""
    u = rng.random(probs.shape[0])
    cum = np.cumsum(probs, axis=1)
    return np.minimum((cum < (u * cum[:, -1])[:, None]).sum(axis=1), values.size - 1)


def accepts(offer_value: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """The responder's type-dependent rule: accept iff the offer is worth at least its type (ties accept)."""
    return np.asarray(offer_value) >= np.asarray(theta)


def acceptance_probability(offers: np.ndarray, values: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """(B, n) probability, under each run's belief ``probs`` (B, K) over types ``values`` (K,), that a responder
    playing :func:`accepts` takes each of ``offers`` (n,) or (B, n) (its value to the responder): the belief's
    cumulative mass at the offer, P(θ ≤ x), in O(B·(K + n))."""
    order = np.argsort(values, kind="stable")
    v = values[order]
    cum = np.concatenate([np.zeros((probs.shape[0], 1)), np.cumsum(probs[:, order], axis=1)], axis=1)
    off = np.asarray(offers, dtype=np.float64)
    at = np.searchsorted(v, off, side="right")
    if off.ndim == 1:
        return cum[:, at]
    return np.take_along_axis(cum, at, axis=1)


def response_likelihood(
    offer_value: np.ndarray, accepted: np.ndarray, values: np.ndarray, tremble: float = 0.0
) -> np.ndarray:
    """(B, K) likelihood of each run's observed response to its offer (worth ``offer_value`` (B,) to the
    responder) under each type, from :func:`accepts`: 1[θ ≤ x] for an acceptance, 1[θ > x] for a rejection;
    with probability ``tremble`` the response is the other one."""
    ok = values[None, :] <= np.asarray(offer_value, dtype=np.float64)[:, None]
    same = np.where(np.asarray(accepted, dtype=bool)[:, None], ok, ~ok)
    return np.where(same, 1.0 - tremble, tremble)


def bayes_update(probs: np.ndarray, likelihood: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Posterior ∝ prior × likelihood per run (Bayes' rule); where the observation had probability zero under
    the prior the prior is kept. Returns (posterior (B, K), P(observation) (B,))."""
    joint = probs * likelihood
    mass = joint.sum(axis=1)
    safe = np.where(mass > 0, mass, 1.0)
    post = np.where((mass > 0)[:, None], joint / safe[:, None], probs)
    return post, mass


def posterior_mean(values: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """(B,) mean type under each run's belief."""
    return probs @ values
