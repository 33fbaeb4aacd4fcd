"""Uncertain numbers in scenario documents: where they are, and the documents of a run's draws.

Any number in a scenario document (a weight, a score, a walk-away value, a term's value, a deadline)
may be written as a distribution (:mod:`accord.experiments.distributions`). Here: finding them
(:func:`find_uncertain`), drawing a run's values (:func:`sample_values`, :func:`sample`), writing values
into a document without touching the original (:func:`set_paths`), nominal documents, sweep specs and
variants. A fixed override (a sweep point) still consumes its uniform, so sweeping one number never
changes the draws of the others (common random numbers).

Parameter paths are dotted: ``parties.usa.reservation``, ``parties.usa.weights.yongbyon``,
``protocol.deadline``, ``parties.usa.terms.0.value``. A list element is named by its index or, for a
list of mappings with a ``name`` key, by that name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.experiments.distributions import (
    DISTRIBUTIONS,
    DRAW_KEY,
    Distribution,
    _finite,
    _plain,
    draw_uniforms,
    draw_uniforms_many,
    parse_distribution,
    value_at,
    values_at,
)

__all__ = [
    "DISTRIBUTIONS",
    "DRAW_KEY",
    "Distribution",
    "Uncertain",
    "parse_distribution",
    "find_uncertain",
    "resolve_path",
    "get_path",
    "set_paths",
    "sample",
    "sample_values",
    "sample_values_many",
    "nominal_document",
    "parse_sweep",
    "draw_uniforms",
    "value_at",
    "dotted_name",
    "variants_of",
    "apply_variant",
]

#: Most points one swept parameter may take (a grid multiplies them; plans are bounded in rows too).
MAX_SWEEP_STEPS = 1_000_000

#: Top-level keys that hold no parameters (descriptions, issue definitions, citations).
_NOT_PARAMETERS = frozenset(
    {"issues", "sources", "history", "notes", "description", "name", "format_version"}
)

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Uncertain:
    """An uncertain number: where it is (``path`` as keys/indices, ``name`` dotted) and its distribution."""

    name: str
    path: Path
    dist: Distribution


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def _walk(node: object, path: Path, names: list[str], out: list[Uncertain], file: str | None) -> None:
    where = ".".join(names)
    dist = parse_distribution(node, where, file)
    if dist is not None:
        out.append(Uncertain(where, path, dist))
        return
    if isinstance(node, Mapping):
        for k, v in node.items():
            if not path and k in _NOT_PARAMETERS:
                continue
            _walk(v, (*path, k), [*names, str(k)], out, file)
    elif isinstance(node, list):
        labels = _list_labels(node)
        for i, v in enumerate(node):
            _walk(v, (*path, i), [*names, labels[i]], out, file)


def _list_labels(items: list[Any]) -> list[str]:
    """Labels of list elements in paths: their unique ``name`` if every element has one, else the index."""
    names = [it.get("name") if isinstance(it, Mapping) else None for it in items]
    if all(isinstance(n, str) and n for n in names) and len(set(names)) == len(names):
        return [str(n) for n in names]
    return [str(i) for i in range(len(items))]


def find_uncertain(doc: Mapping[str, Any], file: str | None = None) -> list[Uncertain]:
    """Every uncertain number of a scenario document, in document order."""
    out: list[Uncertain] = []
    _walk(doc, (), [], out, file)
    return out


def resolve_path(doc: Mapping[str, Any], dotted: str, file: str | None = None) -> Path:
    """Keys and indices of a dotted parameter path; an unknown path raises :class:`InputError`.

    The path must lead to an existing number or distribution, except that the last key may be absent
    from an existing mapping (e.g. ``protocol.opener``); the scenario's validation then judges it.
    """
    import difflib

    parts = [p for p in dotted.strip().split(".")]
    if not dotted.strip() or any(not p for p in parts):
        raise InputError(file, "--param", "a dotted parameter path such as parties.usa.reservation", dotted)
    node: object = doc
    out: list[str | int] = []
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, Mapping) and parse_distribution(node) is None:
            if part in node:
                out.append(part)
                node = node[part]
                continue
            if last and depth > 0:
                out.append(part)
                node = None
                continue
            near = difflib.get_close_matches(part, [str(k) for k in node], n=3)
            hint = (
                f" (did you mean {', '.join(near)}?)"
                if near
                else f" (keys here: {', '.join(map(str, node))})"
            )
            raise InputError(file, dotted, f"a parameter path that exists in the scenario{hint}", part)
        if isinstance(node, list):
            labels = _list_labels(node)
            if part in labels:
                i = labels.index(part)
            elif part.isdigit() and int(part) < len(node):
                i = int(part)
            else:
                raise InputError(file, dotted, f"an element of the list: one of {labels}", part)
            out.append(i)
            node = node[i]
            continue
        raise InputError(file, dotted, "a parameter path that exists in the scenario", part)
    if not (node is None or _finite(node) or parse_distribution(node) is not None or isinstance(node, str)):
        raise InputError(file, dotted, "a path to a number (or a distribution)", node)
    return tuple(out)


def get_path(doc: Any, path: Path) -> Any:
    node = doc
    for p in path:
        node = node[p]
    return node


def set_paths(doc: Any, values: Mapping[Path, object]) -> Any:
    """A copy of ``doc`` with ``values`` written at their paths; only the containers on the paths are copied."""
    if not values:
        return doc
    root = dict(doc) if isinstance(doc, Mapping) else list(doc)
    copied: set[Path] = {()}
    for path, value in values.items():
        node: Any = root
        for depth, key in enumerate(path[:-1]):
            sub = (*path[: depth + 1],)
            child = node[key]
            if sub not in copied:
                child = dict(child) if isinstance(child, Mapping) else list(child)
                node[key] = child
                copied.add(sub)
            node = child
        node[path[-1]] = value
    return root


def sample_values(
    doc: Mapping[str, Any],
    uncertain: Sequence[Uncertain],
    seed: int,
    overrides: Mapping[Path, object] | None = None,
) -> tuple[dict[Path, object], dict[str, object]]:
    """Run ``seed``'s values: ({path: value}, {parameter name: value}) for every number drawn or set."""
    overrides = overrides or {}
    us = draw_uniforms(seed, len(uncertain)) if uncertain else ()
    values: dict[Path, object] = {}
    drawn: dict[str, object] = {}
    for unc, u in zip(uncertain, us, strict=True):
        if unc.path in overrides:
            continue  # its uniform is still consumed: the other draws do not shift
        v = value_at(unc.dist, u)
        values[unc.path] = v
        drawn[unc.name] = v
    for path, v in overrides.items():
        values[path] = _plain(v)
        drawn[dotted_name(doc, path)] = _plain(v)
    return values, drawn


