"""Schema of the scenario file's talks blocks: ``tracks``, ``private``, ``implementation``, ``variants``.

Pydantic models (``extra="forbid"`` like the rest of the format, see :mod:`accord.io.schema`); the
reference is docs/scenario-format.md and docs/models/*.md. :mod:`accord.io.talks` builds model objects from
them and checks every name (parties, issues, values, facts) against the scenario.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Strict, Tag

from accord.model.scenario import MAX_ROUNDS

Prob = Annotated[float, Strict(), Field(ge=0, le=1, allow_inf_nan=False)]
Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]
NonNegative = Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)]
Text = Annotated[str, Strict()]
Flag = Annotated[bool, Strict()]
Role = Literal["envoy", "leader"]
ConsequenceName = Literal["snapback", "suspension", "collapse", "none"]

#: Top-level keys these models add to the scenario format.
TALKS_KEYS = ("tracks", "private", "implementation", "variants")
#: Tags of the discriminated unions below; they appear in pydantic error locations and are dropped.
TAGS = frozenset(
    {"{stage}", "{stage_name}", "{probability}", "{per_party}", "{text}", "{action}", "{one}", "{each}"}
)


def _form(mapping: str, other: str):  # noqa: ANN202
    return lambda v: mapping if isinstance(v, dict) else other


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ------------------------------------------------------------------------------------------------ tracks


class MandateSpec(_Strict):
    """What a leader allows its envoy."""

    min_utility: Number | None = Field(
        None, description="The envoy offers and accepts nothing worth less to its side."
    )
    constraints: list[Text] = Field(
        default_factory=list, description="Red lines: expressions every deal must satisfy."
    )


class StakesSpec(_Strict):
    """A leader's own stakes at this stage (Fearon 1994 audience costs; prestige of a signing)."""

    audience_cost: NonNegative = Field(0.0, description="Cost of a deal that breaks the public demand.")
    public_demand: Text | None = Field(
        None,
        description="Expression the leader publicly demanded; without it the cost is proportional to the "
        "deal's shortfall from the leader's opening position.",
    )
    prestige: Number = Field(0.0, description="Added to the leader's utility of any deal.")


class StageSpec(_Strict):
    """One stage of talks (working level, summit, ...)."""

    name: Text = Field(min_length=1)
    description: Text = ""
    rounds: Annotated[int, Strict()] = Field(
        ge=1, le=MAX_ROUNDS, description="Rounds (every negotiator acts once per round; 1 to 100,000)."
    )
    negotiators: dict[Text, Role] = Field(
        default_factory=dict, description="Party -> envoy or leader (default leader)."
    )
    strategies: dict[Text, Text] = Field(
        default_factory=dict, description="Party -> strategy spec (default: `envoy` or `leader` by role)."
    )
    agenda: list[Text] | None = Field(
        None, description="Issues this stage may settle or narrow (default: all)."
    )
    settle: Flag = Field(True, description="Fix agenda issues agreed or on which final positions coincide.")
    narrow: Flag = Field(True, description="Keep only the options between the parties' final positions.")
    mandates: dict[Text, MandateSpec] = Field(default_factory=dict)
    stakes: dict[Text, StakesSpec] = Field(default_factory=dict)
    table: Text | None = Field(
        None, description="Expression limiting the packages on the table in this stage."
    )
    opener: Text | None = None
    valuation: Literal["nominal", "implemented"] = Field(
        "nominal",
        description="Value deals by their utility, or by their expected value after implementation.",
    )
    breakdown_risk: Prob = Field(
        0.0,
        description="Probability that the talks break down after each round of this stage without agreement "
        "(Binmore, Rubinstein and Wolinsky 1986); a breakdown ends the talks.",
    )


StageRef = Annotated[
    Annotated[StageSpec, Tag("{stage}")] | Annotated[Text, Tag("{stage_name}")],
    Discriminator(_form("{stage}", "{stage_name}")),
]

# ------------------------------------------------------------------------------------------------ private


class FactSpec(_Strict):
    """A private fact: its truth (or nature's probability of it) and the priors of the parties unaware of it."""

    description: Text = ""
    true_value: Flag | None = None
    probability: Prob | None = Field(None, description="Nature draws the fact per run with this probability.")
    beliefs: dict[Text, Prob] = Field(
        default_factory=dict, description="Party -> prior P(true); parties not listed know the truth."
    )


class SignalSpec(_Strict):
    """An observation with declared likelihoods (Bayes' rule)."""

    fact: Text
    observer: Text
    sender: Text
    kind: Literal["offer", "inspection"] = "offer"
    when: Text | None = Field(
        None, description="offer: the condition on the sender's position that is observed."
    )
    p_true: Prob = Field(description="P(condition holds / violation found | fact true).")
    p_false: Prob = Field(description="P(condition holds / violation found | fact false).")
    note: Text = ""


class DemandSpec(_Strict):
    """While ``party`` believes ``fact`` with probability >= ``above`` it requires ``require``."""

    party: Text
    fact: Text
    above: Prob
    require: Text
    note: Text = ""


