"""The schema of accord's own scenario files (YAML), as pydantic models.

Every level forbids unknown keys (``extra="forbid"``), so a misspelt key is an error, never silently
ignored. Numbers are strict (a quoted ``"0.3"`` or ``true`` is not a number) and finite. Where a key
can take several forms (an issue, a score function, a reservation value), a small discriminator
picks the form from the shape of the input, so an error speaks about the form the author meant.

Planned extensions have their places marked ``# later:``: ``tracks``, ``private`` facts and beliefs,
``implementation``, ``variants`` and ``stakeholders`` at the top level (:data:`RESERVED_KEYS`), and
uncertain numbers (distributions) as further forms of :data:`Reservation` and the other numbers.
The reference of the format is docs/scenario-format.md; ``accord schema`` prints
:func:`scenario_json_schema`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Strict,
    StringConstraints,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from accord.io import schema_talks as T
from accord.model.scenario import MAX_ROUNDS

#: Version of the file format this module reads and writes.
FORMAT_VERSION = 1
#: Most values one issue may have (an integer range or a real discretisation).
MAX_ISSUE_VALUES = 1_000_000
#: Keys a score mapping treats as a function rather than a table.
FUNCTION_KEYS = ("linear", "triangular", "piecewise", "constant")
#: Top-level keys that later versions will read; today they give a specific "not yet" error.
RESERVED_KEYS = {
    "stakeholders": "stakeholder (actor) tables",
}
#: Tags of the discriminated unions; they appear in pydantic error locations and are dropped.
TAGS = frozenset(
    {
        "{list}",
        "{categorical}",
        "{integer}",
        "{real}",
        "{table}",
        "{linear}",
        "{triangular}",
        "{piecewise}",
        "{constant}",
        "{number}",
        "{outcome}",
        "{no_agreement}",
        "{agreement}",
    }
)

TAGS = TAGS | T.TAGS  # the talks blocks' union tags (accord.io.schema_talks)

Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]  # later: | Distribution
NonNegative = Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)]
Count = Annotated[int, Strict()]
Text = Annotated[str, Strict()]
Name = Annotated[str, Strict(), StringConstraints(min_length=1, pattern=r"^\S(.*\S)?$")]


def _label(v: Any) -> str | int | float | bool:
    if isinstance(v, str | int) or (isinstance(v, float) and math.isfinite(v)):
        return v
    raise PydanticCustomError("label", "a value: text, a finite number, or true/false")


Label = Annotated[
    str | int | float | bool,
    PlainValidator(_label),
    WithJsonSchema({"type": ["string", "number", "boolean"]}),
]
"""A value label as YAML gives it: text, a number, or true/false (categorical labels become text)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------------------------- issues


def _unique(values: list[Any]) -> list[Any]:
    labels = [str(v) for v in values]
    dup = sorted({v for v in labels if labels.count(v) > 1})
    if dup:
        raise ValueError(f"distinct values; {dup[0]!r} appears twice")
    return values


Values = Annotated[list[Label], Field(min_length=1), AfterValidator(_unique)]


class CategoricalIssue(_Strict):
    """Long form of a categorical issue: ``{values: [...], ordered: true}``."""

    type: Literal["categorical"] = "categorical"
    values: Values = Field(description="The options, in order if `ordered` is true.")
    ordered: Annotated[bool, Strict()] = Field(
        False, description="True if the options are ranked (allows <, >, linear scores)."
    )


class IntegerIssue(_Strict):
    """Every whole number from ``lower`` to ``upper`` (both included)."""

    type: Literal["integer"]
    lower: Count = Field(ge=-(2**53), le=2**53)
    upper: Count = Field(ge=-(2**53), le=2**53)

    @field_validator("upper")
    @classmethod
    def _range(cls, v: int, info: ValidationInfo) -> int:
        lo = info.data.get("lower")
        if lo is not None:
            if v < lo:
                raise ValueError(f"an upper bound at least the lower bound {lo}")
            if v - lo + 1 > MAX_ISSUE_VALUES:
                raise ValueError(f"at most {MAX_ISSUE_VALUES:,} values (upper - lower + 1)")
        return v


