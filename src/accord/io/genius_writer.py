"""Writing GENIUS XML folders (``domain.xml`` plus one profile per party); the reader is :mod:`accord.io.genius`.

Written so that GENIUS's reader (and accord's, which follows it: docs/formats.md) reads back the same
utilities: discrete evaluations as fractions of the issue's best (GENIUS divides by the best), integer
issues with exactly linear scores as GENIUS integer issues with a linear evaluator.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from accord.errors import InputError
from accord.model.issues import Issue
from accord.model.scenario import Scenario

__all__ = ["check_linear_additive", "discrete_evaluations", "safe_stem", "write_genius"]


def _linear_fit(x: np.ndarray, s: np.ndarray) -> tuple[float, float] | None:
    """(slope, offset) with ``clip(slope * x + offset, 0, 1) == s`` bit for bit, or None.

    ``x`` = v - lowerbound. Candidate slopes are the secants from the first point, nudged by up to
    8 ulps either way, so scores read from a GENIUS integer evaluator are found again.
    """
    offset = float(s[0])
    n = len(s)
    if n == 1:
        return (0.0, offset) if 0.0 <= offset <= 1.0 else None
    for k in sorted({1, n // 2, n - 1}):
        c = (float(s[k]) - offset) / float(x[k])
        for _ in range(9):
            c = float(np.nextafter(c, -np.inf))
        for _ in range(17):
            if np.array_equal(np.clip(c * x + offset, 0.0, 1.0), s):
                return c, offset
            c = float(np.nextafter(c, np.inf))
    return None


def discrete_evaluations(scores: np.ndarray, weight: float) -> tuple[np.ndarray, float]:
    """(evaluations, weight) that GENIUS reads back as ``weight * scores``.

    GENIUS divides a discrete issue's evaluations by their largest (``EvaluatorDiscrete``), so scores
    whose best is m < 1 are written as ``scores / m`` with the weight ``weight * m`` (exact to a few
    ulps, not bit for bit); scores whose best is 1 or 0 are written unchanged.
    """
    top = float(scores.max()) if scores.size else 0.0
    if top == 1.0 or top == 0.0:
        return scores, weight
    return scores / top, weight * top


#: A written profile's weighted scores may sum above 1 by this much (float rounding), not more: GENIUS caps at 1.
_SUM_TOLERANCE = 1e-12


def _fmt(x: float) -> str:
    return repr(float(x))


def check_linear_additive(scenario: Scenario, file: str, fmt: str) -> None:
    """Raise InputError unless every party's preferences are plain linear-additive with scores in [0, 1]."""
    for p in scenario.parties:
        prefs = p.preferences
        if prefs.terms or prefs.constraints:
            raise InputError(
                file,
                f"parties.{p.name}",
                f"linear-additive preferences ({fmt} cannot express non-additive terms or constraints)",
            )
        if fmt == "GENIUS XML" and prefs.cap not in (None, 1.0):
            raise InputError(
                file,
                f"parties.{p.name}.cap",
                "no utility cap or a cap at 1 (GENIUS caps utilities at 1)",
                prefs.cap,
            )
        if fmt == "GENIUS XML" and prefs.cap is None and prefs.scores:
            top = sum(float(np.max(c)) for c in prefs.contributions())
            if top > 1.0 + _SUM_TOLERANCE:
                raise InputError(
                    file,
                    f"parties.{p.name}.weights",
                    "weighted scores summing to at most 1 (GENIUS caps every utility at 1, so the "
                    "outcomes above 1 would read back as 1)",
                    top,
                )
        for iss, s in zip(prefs.space.issues, prefs.scores, strict=True):
            if s.size and (s.min() < 0.0 or s.max() > 1.0):
                raise InputError(
                    file,
                    f"parties.{p.name}.scores.{iss.name}",
                    f"scores in [0, 1] ({fmt} evaluations are fractions of the best value)",
                    [float(s.min()), float(s.max())],
                )
    for iss in scenario.space.issues:
        labels = [str(v) for v in iss.values]
        if len(set(labels)) != len(labels):
            raise InputError(file, f"issues.{iss.name}", "distinct value labels", labels)


def _sub(parent: ET.Element, tag: str, **attrs: object) -> ET.Element:
    return ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})


def safe_stem(name: str, file: str) -> str:
    """``name`` if it can be a file stem unchanged; else InputError."""
    if not name or name in (".", "..") or any(c in name for c in '/\\:*?"<>|\0'):
        raise InputError(file, "parties", "party names usable as file names", name)
    return name


