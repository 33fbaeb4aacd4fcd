"""Scenario types: pure data describing a negotiation, and its compiled (array) form.

A :class:`Scenario` holds the outcome space, the parties with their preferences, the protocol
settings and the description and sources. :meth:`Scenario.compile` evaluates every party's
preferences once into a read-only float64 array over all outcomes (the hot path of every
strategy and analysis); many runs of one scenario share it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from accord.errors import InputError
from accord.model.preferences import Preferences
from accord.model.space import DEFAULT_ENUMERATION_LIMIT, OutcomeSpace

#: Most rounds of a negotiation (a deadline) or of one stage of talks; checked before anything is allocated.
MAX_ROUNDS = 100_000


@dataclass(frozen=True)
class Party:
    name: str
    preferences: Preferences
    strategy: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Protocol:
    """The protocol: its registered name (``type``, see :mod:`accord.protocols.registry`), the deadline
    in rounds (alternating offers: every party acts once a round; single text: one mediator proposal a
    round), who opens (alternating offers), the probability that the talks break down after each round
    without agreement (``breakdown_risk``, Binmore, Rubinstein and Wolinsky 1986), and the protocol's own
    further settings (``options``)."""

    deadline: int = 100
    opener: str | None = None
    type: str = "alternating_offers"
    options: Mapping[str, object] = field(default_factory=dict, hash=False)
    breakdown_risk: float = 0.0

    def __post_init__(self) -> None:
        if self.deadline < 1:
            raise InputError(None, "protocol.deadline", "a positive number of rounds", self.deadline)
        if not 0.0 <= self.breakdown_risk <= 1.0:  # also refuses NaN
            raise InputError(None, "protocol.breakdown_risk", "a probability in [0, 1]", self.breakdown_risk)


@dataclass(frozen=True, eq=False)  # identity hash: compiled arrays are cached per scenario object
class Scenario:
    name: str
    space: OutcomeSpace
    parties: tuple[Party, ...]
    protocol: Protocol = field(default_factory=Protocol)
    description: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    history: dict[str, object] = field(default_factory=dict)
    path: str | None = None
    format: str = "accord"
    notes: str = ""

    def __post_init__(self) -> None:
        if len(self.parties) < 2:
            raise InputError(self.path, "parties", "at least two parties", len(self.parties))
        names = [p.name for p in self.parties]
        if len(set(names)) != len(names):
            raise InputError(self.path, "parties", "unique party names", names)
        if self.protocol.opener is not None and self.protocol.opener not in names:
            raise InputError(
                self.path, "protocol.opener", f"one of the parties {names}", self.protocol.opener
            )

    @property
    def has_constraints(self) -> bool:
        """Some party has hard constraints."""
        return any(p.preferences.constraints for p in self.parties)

    @property
    def party_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parties)

    def party_index(self, name: str) -> int:
        try:
            return self.party_names.index(name)
        except ValueError:
            raise InputError(self.path, "parties", f"one of {list(self.party_names)}", name) from None

    def select(self, names: Sequence[str]) -> Scenario:
        """The same scenario restricted to the named parties (in the given order)."""
        chosen = tuple(self.parties[self.party_index(n)] for n in names)
        opener = self.protocol.opener if self.protocol.opener in names else None
        return replace(self, parties=chosen, protocol=replace(self.protocol, opener=opener))

    def with_protocol(self, **changes: object) -> Scenario:
        return replace(self, protocol=replace(self.protocol, **changes))  # type: ignore[arg-type]

    def compile(self, limit: int = DEFAULT_ENUMERATION_LIMIT) -> CompiledScenario:
        """Evaluate every party's preferences over all outcomes (guarded by ``limit``)."""
        self.space.check_enumerable("compiling the scenario", limit, self.path)
        return CompiledScenario(self)


class CompiledScenario:
    """Array form of a scenario: ``utilities[i, ω]``, ``acceptable[i, ω]``, reservations, discounts."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.space = scenario.space
        n = scenario.space.size
        self.utilities = np.empty((len(scenario.parties), n), dtype=np.float64)
        for i, p in enumerate(scenario.parties):
            self.utilities[i] = p.preferences.evaluate_all()
        self.utilities.setflags(write=False)
        self.reservations = np.array([p.preferences.reservation for p in scenario.parties], dtype=np.float64)
        self.discounts = np.array([p.preferences.discount for p in scenario.parties], dtype=np.float64)
        self._orders: dict[int, np.ndarray] = {}

    @property
    def n_parties(self) -> int:
        return self.utilities.shape[0]

    @cached_property
    def acceptable(self) -> np.ndarray:
        """``acceptable[i, ω]``: outcome ω satisfies party i's hard constraints."""
        idx = np.arange(self.space.size, dtype=np.int64)
        out = np.ones(self.utilities.shape, dtype=bool)
        for i, p in enumerate(self.scenario.parties):
            if p.preferences.constraints:
                out[i] = p.preferences.acceptable(idx)
        out.setflags(write=False)
        return out

    @cached_property
    def feasible(self) -> np.ndarray:
        """Outcomes every party's hard constraints allow."""
        return self.acceptable.all(axis=0)

    def require_offers(self) -> None:
        """Refuse a negotiation in which some party's hard constraints exclude every outcome: it could
        neither offer nor accept anything (staged talks, whose envoys and leaders walk away instead, do
        not call this)."""
        if not self.has_constraints:
            return
        for i in np.flatnonzero(~self.acceptable.any(axis=1)):
            raise InputError(
                self.scenario.path,
                f"parties.{self.scenario.parties[i].name}.constraints",
                "hard constraints that leave the party at least one outcome it may offer",
                f"none of the {self.space.size:,} outcomes satisfies them",
            )

    @cached_property
    def has_constraints(self) -> bool:
        return self.scenario.has_constraints

    def cached_order(self, party: int) -> np.ndarray | None:
        return self._orders.get(party)

    def order(self, party: int) -> np.ndarray:
        """Outcome indices sorted by ``party``'s utility, best first (ties by index); cached."""
        o = self._orders.get(party)
        if o is None:
            o = np.argsort(-self.utilities[party], kind="stable")
            o.setflags(write=False)
            self._orders[party] = o
        return o


def scenario_runs(scenario: Scenario | Sequence[Scenario], runs: int | None) -> list[Scenario]:
    """The scenario of every run: ``runs`` of one scenario (default 1), or a sequence, one per run
    (``runs``, if given, must be their number)."""
    if isinstance(scenario, Scenario):
        runs = 1 if runs is None else runs
        if runs < 1:
            raise InputError(None, "runs", "a positive number of runs", runs)
        return [scenario] * runs
    scs = list(scenario)
    if runs is not None and runs != len(scs):
        raise InputError(None, "runs", f"the number of scenarios ({len(scs)})", runs)
    if not scs:
        raise InputError(None, "runs", "a positive number of runs", 0)
    return scs
