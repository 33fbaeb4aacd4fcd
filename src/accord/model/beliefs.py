"""Private facts, each party's belief about them, and Bayes' rule.

A *fact* is a proposition with a true value that some parties know and others only believe with a
probability (e.g. "undeclared enrichment sites exist"). Preferences may depend on facts through the
expression language's flags (``Preferences.flags``): a term ``undeclared_sites_exist and yongbyon ==
dismantle_all`` only counts in the worlds where the fact is true. With k facts there are 2^k *worlds*
(bit f of a world index is fact f); every party's utility is compiled once per world, and a party that is
unsure evaluates an outcome by its expected utility over the worlds it deems possible:

    EU_i(ω) = Σ_w P_i(w) · U_i,w(ω),     P_i(w) = Π_f b_if^[w_f] (1 − b_if)^[1 − w_f]

(facts are independent a priori; Harsanyi 1967-68, "Games with incomplete information played by
'Bayesian' players", Management Science 14). Beliefs change only through *signals* with declared
likelihoods: an observation o about fact f moves party i's belief by Bayes' rule

    b' = b · P(o | f) / (b · P(o | f) + (1 − b) · P(o | ¬f)).

Two kinds of observation are modelled: a party's *position* in the talks (its final offer in a stage, or
an offer it receives) satisfying a condition, and an *inspection* of a party finding a violation or not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from accord.model.expr import Expression
from accord.model.scenario import Scenario

#: Most private facts a scenario may declare (2^k worlds are compiled).
MAX_FACTS = 6


@dataclass(frozen=True)
class Fact:
    """A private fact. ``true_value`` is the truth; with ``probability`` set instead, nature draws it per run.

    ``beliefs`` maps each party that does not know the fact to its prior P(true); every other party knows it.
    """

    name: str
    true_value: bool | None
    beliefs: Mapping[str, float]
    probability: float | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if (self.true_value is None) == (self.probability is None):
            raise ValueError(f"fact {self.name!r}: give exactly one of true_value and probability")


@dataclass(frozen=True)
class Signal:
    """An observation with declared likelihoods.

    ``kind == "offer"``: observer sees ``sender``'s position; the observation is whether ``condition`` holds
    for it. ``kind == "inspection"``: an inspection of ``sender`` finds a violation (``condition`` unused).
    ``p_true`` / ``p_false``: probability of the *positive* observation (condition holds / violation found)
    if the fact is true / false; the negative observation has the complements.
    """

    fact: str
    observer: str
    sender: str
    kind: Literal["offer", "inspection"]
    p_true: float
    p_false: float
    condition: Expression | None = None
    note: str = ""


@dataclass(frozen=True)
class Demand:
    """A belief-dependent demand: while ``party`` believes ``fact`` with probability >= ``above``, it only
    offers and accepts outcomes where ``require`` holds (e.g. a declaration when hidden sites are likely)."""

    party: str
    fact: str
    above: float
    require: Expression
    note: str = ""


@dataclass(frozen=True)
class PrivateInfo:
    """All private facts of a scenario with the signals that update beliefs and belief-dependent demands."""

    facts: tuple[Fact, ...] = ()
    signals: tuple[Signal, ...] = ()
    demands: tuple[Demand, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.facts)

    @property
    def n_worlds(self) -> int:
        return 1 << len(self.facts)

    def fact_index(self, name: str) -> int:
        return self.names.index(name)

    def draw_truth(self, rng: np.random.Generator | None) -> np.ndarray:
        """The true value of every fact for one run (drawn from ``rng`` where a fact has a probability).

        The generator is used only if some fact is drawn, so fixed facts never consume random numbers.
        """
        out = np.zeros(len(self.facts), dtype=bool)
        for k, f in enumerate(self.facts):
            if f.true_value is not None:
                out[k] = f.true_value
            else:
                if rng is None:
                    raise ValueError(f"fact {f.name!r} is drawn per run and needs a random generator")
                out[k] = bool(rng.random() < float(f.probability))  # type: ignore[arg-type]
        return out

    def priors(self, party_names: Sequence[str], truth: np.ndarray) -> np.ndarray:
        """``b[i, f]``: party i's prior P(fact f true); parties without a declared belief know the truth."""
        b = np.empty((len(party_names), len(self.facts)), dtype=np.float64)
        for f, fact in enumerate(self.facts):
            for i, name in enumerate(party_names):
                b[i, f] = float(fact.beliefs[name]) if name in fact.beliefs else float(truth[f])
        return b

    @property
    def drawn(self) -> bool:
        return any(f.true_value is None for f in self.facts)


def world_index(truth: np.ndarray) -> int:
    """Index of the world where the facts take the values ``truth`` (bit f = fact f)."""
    return int(sum(1 << f for f, v in enumerate(truth) if v))


def world_flags(names: Sequence[str], world: int) -> dict[str, bool]:
    """The flag environment (fact name -> value) of a world."""
    return {n: bool(world >> f & 1) for f, n in enumerate(names)}