class RealIssue(_Strict):
    """A real range discretised into ``steps`` evenly spaced points, both ends included."""

    type: Literal["real"]
    lower: Number
    upper: Number
    steps: Count = Field(
        ge=2, le=MAX_ISSUE_VALUES, description="Number of evenly spaced points; required (no default)."
    )

    @field_validator("upper")
    @classmethod
    def _range(cls, v: float, info: ValidationInfo) -> float:
        lo = info.data.get("lower")
        if lo is not None and not v > lo:
            raise ValueError(f"an upper bound above the lower bound {lo}")
        if lo is not None and not math.isfinite(v - lo):
            raise ValueError("a range whose width upper - lower is a finite number")
        return v


def _issue_form(v: Any) -> str | None:
    if isinstance(v, list):
        return "{list}"
    if isinstance(v, dict):
        t = v.get("type", "categorical")
        if t in ("categorical", "integer", "real"):
            return "{" + t + "}"
    return None


Issue = Annotated[
    Annotated[Values, Tag("{list}")]
    | Annotated[CategoricalIssue, Tag("{categorical}")]
    | Annotated[IntegerIssue, Tag("{integer}")]
    | Annotated[RealIssue, Tag("{real}")],
    Discriminator(
        _issue_form,
        custom_error_type="issue_form",
        custom_error_message="an issue: a list of values, {values: [...], ordered: true}, "
        "{type: integer, lower, upper} or {type: real, lower, upper, steps}",
    ),
]

# ------------------------------------------------------------------------------------- score functions


class LinearParams(_Strict):
    slope: Number
    offset: Number = 0.0
    clip: Annotated[bool, Strict()] = Field(False, description="Clip the scores to [0, 1] (as GENIUS does).")


class LinearScore(_Strict):
    """``offset + slope * x``; x is the number (integer, real issues) or the rank 0, 1, ... (ordered)."""

    linear: LinearParams


class TriangularParams(_Strict):
    lower: Number
    peak: Number
    upper: Number

    @field_validator("peak")
    @classmethod
    def _peak(cls, v: float, info: ValidationInfo) -> float:
        lo = info.data.get("lower")
        if lo is not None and v < lo:
            raise ValueError(f"a peak at or above lower ({lo})")
        return v

    @field_validator("upper")
    @classmethod
    def _upper(cls, v: float, info: ValidationInfo) -> float:
        lo, pk = info.data.get("lower"), info.data.get("peak")
        if pk is not None and v < pk:
            raise ValueError(f"an upper end at or above the peak ({pk})")
        if lo is not None and not v > lo:
            raise ValueError(f"an upper end above lower ({lo})")
        return v


class TriangularScore(_Strict):
    """1 at ``peak``, falling linearly to 0 at ``lower`` and ``upper``, 0 outside."""

    triangular: TriangularParams


