"""Read and write accord's own scenario files (YAML).

``load_yaml`` parses with a safe loader (no Python objects, YAML 1.2 scalars: only ``true``/``false``
are booleans, ``1e-3`` is a number, ``yes``/``no``/``on``/``off`` and dates stay text, duplicate keys are
errors), validates with the pydantic schema in :mod:`accord.io.schema`, compiles every expression and
builds a :class:`~accord.model.scenario.Scenario`. Every problem becomes one
:class:`~accord.errors.InputError` naming the file, the line, the dotted field (``parties.usa.weights.
yongbyon``) and what was expected. ``dump_yaml`` writes a scenario back; loading what it wrote gives
the same utility for every outcome, bit for bit. The format is documented in docs/scenario-format.md.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ValidationError

from accord.errors import ExpressionError, InputError
from accord.io import schema as S
from accord.io import schema_talks as T
from accord.io.prepare import prepare_document
from accord.model import valuefn
from accord.model.expr import Expression, compile_expression
from accord.model.issues import Issue
from accord.model.preferences import Preferences, Term
from accord.model.scenario import Party, Protocol, Scenario
from accord.model.space import OutcomeSpace
from accord.yaml_dialect import Dumper as _Dumper
from accord.yaml_dialect import Loc
from accord.yaml_dialect import dotted as _dotted
from accord.yaml_dialect import line_of as _line
from accord.yaml_dialect import parse as _parse
from accord.yaml_dialect import read_text as _read_text

__all__ = ["load_yaml", "loads_yaml", "dump_yaml", "dumps_yaml", "scenario_to_dict", "scenario_json_schema"]

scenario_json_schema = S.scenario_json_schema

# ------------------------------------------------------------------------------ pydantic error → message

_MISSING = {
    "steps": "`steps`, the number of evenly spaced points (at least 2): a real issue must be discretised",
    "deadline": "`deadline`, the number of rounds (at least 1)",
    "protocol": "a `protocol` block with at least `deadline: <rounds>`",
    "issues": "an `issues` block (at least one issue)",
    "parties": "a `parties` block (at least two parties)",
}
_KINDS = {
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "dict_type": "a mapping (key: value pairs)",
    "model_type": "a mapping (key: value pairs)",
    "model_attributes_type": "a mapping (key: value pairs)",
    "list_type": "a list",
    "tuple_type": "a pair [x, score]",
}
_BOUNDS = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤", "less_than": "<"}
_KNOWN_KEYS = S.field_names()


def _known_keys() -> set[str]:
    """Every key of the foundation format and of its talks blocks (for "did you mean")."""
    global _ALL_KEYS
    if _ALL_KEYS is None:
        talks = {
            f
            for m in vars(T).values()
            if isinstance(m, type) and issubclass(m, BaseModel) and m is not BaseModel
            for f in m.model_fields
        }
        _ALL_KEYS = set(_KNOWN_KEYS) | talks | set(T.TALKS_KEYS)
    return _ALL_KEYS


_ALL_KEYS: set[str] | None = None


def _explain(err: Mapping[str, Any]) -> tuple[Loc, str, object]:
    """(location, expected, got) for one pydantic error."""
    kind = err["type"]
    raw: list[str | int] = [p for p in err["loc"] if p not in S.TAGS]
    got = err.get("input")
    ctx = err.get("ctx") or {}
    if raw and raw[-1] == "[key]":
        raw.pop()
        got = raw[-1] if raw else got
        if kind == "label":
            return tuple(raw), "a value label: text, a number or true/false", got
        return tuple(raw), "a name: non-empty text without leading or trailing spaces", got
    loc = tuple(raw)
    last = str(loc[-1]) if loc else ""
    if kind == "missing":
        return loc, _MISSING.get(last, f"the required key `{last}`"), None
    if kind == "extra_forbidden":
        if len(loc) == 1 and last in S.RESERVED_KEYS:
            return loc, f"a key this version reads: `{last}` ({S.RESERVED_KEYS[last]}) is planned", None
        close = difflib.get_close_matches(last, sorted(_known_keys()), n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        return loc, f"no key `{last}` here{hint}", None
    if kind in _KINDS:
        return loc, _KINDS[kind], got
    if kind in _BOUNDS:
        bound = next(iter(ctx.values()), "?")
        return loc, f"a number {_BOUNDS[kind]} {bound}", got
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        what = {"parties": "parties", "issues": "issue" if n == 1 else "issues"}.get(last, "entries")
        return loc, f"at least {n} {what}", got if not isinstance(got, dict | list) else len(got)
    if kind == "literal_error":
        return loc, f"one of {ctx.get('expected')}", got
    if kind == "issue_form" and isinstance(got, dict) and "type" in got:
        return (*loc, "type"), "an issue type: categorical, integer or real", got["type"]
    if kind == "value_error":
        return loc, str(err["msg"]).removeprefix("Value error, "), got
    msg = str(err["msg"])
    return loc, msg.removeprefix("Input should be "), got


def _explain_first(errors: list[Any], explain: Any = None) -> tuple[Loc, str, object]:
    """:func:`_explain` of the first error; a missing key whose misspelling is given beside it says so
    (pydantic reports ``deadline`` missing, and an unknown ``deadlin`` later or, where a block allows
    further keys, not at all)."""
    loc, expected, got = (explain or _explain)(errors[0])
    given = errors[0].get("input")
    if errors[0]["type"] == "missing" and loc and isinstance(given, Mapping):
        key = str(loc[-1])
        close = difflib.get_close_matches(key, [str(k) for k in given if k != key], n=1, cutoff=0.6)
        if close:
            return loc, f"{expected} (`{close[0]}` is given: did you mean `{key}`?)", got
    return loc, expected, got


# ----------------------------------------------------------------------------------------------- loading


def load_yaml(path: str | Path) -> Scenario:
    """Load and validate an accord scenario file; every problem raises :class:`InputError`."""
    return loads_yaml(_read_text(path), str(path))


def loads_yaml(text: str, file: str = "<string>") -> Scenario:
    """Like :func:`load_yaml` for YAML given as a string (``file`` names it in errors)."""
    data, node = _parse(text, file)
    if not isinstance(data, dict):
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        raise InputError(file, None, "a mapping at the top level (name:, issues:, parties:, protocol:)", got)
    try:
        data = prepare_document(data, file)
    except InputError as exc:
        if exc.line is None and exc.field and exc.file == file:
            loc = tuple(int(k) if k.isdigit() else k for k in exc.field.split("."))
            raise InputError(
                file, exc.field, exc.expected, exc.got, line=_line(node, loc), more=exc.more
            ) from None
        raise
    try:
        spec = S.ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        loc, expected, got = _explain_first(errors)
        raise InputError(
            file, _dotted(loc) or None, expected, got, line=_line(node, loc), more=len(errors) - 1
        ) from None
    except RecursionError:
        raise InputError(file, None, "a document nested less deeply") from None
    sc = _Builder(file, node, _fact_flags(spec)).build(spec)
    _check_talks(data, file, node)
    return sc


def _check_talks(data: dict[str, Any], file: str, node: yaml.Node | None) -> None:
    """Validate the talks blocks (and every variant) once, at load, so that a command that reads only the
    bargaining space (``accord analyze``) refuses what ``accord run`` would refuse."""
    from accord.io.talks import has_talks, talks_from_document, variant_names

    if not has_talks(data):
        return
    talks_from_document(data, file, node=node)
    for v in variant_names(data):
        talks_from_document(data, file, node=node, variant=v)


def _fact_flags(spec: S.ScenarioSpec) -> frozenset[str]:
    """Names of the private facts, usable as flags in party expressions (accord.io.talks)."""
    return frozenset(spec.private.facts) if spec.private is not None else frozenset()


class _Builder:
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
        prefs = Preferences(space, weights, tuple(scores), terms, constraints, 0.0, p.discount)
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


# ----------------------------------------------------------------------------------------------- writing


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data in the file format (score functions written as tables)."""
    sp = scenario.space
    doc: dict[str, Any] = {"format_version": S.FORMAT_VERSION, "name": scenario.name}
    if scenario.description:
        doc["description"] = scenario.description
    if scenario.sources:
        doc["sources"] = dict(scenario.sources)
    doc["issues"] = {iss.name: _issue_doc(iss) for iss in sp.issues}
    doc["parties"] = {p.name: _party_doc(sp, p) for p in scenario.parties}
    proto: dict[str, Any] = {}
    if scenario.protocol.type != S.DEFAULT_PROTOCOL:
        proto["type"] = scenario.protocol.type
    proto["deadline"] = int(scenario.protocol.deadline)
    if scenario.protocol.opener is not None:
        proto["opener"] = scenario.protocol.opener
    if scenario.protocol.breakdown_risk:
        proto["breakdown_risk"] = float(scenario.protocol.breakdown_risk)
    proto.update(scenario.protocol.options)
    doc["protocol"] = proto
    if scenario.history:
        doc["history"] = {k: v for k, v in scenario.history.items() if v not in ("", None)}
    if scenario.notes:
        doc["notes"] = scenario.notes
    # Private facts the preferences name: written as this Scenario evaluates them, every fact false
    # (the talks loader, accord.io.talks, keeps the file's own declarations, beliefs and signals).
    exprs = [
        e
        for p in scenario.parties
        for e in (*(t.condition for t in p.preferences.terms), *p.preferences.constraints)
    ]
    facts = sorted({f for e in exprs for f in e.flags_used})
    if facts:
        doc["private"] = {"facts": {f: {"true_value": False} for f in facts}}
    return doc


