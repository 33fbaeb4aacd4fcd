"""Load a scenario with its talks (tracks, private facts, implementation) and apply its variants.

:func:`load_talks` reads an accord YAML file, builds the base :class:`~accord.model.scenario.Scenario`
with the foundation loader (party expressions may name private facts as flags), validates the talks blocks
(:mod:`accord.io.schema_talks`) and checks every name against the scenario. Every problem is an
:class:`~accord.errors.InputError` naming the file, the dotted field and what was expected.

Variants (``variants: {name: {field: override}}``) are applied to the parsed document before validation:
mappings merge key by key, ``null`` removes a key, other values replace. In ``tracks`` a mapping whose
``name`` is a base stage's merges into it and every stage not named is kept; ``{name: STAGE, drop: true}``
removes a stage, and :func:`variant_changes` says so, for front ends to warn.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from accord.errors import ExpressionError, InputError
from accord.implementation.compliance import RANDOM, parse_compliance
from accord.io import schema as S
from accord.io import schema_talks as T
from accord.io.prepare import prepare_document
from accord.io.scenario_builder import ScenarioBuilder
from accord.io.schema_errors import explain, explain_first
from accord.model.beliefs import MAX_FACTS, Demand, Fact, PrivateInfo, Signal
from accord.model.expr import Expression, compile_expression
from accord.model.scenario import Scenario
from accord.model.talks import (
    Action,
    ImplementationSpec,
    Mandate,
    Stage,
    Stakes,
    Step,
    TalksScenario,
    ThreatComponent,
    Verification,
)
from accord.yaml_dialect import Loc, dotted, line_of, parse, read_text

_ASSIGN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*(.+?)\s*$")


def has_talks(document: Mapping[str, Any]) -> bool:
    """True if a parsed scenario document declares any talks block."""
    return any(document.get(k) is not None for k in T.TALKS_KEYS)


def read(path: str | Path) -> tuple[dict[str, Any], Any]:
    """The parsed document of a scenario file and its YAML node (for line numbers)."""
    file = str(path)
    data, node = parse(read_text(path), file)
    if not isinstance(data, dict):
        raise InputError(file, None, "a mapping at the top level (name:, issues:, parties:, protocol:)")
    return prepare_document(data, file), node


def load_talks(path: str | Path, variant: str | None = None) -> TalksScenario:
    """Load a scenario file with its talks; ``variant`` applies one of its declared variants."""
    doc, node = read(path)
    return talks_from_document(doc, str(path), node=node, variant=variant)


def variant_names(document: Mapping[str, Any]) -> list[str]:
    v = document.get("variants") or {}
    return list(v) if isinstance(v, dict) else []


def talks_from_document(
    doc: Mapping[str, Any], file: str = "<document>", node: Any = None, variant: str | None = None
) -> TalksScenario:
    """Build the talks scenario (optionally a variant of it) from a parsed document."""
    base_doc = dict(doc)
    if variant is not None:
        variants = doc.get("variants") or {}
        if not isinstance(variants, dict) or variant not in variants:
            raise InputError(file, "variants", f"one of the declared variants {variant_names(doc)}", variant)
        try:
            merged = apply_variant(doc, variant, file)
            return _Builder(file, None, prefix=f"variants.{variant}: ").build(merged, variant)
        except InputError as exc:
            if exc.field and exc.field.startswith("variants."):
                raise
            field = f"variants.{variant} -> {exc.field}" if exc.field else f"variants.{variant}"
            raise InputError(file, field, exc.expected, exc.got) from None
    return _Builder(file, node).build(base_doc, None)


def apply_variant(doc: Mapping[str, Any], name: str, file: str = "<document>") -> dict[str, Any]:
    """The document with variant ``name`` merged in (the variant's own block is dropped from the result)."""
    over = (doc.get("variants") or {})[name]
    if not isinstance(over, dict):
        raise InputError(file, f"variants.{name}", "a mapping of fields to override", over)
    known = set(S.ScenarioSpec.model_fields) | set(T.TALKS_KEYS)
    for key in over:
        if key not in known or key == "variants":
            raise InputError(
                file,
                f"variants.{name}.{key}",
                f"a field of the scenario to override, one of {sorted(known - {'variants'})}",
                key,
            )
    out = copy.deepcopy(dict(doc))
    out.pop("variants", None)
    for key, value in over.items():
        if key == "tracks" and value is not None:
            out["tracks"] = _merge_tracks(doc.get("tracks") or [], value, file, name)
        else:
            _merge(out, key, copy.deepcopy(value))
    return out


def _merge(target: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    elif isinstance(value, dict) and isinstance(target.get(key), dict):
        for k, v in value.items():
            _merge(target[key], k, v)
    else:
        target[key] = value


def _merge_tracks(base: list[Any], over: Any, file: str, name: str) -> list[Any]:
    """The base stages with a variant's ``tracks`` applied (docs/scenario-format.md, "Variants").

    A mapping whose ``name`` is a base stage merges into it; ``{name: STAGE, drop: true}`` removes it;
    a mapping with a new name adds a stage after the stage named before it in the list (first if none);
    every base stage the list does not name is kept as it is, in its place.
    """
    where = f"variants.{name}.tracks"
    if not isinstance(over, list):
        raise InputError(file, where, "a list of stage mappings ({name: STAGE, ...})", over)
    out = [copy.deepcopy(s) for s in base]
    by_name = {s.get("name"): k for k, s in enumerate(out) if isinstance(s, dict)}
    named: set[str] = set()
    at = 0  # where a new stage goes: after the last stage named so far
    for k, item in enumerate(over):
        loc = f"{where}[{k}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise InputError(file, loc, _STAGE_ITEM, item)
        stage = item["name"]
        if stage in named:
            raise InputError(file, f"{loc}.name", "a stage named once in the variant", stage)
        named.add(stage)
        drop = item.get("drop", False)
        if not isinstance(drop, bool):
            raise InputError(file, f"{loc}.drop", "true or false", drop)
        if stage in by_name:
            pos = by_name[stage]
            if drop:
                if set(item) - {"name", "drop"}:
                    raise InputError(file, loc, "only `name` and `drop` in a stage that is dropped", item)
                out[pos] = None
            else:
                for key, v in item.items():
                    if key != "drop":
                        _merge(out[pos], key, copy.deepcopy(v))
            at = pos + 1
        elif drop:
            raise InputError(file, f"{loc}.name", f"a base stage to drop, one of {list(by_name)}", stage)
        else:
            new = {key: copy.deepcopy(v) for key, v in item.items() if key != "drop"}
            out.insert(at, new)
            by_name = {s.get("name"): j for j, s in enumerate(out) if isinstance(s, dict)}
            at += 1
    return [s for s in out if s is not None]


_STAGE_ITEM = (
    "a stage mapping {name: STAGE, ...}: fields merge into the base stage of that name (every other base "
    "stage is kept); {name: STAGE, drop: true} removes a stage; a bare name selects nothing"
)


def variant_changes(document: Mapping[str, Any], name: str) -> list[str]:
    """What variant ``name`` changes from the base, in words (the blocks and stages it touches).

    Removals come first and start with "drops" or "removes", so a front end can show them as warnings.
    """
    over = (document.get("variants") or {}).get(name)
    if not isinstance(over, dict):
        return []
    removals: list[str] = []
    changes: list[str] = []
    for key, value in over.items():
        if value is None:
            removals.append(f"removes `{key}`")
        elif key == "tracks" and isinstance(value, list):
            base = [s.get("name") for s in document.get("tracks") or [] if isinstance(s, dict)]
            for item in value:
                if not isinstance(item, dict):
                    continue
                stage = item.get("name")
                if item.get("drop") is True:
                    removals.append(f"drops stage `{stage}`")
                elif stage in base:
                    fields = ", ".join(k for k in item if k != "name") or "nothing"
                    changes.append(f"stage `{stage}`: {fields}")
                else:  # a new stage; a name close to a base stage's is most likely a misspelling
                    close = difflib.get_close_matches(str(stage), [str(b) for b in base], n=1, cutoff=0.75)
                    hint = f" (not in the base; did you mean `{close[0]}`?)" if close else ""
                    changes.append(f"adds stage `{stage}`{hint}")
        elif isinstance(value, dict):
            changes.append(f"`{key}`: " + ", ".join(str(k) for k in value))
        else:
            changes.append(f"`{key}`")
    return removals + changes


class _Builder:
    def __init__(self, file: str, node: Any, prefix: str = "") -> None:
        self.file = file
        self.node = node
        self.prefix = prefix

    def fail(self, loc: Loc, expected: str, got: object = None) -> InputError:
        return InputError(self.file, dotted(loc), expected, got, line=line_of(self.node, loc))

    def build(self, doc: Mapping[str, Any], variant: str | None) -> TalksScenario:
        try:
            spec = T.TalksSpec.model_validate({k: doc[k] for k in T.TALKS_KEYS if k in doc})
        except ValidationError as exc:
            errors = exc.errors()
            loc, expected, got = explain_first(errors, _explain)
            raise InputError(
                self.file,
                dotted(loc) or None,
                expected,
                got,
                line=line_of(self.node, loc),
                more=len(errors) - 1,
            ) from None
        facts = tuple((spec.private.facts if spec.private else {}).keys())
        if len(facts) > MAX_FACTS:
            raise self.fail(("private", "facts"), f"at most {MAX_FACTS} private facts", len(facts))
        base_doc = {k: v for k, v in doc.items() if k not in T.TALKS_KEYS}
        sc = _base_scenario(base_doc, self.file, self.node, frozenset(facts))
        private = self.private(sc, spec.private)
        stages = self.stages(sc, spec.tracks, variant)
        impl = self.implementation(sc, private, spec.implementation) if spec.implementation else None
        if impl is not None:
            self.valuation_needs_exact(stages, impl)
        history = dict(doc.get("history") or {})
        return TalksScenario(sc, stages, private, impl, dict(spec.variants), dict(doc), variant, history)

    def valuation_needs_exact(self, stages: tuple[Stage, ...], impl: ImplementationSpec) -> None:
        """A stage with ``valuation: implemented`` values every deal by the exact expectation of its
        implementation, which needs deterministic compliance: a random strategy is refused here, at load."""
        implemented = [k for k, st in enumerate(stages) if st.valuation == "implemented"]
        if not implemented:
            return
        for p, c in impl.compliance.items():
            if parse_compliance(c)[0] == RANDOM:
                raise self.fail(
                    ("implementation", "compliance", p),
                    f"a deterministic compliance (faithful, opportunist, conditional) where a stage values deals "
                    f"as implemented (tracks[{implemented[0]}].valuation: implemented, an exact expectation); "
                    "use random compliance with valuation: nominal",
                    c,
                )

    # -------------------------------------------------------------------------------------------- helpers

    def party(self, sc: Scenario, name: str, loc: Loc) -> str:
        if name not in sc.party_names:
            raise self.fail(loc, f"a party, one of {list(sc.party_names)}", name)
        return name

    def expr(self, sc: Scenario, text: str, loc: Loc, flags: frozenset[str] = frozenset()) -> Expression:
        try:
            return compile_expression(text, sc.space, flags)
        except ExpressionError as exc:
            raise self.fail(loc, f"an expression over the issues ({exc})", text) from None

    def value(self, sc: Scenario, issue: str, value: object, loc: Loc) -> int:
        if issue not in sc.space.names:
            raise self.fail(loc, f"an issue, one of {list(sc.space.names)}", issue)
        iss = sc.space.issue(issue)
        v = str(value) if iss.kind in ("categorical", "ordinal") else value
        try:
            return iss.index_of(v)
        except KeyError:
            raise self.fail(loc, f"a value of issue {issue}, one of {list(iss.values)[:12]}", value) from None

    def fact(self, private: PrivateInfo, name: str | None, loc: Loc) -> str | None:
        if name is not None and name not in private.names:
            raise self.fail(loc, f"a declared private fact, one of {list(private.names)}", name)
        return name

    # --------------------------------------------------------------------------------------------- blocks

    def private(self, sc: Scenario, spec: T.PrivateSpec | None) -> PrivateInfo:
        if spec is None:
            return PrivateInfo()
        facts = []
        for name, f in spec.facts.items():
            loc: Loc = ("private", "facts", name)
            if (f.true_value is None) == (f.probability is None):
                raise self.fail(
                    loc, "exactly one of `true_value` (the truth) and `probability` (drawn per run)"
                )
            for p in f.beliefs:
                self.party(sc, p, (*loc, "beliefs", p))
            facts.append(Fact(name, f.true_value, dict(f.beliefs), f.probability, f.description))
        info = PrivateInfo(tuple(facts))
        flags = frozenset(info.names)
        signals = []
        for k, s in enumerate(spec.signals):
            loc = ("private", "signals", k)
            self.fact(info, s.fact, (*loc, "fact"))
            self.party(sc, s.observer, (*loc, "observer"))
            self.party(sc, s.sender, (*loc, "sender"))
            cond = None
            if s.kind == "offer":
                if s.when is None:
                    raise self.fail(
                        loc, "`when`: the condition on the sender's position an offer signal observes"
                    )
                cond = self.expr(sc, s.when, (*loc, "when"))
            elif s.when is not None:
                raise self.fail(
                    (*loc, "when"), "no condition for an inspection signal (it observes found / clean)"
                )
            signals.append(Signal(s.fact, s.observer, s.sender, s.kind, s.p_true, s.p_false, cond, s.note))
        demands = []
        for k, d in enumerate(spec.demands):
            loc = ("private", "demands", k)
            self.party(sc, d.party, (*loc, "party"))
            self.fact(info, d.fact, (*loc, "fact"))
            demands.append(
                Demand(d.party, d.fact, d.above, self.expr(sc, d.require, (*loc, "require")), d.note)
            )
        del flags
        return PrivateInfo(info.facts, tuple(signals), tuple(demands))

    def stages(self, sc: Scenario, specs: list[Any] | None, variant: str | None) -> tuple[Stage, ...]:
        if specs is None:  # the foundation protocol as a single leaders' stage
            return (
                Stage(
                    "talks",
                    sc.protocol.deadline,
                    {n: "leader" for n in sc.party_names},
                    {p.name: p.strategy for p in sc.parties if p.strategy},
                    opener=sc.protocol.opener,
                    breakdown_risk=sc.protocol.breakdown_risk,
                ),
            )
        out = []
        names: set[str] = set()
        for k, s in enumerate(specs):
            loc: Loc = ("tracks", k)
            if isinstance(s, str):
                raise self.fail(
                    loc, "a stage (a mapping with name and rounds); names of base stages only in variants", s
                )
            if s.name in names:
                raise self.fail((*loc, "name"), "a stage name used once", s.name)
            names.add(s.name)
            for p in (*s.negotiators, *s.strategies, *s.mandates, *s.stakes):
                self.party(sc, p, (*loc, "negotiators", p))
            for p, spec in s.strategies.items():
                import accord.strategies.belief_based  # noqa: F401
                from accord.strategies.spec import build_negotiator

                try:
                    build_negotiator(spec)
                except InputError as exc:
                    raise self.fail((*loc, "strategies", p), exc.expected, spec) from None
            if s.agenda is not None:
                for i, iss in enumerate(s.agenda):
                    if iss not in sc.space.names:
                        raise self.fail((*loc, "agenda", i), f"an issue, one of {list(sc.space.names)}", iss)
            if s.opener is not None:
                self.party(sc, s.opener, (*loc, "opener"))
            mandates = {
                p: Mandate(
                    m.min_utility,
                    tuple(
                        self.expr(sc, c, (*loc, "mandates", p, "constraints", i))
                        for i, c in enumerate(m.constraints)
                    ),
                )
                for p, m in s.mandates.items()
            }
            stakes = {
                p: Stakes(
                    st.audience_cost,
                    None
                    if st.public_demand is None
                    else self.expr(sc, st.public_demand, (*loc, "stakes", p, "public_demand")),
                    st.prestige,
                )
                for p, st in s.stakes.items()
            }
            roles = {n: s.negotiators.get(n, "leader") for n in sc.party_names}
            table = None if s.table is None else self.expr(sc, s.table, (*loc, "table"))
            out.append(
                Stage(
                    s.name,
                    s.rounds,
                    roles,
                    dict(s.strategies),
                    tuple(s.agenda) if s.agenda is not None else None,
                    s.settle,
                    s.narrow,
                    mandates,
                    stakes,
                    table,
                    s.opener,
                    s.valuation,
                    s.description,
                    float(s.breakdown_risk),
                )
            )
        if not out:
            raise self.fail(("tracks",), "at least one stage")
        return tuple(out)

    def implementation(
        self, sc: Scenario, private: PrivateInfo, b: T.ImplementationBlock
    ) -> ImplementationSpec:
        base: Loc = ("implementation",)
        sq = {iss: self.value(sc, iss, v, (*base, "status_quo", iss)) for iss, v in b.status_quo.items()}
        irr = {iss: self.value(sc, iss, v, (*base, "irreversible", iss)) for iss, v in b.irreversible.items()}
        steps = []
        for k, st in enumerate(b.schedule):
            loc: Loc = (*base, "schedule", k)
            acts = []
            for party, raw in (st.model_extra or {}).items():
                if party not in sc.party_names:  # a step's keys: name, inspection_rate, and the parties
                    fields = sorted(set(type(st).model_fields) - {"model_extra"})
                    close = difflib.get_close_matches(party, [*fields, *sc.party_names], n=1)
                    hint = f" (did you mean `{close[0]}`?)" if close else ""
                    raise self.fail(
                        (*loc, party),
                        f"a party, one of {list(sc.party_names)}, or one of {fields}{hint}",
                        party,
                    )
                if raw is None:
                    continue
                items = raw if isinstance(raw, list) else [raw]
                for i, item in enumerate(items):
                    aloc = (*loc, party) if not isinstance(raw, list) else (*loc, party, i)
                    acts.append(self.action(sc, private, party, item, aloc))
            for p in st.inspection_rate:
                self.party(sc, p, (*loc, "inspection_rate", p))
            steps.append(Step(st.name or f"step {k + 1}", tuple(acts), dict(st.inspection_rate)))
        v = b.verification
        ver = Verification(
            self.per_party(sc, v.inspection_rate, (*base, "verification", "inspection_rate")),
            self.per_party(sc, v.detection_probability, (*base, "verification", "detection_probability")),
            self.per_party(sc, v.on_detection, (*base, "verification", "on_detection")),
            v.inspection_cost,
            v.nuisance_cost,
        )
        for p, c in b.compliance.items():
            self.party(sc, p, (*base, "compliance", p))
            parse_compliance(c, self.file, dotted((*base, "compliance", p)))
        threat: tuple[ThreatComponent, ...] = ()
        tp = None
        if b.threat is not None:
            tp = self.party(sc, b.threat.party, (*base, "threat", "party"))
            comps = []
            for i, c in enumerate(b.threat.components):
                cl: Loc = (*base, "threat", "components", i)
                if (c.issue is None) != (c.at is None):
                    raise self.fail(cl, "both `issue` and `at` (the value that dismantles it), or neither")
                at = -1 if c.issue is None else self.value(sc, c.issue, c.at, (*cl, "at"))
                comps.append(
                    ThreatComponent(
                        c.name, c.share, c.issue, at, self.fact(private, c.only_if, (*cl, "only_if"))
                    )
                )
            threat = tuple(comps)
        rp = self.party(sc, b.relief_party, (*base, "relief_party")) if b.relief_party else None
        return ImplementationSpec(tuple(steps), ver, dict(b.compliance), sq, irr, tp, threat, rp)

    def action(self, sc: Scenario, private: PrivateInfo, party: str, item: Any, loc: Loc) -> Action:
        if isinstance(item, str):
            item = T.ActionSpec(do=item)
        elif isinstance(item, dict):
            try:
                item = T.ActionSpec.model_validate(item)
            except ValidationError as exc:
                e = exc.errors()[0]
                sub, expected, got = _explain(e)
                raise self.fail((*loc, *sub), expected, got) from None
        elif not isinstance(item, T.ActionSpec):
            raise self.fail(
                loc, "an action `issue = value`, a list of them, or {do: ..., only_if: ...}", item
            )
        m = _ASSIGN.match(item.do)
        if not m:
            raise self.fail(loc, "an action of the form `issue = value`", item.do)
        issue, raw = m.group(1), m.group(2).strip().strip("'\"")
        if issue not in sc.space.names:
            raise self.fail(loc, f"an action on a known issue, one of {list(sc.space.names)}", issue)
        idx = self.value(sc, issue, raw, loc)
        return Action(
            party, issue, idx, self.fact(private, item.only_if, (*loc, "only_if")), item.detection_probability
        )

    def per_party(self, sc: Scenario, v: Any, loc: Loc) -> dict[str, Any]:
        if isinstance(v, dict):
            for p in v:
                self.party(sc, p, (*loc, p))
            return dict(v)
        return {n: v for n in sc.party_names}


def _explain(err: Any) -> tuple[Loc, str, object]:
    """The foundation's explanation of a pydantic error, without the talks schema's union tags."""
    e = dict(err)
    e["loc"] = tuple(p for p in err["loc"] if p not in T.TAGS)
    return explain(e)


def _base_scenario(doc: Mapping[str, Any], file: str, node: Any, flags: frozenset[str]) -> Scenario:
    """The foundation scenario of a document (talks blocks removed); party expressions may use ``flags``."""
    try:
        spec = S.ScenarioSpec.model_validate(doc)
    except ValidationError as exc:
        errors = exc.errors()
        loc, expected, got = explain_first(errors)
        raise InputError(
            file, dotted(loc) or None, expected, got, line=line_of(node, loc), more=len(errors) - 1
        ) from None
    return ScenarioBuilder(file, node, flags).build(spec)