def _distinct_x(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    xs = [p[0] for p in points]
    if len(set(xs)) != len(xs):
        raise ValueError("points with distinct x")
    return points


class PiecewiseScore(_Strict):
    """Linear interpolation through ``[[x, score], ...]``; flat beyond the first and last point."""

    piecewise: Annotated[list[tuple[Number, Number]], Field(min_length=2), AfterValidator(_distinct_x)]


class ConstantScore(_Strict):
    """The same score for every value."""

    constant: Number


ScoreTable = Annotated[dict[Label, Number], Field(min_length=1)]
"""``{value: score}`` with a score for every value of the issue."""


def _score_form(v: Any) -> str | None:
    if not isinstance(v, dict):
        return None
    for k in ("linear", "triangular", "piecewise"):
        if isinstance(v.get(k), dict | list):
            return "{" + k + "}"
    if len(v) == 1 and "constant" in v:
        return "{constant}"
    return "{table}"


Score = Annotated[
    Annotated[ScoreTable, Tag("{table}")]
    | Annotated[LinearScore, Tag("{linear}")]
    | Annotated[TriangularScore, Tag("{triangular}")]
    | Annotated[PiecewiseScore, Tag("{piecewise}")]
    | Annotated[ConstantScore, Tag("{constant}")],
    Discriminator(
        _score_form,
        custom_error_type="score_form",
        custom_error_message="a score function: a table {value: score}, {linear: {slope, offset}}, "
        "{triangular: {lower, peak, upper}}, {piecewise: [[x, score], ...]} or {constant: c}",
    ),
]

# --------------------------------------------------------------------------------------------- parties


class TermSpec(_Strict):
    """A non-additive term: ``value`` is added to the utility of every outcome where ``when`` holds."""

    when: Text = Field(description="A condition in accord's expression language.")
    value: Number = Field(description="Added when the condition holds (negative: a penalty).")
    note: Text = ""


class ReservationOutcome(_Strict):
    """The reservation value as the party's utility of a status-quo outcome (like GeniusWeb's reservationBid)."""

    outcome: dict[Name, Label]
    offset: Number = Field(
        0.0,
        description="Added to the utility of the status-quo outcome: how much more (or less) than the status "
        "quo no deal is worth to the party (its outside option; may be drawn per run).",
    )


def _reservation_form(v: Any) -> str | None:
    if isinstance(v, dict):
        return "{outcome}"  # later: {uniform: [a, b]}, {normal: ...} for uncertain walk-away values
    return "{number}"


Reservation = Annotated[
    Annotated[Number, Tag("{number}")] | Annotated[ReservationOutcome, Tag("{outcome}")],
    Discriminator(_reservation_form),
]


class PartySpec(_Strict):
    """One party: its additive preferences, non-additive terms, hard constraints and walk-away value."""

    description: Text = ""
    weights: dict[Name, NonNegative] = Field(
        default_factory=dict,
        description="Weight per issue (not renormalised; an absent issue has weight 0).",
    )
    scores: dict[Name, Score] = Field(
        default_factory=dict, description="Score function per issue with a non-zero weight."
    )
    terms: list[TermSpec] = Field(default_factory=list)
    constraints: list[Text] = Field(
        default_factory=list, description="Expressions every acceptable outcome must satisfy."
    )
    reservation: Reservation = Field(0.0, description="Utility of no agreement (walk-away value).")
    discount: Number = Field(1.0, gt=0, le=1, description="d in U(ω)·d^t, t ∈ [0, 1] the normalised time.")
    cap: Number | None = Field(
        None,
        description="Utilities above this are this: GENIUS's min(sum, 1), written when a GENIUS profile's "
        "weighted scores can sum above 1.",
    )
    strategy: Text | None = Field(
        None, description="Default negotiating strategy (a name or spec such as 'aspiration(e=2)')."
    )
    # later: beliefs about private facts, per-track negotiators, uncertain numbers


#: The protocol a scenario runs when its ``protocol`` block names no ``type``.
DEFAULT_PROTOCOL = "alternating_offers"


class ProtocolSpec(_Strict):
    """The protocol: its registered name, the deadline in rounds, who opens, and its own settings.

    ``type`` names a protocol of :mod:`accord.protocols.registry` (``accord protocols`` lists them); the
    keys besides ``type``, ``deadline`` and ``opener`` are that protocol's own settings (for
    ``single_text``: ``start``), checked by the protocol when the scenario is run.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    type: Name = Field(
        DEFAULT_PROTOCOL,
        description="The protocol: alternating_offers (default), single_text, or one installed by a "
        "package (accord protocols lists them).",
    )
    deadline: Count = Field(
        ge=1,
        le=MAX_ROUNDS,
        description="Number of rounds (1 to 100,000; single_text: number of mediator proposals).",
    )
    opener: Name | None = Field(
        None, description="alternating_offers: the party that makes the first offer (default: the first)."
    )
    breakdown_risk: Annotated[float, Strict(), Field(ge=0, le=1, allow_inf_nan=False)] = Field(
        0.0,
        description="Probability that the talks break down after each round without agreement "
        "(Binmore, Rubinstein and Wolinsky 1986).",
    )


def _history_form(v: Any) -> str:
    return "{agreement}" if isinstance(v, dict) else "{no_agreement}"


class HistorySpec(_Strict):
    """What happened: ``no_agreement`` or the agreed outcome ``{issue: value}``."""

    outcome: Annotated[
        Annotated[Literal["no_agreement"], Tag("{no_agreement}")]
        | Annotated[dict[Name, Label], Tag("{agreement}")],
        Discriminator(_history_form),
    ] = Field(description="'no_agreement', or the agreed outcome as {issue: value}.")
    note: Text = ""
    date: Text | None = None
    implementation: Literal["completed", "collapsed"] | None = Field(
        None, description="For an agreement: whether its implementation was completed or collapsed."
    )
    category: Literal["no_agreement", "agreement_completed", "agreement_collapsed"] | None = Field(
        None,
        description="The case's outcome coded at a five-year horizon from `date` (docs/scenario-format.md).",
    )


class ScenarioSpec(_Strict):
    """A negotiation scenario: issues, parties, protocol, and where every number comes from."""

    format_version: Literal[1] = Field(FORMAT_VERSION, description="Version of the scenario file format.")
    name: Name
    description: Text = ""
    sources: dict[Name, Text] = Field(default_factory=dict, description="Source id -> citation.")
    issues: dict[Name, Issue] = Field(min_length=1)
    parties: dict[Name, PartySpec] = Field(min_length=2, description="At least two parties.")
    protocol: ProtocolSpec
    history: HistorySpec | None = None
    notes: Text = ""
    # Staged talks, private facts, implementation and variants: accord.io.schema_talks (built by accord.io.talks).
    tracks: list[T.StageRef] | None = Field(
        None, description="Stages of the talks (working level, summit, ...)."
    )

    @field_validator("tracks")
    @classmethod
    def _tracks_alternate(cls, v: Any, info: ValidationInfo) -> Any:
        proto = info.data.get("protocol")
        if v is not None and proto is not None and proto.type != DEFAULT_PROTOCOL:
            raise ValueError(
                f"no tracks with protocol.type {proto.type!r}: staged talks run {DEFAULT_PROTOCOL}"
            )
        return v

    private: T.PrivateSpec | None = Field(None, description="Private facts, beliefs, signals, demands.")
    implementation: T.ImplementationBlock | None = Field(
        None,
        description="How a signed deal is carried out: its schedule of reciprocal steps, verification, compliance.",
    )
    variants: dict[Text, dict[Text, Any]] = Field(
        default_factory=dict,
        description="Variant name -> the fields it overrides, merged into the base document (a mapping key by key, "
        "null removes, a stage named in `tracks` merges into the base stage; scenario-format.md, Variants).",
    )
    # later: stakeholders (see RESERVED_KEYS)


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of the scenario file format (what ``accord schema`` prints), every field described."""
    from accord.io.schema_docs import describe

    schema = describe(ScenarioSpec.model_json_schema())
    schema["$id"] = f"https://accord.invalid/scenario/v{FORMAT_VERSION}"
    schema["title"] = "accord scenario"
    return schema


def field_names() -> set[str]:
    """Every key any level of the format knows (used to suggest a spelling for an unknown key)."""
    out: set[str] = set()
    for m in (
        ScenarioSpec,
        PartySpec,
        ProtocolSpec,
        HistorySpec,
        TermSpec,
        CategoricalIssue,
        IntegerIssue,
        RealIssue,
        LinearParams,
        TriangularParams,
        ReservationOutcome,
    ):
        out.update(m.model_fields)
    out.update(FUNCTION_KEYS)
    return out