def write_genius(scenario: Scenario, folder: str | Path, overwrite: bool = False) -> list[Path]:
    """Write ``scenario`` as a GENIUS folder: ``domain.xml`` plus ``<party>.xml`` per party.

    Evaluations are written as scores in [0, 1] whose best is 1 (an issue whose best score is m < 1 is
    written as scores / m with its weight times m, since GENIUS divides by the best), with
    ``discount_factor`` and ``reservation`` elements. An integer issue of consecutive values is
    written as a GENIUS integer issue with a linear evaluator when every party's scores on it are
    exactly linear (bit for bit); otherwise, and for ordinal and real issues, as discrete items
    labelled ``str(value)`` (reading back then gives a categorical issue with the same utilities).
    Linear-additive scenarios only: non-additive terms or constraints raise InputError.
    Refuses a folder that already holds XML files unless ``overwrite``. Returns the written paths
    (domain first).
    """
    folder = Path(folder)
    out = str(folder)
    check_linear_additive(scenario, out, "GENIUS XML")
    space, parties = scenario.space, scenario.parties
    stems = [safe_stem(p.name, out) for p in parties]
    for p in parties:
        if not 0.0 < p.preferences.discount <= 1.0:
            raise InputError(
                out, f"parties.{p.name}.discount", "a discount factor in (0, 1]", p.preferences.discount
            )
    _prepare(folder, ".xml", overwrite)
    # fits[k][i]: (slope, offset) of party i on integer issue k, or None to write discrete items.
    fits: list[list[tuple[float, float]] | None] = []
    for k, iss in enumerate(space.issues):
        found: list[tuple[float, float] | None] = []
        if iss.kind == "integer" and np.array_equal(np.diff(iss.numeric), np.ones(iss.size - 1)):
            x = iss.numeric - iss.numeric[0]
            found = [_linear_fit(x, p.preferences.scores[k]) for p in parties]
        ok = bool(found) and all(f is not None for f in found)
        fits.append([f for f in found if f is not None] if ok else None)

    def objective(parent: ET.Element) -> ET.Element:
        attrs = {"index": 0, "etype": "objective", "type": "objective", "description": ""}
        return _sub(parent, "objective", **attrs, name=scenario.name)

    def issue_el(parent: ET.Element, k: int, iss: Issue) -> ET.Element:
        if fits[k] is not None:
            kind = {"etype": "integer", "type": "integer", "vtype": "integer"}
            bounds = {"lowerbound": int(iss.values[0]), "upperbound": int(iss.values[-1])}
            return _sub(parent, "issue", index=k + 1, name=iss.name, **kind, **bounds)
        kind = {"etype": "discrete", "type": "discrete", "vtype": "discrete"}
        return _sub(parent, "issue", index=k + 1, name=iss.name, **kind)

    dom = ET.Element("negotiation_template")
    obj = objective(_sub(dom, "utility_space", number_of_issues=len(space.issues)))
    for k, iss in enumerate(space.issues):
        el = issue_el(obj, k, iss)
        if fits[k] is None:
            for j, v in enumerate(iss.values):
                _sub(el, "item", index=j + 1, value=v)
    domain_stem = "domain"
    while domain_stem in stems:
        domain_stem += "_"
    paths = [folder / f"{domain_stem}.xml"]
    _write(dom, paths[0])
    for i, (p, stem) in enumerate(zip(parties, stems, strict=True)):
        prefs = p.preferences
        us = ET.Element("utility_space")
        obj = objective(us)
        weights = [float(w) for w in prefs.weights]
        for k, iss in enumerate(space.issues):
            el = issue_el(obj, k, iss)
            fit = fits[k]
            if fit is not None:
                slope, offset = fit[i]
                _sub(el, "evaluator", ftype="linear", offset=_fmt(offset), slope=_fmt(slope))
            else:
                evals, weights[k] = discrete_evaluations(prefs.scores[k], weights[k])
                for j, (v, sc) in enumerate(zip(iss.values, evals, strict=True)):
                    _sub(el, "item", index=j + 1, value=v, evaluation=_fmt(sc))
        for k, w in enumerate(weights):
            _sub(obj, "weight", index=k + 1, value=_fmt(w))
        _sub(us, "discount_factor", value=_fmt(prefs.discount))
        _sub(us, "reservation", value=_fmt(prefs.reservation))
        paths.append(folder / f"{stem}.xml")
        _write(us, paths[-1])
    return paths


def _prepare(folder: Path, suffix: str, overwrite: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise InputError(str(folder), None, "a folder to write into", "a file")
    folder.mkdir(parents=True, exist_ok=True)
    clash = sorted(p.name for p in folder.iterdir() if p.suffix.lower() == suffix)
    if clash and not overwrite:
        raise InputError(
            str(folder),
            None,
            f"a new or empty folder (it already holds {suffix} files; pass overwrite=True)",
            clash[:5],
        )


def _write(root: ET.Element, path: Path) -> None:
    ET.indent(root)
    path.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")
