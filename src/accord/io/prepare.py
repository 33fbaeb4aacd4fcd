"""One step between parsing a scenario document and validating it.

Every loader of accord's YAML scenarios (:func:`accord.io.yaml_scenario.loads_yaml`,
:func:`accord.io.yaml_scenario.scenario_from_dict`, :func:`accord.io.talks.read`) passes the parsed
document through :func:`prepare_document` before the schema sees it, so the same file means the same
thing to ``accord run``, ``accord analyze``, the experiment runner and the web app:

1. stakeholder forecasts (a ``{forecast: {table, model, issue, map}}`` mapping where a number is expected,
   :mod:`accord.forecast.link`) are computed and replaced by their numbers, and a top-level
   ``stakeholders:`` actor table is read (checked) and removed;
2. uncertain numbers (a ``{dist: ...}`` mapping where a number is expected,
   :mod:`accord.io.distributions`) take their nominal value; the experiment runner draws them
   per run instead and hands the drawn document to :func:`scenario_from_dict` (so a drawn stakeholder
   table gives a drawn forecast).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accord.io.uncertain import find_uncertain, nominal_document


def prepare_document(doc: Mapping[str, Any], file: str | None = None) -> dict[str, Any]:
    """The document the schema validates: forecasts resolved, distributions at their nominal values."""
    out = dict(doc)
    if "stakeholders" in out or _has_forecast(out):
        from accord.forecast.link import resolve_document

        out, _links = resolve_document(out, file)
    unc = find_uncertain(out, file)
    if unc:
        out = nominal_document(out, unc)
    return out


def _has_forecast(node: object) -> bool:
    """Cheap scan for a ``forecast`` key anywhere (so plain scenarios never import accord.forecast)."""
    if isinstance(node, Mapping):
        return "forecast" in node or any(_has_forecast(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_forecast(v) for v in node)
    return False
