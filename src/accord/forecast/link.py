"""Stakeholder forecasts inside negotiation scenarios: a forecast sets a number of the scenario.

A two-level game (Putnam 1988, *International Organization* 42:427) links the table and the room: what the
domestic or international ratifiers would accept bounds what a negotiator can offer, and what the group
would do without a deal sets what walking away is worth. In a scenario file, anywhere a number is
expected (a walk-away value, a weight, a term's value, a score function's parameter such as the ``peak``
of a triangular score, i.e. a party's position), the form

.. code-block:: yaml

    reservation:
      forecast:
        table: nk-sanctions-2019.csv   # relative to the scenario file, inside its folder; omit it to use
                                       # the scenario's own `stakeholders:` block
        model: median                  # mean | median | bdm | exchange
        issue: un_sanctions_relief     # only needed when the table has several issues
        map: {0: 0.4, 25: 0.24, 75: 0.08, 100: 0.0}   # scale value -> number; omit for the forecast itself
        rounds: 50                     # optional: most rounds of bdm / exchange
        bdm: paper                     # optional: paper | scholz-code

is replaced by the forecast, mapped through the declared points (linear between them, flat beyond the
ends), before the scenario is validated (:func:`accord.io.prepare.prepare_document`). So ``accord run``,
``accord analyze``, the experiment runner and the web app all see the same number. A ``stakeholders:``
block at the top level (the YAML actor table of :mod:`accord.forecast.tables`) is read here and removed
from the document the schema sees.

Errors name the scenario file and the field (``parties.usa.reservation.forecast.table``); problems inside
the table itself name the table file, its row and column.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from accord.errors import InputError
from accord.forecast.bdm import PRESETS
from accord.forecast.models import MODELS, ForecastSettings, run_models
from accord.forecast.tables import ActorTable, read_table, table_from_mapping

__all__ = ["FORM_KEY", "KEYS", "Link", "is_forecast_form", "resolve_document", "interpolate"]

#: The key that marks a forecast where a number is expected.
FORM_KEY = "forecast"
#: Keys of the forecast form.
KEYS = ("table", "model", "issue", "map", "rounds", "bdm")
#: Top-level keys whose content is never searched for forecast forms.
_SKIP_TOP = frozenset({"stakeholders", "sources", "notes", "description", "name", "history"})
_CACHE: dict[tuple[Any, ...], float] = {}
_CACHE_SIZE = 256


@dataclass(frozen=True)
class Link:
    """One resolved forecast: where it is, what it used, the forecast on the table's scale and the number set."""

    field: str
    table: str
    model: str
    issue: str
    forecast: float
    value: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def is_forecast_form(node: object) -> bool:
    """True for ``{forecast: {...}}`` (a mapping whose only key is ``forecast``)."""
    return isinstance(node, Mapping) and len(node) == 1 and FORM_KEY in node