def world_weights(belief: np.ndarray) -> np.ndarray:
    """P(w) for every world from independent fact probabilities ``belief[..., f]`` (shape ``(..., 2^k)``)."""
    b = np.asarray(belief, dtype=np.float64)
    k = b.shape[-1]
    out = np.ones((*b.shape[:-1], 1 << k), dtype=np.float64)
    worlds = np.arange(1 << k)
    for f in range(k):
        bit = (worlds >> f) & 1
        out = out * np.where(bit == 1, b[..., f, None], 1.0 - b[..., f, None])
    return out


def bayes(
    prior: np.ndarray | float, p_obs_true: np.ndarray | float, p_obs_false: np.ndarray | float
) -> np.ndarray:
    """Posterior P(fact | observation) by Bayes' rule; where the observation is impossible either way the
    prior is kept (no information)."""
    p = np.asarray(prior, dtype=np.float64)
    num = p * p_obs_true
    den = num + (1.0 - p) * p_obs_false
    with np.errstate(invalid="ignore", divide="ignore"):
        post = np.where(den > 0, num / np.where(den > 0, den, 1.0), p)
    return post


def offer_likelihoods(
    private: PrivateInfo,
    observer: str,
    sender: str,
    space_digits: list[np.ndarray],
    env: Mapping[str, bool] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """For every outcome ω (given by its digits), the likelihood of "sender's position is ω" under each fact
    being true and false, as seen by ``observer``: arrays ``(n_facts, n_outcomes)``. Several signals about one
    fact multiply (they are treated as independent observations)."""
    n = space_digits[0].shape[0]
    k = len(private.facts)
    l_true = np.ones((k, n), dtype=np.float64)
    l_false = np.ones((k, n), dtype=np.float64)
    for s in private.signals:
        if s.kind != "offer" or s.observer != observer or s.sender != sender or s.condition is None:
            continue
        f = private.fact_index(s.fact)
        holds = np.broadcast_to(s.condition.evaluate_digits(space_digits, env or {}), (n,))
        l_true[f] *= np.where(holds, s.p_true, 1.0 - s.p_true)
        l_false[f] *= np.where(holds, s.p_false, 1.0 - s.p_false)
    return l_true, l_false


def update_on_position(
    private: PrivateInfo,
    belief: np.ndarray,
    observer: int,
    sender: int,
    names: Sequence[str],
    digits: list[np.ndarray],
) -> None:
    """Update ``belief[observer]`` in place after seeing ``sender``'s position (the outcome with ``digits``)."""
    lt, lf = offer_likelihoods(private, names[observer], names[sender], digits)
    belief[observer] = bayes(belief[observer], lt[:, 0], lf[:, 0])


def update_on_inspection(
    private: PrivateInfo, belief: np.ndarray, inspected: str, found: np.ndarray | bool, names: Sequence[str]
) -> None:
    """Update every observer's belief after an inspection of ``inspected`` that found a violation or not.

    ``belief`` may carry leading run axes: shape ``(..., n_parties, n_facts)``; ``found`` broadcasts over them.
    """
    found = np.asarray(found, dtype=bool)
    for s in private.signals:
        if s.kind != "inspection" or s.sender != inspected:
            continue
        i = names.index(s.observer)
        f = private.fact_index(s.fact)
        lt = np.where(found, s.p_true, 1.0 - s.p_true)
        lf = np.where(found, s.p_false, 1.0 - s.p_false)
        belief[..., i, f] = bayes(belief[..., i, f], lt, lf)


@dataclass
class WorldArrays:
    """Every party's utility and acceptability in every world: ``utilities[i, w, ω]``, ``acceptable[i, w, ω]``."""

    utilities: np.ndarray
    acceptable: np.ndarray
    reservations: np.ndarray
    fact_names: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_worlds(self) -> int:
        return self.utilities.shape[1]

    def expected(self, party: int, weights: np.ndarray) -> np.ndarray:
        """EU of every outcome for ``party`` under world probabilities ``weights`` (shape ``(2^k,)``)."""
        return weights @ self.utilities[party]

    def robust_acceptable(self, party: int, weights: np.ndarray) -> np.ndarray:
        """Outcomes acceptable to ``party`` in every world it deems possible (weight > 0)."""
        possible = np.flatnonzero(weights > 0)
        return self.acceptable[party, possible].all(axis=0)


def compile_worlds(scenario: Scenario, private: PrivateInfo) -> WorldArrays:
    """Evaluate every party's preferences in every world (2^k evaluations of each party's array)."""
    names = private.names
    k = len(names)
    if k > MAX_FACTS:
        raise ValueError(f"at most {MAX_FACTS} private facts (2^k worlds are compiled), got {k}")
    n = scenario.space.size
    n_p = len(scenario.parties)
    U = np.empty((n_p, 1 << k, n), dtype=np.float64)
    A = np.ones((n_p, 1 << k, n), dtype=bool)
    idx = np.arange(n, dtype=np.int64)
    for w in range(1 << k):
        flags = world_flags(names, w)
        for i, p in enumerate(scenario.parties):
            prefs = replace(p.preferences, flags=flags) if k else p.preferences
            U[i, w] = prefs.evaluate_all()
            if prefs.constraints:
                A[i, w] = prefs.acceptable(idx)
    U.setflags(write=False)
    A.setflags(write=False)
    res = np.array([p.preferences.reservation for p in scenario.parties], dtype=np.float64)
    return WorldArrays(U, A, res, tuple(names))
