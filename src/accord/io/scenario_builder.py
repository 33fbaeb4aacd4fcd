"""A validated scenario specification (:class:`accord.io.schema.ScenarioSpec`) as model objects: issues,
score functions, preferences, parties and protocol (:class:`ScenarioBuilder`); the first semantic error
raises an :class:`~accord.errors.InputError` with its field and line. Used by the YAML loader
(:mod:`accord.io.yaml_scenario`) and by the talks reader (:mod:`accord.io.talks`) for the foundation scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import yaml

from accord.errors import ExpressionError, InputError
from accord.io import schema as S
from accord.model import valuefn
from accord.model.expr import Expression, compile_expression
from accord.model.issues import Issue
from accord.model.preferences import Preferences, Term
from accord.model.scenario import Party, Protocol, Scenario
from accord.model.space import OutcomeSpace
from accord.yaml_dialect import Loc
from accord.yaml_dialect import dotted as _dotted
from accord.yaml_dialect import line_of as _line

__all__ = ["ScenarioBuilder", "fact_flags"]


def fact_flags(spec: S.ScenarioSpec) -> frozenset[str]:
    """Names of the private facts, usable as flags in party expressions (accord.io.talks)."""
    return frozenset(spec.private.facts) if spec.private is not None else frozenset()


class ScenarioBuilder:
    """Turns a validated :class:`ScenarioSpec` into model objects; raises the first semantic error."""

    def __init__(self, file: str, node: yaml.Node | None, flags: frozenset[str] = frozenset()) -> None:
        self.file = file
        self.node = node
        self.flags = flags

    def fail(self, loc: Loc, expected: str, got: object = None) -> InputError:
        return InputError(self.file, _dotted(loc), expected, got, line=_line(self.node, loc))

    def build(self, spec: S.ScenarioSpec) -> Scenario:
        issues = [self.issue(name, s) for name, s in spec.issues.items()]
        try:
            space = OutcomeSpace(issues)
        except InputError as exc:
            line = _line(self.node, ("issues",))
            raise InputError(self.file, exc.field, exc.expected, exc.got, line=line) from None
        parties = tuple(self.party(space, name, p) for name, p in spec.parties.items())
        names = [p.name for p in parties]
        opener = spec.protocol.opener
        if opener is not None and opener not in names:
            raise self.fail(("protocol", "opener"), f"one of the parties {names}", opener)
        history: dict[str, object] = {}
        if spec.history is not None:
            out = spec.history.outcome
            if isinstance(out, dict):
                self.outcome_index(space, out, ("history", "outcome"))
                out = dict(out)
            history = {"outcome": out, "note": spec.history.note}
            if spec.history.date is not None:
                history["date"] = spec.history.date
            if spec.history.implementation is not None:
                history["implementation"] = spec.history.implementation
            if spec.history.category is not None:
                if (spec.history.category == "no_agreement") != (out == "no_agreement"):
                    raise self.fail(
                        ("history", "category"),
                        "no_agreement exactly when the outcome is no_agreement",
                        spec.history.category,
                    )
                history["category"] = spec.history.category
        return Scenario(
            name=spec.name,
            space=space,
            parties=parties,
            protocol=Protocol(
                spec.protocol.deadline,
                opener,
                spec.protocol.type,
                dict(spec.protocol.model_extra or {}),
                float(spec.protocol.breakdown_risk),
            ),
            description=spec.description,
            sources=dict(spec.sources),
            history=history,
            path=self.file,
            format="accord",
            notes=spec.notes,
        )

    def issue(self, name: str, s: Any) -> Issue:
        if isinstance(s, S.IntegerIssue):
            return Issue.integer(name, s.lower, s.upper)
        if isinstance(s, S.RealIssue):
            return Issue.real(name, s.lower, s.upper, s.steps)
        if isinstance(s, S.CategoricalIssue):
            return Issue.categorical(name, [str(v) for v in s.values], ordered=s.ordered)
        return Issue.categorical(name, [str(v) for v in s])

    def outcome_index(self, space: OutcomeSpace, outcome: Mapping[str, object], loc: Loc) -> int:
        for iss in space.issues:
            if iss.name not in outcome:
                raise self.fail(loc, f"a value for every issue; `{iss.name}` is missing")
            if self.value_index(iss, outcome[iss.name]) is None:
                raise self.fail(
                    (*loc, iss.name), f"a value of issue {iss.name}: one of {_shown(iss)}", outcome[iss.name]
                )
        for key in outcome:
            if key not in space.names:
                raise self.fail((*loc, key), f"an issue among {list(space.names)}", key)
        return space.index({k: self.label(space.issue(k), v) for k, v in outcome.items()})

    @staticmethod
    def label(iss: Issue, v: object) -> object:
        return str(v) if iss.kind in ("categorical", "ordinal") else v

    def value_index(self, iss: Issue, v: object) -> int | None:
        if isinstance(v, bool) and iss.kind in ("integer", "real"):
            return None
        try:
            return iss.index_of(self.label(iss, v))
        except KeyError:
            return None

    def party(self, space: OutcomeSpace, name: str, p: S.PartySpec) -> Party:
        base: Loc = ("parties", name)
        for block in ("weights", "scores"):
            for key in getattr(p, block):
                if key not in space.names:
                    raise self.fail(
                        (*base, block, key), f"the name of an issue, one of {list(space.names)}", key
                    )
        weights = np.zeros(len(space.issues))
        scores = []
        for k, iss in enumerate(space.issues):
            w, s = p.weights.get(iss.name), p.scores.get(iss.name)
            if w is None and s is not None:
                raise self.fail(
                    (*base, "weights", iss.name),
                    f"a weight for issue {iss.name}, which has a score function (write 0 to ignore it)",
                )
            if w is not None and w > 0 and s is None:
                raise self.fail(
                    (*base, "scores", iss.name), f"a score function for issue {iss.name} (its weight is {w})"
                )
            weights[k] = 0.0 if w is None else w
            scores.append(
                np.zeros(iss.size) if s is None else self.score(iss, s, (*base, "scores", iss.name))
            )
        terms = tuple(
            Term(self.expression(space, t.when, (*base, "terms", i, "when")), t.value, t.note)
            for i, t in enumerate(p.terms)
        )
        constraints = tuple(
            self.expression(space, c, (*base, "constraints", i)) for i, c in enumerate(p.constraints)
        )
        prefs = Preferences(space, weights, tuple(scores), terms, constraints, 0.0, p.discount, cap=p.cap)
        res = p.reservation
        if isinstance(res, S.ReservationOutcome):
            idx = self.outcome_index(space, res.outcome, (*base, "reservation", "outcome"))
            res = float(prefs.evaluate(np.int64(idx))) + float(res.offset)
        return Party(name, prefs.with_reservation(float(res)), p.strategy, p.description)

    def expression(self, space: OutcomeSpace, text: str, loc: Loc) -> Expression:
        try:
            return compile_expression(text, space, self.flags)
        except ExpressionError as exc:
            raise self.fail(loc, f"an expression over the issues ({exc})", text) from None
        except RecursionError:
            raise self.fail(loc, "an expression nested less deeply", text) from None

    def score(self, iss: Issue, s: Any, loc: Loc) -> np.ndarray:
        if isinstance(s, dict):
            out = np.full(iss.size, np.nan)
            for key, v in s.items():
                i = self.value_index(iss, key)
                if i is None:
                    raise self.fail((*loc, key), f"a value of issue {iss.name}: one of {_shown(iss)}", key)
                out[i] = v
            missing = [iss.values[i] for i in np.flatnonzero(np.isnan(out))]
            if missing:
                raise self.fail(loc, f"a score for every value of {iss.name}; missing: {missing[:8]}")
            return out
        if isinstance(s, S.ConstantScore):
            return valuefn.constant(iss, s.constant)
        kind = next(iter(type(s).model_fields))
        if not iss.ordered:
            raise self.fail(
                (*loc, kind), f"a table: `{kind}` needs an ordered, integer or real issue ({iss.name} is not)"
            )
        if isinstance(s, S.LinearScore):
            return valuefn.linear(iss, s.linear.slope, s.linear.offset, clip=s.linear.clip)
        if isinstance(s, S.TriangularScore):
            t = s.triangular
            return valuefn.triangular(iss, t.lower, t.peak, t.upper)
        assert isinstance(s, S.PiecewiseScore)
        return valuefn.piecewise(iss, s.piecewise)


def _shown(iss: Issue) -> list[object]:
    vals = list(iss.values)
    return vals if len(vals) <= 12 else [*vals[:12], "..."]