def _field(path: Sequence[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _contains_form(node: object) -> bool:
    if is_forecast_form(node):
        return True
    if isinstance(node, Mapping):
        return any(_contains_form(v) for v in node.values())
    if isinstance(node, list):
        return any(_contains_form(v) for v in node)
    return False


def resolve_document(doc: Mapping[str, Any], file: str | None = None) -> tuple[dict[str, Any], list[Link]]:
    """The document with every forecast form replaced by its number and ``stakeholders:`` removed, and the
    links resolved (in document order). The input is not modified; untouched branches are shared."""
    out = dict(doc)
    inline_spec = out.pop("stakeholders", None)
    forms = any(_contains_form(v) for k, v in out.items() if k not in _SKIP_TOP)
    if inline_spec is None and not forms:
        return out, []
    inline = table_from_mapping(inline_spec, file, "stakeholders") if inline_spec is not None else None
    links: list[Link] = []
    for key, value in out.items():
        if key not in _SKIP_TOP:
            out[key] = _walk(value, (key,), file, inline, inline_spec, links)
    return out, links


def _walk(
    node: Any,
    path: tuple[str | int, ...],
    file: str | None,
    inline: ActorTable | None,
    inline_spec: Any,
    links: list[Link],
) -> Any:
    if is_forecast_form(node):
        link = _resolve(node[FORM_KEY], _field((*path, FORM_KEY)), file, inline, inline_spec)
        links.append(link)
        return link.value
    if isinstance(node, Mapping):
        if not _contains_form(node):
            return node
        return {k: _walk(v, (*path, k), file, inline, inline_spec, links) for k, v in node.items()}
    if isinstance(node, list):
        if not _contains_form(node):
            return node
        return [_walk(v, (*path, i), file, inline, inline_spec, links) for i, v in enumerate(node)]
    return node


# ------------------------------------------------------------------------------------------ one form


def _resolve(spec: object, field: str, file: str | None, inline: ActorTable | None, inline_spec: Any) -> Link:
    if not isinstance(spec, Mapping):
        raise InputError(file, field, "a mapping {table, model, issue, map}", spec)
    unknown = [k for k in spec if k not in KEYS]
    if unknown:
        raise InputError(file, f"{field}.{unknown[0]}", f"only the keys {', '.join(KEYS)}", unknown[0])
    model = spec.get("model", "median")
    if model not in MODELS:
        raise InputError(file, f"{field}.model", f"one of {', '.join(MODELS)}", model)
    rounds = spec.get("rounds")
    if rounds is not None and (isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1):
        raise InputError(file, f"{field}.rounds", "a whole number of rounds >= 1", rounds)
    bdm = spec.get("bdm", "paper")
    if bdm not in PRESETS:
        raise InputError(file, f"{field}.bdm", f"one of {', '.join(PRESETS)}", bdm)
    points = _points(spec.get("map"), file, f"{field}.map")
    if "table" in spec:
        path = table_path(spec["table"], file, f"{field}.table")
        table, shown = read_table(path), str(spec["table"])
        st = path.stat()
        key: tuple[Any, ...] = ("file", str(path), st.st_mtime_ns, st.st_size)
    else:
        if inline is None:
            raise InputError(
                file, f"{field}.table", "an actor table file, or a `stakeholders:` block in this scenario"
            )
        table, shown = inline, "stakeholders"
        key = ("inline", json.dumps(inline_spec, sort_keys=True, default=str))
    issue = spec.get("issue")
    if issue is None:
        if len(table.issues) != 1:
            raise InputError(
                file, f"{field}.issue", f"one of the table's issues {', '.join(table.issues)}", None
            )
        issue = table.issues[0]
    elif issue not in table.issues:
        raise InputError(
            file, f"{field}.issue", f"one of the table's issues {', '.join(table.issues)}", issue
        )
    key = (*key, model, issue, rounds, bdm)
    fc = _CACHE.get(key)
    if fc is None:
        settings = ForecastSettings(rounds=rounds, bdm=PRESETS[bdm])
        fc = float(run_models(table, [model], settings, [issue])[issue][model].forecast)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = fc
    value = fc if points is None else interpolate(fc, points)
    return Link(field.removesuffix(f".{FORM_KEY}"), shown, model, issue, fc, value)


def table_path(raw: object, file: str | None, field: str) -> Path:
    """The actor table named ``raw``, relative to the scenario ``file``'s folder and inside it."""
    expected = "a relative path to an actor table (.csv or .yaml) inside the scenario's folder"
    if not isinstance(raw, str) or not raw.strip():
        raise InputError(file, field, expected, raw)
    pure = PurePosixPath(raw)
    if pure.is_absolute() or "\\" in raw or ".." in pure.parts or (len(raw) > 1 and raw[1] == ":"):
        raise InputError(file, field, f"{expected} (no absolute path, no '..', '/' as separator)", raw)
    if file is None or file.startswith("<"):
        raise InputError(file, field, "a scenario read from a file (the table path is relative to it)", raw)
    base = Path(file).resolve().parent
    full = (base / pure).resolve()
    if not full.is_relative_to(base):
        raise InputError(file, field, f"{expected} (it leads outside through a link)", raw)
    if not full.is_file():
        raise InputError(file, field, f"an existing actor table next to the scenario ({full})", raw)
    return full


def _points(raw: object, file: str | None, field: str) -> tuple[np.ndarray, np.ndarray] | None:
    if raw is None:
        return None
    expected = "at least two points {scale value: number} with distinct finite scale values"
    if isinstance(raw, Mapping):
        pairs = list(raw.items())
    elif isinstance(raw, list) and all(isinstance(p, list | tuple) and len(p) == 2 for p in raw):
        pairs = [tuple(p) for p in raw]
    else:
        raise InputError(file, field, expected, raw)
    # keys may arrive as text: a document that went through JSON (the experiment runner) has string keys
    pairs = [(_key(x), y) for x, y in pairs]
    if len(pairs) < 2 or not all(_num(x) and _num(y) for x, y in pairs):
        raise InputError(file, field, expected, raw)
    pts = sorted((float(x), float(y)) for x, y in pairs)
    xs = np.array([p[0] for p in pts])
    if np.any(np.diff(xs) <= 0):
        raise InputError(file, field, expected, raw)
    return xs, np.array([p[1] for p in pts])


def _key(v: object) -> object:
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return v
    return v


def _num(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def interpolate(x: float, points: tuple[np.ndarray, np.ndarray]) -> float:
    """Linear interpolation through the points, constant beyond the first and last."""
    return float(np.interp(x, points[0], points[1]))


def clear_cache() -> None:
    """Forget cached forecasts (tables on disk are keyed by modification time, so this is rarely needed)."""
    _CACHE.clear()