_NO_OVERRIDES: Mapping[Path, object] = {}


def sample_values_many(
    doc: Mapping[str, Any],
    uncertain: Sequence[Uncertain],
    seeds: Sequence[int],
    overrides: Mapping[Path, object] | Sequence[Mapping[Path, object] | None] | None = None,
) -> list[tuple[dict[Path, object], dict[str, object]]]:
    """``[sample_values(doc, uncertain, s, overrides) for s in seeds]``, equal value for value (same
    floats bit for bit, same ints, same key order), computed per parameter over all seeds at once
    (:func:`draw_uniforms_many`, :func:`values_at`).

    ``overrides`` is one mapping for every seed, or one per seed (a sequence as long as ``seeds``; None
    for none).
    """
    n = len(seeds)
    if overrides is None or isinstance(overrides, Mapping):
        per: Sequence[Mapping[Path, object] | None] = [overrides] * n
    else:
        per = overrides
        if len(per) != n:
            raise ValueError(f"{len(per)} overrides for {n} seeds")
    us = draw_uniforms_many(seeds, len(uncertain)) if uncertain and n else None
    cols = [values_at(u.dist, us[:, j]) for j, u in enumerate(uncertain)] if us is not None else []
    rows = list(zip(*cols, strict=True)) if cols else [()] * n
    everything = list(range(len(uncertain)))
    shared: dict[int, tuple] = {}  # id of an overrides mapping -> (it, kept, their paths, names, entries)
    out: list[tuple[dict[Path, object], dict[str, object]]] = []
    for r in range(n):
        ov = per[r] or _NO_OVERRIDES
        hit = shared.get(id(ov))
        if hit is None or hit[0] is not ov:
            keep = [j for j, u in enumerate(uncertain) if u.path not in ov]
            entries = [(path, dotted_name(doc, path), _plain(v)) for path, v in ov.items()]
            paths, names = [uncertain[j].path for j in keep], [uncertain[j].name for j in keep]
            hit = shared[id(ov)] = (ov, None if keep == everything else keep, paths, names, entries)
        _, keep, paths, names, entries = hit
        row = rows[r] if keep is None else [rows[r][j] for j in keep]
        values: dict[Path, object] = dict(zip(paths, row))  # noqa: B905 (lengths equal)
        drawn: dict[str, object] = dict(zip(names, row))  # noqa: B905
        for path, name, v in entries:
            values[path] = v
            drawn[name] = v
        out.append((values, drawn))
    return out