def _issue_doc(iss: Issue) -> Any:
    if iss.kind == "categorical":
        return list(iss.values)
    if iss.kind == "ordinal":
        return {"values": list(iss.values), "ordered": True}
    lo, hi = iss.lower, iss.upper
    if lo is None or hi is None:
        pass
    elif iss.kind == "integer" and iss.values == tuple(range(int(lo), int(hi) + 1)):
        return {"type": "integer", "lower": int(lo), "upper": int(hi)}
    elif iss.kind == "real" and iss.size >= 2 and iss.values == Issue.real(iss.name, lo, hi, iss.size).values:
        return {"type": "real", "lower": float(lo), "upper": float(hi), "steps": iss.size}
    raise InputError(
        None, f"issues.{iss.name}", f"a {iss.kind} issue with evenly spaced values from lower to upper"
    )


def _party_doc(sp: OutcomeSpace, party: Party) -> dict[str, Any]:
    pr = party.preferences
    if pr.flags:
        raise InputError(
            None, f"parties.{party.name}", "preferences without private facts (not yet writable)"
        )
    doc: dict[str, Any] = {}
    if party.description:
        doc["description"] = party.description
    weights: dict[str, float] = {}
    scores: dict[str, dict[Any, float]] = {}
    for iss, w, s in zip(sp.issues, pr.weights, pr.scores, strict=True):
        if w == 0 and not s.any():
            continue
        weights[iss.name] = float(w)
        scores[iss.name] = {_plain(v): float(x) for v, x in zip(iss.values, s, strict=True)}
    doc["weights"] = weights
    doc["scores"] = scores
    if pr.terms:
        doc["terms"] = [
            {"when": t.condition.text, "value": float(t.value), **({"note": t.note} if t.note else {})}
            for t in pr.terms
        ]
    if pr.constraints:
        doc["constraints"] = [c.text for c in pr.constraints]
    doc["reservation"] = float(pr.reservation)
    doc["discount"] = float(pr.discount)
    if party.strategy is not None:
        doc["strategy"] = party.strategy
    return doc


