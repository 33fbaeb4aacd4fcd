"""Where a scenario document's uncertain numbers are, and documents with values written in.

Any number in a scenario document (a weight, a score, a walk-away value, a term's value, a deadline)
may be written as a distribution (:mod:`accord.io.distributions`, the grammar). Here: finding them
(:func:`find_uncertain`), naming them by dotted paths (:func:`resolve_path`, :func:`dotted_name`), writing
values into a document without touching the original (:func:`set_paths`) and the nominal document every
loader validates (:func:`nominal_document`, used by :mod:`accord.io.prepare`). Drawing a run's values is
the experiments' (:mod:`accord.experiments.params`).

Parameter paths are dotted: ``parties.usa.reservation``, ``parties.usa.weights.yongbyon``,
``protocol.deadline``, ``parties.usa.terms.0.value``. A list element is named by its index or, for a
list of mappings with a ``name`` key, by that name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from accord.errors import InputError
from accord.io.distributions import Distribution, _finite, _plain, parse_distribution

__all__ = [
    "Path",
    "Uncertain",
    "dotted_name",
    "find_uncertain",
    "get_path",
    "nominal_document",
    "resolve_path",
    "set_paths",
]


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
