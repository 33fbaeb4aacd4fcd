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

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import ValidationError

from accord.errors import InputError
from accord.io import schema as S
from accord.io.prepare import prepare_document
from accord.io.scenario_builder import ScenarioBuilder, fact_flags
from accord.io.schema_errors import explain_first
from accord.io.talks import has_talks, talks_from_document, variant_names
from accord.model.issues import Issue
from accord.model.scenario import Party, Scenario
from accord.model.space import OutcomeSpace
from accord.yaml_dialect import Dumper as _Dumper
from accord.yaml_dialect import dotted as _dotted
from accord.yaml_dialect import line_of as _line
from accord.yaml_dialect import parse as _parse
from accord.yaml_dialect import read_text as _read_text

__all__ = ["load_yaml", "loads_yaml", "dump_yaml", "dumps_yaml", "scenario_to_dict", "scenario_json_schema"]

scenario_json_schema = S.scenario_json_schema


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
        loc, expected, got = explain_first(errors)
        raise InputError(
            file, _dotted(loc) or None, expected, got, line=_line(node, loc), more=len(errors) - 1
        ) from None
    except RecursionError:
        raise InputError(file, None, "a document nested less deeply") from None
    sc = ScenarioBuilder(file, node, fact_flags(spec)).build(spec)
    _check_talks(data, file, node)
    return sc


def _check_talks(data: dict[str, Any], file: str, node: yaml.Node | None) -> None:
    """Validate the talks blocks (and every variant) once, at load, so that a command that reads only the
    bargaining space (``accord analyze``) refuses what ``accord run`` would refuse."""
    if not has_talks(data):
        return
    talks_from_document(data, file, node=node)
    for v in variant_names(data):
        talks_from_document(data, file, node=node, variant=v)


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
    if pr.cap is not None:
        doc["cap"] = float(pr.cap)
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
        loc, expected, got = explain_first(errors)
        raise InputError(file, _dotted(loc) or None, expected, got, more=len(errors) - 1) from None
    return ScenarioBuilder(file, None, fact_flags(spec)).build(spec)
