"""``accord.json``: what a GENIUS or GeniusWeb folder cannot hold, written beside it so a round trip keeps it.

GENIUS XML and GeniusWeb JSON hold issues, values, weights, evaluations, reservation values (and GENIUS
discounts). They have no place for an issue's order (``ordered: true``), integer or real issues written as
discrete items, the order of the parties (a folder's profiles are read in file-name order, which changes
the opener), the protocol (deadline, opener, type and its settings), the scenario's name, description,
sources, history and notes, or a party's description and default strategy. ``accord convert`` writes these
into ``accord.json`` in the output folder; reading the folder (``accord.load``, ``accord convert``, every
command) applies them where the folder's own files still match (same issues with the same value labels in
the same order, same parties): otherwise the sidecar is ignored with a warning naming it. GENIUS and
GeniusWeb ignore the file; so do folder readers that do not know it (formats.md: unknown files are
skipped). docs/convert.md lists what each format keeps.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from accord.errors import InputError
from accord.model.issues import Issue
from accord.model.scenario import Scenario
from accord.model.space import OutcomeSpace

__all__ = ["SIDECAR", "apply_sidecar", "sidecar_document", "write_sidecar"]

#: File name of the sidecar inside a GENIUS/GeniusWeb folder.
SIDECAR = "accord.json"
_KIND = "accord-sidecar"
_VERSION = 1


def _issue_doc(iss: Issue) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": iss.name, "kind": iss.kind, "values": list(iss.values)}
    if iss.lower is not None:
        doc["lower"], doc["upper"] = iss.lower, iss.upper
    return doc


def sidecar_document(scenario: Scenario) -> dict[str, Any]:
    """The fields of ``scenario`` that a GENIUS/GeniusWeb folder cannot hold, as plain JSON data."""
    p = scenario.protocol
    return {
        "format": _KIND,
        "version": _VERSION,
        "note": "Written by accord convert: what the GENIUS/GeniusWeb files beside it cannot hold.",
        "name": scenario.name,
        "description": scenario.description,
        "sources": dict(scenario.sources),
        "history": dict(scenario.history),
        "notes": scenario.notes,
        "issues": [_issue_doc(i) for i in scenario.space.issues],
        "parties": [
            {"name": q.name, "description": q.description, "strategy": q.strategy} for q in scenario.parties
        ],
        "protocol": {
            "type": p.type,
            "deadline": int(p.deadline),
            "opener": p.opener,
            "options": dict(p.options),
            "breakdown_risk": float(p.breakdown_risk),
        },
    }


def write_sidecar(scenario: Scenario, folder: Path) -> Path:
    """Write ``accord.json`` into ``folder`` (see the module docstring); returns its path."""
    path = Path(folder) / SIDECAR
    text = json.dumps(sidecar_document(scenario), indent=1, ensure_ascii=False, default=str)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _read(path: Path) -> dict[str, Any] | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(str(path), None, f"an accord sidecar in JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != _KIND:
        return None  # somebody else's accord.json: not ours to read
    if doc.get("version") != _VERSION:
        raise InputError(str(path), "version", f"sidecar version {_VERSION}", doc.get("version"))
    shapes = {"issues": list, "parties": list, "protocol": dict, "sources": dict, "history": dict}
    for key, kind in shapes.items():
        if not isinstance(doc.get(key), kind):
            raise InputError(str(path), key, f"a {kind.__name__} (as accord convert writes it)", doc.get(key))
    for key in ("name", "description", "notes"):
        if not isinstance(doc.get(key), str):
            raise InputError(str(path), key, "a text", doc.get(key))
    return doc


def _mismatch(path: Path, what: str) -> Scenario | None:
    from accord.io.genius import warn

    warn(
        path,
        what,
        "differs from the folder's own files (edited since it was written): the sidecar is ignored",
    )
    return None


def _issues(path: Path, sc: Scenario, docs: list[Any]) -> list[Issue] | None:
    if [d.get("name") if isinstance(d, dict) else None for d in docs] != list(sc.space.names):
        return None
    out = []
    for iss, d in zip(sc.space.issues, docs, strict=True):
        values = d.get("values")
        if not isinstance(values, list) or [str(v) for v in values] != [str(v) for v in iss.values]:
            return None
        kind = d.get("kind")
        if kind in ("categorical", "ordinal"):
            out.append(Issue(iss.name, kind, tuple(str(v) for v in values)))
        elif kind == "integer" and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            out.append(Issue(iss.name, "integer", tuple(values), d.get("lower"), d.get("upper")))
        elif kind == "real" and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            out.append(
                Issue(iss.name, "real", tuple(float(v) for v in values), d.get("lower"), d.get("upper"))
            )
        else:
            raise InputError(
                str(path), f"issues.{iss.name}.kind", "categorical, ordinal, integer or real", kind
            )
    return out


def apply_sidecar(scenario: Scenario, folder: Path, parties_chosen: bool = False) -> Scenario:
    """``scenario`` (read from the GENIUS/GeniusWeb ``folder``) with what the folder's ``accord.json`` keeps.

    Without a sidecar, or with one that no longer matches the folder's files (a :class:`FormatWarning`
    says so), the scenario is returned as read. ``parties_chosen``: the caller named the parties, so their
    order is the caller's, not the sidecar's.
    """
    path = Path(folder) / SIDECAR
    if not path.is_file():
        return scenario
    doc = _read(path)
    if doc is None:
        return scenario
    issues = _issues(path, scenario, doc["issues"])
    if issues is None:
        return _mismatch(path, "issues") or scenario
    info = {d.get("name"): d for d in doc["parties"] if isinstance(d, dict)}
    if not set(scenario.party_names) <= set(info):
        return _mismatch(path, "parties") or scenario
    space = OutcomeSpace(issues)
    parties = []
    for q in scenario.parties:
        d = info[q.name]
        desc, strat = d.get("description") or q.description, d.get("strategy") or q.strategy
        if not isinstance(desc, str) or not (strat is None or isinstance(strat, str)):
            raise InputError(str(path), f"parties.{q.name}", "a text description and strategy", d)
        parties.append(
            replace(q, preferences=replace(q.preferences, space=space), description=desc, strategy=strat)
        )
    order = [d.get("name") for d in doc["parties"] if d.get("name") in scenario.party_names]
    if not parties_chosen and len(order) == len(parties):
        parties.sort(key=lambda q: order.index(q.name))
    pd = doc["protocol"]
    try:
        protocol = replace(
            scenario.protocol,
            type=str(pd["type"]),
            deadline=int(pd["deadline"]),
            opener=pd.get("opener") if pd.get("opener") in scenario.party_names else None,
            options=dict(pd.get("options") or {}),
            breakdown_risk=float(pd.get("breakdown_risk", 0.0)),
        )
    except (KeyError, TypeError, ValueError):
        raise InputError(
            str(path), "protocol", "{type, deadline, opener, options} as accord convert writes it", pd
        ) from None
    return replace(
        scenario,
        name=doc["name"] or scenario.name,
        description=doc["description"],
        sources=dict(doc["sources"]),
        history=dict(doc["history"]),
        notes=doc["notes"],
        space=space,
        parties=tuple(parties),
        protocol=protocol,
    )
