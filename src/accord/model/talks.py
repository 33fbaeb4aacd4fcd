"""Pure data describing staged talks and the implementation of an agreement.

These are the model-level counterparts of the scenario file's ``tracks``, ``private`` and
``implementation`` blocks (built by :mod:`accord.io.schema_talks`). The engines that run them live in
:mod:`accord.protocols.tracks` (talks) and :mod:`accord.implementation` (implementation); the meaning of
every field is documented in docs/models/tracks.md and docs/models/implementation.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from accord.model.beliefs import PrivateInfo
from accord.model.expr import Expression
from accord.model.scenario import Scenario

Role = Literal["envoy", "leader"]
Consequence = Literal["snapback", "suspension", "collapse", "none"]
CONSEQUENCES: tuple[str, ...] = ("snapback", "suspension", "collapse", "none")


@dataclass(frozen=True)
class Mandate:
    """What a leader allows its envoy: a floor on the envoy's (expected) utility and red lines."""

    min_utility: float | None = None
    constraints: tuple[Expression, ...] = ()


@dataclass(frozen=True)
class Stakes:
    """A leader's own stakes at a summit (Fearon 1994 audience costs; a signing's prestige).

    A deal that breaks the leader's ``public_demand`` costs ``audience_cost``; without a public demand the
    cost is ``audience_cost`` times the shortfall of the deal from the leader's opening position
    (its best outcome on the table). Any deal adds ``prestige``.
    """

    audience_cost: float = 0.0
    public_demand: Expression | None = None
    prestige: float = 0.0


@dataclass(frozen=True)
class Stage:
    """One stage of talks (working level, summit, ...)."""

    name: str
    rounds: int
    roles: Mapping[str, Role]
    strategies: Mapping[str, str] = field(default_factory=dict)
    agenda: tuple[str, ...] | None = None
    settle: bool = True
    narrow: bool = True
    mandates: Mapping[str, Mandate] = field(default_factory=dict)
    stakes: Mapping[str, Stakes] = field(default_factory=dict)
    table: Expression | None = None
    opener: str | None = None
    valuation: Literal["nominal", "implemented"] = "nominal"
    description: str = ""
    #: P(the talks break down) after each round of the stage without agreement (Binmore et al. 1986).
    breakdown_risk: float = 0.0

    def __post_init__(self) -> None:
        if self.rounds < 1:
            raise ValueError(f"stage {self.name!r}: at least one round")
        if not 0.0 <= self.breakdown_risk <= 1.0:  # also refuses NaN
            raise ValueError(f"stage {self.name!r}: breakdown_risk {self.breakdown_risk!r} not in [0, 1]")


@dataclass(frozen=True)
class Action:
    """One party's scheduled delivery: move ``issue`` toward ``value`` (the agreed value caps it)."""

    party: str
    issue: str
    value: int  # value index
    only_if: str | None = None  # a fact: the action exists only in worlds where it is true
    detection_probability: float | None = None  # overrides the regime's for this action


@dataclass(frozen=True)
class Step:
    name: str
    actions: tuple[Action, ...]
    inspection_rate: Mapping[str, float] = field(default_factory=dict)  # per inspected party; overrides


@dataclass(frozen=True)
class Verification:
    """The inspection regime: per inspected party, the chance of an inspection at each step and the chance
    that an inspection finds a given open violation; what detection triggers; inspection costs (the
    inspector's ``inspection_cost`` e and the legal inspectee's ``nuisance_cost`` h of Avenhaus et al. 2002)."""

    inspection_rate: Mapping[str, float]
    detection_probability: Mapping[str, float]
    on_detection: Mapping[str, Consequence]
    inspection_cost: float = 0.0
    nuisance_cost: float = 0.0


@dataclass(frozen=True)
class ThreatComponent:
    """A share of the weapons programme, dismantled when ``issue`` reaches ``at`` (a value index); with no
    issue (``None``, ``at`` -1) no agreement in the scenario covers it."""

    name: str
    share: float
    issue: str | None
    at: int
    only_if: str | None = None


@dataclass(frozen=True)
class ImplementationSpec:
    steps: tuple[Step, ...]
    verification: Verification
    compliance: Mapping[str, str]
    status_quo: Mapping[str, int]  # issue -> value index before the agreement
    irreversible: Mapping[str, int] = field(default_factory=dict)  # issue -> level from which nothing reverts
    threat_party: str | None = None
    threat: tuple[ThreatComponent, ...] = ()
    relief_party: str | None = None


@dataclass(frozen=True)
class TalksScenario:
    """A scenario with its staged talks, private information, implementation and variants.

    ``document`` is the parsed file (variants are applied to it); ``variant`` names the variant this object
    is (None for the base scenario).
    """

    scenario: Scenario
    stages: tuple[Stage, ...]
    private: PrivateInfo
    implementation: ImplementationSpec | None
    variants: Mapping[str, Mapping[str, Any]]
    document: Mapping[str, Any]
    variant: str | None = None
    history: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def party_names(self) -> tuple[str, ...]:
        return self.scenario.party_names