def _plain(v: object) -> object:
    return v.item() if isinstance(v, np.generic) else v


def dumps_yaml(scenario: Scenario) -> str:
    """The scenario as accord YAML text (see :func:`scenario_to_dict`)."""
    return yaml.dump(
        scenario_to_dict(scenario),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=110,
    )


def dump_yaml(scenario: Scenario, path: str | Path) -> None:
    """Write ``scenario`` to ``path`` as accord YAML; ``load_yaml(path)`` gives the same utilities."""
    text = dumps_yaml(scenario)
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), None, f"a writable path ({exc.strerror})") from None


# ------------------------------------------------------------------------- plain documents (experiments)


def read_document(path: str | Path) -> dict[str, Any]:
    """The parsed but not yet validated document of a scenario file (experiments draw its uncertain numbers)."""
    file = str(path)
    data, _node = _parse(_read_text(path), file)
    if not isinstance(data, dict):
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        raise InputError(file, None, "a mapping at the top level (name:, issues:, parties:, protocol:)", got)
    return data


def scenario_from_dict(doc: Mapping[str, Any], path: str | Path | None = None) -> Scenario:
    """Validate a plain document (e.g. with its uncertain numbers drawn) and build the scenario."""
    file = str(path) if path is not None else "<document>"
    doc = prepare_document(doc, file)
    try:
        spec = S.ScenarioSpec.model_validate(doc)
    except ValidationError as exc:
        errors = exc.errors()
        loc, expected, got = _explain_first(errors)
        raise InputError(file, _dotted(loc) or None, expected, got, more=len(errors) - 1) from None
    return _Builder(file, None, _fact_flags(spec)).build(spec)