class TypeSpec(_Strict):
    """A private type (accord.bargaining.types): a number only ``party`` knows, drawn by nature per run uniformly
    from ``range`` (the model's own uncertainty; not an uncertain number of the scenario)."""

    party: Text
    kind: Literal["reservation", "audience_cost"] = Field(
        description="What the number is: the party's walk-away value, or its audience cost of retreat."
    )
    range: tuple[Number, Number] = Field(description="[low, high]: nature draws the type uniformly from it.")
    note: Text = ""


class PrivateSpec(_Strict):
    facts: dict[Text, FactSpec] = Field(default_factory=dict)
    signals: list[SignalSpec] = Field(default_factory=list)
    demands: list[DemandSpec] = Field(default_factory=list)
    types: dict[Text, TypeSpec] = Field(default_factory=dict, description="Name -> a private type.")
    type_priors: dict[Text, dict[Text, tuple[Number, Number]]] = Field(
        default_factory=dict,
        description="Observer -> type -> [low, high] of its (non-common) prior; default: nature's range.",
    )


# ------------------------------------------------------------------------------------------ implementation


class ActionSpec(_Strict):
    do: Text = Field(
        description="`issue = value`: move the issue toward this value (capped at the agreed value)."
    )
    only_if: Text | None = Field(None, description="A fact: the action exists only where it is true.")
    detection_probability: Prob | None = None


ActionForm = Annotated[
    Annotated[ActionSpec, Tag("{action}")] | Annotated[Text, Tag("{text}")],
    Discriminator(_form("{action}", "{text}")),
]


class StepSpec(BaseModel):
    """One step: ``name``, optional ``inspection_rate`` overrides, and per party its action(s)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    name: Text | None = None
    inspection_rate: dict[Text, Prob] = Field(default_factory=dict)


PerParty = Annotated[
    Annotated[dict[Text, Prob], Tag("{per_party}")] | Annotated[Prob, Tag("{probability}")],
    Discriminator(_form("{per_party}", "{probability}")),
]
OnDetection = Annotated[
    Annotated[dict[Text, ConsequenceName], Tag("{each}")] | Annotated[ConsequenceName, Tag("{one}")],
    Discriminator(_form("{each}", "{one}")),
]


class VerificationSpec(_Strict):
    inspection_rate: PerParty = Field(
        0.0, description="Probability of an inspection of a party at each step."
    )
    detection_probability: PerParty = Field(
        1.0, description="Probability an inspection finds an open violation."
    )
    on_detection: OnDetection = "none"
    inspection_cost: NonNegative = Field(0.0, description="e: each other party's cost per inspection.")
    nuisance_cost: NonNegative = Field(0.0, description="h: a legal inspectee's cost per inspection.")


class ComponentSpec(_Strict):
    """A share of the programme, dismantled when ``issue`` reaches ``at``; without an issue no deal covers it."""

    name: Text
    share: NonNegative
    issue: Text | None = None
    at: Any = Field(None, description="The value of `issue` that dismantles the component.")
    only_if: Text | None = None


class ThreatSpec(_Strict):
    party: Text
    components: list[ComponentSpec] = Field(min_length=1)


class RatificationSpec(_Strict):
    """The party's domestic pivot (Putnam 1988; Iida 1993): it ratifies a signed deal iff the party's gain over
    its walk-away value is at least ``threshold``: a number, or ``[low, high]`` for a threshold drawn uniformly
    per run (the negotiators' uncertainty about the pivot, part of the model; not an uncertain number of the
    scenario, which ``{uniform: ...}`` would be)."""

    threshold: Number | tuple[Number, Number] = Field(
        description="How much better than no deal the deal must be for the pivot (utility scale)."
    )
    note: Text = ""


class ElectionSpec(_Strict):
    """A scheduled election: the party's government changes with probability ``turnover``."""

    party: Text
    year: NonNegative = Field(description="Years after signature.")
    turnover: Prob
    note: Text = ""


class ImplementationBlock(_Strict):
    status_quo: dict[Text, Any] = Field(
        default_factory=dict, description="Issue -> value before the agreement."
    )
    schedule: list[StepSpec] = Field(min_length=1)
    verification: VerificationSpec = Field(default_factory=VerificationSpec)
    compliance: dict[Text, Text] = Field(
        default_factory=dict,
        description="Party -> its compliance strategy: faithful, opportunist, conditional or random(p=...) "
        "(docs/models/implementation.md; default faithful).",
    )
    irreversible: dict[Text, Any] = Field(default_factory=dict)
    threat: ThreatSpec | None = None
    relief_party: Text | None = None
    ratification: dict[Text, RatificationSpec] = Field(
        default_factory=dict, description="Party -> its domestic pivot (ratification after signature)."
    )
    hazard: dict[Text, Prob] = Field(
        default_factory=dict,
        description="Party -> per-year probability of a change of government or preferences that can end the deal.",
    )
    elections: list[ElectionSpec] = Field(default_factory=list)
    renege: Prob = Field(
        1.0, description="Probability that a change of government or preferences ends the deal."
    )


class TalksSpec(_Strict):
    """The talks blocks of a scenario file (the rest of the file is :class:`accord.io.schema.ScenarioSpec`)."""

    tracks: list[StageRef] | None = None
    private: PrivateSpec | None = None
    implementation: ImplementationBlock | None = None
    variants: dict[Text, dict[Text, Any]] = Field(default_factory=dict)