def sample(
    doc: Mapping[str, Any],
    uncertain: Sequence[Uncertain],
    seed: int,
    overrides: Mapping[Path, object] | None = None,
) -> tuple[dict[str, Any], dict[str, object]]:
    """Draw run ``seed``'s values: (the document with plain numbers, {parameter name: value drawn or set})."""
    values, drawn = sample_values(doc, uncertain, seed, overrides)
    return set_paths(doc, values), drawn


def dotted_name(doc: Mapping[str, Any], path: Path) -> str:
    names: list[str] = []
    node: Any = doc
    for p in path:
        if isinstance(node, list):
            names.append(_list_labels(node)[int(p)])
        else:
            names.append(str(p))
        node = node[p] if isinstance(node, list) or (isinstance(node, Mapping) and p in node) else None
    return ".".join(names)


def nominal_document(doc: Mapping[str, Any], uncertain: Sequence[Uncertain] | None = None) -> dict[str, Any]:
    """The document with every distribution replaced by its nominal value (:meth:`Distribution.nominal`)."""
    unc = find_uncertain(doc) if uncertain is None else uncertain
    return set_paths(doc, {u.path: _plain(u.dist.nominal()) for u in unc})


def _number(text: str, spec: str) -> float | int:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        x = float(text)
    except ValueError:
        raise InputError(None, "--param", "PATH=LO:HI:STEPS or PATH=V1,V2,... with numbers", spec) from None
    if not math.isfinite(x):
        raise InputError(None, "--param", "finite numbers", spec)
    return x


def parse_sweep(spec: str) -> tuple[str, list[object]]:
    """``PATH=LO:HI:STEPS`` (evenly spaced, both ends) or ``PATH=V1,V2,...`` -> (path, values).

    Values stay whole numbers when the ends are whole numbers and every grid point is whole
    (``protocol.deadline=2:10:5`` gives 2, 4, 6, 8, 10).
    """
    if "=" not in spec:
        raise InputError(None, "--param", "PATH=LO:HI:STEPS (e.g. parties.usa.reservation=0.3:0.7:5)", spec)
    path, _, rhs = spec.partition("=")
    path, rhs = path.strip(), rhs.strip()
    if not path or not rhs:
        raise InputError(None, "--param", "PATH=LO:HI:STEPS (e.g. parties.usa.reservation=0.3:0.7:5)", spec)
    if ":" in rhs:
        bits = rhs.split(":")
        if len(bits) != 3:
            raise InputError(None, "--param", "LO:HI:STEPS (three numbers)", spec)
        lo, hi = _number(bits[0], spec), _number(bits[1], spec)
        try:
            steps = int(bits[2])
        except ValueError:
            raise InputError(None, "--param", "a whole number of STEPS", spec) from None
        if steps < 1 or (steps == 1 and lo != hi):
            raise InputError(None, "--param", "STEPS >= 2 (or 1 with LO == HI)", spec)
        if steps > MAX_SWEEP_STEPS:
            raise InputError(None, "--param", f"at most {MAX_SWEEP_STEPS:,} STEPS", spec)
        if not lo <= hi:
            raise InputError(None, "--param", "LO <= HI", spec)
        grid = np.linspace(lo, hi, steps) if steps > 1 else np.array([lo], dtype=float)
        if isinstance(lo, int) and isinstance(hi, int) and np.all(grid == np.round(grid)):
            return path, [int(round(x)) for x in grid]
        return path, [float(f"{x:.12g}") for x in grid]  # 0.4, not 0.39999999999999997
    vals: list[object] = []
    for b in rhs.split(","):
        b = b.strip()
        if not b:
            raise InputError(None, "--param", "comma-separated values without gaps", spec)
        try:
            vals.append(_number(b, spec))
        except InputError:
            vals.append(b)
    return path, vals


def variants_of(doc: Mapping[str, Any]) -> list[str]:
    """``base`` and the names of the document's ``variants``."""
    v = doc.get("variants")
    return ["base", *(str(k) for k in v)] if isinstance(v, Mapping) else ["base"]


def apply_variant(doc: Mapping[str, Any], name: str, file: str | None = None) -> dict[str, Any]:
    """The document of variant ``name`` (``base``: the document itself), without its ``variants`` block.

    The merge is the scenario format's own (:func:`accord.io.talks.apply_variant`): mappings merge key by
    key, ``null`` removes a key, a stage of ``tracks`` named like a base stage merges into it, anything
    else (a number, a list, a distribution) replaces the base value.
    """
    if name == "base":
        return {k: v for k, v in doc.items() if k != "variants"}
    variants = doc.get("variants")
    if not isinstance(variants, Mapping) or name not in variants:
        raise InputError(file, "variants", f"a variant of the scenario, one of {variants_of(doc)}", name)
    from accord.io.talks import apply_variant as merge

    return merge(doc, name, file or "<document>")
